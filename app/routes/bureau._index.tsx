import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuditTable } from "~/components/audit-table";
import { bureauLinks, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { agentCount } from "~/modules/agents/agents.server";
import { queryAuditLog } from "~/modules/auth/audit-log.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can, STAFF_ROLES } from "~/modules/auth/permissions";
import { staffRoleCounts } from "~/modules/auth/staff.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { getBureauSettings } from "~/modules/bureau/settings.server";
import { formatNumber } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { tenantStatusCounts } from "~/modules/tenancy/manage.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "bureau.console");
  const ctx = bureauCtx(auth, request);
  const { t } = await getT(request, "bureau");
  const [tenants, staff, agents, settings] = await Promise.all([
    tenantStatusCounts(ctx),
    staffRoleCounts(ctx),
    agentCount(ctx),
    getBureauSettings(),
  ]);
  const canAudit = can(auth.actor, "audit.read");
  const audit = canAudit ? (await queryAuditLog(ctx, { pageSize: 8 })).rows : [];
  const sections = (
    [
      ["tenants", "/bureau/tenants", "tenants.list"],
      ["staff", "/bureau/staff", "staff.read"],
      ["agents", "/bureau/agents", "agents.read"],
      ["audit", "/bureau/audit", "audit.read"],
      ["settings", "/bureau/settings", "settings.manage"],
    ] as const
  )
    .filter(([, , permission]) => can(auth.actor, permission))
    .map(([key, href]) => ({ key, href }));
  return {
    title: t("console.title"),
    tenants,
    staff,
    agents,
    canAudit,
    timeZone: settings.timeZone,
    audit: audit.map((a) => ({ key: a.key, when: a.createdAt.toISOString(), who: a.actorLabel, action: a.action, tenantName: a.tenantName })),
    sections,
  };
}

export default function BureauConsole() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  const lang = useLang();
  const sectionLabel = { tenants: "nav.tenants", staff: "nav.staff", agents: "nav.agents", audit: "nav.audit", settings: "nav.settings" } as const;
  return (
    <>
      <header className="page-header">
        <h1>{t("console.title")}</h1>
      </header>
      <p className="muted">{t("console.intro")}</p>
      <div className="cards">
        <section className="card" aria-labelledby="stat-active">
          <h2 id="stat-active">{t("console.tenantsActive")}</h2>
          <p className="stat" data-testid="tenants-active">
            {formatNumber(data.tenants.active, lang)}
          </p>
        </section>
        <section className="card" aria-labelledby="stat-suspended">
          <h2 id="stat-suspended">{t("console.tenantsSuspended")}</h2>
          <p className="stat" data-testid="tenants-suspended">
            {formatNumber(data.tenants.suspended, lang)}
          </p>
        </section>
        <section className="card" aria-labelledby="stat-agents">
          <h2 id="stat-agents">{t("console.agents")}</h2>
          <p className="stat" data-testid="agents-count">
            {formatNumber(data.agents, lang)}
          </p>
        </section>
        <section className="card" aria-labelledby="stat-staff">
          <h2 id="stat-staff">{t("console.staffByRole")}</h2>
          <ul className="bureau-stat-list">
            {STAFF_ROLES.map((role) => (
              <li key={role}>
                <span>{tc(`roles.${role}`)}</span>
                <strong>{formatNumber(data.staff[role], lang)}</strong>
              </li>
            ))}
          </ul>
        </section>
      </div>

      <h2>{t("console.sections")}</h2>
      <ul className="bureau-section-links">
        {data.sections.map((s) => (
          <li key={s.key} className="card">
            <Link to={s.href}>{tc(sectionLabel[s.key])}</Link>
            <p>{t(`console.help.${s.key}`)}</p>
          </li>
        ))}
      </ul>

      {data.canAudit ? (
        <section aria-labelledby="latest-audit">
          <h2 id="latest-audit">{t("console.latestAudit")}</h2>
          {data.audit.length === 0 ? (
            <p className="muted">{t("console.noAudit")}</p>
          ) : (
            <AuditTable rows={data.audit} timeZone={data.timeZone} details={false} />
          )}
          <p>
            <Link to="/bureau/audit">{t("console.allAudit")}</Link>
          </p>
        </section>
      ) : null}
    </>
  );
}
