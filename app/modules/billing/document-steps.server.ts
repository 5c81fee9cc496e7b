import { enqueue } from "../platform/queues.server";
import { withBureauScope } from "../tenancy/scope.server";
import { invoicePdfCached } from "./document.server";
import { loadInvoiceView } from "./invoices.server";

/**
 * What the invoice document adds after a finalization (after-finalize.server.ts registers these, so
 * they run whoever finalizes): print and store the PDF, then mail it to the tenant's billing address.
 * Both are idempotent: the PDF is stored once, and the mail is enqueued only while the invoice is
 * still unsent, under one job id per invoice.
 */
type Register = (name: string, run: (tenantId: string, invoiceId: string) => Promise<void>) => void;

/** Prints the PDF into invoice_documents, so the first download (and the mail) need not wait for it. */
export async function storeInvoiceDocument(tenantId: string, invoiceId: string): Promise<void> {
  await withBureauScope(async (trx) => {
    const view = await loadInvoiceView(trx, tenantId, invoiceId);
    if (view && view.status !== "draft") await invoicePdfCached(trx, view);
  });
}

/**
 * Enqueues the invoice mail when the tenant has a billing e-mail and the invoice has not been sent
 * yet; the mail job marks it sent once delivered. Returns the job id, or null when nothing is sent.
 */
export async function enqueueInvoiceMail(tenantId: string, invoiceId: string): Promise<string | null> {
  const view = await withBureauScope((trx) => loadInvoiceView(trx, tenantId, invoiceId));
  if (!view || view.status !== "finalized" || !view.buyer.email) return null;
  return enqueue("mail.send", { template: "invoice", tenantId, invoiceId, to: view.buyer.email, locale: view.locale });
}

export function registerDocumentSteps(on: Register): void {
  // Order matters: the mail attaches the stored PDF.
  on("document", storeInvoiceDocument);
  on("mail", async (tenantId, invoiceId) => {
    await enqueueInvoiceMail(tenantId, invoiceId);
  });
}
