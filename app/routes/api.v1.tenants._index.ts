import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, listTenants, methodNotAllowed } from "~/modules/api/handlers.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => listTenants(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
