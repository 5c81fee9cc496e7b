import type { LinksFunction } from "@remix-run/node";
import jalaali from "jalaali-js";
import { useRevalidator } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { USAGE_KIND_UNITS, isUsageKind } from "~/modules/billing/plan";
import type { BillingCalendar } from "~/modules/billing/periods";
import { directionOf, type Language } from "~/modules/i18n/config";
import { formatMoney, formatNumber, intlLocale, type CurrencyDisplay } from "~/modules/i18n/format";
import billingCss from "~/styles/billing.css?url";
import { useLang } from "./bureau-ui";

/** Pieces shared by the console's and the portal's billing pages. */
export const billingLinks: LinksFunction = () => [{ rel: "stylesheet", href: billingCss }];

type T = (key: string, opts?: Record<string, unknown>) => string;

/** An amount as the bureau shows it (rial or toman), kept in one left-to-right run inside RTL text. */
export function Money({ value, currency, display }: { value: string | bigint; currency: string; display: CurrencyDisplay }) {
  const lang = useLang();
  const negative = BigInt(value) < 0n;
  return (
    <bdi className={`money${negative ? " money--negative" : ""}`} data-minor={String(value)}>
      {formatMoney(value, currency, lang, display)}
    </bdi>
  );
}

export function formatPercentBp(bp: number, lang: Language): string {
  return new Intl.NumberFormat(intlLocale(lang), { style: "percent", maximumFractionDigits: 2 }).format(bp / 10_000);
}

export function formatPercent(pct: number, lang: Language): string {
  return new Intl.NumberFormat(intlLocale(lang), { style: "percent", maximumFractionDigits: 1 }).format(pct / 100);
}

/** "آبان ۱۴۰۵", "November 2026", "Aban 1405 AP": a period label in its own calendar and the reader's language. */
export function periodTitle(label: string, calendar: BillingCalendar, lang: Language): string {
  const [y, m] = label.split("-").map(Number) as [number, number];
  // The 15th of the month at noon UTC: inside that month whatever the zone.
  const mid = calendar === "jalali" ? jalaliToUtcNoon(y, m, 15) : new Date(Date.UTC(y, m - 1, 15, 12));
  const ca = calendar === "jalali" ? "persian" : "gregory";
  if (lang === "fa") {
    // ICU's Persian year-month pattern comes out as "۱۴۰۵ آبان"; readers expect the month first.
    const locale = `fa-IR-u-ca-${ca}-nu-arabext`;
    const month = new Intl.DateTimeFormat(locale, { month: "long", timeZone: "UTC" }).format(mid);
    const year = new Intl.DateTimeFormat(locale, { year: "numeric", timeZone: "UTC" }).format(mid);
    return `${month} ${year}`;
  }
  const locale = `${intlLocale(lang).split("-u-")[0]}-u-ca-${ca}`;
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", timeZone: "UTC" }).format(mid);
}

function jalaliToUtcNoon(jy: number, jm: number, jd: number): Date {
  const g = jalaali.toGregorian(jy, jm, jd);
  return new Date(Date.UTC(g.gy, g.gm - 1, g.gd, 12));
}

export function InvoiceStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation("billing");
  const tone = status === "paid" ? " badge--ok" : status === "void" ? " badge--off" : status === "draft" ? " badge--draft" : "";
  return <span className={`badge${tone}`}>{t(`invoice.statuses.${status}`)}</span>;
}

export function RunStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation("billing");
  const tone = status === "done" ? " badge--ok" : status === "failed" ? " badge--off" : status === "skipped" ? "" : " badge--draft";
  return <span className={`badge${tone}`}>{t(`console.runs.statuses.${status}`)}</span>;
}

/** A usage quantity (in its metered unit: seconds, counts, MB-days) read in the unit it is priced in. */
export function formatUsage(t: T, kind: string, quantity: number, lang: Language): string {
  if (!isUsageKind(kind)) return formatNumber(quantity, lang);
  const { priceUnit, unitsPerPriceUnit } = USAGE_KIND_UNITS[kind];
  const value = quantity / unitsPerPriceUnit;
  const shown = new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: 2 }).format(value);
  return t(`billing:units.quantity.${priceUnit}`, { count: value, n: shown });
}

