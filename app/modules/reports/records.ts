import type { ContactRecord, DialResult } from "./kpi-totals";

/**
 * What the reports count, from the record, as pure functions: the queue visits (ContactRecords) of
 * routed contacts, campaign attempts, and agents' time from their state events. rollup.server.ts
 * computes the same in SQL for the rollups; these are the reference it is tested against (the
 * integration test builds records from the raw rows with these functions, rolls them up with
 * kpi-totals.ts and compares with the tables, to the millisecond). Keep the two in step.
 *
 * A record is one queue visit (one routing_contacts row), as the wallboard's service-level SQL counts
 * them: a contact transferred to another queue is answered twice, once in each queue. The visit is
 * reported under when it entered the queue. On every visit:
 * - offered / answered / abandoned from the visit's status and times (a transfer keeps the original
 *   enqueue time, so the second visit's wait runs from it, as the SL SQL reads it);
 * - talk: visit end - agent connected - hold, for visits that ended;
 * - hold: from contact.held or contact.escalated (the caller waits while the leader is consulted) to
 *   the next hold or closing event (resumed, escalation returned or taken over, ended, transferred,
 *   abandoned, call ended) or the visit's end, within the visit;
 * - transferred / escalated: a contact.transferred / contact.escalated event within the visit;
 * - wrap-up: from the visit's end to the handling agent's first contact.disposed, for a visit that ended
 *   completed and not transferred (a transferred visit's agent disposes nothing);
 * - callback requested: a visit that left unanswered and not abandoned (overflow, leaving the queue)
 *   of an interaction with a callback promised to the caller (IVR offer, overflow, voicemail).
 * Only the interaction's last visit (the latest connected, else ended, a live one last of all)
 * carries its customer, reason, disposition and resolved flag, so repeats and FCR count an
 * interaction once; and only for inbound calls (a callback or a campaign call is the bureau calling,
 * not the customer coming back).
 */

export const QUEUE_INTERVAL_MINUTES = 15;
export const AGENT_TIME_INTERVAL_MINUTES = 30;

export interface RawEvent {
  seq: number;
  type: string;
  at: Date;
  data: Record<string, unknown>;
}

export interface RawInteraction {
  id: string;
  channel: "voice" | "chat" | "email" | "sms";
  direction: "inbound" | "outbound";
  startedAt: Date;
  customerId: string | null;
  dispositionCode: string | null;
  /** The disposition's parent's code (the reason), or its own code when it has no parent. */
  reasonCode: string | null;
  resolved: boolean | null;
  /** A callback task promised to the caller exists (reason ivr_offer, overflow or voicemail). */
  callbackPromised: boolean;
  events: readonly RawEvent[];
}

export interface RawVisit {
  id: string;
  interactionId: string;
  queueId: string;
  kind: string;
  status: string;
  enqueuedAt: Date;
  connectedAt: Date | null;
  endedAt: Date | null;
  /** routing_contacts.offered_agent_id: the agent who took it, once connected. */
  agentId: string | null;
}

/** A queue visit as reported, with the keys the rollups split by. */
export interface VisitRecord extends ContactRecord {
  channel: RawInteraction["channel"];
  /** The interaction's direction (the report filter), not the record's: every visit is a queue visit. */
  interactionDirection: RawInteraction["direction"];
}

const HOLD_OPENERS = new Set(["contact.held", "contact.escalated"]);
const HOLD_CLOSERS = new Set([
  "contact.resumed",
  "contact.escalationReturned",
  "contact.escalationTaken",
  "contact.ended",
  "contact.transferred",
  "routing.abandoned",
  "call.ended",
]);

const ms = (d: Date) => d.getTime();

/** The visit of an interaction that carries its outcome: the latest connected, else ended; a live one last of all. */
export function lastVisitIds(visits: readonly RawVisit[]): Set<string> {
  const best = new Map<string, RawVisit>();
  const rank = (v: RawVisit) => (v.connectedAt ?? v.endedAt)?.getTime() ?? Number.POSITIVE_INFINITY;
  for (const v of visits) {
    const b = best.get(v.interactionId);
    if (!b || rank(v) > rank(b) || (rank(v) === rank(b) && v.id > b.id)) best.set(v.interactionId, v);
  }
  return new Set([...best.values()].map((v) => v.id));
}

