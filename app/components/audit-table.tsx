import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { Ltr } from "./forms";

/** One audit entry as pages show it; `tenantName` undefined hides the tenant column (a tenant's own log). */
export interface AuditTableRow {
  key: string;
  when: string;
  who: string;
  action: string;
  ip?: string | null;
  tenantName?: string | null;
  target?: string;
  data?: Record<string, unknown> | null;
}

export function auditData(data: unknown): Record<string, unknown> | null {
  return data && typeof data === "object" && !Array.isArray(data) && Object.keys(data).length ? (data as Record<string, unknown>) : null;
}

export function auditTarget(type: string | null, id: string | null) {
  return type ? `${type}${id ? `:${id}` : ""}` : "";
}

/** An entry's data as a short key/value list (values left-to-right: ids, numbers, e-mails). */
function AuditDetails({ data }: { data: Record<string, unknown> }) {
  return (
    <dl className="audit-details">
      {Object.entries(data).map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd dir="ltr">{typeof value === "string" ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * The audit log table shared by the bureau log, the console's latest entries and a tenant's portal
 * log. Times are shown in the given zone (the bureau's, or the tenant's in its portal).
 */
export function AuditTable({ rows, timeZone, details = true }: { rows: AuditTableRow[]; timeZone: string; details?: boolean }) {
  const { t, i18n } = useTranslation("bureau");
  const lang = i18n.language as Language;
  const showTenant = rows.some((r) => r.tenantName !== undefined);
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{t("audit.when")}</th>
            <th scope="col">{t("audit.who")}</th>
            <th scope="col">{t("audit.action")}</th>
            {showTenant ? <th scope="col">{t("audit.tenant")}</th> : null}
            {details ? <th scope="col">{t("audit.target")}</th> : null}
            {details ? <th scope="col">{t("audit.data")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td className="nowrap">
                <time dateTime={r.when}>{formatDateTime(r.when, lang, timeZone)}</time>
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
                <Ltr>
                  <code>{r.action}</code>
                </Ltr>
              </td>
              {showTenant ? <td>{r.tenantName ?? <span className="muted">{t("audit.bureau")}</span>}</td> : null}
              {details ? <td>{r.target ? <code className="wrap-anywhere">{r.target}</code> : null}</td> : null}
              {details ? <td>{r.data ? <AuditDetails data={r.data} /> : null}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AuditPager({ page, pages, href }: { page: number; pages: number; href: (page: number) => string }) {
  const { t, i18n } = useTranslation("bureau");
  const lang = i18n.language as Language;
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={t("audit.pagination")}>
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          {t("audit.previous")}
        </Link>
      ) : (
        <span />
      )}
      <span>{t("audit.page", { page: localizeDigits(String(page), lang), pages: localizeDigits(String(pages), lang) })}</span>
      {page < pages ? (
        <Link to={href(page + 1)} rel="next">
          {t("audit.next")}
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
