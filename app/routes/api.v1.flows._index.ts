import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { listFlowsApi } from "~/modules/api/ivr.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => listFlowsApi(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
