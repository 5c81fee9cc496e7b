import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../auth/audit.server";
import { asBureau } from "../auth/bureau.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { NotFoundError } from "../bureau/errors";
import type { Executor } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import { WfmError } from "./errors";
import { loadHighs } from "./highs";
import { applyEdit, coverageHoles, evaluateShifts, shiftsHitByLeave, withLeave, type StoredShift } from "./roster-edit";
import { leaveParts, notifySchedule } from "./roster.server";
import { readRoster, readShifts, shiftView, storableReport, violationView, writeShiftChanges, type RosterRow } from "./roster-store.server";
import { validateRoster } from "./roster-validate";
import { wfmSettings } from "./settings.server";
import { templateViews } from "./setup.server";
import { addDays, DATE_RE, localParts } from "./time";
import {
  LEAVE_KINDS,
  type CoverageHoleView,
  type LeaveDecisionResult,
  type LeaveKind,
  type LeaveRequestView,
  type RequestStatus,
  type RosterShiftView,
  type SwapDecisionResult,
  type SwapRequestView,
} from "./views";
import { weekGrid } from "./week";

/**
 * Leave and shift swaps. Agents ask (their own published shifts only); the colleague of a swap
 * accepts it; a WFM planner approves or rejects with a reason (audited). Approved leave feeds every
 * later roster run (roster.server.ts `approvedLeave`) and is applied at once to the rosters already
 * made for its weeks: the agent's shifts on those days leave the roster, the coverage is recomputed,
 * and the holes it opens in the published roster come back as warnings.
 */

const SCHEDULE_OWN = "wfm.schedule.own" as const;

async function requireAgent(trx: Executor, userId: string): Promise<void> {
  const a = await trx.selectFrom("agents").select("user_id").where("user_id", "=", userId).executeTakeFirst();
  if (!a) throw new WfmError("notAgent");
}

// ---------------------------------------------------------------------------------------------
// Reading

type LeaveRow = {
  id: string;
  agent_id: string;
  agent_name: string;
  kind: string;
  from_date: string;
  to_date: string;
  from_minute: number | null;
  to_minute: number | null;
  reason: string;
  status: string;
  decided_by_name: string | null;
  decision_reason: string | null;
  decided_at: Date | null;
  created_at: Date;
};

function leaveQuery(trx: Executor) {
  return trx
    .selectFrom("wfm_leave_requests as l")
    .innerJoin("users as u", "u.id", "l.agent_id")
    .leftJoin("users as d", "d.id", "l.decided_by")
    .select([
      "l.id",
      "l.agent_id",
      "u.name as agent_name",
      "l.kind",
      sql<string>`to_char(l.from_date, 'YYYY-MM-DD')`.as("from_date"),
      sql<string>`to_char(l.to_date, 'YYYY-MM-DD')`.as("to_date"),
      "l.from_minute",
      "l.to_minute",
      "l.reason",
      "l.status",
      "d.name as decided_by_name",
      "l.decision_reason",
      "l.decided_at",
      "l.created_at",
    ]);
}

/** Rosters (not superseded) of the weeks a date range touches, newest version first per week. */
async function rostersOverlapping(trx: Executor, fromDate: string, toDate: string, statuses: readonly ("draft" | "published")[] = ["draft", "published"]): Promise<RosterRow[]> {
  const rows = await trx
    .selectFrom("wfm_rosters")
    .select("id")
    .where("status", "in", [...statuses])
    .where("week_start", "<=", sql<Date>`${toDate}::date`)
    .where("week_start", ">", sql<Date>`${addDays(fromDate, -7)}::date`)
    .orderBy("week_start")
    .orderBy("version", "desc")
    .execute();
  const out: RosterRow[] = [];
  for (const r of rows) {
    const roster = await readRoster(trx, r.id);
    if (roster) out.push(roster);
  }
  return out;
}

