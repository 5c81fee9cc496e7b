import { z } from "zod";
import { nextAttempt, type AttemptOutcome, type ContactAttemptState, type RetryCalendar, type RetryRules } from "./window";

/**
 * The campaign's vocabulary and the few decisions made from stored rows: which state an attempt
 * ends in for an outcome, how a provider's end reads as an outcome, what a disposition does, and a
 * contact's next state after an attempt (window.ts nextAttempt over the row's history). Pure.
 */

export const CAMPAIGN_TYPES = ["sales", "collection", "survey", "follow_up", "callback"] as const;
export type CampaignType = (typeof CAMPAIGN_TYPES)[number];

export const CAMPAIGN_STATUSES = ["draft", "running", "paused", "completed"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const CONTACT_STATUSES = ["pending", "in_progress", "completed", "failed", "dnc", "cancelled"] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];
/** Contacts nobody will dial again. */
export const FINAL_CONTACT_STATUSES: readonly ContactStatus[] = ["completed", "failed", "dnc", "cancelled"];

export const ATTEMPT_STATES = ["queued", "dialing", "ringing", "answered", "no_answer", "busy", "voicemail", "failed", "abandoned", "completed"] as const;
export type AttemptState = (typeof ATTEMPT_STATES)[number];
/** An attempt in one of these is still under way: the dialer counts it as a line in use. */
export const LIVE_ATTEMPT_STATES = ["queued", "dialing", "ringing", "answered"] as const satisfies readonly AttemptState[];
export type LiveAttemptState = (typeof LIVE_ATTEMPT_STATES)[number];

export function isLiveAttemptState(state: string): state is LiveAttemptState {
  return (LIVE_ATTEMPT_STATES as readonly string[]).includes(state);
}

/** The final state an attempt takes for an outcome ("connected" ends as "completed" once disposed). */
export function attemptStateOf(outcome: AttemptOutcome): AttemptState {
  switch (outcome) {
    case "connected":
      return "completed";
    case "noAnswer":
      return "no_answer";
    default:
      return outcome;
  }
}

/**
 * A provider's final call status for a call nobody answered (Twilio's CallStatus, which the simulator
 * uses too): busy, no answer and failures as themselves; a call "completed" without a person on the
 * line was taken by a machine (answering machine detection) and counts as voicemail.
 */
export function outcomeOfUnansweredEnd(status: string): Exclude<AttemptOutcome, "connected" | "abandoned"> {
  switch (status) {
    case "busy":
      return "busy";
    case "no-answer":
      return "noAnswer";
    case "completed":
      return "voicemail";
    default:
      return "failed";
  }
}

/** Twilio's AnsweredBy: anything but a person (or "unknown", given the benefit of the doubt) is a machine. */
export function isMachineAnswer(answeredBy: string | null | undefined): boolean {
  return !!answeredBy && (answeredBy.startsWith("machine") || answeredBy === "fax");
}

// ---------------------------------------------------------------------------------------------
// Dispositions

export const DISPOSITION_ACTIONS = ["complete", "retry", "dnc"] as const;
export type DispositionAction = (typeof DISPOSITION_ACTIONS)[number];

export const dispositionRuleSchema = z.object({
  /** complete: the contact is done; retry: call again after the campaign's callback delay; dnc: done and never again. */
  action: z.enum(DISPOSITION_ACTIONS).default("complete"),
  /** A connected call disposed with it counts as a conversion (a sale, a promise to pay, a finished survey). */
  conversion: z.boolean().default(false),
});
export type DispositionRule = z.infer<typeof dispositionRuleSchema>;
export const dispositionRulesSchema = z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/), dispositionRuleSchema);
export type DispositionRules = z.infer<typeof dispositionRulesSchema>;

export function dispositionRule(rules: DispositionRules, code: string | null | undefined): DispositionRule {
  return (code ? rules[code] : undefined) ?? { action: "complete", conversion: false };
}

export function conversionCodes(rules: DispositionRules): string[] {
  return Object.entries(rules)
    .filter(([, r]) => r.conversion)
    .map(([code]) => code)
    .sort();
}

// ---------------------------------------------------------------------------------------------
// The simulator's outcome profile (demo and tests)

