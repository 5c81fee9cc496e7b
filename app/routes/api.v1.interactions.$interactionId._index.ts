import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { getInteractionApi } from "~/modules/api/routing.server";

export function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(() => getInteractionApi(request, params.interactionId));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
