/**
 * Business hours: per weekday (JS numbering, 0 = Sunday), any number of ranges a day; a day with no
 * range is closed. Pure, shared by the form schema (browser and server) and the IVR later.
 */
export interface HoursRange {
  weekday: number;
  opens: string; // "HH:MM"
  closes: string; // "HH:MM"
}

export const TIME_RE = /^([01]\d|2[0-3]):[0-5]\d$/;
/** A closing time may also be 24:00, the end of the day (a 24-hour line closes at 24:00, not 23:59). */
export const CLOSING_TIME_RE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

export function minutesOf(time: string): number {
  const [h, m] = time.split(":").map(Number) as [number, number];
  return h * 60 + m;
}

export interface HoursIssue {
  index: number;
  field: "opens" | "closes";
  message: string;
}

/**
 * Problems with a set of ranges: a range must close after it opens, and two ranges of the same day
 * must not overlap (touching, 12:00-12:00, is fine). Malformed times are left to the field schema.
 */
export function hoursIssues(ranges: readonly HoursRange[]): HoursIssue[] {
  const issues: HoursIssue[] = [];
  const valid: { index: number; r: HoursRange }[] = [];
  ranges.forEach((r, index) => {
    if (!TIME_RE.test(r.opens) || !CLOSING_TIME_RE.test(r.closes)) return;
    if (minutesOf(r.closes) <= minutesOf(r.opens)) {
      issues.push({ index, field: "closes", message: "validation:closesAfterOpens" });
      return;
    }
    valid.push({ index, r });
  });
  for (let i = 0; i < valid.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = valid[i]!;
      const b = valid[j]!;
      if (a.r.weekday !== b.r.weekday) continue;
      if (minutesOf(a.r.opens) < minutesOf(b.r.closes) && minutesOf(b.r.opens) < minutesOf(a.r.closes)) {
        issues.push({ index: a.index, field: "opens", message: "validation:hoursOverlap" });
        break;
      }
    }
  }
  return issues;
}

/** Ranges grouped per weekday, each day sorted by opening time, days in the given display order. */
export function groupByWeekday<T extends HoursRange>(ranges: readonly T[], order: readonly number[]): { weekday: number; ranges: T[] }[] {
  return order.map((weekday) => ({
    weekday,
    ranges: ranges.filter((r) => r.weekday === weekday).sort((a, b) => minutesOf(a.opens) - minutesOf(b.opens)),
  }));
}

/** "09:00:00" (Postgres time) -> "09:00" */
export function toHHMM(time: string): string {
  return time.slice(0, 5);
}