async function leaveViews(trx: Executor, rows: LeaveRow[]): Promise<LeaveRequestView[]> {
  const templates = new Map((await templateViews(trx)).map((t) => [t.id, t]));
  const cache = new Map<string, { roster: RosterRow; shifts: StoredShift[] }[]>();
  const out: LeaveRequestView[] = [];
  for (const r of rows) {
    const key = `${r.from_date}:${r.to_date}`;
    let rosters = cache.get(key);
    if (!rosters) {
      rosters = [];
      for (const roster of await rostersOverlapping(trx, r.from_date, r.to_date, ["published"])) rosters.push({ roster, shifts: await readShifts(trx, roster.id) });
      cache.set(key, rosters);
    }
    const affected: RosterShiftView[] = [];
    for (const { roster, shifts } of rosters) {
      const parts = leaveParts(roster.weekStart, r);
      for (const s of shiftsHitByLeave(shifts, r.agent_id, parts)) affected.push(shiftView(s, roster, templates));
    }
    out.push({
      id: r.id,
      agentId: r.agent_id,
      agentName: r.agent_name,
      kind: r.kind as LeaveKind,
      fromDate: r.from_date,
      toDate: r.to_date,
      fromMinute: r.from_minute,
      toMinute: r.to_minute,
      reason: r.reason,
      status: r.status as RequestStatus,
      decidedByName: r.decided_by_name,
      decisionReason: r.decision_reason,
      decidedAt: r.decided_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
      affectedShifts: affected,
    });
  }
  return out;
}

export async function listLeaveRequests(ctx: BureauCtx, opts: { status?: RequestStatus; weekStart?: string; agentId?: string } = {}): Promise<LeaveRequestView[]> {
  return asBureau(ctx, "wfm.read", async (trx) => {
    const rows = await leaveQuery(trx)
      .$if(opts.status !== undefined, (q) => q.where("l.status", "=", opts.status!))
      .$if(opts.agentId !== undefined, (q) => q.where("l.agent_id", "=", opts.agentId!))
      .$if(opts.weekStart !== undefined, (q) =>
        q.where("l.from_date", "<=", sql<Date>`${addDays(opts.weekStart!, 6)}::date`).where("l.to_date", ">=", sql<Date>`${opts.weekStart!}::date`),
      )
      .orderBy("l.status", "desc")
      .orderBy("l.from_date")
      .limit(200)
      .execute();
    return leaveViews(trx, rows as LeaveRow[]);
  });
}

/** The agent's own requests (from a month back on). */
export async function ownLeave(trx: Executor, agentId: string, fromDate: string): Promise<LeaveRequestView[]> {
  const rows = await leaveQuery(trx).where("l.agent_id", "=", agentId).where("l.to_date", ">=", sql<Date>`${fromDate}::date`).orderBy("l.from_date", "desc").limit(50).execute();
  return leaveViews(trx, rows as LeaveRow[]);
}

// ---------------------------------------------------------------------------------------------
// The agent asks

export const leaveInputSchema = z
  .object({
    kind: z.enum(LEAVE_KINDS).default("annual"),
    fromDate: z.string().regex(DATE_RE),
    toDate: z.string().regex(DATE_RE),
    fromMinute: z.number().int().min(0).max(1439).optional(),
    toMinute: z.number().int().min(1).max(1440).optional(),
    reason: z.string().trim().min(1).max(1000),
  })
  .superRefine((v, ctx) => {
    if (v.toDate < v.fromDate || Date.parse(`${v.toDate}T00:00:00Z`) - Date.parse(`${v.fromDate}T00:00:00Z`) > 60 * 86_400_000) ctx.addIssue({ code: "custom", path: ["toDate"], message: "leaveRange" });
    const hourly = v.fromMinute !== undefined || v.toMinute !== undefined;
    if (hourly && (v.fromMinute === undefined || v.toMinute === undefined || v.toMinute <= v.fromMinute || v.fromDate !== v.toDate)) ctx.addIssue({ code: "custom", path: ["toMinute"], message: "leaveHours" });
  });

function inputError(e: z.ZodError): WfmError {
  const issue = e.issues[0]!;
  const field = String(issue.path[0] ?? "");
  const code = issue.code === "custom" ? issue.message : field === "reason" ? "reasonRequired" : field.endsWith("Date") ? "date" : "invalid";
  return new WfmError(code, field);
}

