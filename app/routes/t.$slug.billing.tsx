import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { billingLinks, formatPercent, formatPercentBp, formatUsage, InvoiceStatusBadge, Money, periodTitle, PreviewSummary, shortDay, StackedBars } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { Ltr, Notice } from "~/components/forms";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import { USAGE_KIND_UNITS, type PriceUnit } from "~/modules/billing/plan";
import { portalBilling } from "~/modules/billing/portal.server";
import { previewWire, toWire } from "~/modules/billing/wire";
import { formatDate, formatDateTime, formatNumber, intlLocale } from "~/modules/i18n/format";

export const links: LinksFunction = () => [...billingLinks()];

/**
 * The client's billing: usage so far this period (by kind, by day), the invoice as it stands and at
 * the pace so far, its finalized invoices with their documents, and SLA attainment against the
 * contract. The same stored totals the bureau sees: nothing here is computed differently.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { tenant } = await requireTenantPermission(request, params.slug, "tenant.billing.read");
  const data = await portalBilling({ id: tenant.id, timeZone: tenant.timeZone });
  return {
    slug: tenant.slug,
    timeZone: tenant.timeZone,
    currency: tenant.currency,
    display: data.settings.currencyDisplay,
    period: { label: data.period.label, calendar: data.period.calendar, start: data.period.start.toISOString(), end: data.period.end.toISOString() },
    asOf: data.asOf.toISOString(),
    usageToDate: data.usageToDate,
    daily: data.daily,
    preview: data.preview ? previewWire(data.preview) : null,
    invoices: toWire(data.invoices),
    sla: data.sla,
  };
}

export default function TenantBilling() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  const lang = useLang();
  const zone = data.timeZone;
  const period = periodTitle(data.period.label, data.period.calendar, lang);
  const groups = new Map<PriceUnit, typeof data.daily.series>();
  for (const s of data.daily.series) {
    const unit = USAGE_KIND_UNITS[s.kind].priceUnit;
    groups.set(unit, [...(groups.get(unit) ?? []), s]);
  }
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <h2>{t("portal.title")}</h2>
          <p className="muted">{t("portal.periodAsOf", { period, asOf: formatDateTime(data.asOf, lang, zone) })}</p>
        </div>
      </header>

      <section className="card stack" aria-labelledby="usage-title">
        <h3 id="usage-title">{t("portal.usage.title")}</h3>
        {data.daily.series.length === 0 ? (
          <p className="muted">{t("portal.usage.none")}</p>
        ) : (
          <>
            <ul className="billing-stat-list" data-testid="usage-to-date">
              {data.daily.series.map((s) => (
                <li key={s.kind} data-kind={s.kind}>
                  <span>{t(`kinds.${s.kind}`)}</span>
                  <span>{formatUsage(t, s.kind, s.total, lang)}</span>
                </li>
              ))}
            </ul>
            {[...groups.entries()].map(([unit, series]) => {
              const per = USAGE_KIND_UNITS[series[0]!.kind].unitsPerPriceUnit;
              const rows = data.daily.days.map((day, i) => ({ day, ...Object.fromEntries(series.map((s) => [s.kind, s.quantities[i]! / per])) }));
              const value = (v: number) => new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: 1 }).format(v);
              return (
                <StackedBars
                  key={unit}
                  title={t("portal.usage.chartTitle", { unit: t(`units.price.${unit}`) })}
                  data={rows}
                  xKey="day"
                  series={series.map((s) => ({ key: s.kind, label: t(`kinds.${s.kind}`) }))}
                  formatX={(day) => shortDay(day, lang)}
                  formatValue={value}
                  summary={
                    <details>
                      <summary>{t("portal.usage.byDay")}</summary>
                      <div className="table-wrap">
                        <table>
                          <thead>
                            <tr>
                              <th scope="col">{t("portal.usage.day")}</th>
                              {series.map((s) => (
                                <th key={s.kind} scope="col" className="num">
                                  {t(`kinds.${s.kind}`)}
                                </th>
                              ))}
                            </tr>
                          </thead>
                          <tbody>
                            {data.daily.days.map((day, i) => (
                              <tr key={day}>
                                <th scope="row">{formatDate(`${day}T12:00:00Z`, lang, "UTC")}</th>
                                {series.map((s) => (
                                  <td key={s.kind} className="num">
                                    {formatUsage(t, s.kind, s.quantities[i]!, lang)}
                                  </td>
                                ))}
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </div>
                    </details>
                  }
                />
              );
            })}
          </>
        )}
      </section>

      {data.preview ? (
        <>
          <PreviewSummary preview={data.preview} display={data.display} title={t("portal.projection.title")} testId="projection" />
          <p className="field-hint">{t("portal.projection.how")}</p>
        </>
      ) : (
        <Notice tone="info">{t("portal.projection.noPlan")}</Notice>
      )}

      <section className="card stack" aria-labelledby="invoices-title">
        <h3 id="invoices-title">{t("portal.invoices.title")}</h3>
        {data.invoices.length === 0 ? (
          <p className="muted">{t("portal.invoices.none")}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="portal-invoices">
              <thead>
                <tr>
                  <th scope="col">{t("invoice.number")}</th>
                  <th scope="col">{t("invoice.period")}</th>
                  <th scope="col">{t("invoice.status")}</th>
                  <th scope="col" className="num">
                    {t("invoice.total")}
                  </th>
                  <th scope="col">{t("invoice.issued")}</th>
                  <th scope="col">{t("invoice.due")}</th>
                  <th scope="col">{t("portal.invoices.documents")}</th>
                </tr>
              </thead>
              <tbody>
                {data.invoices.map((inv) => {
                  const base = `/t/${data.slug}/invoices/${inv.id}`;
                  return (
                    <tr key={inv.id} data-invoice={inv.id}>
                      <th scope="row">
                        <a href={`${base}/document`}>
                          <Ltr>{inv.number ?? ""}</Ltr>
                        </a>
                        {inv.kind === "credit_note" ? <p className="field-hint">{t("invoice.creditNote")}</p> : null}
                      </th>
                      <td>{periodTitle(inv.periodLabel, inv.calendar, lang)}</td>
                      <td>
                        <InvoiceStatusBadge status={inv.status} />
                      </td>
                      <td className="num">
                        <Money value={inv.total} currency={inv.currency} display={data.display} />
                      </td>
                      <td>{inv.issuedAt ? formatDate(inv.issuedAt, lang, zone) : "–"}</td>
                      <td>{inv.dueAt ? formatDate(inv.dueAt, lang, zone) : "–"}</td>
                      <td>
                        <a href={`${base}.pdf`} download aria-label={t("portal.invoices.pdfLabel", { number: inv.number ?? "" })}>
                          {t("portal.invoices.pdf")}
                        </a>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card stack" aria-labelledby="sla-title">
        <h3 id="sla-title">{t("portal.sla.title")}</h3>
        <p className="muted" data-testid="sla-formula">
          {t("portal.sla.formula")}
        </p>
        {data.sla.commitments.length ? (
          <div className="table-wrap">
            <table className="billing-sla" data-testid="sla-commitments">
              <caption>{t("portal.sla.contract")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("invoice.sla.queue")}</th>
                  {data.sla.periods.map((p) => (
                    <th key={p.label} scope="col">
                      {periodTitle(p.label, p.calendar, lang)}
                      {p.current ? ` (${t("portal.sla.soFar")})` : ""}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.sla.commitments.map((c) => (
                  <tr key={c.queueKey ?? "*"}>
                    <th scope="row">{c.queueKey === null ? t("invoice.sla.allQueues") : (c.queueName ?? c.queueKey)}</th>
                    {c.cells.map((cell, i) => {
                      const o = cell.outcome;
                      if (cell.committedBp === null || !o) return <td key={i}>–</td>;
                      const breached = o.creditBp > 0;
                      return (
                        <td key={i} data-breached={breached ? "true" : undefined} data-met={!breached && o.serviceLevelBp !== null ? "true" : undefined}>
                          {o.serviceLevelBp === null ? t("invoice.sla.noContacts") : formatPercentBp(o.serviceLevelBp, lang)}
                          <span className="field-hint"> {t("portal.sla.committed", { level: formatPercentBp(cell.committedBp, lang) })}</span>
                          {breached ? <p className="field-hint">{t("invoice.sla.breached", { threshold: formatPercentBp(o.breachedBelowBp ?? 0, lang), credit: formatPercentBp(o.creditBp, lang) })}</p> : null}
                          {cell.billed ? <p className="field-hint">{t("portal.sla.billed")}</p> : null}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t("portal.sla.noCommitment")}</p>
        )}
        {data.sla.queues.length ? (
          <div className="table-wrap">
            <table className="billing-sla" data-testid="sla-queues">
              <caption>{t("portal.sla.byQueue")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("invoice.sla.queue")}</th>
                  <th scope="col">{t("portal.sla.target")}</th>
                  {data.sla.periods.map((p) => (
                    <th key={p.label} scope="col">
                      {periodTitle(p.label, p.calendar, lang)}
                      {p.current ? ` (${t("portal.sla.soFar")})` : ""}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.sla.queues.map((q) => (
                  <tr key={q.queueKey}>
                    <th scope="row">
                      {q.queueName} <Ltr>{q.queueKey}</Ltr>
                    </th>
                    <td>{t("portal.sla.targetValue", { pct: formatPercent(q.slTargetPct, lang), seconds: formatNumber(q.slThresholdSeconds, lang) })}</td>
                    {q.cells.map((cell, i) => (
                      <td key={i} data-met={cell.result.serviceLevel !== null && cell.result.serviceLevel >= q.slTargetPct ? "true" : undefined}>
                        {cell.result.serviceLevel === null ? "–" : formatPercent(cell.result.serviceLevel, lang)}
                        {cell.result.serviceLevel !== null ? (
                          <span className="field-hint">
                            {" "}
                            {t("invoice.sla.countedValue", { within: formatNumber(cell.result.answeredWithin, lang), counted: formatNumber(cell.result.answered + cell.result.abandoned, lang) })}
                          </span>
                        ) : null}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </div>
  );
}
