import { logger } from "../platform/logger.server";

/**
 * What follows an invoice's finalization, outside the close's transaction (a failure here never
 * undoes an invoice): each step registered here is its own idempotent job or call.
 */
type Step = (tenantId: string, invoiceId: string) => Promise<void>;
const steps: { name: string; run: Step }[] = [];

export function onInvoiceFinalized(name: string, run: Step) {
  if (!steps.some((s) => s.name === name)) steps.push({ name, run });
}

export async function afterFinalize(tenantId: string, invoiceId: string): Promise<void> {
  for (const step of steps) {
    try {
      await step.run(tenantId, invoiceId);
    } catch (err) {
      logger.warn({ err, tenantId, invoiceId, step: step.name }, "after-finalize step failed");
    }
  }
}
