import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { getRequirementsApi } from "~/modules/api/wfm.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => getRequirementsApi(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
