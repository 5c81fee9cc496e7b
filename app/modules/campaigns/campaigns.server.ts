import { sql, type Selectable } from "kysely";
import type { Campaigns } from "../../../db/types";
import { recordAudit } from "../auth/audit.server";
import type { Executor, Trx } from "../platform/db.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import type { CampaignInput } from "./forms";
import { DEFAULT_SIMULATION, dispositionRulesSchema, progressOf, simulationSchema, type CampaignStatus, type CampaignType, type ProgressCounts } from "./model";
import type { DialingMode } from "./pacing";
import { callingWindowSchema, retryRulesSchema } from "./window";

/**
 * Campaigns of a tenant: settings, status (draft -> running <-> paused -> completed) and the
 * directory the settings form picks from. Every write and its audit record commit together, inside
 * the tenant's RLS context; the bureau console reads across tenants through listAllCampaigns.
 */

export class CampaignError extends Error {
  constructor(
    public readonly key: "notFound" | "illegalStatus" | "unknownQueue" | "unknownScript" | "completed",
    message?: string,
  ) {
    super(message ?? `campaign: ${key}`);
  }
}

export interface CampaignField {
  key: string;
  label: string;
}

export interface Campaign extends CampaignInput {
  id: string;
  tenantId: string;
  status: CampaignStatus;
  queueKey: string;
  queueName: string;
  scriptName: string | null;
  fields: CampaignField[];
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface CampaignSummary extends Campaign {
  progress: ProgressCounts;
}

export interface CampaignActor {
  userId: string | null;
  label: string;
  ip?: string | null;
}

type Row = Selectable<Campaigns> & { queue_key: string; queue_name: string; script_name: string | null };

/** A stored row as the domain reads it; JSON columns that fail their schema fall back to the defaults. */
export function toCampaign(r: Row): Campaign {
  const window = callingWindowSchema.safeParse(r.calling_window);
  const retry = retryRulesSchema.safeParse(r.retry_rules);
  const rules = dispositionRulesSchema.safeParse(r.disposition_rules);
  const sim = simulationSchema.safeParse(r.simulation);
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    type: r.type as CampaignType,
    status: r.status as CampaignStatus,
    queueId: r.queue_id,
    queueKey: r.queue_key,
    queueName: r.queue_name,
    scriptId: r.script_id,
    scriptName: r.script_name,
    dialingMode: r.dialing_mode as DialingMode,
    powerRatio: Number(r.power_ratio),
    priority: r.priority,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    abandonCapBp: r.abandon_cap_bp,
    abandonAfterSeconds: r.abandon_after_seconds,
    callbackDelayMinutes: r.callback_delay_minutes,
    callingWindow: window.success ? window.data : callingWindowSchema.parse({}),
    retryRules: retry.success ? retry.data : retryRulesSchema.parse({}),
    dispositionRules: rules.success ? rules.data : {},
    callerId: r.caller_id,
    simulation: sim.success ? sim.data : DEFAULT_SIMULATION,
    fields: Array.isArray(r.fields) ? (r.fields as unknown as CampaignField[]) : [],
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
  };
}

function selectCampaigns(trx: Executor) {
  return trx
    .selectFrom("campaigns as c")
    .innerJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "c.tenant_id").onRef("q.id", "=", "c.queue_id"))
    .leftJoin("scripts as s", (j) => j.onRef("s.tenant_id", "=", "c.tenant_id").onRef("s.id", "=", "c.script_id"))
    .selectAll("c")
    .select(["q.key as queue_key", "q.name as queue_name", "s.name as script_name"]);
}

export async function getCampaignIn(trx: Executor, tenantId: string, campaignId: string): Promise<Campaign | null> {
  const row = await selectCampaigns(trx).where("c.tenant_id", "=", tenantId).where("c.id", "=", campaignId).executeTakeFirst();
  return row ? toCampaign(row as Row) : null;
}

export function getCampaign(tenantId: string, campaignId: string): Promise<Campaign | null> {
  return withTenant(tenantId, (trx) => getCampaignIn(trx, tenantId, campaignId));
}

/** Contacts per status, for the given campaigns. */
export async function progressByCampaign(trx: Executor, tenantId: string, ids: readonly string[]): Promise<Map<string, ProgressCounts>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom("campaign_contacts")
    .select(["campaign_id", "status", sql<number>`count(*)::int`.as("n")])
    .where("tenant_id", "=", tenantId)
    .where("campaign_id", "in", ids)
    .groupBy(["campaign_id", "status"])
    .execute();
  const by = new Map<string, Record<string, number>>();
  for (const r of rows) {
    const m = by.get(r.campaign_id) ?? {};
    m[r.status] = r.n;
    by.set(r.campaign_id, m);
  }
  return new Map(ids.map((id) => [id, progressOf(by.get(id) ?? {})]));
}

export function listCampaigns(tenantId: string): Promise<CampaignSummary[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await selectCampaigns(trx).where("c.tenant_id", "=", tenantId).orderBy("c.created_at", "desc").orderBy("c.id").execute();
    const campaigns = rows.map((r) => toCampaign(r as Row));
    const progress = await progressByCampaign(trx, tenantId, campaigns.map((c) => c.id));
    return campaigns.map((c) => ({ ...c, progress: progress.get(c.id)! }));
  });
}

