import { monthTitle } from "../../i18n/calendar-month";
import type { Language } from "../../i18n/config";
import { formatCalendarDay, formatDate, formatMoney, intlLocale, localizeDigits } from "../../i18n/format";
import type { InvoiceLineView, InvoiceView } from "../invoice-view";
import { isUsageKind, USAGE_KIND_UNITS, USAGE_KINDS, type UsageKind } from "../plan";
import { localIsoDate } from "../rating";

/**
 * How an InvoiceView reads in a language: the words and numbers the document, the exports and the
 * invoice mail share, so the PDF, the spreadsheet and the e-mail never disagree on a description or
 * an amount. Pure; `t` is i18next's, fixed to the billing namespace.
 *
 * Money stays bigint until the last step: formatMoney (and decimalString for the exports) turn it
 * into text, nothing here computes with a float. Quantities (seconds, counts) are shown in the unit
 * a price is quoted in (minutes, GB-days), which is display arithmetic only.
 */
export type BillingT = (key: string, options?: Record<string, unknown>) => string;

export interface DocContext {
  view: InvoiceView;
  /** The reader's language; the document's own is view.locale, a mail may be in the recipient's. */
  lang: Language;
  t: BillingT;
}

// ---------------------------------------------------------------------------------------------------
// Bidi

/**
 * LTR isolation inside a translated sentence (LRI ... PDI): an invoice number, a queue key or an
 * e-mail address keeps its own order in Persian text, and its neighbours keep theirs. JSX uses
 * <bdi dir="ltr">; these are for strings that go through t().
 */
export const ltrIsolate = (s: string) => `\u2066${s}\u2069`;

// ---------------------------------------------------------------------------------------------------
// Numbers and money

const numberFormats = new Map<string, Intl.NumberFormat>();
function nf(lang: Language, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${lang}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(intlLocale(lang), options);
    numberFormats.set(key, f);
  }
  return f;
}

/** A quantity (never money) with up to two decimals, in the language's digits. */
export function formatQuantityNumber(n: number, lang: Language, maximumFractionDigits = 2): string {
  return nf(lang, { maximumFractionDigits }).format(n);
}

/** Basis points as a percentage: 8000 -> "80%", 7990 -> "79.9%" ("۷۹٫۹٪" in Persian). */
export function formatPercentBp(bp: number, lang: Language): string {
  return nf(lang, { style: "percent", maximumFractionDigits: 2 }).format(bp / 10_000);
}

export function money(ctx: DocContext, minor: bigint | string | number): string {
  return formatMoney(minor, ctx.view.currency, ctx.lang, ctx.view.currencyDisplay);
}

/** The unit the amounts are read in: rial or toman for IRR, the ISO code otherwise. */
export function amountUnitLabel(ctx: DocContext): string {
  if (ctx.view.currency === "IRR") return ctx.t(`invoice.currencyUnits.${ctx.view.currencyDisplay}`);
  return ctx.view.currency;
}

function currencyDigits(currency: string): number {
  if (currency === "IRR") return 0;
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Decimal places of amounts in the exports: the currency's minor digits; toman shows one decimal
 * only when some amount is not a whole toman (a rial remainder), so a round invoice stays round.
 */
export function amountScale(view: InvoiceView, amounts: readonly bigint[]): { divisorDigits: number; decimals: number } {
  if (view.currency === "IRR") {
    if (view.currencyDisplay === "rial") return { divisorDigits: 0, decimals: 0 };
    return { divisorDigits: 1, decimals: amounts.some((a) => a % 10n !== 0n) ? 1 : 0 };
  }
  const d = currencyDigits(view.currency);
  return { divisorDigits: d, decimals: d };
}

/**
 * Minor units as an exact ASCII decimal in the display unit ("12345.6" toman for 123456 rial),
 * computed on the bigint, for CSV cells and as the source of XLSX numbers.
 */
export function decimalString(minor: bigint, divisorDigits: number, decimals: number): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const divisor = 10n ** BigInt(divisorDigits);
  const whole = abs / divisor;
  let frac = (abs % divisor).toString().padStart(divisorDigits, "0");
  frac = frac.slice(0, decimals).padEnd(decimals, "0");
  return `${negative && abs !== 0n ? "-" : ""}${whole.toString()}${decimals > 0 ? `.${frac}` : ""}`;
}

