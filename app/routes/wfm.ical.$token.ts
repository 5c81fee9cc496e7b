import type { LoaderFunctionArgs } from "@remix-run/node";
import { icalResponse } from "~/modules/api/wfm.server";
import { agentForFeedToken, agentIcal } from "~/modules/wfm/schedule.server";

/**
 * GET /wfm/ical/<token>.ics: an agent's calendar feed for a calendar app, which has no session; the
 * token (an HMAC of the agent, revocable) is the credential. An unknown token answers 404.
 */
export async function loader({ params }: LoaderFunctionArgs) {
  const token = (params.token ?? "").replace(/\.ics$/, "");
  const agentId = await agentForFeedToken(token);
  if (!agentId) throw new Response(null, { status: 404, statusText: "Not Found" });
  return icalResponse(await agentIcal(agentId));
}
