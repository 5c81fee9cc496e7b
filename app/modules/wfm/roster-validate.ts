import {
  DAYS_PER_WEEK,
  DEFAULT_REST_MINUTES,
  MINUTES_PER_DAY,
  NIGHT_END,
  NIGHT_MIN_MINUTES,
  NIGHT_START,
  type QueueCoverage,
  type RosterInput,
  type RosterShift,
  type RosterViolation,
} from "./roster-types";

/**
 * Independent check of a roster against every hard rule, from the raw input alone: it shares no
 * code with the model builder, so a modelling bug shows up here instead of being confirmed by the
 * code that made it. Used by the engine's report (which must show zero violations), by tests, and
 * later by the planner's hand edits (swap, move, add a shift) before publishing.
 */
export function validateRoster(input: RosterInput, shifts: readonly RosterShift[], coverage?: readonly QueueCoverage[]): RosterViolation[] {
  const out: RosterViolation[] = [];
  const interval = input.intervalMinutes ?? 30;
  const templates = new Map(input.templates.map((t) => [t.id, t]));
  const contracts = new Map(input.contracts.map((c) => [c.id, c]));
  const agents = new Map(input.agents.map((a) => [a.id, a]));
  const byAgent = new Map<string, RosterShift[]>();
  for (const s of shifts) {
    const agent = agents.get(s.agentId);
    if (!agent) {
      out.push({ code: "unknownAgent", agentId: s.agentId, day: s.day });
      continue;
    }
    const list = byAgent.get(s.agentId) ?? [];
    list.push(s);
    byAgent.set(s.agentId, list);
  }

  for (const [agentId, list] of byAgent) {
    const agent = agents.get(agentId)!;
    const contract = contracts.get(agent.contractId);
    if (!contract) continue;
    const rest = contract.minRestMinutes ?? DEFAULT_REST_MINUTES;
    const leave = new Set(agent.leaveDays ?? []);
    const credit = leave.size * (contract.leaveDayCreditMinutes ?? Math.round(contract.maxWeeklyMinutes / 6));
    let paid = 0;
    let nights = 0;
    const days = new Set<number>();
    for (const s of list) {
      const t = templates.get(s.templateId);
      if (!t) {
        out.push({ code: "unknownTemplate", agentId, day: s.day });
        continue;
      }
      const base = s.day * MINUTES_PER_DAY;
      const expected = t.segments.map((g) => ({ start: base + g.startMinute, end: base + g.startMinute + g.durationMinutes }));
      if (expected.length !== s.segments.length || expected.some((e, i) => e.start !== s.segments[i]!.start || e.end !== s.segments[i]!.end)) {
        out.push({ code: "segmentsMismatch", agentId, day: s.day });
      }
      const minutes = t.segments.reduce((sum, g) => sum + g.durationMinutes, 0);
      if (s.paidMinutes !== minutes) out.push({ code: "segmentsMismatch", agentId, day: s.day });
      if (t.days && !t.days.includes(s.day)) out.push({ code: "templateDay", agentId, day: s.day });
      if (contract.templateIds && !contract.templateIds.includes(t.id)) out.push({ code: "templateNotInContract", agentId, day: s.day });
      if (minutes < contract.minShiftMinutes || minutes > contract.maxShiftMinutes) out.push({ code: "shiftLength", agentId, day: s.day });
      if (days.has(s.day)) out.push({ code: "twoShiftsOneDay", agentId, day: s.day });
      days.add(s.day);
      if (leave.has(s.day)) out.push({ code: "leave", agentId, day: s.day });
      for (const w of agent.unavailable ?? []) {
        const w0 = w.day * MINUTES_PER_DAY + w.fromMinute;
        const w1 = w.day * MINUTES_PER_DAY + w.toMinute;
        if (expected.some((e) => e.start < w1 && w0 < e.end)) out.push({ code: "unavailable", agentId, day: s.day });
      }
      paid += minutes;
      const isNight = t.night ?? nightOverlap(expected) >= NIGHT_MIN_MINUTES;
      if (isNight) nights++;
      if (s.night !== isNight) out.push({ code: "segmentsMismatch", agentId, day: s.day });
      checkBreaks(out, agentId, s, t.breaks ?? [], expected);
    }
    const sorted = [...list].sort((a, b) => a.segments[0]!.start - b.segments[0]!.start);
    let previousEnd = agent.previousShiftEnd;
    for (const s of sorted) {
      const start = s.segments[0]!.start;
      const end = s.segments[s.segments.length - 1]!.end;
      if (previousEnd !== undefined) {
        if (start < previousEnd) out.push({ code: "overlap", agentId, day: s.day });
        else if (start - previousEnd < rest) out.push({ code: "rest", agentId, day: s.day });
      }
      previousEnd = Math.max(previousEnd ?? Number.NEGATIVE_INFINITY, end);
    }
    if (DAYS_PER_WEEK - days.size < (contract.minDaysOff ?? 1)) out.push({ code: "daysOff", agentId });
    if (paid > Math.max(0, contract.maxWeeklyMinutes - credit)) out.push({ code: "maxWeeklyMinutes", agentId });
    if (paid < (contract.minWeeklyMinutes ?? 0) - credit) out.push({ code: "minWeeklyMinutes", agentId });
    if (nights > contract.maxNightShifts) out.push({ code: "nightShifts", agentId });
  }

  if (coverage) checkCoverage(out, input, shifts, coverage, interval);
  return out;
}

