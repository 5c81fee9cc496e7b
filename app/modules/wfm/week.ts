import { addDays, daysBetween, localParts, localToUtc, weekStartDate, DATE_RE } from "./time";
import { DAYS_PER_WEEK, MINUTES_PER_DAY } from "./roster-types";

/**
 * The roster week on the clock: week minutes (the engine's units, from Saturday 00:00 local) to UTC
 * instants and back, and the week's interval grid. Pure. Every conversion goes through the zone's
 * offset at that instant (time.ts), so a week with a DST change (history, bureaus abroad) stays right.
 */

export interface WeekGrid {
  weekStart: string;
  timeZone: string;
  intervalMinutes: number;
  /** Saturday … Friday. */
  dates: string[];
  /** Start instant of every interval of the week (7 × 1440 / interval of them), UTC. */
  intervals: Date[];
  start: Date;
  /** The next Saturday 00:00 local. */
  end: Date;
}

export function isWeekStart(date: string): boolean {
  return DATE_RE.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`)) && weekStartDate(date) === date;
}

/** The Saturday starting the week that contains `instant` in the zone. */
export function weekStartOf(instant: Date, timeZone: string): string {
  return weekStartDate(localParts(instant, timeZone).date);
}

export function weekMinuteToUtc(weekStart: string, minute: number, timeZone: string): Date {
  const day = Math.floor(minute / MINUTES_PER_DAY);
  return localToUtc(addDays(weekStart, day), minute - day * MINUTES_PER_DAY, timeZone);
}

/** Week minutes of an instant (negative before the week, ≥ 10080 after it). */
export function utcToWeekMinute(instant: Date, weekStart: string, timeZone: string): number {
  const local = localParts(instant, timeZone);
  return daysBetween(weekStart, local.date) * MINUTES_PER_DAY + local.minuteOfDay;
}

export function weekGrid(weekStart: string, timeZone: string, intervalMinutes: number): WeekGrid {
  const dates = Array.from({ length: DAYS_PER_WEEK }, (_, d) => addDays(weekStart, d));
  const perDay = MINUTES_PER_DAY / intervalMinutes;
  const intervals: Date[] = [];
  for (const date of dates) for (let i = 0; i < perDay; i++) intervals.push(localToUtc(date, i * intervalMinutes, timeZone));
  return { weekStart, timeZone, intervalMinutes, dates, intervals, start: localToUtc(weekStart, 0, timeZone), end: localToUtc(addDays(weekStart, DAYS_PER_WEEK), 0, timeZone) };
}

/**
 * Values keyed by interval start instant laid on the grid (missing intervals get `fill`). Forecasts are
 * stored per UTC instant in the tenant's zone; a bureau in the same zone lines up exactly, and any
 * other alignment falls to the interval that contains the instant.
 */
export function onGrid<T>(grid: WeekGrid, points: readonly { start: Date; value: T }[], fill: T, combine?: (a: T, b: T) => T): T[] {
  const out = new Array<T>(grid.intervals.length).fill(fill);
  if (grid.intervals.length === 0) return out;
  const first = grid.intervals[0]!.getTime();
  const stepMs = grid.intervalMinutes * 60_000;
  const exact = new Map(grid.intervals.map((d, i) => [d.getTime(), i]));
  for (const p of points) {
    const ms = p.start.getTime();
    let i = exact.get(ms);
    if (i === undefined) {
      if (ms < first || ms >= grid.end.getTime()) continue;
      i = Math.min(grid.intervals.length - 1, Math.floor((ms - first) / stepMs));
    }
    out[i] = combine ? combine(out[i]!, p.value) : p.value;
  }
  return out;
}
