/**
 * Local calendar arithmetic for WFM: instants are UTC `Date`s, a day is a local date string
 * (YYYY-MM-DD, the tenant's time zone), a slot is a minute of the local day. The offset comes from
 * Intl (the runtime's tz database), never from a hard-coded +03:30: Iran dropped DST in 2022 but
 * history from before, and bureaus abroad, still have it. Pure.
 */

export const DEFAULT_TIME_ZONE = "Asia/Tehran";

/** Days of the Iranian week, Saturday first; Friday (6) is the weekend. */
export type IranWeekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export const FRIDAY: IranWeekday = 6;

export interface LocalParts {
  date: string;
  minuteOfDay: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-CA with h23 gives ASCII digits and 00-23 hours on every runtime (no "24:00" at midnight).
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws RangeError for a zone the runtime does not know, so a typo fails loudly at the edge. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** Local wall-clock fields of an instant, as epoch ms of the same wall time read as UTC. */
function wallClockMs(instant: Date, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

/** Offset from UTC in minutes at that instant (+210 in Tehran). */
export function utcOffsetMinutes(instant: Date, timeZone: string): number {
  const wall = wallClockMs(instant, timeZone);
  const exact = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((wall - exact) / 60_000);
}

export function localParts(instant: Date, timeZone: string): LocalParts {
  const wall = new Date(wallClockMs(instant, timeZone));
  return { date: wall.toISOString().slice(0, 10), minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes() };
}

/**
 * The instant a local wall time happens. Two passes settle the offset around a transition; a wall
 * time skipped by a spring-forward resolves to the instant just after the gap.
 */
export function localToUtc(date: string, minuteOfDay: number, timeZone: string): Date {
  const wall = Date.parse(`${date}T00:00:00Z`) + minuteOfDay * 60_000;
  let guess = wall - utcOffsetMinutes(new Date(wall), timeZone) * 60_000;
  guess = wall - utcOffsetMinutes(new Date(guess), timeZone) * 60_000;
  return new Date(guess);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

export function iranWeekday(date: string): IranWeekday {
  // JS: Sunday 0 … Saturday 6; Iranian: Saturday 0 … Friday 6.
  return ((new Date(`${date}T00:00:00Z`).getUTCDay() + 1) % 7) as IranWeekday;
}

/** The Saturday that starts the Iranian week containing `date`. */
export function weekStartDate(date: string): string {
  return addDays(date, -iranWeekday(date));
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
