import type { Highs } from "highs";
import { canTake } from "./roster-week";
import { placeBreaks } from "./roster-breaks";
import { emptyPlan, type WeekPlan } from "./roster-evaluate";
import { prepare, weekInterval, type Prepared } from "./roster-prepare";
import { report } from "./roster-report";
import { DAYS_PER_WEEK, type RosterInput, type RosterResult } from "./roster-types";

/**
 * A greedy roster: day by day, each agent (most hours still owed first) takes the legal template that
 * covers the most remaining requirement on its queues, if it covers enough to be worth a shift. The
 * benchmark's baseline, and a fallback should the solver be unavailable; it obeys every hard rule
 * (the same `canTake` check as the assignment's repair) but plans no further than today.
 */
export function greedyPlan(p: Prepared): WeekPlan {
  const S = p.templates.length;
  const plan = emptyPlan(p);
  const residual = p.queues.map((q) => Float64Array.from(q.required));
  const paid = new Float64Array(p.agents.length);
  for (let d = 0; d < DAYS_PER_WEEK; d++) {
    const order = p.agents.filter((a) => a.group >= 0).sort((x, y) => y.targetMinutes - paid[y.index]! - (x.targetMinutes - paid[x.index]!) || x.index - y.index);
    for (const a of order) {
      let best = -1;
      let bestGain = 0;
      for (let s = 0; s < S; s++) {
        if (!a.allowed[d * S + s] || !canTake(p, plan, a, d, s)) continue;
        const t = p.templates[s]!;
        let gain = 0;
        for (const c of t.cover) {
          const ti = weekInterval(p, d, c.offset);
          if (ti < 0) continue;
          let need = 0;
          for (const q of a.queues) need = Math.max(need, residual[q]![ti]! * p.queues[q]!.weight);
          gain += Math.min(c.full, need);
        }
        // Worth a shift only if at least half of it meets requirement.
        const intervals = t.paidMinutes / p.interval;
        if (gain >= 0.5 * intervals && gain > bestGain) {
          best = s;
          bestGain = gain;
        }
      }
      if (best < 0) continue;
      plan[a.index]![d] = best;
      paid[a.index]! += p.templates[best]!.paidMinutes;
      for (const c of p.templates[best]!.cover) {
        const ti = weekInterval(p, d, c.offset);
        if (ti < 0) continue;
        let q = a.queues[0]!;
        for (const r of a.queues) if (residual[r]![ti]! * p.queues[r]!.weight > residual[q]![ti]! * p.queues[q]!.weight) q = r;
        residual[q]![ti] = Math.max(0, residual[q]![ti]! - c.full);
      }
    }
  }
  return plan;
}

/** The greedy roster with breaks and the same report as the optimiser (no LP bound: 0). */
export function solveRosterGreedy(input: RosterInput, highs: Highs, lpBound = 0): RosterResult {
  const p = prepare(input);
  const plan = greedyPlan(p);
  const placed = placeBreaks(p, plan);
  return report(highs, input, p, plan, placed, { lpBound, status: "timeLimit", unassigned: 0, model: { classes: p.classes.length, groups: p.groups.length, columns: 0, rows: 0, integers: 0, patterns: 0, subclasses: 0, generationRounds: 0 } });
}