// ---------------------------------------------------------------------------------------------------
// Dates and the period

export function dateText(d: Date | null, lang: Language, timeZone: string): string | null {
  return d ? formatDate(d, lang, timeZone) : null;
}

function labelParts(label: string): { year: number; month: number } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(label);
  return m ? { year: Number(m[1]), month: Number(m[2]) } : null;
}

/**
 * The month the invoice covers, named in its own calendar: "فروردین ۱۴۰۵" for a Jalali period in
 * Persian (and "Farvardin 1405" in English and Dutch: the contract speaks of that month), "March 2026"
 * / "مارس ۲۰۲۶" for a Gregorian one. Named from the period's middle, so a zone offset never tips it
 * into the neighbouring month.
 */
export function periodTitle(view: InvoiceView, lang: Language): string {
  const parts = labelParts(view.periodLabel);
  const calendarOfLang = lang === "fa" ? "jalali" : "gregorian";
  if (parts && view.calendar === calendarOfLang) return monthTitle(lang, parts);
  const middle = new Date((view.periodStart.getTime() + view.periodEnd.getTime()) / 2);
  const base = intlLocale(lang).split("-u-")[0]!;
  const calendar = view.calendar === "jalali" ? "persian" : "gregory";
  const month = new Intl.DateTimeFormat(`${base}-u-ca-${calendar}${lang === "fa" ? "-nu-arabext" : ""}`, { month: "long", timeZone: view.timeZone }).format(middle);
  const year = parts ? String(parts.year) : view.periodLabel.slice(0, 4);
  return `${month} ${localizeDigits(year, lang)}`;
}

/** The period's first and last local days, in the reader's calendar (Jalali in Persian). */
export function periodRange(ctx: DocContext): string {
  const { view, lang } = ctx;
  const last = new Date(view.periodEnd.getTime() - 1);
  return ctx.t("invoice.periodRange", { from: formatDate(view.periodStart, lang, view.timeZone), to: formatDate(last, lang, view.timeZone) });
}

// ---------------------------------------------------------------------------------------------------
// Quantities

type DisplayUnit = "second" | "minute" | "hour" | "count" | "day" | "megabyte_day" | "gigabyte_day" | "period";
const DISPLAY_UNITS: readonly string[] = ["second", "minute", "hour", "count", "day", "megabyte_day", "gigabyte_day", "period"];
const isDisplayUnit = (u: unknown): u is DisplayUnit => typeof u === "string" && DISPLAY_UNITS.includes(u);

/** "1,234.5 minutes", "۱۲ مورد": i18next picks the plural form from the number itself. */
export function quantityText(ctx: DocContext, unit: string | null, n: number): string {
  const formatted = formatQuantityNumber(n, ctx.lang);
  if (!isDisplayUnit(unit)) return formatted;
  return ctx.t(`units.quantity.${unit}`, { count: n, n: formatted });
}

/** A kind's metered quantity (seconds, MB-days) in the unit its price is quoted in. */
export function kindQuantityText(ctx: DocContext, kind: UsageKind, quantityUnits: number): string {
  const { priceUnit, unitsPerPriceUnit } = USAGE_KIND_UNITS[kind];
  return quantityText(ctx, priceUnit, quantityUnits / unitsPerPriceUnit);
}

/** A line's quantity in its display unit and as a plain number (the exports), or null. */
export function lineQuantity(line: InvoiceLineView): { value: number; unit: string | null } | null {
  if (line.quantity === null) return null;
  // The base fee counts charged days against a price per period: the days are the quantity.
  if (line.priceUnit === "period" || !line.priceUnit) return { value: line.quantity, unit: line.quantityUnit };
  const per = line.unitQuantity && line.unitQuantity > 0 ? line.unitQuantity : 1;
  return { value: line.quantity / per, unit: line.priceUnit };
}

