import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../auth/audit.server";
import { asBureau } from "../auth/bureau.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { mapConflicts, NotFoundError } from "../bureau/errors";
import type { Executor } from "../platform/db.server";
import { agentEligibility, queueRefs } from "./data.server";
import { WfmError } from "./errors";
import { nightMinutes } from "./roster-prepare";
import { NIGHT_MIN_MINUTES, rosterInputSchema, type Contract, type ShiftTemplate } from "./roster-types";
import { wfmSettings } from "./settings.server";
import type { AgentWfmView, ContractView, ShiftTemplateView, WfmSetupView } from "./views";

/**
 * The roster's rules as the bureau keeps them: contracts (weekly hours, shift length, nights, rest,
 * days off), shift templates (segments and break windows) and each agent's contract, recurring
 * unavailability and preferences. Changes are checked against the roster engine's own schema, so a
 * template the solver would refuse cannot be saved.
 */

type ContractRow = { id: string; key: string; name: string; max_weekly_minutes: number; min_weekly_minutes: number; target_weekly_minutes: number; min_shift_minutes: number; max_shift_minutes: number; max_night_shifts: number; min_rest_minutes: number; min_days_off: number; template_ids: string[] };
type TemplateRow = { id: string; key: string; name: string; segments: unknown; breaks: unknown; days: number[]; night: boolean | null; active: boolean };

export function toEngineContract(c: ContractRow): Contract {
  return {
    id: c.id,
    maxWeeklyMinutes: c.max_weekly_minutes,
    minWeeklyMinutes: c.min_weekly_minutes,
    targetWeeklyMinutes: Math.min(c.target_weekly_minutes, c.max_weekly_minutes),
    minShiftMinutes: c.min_shift_minutes,
    maxShiftMinutes: c.max_shift_minutes,
    maxNightShifts: c.max_night_shifts,
    minRestMinutes: c.min_rest_minutes,
    minDaysOff: c.min_days_off,
    ...(c.template_ids.length ? { templateIds: c.template_ids } : {}),
  };
}

export function toEngineTemplate(t: TemplateRow): ShiftTemplate {
  return {
    id: t.id,
    segments: t.segments as ShiftTemplate["segments"],
    breaks: t.breaks as NonNullable<ShiftTemplate["breaks"]>,
    ...(t.days.length ? { days: t.days } : {}),
    ...(t.night !== null ? { night: t.night } : {}),
  };
}

function templateView(t: TemplateRow): ShiftTemplateView {
  const segments = t.segments as ShiftTemplate["segments"];
  const spans = segments.map((s) => ({ start: s.startMinute, end: s.startMinute + s.durationMinutes }));
  return {
    id: t.id,
    key: t.key,
    name: t.name,
    segments,
    breaks: t.breaks as ShiftTemplateView["breaks"],
    days: t.days,
    paidMinutes: segments.reduce((s, g) => s + g.durationMinutes, 0),
    night: t.night ?? nightMinutes(spans) >= NIGHT_MIN_MINUTES,
    split: segments.length > 1,
    active: t.active,
  };
}

export async function contractRows(trx: Executor): Promise<ContractRow[]> {
  return trx
    .selectFrom("wfm_contracts")
    .select(["id", "key", "name", "max_weekly_minutes", "min_weekly_minutes", "target_weekly_minutes", "min_shift_minutes", "max_shift_minutes", "max_night_shifts", "min_rest_minutes", "min_days_off", sql<string[]>`template_ids::text[]`.as("template_ids")])
    .orderBy("key")
    .execute();
}

export async function templateRows(trx: Executor, opts: { activeOnly?: boolean } = {}): Promise<TemplateRow[]> {
  return trx
    .selectFrom("wfm_shift_templates")
    .select(["id", "key", "name", "segments", "breaks", sql<number[]>`days::int[]`.as("days"), "night", "active"])
    .$if(opts.activeOnly === true, (q) => q.where("active", "=", true))
    .orderBy(sql`(segments->0->>'startMinute')::int`)
    .orderBy("key")
    .execute();
}

export async function templateViews(trx: Executor): Promise<ShiftTemplateView[]> {
  return (await templateRows(trx)).map(templateView);
}

