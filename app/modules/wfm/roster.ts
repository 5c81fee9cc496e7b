import type { Highs } from "highs";
import { improveByWeeks, improvePlan, weekCost } from "./roster-improve";
import { placeBreaks } from "./roster-breaks";
import { assignPatterns, generatePatterns, makePattern, type Pattern, type Subclass } from "./roster-cg";
import { addFullCoverage, emptyGroupTerms, type FullCoverage } from "./roster-coverage";
import { LpBuilder } from "./roster-lp";
import { prepare, reachableMaxMinutes, weekInterval, type Prepared, type PreparedAgent } from "./roster-prepare";
import { report } from "./roster-report";
import { allocate, objectiveParts, presenceFromPlan, type WeekPlan } from "./roster-evaluate";
import { DAYS_PER_WEEK, MINUTES_PER_DAY, type RosterInput, type RosterProgress, type RosterResult, type RosterStatus } from "./roster-types";

export * from "./roster-types";
export { validateRoster } from "./roster-validate";
export { report, toRosterShifts } from "./roster-report";
export { solveRosterGreedy } from "./roster-greedy";

/**
 * Weekly 24/7 roster: set covering on HiGHS, in four steps.
 *
 *  1. The compact model gives the lower bound. It counts how many agents of each class (same skill
 *     group and contract) work each template each day, covers every queue's heads per interval
 *     through an allocation of each group's working agents over the queues it may serve, and states
 *     each individual rule in an aggregate form that is necessary for it: capacity per day after
 *     leave, availability and carry-in; rest as Hall conditions between consecutive days; work days;
 *     the per-agent mix of shift kinds (paid length, night) within the weekly cap and night limit,
 *     priced exactly. It is a relaxation of the roster problem, so its LP value is a valid lower
 *     bound (interior point: the simplex is ten times slower on this degenerate LP).
 *  2. Column generation (roster-cg.ts) prices whole weekly patterns per subclass of interchangeable
 *     agents with an exact DP, against the compact LP's split of each queue's heads between groups,
 *     then dives (fix, re-solve, price) to whole pattern counts. Patterns are individually feasible
 *     by construction, so handing them to agents loses nothing.
 *  3. Best responses (roster-improve.ts): each agent's week re-planned by the same DP against the
 *     exact allocation of everyone else's, re-solved between rounds, then single-day moves.
 *  4. The final MIP: the full-allocation model over the patterns and the polished weeks, started from
 *     that roster and stopped within `targetGapToLpBound` of the bound or at the budget; its result
 *     is kept when it scores better. Breaks are placed last (roster-breaks.ts) and the report's
 *     violations come from an independent validator (roster-validate.ts).
 *
 * Objective, one currency (RosterWeights): under-coverage per agent-interval × SLA weight, over-
 * coverage, agents working Friday (days off fall on Friday where coverage allows), hours below
 * contract target, unfairness (an agent's k-th night shift costs k − 1 units), preferences.
 */

export interface RosterOptions {
  /** A loaded solver (see highs.ts `loadHighs`); injected so tests and workers share one instance. */
  highs: Highs;
  /** Wall-clock budget for the whole solve (default 55 s). */
  timeLimitSeconds?: number;
  /** Stop the final MIP once its own gap is below this (default 0.005). */
  mipRelGap?: number;
  /** Stop once the roster is within this share of the LP bound (default 0.01). */
  targetGapToLpBound?: number;
  onProgress?: (progress: RosterProgress) => void;
  /** Polled while optimising; true ends the search with the best roster so far. */
  shouldStop?: () => boolean;
  /** Monotonic milliseconds for the time budget (default performance.now); injectable for tests. */
  clock?: () => number;
}

export interface Aggregate extends FullCoverage {
  lp: LpBuilder;
  /** (class·7 + day)·S + template → column, or −1. */
  nCol: Int32Array;
}

