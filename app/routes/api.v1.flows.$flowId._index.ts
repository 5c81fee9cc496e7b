import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { getFlowApi } from "~/modules/api/ivr.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(() => getFlowApi(request, params.flowId));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
