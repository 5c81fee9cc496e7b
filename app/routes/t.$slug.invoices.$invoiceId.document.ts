import type { LoaderFunctionArgs } from "@remix-run/node";
import { invoiceDocumentResponse, invoiceForDocument } from "~/modules/billing/document-access.server";

/** GET /t/<slug>/invoices/<id>/document: the invoice as the self-contained HTML page the PDF is printed from. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const view = await invoiceForDocument(request, params.slug, params.invoiceId);
  return invoiceDocumentResponse(view, "html");
}
