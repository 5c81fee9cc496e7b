import { z } from "zod";

/**
 * Queueing formulas for staffing: Erlang B, Erlang C (M/M/N) and Erlang A (M/M/N+M, exponential
 * patience). Pure and synchronous so the staffing API, the requirement job and the benchmark share
 * one implementation.
 *
 * Numerics. Nothing here forms A^N or N!: those overflow a double beyond ~170 agents, which a bureau
 * exceeds on one queue at peak. Erlang B is the recursion B(0)=1, B(n) = A·B(n-1)/(n + A·B(n-1)),
 * whose terms stay in [0, 1], and C is derived from B. Erlang A sums the birth-death chain above N
 * as a series of positive terms (no alternating sums), rescaled when it grows, so it is exact for
 * thousands of agents and converges to Erlang C as patience grows.
 *
 * Units: seconds and contacts per interval; probabilities in [0, 1]. Service level is the house
 * definition (routing/sla.ts): contacts answered within the threshold over all offered contacts;
 * Erlang A counts every abandoned contact against it (short abandons are not modelled).
 */

/** Offered workload in Erlangs: the average number of agents busy if nobody waited or left. */
export function trafficIntensity(contacts: number, intervalSeconds: number, ahtSeconds: number): number {
  return (contacts * ahtSeconds) / intervalSeconds;
}

/** Erlang B blocking probability with `agents` servers and `erlangs` offered load. */
export function erlangB(agents: number, erlangs: number): number {
  let b = 1;
  for (let n = 1; n <= agents; n++) b = (erlangs * b) / (n + erlangs * b);
  return b;
}

/**
 * Erlang C from Erlang B for the same (N, A): C = N·B / (N − A·(1 − B)). Separate so a search that
 * already holds B(N) (advancing the recursion one agent at a time) pays O(1) per candidate.
 */
export function erlangCFromB(agents: number, erlangs: number, b: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return 1;
  return (agents * b) / (agents - erlangs * (1 - b));
}

/** Probability that a contact waits (Erlang C). 1 when the queue is unstable (N ≤ A). */
export function erlangC(agents: number, erlangs: number): number {
  return erlangCFromB(agents, erlangs, erlangB(agents, erlangs));
}

/** Probability of waiting in M/M/N: an alias named for the planner's vocabulary. */
export const probabilityOfWaiting = erlangC;

/** Service level of M/M/N: P(wait ≤ T) = 1 − C·e^{−(N−A)·T/AHT}. */
export function serviceLevelC(agents: number, erlangs: number, ahtSeconds: number, thresholdSeconds: number): number {
  if (erlangs <= 0) return 1;
  if (agents <= erlangs) return 0;
  return slFromC(erlangC(agents, erlangs), agents, erlangs, ahtSeconds, thresholdSeconds);
}

function slFromC(c: number, agents: number, erlangs: number, ahtSeconds: number, thresholdSeconds: number): number {
  return Math.min(1, Math.max(0, 1 - c * Math.exp((-(agents - erlangs) * thresholdSeconds) / ahtSeconds)));
}

/** Average speed of answer of M/M/N in seconds: C·AHT/(N − A); Infinity when unstable. */
export function asaC(agents: number, erlangs: number, ahtSeconds: number): number {
  if (erlangs <= 0) return 0;
  if (agents <= erlangs) return Number.POSITIVE_INFINITY;
  return (erlangC(agents, erlangs) * ahtSeconds) / (agents - erlangs);
}

/** Share of logged-in time spent handling: A/N, capped at 1 (an overloaded team is 100% busy). */
export function occupancy(agents: number, erlangs: number): number {
  if (agents <= 0) return erlangs > 0 ? 1 : 0;
  return Math.min(1, erlangs / agents);
}

// ---------------------------------------------------------------------------------------------
// Erlang A

export interface ErlangAParams {
  contacts: number;
  intervalSeconds: number;
  ahtSeconds: number;
  /** Mean time a caller is willing to wait before hanging up (exponential patience). */
  patienceSeconds: number;
  thresholdSeconds: number;
}

