import type { Highs } from "highs";
import { LpBuilder } from "./roster-lp";
import { weekInterval, type Prepared } from "./roster-prepare";
import { DAYS_PER_WEEK, MINUTES_PER_DAY, type RosterBreak } from "./roster-types";

/**
 * How good a roster is: per interval, the agents at work are spread over the queues they may serve
 * so as to leave the least weighted under-coverage (a small LP: each working agent-interval goes to
 * one eligible queue, fractions allowed, as a blended ACD would route), then the roster's objective
 * with the same terms the optimiser minimises. Shared by the optimiser's report and the greedy
 * baseline, so both are scored alike.
 */

/** Template index per day (−1: off), one row per agent. */
export type WeekPlan = Int16Array[];

export function emptyPlan(p: Prepared): WeekPlan {
  return p.agents.map(() => new Int16Array(DAYS_PER_WEEK).fill(-1));
}

/** Agents at work per group and interval (breaks not yet placed). */
export function presenceFromPlan(p: Prepared, plan: WeekPlan): Float64Array[] {
  const out = p.groups.map(() => new Float64Array(p.slots));
  for (const a of p.agents) {
    if (a.group < 0) continue;
    const row = out[a.group]!;
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      const s = plan[a.index]![d]!;
      if (s < 0) continue;
      for (const c of p.templates[s]!.cover) {
        const t = weekInterval(p, d, c.offset);
        if (t >= 0) row[t]! += c.full;
      }
    }
  }
  return out;
}

export interface PlacedShift {
  agent: number;
  day: number;
  template: number;
  breaks: readonly RosterBreak[];
}

/** Exact presence once breaks are placed (a 15-minute break takes half of a 30-minute interval). */
export function presenceFromShifts(p: Prepared, shifts: readonly PlacedShift[]): Float64Array[] {
  const out = p.groups.map(() => new Float64Array(p.slots));
  const add = (row: Float64Array, start: number, end: number, sign: number) => {
    for (let j = Math.floor(start / p.interval); j * p.interval < end; j++) {
      const share = (Math.min(end, (j + 1) * p.interval) - Math.max(start, j * p.interval)) / p.interval;
      const t = j < p.slots ? j : p.wrap ? j % p.slots : -1;
      if (t >= 0 && share > 0) row[t]! += sign * share;
    }
  };
  for (const sh of shifts) {
    const a = p.agents[sh.agent]!;
    if (a.group < 0) continue;
    const row = out[a.group]!;
    const base = sh.day * MINUTES_PER_DAY;
    for (const seg of p.templates[sh.template]!.segments) add(row, base + seg.start, base + seg.end, 1);
    for (const b of sh.breaks) add(row, b.start, b.end, -1);
  }
  return out;
}

export interface Allocation {
  /** Per queue and interval. */
  staffed: Float64Array[];
  under: Float64Array[];
  over: Float64Array[];
  underTotal: number;
  overTotal: number;
  /** Σ weight·under·u + over·o: the coverage part of the objective. */
  coverageCost: number;
  underQueueIntervals: number;
  /**
   * Per group, the share of its presence the allocation gave each queue ([q·slots + t]); where it
   * gave nothing (pure surplus), an even spread over the queues needing heads then.
   */
  groupShares: Float64Array[];
}