/** Phase-1 (compact) model, for the LP bound and the demand split. */
export function buildAggregate(p: Prepared): Aggregate {
  const S = p.templates.length;
  const lp = new LpBuilder();
  const nCol = new Int32Array(p.classes.length * DAYS_PER_WEEK * S).fill(-1);
  const w = p.weights;
  const presenceOf = (d: number, s: number) => p.templates[s]!.cover.reduce((sum, c) => sum + (weekInterval(p, d, c.offset) >= 0 ? c.full : 0), 0);

  // n[k,d,s]: integer, at most the agents of the class allowed to work it; presence at the over price.
  for (const c of p.classes) {
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      for (let s = 0; s < S; s++) {
        let cap = 0;
        for (const ai of c.agents) if (p.agents[ai]!.allowed[d * S + s]) cap++;
        if (cap === 0) continue;
        nCol[(c.index * DAYS_PER_WEEK + d) * S + s] = lp.addCol((d === 6 ? w.friday : 0) + w.over * presenceOf(d, s), 0, cap, true);
      }
    }
  }
  const groupTerms = emptyGroupTerms(p);
  for (const c of p.classes) {
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      for (let s = 0; s < S; s++) {
        const col = nCol[(c.index * DAYS_PER_WEEK + d) * S + s]!;
        if (col < 0) continue;
        for (const cell of p.templates[s]!.cover) {
          const t = weekInterval(p, d, cell.offset);
          if (t < 0) continue;
          groupTerms[c.group]![t]!.idx.push(col);
          groupTerms[c.group]![t]!.val.push(cell.full);
        }
      }
    }
  }
  const coverage = addFullCoverage(lp, p, groupTerms);

  // Per class: the aggregated counterparts of the individual rules.
  for (const c of p.classes) {
    const col = (d: number, s: number) => nCol[(c.index * DAYS_PER_WEEK + d) * S + s]!;
    const members = c.agents.map((i) => p.agents[i]!);
    const all: number[] = [];
    const paid: number[] = [];
    const nights: number[] = [];
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      const today: number[] = [];
      for (let s = 0; s < S; s++) {
        const x = col(d, s);
        if (x < 0) continue;
        today.push(x);
        all.push(x);
        paid.push(p.templates[s]!.paidMinutes);
        if (p.templates[s]!.night) nights.push(x);
      }
      const available = members.filter((a) => p.templates.some((t) => a.allowed[d * S + t.index])).length;
      if (today.length > 1) lp.addRow(0, available, today, today.map(() => 1));
      if (d === 0) continue;
      // Rest (Hall): those ending at e or later yesterday and those starting too soon after e today
      // are different agents.
      const yesterday = [...Array(S).keys()].filter((s) => col(d - 1, s) >= 0);
      for (const e of new Set(yesterday.map((s) => p.templates[s]!.end))) {
        const left = yesterday.filter((s) => p.templates[s]!.end >= e);
        const right = [...Array(S).keys()].filter((s) => col(d, s) >= 0 && d * MINUTES_PER_DAY + p.templates[s]!.start - ((d - 1) * MINUTES_PER_DAY + e) < c.contract.minRest);
        if (!right.length) continue;
        const bound = members.filter((a) => left.some((s) => a.allowed[(d - 1) * S + s]) || right.some((s) => a.allowed[d * S + s])).length;
        const idx = [...left.map((s) => col(d - 1, s)), ...right.map((s) => col(d, s))];
        lp.addRow(0, bound, idx, idx.map(() => 1));
      }
    }
    if (all.length === 0) continue;
    addAvailabilityRows(lp, p, members, col);
    addPatternRows(lp, p, members, col);
    lp.addRow(0, members.reduce((s, a) => s + a.maxWorkDays, 0), all, all.map(() => 1));
    const minMinutes = members.reduce((s, a) => s + a.minMinutes, 0);
    lp.addRow(minMinutes, members.reduce((s, a) => s + reachableMaxMinutes(p, a), 0), all, paid);
    if (nights.length) lp.addRow(0, members.reduce((s, a) => s + a.maxNights, 0), nights, nights.map(() => 1));
  }
  return { lp, nCol, ...coverage };
}

/** Agents at work per group and interval in a compact-model solution. */
export function compactPresence(p: Prepared, agg: Aggregate, x: ArrayLike<number>): Float64Array[] {
  const S = p.templates.length;
  const out = p.groups.map(() => new Float64Array(p.slots));
  for (const c of p.classes) {
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      for (let s = 0; s < S; s++) {
        const col = agg.nCol[(c.index * DAYS_PER_WEEK + d) * S + s]!;
        const n = col >= 0 ? Math.max(0, x[col] ?? 0) : 0;
        if (n <= 0) continue;
        for (const cell of p.templates[s]!.cover) {
          const t = weekInterval(p, d, cell.offset);
          if (t >= 0) out[c.group]![t]! += n * cell.full;
        }
      }
    }
  }
  return out;
}

