import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { getCallApi } from "~/modules/api/ivr.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(() => getCallApi(request, params.callId));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
