import { RemixI18Next } from "remix-i18next/server";
import { getAuth } from "../auth/guards.server";
import { readCookie } from "../auth/session.server";
import { db } from "../platform/db.server";
import { DEFAULT_LANGUAGE, i18nOptions, isLanguage, LANGUAGE_COOKIE, LANGUAGES, type Language } from "./config";
import { resources } from "./resources";

/**
 * The language of a request: the user's saved choice, else the browser's cookie, else (for a client
 * user) their tenant's default, else the bureau default, which is Persian.
 */
export async function resolveLanguage(request: Request): Promise<Language> {
  const auth = await getAuth(request).catch(() => null);
  if (auth?.user.locale) return auth.user.locale;
  const cookie = readCookie(request, LANGUAGE_COOKIE);
  if (isLanguage(cookie)) return cookie;
  const tenantDefault = auth?.tenants.find((t) => t.role !== "agent")?.defaultLocale;
  if (auth && auth.actor.staffRoles.length === 0 && isLanguage(tenantDefault)) return tenantDefault;
  const bureau = await db().selectFrom("bureau_settings").select("default_locale").executeTakeFirst().catch(() => undefined);
  return isLanguage(bureau?.default_locale) ? bureau.default_locale : DEFAULT_LANGUAGE;
}

export const i18nServer = new RemixI18Next({
  detection: {
    supportedLanguages: [...LANGUAGES],
    fallbackLanguage: DEFAULT_LANGUAGE,
    order: ["custom"],
    findLocale: resolveLanguage,
  },
  i18next: { ...i18nOptions, resources },
});

export async function getT(request: Request, ns: string | string[] = "common") {
  const lng = (await i18nServer.getLocale(request)) as Language;
  const t = await i18nServer.getFixedT(lng, ns as "common");
  return { t, lng };
}

export function languageCookie(lang: Language) {
  return `${LANGUAGE_COOKIE}=${lang}; Path=/; Max-Age=31536000; SameSite=Lax`;
}
