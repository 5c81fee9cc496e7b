import { addDays, dayEnd, dayStart, localDay, nextDay } from "./days";

/**
 * Seat-hours: what a tenant that buys a dedicated agent pays for that agent's working time. Derived
 * from the agent's state record (agent_state_events), never typed in: for each local day (the
 * tenant's zone) that has ended, the time the agent was logged in (any state but offline: available,
 * on a contact, in wrap-up, on a break are all the seat the tenant bought) while dedicated to the
 * tenant. A logged-in span that crosses midnight is split between the two days; a dedication that
 * starts or ends mid-day bills only its part of the day. Pure.
 *
 * One record per tenant, agent and day, keyed `${tenantId}:seat:${agentId}:${yyyy-mm-dd}`. Only ended
 * days are metered, so a record is final when written: a re-run computes the same quantity under the
 * same key and the store keeps the first. The quantity is whole seconds (the day's total, its
 * fraction dropped like elapsedSeconds does): the plan's minute rounding is for calls, not seats, and
 * seat_hours is priced per hour of 3,600 of these seconds.
 */

export const OFFLINE_STATE = "offline";

export interface AgentStateChange {
  at: Date;
  /** The state entered (agent_states.state). */
  state: string;
}

export interface DedicationSpan {
  from: Date;
  /** null while the dedication lasts. */
  until: Date | null;
}

export interface SeatWindowInput {
  timeZone: string;
  /** Every span the agent was dedicated to the tenant (any order; overlaps count once). */
  dedications: readonly DedicationSpan[];
  /** Where metering resumes: days before the one containing it are done (null: from the first dedication). */
  from: Date | null;
  /** Only days that ended at or before this are metered. */
  now: Date;
}

export interface SeatWindow {
  /** The first day to meter and its start. */
  firstDay: string;
  start: Date;
  /** The end of the last day to meter (a local midnight): the new watermark. */
  end: Date;
}

/**
 * The days a run has to meter, as [start, end) on day boundaries, or null when none has ended yet
 * (or the dedications are all metered). The caller reads the agent's states for this window.
 */
export function seatWindow(input: SeatWindowInput): SeatWindow | null {
  const { timeZone, now } = input;
  const resumeAt = input.from?.getTime() ?? Number.NEGATIVE_INFINITY;
  // Spans that ended before the watermark are done; the first day is the first one a live span touches.
  const live = input.dedications.filter((d) => d.until === null || d.until.getTime() > resumeAt);
  if (live.length === 0) return null;
  const firstDay = localDay(new Date(Math.min(...live.map((d) => Math.max(d.from.getTime(), resumeAt)))), timeZone);
  // The end: today's midnight (the last ended day), or sooner when every dedication is over (the day
  // its last minute fell on: an end exactly at midnight leaves the next day out).
  let end = dayStart(localDay(now, timeZone), timeZone);
  if (live.every((d) => d.until !== null)) {
    const last = Math.max(...live.map((d) => Math.max(d.until!.getTime() - 1, d.from.getTime())));
    const lastDayEnd = dayEnd(localDay(new Date(last), timeZone), timeZone);
    if (lastDayEnd < end) end = lastDayEnd;
  }
  const start = dayStart(firstDay, timeZone);
  if (end.getTime() <= start.getTime()) return null;
  return { firstDay, start, end };
}

export interface SeatMeterInput extends SeatWindowInput {
  tenantId: string;
  agentId: string;
  /** The agent's state before the first change given (the last change before the window), null: offline. */
  stateBefore: string | null;
  /** The agent's state changes in the window, in the order recorded (at, then id). */
  changes: readonly AgentStateChange[];
}

export interface SeatUsageRecord {
  tenantId: string;
  agentId: string;
  kind: "seat_hours";
  /** The local day metered. */
  day: string;
  /** Whole seconds logged in while dedicated that day. */
  quantity: number;
  rawQuantity: number;
  idempotencyKey: string;
  /** The local day's start: the day decides the period and the plan version. */
  occurredAt: Date;
}

export interface SeatMeterResult {
  records: SeatUsageRecord[];
  /** The new watermark (the end of the last day metered), null when no day was due. */
  meteredUntil: Date | null;
}

export function seatIdempotencyKey(tenantId: string, agentId: string, day: string): string {
  return `${tenantId}:seat:${agentId}:${day}`;
}

type Span = [number, number];

/** Sorted, non-overlapping spans: an agent dedicated twice over the same hour is billed it once. */
function merged(spans: Span[]): Span[] {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]![0], b[j]![0]);
    const hi = Math.min(a[i]![1], b[j]![1]);
    if (hi > lo) out.push([lo, hi]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/** Logged-in spans inside [start, end): from each change into a state other than offline to the next change. */
function loggedIn(stateBefore: string | null, changes: readonly AgentStateChange[], start: number, end: number): Span[] {
  const spans: Span[] = [];
  let state = stateBefore ?? OFFLINE_STATE;
  let since = start;
  const ordered = changes.map((c, i) => ({ c, i })).sort((x, y) => x.c.at.getTime() - y.c.at.getTime() || x.i - y.i);
  for (const { c } of ordered) {
    const at = Math.min(Math.max(c.at.getTime(), start), end);
    if (state !== OFFLINE_STATE && at > since) spans.push([since, at]);
    state = c.state;
    since = Math.max(since, at);
  }
  if (state !== OFFLINE_STATE && end > since) spans.push([since, end]);
  return merged(spans);
}

/** The seat usage of one tenant's dedicated agent for every ended day in the window. */
export function meterSeatDays(input: SeatMeterInput): SeatMeterResult {
  const window = seatWindow(input);
  if (!window) return { records: [], meteredUntil: null };
  const { timeZone, tenantId, agentId } = input;
  const start = window.start.getTime();
  const end = window.end.getTime();
  const dedicated = merged(input.dedications.map((d): Span => [Math.max(d.from.getTime(), start), Math.min(d.until?.getTime() ?? end, end)]));
  const billable = intersect(loggedIn(input.stateBefore, input.changes, start, end), dedicated);

  // Milliseconds per day, each span split at the local midnights it crosses.
  const byDay = new Map<string, number>();
  for (const [a, b] of billable) {
    let day = localDay(new Date(a), timeZone);
    let from = a;
    while (from < b) {
      const next = dayEnd(day, timeZone).getTime();
      const to = Math.min(b, next);
      byDay.set(day, (byDay.get(day) ?? 0) + (to - from));
      from = to;
      day = nextDay(day);
    }
  }

  const records: SeatUsageRecord[] = [];
  for (let day = window.firstDay; dayStart(day, timeZone).getTime() < end; day = addDays(day, 1)) {
    const seconds = Math.floor((byDay.get(day) ?? 0) / 1000);
    if (seconds === 0) continue;
    records.push({
      tenantId,
      agentId,
      kind: "seat_hours",
      day,
      quantity: seconds,
      rawQuantity: seconds,
      idempotencyKey: seatIdempotencyKey(tenantId, agentId, day),
      occurredAt: dayStart(day, timeZone),
    });
  }
  return { records, meteredUntil: window.end };
}
