import { bestWeek, canTake, minuteUnit } from "./roster-week";
import type { WeekPlan } from "./roster-evaluate";
import { weekInterval, type Prepared, type PreparedAgent } from "./roster-prepare";
import { DAYS_PER_WEEK } from "./roster-types";

/**
 * Local search after the assignment. The aggregated plan cannot see weekly sequences (after a night
 * shift only a late shift or a day off may follow), so a few planned shifts find no taker. Here
 * agents add, replace or drop shifts — every move re-checked against all hard rules — while that
 * lowers the objective: each queue's missing heads at their SLA-weighted cost, presence at the
 * over-coverage cost, hours below target, Friday work, preferences. A group's presence reaches its
 * queues in the proportions the optimiser's allocation gave it (`share[g][q·slots + t]`), so a surplus
 * of one group still counts where it covers another's gap on the same queue. Best improvement per
 * agent and day, in passes until nothing improves or time is up. Returns the number of moves.
 */
export function improvePlan(p: Prepared, plan: WeekPlan, share: readonly Float64Array[], deadline: number, now: () => number): number {
  const S = p.templates.length;
  const w = p.weights;
  const staffed = p.queues.map(() => new Float64Array(p.slots));
  const paid = new Float64Array(p.agents.length);
  const nights = new Float64Array(p.agents.length);
  const apply = (agent: number, d: number, s: number, sign: number) => {
    const a = p.agents[agent]!;
    paid[agent]! += sign * p.templates[s]!.paidMinutes;
    if (p.templates[s]!.night) nights[agent]! += sign;
    if (a.group < 0) return;
    const f = share[a.group]!;
    for (const c of p.templates[s]!.cover) {
      const t = weekInterval(p, d, c.offset);
      if (t < 0) continue;
      for (const q of p.groups[a.group]!.queues) staffed[q]![t]! += sign * c.full * f[q * p.slots + t]!;
    }
  };
  for (const a of p.agents) for (let d = 0; d < DAYS_PER_WEEK; d++) if (plan[a.index]![d]! >= 0) apply(a.index, d, plan[a.index]![d]!, 1);

  /** Objective change of adding (sign 1) or removing (−1) shift s on day d for agent a. */
  const delta = (agent: number, d: number, s: number, sign: number): number => {
    const a = p.agents[agent]!;
    const t = p.templates[s]!;
    const f = share[a.group]!;
    let change = 0;
    for (const c of t.cover) {
      const ti = weekInterval(p, d, c.offset);
      if (ti < 0) continue;
      change += w.over * sign * c.full;
      for (const q of p.groups[a.group]!.queues) {
        const part = c.full * f[q * p.slots + ti]!;
        if (part <= 0) continue;
        const R = p.queues[q]!.required[ti]!;
        const before = Math.max(0, R - staffed[q]![ti]!);
        const after = Math.max(0, R - staffed[q]![ti]! - sign * part);
        change += (w.under * p.queues[q]!.weight + w.over) * (after - before);
      }
    }
    const n = nights[agent]!;
    change += weekCost(p, a, paid[agent]! + sign * t.paidMinutes, n + (t.night ? sign : 0)) - weekCost(p, a, paid[agent]!, n);
    if (d === 6) change += sign * w.friday;
    change += sign * a.prefCost[d * S + s]!;
    return change;
  };

  let moves = 0;
  for (let pass = 0; pass < 20; pass++) {
    let improved = false;
    for (const a of p.agents) {
      if (a.group < 0) continue;
      for (let d = 0; d < DAYS_PER_WEEK; d++) {
        if (now() > deadline) return moves;
        const current = plan[a.index]![d]!;
        let best = current;
        let bestDelta = -1e-6;
        if (current >= 0) {
          plan[a.index]![d] = -1;
          apply(a.index, d, current, -1);
          const removal = -delta(a.index, d, current, 1);
          if (removal < bestDelta) {
            best = -1;
            bestDelta = removal;
          }
          for (let s = 0; s < S; s++) {
            if (s === current || !a.allowed[d * S + s] || !canTake(p, plan, a, d, s)) continue;
            const change = removal + delta(a.index, d, s, 1);
            if (change < bestDelta) {
              best = s;
              bestDelta = change;
            }
          }
          if (best >= 0) {
            plan[a.index]![d] = best;
            apply(a.index, d, best, 1);
          }
        } else {
          for (let s = 0; s < S; s++) {
            if (!a.allowed[d * S + s] || !canTake(p, plan, a, d, s)) continue;
            const change = delta(a.index, d, s, 1);
            if (change < bestDelta) {
              best = s;
              bestDelta = change;
            }
          }
          if (best >= 0) {
            plan[a.index]![d] = best;
            apply(a.index, d, best, 1);
          }
        }
        if (best !== current) {
          moves++;
          improved = true;
        }
      }
    }
    if (!improved) break;
  }
  return moves;
}

