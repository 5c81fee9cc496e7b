import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { listInteractionsApi } from "~/modules/api/routing.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => listInteractionsApi(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
