import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../auth/audit.server";
import { asBureau } from "../auth/bureau.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { NotFoundError } from "../bureau/errors";
import { isLanguage } from "../i18n/config";
import type { Executor } from "../platform/db.server";
import { logger } from "../platform/logger.server";
import { enqueue } from "../platform/queues.server";
import { publishMany } from "../realtime/bus.server";
import { agentChannel, eventTime, type Publication } from "../realtime/channels";
import { withBureauScope } from "../tenancy/scope.server";
import { queueRefs, type AgentEligibility } from "./data.server";
import { WfmError, RosterRuleError } from "./errors";
import { loadHighs } from "./highs";
import { applyEdit, evaluateShifts, type StoredShift } from "./roster-edit";
import { solveInThread } from "./roster-solve.server";
import {
  coverageView,
  readRoster,
  readShifts,
  reportView,
  rosterOfWeek,
  shiftRow,
  shiftView,
  storableReport,
  summaryView,
  violationView,
  writeShiftChanges,
  type RosterRow,
} from "./roster-store.server";
import { DAYS_PER_WEEK, MINUTES_PER_DAY, rosterInputSchema, type RosterAgent, type RosterInput, type RosterResult } from "./roster-types";
import { validateRoster } from "./roster-validate";
import { claimRun, createRun, patchRun, progressWriter } from "./runs.server";
import { wfmSettings } from "./settings.server";
import { contractRows, templateRows, templateViews, toEngineContract, toEngineTemplate } from "./setup.server";
import { weekDays, weekRequirements } from "./staffing.server";
import { addDays } from "./time";
import type { RosterAgentRow, RosterEdit, RosterEditResult, RosterRunResult, RosterSummaryView, RosterWeekView, ShiftTemplateView } from "./views";
import { isWeekStart, utcToWeekMinute, weekGrid } from "./week";

/**
 * The weekly roster: the `wfm.roster` job builds the engine's input from the week's requirements
 * (forecast → Erlang → pooled heads), the agents with a contract and the queues they may serve,
 * templates, approved leave and the previous week's last shifts; solves it in a worker thread with
 * progress recorded on the run; stores a draft. Planners edit drafts and published rosters by hand
 * (every rule re-checked, coverage recomputed) and publish (audited; agents notified).
 */

export const rosterRunSchema = z.object({
  weekStart: z.string().refine(isWeekStart),
  timeLimitSeconds: z.number().int().min(2).max(600).optional(),
  solver: z.enum(["highs", "greedy"]).optional(),
});

export async function startRosterRun(ctx: BureauCtx, raw: unknown): Promise<{ runId: string }> {
  const parsed = rosterRunSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError(parsed.error.issues[0]?.path[0] === "weekStart" ? "weekStart" : "invalid", String(parsed.error.issues[0]?.path[0] ?? ""));
  const settings = await wfmSettings();
  const input = parsed.data;
  const runId = await asBureau(ctx, "wfm.manage", async (trx) => {
    const id = await createRun(trx, {
      kind: "roster",
      weekStart: input.weekStart,
      params: { weekStart: input.weekStart, timeLimitSeconds: input.timeLimitSeconds ?? settings.rosterTimeLimitSeconds, solver: input.solver ?? "highs" },
      startedBy: ctx.actor.userId,
    });
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.roster.started", target: { type: "wfm_run", id }, data: { weekStart: input.weekStart } });
    return id;
  });
  await enqueue("wfm.roster", { runId }, { jobId: `wfm-roster-${runId}` });
  return { runId };
}

interface LeaveOfWeek {
  leaveDays: Map<string, Set<number>>;
  windows: Map<string, { day: number; fromMinute: number; toMinute: number }[]>;
}

