import { z } from "zod";
import { BILLING_CALENDARS, isPeriodLabel } from "./periods";

/** Payloads of the billing queues (platform/queues.server.ts registers them). */
export const closeJobSchema = z.object({
  runId: z.string().uuid(),
  tenantId: z.string().uuid(),
  periodLabel: z.string().refine(isPeriodLabel),
  calendar: z.enum(BILLING_CALENDARS),
  finalize: z.boolean(),
  actorUserId: z.string().uuid().nullable(),
});
export type CloseJob = z.infer<typeof closeJobSchema>;

/** Repeating jobs carry nothing; a test may pin the clock. */
export const scheduleJobSchema = z.object({ at: z.string().datetime().optional() });

/** An invoice just finalized: its after-finalize steps (document, mail, Stripe mirror). */
export const finalizedJobSchema = z.object({ tenantId: z.string().uuid(), invoiceId: z.string().uuid() });