export async function requestLeave(ctx: BureauCtx, raw: unknown, opts: { now?: Date } = {}): Promise<LeaveRequestView> {
  const parsed = leaveInputSchema.safeParse(raw);
  if (!parsed.success) throw inputError(parsed.error);
  const v = parsed.data;
  const settings = await wfmSettings();
  const today = localParts(opts.now ?? new Date(), settings.timeZone).date;
  if (v.fromDate < today) throw new WfmError("leaveInPast", "fromDate");
  return asBureau(ctx, SCHEDULE_OWN, async (trx) => {
    await requireAgent(trx, ctx.actor.userId);
    const overlap = await trx
      .selectFrom("wfm_leave_requests")
      .select("id")
      .where("agent_id", "=", ctx.actor.userId)
      .where("status", "in", ["pending", "approved"])
      .where("from_date", "<=", sql<Date>`${v.toDate}::date`)
      .where("to_date", ">=", sql<Date>`${v.fromDate}::date`)
      .where((eb) =>
        // Two hourly requests on one day clash only when their hours do.
        v.fromMinute === undefined
          ? eb.val(true)
          : eb.or([eb("from_minute", "is", null), eb.and([eb("from_minute", "<", v.toMinute!), eb("to_minute", ">", v.fromMinute)])]),
      )
      .executeTakeFirst();
    if (overlap) throw new WfmError("leaveOverlap", "fromDate");
    const row = await trx
      .insertInto("wfm_leave_requests")
      .values({ agent_id: ctx.actor.userId, kind: v.kind, from_date: v.fromDate, to_date: v.toDate, from_minute: v.fromMinute ?? null, to_minute: v.toMinute ?? null, reason: v.reason })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.leave.requested", target: { type: "wfm_leave", id: row.id }, data: { ...v } });
    const [view] = await leaveViews(trx, (await leaveQuery(trx).where("l.id", "=", row.id).execute()) as LeaveRow[]);
    return view!;
  });
}

export async function cancelLeave(ctx: BureauCtx, requestId: string): Promise<void> {
  await asBureau(ctx, SCHEDULE_OWN, async (trx) => {
    const row = await trx
      .updateTable("wfm_leave_requests")
      .set({ status: "cancelled", updated_at: new Date() })
      .where("id", "=", requestId)
      .where("agent_id", "=", ctx.actor.userId)
      .where("status", "=", "pending")
      .returning("id")
      .executeTakeFirst();
    if (!row) {
      const mine = await trx.selectFrom("wfm_leave_requests").select("id").where("id", "=", requestId).where("agent_id", "=", ctx.actor.userId).executeTakeFirst();
      if (!mine) throw new NotFoundError("leave request");
      throw new WfmError("notPending");
    }
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.leave.cancelled", target: { type: "wfm_leave", id: requestId } });
  });
}

// ---------------------------------------------------------------------------------------------
// The planner decides

export const decisionInputSchema = z.object({ approve: z.boolean(), reason: z.string().trim().max(1000).default("") });

function holeViews(roster: RosterRow, holes: ReturnType<typeof coverageHoles>): CoverageHoleView[] {
  const grid = weekGrid(roster.weekStart, roster.timeZone, roster.intervalMinutes);
  return holes.map((h) => ({ queueId: h.queueId, interval: h.interval, startsAt: grid.intervals[h.interval]!.toISOString(), required: h.required, staffed: h.staffed, short: h.short }));
}

/**
 * Applies approved leave to a stored roster: the input gets the leave (so later edits keep
 * respecting it), the shifts it hits are removed, coverage and report are recomputed. Returns what
 * was removed and the holes it opened (queues the agent serves, where coverage fell below need).
 */