/** Every tenant's campaigns for the bureau console (the caller checked campaigns.read). */
export function listAllCampaigns(): Promise<(CampaignSummary & { tenantName: string; tenantSlug: string })[]> {
  return withBureauScope(async (trx) => {
    const rows = await selectCampaigns(trx)
      .innerJoin("tenants as t", "t.id", "c.tenant_id")
      .select(["t.name as tenant_name", "t.slug as tenant_slug"])
      .orderBy(sql`case c.status when 'running' then 0 when 'paused' then 1 when 'draft' then 2 else 3 end`)
      .orderBy("c.created_at", "desc")
      .limit(500)
      .execute();
    const out: (CampaignSummary & { tenantName: string; tenantSlug: string })[] = [];
    const byTenant = new Map<string, string[]>();
    for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.id]);
    const progress = new Map<string, ProgressCounts>();
    for (const [tenantId, ids] of byTenant) for (const [id, p] of await progressByCampaign(trx, tenantId, ids)) progress.set(id, p);
    for (const r of rows) out.push({ ...toCampaign(r as unknown as Row), progress: progress.get(r.id)!, tenantName: r.tenant_name, tenantSlug: r.tenant_slug });
    return out;
  });
}

async function checkRefs(trx: Trx, tenantId: string, input: Pick<CampaignInput, "queueId" | "scriptId">) {
  const queue = await trx.selectFrom("queues").select("id").where("tenant_id", "=", tenantId).where("id", "=", input.queueId).executeTakeFirst();
  if (!queue) throw new CampaignError("unknownQueue");
  if (input.scriptId) {
    const script = await trx.selectFrom("scripts").select("id").where("tenant_id", "=", tenantId).where("id", "=", input.scriptId).executeTakeFirst();
    if (!script) throw new CampaignError("unknownScript");
  }
}

function columns(input: CampaignInput) {
  return {
    name: input.name,
    type: input.type,
    queue_id: input.queueId,
    script_id: input.scriptId,
    dialing_mode: input.dialingMode,
    power_ratio: input.powerRatio.toFixed(1),
    priority: input.priority,
    starts_at: input.startsAt,
    ends_at: input.endsAt,
    abandon_cap_bp: input.abandonCapBp,
    abandon_after_seconds: input.abandonAfterSeconds,
    callback_delay_minutes: input.callbackDelayMinutes,
    calling_window: JSON.stringify(input.callingWindow),
    retry_rules: JSON.stringify(input.retryRules),
    disposition_rules: JSON.stringify(input.dispositionRules),
    caller_id: input.callerId,
    simulation: JSON.stringify(input.simulation),
  };
}

export function createCampaign(tenantId: string, input: CampaignInput, actor: CampaignActor): Promise<Campaign> {
  return withTenant(tenantId, async (trx) => {
    await checkRefs(trx, tenantId, input);
    const row = await trx
      .insertInto("campaigns")
      .values({ tenant_id: tenantId, ...columns(input), created_by: actor.userId })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { tenantId, actor, action: "campaign.created", target: { type: "campaign", id: row.id }, data: { name: input.name, type: input.type }, ip: actor.ip ?? null });
    return (await getCampaignIn(trx, tenantId, row.id))!;
  });
}

/** New settings take effect on the dialer's next decision, also while the campaign runs. */
export function updateCampaign(tenantId: string, campaignId: string, input: CampaignInput, actor: CampaignActor): Promise<Campaign> {
  return withTenant(tenantId, async (trx) => {
    const current = await trx.selectFrom("campaigns").select("status").where("tenant_id", "=", tenantId).where("id", "=", campaignId).forUpdate().executeTakeFirst();
    if (!current) throw new CampaignError("notFound");
    if (current.status === "completed") throw new CampaignError("completed");
    await checkRefs(trx, tenantId, input);
    await trx
      .updateTable("campaigns")
      .set({ ...columns(input), updated_at: sql`now()` })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", campaignId)
      .execute();
    await recordAudit(trx, { tenantId, actor, action: "campaign.updated", target: { type: "campaign", id: campaignId }, data: { name: input.name }, ip: actor.ip ?? null });
    return (await getCampaignIn(trx, tenantId, campaignId))!;
  });
}

export const STATUS_ACTIONS = ["start", "pause", "resume", "complete"] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

const TRANSITIONS: Record<StatusAction, { from: readonly CampaignStatus[]; to: CampaignStatus }> = {
  start: { from: ["draft"], to: "running" },
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  complete: { from: ["draft", "running", "paused"], to: "completed" },
};

/** The status a campaign may move to with `action`, or null: pure, so the page shows only the buttons that work. */
export function statusAfter(status: CampaignStatus, action: StatusAction): CampaignStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(status) ? t.to : null;
}

/**
 * Start, pause, resume or end a campaign. Pausing stops new dials (calls under way finish normally);
 * completing also closes every contact not yet final (cancelled), so nothing is dialed after it.
 */