export async function wfmSetup(ctx: BureauCtx): Promise<WfmSetupView> {
  const settings = await wfmSettings();
  return asBureau(ctx, "wfm.read", async (trx) => {
    const contracts = await contractRows(trx);
    const counts = await trx.selectFrom("wfm_agent_profiles").select(["contract_id", sql<number>`count(*)::int`.as("n")]).groupBy("contract_id").execute();
    const agents = await agentEligibility(trx);
    return {
      settings,
      contracts: contracts.map((c) => ({
        id: c.id,
        key: c.key,
        name: c.name,
        maxWeeklyMinutes: c.max_weekly_minutes,
        minWeeklyMinutes: c.min_weekly_minutes,
        targetWeeklyMinutes: c.target_weekly_minutes,
        minShiftMinutes: c.min_shift_minutes,
        maxShiftMinutes: c.max_shift_minutes,
        maxNightShifts: c.max_night_shifts,
        minRestMinutes: c.min_rest_minutes,
        minDaysOff: c.min_days_off,
        templateIds: c.template_ids,
        agents: counts.find((x) => x.contract_id === c.id)?.n ?? 0,
      })),
      templates: await templateViews(trx),
      agents: agents.map(agentView),
      queues: (await queueRefs(trx)).map(({ priority: _p, ...q }) => q),
    };
  });
}

function agentView(a: Awaited<ReturnType<typeof agentEligibility>>[number]): AgentWfmView {
  return {
    agentId: a.agentId,
    name: a.name,
    employeeCode: a.employeeCode,
    contractId: a.contractId,
    queueIds: a.queueIds,
    unavailable: a.unavailable,
    preferences: { templates: a.preferences.templates ?? {}, daysOff: a.preferences.daysOff ?? [] },
  };
}

const keySchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/);

export const contractSchema = z.object({
  id: z.string().uuid().optional(),
  key: keySchema,
  name: z.string().trim().min(1).max(120),
  maxWeeklyMinutes: z.number().int().min(0).max(10080).default(2640),
  minWeeklyMinutes: z.number().int().min(0).default(0),
  targetWeeklyMinutes: z.number().int().min(0).optional(),
  minShiftMinutes: z.number().int().min(1).default(240),
  maxShiftMinutes: z.number().int().min(1).max(1440).default(540),
  maxNightShifts: z.number().int().min(0).max(7).default(3),
  minRestMinutes: z.number().int().min(0).max(1440).default(720),
  minDaysOff: z.number().int().min(0).max(7).default(1),
  templateIds: z.array(z.string().uuid()).default([]),
});

function engineIssue(parsed: z.SafeParseReturnType<unknown, unknown>, fallback: string): WfmError | null {
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  // The engine's issue path names the element (["templates", 0, "breaks", 1]): its last field is the form's.
  return new WfmError(fallback, issue.path.filter((p) => typeof p === "string" && p !== "templates" && p !== "contracts").pop() as string | undefined);
}

export async function saveContract(ctx: BureauCtx, raw: unknown): Promise<ContractView> {
  const parsed = contractSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError("contract", String(parsed.error.issues[0]?.path[0] ?? ""));
  const c = parsed.data;
  const values = {
    key: c.key,
    name: c.name,
    max_weekly_minutes: c.maxWeeklyMinutes,
    min_weekly_minutes: c.minWeeklyMinutes,
    target_weekly_minutes: c.targetWeeklyMinutes ?? c.maxWeeklyMinutes,
    min_shift_minutes: c.minShiftMinutes,
    max_shift_minutes: c.maxShiftMinutes,
    max_night_shifts: c.maxNightShifts,
    min_rest_minutes: c.minRestMinutes,
    min_days_off: c.minDaysOff,
    template_ids: c.templateIds,
    updated_at: new Date(),
  };
  // The engine's cross-checks (min ≤ max, known templates) before anything is written.
  const check = engineIssue(
    rosterInputSchema.safeParse({
      requirements: [],
      agents: [],
      contracts: [{ ...toEngineContract({ ...values, id: c.id ?? "new", template_ids: [] } as ContractRow) }],
      templates: [{ id: "t", segments: [{ startMinute: 0, durationMinutes: 60 }] }],
    }),
    "contract",
  );
  if (check) throw check;
  return asBureau(ctx, "wfm.manage", async (trx) => {
    const row = await mapConflicts(
      () =>
        c.id
          ? trx.updateTable("wfm_contracts").set(values).where("id", "=", c.id).returning("id").executeTakeFirst()
          : trx.insertInto("wfm_contracts").values(values).returning("id").executeTakeFirst(),
      { wfm_contracts_key_key: { field: "key", messageKey: "wfm:errors.keyTaken" } },
    );
    if (!row) throw new NotFoundError("contract");
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: c.id ? "wfm.contract.updated" : "wfm.contract.created", target: { type: "wfm_contract", id: row.id }, data: { ...c } });
    const saved = (await contractRows(trx)).find((x) => x.id === row.id)!;
    return {
      id: saved.id,
      key: saved.key,
      name: saved.name,
      maxWeeklyMinutes: saved.max_weekly_minutes,
      minWeeklyMinutes: saved.min_weekly_minutes,
      targetWeeklyMinutes: saved.target_weekly_minutes,
      minShiftMinutes: saved.min_shift_minutes,
      maxShiftMinutes: saved.max_shift_minutes,
      maxNightShifts: saved.max_night_shifts,
      minRestMinutes: saved.min_rest_minutes,
      minDaysOff: saved.min_days_off,
      templateIds: saved.template_ids,
      agents: 0,
    };
  });
}

