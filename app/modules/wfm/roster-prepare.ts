import {
  DAYS_PER_WEEK,
  DEFAULT_REST_MINUTES,
  DEFAULT_WEIGHTS,
  MINUTES_PER_DAY,
  NIGHT_END,
  NIGHT_MIN_MINUTES,
  NIGHT_START,
  type BreakRule,
  type Contract,
  type RosterInput,
  type RosterWeights,
  type ShiftTemplate,
} from "./roster-types";

/**
 * Derived, index-based form of a roster input shared by the optimiser, the assignment, the break
 * placer, the greedy baseline and the evaluation (not by the validator, which re-derives everything
 * from the raw input on purpose). An "option" is a (day, template) pair, numbered day·S + template.
 */

export interface CoverCell {
  /** Interval offset from the first interval of the shift's day (may exceed a day). */
  offset: number;
  /** Share of the interval worked: 1 (segments are on the grid). */
  full: number;
}

export interface PreparedTemplate {
  id: string;
  index: number;
  /** Minutes from the day's 00:00. */
  start: number;
  end: number;
  segments: { start: number; end: number }[];
  paidMinutes: number;
  night: boolean;
  days: boolean[];
  breaks: BreakRule[];
  cover: CoverCell[];
}

export interface PreparedContract {
  id: string;
  index: number;
  source: Contract;
  minRest: number;
  minDaysOff: number;
  maxNights: number;
  leaveCredit: number;
  /** Template index → may this contract work it (list and shift-length rule). */
  templateAllowed: boolean[];
}

export interface PreparedAgent {
  id: string;
  index: number;
  contract: PreparedContract;
  queues: number[];
  group: number;
  cls: number;
  leave: boolean[];
  /** Option (day·S + template) → allowed by contract, template days, leave, availability, carry-in. */
  allowed: Uint8Array;
  maxMinutes: number;
  minMinutes: number;
  targetMinutes: number;
  maxWorkDays: number;
  maxNights: number;
  /** Option → preference cost (negative: the agent likes it). */
  prefCost: Float64Array;
}

export interface PreparedGroup {
  key: string;
  queues: number[];
  agents: number[];
  classes: number[];
}

export interface PreparedClass {
  index: number;
  group: number;
  contract: PreparedContract;
  agents: number[];
}

export interface PreparedQueue {
  id: string;
  weight: number;
  /** Whole heads at work (the input rounded up). */
  required: Float64Array;
  /** Agents on the phones for the after-break report (the input's inSeat, else `required`). */
  inSeat: Float64Array;
}