/** Price per unit: "1,000 toman per minute". */
export function formatUnitPrice(t: T, unitPrice: string, priceUnit: string | null, currency: string, lang: Language, display: CurrencyDisplay): string {
  const price = formatMoney(unitPrice, currency, lang, display);
  return priceUnit ? t("billing:invoice.unitPrice", { price, unit: t(`billing:units.price.${priceUnit}`) }) : price;
}

export interface LineLike {
  type: string;
  descriptionKey: string;
  params: Record<string, string | number>;
  kind: string | null;
  quantity: number | null;
  quantityUnit: string | null;
  unitPrice: string | null;
  unitQuantity: number | null;
  priceUnit: string | null;
  rateBp: number | null;
  baseAmount: string | null;
  amount: string;
}

/**
 * A line's description in the reader's language from its key and params (billing:invoice.lines.*),
 * with every param formatted first: the kind named, quantities in their price unit, dates in the
 * reader's calendar, amounts as the bureau shows money, basis points as percents.
 */
export function describeLine(t: T, line: LineLike, lang: Language, currency: string, display: CurrencyDisplay): string {
  // The stored key is "billing:invoice.lines.<name>"; only the name after the last prefix matters.
  const name = line.descriptionKey.split("invoice.lines.").pop() ?? line.descriptionKey;
  const p = line.params;
  const kind = typeof p.kind === "string" ? p.kind : (line.kind ?? "");
  const money = (v: unknown) => formatMoney(String(v ?? 0), currency, lang, display);
  const pct = (bp: unknown) => formatPercentBp(Number(bp ?? 0), lang);
  const qty = (v: unknown) => formatUsage(t, kind, Number(v ?? 0), lang);
  const values: Record<string, unknown> = {
    kind: kind ? t(`billing:kinds.${kind}`) : "",
    used: qty(p.used),
    included: qty(p.included),
    days: formatNumber(Number(p.days ?? 0), lang),
    periodDays: formatNumber(Number(p.periodDays ?? 0), lang),
    tier: formatNumber(Number(p.tier ?? 0), lang),
    mode: p.mode ? t(`billing:invoice.tierModes.${p.mode}`) : "",
    minimum: money(p.minimum),
    usageAmount: money(p.usageAmount),
    serviceLevel: pct(p.serviceLevelBp),
    below: pct(p.belowBp),
    credit: pct(p.creditBp),
    cappedFrom: money(p.cappedFrom),
    queue: String(p.queueKey ?? ""),
    // Rating writes rateBp; a credit note's VAT line carries the rate as a percent.
    rate: p.rateBp !== undefined ? pct(p.rateBp) : p.rate !== undefined ? formatPercent(Number(p.rate), lang) : line.rateBp !== null ? pct(line.rateBp) : "",
    reason: String(p.reason ?? ""),
  };
  if (name === "usageTier") {
    const unit = isUsageKind(kind) ? USAGE_KIND_UNITS[kind].priceUnit : "count";
    const q = (n: unknown) => t(`billing:units.quantity.${unit}`, { count: Number(n), n: formatNumber(Number(n), lang) });
    values.range = p.tierUpTo === undefined ? t("billing:invoice.tierRange", { context: "open", from: q(p.tierFrom) }) : t("billing:invoice.tierRange", { from: q(p.tierFrom), upTo: q(p.tierUpTo) });
  }
  let context: string | undefined;
  if (name === "baseFee" && Number(p.days) < Number(p.periodDays)) context = "prorated";
  if (name === "usage" && Number(p.included ?? 0) > 0) context = "allowance";
  if ((name === "slaCreditTenant" || name === "slaCreditQueue") && p.cappedFrom !== undefined) context = "capped";
  return t(`billing:invoice.lines.${name}`, { ...values, context });
}

/** The quantity column of a line: usage in its price unit, a base fee's charged days. */
export function lineQuantity(t: T, line: LineLike, lang: Language): string {
  if (line.quantity === null) return "";
  if (line.type === "usage" && line.kind) return formatUsage(t, line.kind, line.quantity, lang);
  if (line.quantityUnit === "day") return t("billing:units.quantity.day", { count: line.quantity, n: formatNumber(line.quantity, lang) });
  return formatNumber(line.quantity, lang);
}

