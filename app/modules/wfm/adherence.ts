/**
 * Adherence: what an agent was scheduled to do against what the ACD recorded it doing. Pure; times
 * are epoch milliseconds. Definitions (the usual WFM ones, stated so the numbers can be checked):
 *
 * - Scheduled activity at an instant: "meal"/"short" inside a scheduled break, "work" inside a shift
 *   segment otherwise, "off" outside every shift.
 * - Actual activity from the agent's state: "offline", "break", or "work" for every state in which
 *   the agent is logged in for contacts (available, offered, busy, on hold, wrap-up, escalation,
 *   missed).
 * - In adherence: scheduled work and working, or a scheduled break and on break, or logged off once
 *   the agent has worked earlier in that shift (a meal taken away from the desk counts; an agent who
 *   never came in gets no credit for the breaks). Off time is never scheduled, so it neither helps
 *   nor hurts.
 * - Adherence % = minutes in adherence / scheduled minutes (work + breaks).
 * - Conformance % = minutes actually working that day (scheduled or not) / scheduled work minutes;
 *   it can pass 100% with overtime.
 * - Out of adherence now: scheduled to work but offline or on break, or on a scheduled break but
 *   idle-available (an agent on a call at break time finishes the call: not flagged) or not yet come
 *   in at all, for longer than a tolerance.
 */

export type ScheduledActivity = "work" | "meal" | "short" | "off";
export type ActualActivity = "work" | "break" | "offline";

export interface ScheduledShift {
  id?: string;
  segments: readonly { start: number; end: number }[];
  breaks: readonly { kind: "meal" | "short"; start: number; end: number }[];
}

export interface StateChange {
  at: number;
  state: string;
}

export function actualOf(state: string | null | undefined): ActualActivity {
  if (!state || state === "offline") return "offline";
  if (state === "break") return "break";
  return "work";
}

/** Whether an agent in this state may be told to go on break now (idle, not holding a contact). */
export function isIdle(state: string): boolean {
  return state === "available" || state === "missed";
}

export function scheduledAt(shifts: readonly ScheduledShift[], t: number): { activity: ScheduledActivity; shift: ScheduledShift | null } {
  for (const s of shifts) {
    for (const b of s.breaks) if (b.start <= t && t < b.end) return { activity: b.kind, shift: s };
    for (const g of s.segments) if (g.start <= t && t < g.end) return { activity: "work", shift: s };
  }
  return { activity: "off", shift: null };
}

function adherent(scheduled: ScheduledActivity, actual: ActualActivity, workedInShift: boolean): boolean {
  if (scheduled === "work") return actual === "work";
  if (scheduled === "meal" || scheduled === "short") return actual === "break" || (actual === "offline" && workedInShift);
  return false;
}

/** Boundaries where either the schedule or the state changes, inside [from, to). */
function cutPoints(shifts: readonly ScheduledShift[], states: readonly StateChange[], from: number, to: number, step?: number): number[] {
  const cuts = new Set<number>([from, to]);
  const add = (t: number) => {
    if (t > from && t < to) cuts.add(t);
  };
  for (const s of shifts) {
    for (const g of s.segments) {
      add(g.start);
      add(g.end);
    }
    for (const b of s.breaks) {
      add(b.start);
      add(b.end);
    }
  }
  for (const e of states) add(e.at);
  if (step) for (let t = from + step; t < to; t += step) add(t);
  return [...cuts].sort((a, b) => a - b);
}

/** The state in force at each instant: the last change at or before it (`initial` before the first). */
function stateAt(states: readonly StateChange[], initial: string | null) {
  let i = 0;
  let current = initial;
  return (t: number) => {
    while (i < states.length && states[i]!.at <= t) current = states[i++]!.state;
    return current;
  };
}

export interface AdherenceInterval {
  start: number;
  /** Dominant (longest) scheduled and actual activity of the interval. */
  scheduled: ScheduledActivity;
  actual: ActualActivity;
  scheduledMinutes: number;
  adherentMinutes: number;
}

export interface AdherenceResult {
  scheduledMinutes: number;
  scheduledWorkMinutes: number;
  inAdherenceMinutes: number;
  workedMinutes: number;
  adherence: number | null;
  conformance: number | null;
  intervals: AdherenceInterval[];
}

export interface AdherenceInput {
  /** The agent's shifts overlapping the window. */
  shifts: readonly ScheduledShift[];
  /** State changes inside the window, ascending. */
  states: readonly StateChange[];
  /** The state in force at `from` (the last change before it), null when unknown (= offline). */
  initialState: string | null;
  from: number;
  to: number;
  intervalMinutes: number;
  /** Ignore time from here on (a day still in progress): nothing after now is judged. */
  until?: number;
}

