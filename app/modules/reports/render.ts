import jalaali from "jalaali-js";
import type { Language } from "../i18n/config";
import { localizeDigits, weekdayName } from "../i18n/format";
import { KPI_FORMULAS, MEASURES, type KpiKey, type KpiUnit, type MeasureKey, type Term } from "./kpi-definitions";
import type { ReportCalendar } from "./periods";
import type { LabelSpec, ReportData } from "./view";

/**
 * Reading a report in a language: labels, figures and every figure's formula, from locales/<lang>/
 * reports.json. The page, the PDF, the spreadsheet and the CSV all format through here, so they read
 * the same. A formula is written out from KPI_FORMULAS, the very data the value was evaluated from:
 * "Service level = answered within T ÷ (answered + abandoned after the short-abandon threshold) × 100".
 * Pure (a `t` of the reports namespace is passed in).
 */
export type ReportsT = (key: string, options?: Record<string, unknown>) => string;

const BASE: Record<Language, string> = { fa: "fa-IR", en: "en-GB", nl: "nl-NL" };

/** An Intl locale for a language and calendar: a Jalali report in English still shows Jalali dates. */
export function calendarLocale(lang: Language, calendar: ReportCalendar): string {
  return `${BASE[lang]}-u-ca-${calendar === "jalali" ? "persian" : "gregory"}${lang === "fa" ? "-nu-arabext" : ""}`;
}

function numberLocale(lang: Language) {
  return lang === "fa" ? "fa-IR-u-nu-arabext" : BASE[lang];
}

export function formatCount(n: number, lang: Language): string {
  return new Intl.NumberFormat(numberLocale(lang), { maximumFractionDigits: 1 }).format(n);
}

