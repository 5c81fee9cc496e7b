import { repeatFlags, type RepeatFlags, type RepeatMatch } from "./kpi-repeat";

/**
 * From contact records to additive totals, and rollups of those totals per queue per interval.
 *
 * A rollup row is exactly the totals of the contacts attributed to its interval: counts and sums
 * only (never an average or a rate), and durations in integer milliseconds, so adding rows is exact
 * and a month computed from 15-minute rows equals the month computed from the raw contacts, to the
 * last digit. Wait-time thresholds cannot be summed after the fact, so a rollup counts the waits at
 * or under each threshold it was built for (the queues' SL threshold and short-abandon threshold,
 * plus any a report may ask for). Pure.
 */

export type Direction = "inbound" | "outbound";
/** How an outbound attempt's dial ended: a person answered, or the reason nobody did. */
export type DialResult = "human" | "busy" | "noAnswer" | "voicemail" | "failed";

/** One contact as the reports read it (an interaction, or one queue visit of it). */
export interface ContactRecord {
  id: string;
  direction: Direction;
  queueId?: string | null;
  agentId?: string | null;
  campaignId?: string | null;
  /** When the contact began: the inbound call reached the platform, the outbound attempt was placed. */
  startedAt: Date;
  /** When it entered the queue; null when it never did (self-service in the IVR, an unanswered dial). */
  enqueuedAt: Date | null;
  /** When an agent connected. */
  answeredAt: Date | null;
  /** When the caller hung up while still waiting in the queue (inbound). */
  abandonedAt: Date | null;
  endedAt: Date | null;
  talkSeconds: number;
  holdSeconds: number;
  wrapSeconds: number;
  transferred: boolean;
  escalated: boolean;
  /** The caller left the queue with a promised call back. */
  callbackRequested?: boolean;
  customerId: string | null;
  /** The contact's reason (the disposition tree's parent, or the IVR's menu choice). */
  reasonCode: string | null;
  dispositionCode: string | null;
  /** The disposition counts as resolved (dispositions.resolved). */
  resolved: boolean | null;
  /** Outbound only. A person answered but no agent connected (answeredAt null) is an abandon. */
  dialResult?: DialResult | null;
}

export interface AggregationSpec {
  /** Every wait threshold a report may ask about (SL threshold, short-abandon threshold). */
  waitThresholdsSeconds: readonly number[];
  repeatWindowDays: number;
  repeatMatch: RepeatMatch;
}

/** Counts of waits at or under each threshold, keyed by the threshold in seconds ("20"). */
export type ThresholdCounts = Record<string, number>;
export type CodeCounts = Record<string, number>;
/** Contacts without a code are counted under this key, so shares add up to 100%. */
export const NO_CODE = "";

export interface ContactTotals {
  repeatWindowDays: number;
  repeatMatch: RepeatMatch;
  // Inbound queue.
  offered: number;
  answered: number;
  abandoned: number;
  callbacksRequested: number;
  answerWaitMs: number;
  answeredWithin: ThresholdCounts;
  abandonedWithin: ThresholdCounts;
  // Handled by an agent, either direction.
  handled: number;
  talkMs: number;
  holdMs: number;
  wrapMs: number;
  transferred: number;
  escalated: number;
  byReason: CodeCounts;
  byDisposition: CodeCounts;
  // Repeats and FCR, inbound.
  fcrEligible: number;
  fcrResolved: number;
  repeatEligible: number;
  repeatContacts: number;
  // Outbound attempts.
  outboundAttempts: number;
  outboundHumanAnswered: number;
  outboundConnected: number;
  outboundAbandoned: number;
  outboundBusy: number;
  outboundNoAnswer: number;
  outboundVoicemail: number;
  outboundFailed: number;
  /** Connected attempts by disposition (campaign outcomes). */
  outboundByDisposition: CodeCounts;
}

export class KpiInputError extends Error {
  constructor(
    readonly code: "thresholdNotAggregated" | "specMismatch" | "badInterval" | "badThreshold",
    readonly detail: Record<string, unknown> = {},
  ) {
    super(`reports:${code}`);
    this.name = "KpiInputError";
  }
}

