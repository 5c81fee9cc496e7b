import type { Highs } from "highs";
import { placeBreaks } from "./roster-breaks";
import { emptyPlan, type PlacedShift } from "./roster-evaluate";
import { prepare, type Prepared } from "./roster-prepare";
import { report } from "./roster-report";
import { MINUTES_PER_DAY, type QueueCoverage, type RosterInput, type RosterResult, type RosterShift, type RosterStatus, type RosterViolation } from "./roster-types";
import { validateRoster } from "./roster-validate";

/**
 * A planner's hand edits of a solved roster, and leave applied to one: pure except for the HiGHS
 * instance the coverage allocation uses (the same scoring as the optimiser's report, so the page's
 * live numbers and the report agree). Edits never bypass the rules: the edited week is checked by
 * the independent validator and refused with its violations.
 */

export interface StoredShift extends RosterShift {
  id: string;
  edited?: boolean;
}

export type Edit =
  | { kind: "swap"; shiftId: string; otherShiftId: string }
  | { kind: "reassign"; shiftId: string; agentId: string }
  | { kind: "move"; shiftId: string; day: number; templateId: string }
  | { kind: "add"; agentId: string; day: number; templateId: string }
  | { kind: "remove"; shiftId: string };

export type EditError = "unknownShift" | "unknownAgent" | "unknownTemplate" | "sameAgent" | "badDay";

export type EditOutcome = { ok: true; shifts: StoredShift[]; changed: StoredShift[]; removed: string[] } | { ok: false; error: EditError };

/** Segments, paid minutes and night flag of a template worked on `day` (breaks placed later). */
export function shiftFromTemplate(p: Prepared, agentId: string, day: number, templateId: string): RosterShift | null {
  const t = p.templates.find((x) => x.id === templateId);
  if (!t) return null;
  const base = day * MINUTES_PER_DAY;
  return { agentId, day, templateId, segments: t.segments.map((g) => ({ start: base + g.start, end: base + g.end })), breaks: [], paidMinutes: t.paidMinutes, night: t.night };
}

/**
 * Breaks for shifts that lost theirs (moved or added): placed by the engine's break placer over the
 * whole edited week (so they stagger against the others) and taken for those shifts only; every
 * other shift keeps the breaks it has.
 */
function withBreaks(p: Prepared, shifts: StoredShift[], needBreaks: ReadonlySet<string>): StoredShift[] {
  if (needBreaks.size === 0) return shifts;
  const plan = emptyPlan(p);
  const agentIndex = new Map(p.agents.map((a) => [a.id, a.index]));
  const templateIndex = new Map(p.templates.map((t) => [t.id, t.index]));
  for (const s of shifts) {
    const a = agentIndex.get(s.agentId);
    const t = templateIndex.get(s.templateId);
    if (a !== undefined && t !== undefined) plan[a]![s.day] = t;
  }
  const placed = placeBreaks(p, plan);
  const byKey = new Map(placed.map((x) => [`${p.agents[x.agent]!.id}:${x.day}`, x.breaks]));
  return shifts.map((s) => (needBreaks.has(s.id) ? { ...s, breaks: (byKey.get(`${s.agentId}:${s.day}`) ?? []).map((b) => ({ ...b })) } : s));
}

export function applyEdit(input: RosterInput, shifts: readonly StoredShift[], edit: Edit, newId: () => string): EditOutcome {
  const p = prepare(input);
  const agents = new Set(input.agents.map((a) => a.id));
  const find = (id: string) => shifts.find((s) => s.id === id);
  let next = shifts.map((s) => ({ ...s }));
  const changed = new Set<string>();
  const needBreaks = new Set<string>();
  const removed: string[] = [];
  const put = (s: StoredShift) => {
    next = next.map((x) => (x.id === s.id ? s : x));
    changed.add(s.id);
  };
  switch (edit.kind) {
    case "swap": {
      const a = find(edit.shiftId);
      const b = find(edit.otherShiftId);
      if (!a || !b) return { ok: false, error: "unknownShift" };
      if (a.agentId === b.agentId) return { ok: false, error: "sameAgent" };
      put({ ...a, agentId: b.agentId, edited: true });
      put({ ...b, agentId: a.agentId, edited: true });
      break;
    }
    case "reassign": {
      const a = find(edit.shiftId);
      if (!a) return { ok: false, error: "unknownShift" };
      if (!agents.has(edit.agentId)) return { ok: false, error: "unknownAgent" };
      if (a.agentId === edit.agentId) return { ok: false, error: "sameAgent" };
      put({ ...a, agentId: edit.agentId, edited: true });
      break;
    }
    case "move": {
      const a = find(edit.shiftId);
      if (!a) return { ok: false, error: "unknownShift" };
      if (!Number.isInteger(edit.day) || edit.day < 0 || edit.day > 6) return { ok: false, error: "badDay" };
      const s = shiftFromTemplate(p, a.agentId, edit.day, edit.templateId);
      if (!s) return { ok: false, error: "unknownTemplate" };
      put({ ...s, id: a.id, edited: true });
      needBreaks.add(a.id);
      break;
    }
    case "add": {
      if (!agents.has(edit.agentId)) return { ok: false, error: "unknownAgent" };
      if (!Number.isInteger(edit.day) || edit.day < 0 || edit.day > 6) return { ok: false, error: "badDay" };
      const s = shiftFromTemplate(p, edit.agentId, edit.day, edit.templateId);
      if (!s) return { ok: false, error: "unknownTemplate" };
      const id = newId();
      next.push({ ...s, id, edited: true });
      changed.add(id);
      needBreaks.add(id);
      break;
    }
    case "remove": {
      const a = find(edit.shiftId);
      if (!a) return { ok: false, error: "unknownShift" };
      next = next.filter((x) => x.id !== a.id);
      removed.push(a.id);
      break;
    }
  }
  next = withBreaks(p, next, needBreaks);
  return { ok: true, shifts: next, changed: next.filter((s) => changed.has(s.id)), removed };
}