async function applyLeaveToRoster(trx: Executor, roster: RosterRow, agentId: string, leave: ReturnType<typeof leaveParts>, actorUserId: string | null) {
  if (!roster.input.agents.some((a) => a.id === agentId) || (leave.days.length === 0 && leave.windows.length === 0)) return { removed: [] as string[], holes: [] as CoverageHoleView[] };
  const shifts = await readShifts(trx, roster.id);
  const hit = shiftsHitByLeave(shifts, agentId, leave);
  const input = withLeave(roster.input, agentId, leave);
  const remaining = shifts.filter((s) => !hit.some((h) => h.id === s.id));
  const highs = await loadHighs();
  const evaluated = evaluateShifts(highs, input, remaining, { lpBound: roster.lpBound, status: roster.report.status });
  const report = storableReport({ ...evaluated.report, timingsMs: roster.report.timingsMs });
  await writeShiftChanges(trx, roster, [], hit.map((h) => h.id), new Set());
  await trx
    .updateTable("wfm_rosters")
    .set({ input: JSON.stringify(input), coverage: JSON.stringify(evaluated.coverage), report: JSON.stringify(report), objective: report.objective, gap_to_lp_bound: report.gapToLpBound ?? null, edits: sql<number>`edits + 1`, updated_at: new Date() })
    .where("id", "=", roster.id)
    .execute();
  await trx.insertInto("wfm_roster_edits").values({ roster_id: roster.id, kind: "leave", data: JSON.stringify({ agentId, ...leave, removed: hit.map((h) => h.id) }), actor_user_id: actorUserId }).execute();
  const queues = new Set(roster.input.agents.find((a) => a.id === agentId)?.queues ?? []);
  const holes = roster.status === "published" ? holeViews(roster, coverageHoles(roster.coverage, evaluated.coverage, { queues })) : [];
  return { removed: hit.map((h) => h.id), holes };
}

export async function decideLeave(ctx: BureauCtx, requestId: string, raw: unknown): Promise<LeaveDecisionResult> {
  const parsed = decisionInputSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError("invalid", String(parsed.error.issues[0]?.path[0] ?? ""));
  const { approve, reason } = parsed.data;
  if (!approve && !reason) throw new WfmError("reasonRequired", "reason");
  const changed: { roster: RosterRow; agentId: string }[] = [];
  const result = await asBureau(ctx, "wfm.manage", async (trx) => {
    const row = await trx.selectFrom("wfm_leave_requests").selectAll().where("id", "=", requestId).forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError("leave request");
    if (row.status !== "pending") throw new WfmError("notPending");
    await trx
      .updateTable("wfm_leave_requests")
      .set({ status: approve ? "approved" : "rejected", decided_by: ctx.actor.userId, decision_reason: reason || null, decided_at: new Date(), updated_at: new Date() })
      .where("id", "=", requestId)
      .execute();
    const [view] = (await leaveQuery(trx).where("l.id", "=", requestId).execute()) as LeaveRow[];
    const removed: string[] = [];
    const holes: CoverageHoleView[] = [];
    if (approve) {
      for (const roster of await rostersOverlapping(trx, view!.from_date, view!.to_date)) {
        const r = await applyLeaveToRoster(trx, roster, row.agent_id, leaveParts(roster.weekStart, view!), ctx.actor.userId);
        removed.push(...r.removed);
        holes.push(...r.holes);
        if (roster.status === "published" && r.removed.length) changed.push({ roster, agentId: row.agent_id });
      }
    }
    await recordAudit(trx, {
      tenantId: null,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: approve ? "wfm.leave.approved" : "wfm.leave.rejected",
      target: { type: "wfm_leave", id: requestId },
      data: { agentId: row.agent_id, reason, removedShifts: removed.length, holes: holes.length },
    });
    const [request] = await leaveViews(trx, [view!]);
    return { request: request!, removedShifts: removed, holes };
  });
  for (const c of changed) await withBureauScope((trx) => notifySchedule(trx, c.roster, [c.agentId], "schedule.changed"));
  return result;
}

// ---------------------------------------------------------------------------------------------
// Swaps

type SwapRow = {
  id: string;
  requester_id: string;
  requester_name: string;
  colleague_id: string;
  colleague_name: string;
  shift_id: string;
  colleague_shift_id: string | null;
  reason: string;
  status: string;
  colleague_accepted_at: Date | null;
  decided_by_name: string | null;
  decision_reason: string | null;
  decided_at: Date | null;
  created_at: Date;
};

function swapQuery(trx: Executor) {
  return trx
    .selectFrom("wfm_swap_requests as w")
    .innerJoin("users as a", "a.id", "w.requester_id")
    .innerJoin("users as b", "b.id", "w.colleague_id")
    .leftJoin("users as d", "d.id", "w.decided_by")
    .select([
      "w.id",
      "w.requester_id",
      "a.name as requester_name",
      "w.colleague_id",
      "b.name as colleague_name",
      "w.shift_id",
      "w.colleague_shift_id",
      "w.reason",
      "w.status",
      "w.colleague_accepted_at",
      "d.name as decided_by_name",
      "w.decision_reason",
      "w.decided_at",
      "w.created_at",
    ]);
}