export function lineUnitPrice(t: T, line: LineLike, lang: Language, currency: string, display: CurrencyDisplay): string {
  if (line.unitPrice === null) return line.rateBp !== null && line.baseAmount !== null ? t("billing:invoice.rateOf", { rate: formatPercentBp(line.rateBp, lang), base: formatMoney(line.baseAmount, currency, lang, display) }) : "";
  return formatUnitPrice(t, line.unitPrice, line.priceUnit, currency, lang, display);
}

/** The lines of an invoice or a preview as a table, with its totals below. */
export function LinesTable({
  lines,
  currency,
  display,
  caption,
  totals,
}: {
  lines: LineLike[];
  currency: string;
  display: CurrencyDisplay;
  caption?: string;
  totals: { label: string; amount: string; strong?: boolean }[];
}) {
  const { t } = useTranslation("billing");
  const lang = useLang();
  return (
    <div className="table-wrap">
      <table className="billing-lines">
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            <th scope="col">{t("invoice.columns.lineNo")}</th>
            <th scope="col">{t("invoice.columns.description")}</th>
            <th scope="col">{t("invoice.columns.quantity")}</th>
            <th scope="col">{t("invoice.columns.unitPrice")}</th>
            <th scope="col" className="num">
              {t("invoice.columns.amount")}
            </th>
          </tr>
        </thead>
        <tbody>
          {lines.length === 0 ? (
            <tr>
              <td colSpan={5} className="muted">
                {t("invoice.noLines")}
              </td>
            </tr>
          ) : (
            lines.map((line, i) => (
              <tr key={i} data-line-type={line.type}>
                <td>{formatNumber(i + 1, lang)}</td>
                <td>{describeLine(t, line, lang, currency, display)}</td>
                <td className="nowrap">{lineQuantity(t, line, lang)}</td>
                <td>{lineUnitPrice(t, line, lang, currency, display)}</td>
                <td className="num">
                  <Money value={line.amount} currency={currency} display={display} />
                </td>
              </tr>
            ))
          )}
        </tbody>
        <tfoot>
          {totals.map((row) => (
            <tr key={row.label} className={row.strong ? "billing-lines__total" : undefined}>
              <th scope="row" colSpan={4}>
                {row.label}
              </th>
              <td className="num">
                <Money value={row.amount} currency={currency} display={display} />
              </td>
            </tr>
          ))}
        </tfoot>
      </table>
    </div>
  );
}

/** Rendered in the browser only: recharts 3 draws nothing on the server, so the server sends the table. */
function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

export const CHART_COLORS = ["#0f766e", "#2563eb", "#d97706", "#7c3aed", "#db2777", "#059669", "#dc2626", "#4b5563", "#0891b2", "#65a30d", "#9333ea", "#ea580c"];

export interface ChartSeries {
  key: string;
  label: string;
}

/**
 * How a chart's axes face in a language: in right-to-left Persian time runs from right to left (the
 * first period at the right edge) and the value axis stands on the right, where a reader starts.
 */
export function chartAxes(lang: Language): { xReversed: boolean; yOrientation: "left" | "right"; textDirection: "rtl" | "ltr" } {
  const rtl = directionOf(lang) === "rtl";
  return { xReversed: rtl, yOrientation: rtl ? "right" : "left", textDirection: rtl ? "rtl" : "ltr" };
}

/**
 * A stacked bar chart that reads right in both directions: in Persian the time axis runs from right
 * to left and the value axis stands on the right, mirrored by the axes' own options inside an LTR
 * drawing (SVG text keeps its shaping either way). It is decoration over data a person can read
 * without it: `summary` (a table) is always rendered, and the chart itself is aria-hidden.
 */
