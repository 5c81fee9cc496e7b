import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getUsageApi } from "~/modules/api/billing.server";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => getUsageApi(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