/** A percentage already in 0-100 with one decimal. */
export function formatPct(pct: number, lang: Language): string {
  return new Intl.NumberFormat(numberLocale(lang), { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(pct / 100);
}

/** Seconds as m:ss (h:mm:ss past an hour), digits in the reader's script. */
export function formatDuration(seconds: number, lang: Language): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const text = h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}` : `${m}:${String(s).padStart(2, "0")}`;
  return localizeDigits(text, lang);
}

/** Hours with one decimal (logged-in time and other sums of seconds in a report). */
export function formatHours(seconds: number, lang: Language): string {
  return new Intl.NumberFormat(numberLocale(lang), { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(seconds / 3600);
}

export const NO_DATA = "–";

export function formatFigure(unit: KpiUnit, value: number | null, lang: Language): string {
  if (value === null) return NO_DATA;
  if (unit === "percent") return formatPct(value, lang);
  if (unit === "seconds") return formatDuration(value, lang);
  return formatCount(value, lang);
}

export function formatKpi(key: KpiKey, value: number | null, lang: Language): string {
  return formatFigure(KPI_FORMULAS[key].unit, value, lang);
}

export function formatMeasure(key: MeasureKey, value: number, lang: Language): string {
  return MEASURES[key].unit === "seconds" ? formatHours(value, lang) : formatCount(value, lang);
}

function terms(ts: readonly Term[], t: ReportsT): string {
  return ts.map((x, i) => `${i === 0 ? (x.sign < 0 ? `${t("formula.minus")} ` : "") : ` ${x.sign < 0 ? t("formula.minus") : t("formula.plus")} `}${t(`measure.${x.measure}`)}`).join("");
}

const group = (s: string, n: number) => (n > 1 ? `(${s})` : s);

/** A KPI's formula in words: "AHT = (talk + hold + wrap-up) ÷ handled contacts". */
export function formulaText(key: KpiKey, t: ReportsT): string {
  const f = KPI_FORMULAS[key];
  const num = group(terms(f.numerator, t), f.numerator.length);
  const body =
    f.denominator === null || f.unit === "count"
      ? num
      : t(f.unit === "percent" ? "formula.percent" : "formula.mean", { numerator: num, denominator: group(terms(f.denominator, t), f.denominator.length) });
  return t("formula.equals", { name: t(`kpi.${key}`), body });
}

/** A measure column's formula: the sum over the rows' contacts (or the agents' time). */
export function measureFormulaText(key: MeasureKey, t: ReportsT): string {
  return t("formula.equals", { name: t(`measure.${key}`), body: t(MEASURES[key].unit === "seconds" ? "formula.sumHours" : "formula.sum", { measure: t(`measure.${key}`) }) });
}

/** "آبان ۱۴۰۵", "November 2026": a month label in its calendar. */
export function monthTitle(label: string, calendar: ReportCalendar, lang: Language): string {
  const [y, m] = label.split("-").map(Number) as [number, number];
  const mid = calendar === "jalali" ? jalaliNoon(y, m, 15) : new Date(Date.UTC(y, m - 1, 15, 12));
  const locale = calendarLocale(lang, calendar);
  const month = new Intl.DateTimeFormat(locale, { month: "long", timeZone: "UTC" }).format(mid);
  const year = new Intl.DateTimeFormat(locale, { year: "numeric", timeZone: "UTC" }).format(mid).replace(/\s*(AP|ق\.ظ|ه‍\.ش\.|ه\.ش\.)$/u, "");
  return `${month} ${year}`;
}

function jalaliNoon(jy: number, jm: number, jd: number): Date {
  const g = jalaali.toGregorian(jy, jm, jd);
  return new Date(Date.UTC(g.gy, g.gm - 1, g.gd, 12));
}

/** A local date ("2026-11-05") in the report's calendar: "۱۴ آبان ۱۴۰۵", "5 November 2026". */
export function dayTitle(iso: string, calendar: ReportCalendar, lang: Language, style: "long" | "short" = "long"): string {
  const d = new Date(`${iso}T12:00:00Z`);
  const opts: Intl.DateTimeFormatOptions = style === "long" ? { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" } : { day: "numeric", month: "short", timeZone: "UTC" };
  return new Intl.DateTimeFormat(calendarLocale(lang, calendar), opts).format(d);
}

export function labelText(l: LabelSpec, calendar: ReportCalendar, lang: Language, t: ReportsT, style: "long" | "short" = "long"): string {
  switch (l.kind) {
    case "day":
      return dayTitle(l.iso, calendar, lang, style);
    case "month":
      return monthTitle(l.label, l.calendar, lang);
    case "slot":
      return localizeDigits(l.hhmm, lang);
    case "name":
      return l.sub ? `${l.text} (${l.sub})` : l.text;
    case "total":
      return t("table.total");
  }
}

export function weekdayTitle(weekday: number, lang: Language): string {
  return weekdayName(weekday, lang);
}

/** The report's title and period in words: "Monthly performance — آبان ۱۴۰۵". */
export function periodText(r: Pick<ReportData, "span" | "calendar" | "periodLabel" | "startDay" | "endDay">, lang: Language, t: ReportsT): string {
  if (r.span === "year") return localizeDigits(r.periodLabel, lang);
  if (r.span === "month") return monthTitle(r.periodLabel, r.calendar, lang);
  if (r.span === "week") {
    const last = new Date(Date.parse(`${r.endDay}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    return t("period.weekRange", { from: dayTitle(r.startDay, r.calendar, lang), to: dayTitle(last, r.calendar, lang) });
  }
  return dayTitle(r.startDay, r.calendar, lang);
}

/** What the figures rest on, as sentences: the SL variant and threshold, the short-abandon threshold, FCR's window. */
export function statedLines(r: ReportData, lang: Language, t: ReportsT): string[] {
  const s = r.stated;
  const lines = [t(`stated.variant.${s.slVariant}`)];
  if (s.slThreshold === "queue") {
    const uniq = [...new Set(s.queues.map((q) => q.slThresholdSeconds))];
    lines.push(
      uniq.length === 1
        ? t("stated.thresholdQueue", { seconds: formatCount(uniq[0]!, lang) })
        : t("stated.thresholdQueues", { list: s.queues.map((q) => `${q.queueName}: ${formatCount(q.slThresholdSeconds, lang)}`).join("، ") }),
    );
  } else {
    lines.push(t("stated.thresholdFixed", { seconds: formatCount(s.slThreshold, lang) }));
  }
  const shorts = [...new Set(s.queues.map((q) => q.shortAbandonSeconds))];
  if (shorts.length) lines.push(t("stated.shortAbandon", { list: shorts.map((x) => formatCount(x, lang)).join("، ") }));
  lines.push(t(`stated.repeat.${s.repeatMatch}`, { days: formatCount(s.repeatWindowDays, lang) }));
  lines.push(s.agentTime ? t("stated.agentTime") : t("stated.noAgentTime"));
  lines.push(t("stated.zone", { zone: s.timeZone }));
  return lines;
}
