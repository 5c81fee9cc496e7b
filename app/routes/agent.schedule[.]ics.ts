import type { LoaderFunctionArgs } from "@remix-run/node";
import { icalResponse } from "~/modules/api/wfm.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { agentIcal } from "~/modules/wfm/schedule.server";

/** GET /agent/schedule.ics: the signed-in agent's own published shifts (download or subscribe). */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.schedule.own");
  return icalResponse(await agentIcal(auth.user.id));
}
