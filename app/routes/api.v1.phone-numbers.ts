import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { createPhoneNumber, handleApi, listPhoneNumbers, methodNotAllowed } from "~/modules/api/handlers.server";

export function loader({ request }: LoaderFunctionArgs) {
  return handleApi(() => listPhoneNumbers(request));
}

export function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed(["GET", "POST"]);
  return handleApi(() => createPhoneNumber(request));
}