const thresholdKey = (seconds: number) => String(seconds);
/** Seconds from a record to integer ms, so that sums are exact whatever order they are added in. */
const ms = (seconds: number) => (Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : 0);
const waitMs = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());

export function emptyTotals(spec: AggregationSpec): ContactTotals {
  for (const t of spec.waitThresholdsSeconds) if (!Number.isFinite(t) || t < 0) throw new KpiInputError("badThreshold", { threshold: t });
  const zeros = (): ThresholdCounts => Object.fromEntries([...new Set(spec.waitThresholdsSeconds)].sort((a, b) => a - b).map((t) => [thresholdKey(t), 0]));
  return {
    repeatWindowDays: spec.repeatWindowDays,
    repeatMatch: spec.repeatMatch,
    offered: 0,
    answered: 0,
    abandoned: 0,
    callbacksRequested: 0,
    answerWaitMs: 0,
    answeredWithin: zeros(),
    abandonedWithin: zeros(),
    handled: 0,
    talkMs: 0,
    holdMs: 0,
    wrapMs: 0,
    transferred: 0,
    escalated: 0,
    byReason: {},
    byDisposition: {},
    fcrEligible: 0,
    fcrResolved: 0,
    repeatEligible: 0,
    repeatContacts: 0,
    outboundAttempts: 0,
    outboundHumanAnswered: 0,
    outboundConnected: 0,
    outboundAbandoned: 0,
    outboundBusy: 0,
    outboundNoAnswer: 0,
    outboundVoicemail: 0,
    outboundFailed: 0,
    outboundByDisposition: {},
  };
}

const bump = (counts: CodeCounts, code: string | null) => {
  const k = code ?? NO_CODE;
  counts[k] = (counts[k] ?? 0) + 1;
};

/** Adds one contact to totals in place. `flags` are its repeat flags (repeatFlags). */
function addContact(t: ContactTotals, r: ContactRecord, flags: RepeatFlags | undefined, thresholds: readonly number[]): void {
  if (r.direction === "inbound" && r.enqueuedAt) {
    t.offered++;
    if (r.answeredAt) {
      t.answered++;
      const w = waitMs(r.enqueuedAt, r.answeredAt);
      t.answerWaitMs += w;
      for (const s of thresholds) if (w <= s * 1000) t.answeredWithin[thresholdKey(s)]!++;
    } else if (r.abandonedAt) {
      t.abandoned++;
      const w = waitMs(r.enqueuedAt, r.abandonedAt);
      for (const s of thresholds) if (w <= s * 1000) t.abandonedWithin[thresholdKey(s)]!++;
    } else if (r.callbackRequested) {
      t.callbacksRequested++;
    }
  }
  if (r.answeredAt) {
    t.handled++;
    t.talkMs += ms(r.talkSeconds);
    t.holdMs += ms(r.holdSeconds);
    t.wrapMs += ms(r.wrapSeconds);
    if (r.transferred) t.transferred++;
    if (r.escalated) t.escalated++;
    bump(t.byReason, r.reasonCode);
    bump(t.byDisposition, r.dispositionCode);
  }
  if (flags?.eligible) {
    t.repeatEligible++;
    if (flags.isRepeat) t.repeatContacts++;
    if (r.answeredAt) {
      t.fcrEligible++;
      if (r.resolved === true && !flags.repeatedLater) t.fcrResolved++;
    }
  }
  if (r.direction === "outbound") {
    t.outboundAttempts++;
    switch (r.dialResult) {
      case "human":
        t.outboundHumanAnswered++;
        if (r.answeredAt) {
          t.outboundConnected++;
          bump(t.outboundByDisposition, r.dispositionCode);
        } else {
          t.outboundAbandoned++;
        }
        break;
      case "busy":
        t.outboundBusy++;
        break;
      case "noAnswer":
        t.outboundNoAnswer++;
        break;
      case "voicemail":
        t.outboundVoicemail++;
        break;
      case "failed":
      case null:
      case undefined:
        // An attempt with no dial result yet is still ringing or lost: counted, and as failed so
        // the per-result counts add up to the attempts.
        t.outboundFailed++;
        break;
    }
  }
}

