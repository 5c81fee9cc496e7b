import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { listInvoicesApi } from "~/modules/api/billing.server";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => listInvoicesApi(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
