import { logger } from "../platform/logger.server";
import { registerDocumentSteps } from "./document-steps.server";
import { registerStripeSteps } from "./stripe-hooks.server";

/**
 * What follows an invoice's finalization, outside the close's transaction (a failure here never
 * undoes an invoice): each step registered here is its own idempotent job or call.
 */
type Step = (tenantId: string, invoiceId: string) => Promise<void>;
const steps: { name: string; run: Step }[] = [];

export function onInvoiceFinalized(name: string, run: Step) {
  if (!steps.some((s) => s.name === name)) steps.push({ name, run });
}

/**
 * Queues the steps for an invoice just finalized (its own `billing.finalized` job, once per
 * invoice): the close stays a quick transaction per tenant, and a slow step (printing the PDF in
 * Chromium, a provider call) retries on its own without holding a run up.
 */
export async function queueAfterFinalize(tenantId: string, invoiceId: string): Promise<void> {
  const { enqueue } = await import("../platform/queues.server");
  await enqueue("billing.finalized", { tenantId, invoiceId }, { jobId: `finalized-${invoiceId}` });
}

/** The `billing.finalized` job: every registered step, each on its own (one failing stops no other). */
export async function afterFinalize(tenantId: string, invoiceId: string): Promise<void> {
  for (const step of steps) {
    try {
      await step.run(tenantId, invoiceId);
    } catch (err) {
      logger.warn({ err, tenantId, invoiceId, step: step.name }, "after-finalize step failed");
    }
  }
}

registerStripeSteps(onInvoiceFinalized);

// The invoice's PDF and its mail to the tenant follow every finalization, whoever finalizes
// (registered here, after `steps` exists, rather than from document-steps.server.ts on import).
registerDocumentSteps(onInvoiceFinalized);
