import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { listAgentStatesApi } from "~/modules/api/routing.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => listAgentStatesApi(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