/** Approved leave touching the week, as leave days (whole days) and unavailable windows (hours). */
export async function approvedLeave(trx: Executor, weekStart: string, agentIds?: readonly string[]): Promise<LeaveOfWeek> {
  const weekEnd = addDays(weekStart, DAYS_PER_WEEK - 1);
  const rows = await trx
    .selectFrom("wfm_leave_requests")
    .select(["agent_id", sql<string>`to_char(from_date, 'YYYY-MM-DD')`.as("from_date"), sql<string>`to_char(to_date, 'YYYY-MM-DD')`.as("to_date"), "from_minute", "to_minute"])
    .where("status", "=", "approved")
    .where("from_date", "<=", sql<Date>`${weekEnd}::date`)
    .where("to_date", ">=", sql<Date>`${weekStart}::date`)
    .$if(agentIds !== undefined, (q) => q.where("agent_id", "in", agentIds!.length ? [...agentIds!] : ["00000000-0000-0000-0000-000000000000"]))
    .execute();
  const out: LeaveOfWeek = { leaveDays: new Map(), windows: new Map() };
  for (const r of rows) {
    const parts = leaveParts(weekStart, r);
    const days = out.leaveDays.get(r.agent_id) ?? new Set<number>();
    parts.days.forEach((d) => days.add(d));
    out.leaveDays.set(r.agent_id, days);
    out.windows.set(r.agent_id, [...(out.windows.get(r.agent_id) ?? []), ...parts.windows]);
  }
  return out;
}

/** A leave request's days (0-6) and hour windows inside one roster week. */
export function leaveParts(weekStart: string, r: { from_date: string; to_date: string; from_minute: number | null; to_minute: number | null }) {
  const days: number[] = [];
  const windows: { day: number; fromMinute: number; toMinute: number }[] = [];
  for (let d = 0; d < DAYS_PER_WEEK; d++) {
    const date = addDays(weekStart, d);
    if (date < r.from_date || date > r.to_date) continue;
    if (r.from_minute !== null && r.to_minute !== null) windows.push({ day: d, fromMinute: r.from_minute, toMinute: r.to_minute });
    else days.push(d);
  }
  return { days, windows };
}

/** End of each agent's last published shift before the week, in this week's minutes (rest across the weekend). */
async function previousShiftEnds(trx: Executor, weekStart: string, timeZone: string): Promise<Map<string, number>> {
  const start = weekGrid(weekStart, timeZone, 60).start;
  const rows = await trx
    .selectFrom("wfm_roster_shifts as s")
    .innerJoin("wfm_rosters as r", "r.id", "s.roster_id")
    .select(["s.agent_id", sql<Date>`max(s.ends_at)`.as("ends_at")])
    .where("r.status", "=", "published")
    .where("r.week_start", "<", sql<Date>`${weekStart}::date`)
    .where("s.ends_at", ">", new Date(start.getTime() - 2 * 86_400_000))
    .groupBy("s.agent_id")
    .execute();
  return new Map(rows.map((r) => [r.agent_id, Math.min(MINUTES_PER_DAY, utcToWeekMinute(r.ends_at, weekStart, timeZone))]));
}

export interface BuiltInput {
  input: RosterInput;
  agents: AgentEligibility[];
  templates: ShiftTemplateView[];
}

/** The engine's input for a week, from what is stored now. */
export async function buildRosterInput(trx: Executor, weekStart: string, opts: { now?: Date } = {}): Promise<BuiltInput> {
  const settings = await wfmSettings(trx);
  const week = await weekRequirements(trx, weekStart, { settings, now: opts.now });
  const contracts = (await contractRows(trx)).map(toEngineContract);
  const templateList = await templateRows(trx, { activeOnly: true });
  const templates = templateList.map(toEngineTemplate);
  if (week.queues.length === 0) throw new WfmError("noQueues");
  if (contracts.length === 0) throw new WfmError("noContracts");
  if (templates.length === 0) throw new WfmError("noTemplates");
  const known = new Set(contracts.map((c) => c.id));
  const staff = week.agents.filter((a) => a.contractId !== null && known.has(a.contractId) && a.queueIds.length > 0);
  if (staff.length === 0) throw new WfmError("noAgents");
  const leave = await approvedLeave(trx, weekStart, staff.map((a) => a.agentId));
  const previous = await previousShiftEnds(trx, weekStart, settings.timeZone);
  const agents: RosterAgent[] = staff.map((a) => {
    const unavailable = [...a.unavailable, ...(leave.windows.get(a.agentId) ?? [])];
    const leaveDays = [...(leave.leaveDays.get(a.agentId) ?? [])].sort((x, y) => x - y);
    const prefs = a.preferences;
    return {
      id: a.agentId,
      queues: a.queueIds,
      contractId: a.contractId!,
      ...(leaveDays.length ? { leaveDays } : {}),
      ...(unavailable.length ? { unavailable } : {}),
      ...(prefs.templates || prefs.daysOff ? { preferences: { ...(prefs.templates ? { templates: prefs.templates } : {}), ...(prefs.daysOff ? { daysOff: prefs.daysOff } : {}) } } : {}),
      ...(previous.has(a.agentId) ? { previousShiftEnd: previous.get(a.agentId)! } : {}),
    };
  });
  // Queues nobody rostered serves and nobody needs this week add nothing but size: left out.
  const served = new Set(agents.flatMap((a) => a.queues));
  const requirements = week.requirements.roster.filter((r) => served.has(r.queueId) || r.required.some((v) => v > 0));
  // Templates no rostered agent's contract may work are left out too (a contract without a list may work any).
  const used = contracts.filter((c) => agents.some((a) => a.contractId === c.id));
  if (templates.length === 0) throw new WfmError("noTemplates");
  const usable = used.some((c) => !c.templateIds) ? templates : templates.filter((t) => used.some((c) => c.templateIds!.includes(t.id)));
  const present = new Set(usable.map((t) => t.id));
  const input: RosterInput = {
    intervalMinutes: settings.intervalMinutes,
    requirements,
    agents,
    // An inactive template a contract still names is not offered (the schema refuses unknown ids).
    contracts: used.map((c) => (c.templateIds ? { ...c, templateIds: c.templateIds.filter((id) => present.has(id)) } : c)),
    templates: usable,
  };
  const check = rosterInputSchema.safeParse(input);
  if (!check.success) {
    logger.warn({ issues: check.error.issues.slice(0, 5) }, "roster input refused by its schema");
    throw new WfmError("invalidInput");
  }
  return { input, agents: staff, templates: await templateViews(trx) };
}