/**
 * What each group gives each queue per interval in a solution: its allocation columns, or all of its
 * presence where only one of its queues needed heads (the model had no choice to make there).
 */
function contributions(p: Prepared, cov: FullCoverage, x: ArrayLike<number>, presence: readonly Float64Array[]): Float64Array[] {
  const out = p.groups.map(() => new Float64Array(p.queues.length * p.slots));
  const allocated = p.groups.map(() => new Uint8Array(p.slots));
  for (const a of cov.allocation) {
    out[a.group]![a.queue * p.slots + a.t]! += Math.max(0, x[a.col] ?? 0);
    allocated[a.group]![a.t] = 1;
  }
  p.groups.forEach((g, gi) => {
    for (let t = 0; t < p.slots; t++) {
      if (allocated[gi]![t]) continue;
      const needy = g.queues.filter((q) => p.queues[q]!.required[t]! > 0);
      if (needy.length === 1) out[gi]![needy[0]! * p.slots + t]! += presence[gi]![t]!;
    }
  });
  return out;
}

/**
 * Splits every queue-interval's heads between the groups serving it as a solution allocated them;
 * what it left uncovered goes to the groups that could be at work then, in proportion to their size
 * (heads nobody can cover are the model's constant offset).
 */
export function splitDemand(p: Prepared, cov: FullCoverage, x: ArrayLike<number>, presence: readonly Float64Array[]): Float64Array[] {
  const contribution = contributions(p, cov, x, presence);
  const demand = p.groups.map(() => new Float64Array(p.queues.length * p.slots));
  const servedBy = p.queues.map(() => [] as number[]);
  p.groups.forEach((g, gi) => g.queues.forEach((q) => servedBy[q]!.push(gi)));
  for (let q = 0; q < p.queues.length; q++) {
    for (let t = 0; t < p.slots; t++) {
      const need = p.queues[q]!.required[t]!;
      const groups = servedBy[q]!.filter((g) => cov.coverable[g]![t]);
      if (need <= 0 || !groups.length) continue;
      const size = groups.reduce((s, g) => s + p.groups[g]!.agents.length, 0);
      const k = q * p.slots + t;
      const total = groups.reduce((s, g) => s + contribution[g]![k]!, 0);
      for (const g of groups) {
        const c = contribution[g]![k]!;
        demand[g]![k] = total >= need ? (need * c) / total : c + ((need - total) * p.groups[g]!.agents.length) / size;
      }
    }
  }
  return demand;
}

/**
 * Availability on one day, as Hall conditions for the usual nested shapes: shifts starting at or
 * before h can only go to agents allowed one of them (carry-in from last week, afternoon-only
 * students), and likewise for shifts starting at or after h (evening unavailability).
 */
function addAvailabilityRows(lp: LpBuilder, p: Prepared, members: readonly PreparedAgent[], col: (d: number, s: number) => number) {
  const S = p.templates.length;
  for (let d = 0; d < DAYS_PER_WEEK; d++) {
    const options = [...Array(S).keys()].filter((s) => col(d, s) >= 0);
    const starts = [...new Set(options.map((s) => p.templates[s]!.start))].sort((a, b) => a - b);
    const total = members.filter((a) => options.some((s) => a.allowed[d * S + s])).length;
    for (const h of starts) {
      for (const side of [(s: number) => p.templates[s]!.start <= h, (s: number) => p.templates[s]!.start >= h]) {
        const set = options.filter(side);
        if (set.length < 2 || set.length === options.length) continue;
        const able = members.filter((a) => set.some((s) => a.allowed[d * S + s])).length;
        if (able >= total) continue;
        const idx = set.map((s) => col(d, s));
        lp.addRow(0, able, idx, idx.map(() => 1));
      }
    }
  }
}
/**
 * The week's mix of shift kinds per agent, exactly: a kind is (paid minutes, night), an agent's
 * pattern a count per kind within its days, cap and night limit, priced as the objective prices a
 * week (hours below target, nights beyond the first). m[pattern] agents of the class take each
 * pattern, and the class's shifts of each kind equal what its patterns hold. Without it the aggregate
 * plans 5.5 eight-hour shifts per agent on a 44-hour contract, which nobody can work; with it the
 * per-agent costs enter the bound exactly.
 */