/**
 * Best response per agent: with everyone else's weeks fixed, the agent's whole week is re-planned by
 * the exact week DP (every individual rule holds by construction), each shift valued by what it adds
 * on the agent's queues at the current coverage (missing heads at their SLA-weighted cost, less the
 * presence's over-coverage cost, Friday work and preference), the week's totals by hours below
 * target and night shifts beyond the first. Kept when it beats the agent's current week under the same valuation; passes over all
 * agents until no agent changes or time is up. Returns the number of weeks changed.
 */
export function improveByWeeks(p: Prepared, plan: WeekPlan, share: readonly Float64Array[], deadline: number, now: () => number): number {
  const S = p.templates.length;
  const w = p.weights;
  const unit = minuteUnit(p);
  const staffed = p.queues.map(() => new Float64Array(p.slots));
  const apply = (agent: number, week: ArrayLike<number>, sign: number) => {
    const a = p.agents[agent]!;
    if (a.group < 0) return;
    const f = share[a.group]!;
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      const s = week[d]!;
      if (s < 0) continue;
      for (const c of p.templates[s]!.cover) {
        const t = weekInterval(p, d, c.offset);
        if (t < 0) continue;
        for (const q of p.groups[a.group]!.queues) staffed[q]![t]! += sign * c.full * f[q * p.slots + t]!;
      }
    }
  };
  for (const a of p.agents) apply(a.index, plan[a.index]!, 1);
  // Gain of one more agent of group g at interval t, at the current coverage.
  const gain = (g: number, t: number) => {
    const f = share[g]!;
    let v = -w.over;
    for (const q of p.groups[g]!.queues) {
      const part = f[q * p.slots + t]!;
      if (part <= 0) continue;
      const missing = p.queues[q]!.required[t]! - staffed[q]![t]!;
      if (missing > 0) v += (w.under * p.queues[q]!.weight + w.over) * Math.min(part, missing);
    }
    return v;
  };
  let changed = 0;
  for (let pass = 0; pass < 8; pass++) {
    let any = false;
    for (const a of p.agents) {
      if (a.group < 0) continue;
      if (now() > deadline) return changed;
      const old = Int16Array.from(plan[a.index]!);
      apply(a.index, old, -1);
      const valueOf = (d: number, s: number) => {
        let v = (d === 6 ? -w.friday : 0) - a.prefCost[d * S + s]!;
        for (const c of p.templates[s]!.cover) {
          const t = weekInterval(p, d, c.offset);
          if (t >= 0) v += c.full * gain(a.group, t);
        }
        return v;
      };
      const final = (minutes: number, nights: number) => (minutes < a.minMinutes ? Number.NEGATIVE_INFINITY : -weekCost(p, a, minutes, nights));
      let oldValue = 0;
      let oldMinutes = 0;
      let oldNights = 0;
      for (let d = 0; d < DAYS_PER_WEEK; d++) {
        const s = old[d]!;
        if (s < 0) continue;
        oldValue += valueOf(d, s);
        oldMinutes += p.templates[s]!.paidMinutes;
        if (p.templates[s]!.night) oldNights++;
      }
      oldValue += final(oldMinutes, oldNights);
      const best = bestWeek(p, a, valueOf, unit, final);
      if (best.value > oldValue + 1e-6) {
        plan[a.index] = Int16Array.from(best.week);
        changed++;
        any = true;
      }
      apply(a.index, plan[a.index]!, 1);
    }
    if (!any) break;
  }
  return changed;
}

/** The per-agent part of the objective: hours below target, and night shifts beyond the first (the k-th costs k − 1 units). */
export function weekCost(p: Prepared, a: PreparedAgent, minutes: number, nights: number): number {
  return (p.weights.hoursShortPerHour / 60) * Math.max(0, a.targetMinutes - minutes) + (p.weights.nightFairness * nights * Math.max(0, nights - 1)) / 2;
}