export function adherenceFor(input: AdherenceInput): AdherenceResult {
  const step = input.intervalMinutes * 60_000;
  const end = Math.min(input.to, input.until ?? input.to);
  const states = [...input.states].filter((s) => s.at < input.to).sort((a, b) => a.at - b.at);
  const state = stateAt(states, input.initialState);
  const intervals: AdherenceInterval[] = [];
  const tally = new Map<number, { sched: Map<ScheduledActivity, number>; act: Map<ActualActivity, number>; scheduled: number; adherent: number }>();
  for (let t = input.from; t < input.to; t += step) tally.set(t, { sched: new Map(), act: new Map(), scheduled: 0, adherent: 0 });
  let scheduledMs = 0;
  let scheduledWorkMs = 0;
  let adherentMs = 0;
  let workedMs = 0;
  const worked = new Set<ScheduledShift>();
  const cuts = cutPoints(input.shifts, states, input.from, end > input.from ? end : input.from, step);
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k]!;
    const b = cuts[k + 1]!;
    const len = b - a;
    if (len <= 0) continue;
    const { activity: sched, shift } = scheduledAt(input.shifts, a);
    const act = actualOf(state(a));
    if (shift && act === "work") worked.add(shift);
    const slot = tally.get(input.from + Math.floor((a - input.from) / step) * step);
    if (slot) {
      slot.sched.set(sched, (slot.sched.get(sched) ?? 0) + len);
      slot.act.set(act, (slot.act.get(act) ?? 0) + len);
    }
    if (act === "work") workedMs += len;
    if (sched === "off") continue;
    scheduledMs += len;
    if (sched === "work") scheduledWorkMs += len;
    const ok = adherent(sched, act, shift !== null && worked.has(shift));
    if (ok) adherentMs += len;
    if (slot) {
      slot.scheduled += len;
      if (ok) slot.adherent += len;
    }
  }
  const dominant = <K>(m: Map<K, number>, fallback: K): K => {
    let best = fallback;
    let bestLen = -1;
    for (const [k, v] of m) if (v > bestLen) [best, bestLen] = [k, v];
    return best;
  };
  for (const [start, s] of tally) {
    // An interval after `until` has no actual yet: it shows the schedule with "offline" and 0 minutes judged.
    const sched = s.sched.size ? dominant(s.sched, "off" as ScheduledActivity) : scheduledAt(input.shifts, start).activity;
    intervals.push({ start, scheduled: sched, actual: dominant(s.act, "offline" as ActualActivity), scheduledMinutes: s.scheduled / 60_000, adherentMinutes: s.adherent / 60_000 });
  }
  const minutes = (ms: number) => Math.round((ms / 60_000) * 100) / 100;
  return {
    scheduledMinutes: minutes(scheduledMs),
    scheduledWorkMinutes: minutes(scheduledWorkMs),
    inAdherenceMinutes: minutes(adherentMs),
    workedMinutes: minutes(workedMs),
    adherence: scheduledMs > 0 ? adherentMs / scheduledMs : null,
    conformance: scheduledWorkMs > 0 ? workedMs / scheduledWorkMs : null,
    intervals,
  };
}

export interface LiveAgent {
  agentId: string;
  /** agent_states.state and since (ms). */
  state: string;
  stateSince: number;
  shifts: readonly ScheduledShift[];
}

export interface OutOfAdherence {
  agentId: string;
  scheduled: ScheduledActivity;
  state: string;
  actual: ActualActivity;
  since: number;
  minutes: number;
  shiftId: string | null;
}

/**
 * Out of adherence in the live sense: scheduled work but not working; a scheduled break but idle at
 * the desk, or logged off without having worked in the shift (never came in).
 */
function liveMismatch(sched: ScheduledActivity, state: string, workedBefore: boolean): boolean {
  const actual = actualOf(state);
  if (sched === "off") return false;
  if (sched === "work") return actual !== "work";
  return isIdle(state) || (actual === "offline" && !workedBefore);
}

/**
 * Since when the agent has been out of adherence: the state has not changed since `stateSince`, so
 * walk the schedule's pieces back from now and stop at the last one in which that state was fine.
 * An agent still on a break that ended is late since the break's end; one who never logged in is
 * late since the shift began (the breaks in between gave no credit).
 */
function mismatchSince(shift: ScheduledShift, state: string, stateSince: number, workedBefore: boolean, now: number): number {
  const from = Math.max(stateSince, shift.segments[0]!.start);
  const cuts = new Set<number>([now, from]);
  for (const t of [...shift.segments.flatMap((g) => [g.start, g.end]), ...shift.breaks.flatMap((b) => [b.start, b.end])]) if (t > from && t < now) cuts.add(t);
  const points = [...cuts].sort((a, b) => b - a);
  // points[k] is the end of the piece [points[k + 1], points[k]).
  for (let k = 0; k + 1 < points.length; k++) {
    if (!liveMismatch(scheduledAt([shift], points[k + 1]!).activity, state, workedBefore)) return points[k]!;
  }
  return from;
}

export function outOfAdherenceNow(agents: readonly LiveAgent[], now: number, toleranceMinutes: number): OutOfAdherence[] {
  const out: OutOfAdherence[] = [];
  for (const a of agents) {
    const { activity, shift } = scheduledAt(a.shifts, now);
    if (activity === "off" || !shift) continue;
    const actual = actualOf(a.state);
    // Only the current state is known live: logged in with another state earlier in the shift counts as worked.
    const workedBefore = actual === "work" || a.stateSince > shift.segments[0]!.start;
    if (!liveMismatch(activity, a.state, workedBefore)) continue;
    const since = mismatchSince(shift, a.state, a.stateSince, workedBefore, now);
    const minutes = (now - since) / 60_000;
    if (minutes < toleranceMinutes) continue;
    out.push({ agentId: a.agentId, scheduled: activity, state: a.state, actual, since, minutes: Math.floor(minutes), shiftId: shift.id ?? null });
  }
  return out.sort((x, y) => y.minutes - x.minutes || x.agentId.localeCompare(y.agentId));
}
