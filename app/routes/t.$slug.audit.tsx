import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuditPager, AuditTable, auditData, auditTarget } from "~/components/audit-table";
import { queryTenantAuditLog } from "~/modules/auth/audit-log.server";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import type { Language } from "~/modules/i18n/config";
import { formatNumber } from "~/modules/i18n/format";

const PAGE_SIZE = 50;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { tenant } = await requireTenantPermission(request, params.slug, "tenant.audit.read");
  const page = Math.max(1, Number.parseInt(new URL(request.url).searchParams.get("page") ?? "1", 10) || 1);
  const log = await queryTenantAuditLog(tenant.id, { page, pageSize: PAGE_SIZE });
  return {
    timeZone: tenant.timeZone,
    page,
    pages: Math.max(1, Math.ceil(log.total / PAGE_SIZE)),
    total: log.total,
    rows: log.rows.map((r) => ({
      key: r.key,
      when: r.createdAt.toISOString(),
      who: r.actorLabel,
      ip: r.ip,
      action: r.action,
      target: auditTarget(r.targetType, r.targetId),
      data: auditData(r.data),
    })),
  };
}

export default function TenantAuditLog() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation(["portal", "bureau"]);
  const lang = i18n.language as Language;
  return (
    <section aria-labelledby="tenant-audit-title">
      <header className="page-header">
        <h2 id="tenant-audit-title">{t("bureau:audit.title")}</h2>
        <span className="muted">{t("bureau:audit.total", { n: formatNumber(data.total, lang) })}</span>
      </header>
      <p className="muted">{t("portal:audit.intro")}</p>
      {data.rows.length === 0 ? <p className="muted">{t("bureau:audit.empty")}</p> : <AuditTable rows={data.rows} timeZone={data.timeZone} />}
      <AuditPager page={data.page} pages={data.pages} href={(page) => `?page=${page}`} />
    </section>
  );
}
