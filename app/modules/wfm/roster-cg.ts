import type { Highs } from "highs";
import { weekCost } from "./roster-improve";
import { bestWeek, minuteUnit } from "./roster-week";
import type { WeekPlan } from "./roster-evaluate";
import { emptyPlan } from "./roster-evaluate";
import { LpBuilder } from "./roster-lp";
import { weekInterval, type Prepared, type PreparedAgent } from "./roster-prepare";

/**
 * Weekly patterns by column generation. A pattern is one agent's whole week (template per day or
 * off) satisfying every individual rule; agents with the same skill group, contract, allowed shifts
 * and limits (a "subclass") can take each other's patterns, so the model counts how many agents of a
 * subclass work each pattern. Unlike counts per day and template, a set of patterns is always
 * realisable: phase 2 only hands patterns to people.
 *
 * Pricing is the exact per-agent DP (roster-assign.ts `bestWeek`) with the master's duals as values.
 * The master is the split-coverage model (each group covers its share of each queue, as the full LP
 * allocated it): its LP re-solves in a fraction of a second, so generation converges in seconds.
 * The final integer solve then uses the full model — flexible allocation over each group's queues —
 * over the generated patterns.
 */

export interface Subclass {
  index: number;
  cls: number;
  group: number;
  agents: number[];
  /** Any member: all share allowed shifts and limits. */
  rep: PreparedAgent;
}

export interface Pattern {
  sub: number;
  week: Int16Array;
  cost: number;
  nights: number;
  /** (week interval, agents present) of the pattern, for its group. */
  cover: { t: number; v: number }[];
}

export function subclasses(p: Prepared): Subclass[] {
  const byKey = new Map<string, Subclass>();
  const out: Subclass[] = [];
  for (const a of p.agents) {
    if (a.group < 0) continue;
    const key = `${a.cls}|${a.maxMinutes}|${a.minMinutes}|${a.targetMinutes}|${a.maxWorkDays}|${a.maxNights}|${Array.from(a.allowed).join("")}`;
    let sc = byKey.get(key);
    if (!sc) {
      sc = { index: out.length, cls: a.cls, group: a.group, agents: [], rep: a };
      byKey.set(key, sc);
      out.push(sc);
    }
    sc.agents.push(a.index);
  }
  return out;
}

/** A pattern's own cost: presence at the over-coverage price, Friday work, hours below target, nights beyond the first. */
export function makePattern(p: Prepared, sub: Subclass, week: readonly number[]): Pattern {
  const w = p.weights;
  let cost = 0;
  let paid = 0;
  let nights = 0;
  const cells = new Map<number, number>();
  week.forEach((s, d) => {
    if (s < 0) return;
    const t = p.templates[s]!;
    paid += t.paidMinutes;
    if (t.night) nights++;
    if (d === 6) cost += w.friday;
    for (const c of t.cover) {
      const ti = weekInterval(p, d, c.offset);
      if (ti < 0) continue;
      cells.set(ti, (cells.get(ti) ?? 0) + c.full);
      cost += w.over * c.full;
    }
  });
  cost += weekCost(p, sub.rep, paid, nights);
  return { sub: sub.index, week: Int16Array.from(week), cost, nights, cover: [...cells].map(([t, v]) => ({ t, v })).sort((a, b) => a.t - b.t) };
}

export interface GenerationResult {
  subs: Subclass[];
  patterns: Pattern[];
  /** LP value of the split master over the final pool (not a bound of the full problem). */
  masterValue: number;
  iterations: number;
  /** The master's LP value of each pattern's count. */
  start: Float64Array;
  /** Whole pattern counts from diving on the split master (a start for the final solve). */
  integerStart: Float64Array | null;
}

/**
 * Column generation on the split master. `demand[g][q·slots + t]` is each group's share of each
 * queue's heads. Stops when no pattern prices out, or at the deadline.
 */