function nightOverlap(segments: readonly { start: number; end: number }[]): number {
  let total = 0;
  for (const s of segments) {
    const dayStart = Math.floor(s.start / MINUTES_PER_DAY) * MINUTES_PER_DAY;
    for (let base = dayStart - MINUTES_PER_DAY; base <= dayStart + 2 * MINUTES_PER_DAY; base += MINUTES_PER_DAY) {
      total += Math.max(0, Math.min(s.end, base + MINUTES_PER_DAY + NIGHT_END) - Math.max(s.start, base + NIGHT_START));
    }
  }
  return total;
}

function checkBreaks(out: RosterViolation[], agentId: string, s: RosterShift, rules: NonNullable<RosterInput["templates"][number]["breaks"]>, work: { start: number; end: number }[]) {
  const shiftStart = work[0]!.start;
  const remaining = [...s.breaks];
  for (const rule of rules) {
    const i = remaining.findIndex((b) => b.kind === rule.kind && b.end - b.start === rule.durationMinutes);
    if (i < 0) {
      out.push({ code: "breakMissing", agentId, day: s.day });
      continue;
    }
    const b = remaining.splice(i, 1)[0]!;
    if (b.start < shiftStart + rule.earliestStartOffset || b.end > shiftStart + rule.latestEndOffset) out.push({ code: "breakOutsideWindow", agentId, day: s.day });
  }
  for (const b of s.breaks) {
    if (!work.some((w) => w.start <= b.start && b.end <= w.end)) out.push({ code: "breakOutsideWork", agentId, day: s.day });
  }
  const ordered = [...s.breaks].sort((a, b) => a.start - b.start);
  for (let i = 1; i < ordered.length; i++) if (ordered[i]!.start < ordered[i - 1]!.end) out.push({ code: "breakOverlap", agentId, day: s.day });
}

/**
 * Coverage must be explainable by eligible agents: per interval, no queue is staffed beyond the
 * agents at work who may serve it, and all queues together not beyond everyone at work.
 */
function checkCoverage(out: RosterViolation[], input: RosterInput, shifts: readonly RosterShift[], coverage: readonly QueueCoverage[], interval: number) {
  const slots = (DAYS_PER_WEEK * MINUTES_PER_DAY) / interval;
  const wrap = input.wrap ?? true;
  const agents = new Map(input.agents.map((a) => [a.id, a]));
  const known = new Set(input.requirements.map((r) => r.queueId));
  const perQueue = new Map<string, Float64Array>(coverage.map((c) => [c.queueId, new Float64Array(slots)]));
  const perQueueAtWork = new Map<string, Float64Array>(coverage.map((c) => [c.queueId, new Float64Array(slots)]));
  const anyQueue = new Float64Array(slots);
  const anyQueueAtWork = new Float64Array(slots);
  const add = (row: Float64Array, start: number, end: number, sign: number) => {
    for (let j = Math.floor(start / interval); j * interval < end; j++) {
      const t = j < slots ? j : wrap ? j % slots : -1;
      if (t < 0) continue;
      row[t]! += (sign * (Math.min(end, (j + 1) * interval) - Math.max(start, j * interval))) / interval;
    }
  };
  for (const s of shifts) {
    const a = agents.get(s.agentId);
    if (!a || !a.queues.some((q) => known.has(q))) continue;
    const rows = [anyQueue, ...a.queues.map((q) => perQueue.get(q)).filter((r): r is Float64Array => r !== undefined)];
    for (const row of rows) {
      for (const seg of s.segments) add(row, seg.start, seg.end, 1);
      for (const b of s.breaks) add(row, b.start, b.end, -1);
    }
    const atWork = [anyQueueAtWork, ...a.queues.map((q) => perQueueAtWork.get(q)).filter((r): r is Float64Array => r !== undefined)];
    for (const row of atWork) for (const seg of s.segments) add(row, seg.start, seg.end, 1);
  }
  const check = (field: "staffed" | "atWork", caps: Map<string, Float64Array>, all: Float64Array) => {
    const total = new Float64Array(slots);
    for (const c of coverage) {
      const cap = caps.get(c.queueId)!;
      for (let t = 0; t < slots; t++) {
        total[t]! += c[field][t]!;
        if (c[field][t]! > cap[t]! + 1e-6) out.push({ code: "coverageNotEligible", queueId: c.queueId, interval: t });
      }
    }
    for (let t = 0; t < slots; t++) if (total[t]! > all[t]! + 1e-6) out.push({ code: "coverageNotEligible", interval: t });
  };
  check("staffed", perQueue, anyQueue);
  check("atWork", perQueueAtWork, anyQueueAtWork);
}
