import { outboundAbandonFraction, type OutboundAbandonStats } from "../reports/kpi";

/**
 * How many calls to place now. Pure: the worker passes what it sees (free agents, calls ringing,
 * the campaign's abandon counts) and places the answer.
 *
 * - preview: the agent reads the contact and clicks to dial; nothing is dialed automatically.
 * - progressive: one call per free agent, counting calls already ringing; an answered call always
 *   finds its agent, so it never abandons.
 * - power: up to `ratio` calls per free agent, since most dials are not answered. More answers than
 *   free agents means abandoned calls, so the ratio actually used is the largest whose expected
 *   abandon rate stays within what the abandon-rate controller allows right now.
 *
 * The controller keeps the campaign's abandon rate of answered calls (reports' outboundAbandonRate:
 * abandoned / answered by a person) at or below the cap over both 24 h and 30 days. The calls in
 * flight after dialing (ringing + new) are judged exactly for independent answers: X ~ Binomial(n,
 * answerRate) answered, max(0, X - free agents) abandoned. Two limits, both must hold:
 * - rate: their expected abandon rate at most GAIN x the worse window's headroom below the cap (and
 *   never above the cap): full speed far from the cap, throttled as it approaches, progressive at it;
 * - breach: at most a 1e-5 chance that they take the tighter window over the cap, their own answers
 *   counted. The expectation alone is not enough while a window is small (at the start of a campaign
 *   one abandon among 40 answers is 2.5%), and the dialer re-decides every few seconds, so the chance
 *   per decision must be tiny for the chance per day to stay small. It costs little throughput: once
 *   a window has a few abandons of headroom, the breach limit no longer binds.
 * The unit test simulates it (seeded answers and handle times, misestimated and drifting answer rates)
 * and checks both windows stay at or below the cap at every tick.
 */

export const DIALING_MODES = ["preview", "progressive", "power"] as const;
export type DialingMode = (typeof DIALING_MODES)[number];

export const DEFAULT_ABANDON_CAP = 0.03;
/**
 * How hard the controller uses the headroom: new calls may expect GAIN x (cap - measured rate), so
 * the allowance reaches zero at the cap and the full cap at a measured rate of cap x (1 - 1 / GAIN).
 */
export const CONTROLLER_GAIN = 2;
/** The chance the calls in flight may have of taking a window over the cap (per decision). */
export const BREACH_PROBABILITY = 1e-5;

export type AbandonStats = OutboundAbandonStats;

export interface PacingInput {
  mode: DialingMode;
  /** Power mode: lines per free agent (1-5 in practice). Ignored by the other modes. */
  ratio: number;
  /** Agents ready and not reserved for a call. */
  freeAgents: number;
  /** Calls placed and still ringing (each may yet be answered and take an agent). */
  dialingNow: number;
  /** Estimated probability that a dial is answered by a person (0-1); see estimateAnswerRate. */
  answerRate: number;
  abandonStats24h: AbandonStats;
  abandonStats30d: AbandonStats;
  /** Abandon-rate cap as a fraction (0.03 = 3%). */
  cap?: number;
}

export type PacingLimit = "preview" | "noFreeAgents" | "progressive" | "ratio" | "abandonCap";

export interface PacingDecision {
  dials: number;
  /** Calls in flight per free agent after dialing ((ringing + dials) / free), 0 without agents. */
  effectiveRatio: number;
  /** The expected abandon rate allowed for the calls in flight (fraction). */
  allowedAbandonRate: number;
  /** Abandons the tighter window can still take before passing the cap (negative once over it). */
  abandonBudget: number;
  /** The expected abandon rate of the calls in flight after dialing (fraction). */
  expectedAbandonRate: number;
  /** The window rate the controller read (fraction, the worse of 24 h and 30 d). */
  measuredAbandonRate: number;
  limitedBy: PacingLimit;
}

/**
 * What the windows allow the calls in flight after dialing:
 * - rate: their expected abandon rate, at most GAIN x the headroom of the worse window (plain rates);
 * - budget: the abandons the tighter window can take before passing the cap, cap x answered -
 *   abandoned (negative once over). The calls in flight may pass it only with a small probability
 *   (BREACH_PROBABILITY), their own answers counted: that is what holds while the windows are small
 *   (a new campaign, one abandon among 40 answers is 2.5% already) and when a burst of answers comes.
 */
export function abandonAllowance(s24h: AbandonStats, s30d: AbandonStats, cap: number): { rate: number; budget: number; measured: number } {
  const measured = Math.max(outboundAbandonFraction(s24h), outboundAbandonFraction(s30d));
  const budget = Math.min(cap * Math.max(0, s24h.humanAnswered) - s24h.abandoned, cap * Math.max(0, s30d.humanAnswered) - s30d.abandoned);
  return { rate: Math.min(cap, Math.max(0, CONTROLLER_GAIN * (cap - measured))), budget, measured };
}