export function StackedBars({
  data,
  xKey,
  series,
  formatX,
  formatValue,
  height = 260,
  title,
  summary,
}: {
  data: Record<string, string | number>[];
  xKey: string;
  series: ChartSeries[];
  formatX: (v: string) => string;
  formatValue: (v: number) => string;
  height?: number;
  title: string;
  summary: ReactNode;
}) {
  const lang = useLang();
  const axes = chartAxes(lang);
  const mounted = useMounted();
  return (
    <figure className="billing-chart">
      <figcaption>{title}</figcaption>
      <div className="billing-chart__canvas" dir="ltr" style={{ blockSize: height }} aria-hidden="true">
        {mounted && data.length > 0 ? (
          <ResponsiveContainer width="100%" height={height}>
            <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey={xKey} reversed={axes.xReversed} tickFormatter={formatX} tick={{ fontSize: 12 }} />
              <YAxis orientation={axes.yOrientation} tickFormatter={formatValue} width={96} tick={{ fontSize: 12 }} />
              <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(l) => formatX(String(l))} wrapperStyle={{ direction: axes.textDirection }} />
              <Legend wrapperStyle={{ direction: axes.textDirection }} />
              {series.map((s, i) => (
                <Bar key={s.key} dataKey={s.key} name={s.label} stackId="stack" fill={CHART_COLORS[i % CHART_COLORS.length]} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        ) : null}
      </div>
      {summary}
    </figure>
  );
}

/** A short day label for chart axes: "۱۲ آبان", "12 Nov". */
export function shortDay(isoDay: string, lang: Language): string {
  return new Intl.DateTimeFormat(intlLocale(lang), { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${isoDay}T12:00:00Z`));
}


/** A chart tick: "۱۲ میلیون", "12M", "€1.2K"; the chart's caption states the unit for IRR. */
export function formatCompactMoney(minor: number, currency: string, lang: Language, display: CurrencyDisplay): string {
  if (currency === "IRR") {
    const value = display === "toman" ? minor / 10 : minor;
    return new Intl.NumberFormat(intlLocale(lang), { notation: "compact", maximumFractionDigits: 1 }).format(value);
  }
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(intlLocale(lang), { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }).format(minor / 10 ** digits);
}

/** "Amounts in toman" / "Amounts in EUR": what a chart's or a table's numbers are. */
export function amountsIn(t: T, currency: string, display: CurrencyDisplay): string {
  return t("billing:invoice.amountsIn", { unit: currency === "IRR" ? t(`billing:invoice.currencyUnits.${display}`) : currency });
}

export interface PreviewLike {
  asOf: string;
  accrued: { lines: LineLike[]; subtotal: string; vatAmount: string; vatRateBp: number; total: string; currency: string };
  projected: { lines: LineLike[]; subtotal: string; vatAmount: string; vatRateBp: number; total: string; currency: string };
}

/**
 * A running period's invoice: what it comes to if the period ended now (accrued) and at the pace so
 * far (projected), with the projected lines.
 */
export function PreviewSummary({ preview, display, title, testId }: { preview: PreviewLike; display: CurrencyDisplay; title: string; testId?: string }) {
  const { t } = useTranslation("billing");
  const lang = useLang();
  const currency = preview.projected.currency;
  const p = preview.projected;
  return (
    <section className="card stack" aria-label={title} data-testid={testId}>
      <h3>{title}</h3>
      <div className="billing-stats">
        <div>
          <p className="muted">{t("console.preview.accrued")}</p>
          <p className="stat">
            <Money value={preview.accrued.total} currency={currency} display={display} />
          </p>
        </div>
        <div>
          <p className="muted">{t("console.preview.projected")}</p>
          <p className="stat" data-testid={testId ? `${testId}-projected` : undefined}>
            <Money value={p.total} currency={currency} display={display} />
          </p>
        </div>
      </div>
      <LinesTable
        caption={t("console.preview.projectedLines")}
        lines={p.lines}
        currency={currency}
        display={display}
        totals={[
          { label: t("invoice.subtotal"), amount: p.subtotal },
          { label: t("invoice.vat", { rate: formatPercentBp(p.vatRateBp, lang) }), amount: p.vatAmount },
          { label: t("invoice.total"), amount: p.total, strong: true },
        ]}
      />
    </section>
  );
}

/**
 * Reloads the route's loaders every `ms` while `active` (a close in progress): the run's progress is
 * in the database, so polling needs no channel of its own. Skips a tick while a reload is in flight
 * or the tab is hidden.
 */
export function usePoll(active: boolean, ms = 1000) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [active, ms, revalidator]);
}

/** The close's steps in order, as close.server.ts CLOSE_STEPS (a server module the browser cannot import). */
export const RUN_STEPS = ["collect", "rate", "lines", "slaCredit", "vat", "totals", "finalize"] as const;