/** Stores a solved roster as the week's next draft version (shift ids minted here). */
export async function storeRoster(
  trx: Executor,
  p: { weekStart: string; timeZone: string; input: RosterInput; result: RosterResult; solver: "highs" | "greedy"; runId: string | null; createdBy: string | null },
): Promise<string> {
  const last = await trx.selectFrom("wfm_rosters").select(sql<number>`coalesce(max(version), 0)::int`.as("v")).where("week_start", "=", sql<Date>`${p.weekStart}::date`).executeTakeFirstOrThrow();
  const report = storableReport(p.result.report);
  const roster = await trx
    .insertInto("wfm_rosters")
    .values({
      week_start: p.weekStart,
      time_zone: p.timeZone,
      interval_minutes: p.input.intervalMinutes ?? 30,
      version: last.v + 1,
      run_id: p.runId,
      solver: p.solver,
      input: JSON.stringify(p.input),
      report: JSON.stringify(report),
      coverage: JSON.stringify(p.result.coverage),
      objective: report.objective ?? 0,
      lp_bound: report.lpBound ?? 0,
      gap_to_lp_bound: report.gapToLpBound ?? null,
      created_by: p.createdBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const rows = p.result.shifts.map((s) => shiftRow(roster.id, p.weekStart, p.timeZone, { ...s, id: randomUUID() }));
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto("wfm_roster_shifts").values(rows.slice(i, i + 500)).execute();
  return roster.id;
}

/** The `wfm.roster` job: build, solve (thread) with progress, store the draft. */
export async function handleRosterRun(runId: string, opts: { now?: Date; attempt?: number } = {}): Promise<void> {
  const run = await claimRun(runId, "roster", opts.attempt);
  if (!run) return;
  const params = run.params as { weekStart: string; timeLimitSeconds: number; solver: "highs" | "greedy" };
  await patchRun(runId, { phase: "prepare", progress: 0 });
  const writer = progressWriter(runId);
  try {
    const settings = await wfmSettings();
    const built = await withBureauScope((trx) => buildRosterInput(trx, params.weekStart, opts));
    const { result, solver } = await solveInThread(built.input, {
      timeLimitSeconds: params.timeLimitSeconds,
      solver: params.solver,
      // The thread's 0-1 is scaled into 0.02-0.97: building the input came first, storing comes last.
      onProgress: (p) => writer.report({ phase: p.phase, progress: 0.02 + 0.95 * p.fraction, objective: p.objective ?? null, mipGap: p.mipGap ?? null }),
    });
    await writer.flush();
    const rosterId = await withBureauScope((trx) =>
      storeRoster(trx, { weekStart: params.weekStart, timeZone: settings.timeZone, input: built.input, result, solver, runId, createdBy: run.startedBy }),
    );
    const summary: RosterRunResult = {
      kind: "roster",
      rosterId,
      status: result.report.status,
      hardViolations: result.report.hardViolations.length,
      underStaffedAgentIntervals: result.report.underStaffedAgentIntervals,
      overStaffedAgentIntervals: result.report.overStaffedAgentIntervals,
      gapToLpBound: Number.isFinite(result.report.gapToLpBound) ? result.report.gapToLpBound : 0,
      shifts: result.report.shifts,
      agentsScheduled: result.report.agentsScheduled,
      solver,
    };
    await patchRun(runId, { status: "done", phase: "report", progress: 1, result: summary, rosterId });
  } catch (err) {
    await writer.flush();
    logger.warn({ err, runId }, "roster run failed");
    await patchRun(runId, { status: "failed", error: err instanceof WfmError ? err.code : "error" });
    if (!(err instanceof WfmError)) throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Views

export async function listRosters(ctx: BureauCtx, opts: { weekStart?: string; limit?: number } = {}): Promise<RosterSummaryView[]> {
  return asBureau(ctx, "wfm.read", async (trx) => {
    // Summaries only: the input and coverage (large JSON) stay in the database.
    const rows = await trx
      .selectFrom("wfm_rosters as r")
      .leftJoin("users as u", "u.id", "r.published_by")
      .select([
        "r.id",
        sql<string>`to_char(r.week_start, 'YYYY-MM-DD')`.as("week_start"),
        "r.status",
        "r.version",
        "r.run_id",
        "r.created_at",
        "r.published_at",
        "u.name as published_by_name",
        "r.edits",
        sql<number>`jsonb_array_length(r.report->'hardViolations')`.as("hard"),
        "r.gap_to_lp_bound",
      ])
      .$if(opts.weekStart !== undefined, (q) => q.where("r.week_start", "=", sql<Date>`${opts.weekStart}::date`))
      .orderBy("r.week_start", "desc")
      .orderBy("r.version", "desc")
      .limit(Math.min(100, opts.limit ?? 20))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      weekStart: r.week_start,
      status: r.status as RosterSummaryView["status"],
      version: r.version,
      runId: r.run_id,
      createdAt: r.created_at.toISOString(),
      publishedAt: r.published_at?.toISOString() ?? null,
      publishedByName: r.published_by_name,
      edits: r.edits,
      hardViolations: r.hard,
      gapToLpBound: r.gap_to_lp_bound ?? 0,
    }));
  });
}

async function agentNames(trx: Executor, ids: readonly string[]): Promise<Map<string, { name: string; employeeCode: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await trx.selectFrom("agents as a").innerJoin("users as u", "u.id", "a.user_id").select(["a.user_id", "u.name", "a.employee_code"]).where("a.user_id", "in", [...ids]).execute();
  return new Map(rows.map((r) => [r.user_id, { name: r.name, employeeCode: r.employee_code }]));
}

export async function buildWeekView(trx: Executor, roster: RosterRow): Promise<RosterWeekView> {
  const shifts = await readShifts(trx, roster.id);
  const templates = await templateViews(trx);
  const templateMap = new Map(templates.map((t) => [t.id, t]));
  const contracts = await contractRows(trx);
  const names = await agentNames(trx, roster.input.agents.map((a) => a.id));
  const nameOf = new Map([...names].map(([id, n]) => [id, n.name]));
  const queueIds = roster.input.requirements.map((r) => r.queueId);
  const queues = (await queueRefs(trx, { queueIds })).map(({ priority: _p, ...q }) => q);
  const grid = weekGrid(roster.weekStart, roster.timeZone, roster.intervalMinutes);
  const holidays = new Set<string>();
  const views = shifts.map((s) => shiftView(s, roster, templateMap));
  const agents: RosterAgentRow[] = roster.input.agents.map((a) => {
    const contract = roster.input.contracts.find((c) => c.id === a.contractId);
    const mine = views.filter((s) => s.agentId === a.id);
    const credit = (a.leaveDays?.length ?? 0) * (contract?.leaveDayCreditMinutes ?? Math.round((contract?.maxWeeklyMinutes ?? 0) / 6));
    return {
      agentId: a.id,
      name: names.get(a.id)?.name ?? "",
      employeeCode: names.get(a.id)?.employeeCode ?? "",
      contractId: a.contractId,
      contractName: contracts.find((c) => c.id === a.contractId)?.name ?? "",
      queueIds: a.queues,
      leaveDays: a.leaveDays ?? [],
      paidMinutes: mine.reduce((s, x) => s + x.paidMinutes, 0),
      targetMinutes: Math.max(0, (contract?.targetWeeklyMinutes ?? contract?.maxWeeklyMinutes ?? 0) - credit),
      maxWeeklyMinutes: Math.max(0, (contract?.maxWeeklyMinutes ?? 0) - credit),
      days: Array.from({ length: DAYS_PER_WEEK }, (_, d) => mine.find((s) => s.day === d) ?? null),
    };
  });
  agents.sort((x, y) => x.name.localeCompare(y.name) || x.employeeCode.localeCompare(y.employeeCode));
  const pending = await trx
    .selectFrom("wfm_leave_requests")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("status", "=", "pending")
    .where("from_date", "<=", sql<Date>`${addDays(roster.weekStart, 6)}::date`)
    .where("to_date", ">=", sql<Date>`${roster.weekStart}::date`)
    .executeTakeFirstOrThrow();
  const swaps = await trx
    .selectFrom("wfm_swap_requests as w")
    .innerJoin("wfm_roster_shifts as s", "s.id", "w.shift_id")
    .select(sql<number>`count(*)::int`.as("n"))
    .where("w.status", "=", "pending")
    .where("s.roster_id", "=", roster.id)
    .executeTakeFirstOrThrow();
  return {
    roster: summaryView(roster),
    timeZone: roster.timeZone,
    intervalMinutes: roster.intervalMinutes,
    days: weekDays(grid, holidays),
    queues,
    templates,
    agents,
    coverage: coverageView(roster, roster.coverage),
    report: reportView(roster.report, roster.solver, roster.weekStart, nameOf),
    pendingLeave: pending.n,
    pendingSwaps: swaps.n,
  };
}

export async function rosterWeek(ctx: BureauCtx, sel: { rosterId?: string; weekStart?: string }): Promise<RosterWeekView | null> {
  if (sel.weekStart !== undefined && !isWeekStart(sel.weekStart)) throw new WfmError("weekStart", "week");
  return asBureau(ctx, "wfm.read", async (trx) => {
    const roster = sel.rosterId ? await readRoster(trx, sel.rosterId) : sel.weekStart ? await rosterOfWeek(trx, sel.weekStart) : null;
    if (!roster) {
      if (sel.rosterId) throw new NotFoundError("roster");
      return null;
    }
    return buildWeekView(trx, roster);
  });
}

// ---------------------------------------------------------------------------------------------
// Hand edits

export const rosterEditSchema: z.ZodType<RosterEdit> = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("swap"), shiftId: z.string().uuid(), otherShiftId: z.string().uuid() }),
  z.object({ kind: z.literal("reassign"), shiftId: z.string().uuid(), agentId: z.string().uuid() }),
  z.object({ kind: z.literal("move"), shiftId: z.string().uuid(), day: z.number().int().min(0).max(6), templateId: z.string().uuid() }),
  z.object({ kind: z.literal("add"), agentId: z.string().uuid(), day: z.number().int().min(0).max(6), templateId: z.string().uuid() }),
  z.object({ kind: z.literal("remove"), shiftId: z.string().uuid() }),
]);

