import type { LoaderFunctionArgs } from "@remix-run/node";
import { invoiceDocumentResponse, invoiceForDocument } from "~/modules/billing/document-access.server";

/** GET /t/<slug>/invoices/<id>.xlsx: the invoice's line detail as XLSX. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const view = await invoiceForDocument(request, params.slug, params.invoiceId);
  return invoiceDocumentResponse(view, "xlsx");
}
