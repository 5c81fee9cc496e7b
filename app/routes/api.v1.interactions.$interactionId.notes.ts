import type { ActionFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { addInteractionNoteApi } from "~/modules/api/routing.server";

export function loader() {
  return methodNotAllowed(["POST"]);
}

export function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["POST"]);
  return handleApi(() => addInteractionNoteApi(request, params.interactionId));
}
