import jalaali from "jalaali-js";
import { localTimeIn } from "../ivr/calendar";
import type { Language } from "./config";
import {
  DEFAULT_TIME_ZONE,
  calendarDayInput,
  formatWeekdayDate,
  intlLocale,
  isValidTimeZone,
  localizeDigits,
  parseCalendarDay,
  weekdayOrder,
} from "./format";

const { jalaaliMonthLength, toGregorian, toJalaali } = jalaali;

/**
 * The month grid behind the date picker. Persian pages page through Jalali months, English and Dutch
 * through Gregorian ones, but every day is identified by its Gregorian ISO day ("2026-03-21"): that is
 * what holidays and special hours are stored as, so marks and selections never need converting.
 * Pure (no React, no DOM) so the server render and the tests share it.
 */

/** A month in the language's own calendar: Jalali year/month in Persian, Gregorian elsewhere. Month is 1-12. */
export interface MonthCursor {
  year: number;
  month: number;
}

export interface DayCell {
  /** Gregorian "YYYY-MM-DD". */
  iso: string;
  /** Day of the month in the language's calendar (a Jalali day in Persian). */
  dayOfMonth: number;
  /** False for the leading and trailing days of the neighbouring months that fill the first and last week. */
  inMonth: boolean;
  /** JS weekday, 0 = Sunday. */
  weekday: number;
}

export interface MonthGrid {
  cursor: MonthCursor;
  /** "فروردین ۱۴۰۵", "March 2026", "maart 2026". */
  title: string;
  /** The column order as JS weekdays: Saturday first in Persian, Monday first otherwise. */
  weekdays: number[];
  /** Always six weeks of seven cells, so paging from a four- or five-week month does not make the page jump. */
  weeks: DayCell[][];
  daysInMonth: number;
  firstDay: string;
  lastDay: string;
  prev: MonthCursor;
  next: MonthCursor;
}

const pad = (n: number) => String(n).padStart(2, "0");
const isoOf = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const usesJalali = (lang: Language) => lang === "fa";

function isoParts(iso: string) {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  return { y, m, d };
}

const utcDate = (iso: string) => new Date(`${iso}T00:00:00Z`);

