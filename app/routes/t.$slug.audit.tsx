import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuditDetails, auditData } from "~/components/audit-details";
import { Ltr } from "~/components/forms";
import { queryTenantAuditLog } from "~/modules/auth/audit-log.server";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime, formatNumber, localizeDigits } from "~/modules/i18n/format";

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
      target: r.targetType ? `${r.targetType}${r.targetId ? `:${r.targetId}` : ""}` : "",
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
      {data.rows.length === 0 ? (
        <p className="muted">{t("bureau:audit.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("bureau:audit.when")}</th>
                <th scope="col">{t("bureau:audit.who")}</th>
                <th scope="col">{t("bureau:audit.action")}</th>
                <th scope="col">{t("bureau:audit.target")}</th>
                <th scope="col">{t("bureau:audit.data")}</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={r.key}>
                  <td className="nowrap">
                    <time dateTime={r.when}>{formatDateTime(r.when, lang, data.timeZone)}</time>
                  </td>
                  <td>
                    <bdi>{r.who}</bdi>
                    {r.ip ? (
                      <>
                        <br />
                        <small className="muted">
                          <Ltr>{r.ip}</Ltr>
                        </small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    <code>{r.action}</code>
                  </td>
                  <td>{r.target ? <code>{r.target}</code> : null}</td>
                  <td>
                    <AuditDetails data={r.data} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data.pages > 1 ? (
        <nav className="pager" aria-label={t("bureau:audit.pagination")}>
          {data.page > 1 ? (
            <Link to={`?page=${data.page - 1}`} rel="prev">
              {t("bureau:audit.previous")}
            </Link>
          ) : (
            <span />
          )}
          <span>{t("bureau:audit.page", { page: localizeDigits(String(data.page), lang), pages: localizeDigits(String(data.pages), lang) })}</span>
          {data.page < data.pages ? (
            <Link to={`?page=${data.page + 1}`} rel="next">
              {t("bureau:audit.next")}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </section>
  );
}