/** The violations of an edited week that the rules refuse (coverage eligibility included). */
export function ruleViolations(input: RosterInput, shifts: readonly RosterShift[]): RosterViolation[] {
  return validateRoster(input, shifts);
}

/**
 * Coverage and report of a roster as it stands (after edits), scored like the optimiser's own: the
 * LP bound and status of the solve are carried over (they describe the problem, not the edits).
 */
export function evaluateShifts(highs: Highs, input: RosterInput, shifts: readonly RosterShift[], carry: { lpBound: number; status: RosterStatus }): RosterResult {
  const p = prepare(input);
  const plan = emptyPlan(p);
  const agentIndex = new Map(p.agents.map((a) => [a.id, a.index]));
  const templateIndex = new Map(p.templates.map((t) => [t.id, t.index]));
  const placed: PlacedShift[] = [];
  for (const s of shifts) {
    const a = agentIndex.get(s.agentId);
    const t = templateIndex.get(s.templateId);
    if (a === undefined || t === undefined) continue;
    plan[a]![s.day] = t;
    placed.push({ agent: a, day: s.day, template: t, breaks: s.breaks });
  }
  const result = report(highs, input, p, plan, placed, {
    lpBound: carry.lpBound,
    status: carry.status,
    unassigned: 0,
    model: { classes: p.classes.length, groups: p.groups.length, columns: 0, rows: 0, integers: 0, patterns: 0, subclasses: 0, generationRounds: 0 },
  });
  // The report rebuilds shifts from the plan; keep the caller's (ids, edited flags) by position.
  return { ...result, shifts: [...shifts] };
}

/** Approved leave on a roster input: whole days become leave days, hours become unavailability. */
export function withLeave(input: RosterInput, agentId: string, leave: { days: number[]; windows: { day: number; fromMinute: number; toMinute: number }[] }): RosterInput {
  return {
    ...input,
    agents: input.agents.map((a) =>
      a.id !== agentId
        ? a
        : {
            ...a,
            leaveDays: [...new Set([...(a.leaveDays ?? []), ...leave.days])].sort((x, y) => x - y),
            unavailable: [...(a.unavailable ?? []), ...leave.windows],
          },
    ),
  };
}

/** Shifts that a leave makes illegal: on a leave day, or overlapping a leave window. */
export function shiftsHitByLeave(shifts: readonly StoredShift[], agentId: string, leave: { days: number[]; windows: { day: number; fromMinute: number; toMinute: number }[] }): StoredShift[] {
  const days = new Set(leave.days);
  return shifts.filter((s) => {
    if (s.agentId !== agentId) return false;
    if (days.has(s.day)) return true;
    return leave.windows.some((w) => {
      const from = w.day * MINUTES_PER_DAY + w.fromMinute;
      const to = w.day * MINUTES_PER_DAY + w.toMinute;
      return s.segments.some((g) => g.start < to && from < g.end);
    });
  });
}

export interface CoverageHole {
  queueId: string;
  interval: number;
  required: number;
  staffed: number;
  short: number;
}

/**
 * Where coverage on the phones got worse and is now below the requirement: the warnings a planner
 * gets after approving leave against the published roster (holes that were there before are not
 * news). Against `inSeat` when present, else `required`.
 */
export function coverageHoles(before: readonly QueueCoverage[], after: readonly QueueCoverage[], opts: { queues?: ReadonlySet<string>; tolerance?: number } = {}): CoverageHole[] {
  const tolerance = opts.tolerance ?? 0.05;
  const prior = new Map(before.map((c) => [c.queueId, c]));
  const out: CoverageHole[] = [];
  for (const c of after) {
    // Only the queues the changed agents serve: the allocation LP may shift others' agents between
    // equally good splits, which is not a hole anybody made.
    if (opts.queues && !opts.queues.has(c.queueId)) continue;
    const b = prior.get(c.queueId);
    const need = c.inSeat ?? c.required;
    for (let t = 0; t < c.staffed.length; t++) {
      const now = c.staffed[t]!;
      const was = b ? b.staffed[t]! : Number.POSITIVE_INFINITY;
      const required = need[t]!;
      if (now < required - tolerance && now < was - 1e-6) {
        out.push({ queueId: c.queueId, interval: t, required, staffed: now, short: Math.round((required - now) * 1000) / 1000 });
      }
    }
  }
  return out;
}