export interface AggregateOptions {
  /**
   * Contacts outside the set that decide its repeat flags: the same customers' contacts up to N days
   * before and after the period. They are not counted themselves.
   */
  history?: Iterable<ContactRecord>;
}

function flagsFor(records: readonly ContactRecord[], spec: AggregationSpec, options: AggregateOptions) {
  const all = options.history ? [...records, ...options.history] : records;
  return repeatFlags(all, { windowDays: spec.repeatWindowDays, match: spec.repeatMatch });
}

/** Totals of a set of contacts, straight from the records. */
export function aggregateContacts(records: readonly ContactRecord[], spec: AggregationSpec, options: AggregateOptions = {}): ContactTotals {
  const flags = flagsFor(records, spec, options);
  const t = emptyTotals(spec);
  const thresholds = [...new Set(spec.waitThresholdsSeconds)];
  for (const r of records) addContact(t, r, flags.get(r.id), thresholds);
  return t;
}

function sameKeys(a: Record<string, number>, b: Record<string, number>) {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b);
}

function addCodes(into: CodeCounts, from: CodeCounts) {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

const NUMERIC_KEYS = [
  "offered",
  "answered",
  "abandoned",
  "callbacksRequested",
  "answerWaitMs",
  "handled",
  "talkMs",
  "holdMs",
  "wrapMs",
  "transferred",
  "escalated",
  "fcrEligible",
  "fcrResolved",
  "repeatEligible",
  "repeatContacts",
  "outboundAttempts",
  "outboundHumanAnswered",
  "outboundConnected",
  "outboundAbandoned",
  "outboundBusy",
  "outboundNoAnswer",
  "outboundVoicemail",
  "outboundFailed",
] as const satisfies readonly (keyof ContactTotals)[];

/**
 * The totals of several sets (rollup rows) as one. Rows must have been built with the same
 * thresholds and repeat definition: adding rows counted differently would yield a figure that is
 * neither definition, so that throws specMismatch.
 */
export function mergeTotals(rows: Iterable<ContactTotals>, spec: AggregationSpec): ContactTotals {
  const t = emptyTotals(spec);
  for (const r of rows) {
    if (
      r.repeatWindowDays !== t.repeatWindowDays ||
      r.repeatMatch !== t.repeatMatch ||
      !sameKeys(r.answeredWithin, t.answeredWithin) ||
      !sameKeys(r.abandonedWithin, t.abandonedWithin)
    ) {
      throw new KpiInputError("specMismatch");
    }
    for (const k of NUMERIC_KEYS) t[k] += r[k];
    for (const k of Object.keys(t.answeredWithin)) {
      t.answeredWithin[k]! += r.answeredWithin[k]!;
      t.abandonedWithin[k]! += r.abandonedWithin[k]!;
    }
    addCodes(t.byReason, r.byReason);
    addCodes(t.byDisposition, r.byDisposition);
    addCodes(t.outboundByDisposition, r.outboundByDisposition);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Intervals and rollups

export const INTERVAL_MINUTES = [15, 30, 60] as const;
export type IntervalMinutes = (typeof INTERVAL_MINUTES)[number];

/**
 * The start of the interval holding an instant. Boundaries are whole multiples of the length from
 * the epoch (UTC): Tehran (+03:30) and every whole- or half-hour zone see them on their own quarter
 * and half hours; a zone at :45 (Kathmandu) needs 15-minute rows.
 */
export function intervalStartOf(at: Date, minutes: IntervalMinutes): Date {
  const len = minutes * 60_000;
  return new Date(Math.floor(at.getTime() / len) * len);
}

/**
 * The instant a contact is reported under: when it entered the queue (so the interval's SL counts
 * the contacts that arrived in it, as the wallboard's SQL does), else when it began.
 */
export function attributedAt(r: Pick<ContactRecord, "enqueuedAt" | "startedAt">): Date {
  return r.enqueuedAt ?? r.startedAt;
}

/** The contacts of a period [from, to), by the same attribution the rollups use. */
export function inPeriod(r: Pick<ContactRecord, "enqueuedAt" | "startedAt">, from: Date, to: Date): boolean {
  const t = attributedAt(r).getTime();
  return t >= from.getTime() && t < to.getTime();
}

export interface ContactRollupRow {
  queueId: string | null;
  intervalStart: Date;
  intervalMinutes: IntervalMinutes;
  totals: ContactTotals;
}

/**
 * Rollup rows per queue per interval (what the rollup worker upserts). Repeat flags are computed once
 * over records + history, so a row's FCR counts are the ones aggregateContacts gives for its contacts.
 */
export function rollupContacts(
  records: readonly ContactRecord[],
  spec: AggregationSpec,
  intervalMinutes: IntervalMinutes,
  options: AggregateOptions = {},
): ContactRollupRow[] {
  if (!INTERVAL_MINUTES.includes(intervalMinutes)) throw new KpiInputError("badInterval", { intervalMinutes });
  const flags = flagsFor(records, spec, options);
  const thresholds = [...new Set(spec.waitThresholdsSeconds)];
  const rows = new Map<string, ContactRollupRow>();
  for (const r of records) {
    const start = intervalStartOf(attributedAt(r), intervalMinutes);
    const queueId = r.queueId ?? null;
    const key = `${queueId ?? ""}\u0000${start.getTime()}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { queueId, intervalStart: start, intervalMinutes, totals: emptyTotals(spec) }));
    addContact(row.totals, r, flags.get(r.id), thresholds);
  }
  return [...rows.values()].sort((a, b) => a.intervalStart.getTime() - b.intervalStart.getTime() || (a.queueId ?? "").localeCompare(b.queueId ?? ""));
}

// ---------------------------------------------------------------------------------------------
// Agent time

/** One agent's time in one interval (from the agent-state events, cut at interval boundaries). */
export interface AgentIntervalRecord {
  agentId: string;
  queueId?: string | null;
  intervalStart: Date;
  loggedInSeconds: number;
  /** Ready and waiting for a contact. */
  availableSeconds: number;
  /** On contacts: talk, hold, wrap-up. */
  handlingSeconds: number;
}

export interface AgentTotals {
  loggedInMs: number;
  availableMs: number;
  handlingMs: number;
}

export function emptyAgentTotals(): AgentTotals {
  return { loggedInMs: 0, availableMs: 0, handlingMs: 0 };
}

export function aggregateAgents(records: Iterable<AgentIntervalRecord>): AgentTotals {
  const t = emptyAgentTotals();
  for (const r of records) {
    t.loggedInMs += ms(r.loggedInSeconds);
    t.availableMs += ms(r.availableSeconds);
    t.handlingMs += ms(r.handlingSeconds);
  }
  return t;
}

export function mergeAgentTotals(rows: Iterable<AgentTotals>): AgentTotals {
  const t = emptyAgentTotals();
  for (const r of rows) {
    t.loggedInMs += r.loggedInMs;
    t.availableMs += r.availableMs;
    t.handlingMs += r.handlingMs;
  }
  return t;
}

export interface AgentRollupRow {
  queueId: string | null;
  intervalStart: Date;
  intervalMinutes: IntervalMinutes;
  totals: AgentTotals;
}

/** Agent time per queue per interval (an agent's time on a bureau floor serving one queue). */
export function rollupAgents(records: Iterable<AgentIntervalRecord>, intervalMinutes: IntervalMinutes): AgentRollupRow[] {
  if (!INTERVAL_MINUTES.includes(intervalMinutes)) throw new KpiInputError("badInterval", { intervalMinutes });
  const rows = new Map<string, AgentRollupRow>();
  for (const r of records) {
    const start = intervalStartOf(r.intervalStart, intervalMinutes);
    const queueId = r.queueId ?? null;
    const key = `${queueId ?? ""}\u0000${start.getTime()}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { queueId, intervalStart: start, intervalMinutes, totals: emptyAgentTotals() }));
    row.totals.loggedInMs += ms(r.loggedInSeconds);
    row.totals.availableMs += ms(r.availableSeconds);
    row.totals.handlingMs += ms(r.handlingSeconds);
  }
  return [...rows.values()].sort((a, b) => a.intervalStart.getTime() - b.intervalStart.getTime() || (a.queueId ?? "").localeCompare(b.queueId ?? ""));
}
