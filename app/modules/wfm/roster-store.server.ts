import { sql } from "kysely";
import type { Executor } from "../platform/db.server";
import type { StoredShift } from "./roster-edit";
import type { QueueCoverage, RosterInput, RosterReport, RosterViolation } from "./roster-types";
import { addDays } from "./time";
import type {
  CoverageView,
  IntervalMinutes,
  RosterReportView,
  RosterShiftView,
  RosterStatusView,
  RosterSummaryView,
  RosterViolationView,
  ShiftTemplateView,
} from "./views";
import { weekGrid, weekMinuteToUtc } from "./week";

/**
 * Rosters as stored (wfm_rosters, wfm_roster_shifts) and as the pages see them. Shifts keep the
 * engine's week minutes beside their UTC instants: edits and validation work in week minutes,
 * adherence, iCal and the agent's page in instants.
 */

export interface RosterRow {
  id: string;
  weekStart: string;
  timeZone: string;
  intervalMinutes: IntervalMinutes;
  status: RosterStatusView;
  version: number;
  runId: string | null;
  solver: "highs" | "greedy";
  input: RosterInput;
  report: RosterReport;
  coverage: QueueCoverage[];
  objective: number;
  lpBound: number;
  gapToLpBound: number | null;
  edits: number;
  createdAt: Date;
  publishedAt: Date | null;
  publishedByName: string | null;
}

export async function readRoster(trx: Executor, rosterId: string, opts: { forUpdate?: boolean } = {}): Promise<RosterRow | null> {
  const rows = await rosterQuery(trx, sql`r.id = ${rosterId}`, opts.forUpdate);
  return rows[0] ?? null;
}

/** The week's newest draft, else its published roster. */
export async function rosterOfWeek(trx: Executor, weekStart: string, prefer: "draft" | "published" = "draft"): Promise<RosterRow | null> {
  const rows = await rosterQuery(trx, sql`r.week_start = ${weekStart}::date and r.status <> 'superseded'`);
  const draft = rows.filter((r) => r.status === "draft").sort((a, b) => b.version - a.version)[0] ?? null;
  const published = rows.find((r) => r.status === "published") ?? null;
  return prefer === "draft" ? (draft ?? published) : (published ?? null);
}

async function rosterQuery(trx: Executor, where: ReturnType<typeof sql>, forUpdate = false): Promise<RosterRow[]> {
  const { rows } = await sql<{
    id: string;
    week_start: string;
    time_zone: string;
    interval_minutes: number;
    status: string;
    version: number;
    run_id: string | null;
    solver: string;
    input: RosterInput;
    report: RosterReport;
    coverage: QueueCoverage[];
    objective: number;
    lp_bound: number;
    gap_to_lp_bound: number | null;
    edits: number;
    created_at: Date;
    published_at: Date | null;
    published_by_name: string | null;
  }>`
    select r.id, to_char(r.week_start, 'YYYY-MM-DD') as week_start, r.time_zone, r.interval_minutes, r.status, r.version, r.run_id, r.solver,
      r.input, r.report, r.coverage, r.objective, r.lp_bound, r.gap_to_lp_bound, r.edits, r.created_at, r.published_at,
      (select u.name from users u where u.id = r.published_by) as published_by_name
    from wfm_rosters r where ${where}
    order by r.version desc
    ${forUpdate ? sql`for update of r` : sql``}`.execute(trx);
  return rows.map((r) => ({
    id: r.id,
    weekStart: r.week_start,
    timeZone: r.time_zone,
    intervalMinutes: r.interval_minutes as IntervalMinutes,
    status: r.status as RosterStatusView,
    version: r.version,
    runId: r.run_id,
    solver: r.solver as "highs" | "greedy",
    input: r.input,
    report: r.report,
    coverage: r.coverage,
    objective: r.objective,
    lpBound: r.lp_bound,
    gapToLpBound: r.gap_to_lp_bound,
    edits: r.edits,
    createdAt: r.created_at,
    publishedAt: r.published_at,
    publishedByName: r.published_by_name,
  }));
}

export async function readShifts(trx: Executor, rosterId: string): Promise<StoredShift[]> {
  const rows = await trx
    .selectFrom("wfm_roster_shifts")
    .select(["id", "agent_id", "day", "template_id", "segments", "breaks", "paid_minutes", "night", "edited"])
    .where("roster_id", "=", rosterId)
    .orderBy("day")
    .orderBy("starts_at")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    agentId: r.agent_id,
    day: r.day,
    templateId: r.template_id,
    segments: r.segments as unknown as StoredShift["segments"],
    breaks: r.breaks as unknown as StoredShift["breaks"],
    paidMinutes: r.paid_minutes,
    night: r.night,
    edited: r.edited,
  }));
}

export function shiftRow(rosterId: string, weekStart: string, timeZone: string, s: StoredShift) {
  return {
    id: s.id,
    roster_id: rosterId,
    agent_id: s.agentId,
    day: s.day,
    template_id: s.templateId,
    starts_at: weekMinuteToUtc(weekStart, s.segments[0]!.start, timeZone),
    ends_at: weekMinuteToUtc(weekStart, s.segments[s.segments.length - 1]!.end, timeZone),
    segments: JSON.stringify(s.segments),
    breaks: JSON.stringify(s.breaks),
    paid_minutes: s.paidMinutes,
    night: s.night,
    edited: s.edited ?? false,
  };
}

