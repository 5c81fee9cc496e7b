import { z } from "zod";
import { DEFAULT_TIME_ZONE, isValidTimeZone } from "../i18n/format";
import { CLOSING_TIME_RE, TIME_RE, minutesOf } from "../tenancy/business-hours";

/**
 * A tenant's business calendar as the IVR sees it: weekly hours and holidays, in the tenant's zone.
 * Pure and library-free (Intl does the zone arithmetic), so the interpreter's hours branch can be
 * tested at any instant by passing `now`.
 */
export const calendarSchema = z.object({
  timeZone: z.string().refine(isValidTimeZone, "validation:timeZone").default(DEFAULT_TIME_ZONE),
  hours: z
    .array(
      z.object({
        weekday: z.number().int().min(0).max(6),
        opens: z.string().regex(TIME_RE, "validation:time"),
        closes: z.string().regex(CLOSING_TIME_RE, "validation:time"),
      }),
    )
    .default([]),
  /** Hours for one local day that replace its weekday's ranges (a short day, Ramadan hours). */
  specialHours: z
    .array(
      z.object({
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation:isoDate"),
        opens: z.string().regex(TIME_RE, "validation:time"),
        closes: z.string().regex(CLOSING_TIME_RE, "validation:time"),
      }),
    )
    .default([]),
  holidays: z
    .array(
      z.object({
        /** The local calendar day in the tenant's zone, not a UTC instant. */
        day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "validation:isoDate"),
        name: z.string().max(200).default(""),
      }),
    )
    .default([]),
});

export type BusinessCalendar = z.infer<typeof calendarSchema>;
export type CalendarStatus = "open" | "closed" | "holiday";

export interface LocalTime {
  /** "YYYY-MM-DD" in the zone's Gregorian calendar, comparable with holiday days. */
  day: string;
  /** 0 = Sunday, as in the hours table. */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-US with the Gregorian calendar and Latin digits so the parts parse the same on every ICU;
    // h23 because hour12:false renders midnight as "24" on some engines.
    f = new Intl.DateTimeFormat("en-US-u-ca-gregory-nu-latn", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      weekday: "short",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock day, weekday and minute of an instant in a zone. Throws RangeError for an unknown zone. */
export function localTimeIn(at: Date, timeZone: string = DEFAULT_TIME_ZONE): LocalTime {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  const hour = Number(parts.hour) % 24;
  return {
    day: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ""),
    minutes: hour * 60 + Number(parts.minute),
  };
}

/**
 * "open", "closed" or "holiday" at an instant. A holiday wins for its whole local day; otherwise a day
 * with special hours uses only those, and any other day its weekday's ranges.
 */
export function calendarStatus(calendar: BusinessCalendar, at: Date): CalendarStatus {
  const local = localTimeIn(at, calendar.timeZone || DEFAULT_TIME_ZONE);
  if (calendar.holidays.some((h) => h.day === local.day)) return "holiday";
  const special = (calendar.specialHours ?? []).filter((r) => r.day === local.day);
  const ranges = special.length > 0 ? special : calendar.hours.filter((r) => r.weekday === local.weekday);
  const open = ranges.some((r) => minutesOf(r.opens) <= local.minutes && local.minutes < minutesOf(r.closes));
  return open ? "open" : "closed";
}

export function isOpenAt(calendar: BusinessCalendar, at: Date): boolean {
  return calendarStatus(calendar, at) === "open";
}

const DAY_MS = 86_400_000;

/** The UTC instant of a local wall-clock time in a zone (two passes, so a zone offset change is honoured). */
export function instantOfLocal(day: string, minutes: number, timeZone: string = DEFAULT_TIME_ZONE): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d) + minutes * 60_000;
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const local = localTimeIn(new Date(guess), timeZone);
    const [ly, lm, ld] = local.day.split("-").map(Number) as [number, number, number];
    const seen = Date.UTC(ly, lm - 1, ld) + local.minutes * 60_000;
    guess += wall - seen;
  }
  return new Date(guess);
}

/**
 * When the tenant next opens after an instant (the start of its next open range, skipping holidays
 * and honouring special hours), or null when it does not open within the horizon. An instant inside
 * an open range is answered with itself.
 */
export function nextOpening(calendar: BusinessCalendar, at: Date, horizonDays = 21): Date | null {
  const zone = calendar.timeZone || DEFAULT_TIME_ZONE;
  if (calendarStatus(calendar, at) === "open") return at;
  const start = localTimeIn(at, zone);
  for (let offset = 0; offset <= horizonDays; offset++) {
    // Noon of the local day `offset` days on, read back in the zone: its day and weekday.
    const [y, m, d] = start.day.split("-").map(Number) as [number, number, number];
    const probe = localTimeIn(instantOfLocal(new Date(Date.UTC(y, m - 1, d) + offset * DAY_MS).toISOString().slice(0, 10), 12 * 60, zone), zone);
    if (calendar.holidays.some((h) => h.day === probe.day)) continue;
    const special = (calendar.specialHours ?? []).filter((r) => r.day === probe.day);
    const ranges = (special.length > 0 ? special : calendar.hours.filter((r) => r.weekday === probe.weekday))
      .map((r) => minutesOf(r.opens))
      .sort((a, b) => a - b);
    for (const opens of ranges) {
      if (offset === 0 && opens <= start.minutes) continue;
      return instantOfLocal(probe.day, opens, zone);
    }
  }
  return null;
}