export function lineQuantityText(ctx: DocContext, line: InvoiceLineView): string {
  const q = lineQuantity(line);
  return q ? quantityText(ctx, q.unit, q.value) : "";
}

export function unitName(ctx: DocContext, unit: string | null): string {
  return isDisplayUnit(unit) ? ctx.t(`units.price.${unit}`) : "";
}

/** "5,000 toman per minute" for priced lines, "10% of 1,000,000 toman" for rate lines (credits, VAT). */
export function lineUnitPriceText(ctx: DocContext, line: InvoiceLineView): string {
  if (line.unitPrice !== null && line.priceUnit) {
    return ctx.t("invoice.unitPrice", { price: money(ctx, line.unitPrice), unit: unitName(ctx, line.priceUnit) });
  }
  const rate = lineRateBp(line);
  if (rate !== null && line.baseAmount !== null) return ctx.t("invoice.rateOf", { rate: formatPercentBp(rate, ctx.lang), base: money(ctx, line.baseAmount) });
  return "";
}

/** A rate line's rate: its column, else its params (a credit note's VAT line says `rate` in percent). */
export function lineRateBp(line: InvoiceLineView): number | null {
  if (line.rateBp !== null) return line.rateBp;
  const p = line.params;
  if (typeof p.rateBp === "number") return p.rateBp;
  if (typeof p.rate === "number") return Math.round(p.rate * 100);
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Line descriptions

/**
 * The locale key of a line, whatever prefix the stored key carries ("billing:invoice.lines.vat",
 * "invoice.lines.vat", or one prefixed twice): the last "invoice.lines.<name>" wins.
 */
export function lineKeyOf(descriptionKey: string): string | null {
  const m = /invoice\.lines\.([A-Za-z0-9]+)$/.exec(descriptionKey);
  return m ? `invoice.lines.${m[1]}` : null;
}

const numParam = (v: unknown): number | null => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : null);
const strParam = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);
function bigParam(v: unknown): bigint | null {
  try {
    return typeof v === "string" || typeof v === "number" || typeof v === "bigint" ? BigInt(v) : null;
  } catch {
    return null;
  }
}

export function kindName(ctx: DocContext, kind: string | null): string {
  return kind && isUsageKind(kind) ? ctx.t(`kinds.${kind}`) : (kind ?? "");
}

function lineKind(line: InvoiceLineView): UsageKind | null {
  const k = line.kind ?? strParam(line.params.kind);
  return k && isUsageKind(k) ? k : null;
}

/** Every value any line text may interpolate, already in the reader's language and digits. */
function lineTextParams(ctx: DocContext, line: InvoiceLineView): Record<string, string> {
  const p = line.params;
  const lang = ctx.lang;
  const out: Record<string, string> = {};
  const kind = lineKind(line);
  if (kind) {
    out.kind = kindName(ctx, kind);
    const used = numParam(p.used);
    const included = numParam(p.included);
    if (used !== null) out.used = kindQuantityText(ctx, kind, used);
    if (included !== null) out.included = kindQuantityText(ctx, kind, included);
    const priceUnit = USAGE_KIND_UNITS[kind].priceUnit;
    const tierFrom = numParam(p.tierFrom);
    const tierUpTo = numParam(p.tierUpTo);
    // Tier bounds are plan quantities, already in the price unit.
    if (tierFrom !== null) {
      out.range =
        tierUpTo !== null
          ? ctx.t("invoice.tierRange", { from: formatQuantityNumber(tierFrom, lang), upTo: quantityText(ctx, priceUnit, tierUpTo) })
          : ctx.t("invoice.tierRange", { context: "open", from: quantityText(ctx, priceUnit, tierFrom) });
    }
  }
  const mode = strParam(p.mode);
  if (mode === "graduated" || mode === "volume") out.mode = ctx.t(`invoice.tierModes.${mode}`);
  for (const k of ["tier", "days", "periodDays"] as const) {
    const n = numParam(p[k]);
    if (n !== null) out[k] = formatQuantityNumber(n, lang, 0);
  }
  for (const k of ["minimum", "usageAmount", "cappedFrom"] as const) {
    const b = bigParam(p[k]);
    if (b !== null) out[k] = money(ctx, b);
  }
  const bps: [string, unknown][] = [
    ["serviceLevel", p.serviceLevelBp],
    ["below", p.belowBp],
    ["credit", p.creditBp],
  ];
  for (const [k, v] of bps) {
    const n = numParam(v);
    if (n !== null) out[k] = formatPercentBp(n, lang);
  }
  const rate = lineRateBp(line);
  if (rate !== null) out.rate = formatPercentBp(rate, lang);
  const queue = strParam(p.queueKey);
  if (queue) out.queue = ltrIsolate(queue);
  const reason = strParam(p.reason);
  out.reason = reason ?? "";
  const version = numParam(p.version);
  if (version !== null) out.version = localizeDigits(String(version), lang);
  const from = strParam(p.from);
  const to = strParam(p.to);
  if (from && /^\d{4}-\d{2}-\d{2}$/.test(from)) out.from = formatCalendarDay(from, lang);
  if (to && /^\d{4}-\d{2}-\d{2}$/.test(to)) out.to = formatCalendarDay(to, lang);
  return out;
}