export interface ErlangAResult {
  probabilityWaiting: number;
  /** Share of offered contacts that hang up before an agent answers. */
  probabilityAbandon: number;
  /** Share of offered contacts answered within the threshold (abandons count against it). */
  serviceLevel: number;
  /** Mean wait of answered contacts: what a wallboard's ASA shows. */
  asaSeconds: number;
  /** Mean wait of all offered contacts, answered or abandoned (Little: P(abandon)·patience). */
  averageWaitSeconds: number;
  /** Carried load (answered contacts only) per agent. */
  occupancy: number;
}

/**
 * Series S(a, w) = Σ_{j≥0} w^j / ((a+1)(a+2)…(a+j)), with the weighted sums the formulas need:
 * Σ j·t_j (mean queue length, hence abandons, without the cancellation of the closed form) and
 * Σ t_j·H_j with H_j = Σ_{k≤j} 1/(a+k) (−∂S/∂a, for the answered contacts' mean wait). Returned in
 * log form because in overload (w ≫ a) the terms peak far beyond the range of a double.
 */
interface SeriesSums {
  logSum: number;
  /** log Σ j·t_j, or −Infinity when it is zero. */
  logSumJ: number;
  /** log Σ t_j·H_j, or −Infinity. */
  logSumH: number;
}

/** Beyond this many terms the caller asked for a regime (tiny N, huge patience) we refuse to grind. */
const MAX_SERIES_TERMS = 20_000_000;
const RESCALE_AT = 1e250;
const LOG_RESCALE = Math.log(RESCALE_AT);

function series(a: number, w: number, withWeights: boolean): SeriesSums {
  let t = 1;
  let sum = 1;
  let sumJ = 0;
  let sumH = 0;
  let h = 0;
  let logScale = 0;
  for (let j = 1; ; j++) {
    if (j > MAX_SERIES_TERMS) throw new RangeError("erlangA: load and patience outside the supported range");
    const ratio = w / (a + j);
    t *= ratio;
    sum += t;
    if (withWeights) {
      h += 1 / (a + j);
      sumJ += j * t;
      sumH += t * h;
    }
    if (t > RESCALE_AT) {
      t /= RESCALE_AT;
      sum /= RESCALE_AT;
      sumJ /= RESCALE_AT;
      sumH /= RESCALE_AT;
      logScale += LOG_RESCALE;
    }
    // Past the peak the terms shrink at least geometrically (ratio < 1 and falling), so once a term
    // and its weighted versions are below double precision of their sums the rest cannot matter.
    if (ratio < 1 && t <= 1e-17 * sum && (!withWeights || (j * t <= 1e-17 * sumJ && t * h <= 1e-17 * sumH))) break;
  }
  return {
    logSum: logScale + Math.log(sum),
    logSumJ: sumJ > 0 ? logScale + Math.log(sumJ) : Number.NEGATIVE_INFINITY,
    logSumH: sumH > 0 ? logScale + Math.log(sumH) : Number.NEGATIVE_INFINITY,
  };
}

/**
 * Erlang A (Palm's M/M/N+M) from the closed forms of Garnett, Mandelbaum & Reiman (2002), written
 * as series. With x = Nμ/θ, y = λ/θ (θ = 1/patience) and π_N the probability that all N agents are
 * busy with nobody waiting, the states above N weigh π_{N+j}/π_N = y^j/((x+1)…(x+j)), so
 *   Σ_{j≥0} π_{N+j} = π_N·S(x, y),      Σ_{k≤N} π_k = π_N / ErlangB(N, λ/μ).
 * A caller who finds j waiting is answered after j+1 exponential stages of rates θ(x+i); weighing
 * by the stationary law, answered within t (before its own patience runs out) totals
 *   π_N·x/(x+1)·[S(x+1, y) − e^{−θt(x+1) + y(1−e^{−θt})}·S(x+1, y·e^{−θt})],
 * and the answered contacts' waiting times integrate to π_N·x/((x+1)θ)·[S(x+1,y)/(x+1) − ∂S/∂a].
 * Abandons follow from Little's law on the queue: θ·E[queue]/λ.
 */
