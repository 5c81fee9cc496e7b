import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../platform/db.server";
import { emptyTotals, KpiInputError, type AgentTotals, type ContactTotals } from "./kpi";
import type { Bucket } from "./periods";
import { ROLLUP_REPEAT_MATCH, ROLLUP_REPEAT_WINDOW_DAYS } from "./rollup.server";

/**
 * Reads of the rollup tables, summed in SQL per tenant, queue (or agent, campaign) and bucket: the
 * reports never scan the raw record. A bucket is a range of local days (day rows), or for a day's
 * report a local time of day (interval rows). `trx` is scoped by the caller: a tenant's own
 * transaction (RLS) or the bureau's after its permission check.
 */

export interface RollupFilter {
  tenantId?: string;
  queueId?: string;
  agentId?: string;
  campaignId?: string;
  channel?: string;
  direction?: string;
}

/** Rows cut by local days ([startDay, endDay) ranges), or by local time of day within one day. */
export type Bucketing = { kind: "days"; buckets: readonly Bucket[] } | { kind: "slots"; day: string; minutes: number } | { kind: "slotsOverDays"; startDay: string; endDay: string; minutes: number };

export interface SumRow {
  tenant_id: string;
  key_id: string;
  bucket: string;
  offered: number;
  answered: number;
  abandoned: number;
  callbacks_requested: number;
  answer_wait_ms: string;
  answered_within: Record<string, number>;
  abandoned_within: Record<string, number>;
  handled: number;
  talk_ms: string;
  hold_ms: string;
  wrap_ms: string;
  transferred: number;
  escalated: number;
  by_reason: Record<string, number>;
  by_disposition: Record<string, number>;
  fcr_eligible: number;
  fcr_resolved: number;
  repeat_eligible: number;
  repeat_contacts: number;
  /** Rows summed that lack a threshold this report needs (their sums would be partial). */
  missing_thresholds: number;
}

const SUMS = sql`
  sum(r.offered)::int as offered, sum(r.answered)::int as answered, sum(r.abandoned)::int as abandoned,
  sum(r.callbacks_requested)::int as callbacks_requested, sum(r.answer_wait_ms)::text as answer_wait_ms,
  report_jsonb_sum(r.answered_within) as answered_within, report_jsonb_sum(r.abandoned_within) as abandoned_within,
  sum(r.handled)::int as handled, sum(r.talk_ms)::text as talk_ms, sum(r.hold_ms)::text as hold_ms, sum(r.wrap_ms)::text as wrap_ms,
  sum(r.transferred)::int as transferred, sum(r.escalated)::int as escalated,
  report_jsonb_sum(r.by_reason) as by_reason, report_jsonb_sum(r.by_disposition) as by_disposition,
  sum(r.fcr_eligible)::int as fcr_eligible, sum(r.fcr_resolved)::int as fcr_resolved,
  sum(r.repeat_eligible)::int as repeat_eligible, sum(r.repeat_contacts)::int as repeat_contacts`;

function filters(f: RollupFilter, opts: { queue: boolean; agent: boolean }): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql<boolean>`true`];
  if (f.tenantId) parts.push(sql<boolean>`r.tenant_id = ${f.tenantId}`);
  if (f.queueId && opts.queue) parts.push(sql<boolean>`r.queue_id = ${f.queueId}`);
  if (f.agentId && opts.agent) parts.push(sql<boolean>`r.agent_id = ${f.agentId}`);
  if (f.channel) parts.push(sql<boolean>`r.channel = ${f.channel}`);
  if (f.direction) parts.push(sql<boolean>`r.direction = ${f.direction}`);
  return sql<boolean>`${sql.join(parts, sql` and `)}`;
}

const bucketsSql = (buckets: readonly Bucket[]) =>
  sql`unnest(${buckets.map((b) => b.label)}::text[], ${buckets.map((b) => b.startDay)}::date[], ${buckets.map((b) => b.endDay)}::date[]) b(label, s, e)`;

/**
 * Sums of queue rows (or agent rows) per tenant, queue (agent) and bucket. `slThreshold` null: each
 * queue's own threshold is the one needed; agent rows count no thresholds.
 */
