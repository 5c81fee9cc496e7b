import { combineCurves, poolsFromEligibility } from "./combine";
import { agentsRequired, MAX_PATIENCE_SECONDS, type StaffingLimit, type StaffingModel } from "./erlang";
import type { QueueRequirement } from "./roster-types";

/**
 * From forecast curves to what the roster covers (ADR 0008), pure: each queue sized alone (Erlang C,
 * or Erlang A with the patience its abandon history shows), queues sharing agents pooled, heads after
 * shrinkage apportioned per pool. The roster gets `required` = heads at work (shrinkage included) and
 * `inSeat` = the queue's pooled share on the phones, so its report compares breaks-and-all coverage
 * with what Erlang asked for.
 */

export interface PatienceSample {
  /** Contacts that abandoned after the short-abandon threshold. */
  abandoned: number;
  /** Σ seconds every contact (answered or abandoned) spent waiting. */
  waitSeconds: number;
  contacts: number;
}

/** Below this many abandons the estimate is noise: the queue is sized with Erlang C. */
export const MIN_ABANDONS_FOR_PATIENCE = 20;

/**
 * Mean patience of an exponential-patience queue from its history: Σ waiting time of all contacts /
 * abandons. The answered contacts' waits are censored patience (they would have waited at least that
 * long), which is why they count in the numerator: the plain mean time-to-abandon of the abandoned
 * ones alone is biased short (only the impatient show up in it). Null without enough abandons.
 */
export function patienceFromHistory(s: PatienceSample): number | null {
  if (s.abandoned < MIN_ABANDONS_FOR_PATIENCE || !(s.waitSeconds > 0)) return null;
  return Math.min(MAX_PATIENCE_SECONDS, Math.max(1, s.waitSeconds / s.abandoned));
}

export interface QueueCurveInput {
  queueId: string;
  /** 0-1. */
  slTarget: number;
  slThresholdSeconds: number;
  patienceSeconds: number | null;
  /** Routing priority 1-9: SLA importance in the roster's under-coverage cost. */
  priority?: number;
  contacts: readonly number[];
  ahtSeconds: readonly number[];
}

export interface RequirementsInput {
  intervalMinutes: number;
  queues: readonly QueueCurveInput[];
  /** Per agent, the queues it may serve: defines the pools. */
  eligibility: readonly (readonly string[])[];
  shrinkage: number;
  maxOccupancy: number;
}

export interface QueueRequirementRow {
  queueId: string;
  model: StaffingModel;
  standalone: number[];
  agents: number[];
  heads: number[];
  serviceLevel: number[];
  limitedBy: StaffingLimit[];
  pool: number;
}

export interface Requirements {
  queues: QueueRequirementRow[];
  pools: { queueIds: string[]; standalone: number[]; pooled: number[]; heads: number[] }[];
  /** For solveRoster. */
  roster: QueueRequirement[];
}

/** SLA importance from routing priority: 5 (the default) weighs 1, 9 weighs 1.4, 1 weighs 0.6. */
export function priorityWeight(priority = 5): number {
  return 0.5 + priority / 10;
}

/** A target of exactly 1 cannot be met by any finite team; the calculator's schema refuses it, stored queues allow 100%. */
const MAX_TARGET = 0.999;

export function buildRequirements(input: RequirementsInput): Requirements {
  const intervalSeconds = input.intervalMinutes * 60;
  const curves = input.queues.map((q) => ({
    queueId: q.queueId,
    targetServiceLevel: Math.min(MAX_TARGET, q.slTarget),
    thresholdSeconds: q.slThresholdSeconds,
    maxOccupancy: input.maxOccupancy,
    ...(q.patienceSeconds !== null ? { patienceSeconds: q.patienceSeconds } : {}),
    intervals: q.contacts.map((c, i) => ({ contacts: Math.max(0, c), ahtSeconds: q.ahtSeconds[i]! > 0 ? q.ahtSeconds[i]! : 1 })),
  }));
  const ids = input.queues.map((q) => q.queueId);
  const pools = poolsFromEligibility(ids, input.eligibility);
  const combined = combineCurves(intervalSeconds, curves, pools, input.shrinkage);
  const poolOf = new Map<string, number>();
  combined.pools.forEach((p, i) => p.queueIds.forEach((q) => poolOf.set(q, i)));
  const queues = combined.queues.map((row, qi) => {
    const curve = curves[qi]!;
    const serviceLevel: number[] = [];
    const limitedBy: StaffingLimit[] = [];
    // The standalone figures again for SL and the limiting rule (combineCurves keeps agents only);
    // cheap next to the pooled search.
    for (const iv of curve.intervals) {
      const r = agentsRequired({ ...iv, intervalSeconds, targetServiceLevel: curve.targetServiceLevel, thresholdSeconds: curve.thresholdSeconds, maxOccupancy: curve.maxOccupancy, patienceSeconds: curve.patienceSeconds });
      serviceLevel.push(r.serviceLevel);
      limitedBy.push(r.limitedBy);
    }
    return {
      queueId: row.queueId,
      model: (curve.patienceSeconds !== undefined ? "erlangA" : "erlangC") as StaffingModel,
      standalone: row.standalone,
      agents: row.agents,
      heads: row.heads,
      serviceLevel,
      limitedBy,
      pool: poolOf.get(row.queueId) ?? -1,
    };
  });
  const roster: QueueRequirement[] = queues.map((q, i) => ({
    queueId: q.queueId,
    required: q.heads,
    inSeat: q.agents.map((a) => Math.round(a * 1000) / 1000),
    weight: priorityWeight(input.queues[i]!.priority),
  }));
  return { queues, pools: combined.pools, roster };
}
