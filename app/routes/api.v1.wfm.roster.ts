import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { getRosterApi } from "~/modules/api/wfm.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => getRosterApi(request));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