export interface Prepared {
  interval: number;
  /** Intervals a day and a week. */
  ipd: number;
  slots: number;
  wrap: boolean;
  weights: Required<RosterWeights>;
  queues: PreparedQueue[];
  templates: PreparedTemplate[];
  contracts: PreparedContract[];
  agents: PreparedAgent[];
  groups: PreparedGroup[];
  classes: PreparedClass[];
  warnings: string[];
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

/** Minutes of [start, end) (day minutes, may pass midnight) inside 22:00-06:00. */
export function nightMinutes(segments: readonly { start: number; end: number }[]): number {
  let total = 0;
  for (const s of segments) {
    for (let day = -1; day <= 2; day++) {
      const base = day * MINUTES_PER_DAY;
      total += overlap(s.start, s.end, base + NIGHT_START, base + MINUTES_PER_DAY + NIGHT_END);
    }
  }
  return total;
}

function prepareTemplate(t: ShiftTemplate, index: number, interval: number): PreparedTemplate {
  const segments = t.segments.map((s) => ({ start: s.startMinute, end: s.startMinute + s.durationMinutes }));
  const start = segments[0]!.start;
  const end = segments[segments.length - 1]!.end;
  const paidMinutes = segments.reduce((sum, s) => sum + s.end - s.start, 0);
  const breaks = [...(t.breaks ?? [])];
  const cells = new Map<number, CoverCell>();
  for (const s of segments) {
    for (let j = Math.floor(s.start / interval); j * interval < s.end; j++) {
      const share = overlap(s.start, s.end, j * interval, (j + 1) * interval) / interval;
      const c = cells.get(j) ?? { offset: j, full: 0 };
      c.full += share;
      cells.set(j, c);
    }
  }
  const days = new Array<boolean>(DAYS_PER_WEEK).fill(t.days === undefined);
  for (const d of t.days ?? []) days[d] = true;
  return {
    id: t.id,
    index,
    start,
    end,
    segments,
    paidMinutes,
    night: t.night ?? nightMinutes(segments) >= NIGHT_MIN_MINUTES,
    days,
    breaks,
    cover: [...cells.values()].sort((a, b) => a.offset - b.offset),
  };
}

/** Week interval of a cover cell for a shift on `day`, or −1 when it falls outside a non-wrapping week. */
export function weekInterval(p: Prepared, day: number, offset: number): number {
  const t = day * p.ipd + offset;
  if (t < p.slots) return t;
  return p.wrap ? t % p.slots : -1;
}

/** Does a shift (day1, template1) leave less than `rest` minutes before (day2, template2)? day1 < day2. */
export function restConflict(a: PreparedTemplate, day1: number, b: PreparedTemplate, day2: number, rest: number): boolean {
  return day2 * MINUTES_PER_DAY + b.start - (day1 * MINUTES_PER_DAY + a.end) < rest;
}

export function prepare(input: RosterInput): Prepared {
  const interval = input.intervalMinutes ?? 30;
  const ipd = MINUTES_PER_DAY / interval;
  const slots = DAYS_PER_WEEK * ipd;
  const weights = { ...DEFAULT_WEIGHTS, ...input.weights };
  const warnings: string[] = [];
  // Whole heads: the model's coverage is then an interval matrix of 0/1 columns whose LP relaxation
  // is nearly integral (the gap to the LP bound stays small); fractional targets would make every
  // queue-interval pay a rounding loss the LP does not.
  const queues: PreparedQueue[] = input.requirements.map((r) => {
    const required = Float64Array.from(r.required, (v) => Math.max(0, Math.ceil(v - 1e-6)));
    return { id: r.queueId, weight: r.weight ?? 1, required, inSeat: r.inSeat ? Float64Array.from(r.inSeat) : Float64Array.from(required) };
  });
  const queueIndex = new Map(queues.map((q, i) => [q.id, i]));
  const templates = input.templates.map((t, i) => prepareTemplate(t, i, interval));
  const S = templates.length;
  const contracts: PreparedContract[] = input.contracts.map((c, index) => ({
    id: c.id,
    index,
    source: c,
    minRest: c.minRestMinutes ?? DEFAULT_REST_MINUTES,
    minDaysOff: c.minDaysOff ?? 1,
    maxNights: c.maxNightShifts,
    leaveCredit: c.leaveDayCreditMinutes ?? Math.round(c.maxWeeklyMinutes / 6),
    templateAllowed: templates.map(
      (t) => (c.templateIds === undefined || c.templateIds.includes(t.id)) && t.paidMinutes >= c.minShiftMinutes && t.paidMinutes <= c.maxShiftMinutes,
    ),
  }));
  const contractIndex = new Map(contracts.map((c) => [c.id, c]));

  const groupIndex = new Map<string, number>();
  const groups: PreparedGroup[] = [];
  const classIndex = new Map<string, number>();
  const classes: PreparedClass[] = [];
  const agents: PreparedAgent[] = [];
  const agentsWithoutQueues: string[] = [];

  input.agents.forEach((a) => {
    const contract = contractIndex.get(a.contractId);
    if (!contract) throw new RangeError(`roster: agent ${a.id} has an unknown contract`);
    const qs = [...new Set(a.queues.map((q) => queueIndex.get(q)).filter((q): q is number => q !== undefined))].sort((x, y) => x - y);
    const leave = new Array<boolean>(DAYS_PER_WEEK).fill(false);
    for (const d of a.leaveDays ?? []) leave[d] = true;
    const allowed = new Uint8Array(DAYS_PER_WEEK * S);
    const prefCost = new Float64Array(DAYS_PER_WEEK * S);
    const windows = (a.unavailable ?? []).map((w) => ({ start: w.day * MINUTES_PER_DAY + w.fromMinute, end: w.day * MINUTES_PER_DAY + w.toMinute }));
    const prefOff = new Set(a.preferences?.daysOff ?? []);
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      if (leave[d]) continue;
      for (const t of templates) {
        if (!contract.templateAllowed[t.index] || !t.days[d]) continue;
        const base = d * MINUTES_PER_DAY;
        if (windows.some((w) => t.segments.some((s) => overlap(base + s.start, base + s.end, w.start, w.end) > 0))) continue;
        if (a.previousShiftEnd !== undefined && base + t.start - a.previousShiftEnd < contract.minRest) continue;
        allowed[d * S + t.index] = 1;
        // Working a preferred day off costs 2 points; a template preference p earns p points.
        prefCost[d * S + t.index] = weights.preference * ((prefOff.has(d) ? 2 : 0) - (a.preferences?.templates?.[t.id] ?? 0));
      }
    }
    const leaveDays = leave.filter(Boolean).length;
    const credit = leaveDays * contract.leaveCredit;
    const c = contract.source;
    const maxMinutes = Math.max(0, c.maxWeeklyMinutes - credit);
    const workable = [...Array(DAYS_PER_WEEK).keys()].filter((d) => templates.some((t) => allowed[d * S + t.index])).length;
    const key = qs.join(",");
    let group = -1;
    let cls = -1;
    if (qs.length === 0) agentsWithoutQueues.push(a.id);
    else {
      group = groupIndex.get(key) ?? -1;
      if (group < 0) {
        group = groups.length;
        groupIndex.set(key, group);
        groups.push({ key, queues: qs, agents: [], classes: [] });
      }
      const classKey = `${group}|${contract.index}`;
      cls = classIndex.get(classKey) ?? -1;
      if (cls < 0) {
        cls = classes.length;
        classIndex.set(classKey, cls);
        classes.push({ index: cls, group, contract, agents: [] });
        groups[group]!.classes.push(cls);
      }
      groups[group]!.agents.push(agents.length);
      classes[cls]!.agents.push(agents.length);
    }
    agents.push({
      id: a.id,
      index: agents.length,
      contract,
      queues: qs,
      group,
      cls,
      leave,
      allowed,
      maxMinutes,
      minMinutes: Math.max(0, (c.minWeeklyMinutes ?? 0) - credit),
      targetMinutes: Math.min(maxMinutes, Math.max(0, (c.targetWeeklyMinutes ?? c.maxWeeklyMinutes) - credit)),
      maxWorkDays: Math.min(DAYS_PER_WEEK - contract.minDaysOff, workable),
      maxNights: contract.maxNights,
      prefCost,
    });
  });
  if (agentsWithoutQueues.length) warnings.push("agentWithoutQueues");
  const served = new Set(groups.flatMap((g) => g.queues));
  if (queues.some((q, i) => !served.has(i) && q.required.some((r) => r > 0))) warnings.push("queueWithoutAgents");
  return { interval, ipd, slots, wrap: input.wrap ?? true, weights, queues, templates, contracts, agents, groups, classes, warnings };
}

