import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { AppShell } from "./components/app-shell";
import { getAuth } from "./modules/auth/guards.server";
import { navigationFor } from "./modules/auth/navigation";
import { ensureCsrfToken } from "./modules/auth/csrf.server";
import { directionOf, isLanguage, type Language } from "./modules/i18n/config";
import { DEFAULT_TIME_ZONE, formatWeekdayDate } from "./modules/i18n/format";
import { i18nServer } from "./modules/i18n/i18n.server";
import fontCss from "vazirmatn/Vazirmatn-Variable-font-face.css?url";
import appCss from "./styles/app.css?url";

const FAVICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" fill="#0f766e"/><path d="M20 40c0-8 5-14 12-14s12 6 12 14" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round"/><circle cx="20" cy="42" r="5" fill="#fff"/><circle cx="44" cy="42" r="5" fill="#fff"/></svg>',
  );

export const links: LinksFunction = () => [
  { rel: "icon", href: FAVICON, type: "image/svg+xml" },
  { rel: "stylesheet", href: fontCss },
  { rel: "stylesheet", href: appCss },
];

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.appName ?? "Hamkal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const lang = (await i18nServer.getLocale(request)) as Language;
  const auth = await getAuth(request);
  const csrf = ensureCsrfToken(request);
  const signedIn = auth && (!auth.user.totpEnabled || auth.session.twoFactorVerified);
  const t = await i18nServer.getFixedT(lang);
  return data(
    {
      appName: t("appName"),
      lang,
      dir: directionOf(lang),
      csrf: csrf.token,
      today: formatWeekdayDate(new Date(), lang, DEFAULT_TIME_ZONE),
      user: signedIn ? { name: auth.user.name, email: auth.user.email } : null,
      nav: signedIn ? navigationFor(auth.actor, auth.tenants) : [],
    },
    { headers: csrf.setCookie ? { "Set-Cookie": csrf.setCookie } : {} },
  );
}

export type RootData = typeof loader;

export function useRootData() {
  return useRouteLoaderData<RootData>("root");
}

export function Layout({ children }: { children: React.ReactNode }) {
  const root = useRootData();
  const { i18n } = useTranslation();
  // No root data on a 404 for an unknown URL: fall back to the language the server rendered with
  // (the request's), not to Persian, so an English 404 is not marked lang="fa" dir="rtl".
  const lang: Language = root?.lang ?? (isLanguage(i18n.language) ? i18n.language : "fa");
  return (
    <html lang={lang} dir={directionOf(lang)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  const root = useRootData();
  useChangeLanguage(root?.lang ?? "fa");
  if (!root?.user) return <Outlet />;
  return (
    <AppShell user={root.user} nav={root.nav} today={root.today}>
      <Outlet />
    </AppShell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 403 ? "forbidden" : status === 404 ? "notFound" : "serverError";
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <main className="error-page" aria-labelledby="error-title">
      <p className="error-code" dir="ltr">
        {status}
      </p>
      <h1 id="error-title">{t(`errors.${key}.title`)}</h1>
      <p>{t(`errors.${key}.body`)}</p>
      <a href="/">{t("errors.home")}</a>
    </main>
  );
}
