import { agentsRequired, erlangA, erlangB, erlangCFromB, scheduledHeads, type StaffingResult } from "./erlang";

/**
 * Staffing requirements for agents who serve several queues, often of different tenants (ADR 0008).
 *
 * Each queue is first sized alone (Erlang C, or Erlang A when it has a patience): the "standalone"
 * number, what a dedicated team would need. Queues that share agents form a pool; the pool is sized
 * as one FCFS queue carrying their summed workload, at the workload-weighted mean AHT, with every
 * queue's own target checked against the pool's common waiting-time law, and capped at the sum of
 * the standalone numbers (routing priorities can always fall back to splitting the pool). Each queue
 * then needs its standalone number scaled by the pool's factor pooled / Σ standalone — fractional
 * agents. For the roster, whole heads: the pool's agents after shrinkage, ceil(pooled / (1 − s)),
 * apportioned to its queues by largest remainder, so rounding happens once per pool and not once
 * per queue.
 *
 * Pure; the approximation and where it breaks are in docs/decisions/0008-wfm-multi-queue-staffing.md.
 */

export interface QueueLoad {
  queueId: string;
  contacts: number;
  ahtSeconds: number;
  targetServiceLevel: number;
  thresholdSeconds: number;
  maxOccupancy?: number;
  patienceSeconds?: number;
}

export interface QueueRequirement {
  queueId: string;
  /** The queue sized alone. */
  standalone: StaffingResult;
  /** Its share of the pool: standalone agents × the pool's factor (fractional). */
  agents: number;
  /** Whole agents to schedule for it: its share of the pool's heads after shrinkage. */
  heads: number;
}

export interface PoolRequirement {
  queueIds: string[];
  /** Σ standalone agents: a dedicated team per queue. */
  standaloneAgents: number;
  /** One pool meeting every queue's target, never more than standaloneAgents. */
  pooledAgents: number;
  /** pooled / standalone, in (0, 1]; 1 for a single queue or no saving. */
  poolingFactor: number;
  /** Each queue's service level if the pool of pooledAgents answered FCFS. */
  serviceLevels: Record<string, number>;
  /** ceil(pooledAgents / (1 − shrinkage)). */
  heads: number;
}

export interface CombinedInterval {
  queues: QueueRequirement[];
  pools: PoolRequirement[];
}

/**
 * Pools of queues that share agents: the connected components of "some agent serves both". A queue
 * no agent serves is a pool of its own (the roster will report it under-covered).
 */
export function poolsFromEligibility(queueIds: readonly string[], eligibility: readonly (readonly string[])[]): string[][] {
  const parent = new Map<string, string>(queueIds.map((q) => [q, q]));
  const find = (q: string): string => {
    let root = q;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let cur = q; cur !== root; ) {
      const next = parent.get(cur)!;
      parent.set(cur, root);
      cur = next;
    }
    return root;
  };
  for (const queues of eligibility) {
    const known = queues.filter((q) => parent.has(q));
    for (let i = 1; i < known.length; i++) parent.set(find(known[i]!), find(known[0]!));
  }
  const groups = new Map<string, string[]>();
  for (const q of queueIds) {
    const root = find(q);
    const g = groups.get(root) ?? [];
    g.push(q);
    groups.set(root, g);
  }
  return [...groups.values()];
}

/**
 * Requirements of one interval for queues grouped in pools (default: each queue alone). `shrinkage`
 * (breaks and other time off the phones, 0 ≤ s < 1) turns agents into heads.
 */
export function combineInterval(intervalSeconds: number, queues: readonly QueueLoad[], pools?: readonly (readonly string[])[], shrinkage = 0): CombinedInterval {
  const byId = new Map(queues.map((q) => [q.queueId, q]));
  const standalone = new Map<string, StaffingResult>();
  for (const q of queues) standalone.set(q.queueId, agentsRequired({ ...q, intervalSeconds }));
  const groups = pools ? pools.map((p) => p.filter((id) => byId.has(id))).filter((p) => p.length > 0) : queues.map((q) => [q.queueId]);
  const covered = new Set(groups.flat());
  for (const q of queues) if (!covered.has(q.queueId)) groups.push([q.queueId]);

  const resultQueues: QueueRequirement[] = [];
  const resultPools: PoolRequirement[] = [];
  for (const group of groups) {
    const members = group.map((id) => byId.get(id)!);
    const standaloneAgents = members.reduce((s, q) => s + standalone.get(q.queueId)!.agents, 0);
    const { agents: fcfs, serviceLevels } = members.length === 1 ? single(standalone.get(members[0]!.queueId)!, members[0]!) : pooledFcfs(intervalSeconds, members);
    const pooledAgents = Math.min(fcfs, standaloneAgents);
    const poolingFactor = standaloneAgents > 0 ? pooledAgents / standaloneAgents : 1;
    const heads = scheduledHeads(pooledAgents, shrinkage);
    resultPools.push({ queueIds: [...group], standaloneAgents, pooledAgents, poolingFactor, serviceLevels, heads });
    const shares = members.map((q) => standalone.get(q.queueId)!.agents * poolingFactor);
    const whole = apportion(shares, heads);
    members.forEach((q, i) => resultQueues.push({ queueId: q.queueId, standalone: standalone.get(q.queueId)!, agents: shares[i]!, heads: whole[i]! }));
  }
  const order = new Map(queues.map((q, i) => [q.queueId, i]));
  resultQueues.sort((a, b) => order.get(a.queueId)! - order.get(b.queueId)!);
  return { queues: resultQueues, pools: resultPools };
}