function addPatternRows(lp: LpBuilder, p: Prepared, members: readonly PreparedAgent[], col: (d: number, s: number) => number) {
  const S = p.templates.length;
  const kindKey = (s: number) => `${p.templates[s]!.paidMinutes}:${p.templates[s]!.night ? 1 : 0}`;
  const kinds = new Map<string, { minutes: number; night: boolean; cols: number[] }>();
  for (let d = 0; d < DAYS_PER_WEEK; d++) {
    for (let s = 0; s < S; s++) {
      const c = col(d, s);
      if (c < 0) continue;
      const key = kindKey(s);
      const k = kinds.get(key) ?? { minutes: p.templates[s]!.paidMinutes, night: p.templates[s]!.night, cols: [] };
      k.cols.push(c);
      kinds.set(key, k);
    }
  }
  const list = [...kinds.values()];
  const bySignature = new Map<string, { rep: PreparedAgent; count: number }>();
  for (const a of members) {
    const key = `${a.maxWorkDays}:${a.maxMinutes}:${a.minMinutes}:${a.targetMinutes}:${a.maxNights}`;
    const e = bySignature.get(key) ?? { rep: a, count: 0 };
    e.count++;
    bySignature.set(key, e);
  }
  const supply = list.map(() => ({ idx: [] as number[], val: [] as number[] }));
  for (const { rep, count } of bySignature.values()) {
    const m: number[] = [];
    const current = new Array<number>(list.length).fill(0);
    const walk = (i: number, days: number, minutes: number, nights: number) => {
      if (i === list.length) {
        if (minutes < rep.minMinutes) return;
        const column = lp.addCol(weekCost(p, rep, minutes, nights), 0, count, true);
        m.push(column);
        current.forEach((c, j) => {
          if (c > 0) {
            supply[j]!.idx.push(column);
            supply[j]!.val.push(-c);
          }
        });
        return;
      }
      const k = list[i]!;
      for (let c = 0; days + c <= rep.maxWorkDays && minutes + c * k.minutes <= rep.maxMinutes && (!k.night || nights + c <= rep.maxNights); c++) {
        current[i] = c;
        walk(i + 1, days + c, minutes + c * k.minutes, nights + (k.night ? c : 0));
      }
      current[i] = 0;
    };
    walk(0, 0, 0, 0);
    lp.addRow(count, count, m, m.map(() => 1));
  }
  list.forEach((k, i) => lp.addRow(0, 0, [...k.cols, ...supply[i]!.idx], [...k.cols.map(() => 1), ...supply[i]!.val]));
}

export interface PatternModel extends FullCoverage {
  lp: LpBuilder;
  /** Pattern i → its column. */
  cols: number[];
}

/** The final MIP: full allocation over the generated patterns, a count of agents per pattern. */
export function buildPatternModel(p: Prepared, subs: readonly Subclass[], patterns: readonly Pattern[]): PatternModel {
  const lp = new LpBuilder();
  const groupTerms = emptyGroupTerms(p);
  const cols = patterns.map((pt) => {
    const col = lp.addCol(pt.cost, 0, subs[pt.sub]!.agents.length, true);
    const g = subs[pt.sub]!.group;
    for (const c of pt.cover) {
      groupTerms[g]![c.t]!.idx.push(col);
      groupTerms[g]![c.t]!.val.push(c.v);
    }
    return col;
  });
  const coverage = addFullCoverage(lp, p, groupTerms);
  subs.forEach((sc) => {
    const mine = patterns.map((pt, i) => (pt.sub === sc.index ? cols[i]! : -1)).filter((c) => c >= 0);
    if (mine.length) lp.addRow(0, sc.agents.length, mine, mine.map(() => 1));
  });
  return { lp, cols, ...coverage };
}