const share = z.number().min(0).max(1);
export const simulationSchema = z
  .object({
    /** Probabilities of each result of a dial; normalized, so they need not add up to 1. */
    human: share.default(0.45),
    noAnswer: share.default(0.3),
    busy: share.default(0.1),
    voicemail: share.default(0.1),
    failed: share.default(0.05),
    /** Seconds the phone rings before the result, uniformly in [min, max]. */
    ringSecondsMin: z.number().min(0).max(120).default(2),
    ringSecondsMax: z.number().min(0).max(120).default(8),
  })
  .refine((s) => s.human + s.noAnswer + s.busy + s.voicemail + s.failed > 0, { message: "campaigns:errors.simulationEmpty", path: ["human"] })
  .refine((s) => s.ringSecondsMax >= s.ringSecondsMin, { message: "campaigns:errors.ringRange", path: ["ringSecondsMax"] });
export type SimulationProfile = z.infer<typeof simulationSchema>;
export const DEFAULT_SIMULATION: SimulationProfile = simulationSchema.parse({});

// ---------------------------------------------------------------------------------------------
// Contacts

/** The columns of campaign_contacts a retry decision reads. */
export interface ContactHistoryRow {
  attempts: number;
  outcomes: unknown;
  last_attempt_at: Date | null;
  last_abandoned_at: Date | null;
}

export function contactStateOf(row: ContactHistoryRow): ContactAttemptState {
  const raw = (row.outcomes ?? {}) as Record<string, unknown>;
  const outcomes: ContactAttemptState["outcomes"] = {};
  for (const [k, v] of Object.entries(raw)) if (typeof v === "number" && Number.isFinite(v)) outcomes[k as AttemptOutcome] = v;
  return { attempts: row.attempts, outcomes, lastAttemptAt: row.last_attempt_at, lastAbandonedAt: row.last_abandoned_at };
}

export interface ContactUpdate {
  status: ContactStatus;
  attempts: number;
  outcomes: ContactAttemptState["outcomes"];
  lastAttemptAt: Date | null;
  lastAbandonedAt: Date | null;
  lastOutcome: AttemptOutcome;
  /** When pending: the next dial is due then. */
  nextAttemptAt: Date | null;
  /** When done: why (completed, maxAttempts, outcomeLimit, noWindow, campaignEnded, dnc). */
  doneReason: string | null;
}

/**
 * A contact after one attempt ended at `now`: nextAttempt over its history, with what a disposition
 * says for connected calls (retry after the campaign's callback delay, or add to DNC and stop).
 */
export function contactAfterAttempt(
  row: ContactHistoryRow,
  outcome: AttemptOutcome,
  rules: RetryRules,
  now: Date,
  calendar: RetryCalendar,
  opts: { dispositionAction?: DispositionAction; callbackDelayMinutes?: number } = {},
): ContactUpdate {
  const action = outcome === "connected" ? (opts.dispositionAction ?? "complete") : null;
  const callbackAt = action === "retry" ? new Date(now.getTime() + (opts.callbackDelayMinutes ?? 60) * 60_000) : null;
  const { state, decision } = nextAttempt(contactStateOf(row), { outcome, callbackAt }, rules, now, calendar);
  const base = {
    attempts: state.attempts,
    outcomes: state.outcomes,
    lastAttemptAt: state.lastAttemptAt,
    lastAbandonedAt: state.lastAbandonedAt,
    lastOutcome: outcome,
  };
  if (action === "dnc") return { ...base, status: "dnc", nextAttemptAt: null, doneReason: "dnc" };
  if (decision.kind === "retry") return { ...base, status: "pending", nextAttemptAt: decision.at, doneReason: null };
  return { ...base, status: decision.reason === "completed" ? "completed" : "failed", nextAttemptAt: null, doneReason: decision.reason };
}

/** Progress of a list: done (completed, DNC), failed (gave up), pending (still to call or under way). */
export interface ProgressCounts {
  total: number;
  pending: number;
  inProgress: number;
  completed: number;
  failed: number;
  dnc: number;
  cancelled: number;
}

export function progressOf(byStatus: Partial<Record<string, number>>): ProgressCounts {
  const n = (k: ContactStatus) => byStatus[k] ?? 0;
  const counts = { pending: n("pending"), inProgress: n("in_progress"), completed: n("completed"), failed: n("failed"), dnc: n("dnc"), cancelled: n("cancelled") };
  return { total: Object.values(counts).reduce((a, b) => a + b, 0), ...counts };
}

/** Share of `part` in `whole` as a percentage with one decimal, or null with nothing to divide by. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}
