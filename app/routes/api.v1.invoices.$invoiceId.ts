import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getInvoiceApi } from "~/modules/api/billing.server";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(() => getInvoiceApi(request, params.invoiceId));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
