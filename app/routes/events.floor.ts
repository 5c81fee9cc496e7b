import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { FLOOR } from "~/modules/realtime/channels";
import { snapshotFor } from "~/modules/realtime/snapshots.server";
import { eventStream } from "~/modules/realtime/sse.server";

/** The bureau wallboard's push channel: every tenant's queue stats and every agent's state. */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wallboard.view");
  return eventStream(request, [FLOOR], { initial: snapshotFor("floor", { auth }) });
}