/** Agents whose week an edit touches (their rules are the ones it may break). */
function touchedAgents(before: readonly StoredShift[], changed: readonly StoredShift[], removed: readonly string[]): Set<string> {
  const ids = new Set<string>();
  const byId = new Map(before.map((s) => [s.id, s]));
  for (const s of changed) {
    ids.add(s.agentId);
    const was = byId.get(s.id);
    if (was) ids.add(was.agentId);
  }
  for (const id of removed) {
    const was = byId.get(id);
    if (was) ids.add(was.agentId);
  }
  return ids;
}

/** Real-time notice to agents whose published week changed or was published. */
export async function notifySchedule(trx: Executor, roster: Pick<RosterRow, "id" | "weekStart">, agentIds: readonly string[], type: "schedule.published" | "schedule.changed"): Promise<number> {
  if (agentIds.length === 0) return 0;
  const totals = await trx
    .selectFrom("wfm_roster_shifts")
    .select(["agent_id", sql<number>`count(*)::int`.as("n"), sql<number>`sum(paid_minutes)::int`.as("paid")])
    .where("roster_id", "=", roster.id)
    .groupBy("agent_id")
    .execute();
  const byAgent = new Map(totals.map((t) => [t.agent_id, t]));
  const at = eventTime();
  const items: Publication[] = agentIds.map((agentId) => ({
    channel: agentChannel(agentId),
    event: { type, at, rosterId: roster.id, weekStart: roster.weekStart, shifts: byAgent.get(agentId)?.n ?? 0, paidMinutes: byAgent.get(agentId)?.paid ?? 0 },
  }));
  try {
    await publishMany(items);
  } catch (err) {
    // Realtime is a courtesy: the schedule is stored and the agent's page shows it anyway.
    logger.warn({ err }, "schedule notification not published");
  }
  return items.length;
}

