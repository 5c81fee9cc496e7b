import { titleMeta } from "~/components/meta";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, StatusBadge } from "~/components/bureau-ui";
import { Ltr } from "~/components/forms";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { getTenant } from "~/modules/tenancy/manage.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data ? { title: data.tenant.name } : undefined, matches);

/** The frame of one client company's pages: its name, status and the section tabs. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const tenant = await getTenant(bureauCtx(auth, request), params.tenantId ?? "");
  if (!tenant) notFound();
  return {
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, status: tenant.status, brandColor: tenant.brandColor },
    canManage: can(auth.actor, "tenants.manage"),
  };
}

export default function TenantFrame() {
  const { tenant } = useLoaderData<typeof loader>();
  const { t } = useTranslation("bureau");
  const base = `/bureau/tenants/${tenant.id}`;
  const tabs = [
    { to: base, label: t("tenants.tabs.settings"), end: true },
    { to: `${base}/numbers`, label: t("tenants.tabs.numbers"), end: false },
    { to: `${base}/hours`, label: t("tenants.tabs.hours"), end: false },
    { to: `${base}/holidays`, label: t("tenants.tabs.holidays"), end: false },
  ];
  return (
    <>
      <header className="page-header">
        <div>
          <h1>
            <span className="swatch" style={{ background: tenant.brandColor }} aria-hidden="true" /> {tenant.name}
          </h1>
          <p className="muted">
            <Ltr>{tenant.slug}</Ltr> <StatusBadge status={tenant.status} />
          </p>
        </div>
        <Link to="/bureau/tenants">{t("tenants.title")}</Link>
      </header>
      <nav className="tabs" aria-label={t("tenants.tabs.label")}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} prefetch="intent">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