/** Replaces the stored shifts that changed, adds new ones and deletes removed ones (one transaction: the caller's). */
export async function writeShiftChanges(trx: Executor, roster: Pick<RosterRow, "id" | "weekStart" | "timeZone">, changed: readonly StoredShift[], removed: readonly string[], existing: ReadonlySet<string>) {
  if (removed.length) await trx.deleteFrom("wfm_roster_shifts").where("roster_id", "=", roster.id).where("id", "in", [...removed]).execute();
  for (const s of changed) {
    const row = shiftRow(roster.id, roster.weekStart, roster.timeZone, s);
    if (existing.has(s.id)) {
      const { id: _id, roster_id: _r, ...set } = row;
      await trx.updateTable("wfm_roster_shifts").set(set).where("id", "=", s.id).execute();
    } else await trx.insertInto("wfm_roster_shifts").values(row).execute();
  }
}

export function shiftView(s: StoredShift, roster: Pick<RosterRow, "weekStart" | "timeZone">, templates: ReadonlyMap<string, Pick<ShiftTemplateView, "name">>): RosterShiftView {
  const at = (m: number) => weekMinuteToUtc(roster.weekStart, m, roster.timeZone).toISOString();
  return {
    id: s.id,
    agentId: s.agentId,
    day: s.day,
    date: addDays(roster.weekStart, s.day),
    templateId: s.templateId,
    templateName: templates.get(s.templateId)?.name ?? "",
    startsAt: at(s.segments[0]!.start),
    endsAt: at(s.segments[s.segments.length - 1]!.end),
    segments: s.segments.map((g) => ({ start: g.start, end: g.end, startsAt: at(g.start), endsAt: at(g.end) })),
    breaks: s.breaks.map((b) => ({ kind: b.kind, start: b.start, end: b.end, startsAt: at(b.start), endsAt: at(b.end) })),
    paidMinutes: s.paidMinutes,
    night: s.night,
    edited: s.edited ?? false,
  };
}

export function coverageView(roster: Pick<RosterRow, "weekStart" | "timeZone" | "intervalMinutes">, coverage: readonly QueueCoverage[]): CoverageView {
  const grid = weekGrid(roster.weekStart, roster.timeZone, roster.intervalMinutes);
  const n = grid.intervals.length;
  const zero = () => new Array<number>(n).fill(0);
  const totals = { required: zero(), inSeat: zero(), atWork: zero(), staffed: zero() };
  const queues = coverage.map((c) => {
    const q = { queueId: c.queueId, required: [...c.required], inSeat: [...(c.inSeat ?? c.required)], atWork: [...c.atWork], staffed: [...c.staffed] };
    for (let t = 0; t < n; t++) {
      totals.required[t]! += q.required[t] ?? 0;
      totals.inSeat[t]! += q.inSeat[t] ?? 0;
      totals.atWork[t]! += q.atWork[t] ?? 0;
      totals.staffed[t]! += q.staffed[t] ?? 0;
    }
    return q;
  });
  const round = (a: number[]) => a.map((v) => Math.round(v * 1000) / 1000);
  return { intervals: grid.intervals.map((d) => d.toISOString()), queues, totals: { required: round(totals.required), inSeat: round(totals.inSeat), atWork: round(totals.atWork), staffed: round(totals.staffed) } };
}

export function violationView(v: RosterViolation | { code: RosterViolationView["code"]; agentId?: string; day?: number }, weekStart: string, names: ReadonlyMap<string, string>): RosterViolationView {
  const full = v as RosterViolation;
  return {
    code: v.code,
    messageKey: `wfm:roster.errors.${v.code}`,
    agentId: v.agentId ?? null,
    agentName: v.agentId ? (names.get(v.agentId) ?? null) : null,
    day: v.day ?? null,
    date: v.day !== undefined ? addDays(weekStart, v.day) : null,
    queueId: full.queueId ?? null,
    interval: full.interval ?? null,
  };
}

export function reportView(report: RosterReport, solver: "highs" | "greedy", weekStart: string, names: ReadonlyMap<string, string>): RosterReportView {
  return {
    status: report.status,
    hardViolations: report.hardViolations.map((v) => violationView(v, weekStart, names)),
    underStaffedAgentIntervals: report.underStaffedAgentIntervals,
    overStaffedAgentIntervals: report.overStaffedAgentIntervals,
    underStaffedQueueIntervals: report.underStaffedQueueIntervals,
    objective: report.objective,
    lpBound: report.lpBound,
    gapToLpBound: Number.isFinite(report.gapToLpBound) ? report.gapToLpBound : (report.gapToLpBound ?? 0),
    agentsScheduled: report.agentsScheduled,
    shifts: report.shifts,
    agentsBelowTarget: report.agentsBelowTarget,
    hoursBelowTarget: report.hoursBelowTarget,
    timingsMs: { ...report.timingsMs },
    warnings: report.warnings,
    solver,
  };
}

export function summaryView(r: RosterRow): RosterSummaryView {
  return {
    id: r.id,
    weekStart: r.weekStart,
    status: r.status,
    version: r.version,
    runId: r.runId,
    createdAt: r.createdAt.toISOString(),
    publishedAt: r.publishedAt?.toISOString() ?? null,
    publishedByName: r.publishedByName,
    edits: r.edits,
    hardViolations: r.report.hardViolations.length,
    gapToLpBound: r.gapToLpBound ?? 0,
  };
}

/** JSON has no Infinity: a report is stored with non-finite numbers as null. */
export function storableReport(report: RosterReport): RosterReport {
  return JSON.parse(JSON.stringify(report, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v))) as RosterReport;
}
