import { notFound, requireTenantPermission } from "../auth/guards.server";
import { can } from "../auth/permissions";
import { withTenant } from "../tenancy/scope.server";
import { invoicePdfCached, invoiceFilename, renderInvoiceHtml } from "./document.server";
import { contentDisposition } from "./document/format";
import { invoiceCsv, invoiceXlsx } from "./exports.server";
import type { InvoiceView } from "./invoice-view";
import { loadInvoiceView } from "./invoices.server";

/**
 * The gate of an invoice's document and exports under /t/<slug>/invoices/<id>: "tenant.billing.read"
 * on the tenant (client admins and supervisors, and the bureau staff who bill), the invoice read in
 * that tenant's scope (another tenant's id is simply not there: 404). Drafts are the bureau's
 * working copies: a client user asking for one gets 404 as if it did not exist; bureau staff with
 * "billing.read" may look at them before finalizing.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function invoiceForDocument(request: Request, slug: string | undefined, invoiceId: string | undefined): Promise<InvoiceView> {
  const { auth, tenant } = await requireTenantPermission(request, slug, "tenant.billing.read");
  if (!invoiceId || !UUID.test(invoiceId)) notFound();
  const view = await withTenant(tenant.id, (trx) => loadInvoiceView(trx, tenant.id, invoiceId));
  if (!view) notFound();
  if (view.status === "draft" && !can(auth.actor, "billing.read")) notFound();
  return view;
}

export type DocumentFormat = "pdf" | "html" | "xlsx" | "csv";

const CONTENT_TYPES: Record<DocumentFormat, string> = {
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
};

/**
 * The response of a document route: the PDF and the HTML open in the browser (inline), the exports
 * download. Never cached by a shared cache (an invoice is private), and the HTML may load nothing.
 */
export async function invoiceDocumentResponse(view: InvoiceView, format: DocumentFormat): Promise<Response> {
  let body: Buffer | string;
  switch (format) {
    case "pdf":
      body = await withTenant(view.tenantId, (trx) => invoicePdfCached(trx, view));
      break;
    case "html":
      body = renderInvoiceHtml(view);
      break;
    case "xlsx":
      body = await invoiceXlsx(view);
      break;
    case "csv":
      body = invoiceCsv(view);
      break;
  }
  const headers = new Headers({
    "content-type": CONTENT_TYPES[format],
    "content-disposition": contentDisposition(format === "pdf" || format === "html" ? "inline" : "attachment", invoiceFilename(view, format)),
    "cache-control": "private, no-store",
    "x-content-type-options": "nosniff",
  });
  if (format === "html") headers.set("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:; frame-ancestors 'self'");
  return new Response(typeof body === "string" ? body : new Uint8Array(body), { status: 200, headers });
}
