import type { LoaderFunctionArgs } from "@remix-run/node";
import { invoiceDocumentResponse, invoiceForDocument } from "~/modules/billing/document-access.server";

/** GET /t/<slug>/invoices/<id>.pdf: the invoice's PDF, printed once and kept (drafts: printed fresh, bureau staff only). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const view = await invoiceForDocument(request, params.slug, params.invoiceId);
  return invoiceDocumentResponse(view, "pdf");
}