/** Shift views by id, with each one's roster week (and the roster rows, for edits). */
async function shiftsById(trx: Executor, ids: readonly string[]) {
  const out = new Map<string, { view: RosterShiftView; rosterId: string }>();
  if (ids.length === 0) return out;
  const rows = await trx
    .selectFrom("wfm_roster_shifts as s")
    .innerJoin("wfm_rosters as r", "r.id", "s.roster_id")
    .select(["s.id", "s.roster_id", sql<string>`to_char(r.week_start, 'YYYY-MM-DD')`.as("week_start"), "r.time_zone", "s.agent_id", "s.day", "s.template_id", "s.segments", "s.breaks", "s.paid_minutes", "s.night", "s.edited"])
    .where("s.id", "in", [...ids])
    .execute();
  const templates = new Map((await templateViews(trx)).map((t) => [t.id, t]));
  for (const r of rows) {
    const s: StoredShift = { id: r.id, agentId: r.agent_id, day: r.day, templateId: r.template_id, segments: r.segments as unknown as StoredShift["segments"], breaks: r.breaks as unknown as StoredShift["breaks"], paidMinutes: r.paid_minutes, night: r.night, edited: r.edited };
    out.set(r.id, { view: shiftView(s, { weekStart: r.week_start, timeZone: r.time_zone }, templates), rosterId: r.roster_id });
  }
  return out;
}

export async function swapViews(trx: Executor, rows: SwapRow[]): Promise<SwapRequestView[]> {
  const shifts = await shiftsById(trx, rows.flatMap((r) => [r.shift_id, ...(r.colleague_shift_id ? [r.colleague_shift_id] : [])]));
  return rows
    .filter((r) => shifts.has(r.shift_id))
    .map((r) => ({
      id: r.id,
      requesterId: r.requester_id,
      requesterName: r.requester_name,
      colleagueId: r.colleague_id,
      colleagueName: r.colleague_name,
      shift: shifts.get(r.shift_id)!.view,
      colleagueShift: r.colleague_shift_id ? (shifts.get(r.colleague_shift_id)?.view ?? null) : null,
      reason: r.reason,
      status: r.status as RequestStatus,
      colleagueAcceptedAt: r.colleague_accepted_at?.toISOString() ?? null,
      decidedByName: r.decided_by_name,
      decisionReason: r.decision_reason,
      decidedAt: r.decided_at?.toISOString() ?? null,
      createdAt: r.created_at.toISOString(),
    }));
}

export async function listSwapRequests(ctx: BureauCtx, opts: { status?: RequestStatus } = {}): Promise<SwapRequestView[]> {
  return asBureau(ctx, "wfm.read", async (trx) => {
    const rows = await swapQuery(trx)
      .$if(opts.status !== undefined, (q) => q.where("w.status", "=", opts.status!))
      .orderBy("w.created_at", "desc")
      .limit(200)
      .execute();
    return swapViews(trx, rows as SwapRow[]);
  });
}

export async function ownSwaps(trx: Executor, agentId: string): Promise<SwapRequestView[]> {
  const rows = await swapQuery(trx)
    .where((eb) => eb.or([eb("w.requester_id", "=", agentId), eb("w.colleague_id", "=", agentId)]))
    .orderBy("w.created_at", "desc")
    .limit(50)
    .execute();
  return swapViews(trx, rows as SwapRow[]);
}

export const swapInputSchema = z
  .object({ shiftId: z.string().uuid(), colleagueShiftId: z.string().uuid().optional(), colleagueId: z.string().uuid().optional(), reason: z.string().trim().min(1).max(1000) })
  .refine((v) => v.colleagueShiftId !== undefined || v.colleagueId !== undefined, { path: ["colleagueShiftId"], message: "swapColleague" });

