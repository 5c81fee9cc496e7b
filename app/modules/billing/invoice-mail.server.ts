import type { InvoiceMailJob } from "../mail/messages";
import { renderMail } from "../mail/templates.server";
import { deliverMail } from "../mail/transport.server";
import { logger } from "../platform/logger.server";
import { withBureauScope } from "../tenancy/scope.server";
import { invoicePdfCached } from "./document.server";
import { loadInvoiceView, markInvoiceSentIn } from "./invoices.server";

/**
 * The `mail.send` job of an invoice: the bureau sends it (bureau scope: the job is system work, its
 * ids were checked when it was enqueued), with the stored PDF attached, then marks the invoice sent.
 * A draft or a voided invoice is not mailed (the job may have waited while the invoice was voided).
 * Marking happens after delivery: a retry after a failed delivery sends again, never marks unsent
 * mail as sent.
 */
export async function sendInvoiceMail(job: InvoiceMailJob): Promise<{ transport: "smtp" | "outbox" | "skipped"; id: string }> {
  const prepared = await withBureauScope(async (trx) => {
    const view = await loadInvoiceView(trx, job.tenantId, job.invoiceId);
    if (!view || view.status === "draft" || view.status === "void") return { view, pdf: null };
    return { view, pdf: await invoicePdfCached(trx, view) };
  });
  if (!prepared.view || !prepared.pdf) {
    logger.warn({ tenantId: job.tenantId, invoiceId: job.invoiceId, status: prepared.view?.status ?? null }, "invoice mail not sent: no such invoice, or draft or void");
    return { transport: "skipped", id: "" };
  }
  const mail = await renderMail(job, { invoice: { view: prepared.view, pdf: prepared.pdf } });
  const delivered = await deliverMail(mail);
  await withBureauScope((trx) => markInvoiceSentIn(trx, job.tenantId, job.invoiceId));
  return delivered;
}
