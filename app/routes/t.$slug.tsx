import { titleMeta } from "~/components/meta";
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { isRouteErrorResponse, NavLink, Outlet, useLoaderData, useRouteError, useRouteLoaderData } from "@remix-run/react";
import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data ? { title: data.tenant.name } : undefined, matches);

/**
 * The gate of the client portal: an unknown tenant, or one the user may not know of, answers 404;
 * a known tenant without "tenant.view" answers 403. Child routes check their own permission too.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.view");
  return {
    tenant: {
      slug: tenant.slug,
      name: tenant.name,
      status: tenant.status,
      brandColor: tenant.brandColor,
      // Only image data URLs are rendered (an <img> never runs script).
      logoDataUrl: tenant.logoDataUrl?.startsWith("data:image/") ? tenant.logoDataUrl : null,
    },
    tabs: {
      members: can(auth.actor, "tenant.members.read", tenant.id),
      apiKeys: can(auth.actor, "tenant.apikeys.manage", tenant.id),
      audit: can(auth.actor, "tenant.audit.read", tenant.id),
      ivr: can(auth.actor, "tenant.ivr.read", tenant.id),
      simulator: can(auth.actor, "tenant.simulator.use", tenant.id),
      hours: can(auth.actor, "tenant.hours.read", tenant.id),
      queues: can(auth.actor, "tenant.queues.read", tenant.id),
      // Reading dispositions goes with reading queues; the page itself gates changes.
      dispositions: can(auth.actor, "tenant.queues.read", tenant.id),
      // Reading scripts goes with reading queues (a script belongs to a queue); the page gates changes.
      scripts: can(auth.actor, "tenant.queues.read", tenant.id),
      live: can(auth.actor, "tenant.live.view", tenant.id),
      billing: can(auth.actor, "tenant.billing.read", tenant.id),
      staffing: can(auth.actor, "tenant.staffing.read", tenant.id),
    },
  };
}

type PortalData = Awaited<ReturnType<typeof loader>>;

function PortalHeader({ data }: { data: PortalData }) {
  const { t } = useTranslation("portal");
  const { tenant, tabs } = data;
  return (
    <>
      <header className="portal-header">
        {tenant.logoDataUrl ? (
          <img className="portal-header__logo" src={tenant.logoDataUrl} alt={t("layout.logoAlt", { name: tenant.name })} />
        ) : (
          <span className="portal-header__mark" aria-hidden="true">
            {tenant.name.slice(0, 1)}
          </span>
        )}
        <div>
          <p className="muted" style={{ margin: 0 }}>
            {t("layout.eyebrow")}
          </p>
          <h1>{tenant.name}</h1>
        </div>
        {tenant.status === "suspended" ? <span className="badge badge--off">{t("common:status.suspended")}</span> : null}
      </header>
      <nav className="tabs" aria-label={t("layout.tabsLabel")}>
        <NavLink to={`/t/${tenant.slug}`} end prefetch="intent">
          {t("layout.tabs.overview")}
        </NavLink>
        {tabs.members ? (
          <NavLink to={`/t/${tenant.slug}/members`} prefetch="intent">
            {t("layout.tabs.members")}
          </NavLink>
        ) : null}
        {tabs.apiKeys ? (
          <NavLink to={`/t/${tenant.slug}/api-keys`} prefetch="intent">
            {t("layout.tabs.apiKeys")}
          </NavLink>
        ) : null}
        {tabs.ivr ? (
          <NavLink to={`/t/${tenant.slug}/ivr`} prefetch="intent">
            {t("layout.tabs.ivr")}
          </NavLink>
        ) : null}
        {tabs.hours ? (
          <NavLink to={`/t/${tenant.slug}/hours`} prefetch="intent">
            {t("layout.tabs.hours")}
          </NavLink>
        ) : null}
        {tabs.live ? (
          <NavLink to={`/t/${tenant.slug}/live`} prefetch="intent">
            {t("layout.tabs.live")}
          </NavLink>
        ) : null}
        {tabs.billing ? (
          <NavLink to={`/t/${tenant.slug}/billing`} prefetch="intent">
            {t("billing:portal.tab")}
          </NavLink>
        ) : null}
        {tabs.staffing ? (
          <NavLink to={`/t/${tenant.slug}/staffing`} prefetch="intent">
            {t("wfm:portal.tab")}
          </NavLink>
        ) : null}
        {tabs.queues ? (
          <NavLink to={`/t/${tenant.slug}/queues`} prefetch="intent">
            {t("layout.tabs.queues")}
          </NavLink>
        ) : null}
        {tabs.dispositions ? (
          <NavLink to={`/t/${tenant.slug}/dispositions`} prefetch="intent">
            {t("layout.tabs.dispositions")}
          </NavLink>
        ) : null}
        {tabs.scripts ? (
          <NavLink to={`/t/${tenant.slug}/scripts`} prefetch="intent">
            {t("layout.tabs.scripts")}
          </NavLink>
        ) : null}
        {tabs.simulator ? (
          <NavLink to={`/t/${tenant.slug}/simulator`} prefetch="intent">
            {t("layout.tabs.simulator")}
          </NavLink>
        ) : null}
        {tabs.audit ? (
          <NavLink to={`/t/${tenant.slug}/audit`} prefetch="intent">
            {t("layout.tabs.audit")}
          </NavLink>
        ) : null}
      </nav>
    </>
  );
}

const brandStyle = (color: string) => ({ "--tenant-brand": color }) as CSSProperties;

export default function TenantPortal() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("portal");
  return (
    <div className="portal" style={brandStyle(data.tenant.brandColor)}>
      <PortalHeader data={data} />
      {data.tenant.status === "suspended" ? (
        <div className="alert alert--warning" role="status">
          {t("layout.suspendedNotice")}
        </div>
      ) : null}
      <Outlet />
    </div>
  );
}

/** A child page's 403/404 keeps the tenant header; the layout's own 404 shows the plain error. */
export function ErrorBoundary() {
  const error = useRouteError();
  const data = useRouteLoaderData<typeof loader>("routes/t.$slug");
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const key = status === 403 ? "forbidden" : status === 404 ? "notFound" : "serverError";
  if (!isRouteErrorResponse(error)) console.error(error);
  return (
    <div className="portal" style={data ? brandStyle(data.tenant.brandColor) : undefined}>
      {data ? <PortalHeader data={data} /> : null}
      <section className="error-page" aria-labelledby="portal-error-title">
        <p className="error-code" dir="ltr">
          {status}
        </p>
        {/* Without the tenant header (404 / unknown tenant) the error is the page's main heading. */}
        {data ? (
          <h2 id="portal-error-title">{t(`errors.${key}.title`)}</h2>
        ) : (
          <h1 id="portal-error-title">{t(`errors.${key}.title`)}</h1>
        )}
        <p>{t(`errors.${key}.body`)}</p>
        <a href="/">{t("errors.home")}</a>
      </section>
    </div>
  );
}
