import jalaali from "jalaali-js";
import { instantOfLocal, localTimeIn } from "../ivr/calendar";

/**
 * Billing periods: a month in the tenant's zone, by the Gregorian or the Solar Hijri (Jalali)
 * calendar as the bureau chooses (bureau_settings.billing_calendar). A period runs from local
 * midnight on the month's first day to local midnight on the next month's first day, as UTC instants.
 * Pure.
 */
export const BILLING_CALENDARS = ["gregorian", "jalali"] as const;
export type BillingCalendar = (typeof BILLING_CALENDARS)[number];

export interface BillingPeriod {
  calendar: BillingCalendar;
  /** "2026-11" or "1405-08": the month's year and month in its calendar. */
  label: string;
  year: number;
  month: number;
  start: Date;
  end: Date;
}

const LABEL = /^(\d{4})-(\d{2})$/;

export function isPeriodLabel(label: string): boolean {
  const m = LABEL.exec(label);
  return !!m && Number(m[2]) >= 1 && Number(m[2]) <= 12;
}

function pad(n: number, width: number) {
  return String(n).padStart(width, "0");
}

/** The Gregorian ISO day of a month's first day in its calendar. */
function firstDayIso(calendar: BillingCalendar, year: number, month: number): string {
  if (calendar === "gregorian") return `${pad(year, 4)}-${pad(month, 2)}-01`;
  const g = jalaali.toGregorian(year, month, 1);
  return `${pad(g.gy, 4)}-${pad(g.gm, 2)}-${pad(g.gd, 2)}`;
}

function nextMonth(year: number, month: number): [number, number] {
  return month === 12 ? [year + 1, 1] : [year, month + 1];
}

export function billingPeriod(calendar: BillingCalendar, label: string, timeZone: string): BillingPeriod {
  const m = LABEL.exec(label);
  if (!m || !isPeriodLabel(label)) throw new RangeError(`not a period label: ${label}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const [ny, nm] = nextMonth(year, month);
  return {
    calendar,
    label,
    year,
    month,
    start: instantOfLocal(firstDayIso(calendar, year, month), 0, timeZone),
    end: instantOfLocal(firstDayIso(calendar, ny, nm), 0, timeZone),
  };
}

/** The period an instant falls in. */
export function periodContaining(at: Date, calendar: BillingCalendar, timeZone: string): BillingPeriod {
  const day = localTimeIn(at, timeZone).day;
  const [gy, gm, gd] = day.split("-").map(Number) as [number, number, number];
  if (calendar === "gregorian") return billingPeriod(calendar, `${pad(gy, 4)}-${pad(gm, 2)}`, timeZone);
  const j = jalaali.toJalaali(gy, gm, gd);
  return billingPeriod(calendar, `${pad(j.jy, 4)}-${pad(j.jm, 2)}`, timeZone);
}

export function previousPeriod(period: BillingPeriod, timeZone: string): BillingPeriod {
  return periodContaining(new Date(period.start.getTime() - 1), period.calendar, timeZone);
}

export function nextPeriod(period: BillingPeriod, timeZone: string): BillingPeriod {
  return periodContaining(period.end, period.calendar, timeZone);
}
