import { z } from "zod";
import { DEFAULT_TIME_ZONE, isValidTimeZone } from "../i18n/format";
import { instantOfLocal, localTimeIn } from "../ivr/calendar";
import { TIME_RE, minutesOf } from "../tenancy/business-hours";

/**
 * When a campaign may call someone, and when it tries again. Pure: every function takes the instant
 * it decides for (no clock), and zone arithmetic is Intl's (ivr/calendar.ts), so any instant and
 * any zone can be tested.
 *
 * The window is read in the callee's zone, not the bureau's: 09:00 means 09:00 where the phone
 * rings. Fridays (the Iranian weekend) and holidays are closed unless the campaign allows them;
 * a date override (a Ramadan evening, a one-off Friday drive) states that day's ranges outright and
 * wins over both, being the most specific thing a supervisor wrote.
 */

const CLOSE_RE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** [from, to) in local wall-clock time; to <= from runs past midnight into the next day. */
export const timeRangeSchema = z
  .object({
    from: z.string().regex(TIME_RE, "validation:time"),
    to: z.string().regex(CLOSE_RE, "validation:time"),
  })
  .refine((r) => r.from !== r.to, { message: "campaigns:errors.emptyRange", path: ["to"] });
export type TimeRange = z.infer<typeof timeRangeSchema>;

export const DEFAULT_RANGES: readonly TimeRange[] = [{ from: "09:00", to: "21:00" }];

export const callingWindowSchema = z.object({
  /** The zone for callees whose own zone is unknown. */
  timeZone: z.string().refine(isValidTimeZone, "validation:timeZone").default(DEFAULT_TIME_ZONE),
  ranges: z.array(timeRangeSchema).default([...DEFAULT_RANGES]),
  allowFridays: z.boolean().default(false),
  allowHolidays: z.boolean().default(false),
  /** Per weekday (0 = Sunday … 6 = Saturday, as business hours): replaces `ranges` on that weekday; [] closes it. */
  weekdays: z.record(z.enum(["0", "1", "2", "3", "4", "5", "6"]), z.array(timeRangeSchema)).default({}),
  /** Per local date "YYYY-MM-DD": that day's ranges, whatever its weekday or holiday; [] closes it. */
  dates: z.record(z.string().regex(DAY_RE, "validation:isoDate"), z.array(timeRangeSchema)).default({}),
});
export type CallingWindow = z.infer<typeof callingWindowSchema>;

export const DEFAULT_WINDOW: CallingWindow = callingWindowSchema.parse({});

/** Local days "YYYY-MM-DD" (the callee's calendar) on which nobody is called unless allowed. */
export type Holidays = ReadonlySet<string> | readonly string[];

const FRIDAY = 5;
const DAY_MS = 86_400_000;

export type WindowStatus = "open" | "outsideHours" | "friday" | "holiday" | "closedDay";

function isHoliday(holidays: Holidays | undefined, day: string) {
  if (!holidays) return false;
  return "has" in holidays ? holidays.has(day) : holidays.includes(day);
}

function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + n * DAY_MS).toISOString().slice(0, 10);
}

