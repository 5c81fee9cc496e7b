import { z } from "zod";

/** Payloads of the Stripe queues (platform/queues.server.ts registers them; billing/stripe.server.ts handles them). */
export const stripeInvoiceJobSchema = z.object({
  tenantId: z.string().uuid(),
  invoiceId: z.string().uuid(),
});
export type StripeInvoiceJob = z.infer<typeof stripeInvoiceJobSchema>;

/** One job per invoice: enqueuing the same invoice again (a re-run close, a retried hook) is a no-op. */
export const stripeInvoiceJobId = (job: StripeInvoiceJob) => `stripe-invoice-${job.tenantId}-${job.invoiceId}`;
