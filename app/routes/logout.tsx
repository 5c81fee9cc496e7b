import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, getAuth } from "~/modules/auth/guards.server";
import { logout } from "~/modules/auth/login.server";
import { blankSessionCookie } from "~/modules/auth/session.server";

/** Sign-out is a POST (CSRF-checked): the session row is deleted and the cookie cleared. */
export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await getAuth(request);
  if (auth) await logout(auth.session.id, auth.user, clientIp(request));
  return redirect("/login?signedOut=1", { headers: { "Set-Cookie": blankSessionCookie() } });
}

export function loader() {
  return redirect("/");
}