/** The i18next context of a line's text: the variant its params call for. */
function lineContext(key: string, line: InvoiceLineView): string | undefined {
  const p = line.params;
  switch (key) {
    case "invoice.lines.baseFee": {
      const days = numParam(p.days);
      const periodDays = numParam(p.periodDays);
      return days !== null && periodDays !== null && days !== periodDays ? "prorated" : undefined;
    }
    case "invoice.lines.usage":
      return (numParam(p.included) ?? 0) > 0 ? "allowance" : undefined;
    case "invoice.lines.slaCreditTenant":
    case "invoice.lines.slaCreditQueue":
      return p.cappedFrom !== undefined ? "capped" : undefined;
    default:
      return undefined;
  }
}

export interface LineText {
  description: string;
  /** A second, quieter line: the span a segment covers when it is not the whole period. */
  detail: string | null;
}

/** Whether the lines come from more than one plan version (then each says which). */
export function hasSeveralVersions(view: InvoiceView): boolean {
  return new Set(view.lines.map((l) => l.params.version).filter((v) => v !== undefined)).size > 1;
}

export function lineText(ctx: DocContext, line: InvoiceLineView): LineText {
  const key = lineKeyOf(line.descriptionKey);
  const params = lineTextParams(ctx, line);
  const fallback = ctx.t(`invoice.lineTypes.${line.type}`);
  const description = key ? ctx.t(key, { ...params, context: lineContext(key, line), defaultValue: fallback }) : fallback;

  let detail: string | null = null;
  const from = strParam(line.params.from);
  const to = strParam(line.params.to);
  if (from && to && params.from && params.to) {
    const { view } = ctx;
    const wholePeriod = from === localIsoDate(view.periodStart, view.timeZone) && to === localIsoDate(new Date(view.periodEnd.getTime() - 1), view.timeZone);
    const versioned = params.version !== undefined && hasSeveralVersions(view);
    if (!wholePeriod || versioned) detail = ctx.t("invoice.lineSpan", { from: params.from, to: params.to, version: params.version, context: versioned ? "version" : undefined });
  }
  return { description, detail };
}

// ---------------------------------------------------------------------------------------------------
// The document as a whole

export function documentKindLabel(ctx: DocContext): string {
  return ctx.t(ctx.view.kind === "credit_note" ? "invoice.creditNote" : "invoice.title");
}

export interface TotalsRow {
  key: "charges" | "slaCredit" | "subtotal" | "vat" | "total" | "amountPaid" | "balance";
  label: string;
  amount: bigint;
}

/**
 * The totals block, top to bottom. The stored subtotal already has the SLA credit taken off (it is
 * the net VAT is computed on), so when there is a credit the charges before it come first: charges
 * - credit = subtotal, subtotal + VAT = total, each row exact in bigint.
 */