/**
 * The most paid minutes an agent can really reach: at most `maxWorkDays` shifts of the lengths its
 * contract allows, within the cap (44 h of 8-hour shifts is 40 h). Tightens the aggregated model,
 * which would otherwise plan 5.5 shifts per agent and leave half a shift nobody can take.
 */
export function reachableMaxMinutes(p: Prepared, agent: PreparedAgent): number {
  const S = p.templates.length;
  const lengths = [...new Set(p.templates.filter((t) => [...Array(DAYS_PER_WEEK).keys()].some((d) => agent.allowed[d * S + t.index])).map((t) => t.paidMinutes))];
  if (lengths.length === 0) return 0;
  const unit = p.interval;
  const cap = Math.floor(agent.maxMinutes / unit);
  // reach[k] = set of sums (in units) reachable with exactly k shifts.
  let reach = new Uint8Array(cap + 1);
  reach[0] = 1;
  let best = 0;
  for (let k = 1; k <= agent.maxWorkDays; k++) {
    const next = new Uint8Array(cap + 1);
    for (let v = 0; v <= cap; v++) {
      if (!reach[v]) continue;
      for (const len of lengths) {
        const w = v + len / unit;
        if (w <= cap) next[w] = 1;
      }
    }
    reach = next;
    for (let v = cap; v > best; v--) if (reach[v]) best = v;
  }
  return best * unit;
}
