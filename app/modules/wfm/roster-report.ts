import type { Highs } from "highs";
import { allocate, objectiveParts, presenceFromPlan, presenceFromShifts, type PlacedShift, type WeekPlan } from "./roster-evaluate";
import type { Prepared } from "./roster-prepare";
import { validateRoster } from "./roster-validate";
import { MINUTES_PER_DAY, type RosterInput, type RosterResult, type RosterShift, type RosterStatus } from "./roster-types";

/** Shifts as the API returns them. */
export function toRosterShifts(p: Prepared, placed: readonly PlacedShift[]): RosterShift[] {
  return placed.map((sh) => {
    const t = p.templates[sh.template]!;
    const base = sh.day * MINUTES_PER_DAY;
    return {
      agentId: p.agents[sh.agent]!.id,
      day: sh.day,
      templateId: t.id,
      segments: t.segments.map((g) => ({ start: base + g.start, end: base + g.end })),
      breaks: sh.breaks.map((b) => ({ ...b })),
      paidMinutes: t.paidMinutes,
      night: t.night,
    };
  });
}

/**
 * Scores a finished plan the way the optimiser does and fills the report. Exported so the greedy
 * baseline (and later a planner's hand-edited roster) get the same figures.
 */
export function report(
  highs: Highs,
  input: RosterInput,
  p: Prepared,
  plan: WeekPlan,
  placed: readonly PlacedShift[],
  extra: { lpBound: number; status: RosterStatus; unassigned: number; model: RosterResult["report"]["model"] },
): RosterResult {
  const modelAlloc = allocate(highs, p, presenceFromPlan(p, plan));
  const parts = objectiveParts(p, plan, modelAlloc.coverageCost);
  const realAlloc = allocate(highs, p, presenceFromShifts(p, placed), "inSeat");
  const shifts = toRosterShifts(p, placed);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const coverage = p.queues.map((q, i) => ({
    queueId: q.id,
    required: Array.from(q.required),
    ...(input.requirements[i]?.inSeat ? { inSeat: Array.from(q.inSeat) } : {}),
    atWork: Array.from(modelAlloc.staffed[i]!, round),
    staffed: Array.from(realAlloc.staffed[i]!, round),
  }));
  const hardViolations = validateRoster(input, shifts, coverage);
  let agentsBelowTarget = 0;
  let minutesBelow = 0;
  for (const a of p.agents) {
    const paid = plan[a.index]!.reduce((s, u) => s + (u >= 0 ? p.templates[u]!.paidMinutes : 0), 0);
    if (paid < a.targetMinutes) {
      agentsBelowTarget++;
      minutesBelow += a.targetMinutes - paid;
    }
  }
  const objective = parts.total;
  return {
    shifts,
    coverage,
    report: {
      status: extra.status,
      hardViolations,
      underStaffedAgentIntervals: realAlloc.underTotal,
      overStaffedAgentIntervals: realAlloc.overTotal,
      underStaffedQueueIntervals: realAlloc.underQueueIntervals,
      modelUnderAgentIntervals: modelAlloc.underTotal,
      modelOverAgentIntervals: modelAlloc.overTotal,
      objective,
      lpBound: extra.lpBound,
      gapToLpBound: extra.lpBound > 1e-9 ? (objective - extra.lpBound) / extra.lpBound : objective > 1e-9 ? Number.POSITIVE_INFINITY : 0,
      unassignedShifts: extra.unassigned,
      agentsScheduled: new Set(shifts.map((s) => s.agentId)).size,
      shifts: shifts.length,
      agentsBelowTarget,
      hoursBelowTarget: minutesBelow / 60,
      model: extra.model,
      timingsMs: { prepare: 0, lowerBound: 0, optimise: 0, assign: 0, breaks: 0, report: 0, total: 0 },
      warnings: p.warnings,
    },
  };
}