export function erlangA(agents: number, p: ErlangAParams): ErlangAResult {
  const lambda = p.contacts / p.intervalSeconds;
  if (lambda <= 0) {
    return { probabilityWaiting: 0, probabilityAbandon: 0, serviceLevel: 1, asaSeconds: 0, averageWaitSeconds: 0, occupancy: 0 };
  }
  if (agents <= 0) {
    return { probabilityWaiting: 1, probabilityAbandon: 1, serviceLevel: 0, asaSeconds: 0, averageWaitSeconds: p.patienceSeconds, occupancy: 0 };
  }
  const erlangs = lambda * p.ahtSeconds;
  const theta = 1 / p.patienceSeconds;
  const b = erlangB(agents, erlangs);
  // With many more agents than load, B underflows: nobody ever waits.
  if (b < 1e-300) {
    return { probabilityWaiting: 0, probabilityAbandon: 0, serviceLevel: 1, asaSeconds: 0, averageWaitSeconds: 0, occupancy: Math.min(1, erlangs / agents) };
  }
  const x = (agents * p.patienceSeconds) / p.ahtSeconds;
  const y = lambda * p.patienceSeconds;
  const thetaT = theta * p.thresholdSeconds;
  const z = y * Math.exp(-thetaT);
  const s0 = series(x, y, true);
  const s1 = series(x + 1, y, true);
  const s2 = series(x + 1, z, false);
  const logInvB = -Math.log(b);
  const scale = Math.max(logInvB, s0.logSum);
  const rel = (logValue: number) => Math.exp(logValue - scale);
  // Σ_k π_k / π_N = 1/B + S(x,y) − 1 (the state N is in both parts).
  const total = rel(logInvB) + rel(s0.logSum) - Math.exp(-scale);
  const probabilityWaiting = rel(s0.logSum) / total;
  const probabilityAbandon = Math.min(1, rel(s0.logSumJ) / y / total);
  const notWaiting = (rel(logInvB) - Math.exp(-scale)) / total;
  const logDecay = -thetaT * (x + 1) + y * -Math.expm1(-thetaT);
  const servedAfterWaitWithin = (x / (x + 1)) * (rel(s1.logSum) - rel(logDecay + s2.logSum));
  const serviceLevel = Math.min(1, Math.max(0, notWaiting + Math.max(0, servedAfterWaitWithin) / total));
  const answeredWaitTotal = ((x / (x + 1)) * (rel(s1.logSum) / (x + 1) + rel(s1.logSumH))) / theta / total;
  const answered = 1 - probabilityAbandon;
  return {
    probabilityWaiting,
    probabilityAbandon,
    serviceLevel,
    asaSeconds: answered > 0 ? answeredWaitTotal / answered : 0,
    averageWaitSeconds: probabilityAbandon * p.patienceSeconds,
    occupancy: Math.min(1, (erlangs * answered) / agents),
  };
}

// ---------------------------------------------------------------------------------------------
// Staffing

export interface StaffingInput {
  /** Contacts offered in the interval. */
  contacts: number;
  intervalSeconds: number;
  ahtSeconds: number;
  /** Share answered within the threshold, 0-1 (0.8 for "80/20"). */
  targetServiceLevel: number;
  thresholdSeconds: number;
  /** Highest acceptable occupancy, 0-1; above ~0.85-0.9 agents burn out, so planners cap it. */
  maxOccupancy?: number;
  /** Share of paid time not available for contacts (breaks, leave, training), 0 ≤ s < 1. */
  shrinkage?: number;
  /** Mean patience; when given the queue is sized with Erlang A instead of Erlang C. */
  patienceSeconds?: number;
}

export type StaffingModel = "erlangC" | "erlangA";
/** Which constraint decided the number, so a planner sees why (codes; localized by the page). */
export type StaffingLimit = "none" | "stability" | "serviceLevel" | "occupancy";

export interface StaffingResult {
  model: StaffingModel;
  /** Offered workload in Erlangs. */
  erlangs: number;
  /** Agents needed on the phones. */
  agents: number;
  /** Agents to schedule so that `agents` remain after shrinkage: ceil(agents / (1 − shrinkage)). */
  scheduledHeads: number;
  serviceLevel: number;
  asaSeconds: number;
  occupancy: number;
  probabilityWaiting: number;
  /** Only with patienceSeconds (Erlang A). */
  abandonRate?: number;
  limitedBy: StaffingLimit;
}