export function generatePatterns(
  highs: Highs,
  p: Prepared,
  demand: readonly Float64Array[],
  opts: { deadline: number; now: () => number; diveUntil?: number; seeds?: readonly { sub: number; week: readonly number[] }[] },
): GenerationResult {
  const w = p.weights;
  const subs = subclasses(p);
  const unit = minuteUnit(p);
  const lp = new LpBuilder();
  // Coverage rows per group and interval (≥ its share), with under-coverage per queue share.
  const coverRow = p.groups.map(() => new Int32Array(p.slots).fill(-1));
  p.groups.forEach((g, gi) => {
    for (let t = 0; t < p.slots; t++) {
      const idx: number[] = [];
      let total = 0;
      for (const q of g.queues) {
        const share = demand[gi]![q * p.slots + t]!;
        if (share <= 1e-9) continue;
        total += share;
        idx.push(lp.addCol(w.under * p.queues[q]!.weight + w.over, 0, share));
      }
      if (total > 0) coverRow[gi]![t] = lp.addRow(total, Number.POSITIVE_INFINITY, idx, idx.map(() => 1));
    }
  });
  const convexRow = subs.map((sc) => lp.addRow(0, sc.agents.length, [], []));
  const model = highs.createModel(lp.model(highs, false));
  const patterns: Pattern[] = [];
  const seen = new Set<string>();
  let iterations = 0;
  let masterValue = Number.POSITIVE_INFINITY;
  let start = new Float64Array(0);
  let integerStart: Float64Array | null = null;
  const firstPatternCol = lp.columns;
  try {
    model.options.set({ output_flag: false });
    const add = (batch: Pattern[]) => {
      if (!batch.length) return;
      const starts = [0];
      const indices: number[] = [];
      const values: number[] = [];
      for (const pt of batch) {
        const sc = subs[pt.sub]!;
        const rows = new Map<number, number>();
        for (const c of pt.cover) {
          const r = coverRow[sc.group]![c.t]!;
          if (r >= 0) rows.set(r, (rows.get(r) ?? 0) + c.v);
        }
        rows.set(convexRow[pt.sub]!, 1);
        for (const [r, v] of [...rows].sort((a, b) => a[0] - b[0])) {
          indices.push(r);
          values.push(v);
        }
        starts.push(indices.length);
        patterns.push(pt);
      }
      model.addCols({
        cost: Float64Array.from(batch.map((b) => b.cost)),
        lower: new Float64Array(batch.length),
        upper: Float64Array.from(batch.map((b) => subs[b.sub]!.agents.length)),
        matrix: { format: "csc", numRows: lp.rows, numCols: batch.length, starts: Int32Array.from(starts), indices: Int32Array.from(indices), values: Float64Array.from(values) },
      });
    };
    const fresh = (pt: Pattern) => {
      const key = `${pt.sub}:${pt.week.join(",")}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    };
    add((opts.seeds ?? []).map((s) => makePattern(p, subs[s.sub]!, s.week)).filter(fresh));
    /** One pricing round against the current duals; returns the new patterns added. */
    const price = (): number => {
      const dual = model.getSolution().rowDual;
      const batch: Pattern[] = [];
      for (const sc of subs) {
        const rows = coverRow[sc.group]!;
        const value = (d: number, s: number) => {
          const t = p.templates[s]!;
          let v = d === 6 ? -w.friday : 0;
          for (const c of t.cover) {
            const ti = weekInterval(p, d, c.offset);
            if (ti < 0) continue;
            v -= w.over * c.full;
            const r = rows[ti]!;
            if (r >= 0) v += dual[r]! * c.full;
          }
          return v;
        };
        const rep = sc.rep;
        const final = (minutes: number, nights: number) => (minutes < rep.minMinutes ? Number.NEGATIVE_INFINITY : -weekCost(p, rep, minutes, nights));
        const best = bestWeek(p, rep, value, unit, final);
        // −reduced cost = DP value + convexity dual (≤ 0).
        if (best.value + dual[convexRow[sc.index]!]! > 1e-6) {
          const pt = makePattern(p, sc, best.week);
          if (fresh(pt)) batch.push(pt);
        }
      }
      add(batch);
      return batch.length;
    };
    for (;;) {
      model.run();
      iterations++;
      masterValue = model.getObjectiveValue();
      if (opts.now() > opts.deadline || price() === 0) break;
    }
    if (!seen.size) model.run();
    const x = model.getSolution().colValue;
    start = Float64Array.from(patterns, (_, i) => x[firstPatternCol + i] ?? 0);
    // Dive (price-and-fix): fix pattern counts from the LP — every count's floor once it reaches 1,
    // else the largest fraction rounded up — re-solve, price again, until the counts are whole. Each
    // step keeps the LP feasible (the master always has the under-coverage columns), so it ends with
    // a whole roster close to the LP's value; the caller re-scores it with the flexible allocation.
    if (opts.diveUntil !== undefined && patterns.length) {
      const lower: number[] = patterns.map(() => 0);
      for (let step = 0; step < 4 * p.agents.length; step++) {
        const y = model.getSolution().colValue;
        let changed = false;
        let bestFrac = -1;
        let bestIdx = -1;
        for (let i = 0; i < patterns.length; i++) {
          const v = y[firstPatternCol + i] ?? 0;
          // Nearly whole counts are rounded up at once; the rest wait for their floor to reach 1.
          const f = v - Math.floor(v + 1e-6) >= 0.7 ? Math.ceil(v - 1e-6) : Math.floor(v + 1e-6);
          if (f > lower[i]!) {
            lower[i] = f;
            changed = true;
          }
          const frac = v - Math.floor(v + 1e-6);
          if (frac > 1e-6 && frac > bestFrac) {
            bestFrac = frac;
            bestIdx = i;
          }
        }
        if (bestIdx < 0) break; // integral
        if (!changed || opts.now() > opts.diveUntil) lower[bestIdx] = Math.floor((y[firstPatternCol + bestIdx] ?? 0) + 1e-6) + 1;
        if (opts.now() > opts.diveUntil) {
          // Out of time: round what is left up in one go.
          for (let i = 0; i < patterns.length; i++) {
            const v = y[firstPatternCol + i] ?? 0;
            if (v - lower[i]! > 0.5) lower[i] = Math.ceil(v - 1e-6);
          }
        }
        model.changeColsBounds(
          { kind: "range", from: firstPatternCol, to: firstPatternCol + lower.length - 1 },
          Float64Array.from(lower),
          Float64Array.from(lower, (_, i) => subs[patterns[i]!.sub]!.agents.length),
        );
        model.run();
        if (model.getModelStatus() !== highs.constants.modelStatus.optimal) break;
        if (opts.now() <= opts.diveUntil && price() > 0) {
          while (lower.length < patterns.length) lower.push(0); // new columns start free
          model.run();
        }
      }
      const z = model.getSolution().colValue;
      const counts = Float64Array.from(patterns, (_, i) => Math.round(z[firstPatternCol + i] ?? 0));
      // Never more agents on a subclass's patterns than it has.
      const ok = subs.every((sc) => patterns.reduce((s, pt, i) => s + (pt.sub === sc.index ? counts[i]! : 0), 0) <= sc.agents.length);
      if (ok && model.getModelStatus() === highs.constants.modelStatus.optimal) integerStart = counts;
    }
  } finally {
    model.dispose();
  }
  return { subs, patterns, masterValue, iterations, start, integerStart };
}

/** Hand each subclass's pattern counts to its agents, best preference first. */
export function assignPatterns(p: Prepared, subs: readonly Subclass[], patterns: readonly Pattern[], counts: ArrayLike<number>): WeekPlan {
  const S = p.templates.length;
  const plan = emptyPlan(p);
  const free = subs.map((sc) => new Set(sc.agents));
  patterns.forEach((pt, i) => {
    for (let k = Math.round(counts[i] ?? 0); k > 0; k--) {
      const pool = free[pt.sub]!;
      let best = -1;
      let bestCost = Number.POSITIVE_INFINITY;
      for (const ai of pool) {
        const a = p.agents[ai]!;
        let c = 0;
        pt.week.forEach((s, d) => s >= 0 && (c += a.prefCost[d * S + s]!));
        if (c < bestCost || (c === bestCost && ai < best)) {
          best = ai;
          bestCost = c;
        }
      }
      if (best < 0) break;
      pool.delete(best);
      plan[best] = Int16Array.from(pt.week);
    }
  });
  return plan;
}