/** Spread presence over queues against `target` ("required": heads at work; "inSeat": on the phones). */
export function allocate(highs: Highs, p: Prepared, presence: readonly Float64Array[], target: "required" | "inSeat" = "required"): Allocation {
  const Q = p.queues.length;
  const lp = new LpBuilder();
  const need = (q: number) => (target === "required" ? p.queues[q]!.required : p.queues[q]!.inSeat);
  const rhs = p.queues.map((_, q) => Float64Array.from(need(q)));
  const rowCols: number[][][] = p.queues.map(() => Array.from({ length: p.slots }, () => [] as number[]));
  const groupRows: { cols: number[]; w: number; g: number; t: number; queues: number[] }[] = [];
  p.groups.forEach((g, gi) => {
    const w = presence[gi]!;
    for (let t = 0; t < p.slots; t++) {
      const v = w[t]!;
      if (v <= 1e-9) continue;
      if (g.queues.length === 1) {
        rhs[g.queues[0]!]![t]! -= v;
        continue;
      }
      const cols = g.queues.map((q) => {
        const c = lp.addCol(0, 0, Number.POSITIVE_INFINITY);
        rowCols[q]![t]!.push(c);
        return c;
      });
      groupRows.push({ cols, w: v, g: gi, t, queues: g.queues });
    }
  });
  for (const r of groupRows) lp.addRow(r.w, r.w, r.cols, r.cols.map(() => 1));
  const uCol: Int32Array[] = p.queues.map(() => new Int32Array(p.slots).fill(-1));
  const oCol: Int32Array[] = p.queues.map(() => new Int32Array(p.slots).fill(-1));
  for (let q = 0; q < Q; q++) {
    const queue = p.queues[q]!;
    const required = need(q);
    for (let t = 0; t < p.slots; t++) {
      const cols = rowCols[q]![t]!;
      const r = required[t]!;
      if (cols.length === 0) continue; // settled below without the LP
      const u = r > 0 ? lp.addCol(p.weights.under * queue.weight, 0, r) : -1;
      const o = lp.addCol(p.weights.over, 0, Number.POSITIVE_INFINITY);
      uCol[q]![t] = u;
      oCol[q]![t] = o;
      const idx = [...cols, o];
      const val = [...cols.map(() => 1), -1];
      if (u >= 0) {
        idx.push(u);
        val.push(1);
      }
      lp.addRow(rhs[q]![t]!, rhs[q]![t]!, idx, val);
    }
  }
  let x: Float64Array = new Float64Array(0);
  if (lp.columns > 0) {
    x = highs.withModel(lp.model(highs, false), (m) => {
      m.options.set({ output_flag: false });
      m.run();
      return m.getSolution().colValue;
    });
  }
  const staffed: Float64Array[] = [];
  const under: Float64Array[] = [];
  const over: Float64Array[] = [];
  let underTotal = 0;
  let overTotal = 0;
  let coverageCost = 0;
  let underQueueIntervals = 0;
  for (let q = 0; q < Q; q++) {
    const queue = p.queues[q]!;
    const s = new Float64Array(p.slots);
    const u = new Float64Array(p.slots);
    const o = new Float64Array(p.slots);
    const required = need(q);
    for (let t = 0; t < p.slots; t++) {
      const r = required[t]!;
      if (uCol[q]![t]! >= 0 || oCol[q]![t]! >= 0) {
        u[t] = uCol[q]![t]! >= 0 ? Math.max(0, x[uCol[q]![t]!]!) : 0;
        o[t] = Math.max(0, x[oCol[q]![t]!]!);
      } else {
        // Only single-queue groups (or nobody) cover this queue-interval: no choice to make.
        const gap = rhs[q]![t]!;
        u[t] = Math.max(0, gap);
        o[t] = Math.max(0, -gap);
      }
      s[t] = r - u[t]! + o[t]!;
      underTotal += u[t]!;
      overTotal += o[t]!;
      coverageCost += p.weights.under * queue.weight * u[t]! + p.weights.over * o[t]!;
      if (u[t]! > 0.05) underQueueIntervals++;
    }
    staffed.push(s);
    under.push(u);
    over.push(o);
  }
  const groupShares = p.groups.map((g) => {
    const f = new Float64Array(Q * p.slots);
    for (let t = 0; t < p.slots; t++) {
      const needy = g.queues.filter((q) => need(q)[t]! > 0);
      const spread = needy.length ? needy : g.queues;
      for (const q of spread) f[q * p.slots + t] = 1 / spread.length;
    }
    return f;
  });
  for (const r of groupRows) {
    const ys = r.cols.map((c) => Math.max(0, x[c] ?? 0));
    // Only what the allocation could use (up to each queue's need) steers the shares.
    const total = ys.reduce((s, v) => s + v, 0);
    if (total <= 1e-9) continue;
    r.queues.forEach((q, i) => (groupShares[r.g]![q * p.slots + r.t] = ys[i]! / total));
  }
  return { staffed, under, over, underTotal, overTotal, coverageCost, underQueueIntervals, groupShares };
}

export interface ObjectiveParts {
  coverage: number;
  friday: number;
  hoursShort: number;
  nightFairness: number;
  total: number;
}

/**
 * The roster objective's terms besides coverage, per agent exactly as the models price a week:
 * Friday work, hours below target, night shifts beyond the first.
 */
export function objectiveParts(p: Prepared, plan: WeekPlan, coverageCost: number): ObjectiveParts {
  let fridayShifts = 0;
  let minutesShort = 0;
  let nightUnits = 0;
  for (const a of p.agents) {
    let paid = 0;
    let nights = 0;
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      const s = plan[a.index]![d]!;
      if (s < 0) continue;
      const t = p.templates[s]!;
      paid += t.paidMinutes;
      if (t.night) nights++;
      if (d === 6) fridayShifts++;
    }
    if (a.group < 0) continue;
    minutesShort += Math.max(0, a.targetMinutes - paid);
    nightUnits += (nights * Math.max(0, nights - 1)) / 2;
  }
  const friday = p.weights.friday * fridayShifts;
  const hours = (p.weights.hoursShortPerHour / 60) * minutesShort;
  const night = p.weights.nightFairness * nightUnits;
  return { coverage: coverageCost, friday, hoursShort: hours, nightFairness: night, total: coverageCost + friday + hours + night };
}
