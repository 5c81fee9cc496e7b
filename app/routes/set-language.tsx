import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { getAuth } from "~/modules/auth/guards.server";
import { safeRedirect } from "~/modules/auth/redirect";
import { setUserLocale } from "~/modules/auth/users.server";
import { isLanguage } from "~/modules/i18n/config";
import { languageCookie } from "~/modules/i18n/i18n.server";

/** Language switch: remembered on the user (every device) and in a cookie (also before sign-in). */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  requireCsrf(request, form);
  const lang = form.get("lang");
  if (!isLanguage(lang)) throw new Response("Unknown language", { status: 400 });
  const auth = await getAuth(request);
  if (auth) await setUserLocale(auth.user.id, lang);
  // Only a path on this site: browsers read "/\\evil.example" (a backslash) as another host.
  const safe = safeRedirect(form.get("redirectTo"), "/");
  return redirect(safe, { headers: { "Set-Cookie": languageCookie(lang) } });
}

export function loader() {
  return redirect("/");
}