export interface PoolOutlook {
  /** E[max(0, X - free)] */
  abandons: number;
  /** E[X] = n p */
  answered: number;
  /**
   * P(the pool abandons at least one call and takes the window over the cap): X answered with
   * max(0, X - free) - cap X > budget.
   */
  breach: number;
}

/**
 * n calls in flight, each answered with probability p, `free` agents: X ~ Binomial(n, p) answered,
 * max(0, X - free) of them abandoned. The pmf is built outward from its mode and normalized, so it
 * neither overflows nor underflows to nothing for large n.
 */
export function poolOutlook(n: number, p: number, free: number, budget = Infinity, cap = DEFAULT_ABANDON_CAP): PoolOutlook {
  if (n <= free || p <= 0) return { abandons: 0, answered: n * Math.max(0, p), breach: 0 };
  if (p >= 1) return { abandons: n - free, answered: n, breach: n - free - cap * n > budget ? 1 : 0 };
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const w = new Float64Array(n + 1);
  w[mode] = 1;
  const odds = p / (1 - p);
  for (let x = mode; x < n; x++) w[x + 1] = w[x]! * ((n - x) / (x + 1)) * odds;
  for (let x = mode; x > 0; x--) w[x - 1] = (w[x]! * x) / ((n - x + 1) * odds);
  let total = 0;
  let excess = 0;
  let breach = 0;
  for (let x = 0; x <= n; x++) {
    total += w[x]!;
    if (x > free) {
      excess += (x - free) * w[x]!;
      if (x - free - cap * x > budget) breach += w[x]!;
    }
  }
  return { abandons: excess / total, answered: n * p, breach: breach / total };
}

/** E[abandons] / E[answered] of n calls in flight: the expected share of answered calls no agent takes. */
export function expectedAbandonRate(n: number, p: number, free: number): number {
  const e = poolOutlook(n, p, free);
  return e.answered === 0 ? 0 : e.abandons / e.answered;
}

export function dialsToPlace(input: PacingInput): PacingDecision {
  const cap = input.cap ?? DEFAULT_ABANDON_CAP;
  const free = Math.max(0, Math.floor(input.freeAgents));
  const ringing = Math.max(0, Math.floor(input.dialingNow));
  const p = Math.min(1, Math.max(0, Number.isFinite(input.answerRate) ? input.answerRate : 1));
  const allowance = abandonAllowance(input.abandonStats24h, input.abandonStats30d, cap);
  const within = (dials: number) => {
    const e = poolOutlook(ringing + dials, p, free, allowance.budget, cap);
    return e.abandons <= allowance.rate * e.answered && e.breach <= BREACH_PROBABILITY;
  };
  const decision = (dials: number, limitedBy: PacingLimit): PacingDecision => ({
    dials,
    effectiveRatio: free === 0 ? 0 : (ringing + dials) / free,
    allowedAbandonRate: allowance.rate,
    abandonBudget: allowance.budget,
    expectedAbandonRate: expectedAbandonRate(ringing + dials, p, free),
    measuredAbandonRate: allowance.measured,
    limitedBy,
  });

  if (input.mode === "preview") return decision(0, "preview");
  if (free === 0) return decision(0, "noFreeAgents");
  const progressive = Math.max(0, free - ringing);
  if (input.mode === "progressive") return decision(progressive, "progressive");

  // Power: the ratio bounds the lines; never below progressive (which abandons nothing).
  const ratio = Math.max(1, Number.isFinite(input.ratio) ? input.ratio : 1);
  const maxDials = Math.max(progressive, Math.floor(free * ratio + 1e-9) - ringing);
  if (within(maxDials)) return decision(maxDials, maxDials > progressive ? "ratio" : "progressive");
  // Expected abandons grow with the dials: the largest k within the allowance, by bisection.
  let lo = progressive; // within (0 expected abandons)
  let hi = maxDials; // not within
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (within(mid)) lo = mid;
    else hi = mid;
  }
  return decision(lo, "abandonCap");
}

/**
 * The answer rate to pace with, from the campaign's recent dials (the last hour or so): the share a
 * person answered, pulled toward a prior while there are few, and read high by one standard error.
 * Erring high only slows the dialing; erring low abandons calls, and a handful of early dials can
 * look like a low rate by chance.
 */
export function estimateAnswerRate(stats: { attempts: number; humanAnswered: number }, prior = { rate: 0.3, weight: 20 }): number {
  const attempts = Math.max(0, stats.attempts);
  const answered = Math.min(attempts, Math.max(0, stats.humanAnswered));
  const n = attempts + prior.weight;
  const mean = (answered + prior.rate * prior.weight) / n;
  return Math.min(1, mean + Math.sqrt((mean * (1 - mean)) / n));
}
