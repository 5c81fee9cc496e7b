import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { outOfAdherenceNow } from "~/modules/wfm/adherence.server";

/** Who is out of adherence right now, as JSON: the adherence tab's live list reloads it. */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.read");
  const view = await outOfAdherenceNow(bureauCtx(auth, request));
  return Response.json(view, { headers: { "Cache-Control": "no-store" } });
}
