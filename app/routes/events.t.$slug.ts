import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import { tenantChannel } from "~/modules/realtime/channels";
import { snapshotFor } from "~/modules/realtime/snapshots.server";
import { eventStream } from "~/modules/realtime/sse.server";

/** A client's live view: its own queues' stats. Another tenant's slug answers 404 (the guard). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.live.view");
  return eventStream(request, [tenantChannel(tenant.id)], { initial: snapshotFor("tenant", { auth, tenant }) });
}