export async function requestSwap(ctx: BureauCtx, raw: unknown, opts: { now?: Date } = {}): Promise<SwapRequestView> {
  const parsed = swapInputSchema.safeParse(raw);
  if (!parsed.success) throw inputError(parsed.error);
  const v = parsed.data;
  const now = opts.now ?? new Date();
  return asBureau(ctx, SCHEDULE_OWN, async (trx) => {
    await requireAgent(trx, ctx.actor.userId);
    const shiftOf = (id: string) =>
      trx
        .selectFrom("wfm_roster_shifts as s")
        .innerJoin("wfm_rosters as r", "r.id", "s.roster_id")
        .select(["s.id", "s.agent_id", "s.roster_id", "s.starts_at", "r.status"])
        .where("s.id", "=", id)
        .executeTakeFirst();
    const mine = await shiftOf(v.shiftId);
    if (!mine || mine.agent_id !== ctx.actor.userId || mine.status !== "published" || mine.starts_at <= now) throw new WfmError("swapShift", "shiftId");
    let colleagueId = v.colleagueId;
    if (v.colleagueShiftId) {
      const theirs = await shiftOf(v.colleagueShiftId);
      if (!theirs || theirs.roster_id !== mine.roster_id || theirs.agent_id === ctx.actor.userId || theirs.starts_at <= now) throw new WfmError("swapColleague", "colleagueShiftId");
      colleagueId = theirs.agent_id;
    }
    if (!colleagueId || colleagueId === ctx.actor.userId) throw new WfmError("swapColleague", "colleagueId");
    const colleague = await trx.selectFrom("agents").select("user_id").where("user_id", "=", colleagueId).executeTakeFirst();
    if (!colleague) throw new WfmError("swapColleague", "colleagueId");
    const row = await trx
      .insertInto("wfm_swap_requests")
      .values({ requester_id: ctx.actor.userId, colleague_id: colleagueId, shift_id: v.shiftId, colleague_shift_id: v.colleagueShiftId ?? null, reason: v.reason })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.swap.requested", target: { type: "wfm_swap", id: row.id }, data: { ...v, colleagueId } });
    const [view] = await swapViews(trx, (await swapQuery(trx).where("w.id", "=", row.id).execute()) as SwapRow[]);
    return view!;
  });
}

/** The colleague accepts (then the planner decides) or declines (the request ends, rejected). */
export async function respondSwap(ctx: BureauCtx, requestId: string, accept: boolean): Promise<SwapRequestView> {
  return asBureau(ctx, SCHEDULE_OWN, async (trx) => {
    const row = await trx.selectFrom("wfm_swap_requests").select(["id", "colleague_id", "status", "colleague_accepted_at"]).where("id", "=", requestId).forUpdate().executeTakeFirst();
    if (!row || row.colleague_id !== ctx.actor.userId) throw new NotFoundError("swap request");
    if (row.status !== "pending") throw new WfmError("notPending");
    await trx
      .updateTable("wfm_swap_requests")
      .set(accept ? { colleague_accepted_at: new Date(), updated_at: new Date() } : { status: "rejected", decided_by: ctx.actor.userId, decision_reason: "declined", decided_at: new Date(), updated_at: new Date() })
      .where("id", "=", requestId)
      .execute();
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: accept ? "wfm.swap.accepted" : "wfm.swap.declined", target: { type: "wfm_swap", id: requestId } });
    const [view] = await swapViews(trx, (await swapQuery(trx).where("w.id", "=", requestId).execute()) as SwapRow[]);
    return view!;
  });
}

export async function cancelSwap(ctx: BureauCtx, requestId: string): Promise<void> {
  await asBureau(ctx, SCHEDULE_OWN, async (trx) => {
    const row = await trx.selectFrom("wfm_swap_requests").select(["requester_id", "status"]).where("id", "=", requestId).forUpdate().executeTakeFirst();
    if (!row || row.requester_id !== ctx.actor.userId) throw new NotFoundError("swap request");
    if (row.status !== "pending") throw new WfmError("notPending");
    await trx.updateTable("wfm_swap_requests").set({ status: "cancelled", updated_at: new Date() }).where("id", "=", requestId).execute();
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.swap.cancelled", target: { type: "wfm_swap", id: requestId } });
  });
}

/**
 * The planner's decision. Approving applies the swap to the published roster (two shifts change
 * agents, or one shift goes to the colleague) under every rule; a swap that would break one is
 * refused with the violations and stays pending, so the planner can reject it with a reason.
 */