function weekdayOf(day: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The ranges of one local day, and why there are none. */
function rangesOfDay(w: CallingWindow, day: string, holidays: Holidays | undefined): { ranges: readonly TimeRange[]; closed?: Exclude<WindowStatus, "open" | "outsideHours"> } {
  const override = w.dates[day];
  if (override) return override.length ? { ranges: override } : { ranges: [], closed: "closedDay" };
  if (!w.allowHolidays && isHoliday(holidays, day)) return { ranges: [], closed: "holiday" };
  const weekday = weekdayOf(day);
  if (!w.allowFridays && weekday === FRIDAY) return { ranges: [], closed: "friday" };
  const ranges = w.weekdays[String(weekday) as keyof CallingWindow["weekdays"]] ?? w.ranges;
  return ranges.length ? { ranges } : { ranges: [], closed: "closedDay" };
}

export interface CallableInterval {
  start: Date;
  end: Date;
  /** The local day whose rules opened it (an overnight range belongs to the day it starts on). */
  day: string;
}

/** The day's callable intervals as instants, in order (ranges of a day may be given in any order). */
function intervalsOfDay(w: CallingWindow, day: string, zone: string, holidays: Holidays | undefined): CallableInterval[] {
  return rangesOfDay(w, day, holidays)
    .ranges.map((r) => {
      const from = minutesOf(r.from);
      const to = minutesOf(r.to);
      return {
        start: instantOfLocal(day, from, zone),
        end: to > from ? instantOfLocal(day, to, zone) : instantOfLocal(addDays(day, 1), to, zone),
        day,
      };
    })
    .sort((a, b) => a.start.getTime() - b.start.getTime());
}

function zoneOf(w: CallingWindow, calleeZone: string | null | undefined) {
  return calleeZone || w.timeZone || DEFAULT_TIME_ZONE;
}

/**
 * Whether the callee may be called at `at`, and if not, why (for the attempt log and the preview
 * card). A range running past midnight counts on the next day too, even a Friday: the evening that
 * started on Thursday is Thursday's.
 */
export function windowStatusAt(window: CallingWindow, at: Date, calleeZone?: string | null, holidays?: Holidays): WindowStatus {
  const zone = zoneOf(window, calleeZone);
  const today = localTimeIn(at, zone).day;
  const t = at.getTime();
  for (const day of [addDays(today, -1), today]) {
    if (intervalsOfDay(window, day, zone, holidays).some((i) => i.start.getTime() <= t && t < i.end.getTime())) return "open";
  }
  return rangesOfDay(window, today, holidays).closed ?? "outsideHours";
}

/** `canCallAt(window, at, calleeZone, holidays)`: the dialer's check before every attempt. */
export function canCallAt(window: CallingWindow, at: Date, calleeZone?: string | null, holidays?: Holidays): boolean {
  return windowStatusAt(window, at, calleeZone, holidays) === "open";
}

/**
 * The callable interval holding `at` or the first one after it, within `horizonDays` local days;
 * null when none (every day closed). Its start is clamped to `at` when `at` is inside it.
 */
export function nextCallableInterval(window: CallingWindow, at: Date, calleeZone?: string | null, holidays?: Holidays, horizonDays = 31): CallableInterval | null {
  const zone = zoneOf(window, calleeZone);
  const today = localTimeIn(at, zone).day;
  const t = at.getTime();
  for (let offset = -1; offset <= horizonDays; offset++) {
    for (const i of intervalsOfDay(window, addDays(today, offset), zone, holidays)) {
      if (i.end.getTime() <= t) continue;
      return i.start.getTime() <= t ? { ...i, start: new Date(t) } : i;
    }
  }
  return null;
}

/** `at` itself when callable, else the next instant the window opens for this callee; null within the horizon. */
export function nextCallableAt(window: CallingWindow, at: Date, calleeZone?: string | null, holidays?: Holidays, horizonDays = 31): Date | null {
  return nextCallableInterval(window, at, calleeZone, holidays, horizonDays)?.start ?? null;
}

// ---------------------------------------------------------------------------------------------
// Retries

/** How an attempt ended. "abandoned": the callee answered and no agent was free (a message played). */
export const ATTEMPT_OUTCOMES = ["connected", "busy", "noAnswer", "voicemail", "failed", "abandoned"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
export const RETRYABLE_OUTCOMES = ["busy", "noAnswer", "voicemail", "failed", "abandoned"] as const;
export type RetryableOutcome = (typeof RETRYABLE_OUTCOMES)[number];

export interface AttemptResult {
  outcome: AttemptOutcome;
  /**
   * Connected calls only: the callee asked to be called back at this time (the disposition's
   * "call back later"); without it a connected call completes the contact.
   */
  callbackAt?: Date | null;
}

const retryRuleSchema = z.object({
  /** Minutes to wait before the n-th retry after this outcome; the last entry repeats. */
  delaysMinutes: z.array(z.number().min(0).max(60 * 24 * 60)).min(1),
  /** How many attempts may end this way before the contact is closed. */
  maxAttempts: z.number().int().min(1).max(100),
});
export type RetryRule = z.infer<typeof retryRuleSchema>;

export const retryRulesSchema = z.object({
  /** Attempts per contact, all outcomes together. */
  maxAttempts: z.number().int().min(1).max(100).default(5),
  /**
   * A callee who answered to silence or a recorded message is not called again for this long
   * (72 h, as regulators set it for abandoned calls); it holds for every later attempt.
   */
  abandonCooldownHours: z.number().min(0).max(24 * 30).default(72),
  outcomes: z
    .object({
      busy: retryRuleSchema.default({ delaysMinutes: [10, 30, 60], maxAttempts: 5 }),
      noAnswer: retryRuleSchema.default({ delaysMinutes: [60, 240, 1440], maxAttempts: 4 }),
      voicemail: retryRuleSchema.default({ delaysMinutes: [240, 1440], maxAttempts: 3 }),
      failed: retryRuleSchema.default({ delaysMinutes: [30, 240], maxAttempts: 2 }),
      abandoned: retryRuleSchema.default({ delaysMinutes: [0], maxAttempts: 2 }),
    })
    .default({}),
});
export type RetryRules = z.infer<typeof retryRulesSchema>;
export const DEFAULT_RETRY_RULES: RetryRules = retryRulesSchema.parse({});

/** A list contact's dialing history, as the campaign keeps it. */
export interface ContactAttemptState {
  /** Attempts made so far. */
  attempts: number;
  /** Attempts per outcome so far. */
  outcomes: Partial<Record<AttemptOutcome, number>>;
  lastAttemptAt: Date | null;
  /** The last time the callee answered and found no agent: the cool-down runs from it. */
  lastAbandonedAt: Date | null;
}

export const NEW_CONTACT_STATE: ContactAttemptState = Object.freeze({ attempts: 0, outcomes: Object.freeze({}), lastAttemptAt: null, lastAbandonedAt: null });

export type AttemptDecision =
  | {
      kind: "retry";
      at: Date;
      /** Why: the outcome's retry rule, or the callee's own callback request. */
      reason: RetryableOutcome | "callbackRequested";
    }
  | {
      kind: "done";
      reason: "completed" | "maxAttempts" | "outcomeLimit" | "noWindow" | "campaignEnded";
    };

export interface RetryCalendar {
  window: CallingWindow;
  calleeZone?: string | null;
  holidays?: Holidays;
  /** The campaign's end: a retry at or after it is not scheduled. */
  endsAt?: Date | null;
}

/** The first instant the abandon cool-down allows another call (null: none running). */
export function coolDownUntil(state: ContactAttemptState, rules: Pick<RetryRules, "abandonCooldownHours">): Date | null {
  if (!state.lastAbandonedAt) return null;
  return new Date(state.lastAbandonedAt.getTime() + rules.abandonCooldownHours * 3_600_000);
}

function delayOf(rule: RetryRule, nth: number): number {
  const i = Math.min(Math.max(nth - 1, 0), rule.delaysMinutes.length - 1);
  return rule.delaysMinutes[i]! * 60_000;
}

/**
 * `nextAttempt(contactState, outcome, rules, now)`: the contact's state after an attempt that ended
 * at `now` with `outcome`, and what to do next. With a calendar the retry is moved into the callee's
 * calling window (and dropped past the campaign's end); without one the dialer applies the window at
 * dial time. A callback the callee asked for is honoured past maxAttempts: they asked for it.
 */
export function nextAttempt(
  contactState: ContactAttemptState,
  outcome: AttemptOutcome | AttemptResult,
  rules: RetryRules,
  now: Date,
  calendar?: RetryCalendar,
): { state: ContactAttemptState; decision: AttemptDecision } {
  const result: AttemptResult = typeof outcome === "string" ? { outcome } : outcome;
  const count = (contactState.outcomes[result.outcome] ?? 0) + 1;
  const state: ContactAttemptState = {
    attempts: contactState.attempts + 1,
    outcomes: { ...contactState.outcomes, [result.outcome]: count },
    lastAttemptAt: now,
    lastAbandonedAt: result.outcome === "abandoned" ? now : contactState.lastAbandonedAt,
  };

  let at: Date;
  let reason: RetryableOutcome | "callbackRequested";
  if (result.outcome === "connected") {
    if (!result.callbackAt) return { state, decision: { kind: "done", reason: "completed" } };
    at = result.callbackAt.getTime() > now.getTime() ? result.callbackAt : now;
    reason = "callbackRequested";
  } else {
    const rule = rules.outcomes[result.outcome];
    if (count >= rule.maxAttempts) return { state, decision: { kind: "done", reason: "outcomeLimit" } };
    if (state.attempts >= rules.maxAttempts) return { state, decision: { kind: "done", reason: "maxAttempts" } };
    at = new Date(now.getTime() + delayOf(rule, count));
    reason = result.outcome;
  }

  const cool = coolDownUntil(state, rules);
  if (cool && cool.getTime() > at.getTime()) at = cool;
  if (calendar) {
    const open = nextCallableAt(calendar.window, at, calendar.calleeZone, calendar.holidays);
    if (!open) return { state, decision: { kind: "done", reason: "noWindow" } };
    at = open;
  }
  if (calendar?.endsAt && at.getTime() >= calendar.endsAt.getTime()) return { state, decision: { kind: "done", reason: "campaignEnded" } };
  return { state, decision: { kind: "retry", at, reason } };
}
