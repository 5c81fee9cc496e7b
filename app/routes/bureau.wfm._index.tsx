import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireBureauPermission } from "~/modules/auth/guards.server";

/** The section opens on the forecast, where a planning week starts. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireBureauPermission(request, "wfm.read");
  return redirect("/bureau/wfm/forecast");
}