export function setCampaignStatus(tenantId: string, campaignId: string, action: StatusAction, actor: CampaignActor): Promise<Campaign> {
  return withTenant(tenantId, async (trx) => {
    const row = await trx.selectFrom("campaigns").select("status").where("tenant_id", "=", tenantId).where("id", "=", campaignId).forUpdate().executeTakeFirst();
    if (!row) throw new CampaignError("notFound");
    const to = statusAfter(row.status as CampaignStatus, action);
    if (!to) throw new CampaignError("illegalStatus");
    await completeIn(trx, tenantId, campaignId, to, action === "complete" ? "cancelled" : null);
    await recordAudit(trx, { tenantId, actor, action: `campaign.${action}`, target: { type: "campaign", id: campaignId }, data: { from: row.status, to }, ip: actor.ip ?? null });
    return (await getCampaignIn(trx, tenantId, campaignId))!;
  });
}

/** Moves the status; when completing, closes the contacts that were still to be called with `closeAs`. */
export async function completeIn(trx: Executor, tenantId: string, campaignId: string, to: CampaignStatus, closeAs: "cancelled" | "failed" | null) {
  await trx
    .updateTable("campaigns")
    .set({
      status: to,
      updated_at: sql`now()`,
      ...(to === "running" ? { started_at: sql`coalesce(started_at, now())` } : {}),
      ...(to === "completed" ? { completed_at: sql`now()` } : {}),
    })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", campaignId)
    .execute();
  if (to === "completed" && closeAs) {
    await trx
      .updateTable("campaign_contacts")
      .set({ status: closeAs, done_reason: closeAs === "cancelled" ? "campaignCompleted" : "campaignEnded", updated_at: sql`now()` })
      .where("tenant_id", "=", tenantId)
      .where("campaign_id", "=", campaignId)
      .where("status", "=", "pending")
      .execute();
  }
}

export interface CampaignFormChoices {
  queues: { id: string; key: string; name: string }[];
  scripts: { id: string; name: string; published: boolean }[];
  dispositions: { code: string; name: string; parentName: string | null }[];
  numbers: string[];
}

/** What the settings form offers: the tenant's queues, scripts, disposition outcomes and numbers. */
export function campaignFormChoices(tenantId: string): Promise<CampaignFormChoices> {
  return withTenant(tenantId, async (trx) => {
    const [queues, scripts, dispositions, numbers] = await Promise.all([
      trx.selectFrom("queues").select(["id", "key", "name"]).where("tenant_id", "=", tenantId).orderBy("name").execute(),
      trx
        .selectFrom("scripts as s")
        .select([
          "s.id",
          "s.name",
          (eb) =>
            eb
              .exists(eb.selectFrom("script_versions as v").select("v.version").whereRef("v.tenant_id", "=", "s.tenant_id").whereRef("v.script_id", "=", "s.id").where("v.status", "=", "published"))
              .as("published"),
        ])
        .where("s.tenant_id", "=", tenantId)
        .orderBy("s.name")
        .execute(),
      trx
        .selectFrom("dispositions as d")
        .leftJoin("dispositions as p", (j) => j.onRef("p.tenant_id", "=", "d.tenant_id").onRef("p.id", "=", "d.parent_id"))
        .select(["d.code", "d.name", "p.name as parent_name"])
        .where("d.tenant_id", "=", tenantId)
        .where("d.active", "=", true)
        .where((eb) => eb.not(eb.exists(eb.selectFrom("dispositions as c").select("c.id").whereRef("c.tenant_id", "=", "d.tenant_id").whereRef("c.parent_id", "=", "d.id"))))
        .orderBy(sql`coalesce(p.sort, d.sort)`)
        .orderBy("d.sort")
        .orderBy("d.name")
        .execute(),
      trx.selectFrom("tenant_phone_numbers").select("e164").where("tenant_id", "=", tenantId).orderBy("e164").execute(),
    ]);
    return {
      queues,
      scripts: scripts.map((s) => ({ id: s.id, name: s.name, published: Boolean(s.published) })),
      dispositions: dispositions.map((d) => ({ code: d.code, name: d.name, parentName: d.parent_name })),
      numbers: numbers.map((n) => n.e164),
    };
  });
}

/**
 * The custom fields a script may name as {{placeholders}}: those of every campaign that plays it (the
 * desktop fills them from the contact's row). Sorted, each once.
 */
export async function scriptPlaceholders(trx: Executor, tenantId: string, scriptId: string): Promise<string[]> {
  const rows = await trx.selectFrom("campaigns").select("fields").where("tenant_id", "=", tenantId).where("script_id", "=", scriptId).execute();
  const keys = new Set<string>();
  for (const r of rows) for (const f of Array.isArray(r.fields) ? (r.fields as unknown as CampaignField[]) : []) if (typeof f?.key === "string") keys.add(f.key);
  return [...keys].sort();
}

export function campaignScriptPlaceholders(tenantId: string, scriptId: string): Promise<string[]> {
  return withTenant(tenantId, (trx) => scriptPlaceholders(trx, tenantId, scriptId));
}