export const templateSchema = z.object({
  id: z.string().uuid().optional(),
  key: keySchema,
  name: z.string().trim().min(1).max(120),
  segments: z.array(z.object({ startMinute: z.number().int().min(0).max(2880), durationMinutes: z.number().int().min(1).max(1440) })).min(1).max(4),
  breaks: z.array(z.object({ kind: z.enum(["meal", "short"]), durationMinutes: z.number().int().min(1).max(240), earliestStartOffset: z.number().int().min(0), latestEndOffset: z.number().int().min(1) })).max(6).default([]),
  days: z.array(z.number().int().min(0).max(6)).default([]),
  night: z.boolean().optional(),
  active: z.boolean().default(true),
});

export async function saveShiftTemplate(ctx: BureauCtx, raw: unknown): Promise<ShiftTemplateView> {
  const parsed = templateSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError("template", String(parsed.error.issues[0]?.path[0] ?? ""));
  const t = parsed.data;
  const settings = await wfmSettings();
  const check = engineIssue(
    rosterInputSchema.safeParse({
      intervalMinutes: settings.intervalMinutes,
      requirements: [],
      agents: [],
      contracts: [{ id: "c", maxWeeklyMinutes: 2640, minShiftMinutes: 1, maxShiftMinutes: 1440, maxNightShifts: 7 }],
      templates: [toEngineTemplate({ id: "t", key: t.key, name: t.name, segments: t.segments, breaks: t.breaks, days: t.days, night: t.night ?? null, active: t.active })],
    }),
    "template",
  );
  if (check) throw check;
  const values = { key: t.key, name: t.name, segments: JSON.stringify(t.segments), breaks: JSON.stringify(t.breaks), days: t.days, night: t.night ?? null, active: t.active, updated_at: new Date() };
  return asBureau(ctx, "wfm.manage", async (trx) => {
    const row = await mapConflicts(
      () =>
        t.id
          ? trx.updateTable("wfm_shift_templates").set(values).where("id", "=", t.id).returning("id").executeTakeFirst()
          : trx.insertInto("wfm_shift_templates").values(values).returning("id").executeTakeFirst(),
      { wfm_shift_templates_key_key: { field: "key", messageKey: "wfm:errors.keyTaken" } },
    );
    if (!row) throw new NotFoundError("template");
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: t.id ? "wfm.template.updated" : "wfm.template.created", target: { type: "wfm_template", id: row.id }, data: { ...t } });
    return (await templateViews(trx)).find((x) => x.id === row.id)!;
  });
}

export const agentWfmSchema = z.object({
  contractId: z.string().uuid().nullable(),
  unavailable: z.array(z.object({ day: z.number().int().min(0).max(6), fromMinute: z.number().int().min(0).max(1439), toMinute: z.number().int().min(1).max(1440) }).refine((w) => w.toMinute > w.fromMinute)).max(28).optional(),
  preferences: z.object({ templates: z.record(z.number().min(-3).max(3)).default({}), daysOff: z.array(z.number().int().min(0).max(6)).default([]) }).optional(),
});

export async function setAgentWfm(ctx: BureauCtx, agentId: string, raw: unknown): Promise<AgentWfmView> {
  const parsed = agentWfmSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError("invalid", String(parsed.error.issues[0]?.path[0] ?? ""));
  const input = parsed.data;
  return asBureau(ctx, "wfm.manage", async (trx) => {
    const agent = await trx.selectFrom("agents").select("user_id").where("user_id", "=", agentId).executeTakeFirst();
    if (!agent) throw new NotFoundError("agent");
    const values = {
      contract_id: input.contractId,
      ...(input.unavailable ? { unavailable: JSON.stringify(input.unavailable) } : {}),
      ...(input.preferences ? { preferences: JSON.stringify(input.preferences) } : {}),
      updated_at: new Date(),
    };
    await trx
      .insertInto("wfm_agent_profiles")
      .values({ agent_id: agentId, ...values })
      .onConflict((oc) => oc.column("agent_id").doUpdateSet(values))
      .execute();
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.agent.updated", target: { type: "agent", id: agentId }, data: { ...input } });
    const [a] = await agentEligibility(trx, { agentIds: [agentId] });
    return agentView(a!);
  });
}
