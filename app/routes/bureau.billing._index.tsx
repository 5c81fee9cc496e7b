import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { amountsIn, formatCompactMoney, Money, periodTitle, StackedBars } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { billingOverview } from "~/modules/billing/console.server";
import { toWire } from "~/modules/billing/wire";
import { bureauCtx } from "~/modules/bureau/context.server";
import { formatNumber } from "~/modules/i18n/format";

/** Revenue by tenant and month (chart and table), what is still outstanding, and the way to the rest. */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "billing.read");
  return toWire(await billingOverview(bureauCtx(auth, request)));
}

export default function BillingOverview() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  const lang = useLang();
  const { calendar, currencyDisplay: display } = data.settings;
  return (
    <div className="stack">
      <ul className="billing-links" aria-label={t("console.overview.quickLinks")}>
        <li>
          <Link to="/bureau/billing/runs">{t("console.overview.startClose")}</Link>
        </li>
        <li>
          <Link to="/bureau/billing/invoices?status=draft">{t("console.overview.drafts", { count: data.drafts, n: formatNumber(data.drafts, lang) })}</Link>
        </li>
        <li>
          <Link to="/bureau/billing/invoices?status=finalized">{t("console.overview.unpaid")}</Link>
        </li>
        <li>
          <Link to="/bureau/billing/plans">{t("console.overview.plans")}</Link>
        </li>
        {data.runningRuns > 0 ? (
          <li>
            <Link to="/bureau/billing/runs">{t("console.overview.running", { count: data.runningRuns, n: formatNumber(data.runningRuns, lang) })}</Link>
          </li>
        ) : null}
      </ul>
      {data.currencies.length === 0 ? <p className="muted">{t("console.overview.empty")}</p> : null}
      {data.currencies.map((c) => {
        const rows = c.periods.map((label, i) => ({
          period: label,
          ...Object.fromEntries(c.tenants.map((tenant) => [tenant.tenantId, Number(tenant.cells[i]!.net)])),
        }));
        const unit = amountsIn(t, c.currency, display);
        return (
          <section key={c.currency} className="stack" aria-labelledby={`revenue-${c.currency}`}>
            <h2 id={`revenue-${c.currency}`}>{t("console.overview.revenueTitle", { currency: c.currency })}</h2>
            <div className="billing-stats">
              <div className="card">
                <p className="muted">{t("console.overview.outstanding")}</p>
                <p className="stat">
                  <Money value={c.outstanding} currency={c.currency} display={display} />
                </p>
                <p className="muted">{t("console.overview.invoiceCount", { count: c.outstandingCount, n: formatNumber(c.outstandingCount, lang) })}</p>
              </div>
              <div className="card">
                <p className="muted">{t("console.overview.overdue")}</p>
                <p className="stat">
                  <Money value={c.overdue} currency={c.currency} display={display} />
                </p>
                <p className="muted">{t("console.overview.invoiceCount", { count: c.overdueCount, n: formatNumber(c.overdueCount, lang) })}</p>
              </div>
            </div>
            <StackedBars
              title={`${t("console.overview.chartTitle")} (${unit})`}
              data={rows}
              xKey="period"
              series={c.tenants.map((tenant) => ({ key: tenant.tenantId, label: tenant.tenantName }))}
              formatX={(label) => periodTitle(label, calendar, lang)}
              formatValue={(v) => formatCompactMoney(v, c.currency, lang, display)}
              summary={
                <div className="table-wrap">
                  <table data-testid="revenue-table">
                    <caption className="visually-hidden">{t("console.overview.tableCaption")}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t("console.overview.tenant")}</th>
                        {c.periods.map((label) => (
                          <th key={label} scope="col" className="num">
                            {periodTitle(label, calendar, lang)}
                          </th>
                        ))}
                        <th scope="col" className="num">
                          {t("console.overview.total")}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {c.tenants.map((tenant) => (
                        <tr key={tenant.tenantId}>
                          <th scope="row">
                            <Link to={`/bureau/billing/invoices?tenant=${tenant.tenantId}`}>{tenant.tenantName}</Link>
                          </th>
                          {tenant.cells.map((cell) => (
                            <td key={cell.periodLabel} className="num">
                              {cell.net === "0" ? "–" : <Money value={cell.net} currency={c.currency} display={display} />}
                            </td>
                          ))}
                          <td className="num">
                            <Money value={tenant.total} currency={c.currency} display={display} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                    <tfoot>
                      <tr>
                        <th scope="row">{t("console.overview.total")}</th>
                        {c.totals.map((cell) => (
                          <td key={cell.periodLabel} className="num">
                            <Money value={cell.net} currency={c.currency} display={display} />
                          </td>
                        ))}
                        <td className="num">
                          <Money value={c.totals.reduce((s, x) => s + BigInt(x.net), 0n).toString()} currency={c.currency} display={display} />
                        </td>
                      </tr>
                    </tfoot>
                  </table>
                </div>
              }
            />
            <p className="field-hint">{t("console.overview.revenueNote")}</p>
          </section>
        );
      })}
    </div>
  );
}
