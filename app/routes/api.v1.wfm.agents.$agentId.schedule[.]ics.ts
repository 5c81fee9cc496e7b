import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { handleApi, methodNotAllowed } from "~/modules/api/handlers.server";
import { getAgentIcalApi } from "~/modules/api/wfm.server";

/** GET /api/v1/wfm/agents/<agentId>/schedule.ics: an agent's published shifts as iCalendar (bureau keys). */
export function loader({ request, params }: LoaderFunctionArgs) {
  return handleApi(() => getAgentIcalApi(request, params.agentId));
}

export function action(_args: ActionFunctionArgs) {
  return methodNotAllowed(["GET"]);
}