/** Largest workload the calculator accepts; beyond it the input is a typo, not a contact centre. */
export const MAX_ERLANGS = 100_000;
export const MAX_PATIENCE_SECONDS = 7_200;

const msg = (field: string) => `wfm:staffing.errors.${field}`;

/**
 * Input schema of the staffing calculator (API and page). Each message is a translation key that
 * names its field, and each issue's path is the field, so `POST /api/v1/wfm/staffing` can answer 400
 * with `{ field, message }` without knowing the rules.
 */
export const staffingInputSchema = z
  .object({
    contacts: z.number({ message: msg("contacts") }).finite({ message: msg("contacts") }).min(0, { message: msg("contacts") }),
    intervalSeconds: z.number({ message: msg("intervalSeconds") }).int({ message: msg("intervalSeconds") }).min(60, { message: msg("intervalSeconds") }).max(86_400, { message: msg("intervalSeconds") }),
    ahtSeconds: z.number({ message: msg("ahtSeconds") }).finite({ message: msg("ahtSeconds") }).gt(0, { message: msg("ahtSeconds") }).max(86_400, { message: msg("ahtSeconds") }),
    targetServiceLevel: z.number({ message: msg("targetServiceLevel") }).min(0, { message: msg("targetServiceLevel") }).lt(1, { message: msg("targetServiceLevel") }),
    thresholdSeconds: z.number({ message: msg("thresholdSeconds") }).finite({ message: msg("thresholdSeconds") }).min(0, { message: msg("thresholdSeconds") }).max(86_400, { message: msg("thresholdSeconds") }),
    maxOccupancy: z.number({ message: msg("maxOccupancy") }).gt(0, { message: msg("maxOccupancy") }).max(1, { message: msg("maxOccupancy") }).optional(),
    shrinkage: z.number({ message: msg("shrinkage") }).min(0, { message: msg("shrinkage") }).lt(1, { message: msg("shrinkage") }).optional(),
    patienceSeconds: z.number({ message: msg("patienceSeconds") }).gt(0, { message: msg("patienceSeconds") }).max(MAX_PATIENCE_SECONDS, { message: msg("patienceSeconds") }).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (trafficIntensity(v.contacts, v.intervalSeconds, v.ahtSeconds) > MAX_ERLANGS) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["contacts"], message: msg("workloadTooLarge") });
    }
  });

export type StaffingInputParsed = z.infer<typeof staffingInputSchema>;

/** heads = ceil(agents / (1 − s)), tolerant of 8/0.8 = 9.999999999999998. */
export function scheduledHeads(agents: number, shrinkage = 0): number {
  if (agents <= 0) return 0;
  return Math.ceil(agents / (1 - shrinkage) - 1e-9);
}

/**
 * Fewest agents meeting the service-level target and the occupancy cap. Zero contacts need zero
 * agents. Erlang C walks N upwards advancing the B recursion by one agent per step (O(N) for the
 * whole search); Erlang A, whose evaluation costs a series, bisects between a bound below which no
 * N can work (answered ≤ N·μ/λ, so SL ≥ target needs N ≥ target·A) and a bound found by doubling.
 * Inputs are trusted (run `staffingInputSchema` at the edge); absurd values throw RangeError.
 */
