import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { AuditPager, AuditTable, auditData, auditTarget } from "~/components/audit-table";
import { auditActions, queryAuditLog } from "~/modules/auth/audit-log.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { AUDIT_PAGE_SIZE } from "~/modules/bureau/schemas";
import { getBureauSettings } from "~/modules/bureau/settings.server";
import { formatNumber } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { tenantOptions } from "~/modules/tenancy/manage.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "audit.read");
  const ctx = bureauCtx(auth, request);
  const url = new URL(request.url);
  const tenant = url.searchParams.get("tenant") ?? "";
  const action = url.searchParams.get("action") ?? "";
  const page = Math.max(1, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1);
  const [log, actions, tenants, settings] = await Promise.all([
    queryAuditLog(ctx, { tenant, action, page, pageSize: AUDIT_PAGE_SIZE }),
    auditActions(ctx),
    tenantOptions(ctx, "audit.read"),
    getBureauSettings(),
  ]);
  const { t } = await getT(request, "bureau");
  return {
    title: t("audit.title"),
    filter: { tenant, action },
    page,
    pages: Math.max(1, Math.ceil(log.total / AUDIT_PAGE_SIZE)),
    total: log.total,
    actions,
    tenants: tenants.map((x) => ({ id: x.id, name: x.name })),
    timeZone: settings.timeZone,
    rows: log.rows.map((r) => ({
      key: r.key,
      when: r.createdAt.toISOString(),
      who: r.actorLabel,
      action: r.action,
      tenantName: r.tenantName,
      target: auditTarget(r.targetType, r.targetId),
      data: auditData(r.data),
      ip: r.ip,
    })),
  };
}

export default function AuditLog() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("bureau");
  const lang = useLang();
  const pageHref = (page: number) => {
    const p = new URLSearchParams();
    if (data.filter.tenant) p.set("tenant", data.filter.tenant);
    if (data.filter.action) p.set("action", data.filter.action);
    p.set("page", String(page));
    return `?${p.toString()}`;
  };
  return (
    <>
      <header className="page-header">
        <h1>{t("audit.title")}</h1>
        <span className="muted">{t("audit.total", { n: formatNumber(data.total, lang) })}</span>
      </header>
      <Form method="get" className="bureau-search" aria-label={t("audit.filters")}>
        <div className="field">
          <label htmlFor="audit-tenant">{t("audit.tenant")}</label>
          <select id="audit-tenant" name="tenant" defaultValue={data.filter.tenant}>
            <option value="">{t("audit.allTenants")}</option>
            <option value="bureau">{t("audit.bureauOnly")}</option>
            {data.tenants.map((tn) => (
              <option key={tn.id} value={tn.id}>
                {tn.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t("audit.action")}</label>
          <select id="audit-action" name="action" defaultValue={data.filter.action} dir="ltr">
            <option value="">{t("audit.allActions")}</option>
            {data.actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--ghost">
          {t("audit.apply")}
        </button>
      </Form>
      {data.rows.length === 0 ? (
        <p className="muted">{t("audit.empty")}</p>
      ) : (
        <AuditTable rows={data.rows} timeZone={data.timeZone} />
      )}
      <AuditPager page={data.page} pages={data.pages} href={pageHref} />
    </>
  );
}