export async function contactSums(
  trx: Executor,
  source: "queue" | "agent",
  f: RollupFilter,
  bucketing: Bucketing,
  slThreshold: number | null,
): Promise<SumRow[]> {
  const keyCol = source === "queue" ? sql.ref("r.queue_id") : sql.ref("r.agent_id");
  const where = filters(f, { queue: source === "queue", agent: source === "agent" });
  const missing =
    source === "queue"
      ? sql`(count(*) filter (where not (r.thresholds @> array[coalesce(${slThreshold}::int, q.sl_threshold_seconds), q.short_abandon_seconds])))::int`
      : sql`0`;
  const queueJoin = source === "queue" ? sql`join queues q on q.tenant_id = r.tenant_id and q.id = r.queue_id` : sql``;
  if (bucketing.kind === "days") {
    if (bucketing.buckets.length === 0) return [];
    const start = bucketing.buckets[0]!.startDay;
    const end = bucketing.buckets[bucketing.buckets.length - 1]!.endDay;
    const table = source === "queue" ? sql.table("report_queue_days") : sql.table("report_agent_days");
    const { rows } = await sql<SumRow>`
      select r.tenant_id, ${keyCol} as key_id, b.label as bucket, ${SUMS}, ${missing} as missing_thresholds
      from ${table} r ${queueJoin}
      join ${bucketsSql(bucketing.buckets)} on r.day >= b.s and r.day < b.e
      where r.day >= ${start}::date and r.day < ${end}::date and ${where}
      group by r.tenant_id, ${keyCol}, b.label`.execute(trx);
    return rows;
  }
  const table = source === "queue" ? sql.table("report_queue_intervals") : sql.table("report_agent_intervals");
  const [first, last] = bucketing.kind === "slots" ? [bucketing.day, bucketing.day] : [bucketing.startDay, bucketing.endDay];
  // A superset of instants (every zone's local day lies within 14 h of UTC's), then the local day exactly.
  const localDay = sql`(r.interval_start at time zone t.time_zone)::date`;
  const dayCondition = bucketing.kind === "slots" ? sql`${localDay} = ${first}::date` : sql`${localDay} >= ${first}::date and ${localDay} < ${last}::date`;
  const endBound = bucketing.kind === "slots" ? sql`(${last}::date + 1)` : sql`${last}::date`;
  const { rows } = await sql<SumRow>`
    select r.tenant_id, ${keyCol} as key_id,
      to_char(date_bin(make_interval(mins => ${bucketing.minutes}), r.interval_start at time zone t.time_zone, timestamp '2000-01-01'), 'HH24:MI') as bucket,
      ${SUMS}, ${missing} as missing_thresholds
    from ${table} r ${queueJoin}
    join tenants t on t.id = r.tenant_id
    where r.interval_start >= (${first}::date - 1)::timestamptz and r.interval_start < (${endBound} + 1)::timestamptz
      and ${dayCondition} and ${where}
    group by r.tenant_id, ${keyCol}, 3`.execute(trx);
  return rows;
}

/** Offered and answered per local weekday and time of day over a period (the volume heatmap). */
export async function volumeCells(trx: Executor, f: RollupFilter, startDay: string, endDay: string, minutes: number) {
  const localTs = sql`(r.interval_start at time zone t.time_zone)`;
  const { rows } = await sql<{ dow: number; slot: string; offered: number; answered: number }>`
    select extract(dow from ${localTs})::int as dow,
      to_char(date_bin(make_interval(mins => ${minutes}), ${localTs}, timestamp '2000-01-01'), 'HH24:MI') as slot,
      sum(r.offered)::int as offered, sum(r.answered)::int as answered
    from report_queue_intervals r join tenants t on t.id = r.tenant_id
    where r.interval_start >= (${startDay}::date - 1)::timestamptz and r.interval_start < (${endDay}::date + 1)::timestamptz
      and ${localTs}::date >= ${startDay}::date and ${localTs}::date < ${endDay}::date and ${filters(f, { queue: true, agent: false })}
    group by 1, 2`.execute(trx);
  return rows;
}

export interface AgentTimeSum {
  agent_id: string;
  bucket: string;
  logged_in_ms: string;
  available_ms: string;
  handling_ms: string;
}

/** Agents' time across all tenants per agent and bucket of bureau-local days. */
export async function agentTimeSums(trx: Executor, buckets: readonly Bucket[], agentId?: string): Promise<AgentTimeSum[]> {
  if (buckets.length === 0) return [];
  const { rows } = await sql<AgentTimeSum>`
    select r.agent_id, b.label as bucket, sum(r.logged_in_ms)::text as logged_in_ms, sum(r.available_ms)::text as available_ms, sum(r.handling_ms)::text as handling_ms
    from report_agent_time_days r join ${bucketsSql(buckets)} on r.day >= b.s and r.day < b.e
    where r.day >= ${buckets[0]!.startDay}::date and r.day < ${buckets[buckets.length - 1]!.endDay}::date
      ${agentId ? sql`and r.agent_id = ${agentId}` : sql``}
    group by r.agent_id, b.label`.execute(trx);
  return rows;
}