function holdMsOf(events: readonly RawEvent[], from: number, to: number): number {
  const relevant = events.filter((e) => HOLD_OPENERS.has(e.type) || HOLD_CLOSERS.has(e.type)).sort((a, b) => a.seq - b.seq);
  let total = 0;
  for (let i = 0; i < relevant.length; i++) {
    const e = relevant[i]!;
    if (!HOLD_OPENERS.has(e.type)) continue;
    const start = ms(e.at);
    if (start < from || start >= to) continue;
    const next = relevant[i + 1];
    const end = Math.min(next ? ms(next.at) : to, to);
    total += Math.max(0, end - start);
  }
  return total;
}

function within(e: RawEvent, from: number, to: number | null) {
  const t = ms(e.at);
  return t >= from && (to === null || t <= to);
}

export function visitRecords(visits: readonly RawVisit[], interactions: ReadonlyMap<string, RawInteraction>): VisitRecord[] {
  const last = lastVisitIds(visits);
  const out: VisitRecord[] = [];
  for (const v of visits) {
    const i = interactions.get(v.interactionId);
    if (!i) continue;
    const connected = v.connectedAt ? ms(v.connectedAt) : null;
    const ended = v.endedAt ? ms(v.endedAt) : null;
    const events = [...i.events].sort((a, b) => a.seq - b.seq);
    let holdMs = 0;
    let talkMs = 0;
    let wrapMs = 0;
    let transferred = false;
    let escalated = false;
    if (connected !== null) {
      transferred = events.some((e) => e.type === "contact.transferred" && within(e, connected, ended));
      escalated = events.some((e) => e.type === "contact.escalated" && within(e, connected, ended));
      if (ended !== null) {
        holdMs = holdMsOf(events, connected, ended);
        talkMs = Math.max(0, ended - connected - holdMs);
        if (v.status === "completed" && !transferred) {
          // The earliest disposal by the handling agent after the visit ended closes its wrap-up.
          const disposedAt = events.filter((e) => e.type === "contact.disposed" && ms(e.at) >= ended && e.data.agentId === v.agentId).map((e) => ms(e.at));
          if (disposedAt.length) wrapMs = Math.min(...disposedAt) - ended;
        }
      }
    }
    const isLast = last.has(v.id);
    const answered = v.connectedAt !== null;
    const abandoned = !answered && v.status === "abandoned";
    out.push({
      id: v.id,
      direction: "inbound",
      channel: i.channel,
      interactionDirection: i.direction,
      queueId: v.queueId,
      agentId: answered ? v.agentId : null,
      startedAt: i.startedAt,
      enqueuedAt: v.enqueuedAt,
      answeredAt: v.connectedAt,
      abandonedAt: abandoned ? v.endedAt : null,
      endedAt: v.endedAt,
      // The record keeps seconds; integer ms / 1000 round-trips exactly through kpi-totals' ms().
      talkSeconds: talkMs / 1000,
      holdSeconds: holdMs / 1000,
      wrapSeconds: wrapMs / 1000,
      transferred,
      escalated,
      callbackRequested: !answered && !abandoned && (v.status === "overflowed" || v.status === "cancelled") && i.callbackPromised,
      customerId: isLast && v.kind === "call" && i.direction === "inbound" ? i.customerId : null,
      reasonCode: isLast ? i.reasonCode : null,
      dispositionCode: isLast ? i.dispositionCode : null,
      resolved: isLast ? i.resolved : null,
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Campaign attempts

export interface RawAttempt {
  id: string;
  campaignId: string;
  outcome: string | null;
  createdAt: Date;
  dialedAt: Date | null;
  answeredAt: Date | null;
  connectedAt: Date | null;
  dispositionCode: string | null;
}

/** An attempt's dial result in kpi-totals' terms: a person answered (connected or abandoned), or why not. */
export function dialResultOf(a: Pick<RawAttempt, "outcome">): DialResult | null {
  switch (a.outcome) {
    case "connected":
    case "abandoned":
      return "human";
    case "busy":
      return "busy";
    case "noAnswer":
      return "noAnswer";
    case "voicemail":
      return "voicemail";
    case "failed":
      return "failed";
    default:
      return null;
  }
}

/** The instant an attempt is reported under: when it was dialed, else when it was created. */
export function attemptAt(a: Pick<RawAttempt, "createdAt" | "dialedAt">): Date {
  return a.dialedAt ?? a.createdAt;
}

export function attemptRecord(a: RawAttempt): ContactRecord & { campaignId: string } {
  const result = dialResultOf(a);
  const connected = a.outcome === "connected";
  return {
    id: a.id,
    direction: "outbound",
    campaignId: a.campaignId,
    startedAt: attemptAt(a),
    enqueuedAt: null,
    answeredAt: connected ? (a.connectedAt ?? a.answeredAt ?? attemptAt(a)) : null,
    abandonedAt: null,
    endedAt: null,
    talkSeconds: 0,
    holdSeconds: 0,
    wrapSeconds: 0,
    transferred: false,
    escalated: false,
    customerId: null,
    reasonCode: null,
    dispositionCode: connected ? a.dispositionCode : null,
    resolved: null,
    dialResult: result,
  };
}

// ---------------------------------------------------------------------------------------------
// Agent time

export interface RawAgentEvent {
  id: number;
  agentId: string;
  state: string;
  at: Date;
  data: Record<string, unknown>;
}

/** Ready for a contact (ringing included: the agent is idle until it connects). */
export const AVAILABLE_STATES: readonly string[] = ["available", "offered"];
/** On a contact: talk, hold, escalation, wrap-up. */
export const HANDLING_STATES: readonly string[] = ["busy", "on_hold", "escalation", "wrap_up"];
/** Logged in but not ready: a break, or after a missed offer until the agent is ready again. */
export const NOT_READY_STATES: readonly string[] = ["break", "missed"];
/** The states whose time belongs to a contact: its tenant is the one of the offer that started it. */
const ON_CONTACT: readonly string[] = ["offered", ...HANDLING_STATES];

export interface AgentTimeRow {
  agentId: string;
  intervalStart: Date;
  loggedInMs: number;
  availableMs: number;
  handlingMs: number;
  notReadyMs: number;
  handlingByTenant: Record<string, number>;
}

/**
 * An agent's time per 30-minute interval in [from, to): each state event starts a segment that lasts
 * until the agent's next event (the last one until `to`). `events` are one or more agents' events
 * ordered by (at, id), including each agent's last event before `from` (the state it was in) and
 * the offers before it that started the contact it was on.
 */
export function agentTime(events: readonly RawAgentEvent[], from: Date, to: Date, intervalMinutes = AGENT_TIME_INTERVAL_MINUTES): AgentTimeRow[] {
  const len = intervalMinutes * 60_000;
  const byAgent = new Map<string, RawAgentEvent[]>();
  for (const e of events) {
    let list = byAgent.get(e.agentId);
    if (!list) byAgent.set(e.agentId, (list = []));
    list.push(e);
  }
  const rows = new Map<string, AgentTimeRow>();
  const lo = from.getTime();
  const hi = to.getTime();
  for (const [agentId, list] of byAgent) {
    list.sort((a, b) => a.at.getTime() - b.at.getTime() || a.id - b.id);
    let tenant: string | null = null;
    for (let k = 0; k < list.length; k++) {
      const e = list[k]!;
      if (e.state === "offered") tenant = typeof e.data.tenantId === "string" ? e.data.tenantId : null;
      const start = Math.max(e.at.getTime(), lo);
      const end = Math.min(k + 1 < list.length ? list[k + 1]!.at.getTime() : hi, hi);
      if (end <= start || e.state === "offline") continue;
      const attributed = ON_CONTACT.includes(e.state) ? tenant : null;
      for (let i = Math.floor(start / len) * len; i < end; i += len) {
        const part = Math.min(end, i + len) - Math.max(start, i);
        if (part <= 0) continue;
        const key = `${agentId}\u0000${i}`;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { agentId, intervalStart: new Date(i), loggedInMs: 0, availableMs: 0, handlingMs: 0, notReadyMs: 0, handlingByTenant: {} }));
        row.loggedInMs += part;
        if (AVAILABLE_STATES.includes(e.state)) row.availableMs += part;
        else if (HANDLING_STATES.includes(e.state)) {
          row.handlingMs += part;
          if (attributed) row.handlingByTenant[attributed] = (row.handlingByTenant[attributed] ?? 0) + part;
        } else if (NOT_READY_STATES.includes(e.state)) row.notReadyMs += part;
      }
    }
  }
  return [...rows.values()].sort((a, b) => a.intervalStart.getTime() - b.intervalStart.getTime() || (a.agentId < b.agentId ? -1 : 1));
}

/** The local calendar day ("2026-11-05") of an instant in a zone. */
export function localDayOf(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(at);
}