export async function editRoster(ctx: BureauCtx, rosterId: string, rawEdit: unknown, opts: { preview?: boolean } = {}): Promise<RosterEditResult> {
  const parsedEdit = rosterEditSchema.safeParse(rawEdit);
  if (!parsedEdit.success) throw new WfmError("invalid", String(parsedEdit.error.issues[0]?.path[0] ?? "kind"));
  const edit = parsedEdit.data;
  const highs = await loadHighs();
  let notify: { roster: RosterRow; agents: string[] } | null = null;
  const result = await asBureau(ctx, "wfm.manage", async (trx): Promise<RosterEditResult> => {
    const roster = await readRoster(trx, rosterId, { forUpdate: !opts.preview });
    if (!roster) throw new NotFoundError("roster");
    if (roster.status === "superseded") throw new WfmError("superseded");
    const shifts = await readShifts(trx, roster.id);
    const names = new Map([...(await agentNames(trx, roster.input.agents.map((a) => a.id)))].map(([id, n]) => [id, n.name]));
    const outcome = applyEdit(roster.input, shifts, edit, randomUUID);
    if (!outcome.ok) return { ok: false, violations: [violationView({ code: outcome.error }, roster.weekStart, names)] };
    const touched = touchedAgents(shifts, outcome.changed, outcome.removed);
    const violations = validateRoster(roster.input, outcome.shifts).filter((v) => !v.agentId || touched.has(v.agentId));
    if (violations.length) return { ok: false, violations: violations.map((v) => violationView(v, roster.weekStart, names)) };
    const evaluated = evaluateShifts(highs, roster.input, outcome.shifts, { lpBound: roster.lpBound, status: roster.report.status });
    const report = storableReport({ ...evaluated.report, timingsMs: roster.report.timingsMs });
    if (!opts.preview) {
      await writeShiftChanges(trx, roster, outcome.changed, outcome.removed, new Set(shifts.map((s) => s.id)));
      await trx
        .updateTable("wfm_rosters")
        .set({
          report: JSON.stringify(report),
          coverage: JSON.stringify(evaluated.coverage),
          objective: report.objective,
          gap_to_lp_bound: report.gapToLpBound ?? null,
          edits: sql<number>`edits + 1`,
          updated_at: new Date(),
        })
        .where("id", "=", roster.id)
        .execute();
      await trx.insertInto("wfm_roster_edits").values({ roster_id: roster.id, kind: edit.kind, data: JSON.stringify(edit), actor_user_id: ctx.actor.userId }).execute();
      await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.roster.edited", target: { type: "wfm_roster", id: roster.id }, data: { ...edit, status: roster.status } });
      if (roster.status === "published") notify = { roster, agents: [...touched] };
    }
    const templates = new Map((await templateViews(trx)).map((t) => [t.id, t]));
    return {
      ok: true,
      preview: opts.preview === true,
      coverage: coverageView(roster, evaluated.coverage),
      report: reportView(report, roster.solver, roster.weekStart, names),
      changed: outcome.changed.map((s) => shiftView(s, roster, templates)),
      removed: outcome.removed,
    };
  });
  const n = notify as { roster: RosterRow; agents: string[] } | null;
  if (n) await withBureauScope((trx) => notifySchedule(trx, n.roster, n.agents, "schedule.changed"));
  return result;
}

