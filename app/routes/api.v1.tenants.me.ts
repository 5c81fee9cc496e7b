import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getTenantMe, handleApi, methodNotAllowed } from "~/modules/api/handlers.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => getTenantMe(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