export interface CampaignSum {
  tenant_id: string;
  campaign_id: string;
  bucket: string;
  attempts: number;
  human_answered: number;
  connected: number;
  abandoned: number;
  busy: number;
  no_answer: number;
  voicemail: number;
  failed: number;
  by_disposition: Record<string, number>;
}

export async function campaignSums(trx: Executor, f: RollupFilter, buckets: readonly Bucket[]): Promise<CampaignSum[]> {
  if (buckets.length === 0) return [];
  const { rows } = await sql<CampaignSum>`
    select r.tenant_id, r.campaign_id, b.label as bucket, sum(attempts)::int as attempts, sum(human_answered)::int as human_answered,
      sum(connected)::int as connected, sum(abandoned)::int as abandoned, sum(busy)::int as busy, sum(no_answer)::int as no_answer,
      sum(voicemail)::int as voicemail, sum(failed)::int as failed, report_jsonb_sum(by_disposition) as by_disposition
    from report_campaign_days r join ${bucketsSql(buckets)} on r.day >= b.s and r.day < b.e
    where r.day >= ${buckets[0]!.startDay}::date and r.day < ${buckets[buckets.length - 1]!.endDay}::date
      ${f.tenantId ? sql`and r.tenant_id = ${f.tenantId}` : sql``} ${f.campaignId ? sql`and r.campaign_id = ${f.campaignId}` : sql``}
    group by r.tenant_id, r.campaign_id, b.label`.execute(trx);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Names and settings

export interface QueueInfo {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  timeZone: string;
  key: string;
  name: string;
  slTargetPct: number;
  slThresholdSeconds: number;
  shortAbandonSeconds: number;
}

export async function queueInfos(trx: Executor, f: RollupFilter): Promise<QueueInfo[]> {
  const rows = await trx
    .selectFrom("queues as q")
    .innerJoin("tenants as t", "t.id", "q.tenant_id")
    .select(["q.id", "q.tenant_id", "t.name as tenant_name", "t.slug", "t.time_zone", "q.key", "q.name", "q.sl_target_pct", "q.sl_threshold_seconds", "q.short_abandon_seconds"])
    .$if(!!f.tenantId, (qb) => qb.where("q.tenant_id", "=", f.tenantId!))
    .$if(!!f.queueId, (qb) => qb.where("q.id", "=", f.queueId!))
    .orderBy("t.name")
    .orderBy("q.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    tenantSlug: r.slug,
    timeZone: r.time_zone,
    key: r.key,
    name: r.name,
    slTargetPct: r.sl_target_pct,
    slThresholdSeconds: r.sl_threshold_seconds,
    shortAbandonSeconds: r.short_abandon_seconds,
  }));
}

export async function agentNames(trx: Executor, ids: readonly string[]): Promise<Map<string, { name: string; code: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await trx
    .selectFrom("agents as a")
    .innerJoin("users as u", "u.id", "a.user_id")
    .select(["a.user_id", "u.name", "a.employee_code"])
    .where("a.user_id", "in", [...ids])
    .execute();
  return new Map(rows.map((r) => [r.user_id, { name: r.name, code: r.employee_code }]));
}

export async function dispositionNames(trx: Executor, tenantIds: readonly string[]) {
  if (tenantIds.length === 0) return [];
  return trx
    .selectFrom("dispositions as d")
    .leftJoin("dispositions as p", (j) => j.onRef("p.tenant_id", "=", "d.tenant_id").onRef("p.id", "=", "d.parent_id"))
    .select(["d.tenant_id", "d.code", "d.name", "d.resolved", "p.name as parent_name", "p.code as parent_code"])
    .where("d.tenant_id", "in", [...tenantIds])
    .execute();
}

export interface CampaignInfo {
  id: string;
  tenantId: string;
  name: string;
  type: string;
  status: string;
  abandonCapBp: number;
  conversionCodes: string[];
}