export async function decideSwap(ctx: BureauCtx, requestId: string, raw: unknown): Promise<SwapDecisionResult> {
  const parsed = decisionInputSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError("invalid", String(parsed.error.issues[0]?.path[0] ?? ""));
  const { approve, reason } = parsed.data;
  if (!approve && !reason) throw new WfmError("reasonRequired", "reason");
  const highs = approve ? await loadHighs() : null;
  let notify: { roster: RosterRow; agents: string[] } | null = null;
  const result = await asBureau(ctx, "wfm.manage", async (trx): Promise<SwapDecisionResult> => {
    const row = await trx.selectFrom("wfm_swap_requests").selectAll().where("id", "=", requestId).forUpdate().executeTakeFirst();
    if (!row) throw new NotFoundError("swap request");
    if (row.status !== "pending") throw new WfmError("notPending");
    let holes: CoverageHoleView[] = [];
    if (approve) {
      if (!row.colleague_accepted_at) throw new WfmError("swapNotAccepted");
      const shift = await trx.selectFrom("wfm_roster_shifts").select(["roster_id"]).where("id", "=", row.shift_id).executeTakeFirst();
      const roster = shift ? await readRoster(trx, shift.roster_id, { forUpdate: true }) : null;
      if (!roster || roster.status !== "published") throw new WfmError("notPublished");
      const shifts = await readShifts(trx, roster.id);
      const edit = row.colleague_shift_id
        ? ({ kind: "swap", shiftId: row.shift_id, otherShiftId: row.colleague_shift_id } as const)
        : ({ kind: "reassign", shiftId: row.shift_id, agentId: row.colleague_id } as const);
      const names = new Map((await trx.selectFrom("users").select(["id", "name"]).where("id", "in", [row.requester_id, row.colleague_id]).execute()).map((u) => [u.id, u.name]));
      const outcome = applyEdit(roster.input, shifts, edit, randomUUID);
      if (!outcome.ok) return { ok: false, violations: [violationView({ code: outcome.error }, roster.weekStart, names)] };
      const touched = new Set([row.requester_id, row.colleague_id]);
      const violations = validateRoster(roster.input, outcome.shifts).filter((v) => !v.agentId || touched.has(v.agentId));
      if (violations.length) return { ok: false, violations: violations.map((v) => violationView(v, roster.weekStart, names)) };
      const evaluated = evaluateShifts(highs!, roster.input, outcome.shifts, { lpBound: roster.lpBound, status: roster.report.status });
      const report = storableReport({ ...evaluated.report, timingsMs: roster.report.timingsMs });
      await writeShiftChanges(trx, roster, outcome.changed, [], new Set(shifts.map((s) => s.id)));
      await trx
        .updateTable("wfm_rosters")
        .set({ coverage: JSON.stringify(evaluated.coverage), report: JSON.stringify(report), objective: report.objective, gap_to_lp_bound: report.gapToLpBound ?? null, edits: sql<number>`edits + 1`, updated_at: new Date() })
        .where("id", "=", roster.id)
        .execute();
      await trx.insertInto("wfm_roster_edits").values({ roster_id: roster.id, kind: "swapRequest", data: JSON.stringify({ requestId, ...edit }), actor_user_id: ctx.actor.userId }).execute();
      const queues = new Set(roster.input.agents.filter((a) => touched.has(a.id)).flatMap((a) => a.queues));
      holes = holeViews(roster, coverageHoles(roster.coverage, evaluated.coverage, { queues }));
      notify = { roster, agents: [...touched] };
    }
    await trx
      .updateTable("wfm_swap_requests")
      .set({ status: approve ? "approved" : "rejected", decided_by: ctx.actor.userId, decision_reason: reason || null, decided_at: new Date(), updated_at: new Date() })
      .where("id", "=", requestId)
      .execute();
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: approve ? "wfm.swap.approved" : "wfm.swap.rejected", target: { type: "wfm_swap", id: requestId }, data: { reason } });
    const [request] = await swapViews(trx, (await swapQuery(trx).where("w.id", "=", requestId).execute()) as SwapRow[]);
    return { ok: true, request: request!, holes };
  });
  const n = notify as { roster: RosterRow; agents: string[] } | null;
  if (n) await withBureauScope((trx) => notifySchedule(trx, n.roster, n.agents, "schedule.changed"));
  return result;
}

