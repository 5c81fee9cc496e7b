import type { ActionFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { publishFlowApi } from "~/modules/api/ivr.server";

export function loader() {
  return methodNotAllowed(["POST"]);
}

export function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  return handleApi(() => publishFlowApi(request, params.flowId));
}