// ---------------------------------------------------------------------------------------------
// Publish

/**
 * Publishes a draft (audited): the week's previous published roster is superseded in the same
 * transaction. Then every agent with a shift, and every agent who had one in the superseded roster,
 * gets a realtime notice on the agent channel and a mail (the `mail.send` queue) with the week.
 */
export async function publishRoster(ctx: BureauCtx, rosterId: string): Promise<{ notified: number; mailed: number }> {
  const published = await asBureau(ctx, "wfm.manage", async (trx) => {
    const roster = await readRoster(trx, rosterId, { forUpdate: true });
    if (!roster) throw new NotFoundError("roster");
    if (roster.status === "superseded") throw new WfmError("superseded");
    if (roster.status === "published") return null;
    const shifts = await readShifts(trx, roster.id);
    const violations = validateRoster(roster.input, shifts);
    if (violations.length) {
      const names = new Map([...(await agentNames(trx, roster.input.agents.map((a) => a.id)))].map(([id, n]) => [id, n.name]));
      throw new RosterRuleError(violations.map((v) => violationView(v, roster.weekStart, names)));
    }
    const previous = await trx
      .updateTable("wfm_rosters")
      .set({ status: "superseded", updated_at: new Date() })
      .where("week_start", "=", sql<Date>`${roster.weekStart}::date`)
      .where("status", "=", "published")
      .returning("id")
      .execute();
    const dropped = previous.length
      ? await trx.selectFrom("wfm_roster_shifts").select("agent_id").distinct().where("roster_id", "in", previous.map((p) => p.id)).execute()
      : [];
    // Swaps asked against the old roster's shifts cannot be honoured any more.
    if (previous.length) {
      await trx
        .updateTable("wfm_swap_requests")
        .set({ status: "cancelled", decision_reason: "superseded", updated_at: new Date() })
        .where("status", "=", "pending")
        .where((eb) => eb.exists(eb.selectFrom("wfm_roster_shifts as s").select("s.id").whereRef("s.id", "=", "wfm_swap_requests.shift_id").where("s.roster_id", "in", previous.map((p) => p.id))))
        .execute();
    }
    await trx.updateTable("wfm_rosters").set({ status: "published", published_at: new Date(), published_by: ctx.actor.userId, updated_at: new Date() }).where("id", "=", roster.id).execute();
    await recordAudit(trx, {
      tenantId: null,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "wfm.roster.published",
      target: { type: "wfm_roster", id: roster.id },
      data: { weekStart: roster.weekStart, version: roster.version, shifts: shifts.length, superseded: previous.map((p) => p.id) },
    });
    const agents = [...new Set([...shifts.map((s) => s.agentId), ...dropped.map((d) => d.agent_id)])];
    return { roster, shifts, agents };
  });
  if (!published) return { notified: 0, mailed: 0 };
  const { roster, shifts, agents } = published;
  const notified = await withBureauScope((trx) => notifySchedule(trx, roster, agents, "schedule.published"));
  let mailed = 0;
  const templates = await withBureauScope((trx) => templateViews(trx));
  const templateMap = new Map(templates.map((t) => [t.id, t]));
  const people = await withBureauScope((trx) =>
    trx.selectFrom("users").select(["id", "name", "email", "locale"]).where("id", "in", agents.length ? agents : ["00000000-0000-0000-0000-000000000000"]).where("status", "=", "active").execute(),
  );
  const settings = await wfmSettings();
  for (const u of people) {
    const mine = shifts.filter((s) => s.agentId === u.id).map((s) => shiftView(s, roster, templateMap));
    try {
      await enqueue("mail.send", {
        template: "schedulePublished",
        to: u.email,
        locale: isLanguage(u.locale) ? u.locale : "fa",
        name: u.name,
        rosterId: roster.id,
        agentId: u.id,
        weekStart: roster.weekStart,
        timeZone: settings.timeZone,
        shifts: mine.map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt, template: s.templateName, night: s.night })),
        paidMinutes: mine.reduce((sum, s) => sum + s.paidMinutes, 0),
      });
      mailed++;
    } catch (err) {
      logger.warn({ err, agentId: u.id }, "schedule mail not queued");
    }
  }
  return { notified, mailed };
}

/** The published roster of a week (bureau scope: the caller checked a permission or is system code). */
export async function publishedRoster(trx: Executor, weekStart: string): Promise<RosterRow | null> {
  return rosterOfWeek(trx, weekStart, "published");
}

