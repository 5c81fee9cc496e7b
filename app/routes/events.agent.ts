import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { agentChannel } from "~/modules/realtime/channels";
import { snapshotFor } from "~/modules/realtime/snapshots.server";
import { eventStream } from "~/modules/realtime/sse.server";

/** The agent desktop's push channel: offers, contact updates and state changes for this agent. */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "agent.desktop");
  return eventStream(request, [agentChannel(auth.user.id)], { initial: snapshotFor("agent", { auth }) });
}