export function agentsRequired(input: StaffingInput): StaffingResult {
  const { contacts, intervalSeconds, ahtSeconds, targetServiceLevel, thresholdSeconds } = input;
  const maxOccupancy = input.maxOccupancy ?? 1;
  const shrinkage = input.shrinkage ?? 0;
  if (!(contacts >= 0) || !(intervalSeconds > 0) || !(ahtSeconds > 0) || !(targetServiceLevel >= 0 && targetServiceLevel < 1)) {
    throw new RangeError("agentsRequired: invalid input (validate with staffingInputSchema)");
  }
  const erlangs = trafficIntensity(contacts, intervalSeconds, ahtSeconds);
  if (erlangs > MAX_ERLANGS) throw new RangeError("agentsRequired: workload too large");
  const model: StaffingModel = input.patienceSeconds === undefined ? "erlangC" : "erlangA";
  if (contacts === 0) {
    return { model, erlangs: 0, agents: 0, scheduledHeads: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0, probabilityWaiting: 0, ...(model === "erlangA" ? { abandonRate: 0 } : {}), limitedBy: "none" };
  }
  if (input.patienceSeconds !== undefined) return requiredErlangA(input, erlangs, maxOccupancy, shrinkage);

  // Erlang C: SL rises with N once N > A, so the answer is the larger of the first N meeting the
  // target and the occupancy floor A/maxOccupancy. B advances one agent per step up to it.
  const stable = Math.floor(erlangs) + 1;
  const minByOccupancy = Math.ceil(erlangs / maxOccupancy - 1e-9);
  let b = 1;
  let n = 0;
  let c = 1;
  let sl = 0;
  while (n < stable || sl < targetServiceLevel) {
    n++;
    b = (erlangs * b) / (n + erlangs * b);
    if (n > erlangs) {
      c = erlangCFromB(n, erlangs, b);
      sl = slFromC(c, n, erlangs, ahtSeconds, thresholdSeconds);
    }
  }
  const bySl = n;
  while (n < minByOccupancy) {
    n++;
    b = (erlangs * b) / (n + erlangs * b);
    c = erlangCFromB(n, erlangs, b);
    sl = slFromC(c, n, erlangs, ahtSeconds, thresholdSeconds);
  }
  // "stability": the first N with a finite queue already meets the target (a lax or zero target).
  const limitedBy: StaffingLimit = n > bySl ? "occupancy" : n === stable ? "stability" : "serviceLevel";
  return {
    model,
    erlangs,
    agents: n,
    scheduledHeads: scheduledHeads(n, shrinkage),
    serviceLevel: sl,
    asaSeconds: (c * ahtSeconds) / (n - erlangs),
    occupancy: erlangs / n,
    probabilityWaiting: c,
    limitedBy,
  };
}

function requiredErlangA(input: StaffingInput, erlangs: number, maxOccupancy: number, shrinkage: number): StaffingResult {
  const params: ErlangAParams = {
    contacts: input.contacts,
    intervalSeconds: input.intervalSeconds,
    ahtSeconds: input.ahtSeconds,
    patienceSeconds: input.patienceSeconds!,
    thresholdSeconds: input.thresholdSeconds,
  };
  const target = input.targetServiceLevel;
  const cache = new Map<number, ErlangAResult>();
  const at = (n: number) => {
    let r = cache.get(n);
    if (!r) cache.set(n, (r = erlangA(n, params)));
    return r;
  };
  const meetsSl = (n: number) => at(n).serviceLevel >= target;
  const meetsOcc = (n: number) => at(n).occupancy <= maxOccupancy + 1e-12;
  const ok = (n: number) => meetsSl(n) && meetsOcc(n);
  // Served contacts never exceed N·μ per second, so SL ≤ N/A: below target·A nothing can work.
  let lo = Math.max(0, Math.ceil(target * erlangs * (1 - 1e-12)) - 1);
  if (ok(lo)) lo = Math.max(0, lo - 1);
  let hi = Math.max(lo + 1, Math.ceil(erlangs) + 1);
  while (!ok(hi)) {
    lo = hi;
    hi *= 2;
  }
  // Invariant: !ok(lo) (or lo below every feasible N), ok(hi).
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  if (lo === 0 && ok(0)) hi = 0;
  const n = hi;
  const r = at(n);
  const limitedBy: StaffingLimit = n > 0 && meetsSl(n - 1) && !meetsOcc(n - 1) ? "occupancy" : "serviceLevel";
  return {
    model: "erlangA",
    erlangs,
    agents: n,
    scheduledHeads: scheduledHeads(n, shrinkage),
    serviceLevel: r.serviceLevel,
    asaSeconds: r.asaSeconds,
    occupancy: r.occupancy,
    probabilityWaiting: r.probabilityWaiting,
    abandonRate: r.probabilityAbandon,
    limitedBy,
  };
}