/** Largest-remainder apportionment of `total` whole units in proportion to `shares`. */
export function apportion(shares: readonly number[], total: number): number[] {
  const sum = shares.reduce((s, v) => s + v, 0);
  if (total <= 0 || sum <= 0) return shares.map(() => 0);
  const exact = shares.map((v) => (v * total) / sum);
  const out = exact.map((v) => Math.floor(v + 1e-9));
  let left = total - out.reduce((s, v) => s + v, 0);
  const order = exact.map((v, i) => ({ i, r: v - out[i]! })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) out[order[j]!.i]!++;
  return out;
}

function single(r: StaffingResult, q: QueueLoad) {
  return { agents: r.agents, serviceLevels: { [q.queueId]: r.serviceLevel } };
}

/**
 * One FCFS pool: every contact sees the same wait distribution, so queue q's service level at N is
 * the pool's P(wait ≤ T_q). Erlang A (at the contact-weighted mean patience) when every busy queue
 * has a patience, Erlang C otherwise.
 */
function pooledFcfs(intervalSeconds: number, members: readonly QueueLoad[]): { agents: number; serviceLevels: Record<string, number> } {
  const busy = members.filter((q) => q.contacts > 0);
  const serviceLevels: Record<string, number> = {};
  if (busy.length === 0) {
    for (const q of members) serviceLevels[q.queueId] = 1;
    return { agents: 0, serviceLevels };
  }
  const contacts = busy.reduce((s, q) => s + q.contacts, 0);
  const workSeconds = busy.reduce((s, q) => s + q.contacts * q.ahtSeconds, 0);
  const aht = workSeconds / contacts;
  const erlangs = workSeconds / intervalSeconds;
  const maxOccupancy = Math.min(...busy.map((q) => q.maxOccupancy ?? 1));
  const minByOccupancy = Math.ceil(erlangs / maxOccupancy - 1e-9);
  const withPatience = busy.every((q) => q.patienceSeconds !== undefined);

  const slAt = (n: number): Record<string, number> => {
    const out: Record<string, number> = {};
    if (withPatience) {
      const patienceSeconds = busy.reduce((s, q) => s + q.contacts * q.patienceSeconds!, 0) / contacts;
      for (const q of members) out[q.queueId] = erlangA(n, { contacts, intervalSeconds, ahtSeconds: aht, patienceSeconds, thresholdSeconds: q.thresholdSeconds }).serviceLevel;
    } else {
      const c = erlangCFromB(n, erlangs, erlangB(n, erlangs));
      for (const q of members) out[q.queueId] = n <= erlangs ? 0 : 1 - c * Math.exp((-(n - erlangs) * q.thresholdSeconds) / aht);
    }
    return out;
  };
  const meets = (n: number) => {
    if (n < minByOccupancy || (!withPatience && n <= erlangs)) return false;
    const sl = slAt(n);
    return busy.every((q) => sl[q.queueId]! >= q.targetServiceLevel);
  };
  // SL rises with N: double, then bisect. Each probe is one Erlang evaluation.
  let lo = withPatience ? 0 : Math.floor(erlangs);
  let hi = Math.max(lo + 1, minByOccupancy);
  while (!meets(hi)) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (meets(mid)) hi = mid;
    else lo = mid;
  }
  return { agents: hi, serviceLevels: slAt(hi) };
}

// ---------------------------------------------------------------------------------------------
// A week of intervals

export interface QueueCurve {
  queueId: string;
  targetServiceLevel: number;
  thresholdSeconds: number;
  maxOccupancy?: number;
  patienceSeconds?: number;
  /** Forecast per interval, all queues on the same grid. */
  intervals: readonly { contacts: number; ahtSeconds: number }[];
}

export interface CombinedCurves {
  /** Per queue and interval: standalone agents, its pooled share, and whole heads to schedule. */
  queues: { queueId: string; standalone: number[]; agents: number[]; heads: number[] }[];
  pools: { queueIds: string[]; standalone: number[]; pooled: number[]; heads: number[] }[];
}

/** combineInterval over every interval of aligned curves (e.g. a forecast week). */
export function combineCurves(intervalSeconds: number, curves: readonly QueueCurve[], pools?: readonly (readonly string[])[], shrinkage = 0): CombinedCurves {
  const length = Math.max(0, ...curves.map((c) => c.intervals.length));
  const zeros = () => new Array<number>(length).fill(0);
  const queues = curves.map((c) => ({ queueId: c.queueId, standalone: zeros(), agents: zeros(), heads: zeros() }));
  const index = new Map(curves.map((c, i) => [c.queueId, i]));
  let poolRows: CombinedCurves["pools"] | null = null;
  for (let t = 0; t < length; t++) {
    const loads: QueueLoad[] = curves.map((c) => {
      const iv = c.intervals[t] ?? { contacts: 0, ahtSeconds: 1 };
      return {
        queueId: c.queueId,
        contacts: iv.contacts,
        ahtSeconds: iv.ahtSeconds > 0 ? iv.ahtSeconds : 1,
        targetServiceLevel: c.targetServiceLevel,
        thresholdSeconds: c.thresholdSeconds,
        maxOccupancy: c.maxOccupancy,
        patienceSeconds: c.patienceSeconds,
      };
    });
    const r = combineInterval(intervalSeconds, loads, pools, shrinkage);
    for (const q of r.queues) {
      const row = queues[index.get(q.queueId)!]!;
      row.standalone[t] = q.standalone.agents;
      row.agents[t] = q.agents;
      row.heads[t] = q.heads;
    }
    poolRows ??= r.pools.map((p) => ({ queueIds: p.queueIds, standalone: zeros(), pooled: zeros(), heads: zeros() }));
    r.pools.forEach((p, i) => {
      poolRows![i]!.standalone[t] = p.standaloneAgents;
      poolRows![i]!.pooled[t] = p.pooledAgents;
      poolRows![i]!.heads[t] = p.heads;
    });
  }
  return { queues, pools: poolRows ?? [] };
}