/** Whole days never cross a DST change in UTC, so day arithmetic is done there. */
export function addDays(iso: string, days: number): string {
  const d = utcDate(iso);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function weekdayOf(iso: string): number {
  return utcDate(iso).getUTCDay();
}

/** The month `delta` months away; both calendars have twelve months a year. */
export function shiftMonth(cursor: MonthCursor, delta: number): MonthCursor {
  const index = cursor.year * 12 + (cursor.month - 1) + delta;
  return { year: Math.floor(index / 12), month: (((index % 12) + 12) % 12) + 1 };
}

export function sameMonth(a: MonthCursor, b: MonthCursor) {
  return a.year === b.year && a.month === b.month;
}

export function monthLength(lang: Language, cursor: MonthCursor): number {
  if (usesJalali(lang)) return jalaaliMonthLength(cursor.year, cursor.month);
  return new Date(Date.UTC(cursor.year, cursor.month, 0)).getUTCDate();
}

/** The ISO day of `day` in the cursor's month, clamped to the month's length (PageDown from 31 Farvardin lands on 31 Ordibehesht, from 31 Shahrivar on 30 Mehr). */
export function dayInMonth(lang: Language, cursor: MonthCursor, day: number): string {
  const d = Math.min(Math.max(1, day), monthLength(lang, cursor));
  if (!usesJalali(lang)) return isoOf(cursor.year, cursor.month, d);
  const g = toGregorian(cursor.year, cursor.month, d);
  return isoOf(g.gy, g.gm, g.gd);
}

/** The language-calendar position of an ISO day. */
export function calendarDateOf(iso: string, lang: Language): MonthCursor & { day: number } {
  const { y, m, d } = isoParts(iso);
  if (!usesJalali(lang)) return { year: y, month: m, day: d };
  const j = toJalaali(y, m, d);
  return { year: j.jy, month: j.jm, day: j.jd };
}

export function cursorOfDay(iso: string, lang: Language): MonthCursor {
  const { year, month } = calendarDateOf(iso, lang);
  return { year, month };
}

/** The wall-clock day in a zone; an unknown zone (legacy data) falls back to Tehran rather than failing the page. */
export function todayIn(timeZone: string = DEFAULT_TIME_ZONE, now: Date = new Date()): string {
  return localTimeIn(now, isValidTimeZone(timeZone) ? timeZone : DEFAULT_TIME_ZONE).day;
}

export function todayCursor(lang: Language, timeZone: string = DEFAULT_TIME_ZONE, now: Date = new Date()): MonthCursor {
  return cursorOfDay(todayIn(timeZone, now), lang);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(lang: Language, options: Intl.DateTimeFormatOptions) {
  const key = `${lang}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(lang), { ...options, timeZone: "UTC" });
    formatters.set(key, f);
  }
  return f;
}

export function monthTitle(lang: Language, cursor: MonthCursor): string {
  // Named from the 15th: ICU's Persian calendar and jalaali-js could in principle disagree on a month's
  // first day, never on its middle. Month and year are joined by hand because ICU's Persian pattern
  // reads "۱۴۰۵ فروردین", the reverse of how Persian is written.
  const month = formatter(lang, { month: "long" }).format(utcDate(dayInMonth(lang, cursor, 15)));
  return `${month} ${localizeDigits(String(cursor.year), lang)}`;
}

/** Column-header name: one letter in Persian (ش ی د …, the usual calendar heading), "Mon"/"ma" otherwise. */
export function weekdayShortName(weekday: number, lang: Language): string {
  // 2024-01-07 was a Sunday.
  return formatter(lang, { weekday: usesJalali(lang) ? "narrow" : "short" }).format(new Date(Date.UTC(2024, 0, 7 + weekday, 12)));
}

/** "شنبه ۱ فروردین ۱۴۰۵", "Saturday 21 March 2026": the accessible name of a day button. */
export function dayLabel(iso: string, lang: Language): string {
  return formatWeekdayDate(`${iso}T12:00:00Z`, lang, "UTC");
}

export function dayNumber(dayOfMonth: number, lang: Language): string {
  return localizeDigits(String(dayOfMonth), lang);
}

/** The day as typed in the text box: "۱۴۰۵/۰۱/۰۱" in Persian, "2026-03-21" otherwise. */
export function dayInput(iso: string, lang: Language): string {
  return localizeDigits(calendarDayInput(iso, lang), lang);
}

/**
 * Typed text to an ISO day, or null. Same notation as parseCalendarDay; far-off years are refused as
 * holidaySchema does, because an ISO date typed on a Persian page parses as a Jalali year ~2026.
 */
export function parseDayInput(input: string, lang: Language): string | null {
  const iso = parseCalendarDay(input, lang);
  if (!iso) return null;
  const year = Number(iso.slice(0, 4));
  return year >= 1900 && year <= 2200 ? iso : null;
}

const WEEKS = 6;

export function monthGrid(lang: Language, cursor: MonthCursor): MonthGrid {
  const normalized = shiftMonth(cursor, 0);
  const weekdays = weekdayOrder(lang);
  const daysInMonth = monthLength(lang, normalized);
  const firstDay = dayInMonth(lang, normalized, 1);
  const lastDay = dayInMonth(lang, normalized, daysInMonth);
  const leading = weekdays.indexOf(weekdayOf(firstDay));
  const start = addDays(firstDay, -leading);
  const prev = shiftMonth(normalized, -1);
  const prevLength = monthLength(lang, prev);

  const weeks: DayCell[][] = [];
  for (let w = 0; w < WEEKS; w++) {
    const week: DayCell[] = [];
    for (let c = 0; c < 7; c++) {
      const offset = w * 7 + c; // days since `start`
      const inMonthIndex = offset - leading; // 0 = the 1st
      const iso = addDays(start, offset);
      const inMonth = inMonthIndex >= 0 && inMonthIndex < daysInMonth;
      const dayOfMonth = inMonth
        ? inMonthIndex + 1
        : inMonthIndex < 0
          ? prevLength + inMonthIndex + 1
          : inMonthIndex - daysInMonth + 1;
      week.push({ iso, dayOfMonth, inMonth, weekday: weekdays[c]! });
    }
    weeks.push(week);
  }

  return {
    cursor: normalized,
    title: monthTitle(lang, normalized),
    weekdays,
    weeks,
    daysInMonth,
    firstDay,
    lastDay,
    prev,
    next: shiftMonth(normalized, 1),
  };
}
