import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { requireAuth } from "~/modules/auth/guards.server";
import { homePath } from "~/modules/auth/permissions";

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireAuth(request);
  throw redirect(homePath(auth.actor, Object.fromEntries(auth.tenants.map((t) => [t.id, t.slug]))));
}
