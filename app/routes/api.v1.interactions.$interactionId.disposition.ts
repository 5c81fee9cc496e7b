import type { ActionFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { setInteractionDispositionApi } from "~/modules/api/routing.server";

export function loader() {
  return methodNotAllowed(["PUT"]);
}

export function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "PUT") return methodNotAllowed(["PUT"]);
  return handleApi(() => setInteractionDispositionApi(request, params.interactionId));
}