export function totalsRows(ctx: DocContext): TotalsRow[] {
  const { view, t } = ctx;
  const rows: TotalsRow[] = [];
  if (view.slaCreditAmount !== 0n) {
    rows.push({ key: "charges", label: t("invoice.charges"), amount: view.subtotal - view.slaCreditAmount });
    rows.push({ key: "slaCredit", label: t("invoice.slaCredit"), amount: view.slaCreditAmount });
  }
  rows.push({ key: "subtotal", label: t("invoice.subtotal"), amount: view.subtotal });
  rows.push({ key: "vat", label: t("invoice.vat", { rate: formatPercentBp(view.vatRateBp, ctx.lang) }), amount: view.vatAmount });
  rows.push({ key: "total", label: t(view.kind === "credit_note" ? "invoice.totalCredited" : "invoice.total"), amount: view.total });
  if (view.kind === "invoice") {
    rows.push({ key: "amountPaid", label: t("invoice.amountPaid"), amount: view.amountPaid });
    rows.push({ key: "balance", label: t("invoice.balance"), amount: view.balance });
  }
  return rows;
}

export interface SlaRow {
  queue: string | null;
  serviceLevel: string;
  answeredWithin: string;
  outcome: string;
  breached: boolean;
}

export function slaRows(ctx: DocContext): SlaRow[] {
  const { t, lang } = ctx;
  return ctx.view.sla.map((o) => {
    const counted = o.result.answered + o.result.abandoned;
    const breached = o.breachedBelowBp !== null;
    return {
      queue: o.queueKey,
      serviceLevel: o.serviceLevelBp === null ? t("invoice.sla.noContacts") : formatPercentBp(o.serviceLevelBp, lang),
      answeredWithin: t("invoice.sla.countedValue", { within: formatQuantityNumber(o.result.answeredWithin, lang, 0), counted: formatQuantityNumber(counted, lang, 0) }),
      outcome: breached
        ? t("invoice.sla.breached", { threshold: formatPercentBp(o.breachedBelowBp!, lang), credit: formatPercentBp(o.creditBp, lang) })
        : o.serviceLevelBp === null
          ? "–"
          : t("invoice.sla.met"),
      breached,
    };
  });
}

export function usageRows(ctx: DocContext): { kind: UsageKind; name: string; quantity: string }[] {
  return USAGE_KINDS.filter((k) => (ctx.view.usage[k] ?? 0) > 0).map((k) => ({ kind: k, name: kindName(ctx, k), quantity: kindQuantityText(ctx, k, ctx.view.usage[k]!) }));
}

/**
 * The file name of a document or export: "invoice-HK-000042.pdf", or for a draft
 * "invoice-draft-<tenant>-1405-01.pdf" (drafts have no number yet). `localized` uses the reader's
 * words ("صورتحساب-HK-000042.pdf") for Content-Disposition's filename* and mail attachments; `ascii`
 * is the fallback every client understands.
 */
export function documentFilename(ctx: DocContext, ext: string): { ascii: string; localized: string } {
  const { view, t } = ctx;
  const credit = view.kind === "credit_note";
  const asciiBase = credit ? "credit-note" : "invoice";
  const localBase = t(credit ? "export.filename.creditNote" : "export.filename.invoice");
  const safeSlug = view.tenantSlug.replace(/[^A-Za-z0-9-]/g, "");
  const ascii = view.number ? `${asciiBase}-${view.number}.${ext}` : `${asciiBase}-draft-${safeSlug}-${view.periodLabel}.${ext}`;
  const localized = view.number ? `${localBase}-${view.number}.${ext}` : `${localBase}-${t("export.filename.draft")}-${safeSlug}-${view.periodLabel}.${ext}`;
  return { ascii, localized: localized.replace(/\s+/g, "-") };
}

/** Content-Disposition with both names (RFC 6266): ASCII for old clients, UTF-8 for the rest. */
export function contentDisposition(type: "inline" | "attachment", name: { ascii: string; localized: string }): string {
  const ascii = name.ascii.replace(/["\\\r\n]/g, "");
  return `${type}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name.localized)}`;
}
