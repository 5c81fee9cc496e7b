import { enqueue } from "../platform/queues.server";
import type { onInvoiceFinalized } from "./after-finalize.server";
import { stripeEnabled } from "./stripe.server";

/**
 * Stripe's step after an invoice is finalized: enqueue its mirror (billing.stripe-invoice), never
 * call Stripe inline, so a slow or failing Stripe cannot hold up the close. The job id is the
 * invoice's, so a second finalization hook for the same invoice adds nothing.
 *
 * after-finalize.server.ts passes its `onInvoiceFinalized` in (rather than this module importing it):
 * the two modules would otherwise import each other, and registering during that cycle would touch its
 * step list before it exists.
 */
export function registerStripeSteps(on: typeof onInvoiceFinalized): void {
  on("stripe", async (tenantId, invoiceId) => {
    if (!stripeEnabled()) return;
    await enqueue("billing.stripe-invoice", { tenantId, invoiceId });
  });
}