/**
 * Integer pattern counts close to the master's LP: per subclass, floors first, then the agents left
 * over go to the patterns with the largest fractional parts (never beyond the LP's rounded-up count).
 */
export function roundedStart(subs: readonly Subclass[], patterns: readonly Pattern[], lp: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(patterns, (_, i) => Math.floor((lp[i] ?? 0) + 1e-6));
  for (const sc of subs) {
    const mine = patterns.map((pt, i) => i).filter((i) => patterns[i]!.sub === sc.index);
    const lpTotal = mine.reduce((s, i) => s + (lp[i] ?? 0), 0);
    let left = Math.min(sc.agents.length, Math.round(lpTotal)) - mine.reduce((s, i) => s + out[i]!, 0);
    const byFraction = mine.filter((i) => (lp[i] ?? 0) - out[i]! > 1e-6).sort((a, b) => (lp[b] ?? 0) - out[b]! - ((lp[a] ?? 0) - out[a]!) || a - b);
    for (const i of byFraction) {
      if (left <= 0) break;
      out[i]!++;
      left--;
    }
  }
  return out;
}

/** Solve a weekly roster. See RosterInput for the rules and RosterReport for what comes back. */
export async function solveRoster(input: RosterInput, options: RosterOptions): Promise<RosterResult> {
  const { highs } = options;
  const clock = options.clock ?? (() => performance.now());
  const t0 = clock();
  const budgetMs = (options.timeLimitSeconds ?? 55) * 1000;
  const deadline = t0 + budgetMs;
  let lastFraction = 0;
  const progress = (phase: RosterProgress["phase"], fraction: number, extra: Partial<RosterProgress> = {}) => {
    lastFraction = Math.max(lastFraction, Math.min(1, fraction));
    options.onProgress?.({ phase, fraction: lastFraction, ...extra });
  };
  const ms = highs.constants.modelStatus;
  const cb = highs.constants.callbackType;

  progress("prepare", 0);
  const p = prepare(input);
  const compact = buildAggregate(p);
  const tPrepared = clock();
  progress("lowerBound", 0.05);

  // 1. The bound, and the LP's allocation of heads between groups.
  let lpBound = compact.offset;
  let lpX: Float64Array = new Float64Array(0);
  highs.withModel(compact.lp.model(highs, false), (m) => {
    m.options.set({ output_flag: false, solver: "ipm", run_crossover: "off" });
    m.run();
    lpBound += m.getObjectiveValue();
    lpX = m.getSolution().colValue;
  });
  const demand = splitDemand(p, compact, lpX, compactPresence(p, compact, lpX));
  const tLp = clock();
  progress("optimise", 0.12);

  // 2. Patterns (a third of the time left), then a whole roster by diving (another quarter).
  const generation = generatePatterns(highs, p, demand, { deadline: tLp + 0.35 * (deadline - tLp), now: clock, diveUntil: tLp + 0.6 * (deadline - tLp) });
  progress("optimise", 0.35);

  // 3. A whole roster from the dive, polished by best responses against the exact allocation.
  const subOf = new Int32Array(p.agents.length).fill(-1);
  for (const sc of generation.subs) for (const ai of sc.agents) subOf[ai] = sc.index;
  const score = (pl: WeekPlan) => {
    const a = allocate(highs, p, presenceFromPlan(p, pl));
    return { total: objectiveParts(p, pl, a.coverageCost).total, shares: a.groupShares };
  };
  const polishPlan = (pl: WeekPlan, until: number) => {
    let shares = score(pl).shares;
    for (let round = 0; round < 4 && clock() < until; round++) {
      const changed = improveByWeeks(p, pl, shares, until, clock);
      if (changed === 0) break;
      shares = score(pl).shares;
    }
    improvePlan(p, pl, shares, until, clock);
  };
  let plan = assignPatterns(p, generation.subs, generation.patterns, generation.integerStart ?? roundedStart(generation.subs, generation.patterns, generation.start));
  polishPlan(plan, Math.min(deadline - 1000, clock() + 0.15 * budgetMs));
  let best = score(plan).total;
  progress("optimise", 0.55, { objective: best });

  // 4. The final MIP (full allocation) over the patterns plus the polished weeks, started from that
  // roster and stopped once within targetGap of the bound or at the budget.
  const patterns = [...generation.patterns];
  const known = new Map(patterns.map((pt, i) => [`${pt.sub}:${pt.week.join(",")}`, i]));
  const start: number[] = [];
  for (const a of p.agents) {
    if (subOf[a.index]! < 0 || !plan[a.index]!.some((s) => s >= 0)) continue;
    const key = `${subOf[a.index]}:${plan[a.index]!.join(",")}`;
    let i = known.get(key);
    if (i === undefined) {
      i = patterns.length;
      patterns.push(makePattern(p, generation.subs[subOf[a.index]!]!, Array.from(plan[a.index]!)));
      known.set(key, i);
    }
    start[i] = (start[i] ?? 0) + 1;
  }
  const startCounts = Float64Array.from(patterns, (_, i) => start[i] ?? 0);
  const model = buildPatternModel(p, generation.subs, patterns);
  const targetGap = options.targetGapToLpBound ?? 0.01;
  const reserveMs = Math.min(0.1 * budgetMs, 1000 + 8 * p.agents.length);
  let status: RosterStatus = best <= lpBound * (1 + targetGap) ? "gapReached" : "timeLimit";
  const mipSeconds = (deadline - clock() - reserveMs) / 1000;
  if (status !== "gapReached" && mipSeconds > 2 && !options.shouldStop?.()) {
    highs.withModel({ ...model.lp.model(highs, true), offset: model.offset }, (m) => {
      m.options.set({ output_flag: false, time_limit: mipSeconds, mip_rel_gap: options.mipRelGap ?? 0.005, mip_lp_solver: "ipm", mip_heuristic_effort: 0.2, random_seed: 0 });
      m.setSolution({ indices: Int32Array.from(model.cols), values: startCounts });
      const startedAt = clock();
      let incumbent = Number.POSITIVE_INFINITY;
      const run = m.run({
        [cb.mipImprovingSolution]: (e) => {
          incumbent = e.data.objective_function_value ?? Number.POSITIVE_INFINITY;
          progress("optimise", 0.55 + 0.3 * Math.min(1, (clock() - startedAt) / 1000 / mipSeconds), { objective: incumbent, mipGap: e.data.mip_gap });
        },
        [cb.mipInterrupt]: (e) => {
          if (options.shouldStop?.() || incumbent <= lpBound * (1 + targetGap) + 1e-9) e.interrupt();
        },
      });
      const x = m.getSolution().colValue;
      const gap = m.info.get("mip_gap") as number;
      status =
        run.modelStatus === ms.optimal
          ? gap > 1e-6
            ? "gapReached"
            : "optimal"
          : run.modelStatus === ms.interrupted
            ? options.shouldStop?.()
              ? "interrupted"
              : "gapReached"
            : "timeLimit";
      if (x.length && m.getObjectiveValue() < best - 1e-6) {
        const candidate = assignPatterns(p, generation.subs, patterns, Float64Array.from(model.cols, (c) => Math.round(x[c] ?? 0)));
        const candidateScore = score(candidate).total;
        if (candidateScore < best) {
          plan = candidate;
          best = candidateScore;
        }
      }
    });
  }
  const tMip = clock();
  progress("assign", 0.85);
  const polished = plan.map((w) => Int16Array.from(w));
  polishPlan(polished, Math.max(deadline - 300, clock() + 200));
  if (score(polished).total < best) plan = polished;
  const tAssign = clock();
  progress("breaks", 0.92);

  const placed = placeBreaks(p, plan);
  const tBreaks = clock();
  progress("report", 0.95);

  const result = report(highs, input, p, plan, placed, {
    lpBound,
    status,
    unassigned: 0,
    model: { classes: p.classes.length, groups: p.groups.length, columns: compact.lp.columns, rows: compact.lp.rows, integers: compact.lp.integers, patterns: patterns.length, subclasses: generation.subs.length, generationRounds: generation.iterations },
  });
  const tEnd = clock();
  result.report.timingsMs = {
    prepare: tPrepared - t0,
    lowerBound: tLp - tPrepared,
    optimise: tMip - tLp,
    assign: tAssign - tMip,
    breaks: tBreaks - tAssign,
    report: tEnd - tBreaks,
    total: tEnd - t0,
  };
  progress("report", 1);
  return result;
}