export async function campaignInfos(trx: Executor, f: RollupFilter): Promise<CampaignInfo[]> {
  const rows = await trx
    .selectFrom("campaigns")
    .select(["id", "tenant_id", "name", "type", "status", "abandon_cap_bp", "disposition_rules"])
    .$if(!!f.tenantId, (qb) => qb.where("tenant_id", "=", f.tenantId!))
    .$if(!!f.campaignId, (qb) => qb.where("id", "=", f.campaignId!))
    .execute();
  return rows.map((r) => {
    const rules = (r.disposition_rules ?? {}) as Record<string, { conversion?: boolean } | undefined>;
    return {
      id: r.id,
      tenantId: r.tenant_id,
      name: r.name,
      type: r.type,
      status: r.status,
      abandonCapBp: r.abandon_cap_bp,
      conversionCodes: Object.entries(rules)
        .filter(([, v]) => v?.conversion === true)
        .map(([k]) => k),
    };
  });
}

/** When the rollups last caught up with the record (the worker's last run). */
export async function rollupsAsOf(trx: Executor): Promise<Date | null> {
  const row = await trx.selectFrom("report_rollup_state").select("updated_at").executeTakeFirst();
  return row?.updated_at ?? null;
}

// ---------------------------------------------------------------------------------------------
// Rows as kpi-totals' types

/** Agent rows and campaign rows count no wait: their totals carry a zero threshold so measuresOf can read them. */
export const NO_WAIT_THRESHOLD = 0;

const spec = (thresholds: readonly number[]) => ({ waitThresholdsSeconds: thresholds, repeatWindowDays: ROLLUP_REPEAT_WINDOW_DAYS, repeatMatch: ROLLUP_REPEAT_MATCH });

/**
 * A sum row as ContactTotals counting the given thresholds (thresholdNotAggregated when rows lacked
 * one). `null`: an agent row, which counts none (its waits are its queues' business).
 */
export function totalsOf(r: SumRow, thresholds: readonly number[] | null): ContactTotals {
  if (r.missing_thresholds > 0) throw new KpiInputError("thresholdNotAggregated", { thresholds });
  const t = emptyTotals(spec(thresholds ?? [NO_WAIT_THRESHOLD]));
  if (thresholds === null) {
    r = { ...r, answered_within: { [NO_WAIT_THRESHOLD]: 0 }, abandoned_within: { [NO_WAIT_THRESHOLD]: 0 } };
  }
  t.offered = r.offered;
  t.answered = r.answered;
  t.abandoned = r.abandoned;
  t.callbacksRequested = r.callbacks_requested;
  t.answerWaitMs = Number(r.answer_wait_ms);
  for (const k of Object.keys(t.answeredWithin)) {
    const a = r.answered_within[k];
    const b = r.abandoned_within[k];
    if (a === undefined || b === undefined) throw new KpiInputError("thresholdNotAggregated", { threshold: Number(k) });
    t.answeredWithin[k] = Number(a);
    t.abandonedWithin[k] = Number(b);
  }
  t.handled = r.handled;
  t.talkMs = Number(r.talk_ms);
  t.holdMs = Number(r.hold_ms);
  t.wrapMs = Number(r.wrap_ms);
  t.transferred = r.transferred;
  t.escalated = r.escalated;
  t.byReason = Object.fromEntries(Object.entries(r.by_reason).map(([k, v]) => [k, Number(v)]));
  t.byDisposition = Object.fromEntries(Object.entries(r.by_disposition).map(([k, v]) => [k, Number(v)]));
  t.fcrEligible = r.fcr_eligible;
  t.fcrResolved = r.fcr_resolved;
  t.repeatEligible = r.repeat_eligible;
  t.repeatContacts = r.repeat_contacts;
  return t;
}

export function agentTotalsOf(r: AgentTimeSum): AgentTotals {
  return { loggedInMs: Number(r.logged_in_ms), availableMs: Number(r.available_ms), handlingMs: Number(r.handling_ms) };
}

export function campaignTotalsOf(r: CampaignSum): ContactTotals {
  const t = emptyTotals(spec([NO_WAIT_THRESHOLD]));
  t.outboundAttempts = r.attempts;
  t.outboundHumanAnswered = r.human_answered;
  t.outboundConnected = r.connected;
  t.outboundAbandoned = r.abandoned;
  t.outboundBusy = r.busy;
  t.outboundNoAnswer = r.no_answer;
  t.outboundVoicemail = r.voicemail;
  t.outboundFailed = r.failed;
  t.outboundByDisposition = Object.fromEntries(Object.entries(r.by_disposition).map(([k, v]) => [k, Number(v)]));
  return t;
}
