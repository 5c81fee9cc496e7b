import jalaali from "jalaali-js";
import type { BillingCalendar } from "../billing/periods";

/**
 * Report periods: a day, a week, a month or a year of local calendar days, in the Gregorian or the
 * Solar Hijri (Jalali) calendar. Persian readers get Jalali months and years (and weeks from
 * Saturday), English and Dutch readers Gregorian ones (weeks from Monday). A period is a range of
 * local dates [startDay, endDay), ISO Gregorian strings, so it means the same local days in every
 * tenant's zone: the rollups' day rows are kept per tenant-local day. billing/periods.ts turns a
 * month into instants of one zone; this works on days, which is what the reports read. Pure.
 */
export type ReportCalendar = BillingCalendar;
export const REPORT_CALENDARS = ["gregorian", "jalali"] as const;
export const SPANS = ["day", "week", "month", "year"] as const;
export type Span = (typeof SPANS)[number];

export interface Bucket {
  /** The bucket's label in the period's calendar: a day "1405-08-14" / "2026-11-05", a month "1405-08". */
  label: string;
  /** ISO Gregorian local dates, end exclusive. */
  startDay: string;
  endDay: string;
}

export interface ReportPeriod extends Bucket {
  span: Span;
  calendar: ReportCalendar;
  /** The rows of the report: the months of a year, the days of a month or a week; a day has none (its rows are intervals). */
  buckets: Bucket[];
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

export function isoOf(y: number, m: number, d: number): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

function parseIso(iso: string): [number, number, number] {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return [y, m, d];
}

export function addDays(iso: string, days: number): string {
  const [y, m, d] = parseIso(iso);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return isoOf(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** 0 = Sunday, as JS counts weekdays. */
export function weekdayOfIso(iso: string): number {
  const [y, m, d] = parseIso(iso);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** A date in the calendar's own numbering ("1405-08-14" or "2026-11-05") from an ISO date. */
export function dayLabel(iso: string, calendar: ReportCalendar): string {
  if (calendar === "gregorian") return iso;
  const [y, m, d] = parseIso(iso);
  const j = jalaali.toJalaali(y, m, d);
  return isoOf(j.jy, j.jm, j.jd);
}

/** The ISO date of a day label in its calendar, or null when it is no real date. */
export function isoOfDayLabel(label: string, calendar: ReportCalendar): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(label);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (calendar === "jalali") {
    if (!jalaali.isValidJalaaliDate(y, mo, d)) return null;
    const g = jalaali.toGregorian(y, mo, d);
    return isoOf(g.gy, g.gm, g.gd);
  }
  const iso = isoOf(y, mo, d);
  return addDays(iso, 0) === iso && mo >= 1 && mo <= 12 ? iso : null;
}

function monthStart(calendar: ReportCalendar, y: number, m: number): string {
  if (calendar === "gregorian") return isoOf(y, m, 1);
  const g = jalaali.toGregorian(y, m, 1);
  return isoOf(g.gy, g.gm, g.gd);
}

const nextMonth = (y: number, m: number): [number, number] => (m === 12 ? [y + 1, 1] : [y, m + 1]);

function monthBucket(calendar: ReportCalendar, y: number, m: number): Bucket {
  const [ny, nm] = nextMonth(y, m);
  return { label: `${pad(y, 4)}-${pad(m)}`, startDay: monthStart(calendar, y, m), endDay: monthStart(calendar, ny, nm) };
}

function dayBuckets(calendar: ReportCalendar, startDay: string, endDay: string): Bucket[] {
  const out: Bucket[] = [];
  for (let d = startDay; d < endDay; d = addDays(d, 1)) out.push({ label: dayLabel(d, calendar), startDay: d, endDay: addDays(d, 1) });
  return out;
}

/** The first day of the week holding `iso`: Saturday in the Iranian (Jalali) week, Monday in the ISO one. */
export function weekStartOf(iso: string, calendar: ReportCalendar): string {
  const first = calendar === "jalali" ? 6 : 1;
  const back = (weekdayOfIso(iso) - first + 7) % 7;
  return addDays(iso, -back);
}

export class PeriodError extends Error {
  constructor(readonly code: "invalidPeriod") {
    super(`reports:${code}`);
  }
}

/**
 * The period of a span from its label: a year "1405", a month "1405-08", a day "1405-08-14", a week
 * by any of its days. Throws PeriodError for a label that is not one.
 */
export function reportPeriod(span: Span, label: string, calendar: ReportCalendar): ReportPeriod {
  if (span === "year") {
    if (!/^\d{4}$/.test(label)) throw new PeriodError("invalidPeriod");
    const y = Number(label);
    const buckets = Array.from({ length: 12 }, (_, i) => monthBucket(calendar, y, i + 1));
    return { span, calendar, label, startDay: buckets[0]!.startDay, endDay: buckets[11]!.endDay, buckets };
  }
  if (span === "month") {
    const m = /^(\d{4})-(\d{2})$/.exec(label);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new PeriodError("invalidPeriod");
    const b = monthBucket(calendar, Number(m[1]), Number(m[2]));
    return { span, calendar, ...b, buckets: dayBuckets(calendar, b.startDay, b.endDay) };
  }
  const iso = isoOfDayLabel(label, calendar);
  if (!iso) throw new PeriodError("invalidPeriod");
  if (span === "week") {
    const start = weekStartOf(iso, calendar);
    const end = addDays(start, 7);
    return { span, calendar, label: dayLabel(start, calendar), startDay: start, endDay: end, buckets: dayBuckets(calendar, start, end) };
  }
  return { span, calendar, label: dayLabel(iso, calendar), startDay: iso, endDay: addDays(iso, 1), buckets: [] };
}

/** The label of the span holding a local date. */
export function labelOf(span: Span, iso: string, calendar: ReportCalendar): string {
  const day = dayLabel(iso, calendar);
  if (span === "year") return day.slice(0, 4);
  if (span === "month") return day.slice(0, 7);
  if (span === "week") return dayLabel(weekStartOf(iso, calendar), calendar);
  return day;
}

export function periodContainingDay(span: Span, iso: string, calendar: ReportCalendar): ReportPeriod {
  return reportPeriod(span, labelOf(span, iso, calendar), calendar);
}

export function previousReportPeriod(p: ReportPeriod): ReportPeriod {
  return periodContainingDay(p.span, addDays(p.startDay, -1), p.calendar);
}

export function nextReportPeriod(p: ReportPeriod): ReportPeriod {
  return periodContainingDay(p.span, p.endDay, p.calendar);
}

/** The label shape a span takes, for validation messages and the API document. */
export function isPeriodLabelFor(span: Span, label: string): boolean {
  if (span === "year") return /^\d{4}$/.test(label);
  if (span === "month") return /^\d{4}-(0[1-9]|1[0-2])$/.test(label);
  return /^\d{4}-\d{2}-\d{2}$/.test(label);
}

/** The span a label's shape names (a day label is a day; a week is asked for explicitly). */
export function spanOfLabel(label: string): Span | null {
  if (/^\d{4}$/.test(label)) return "year";
  if (/^\d{4}-\d{2}$/.test(label)) return "month";
  if (/^\d{4}-\d{2}-\d{2}$/.test(label)) return "day";
  return null;
}

/** The number of each weekday (0 = Sunday) among the period's days: a heatmap's cells are averaged over them. */
export function weekdayCounts(p: Pick<ReportPeriod, "startDay" | "endDay">): number[] {
  const counts = [0, 0, 0, 0, 0, 0, 0];
  for (let d = p.startDay; d < p.endDay; d = addDays(d, 1)) counts[weekdayOfIso(d)]!++;
  return counts;
}
