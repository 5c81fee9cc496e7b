import { instantOfLocal, localTimeIn } from "../ivr/calendar";

/**
 * Local calendar days in a tenant's zone, for usage billed per day (seat-hours, recording storage).
 * A day is named yyyy-mm-dd (Gregorian, whatever calendar the invoice uses: it names the record,
 * the period is decided by the instant) and spans [dayStart(day), dayStart(nextDay(day))), so the
 * days of a zone partition time exactly: a DST day is 23 or 25 hours long, and nothing is counted
 * twice or lost at a boundary. Pure.
 */

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(day: string): [number, number, number] {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The day `n` days after (or before, negative) a day. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export const nextDay = (day: string) => addDays(day, 1);

/** The local day an instant falls on. */
export function localDay(at: Date, timeZone: string): string {
  return localTimeIn(at, timeZone).day;
}

/**
 * The first instant of a local day: its midnight. Where a zone's clocks skip midnight itself
 * (America/Santiago springs from 24:00 to 01:00), instantOfLocal answers the hour before, which is
 * still the previous day; the day then starts when its first wall-clock minute does.
 */
export function dayStart(day: string, timeZone: string): Date {
  let at = instantOfLocal(day, 0, timeZone);
  for (let i = 0; i < 2; i++) {
    const local = localTimeIn(at, timeZone);
    if (local.day >= day) break;
    at = new Date(at.getTime() + (1440 - local.minutes) * 60_000);
  }
  return at;
}

export const dayEnd = (day: string, timeZone: string) => dayStart(nextDay(day), timeZone);
