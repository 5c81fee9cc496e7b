import { sql } from "kysely";
import type { Executor } from "../platform/db.server";
import type { HistoryPoint } from "./forecast";
import { patienceFromHistory } from "./requirements";
import type { WfmQueueRef } from "./views";

/**
 * Reads the WFM modules share: queues with their SLA and abandonment profile, agents' eligibility,
 * contact history per interval, stored forecasts. Every function takes the transaction it runs in;
 * callers open bureau scope (after a permission check) or a tenant's scope, and RLS limits the rows
 * to what that scope may see.
 */

/** How far back the abandonment profile looks. */
const PATIENCE_WEEKS = 8;

export interface QueueRow extends WfmQueueRef {
  priority: number;
}

export async function queueRefs(trx: Executor, opts: { queueIds?: readonly string[]; tenantId?: string; now?: Date } = {}): Promise<QueueRow[]> {
  const now = opts.now ?? new Date();
  const since = new Date(now.getTime() - PATIENCE_WEEKS * 7 * 86_400_000);
  const { rows } = await sql<{
    id: string;
    tenant_id: string;
    tenant_name: string;
    slug: string;
    key: string;
    name: string;
    sl_target_pct: number;
    sl_threshold_seconds: number;
    time_zone: string;
    priority: number;
    contacts: number;
    abandoned: number;
    wait_seconds: number | null;
  }>`
    select q.id, q.tenant_id, t.name as tenant_name, t.slug, q.key, q.name, q.sl_target_pct, q.sl_threshold_seconds, t.time_zone, q.priority,
      coalesce(p.contacts, 0)::int as contacts, coalesce(p.abandoned, 0)::int as abandoned, p.wait_seconds
    from queues q
    join tenants t on t.id = q.tenant_id
    left join lateral (
      -- Every contact's wait counts (answered ones as censored patience), abandons beyond the short-abandon threshold only.
      select count(*) as contacts,
        count(*) filter (where rc.status = 'abandoned' and rc.ended_at - rc.enqueued_at > make_interval(secs => q.short_abandon_seconds)) as abandoned,
        sum(extract(epoch from coalesce(rc.connected_at, rc.ended_at) - rc.enqueued_at))::float8 as wait_seconds
      from routing_contacts rc
      where rc.tenant_id = q.tenant_id and rc.queue_id = q.id and rc.kind = 'call'
        and rc.enqueued_at >= ${since} and rc.enqueued_at < ${now}
        and coalesce(rc.connected_at, rc.ended_at) is not null
    ) p on true
    where t.status = 'active'
      ${opts.tenantId ? sql`and q.tenant_id = ${opts.tenantId}` : sql``}
      ${opts.queueIds ? sql`and q.id = any(${[...opts.queueIds]}::uuid[])` : sql``}
    order by t.name, q.key`.execute(trx);
  return rows.map((r) => ({
    queueId: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    tenantSlug: r.slug,
    queueKey: r.key,
    queueName: r.name,
    slTarget: r.sl_target_pct / 100,
    slThresholdSeconds: r.sl_threshold_seconds,
    timeZone: r.time_zone,
    patienceSeconds: patienceFromHistory({ abandoned: r.abandoned, waitSeconds: r.wait_seconds ?? 0, contacts: r.contacts }),
    priority: r.priority,
  }));
}

export interface AgentEligibility {
  agentId: string;
  name: string;
  employeeCode: string;
  email: string;
  locale: string | null;
  queueIds: string[];
  contractId: string | null;
  unavailable: { day: number; fromMinute: number; toMinute: number }[];
  preferences: { templates?: Record<string, number>; daysOff?: number[] };
  feedTokenVersion: number;
}

/**
 * Which queues each active agent may serve: assigned to the queue by its tenant, holding the
 * queue's required skills and speaking its language (the ACD's own filters, routing/acd.server.ts).
 */
export async function agentEligibility(trx: Executor, opts: { agentIds?: readonly string[] } = {}): Promise<AgentEligibility[]> {
  const { rows } = await sql<{
    agent_id: string;
    name: string;
    email: string;
    locale: string | null;
    employee_code: string;
    queue_ids: string[] | null;
    contract_id: string | null;
    unavailable: unknown;
    preferences: unknown;
    feed_token_version: number | null;
  }>`
    select a.user_id as agent_id, u.name, u.email, u.locale, a.employee_code,
      (select array_agg(aq.queue_id::text order by aq.queue_id)
         from agent_queue_assignments aq
         join queues q on q.tenant_id = aq.tenant_id and q.id = aq.queue_id
         join tenants t on t.id = q.tenant_id and t.status = 'active'
        where aq.agent_id = a.user_id
          and q.required_skills <@ a.skills
          and (q.language is null or q.language = any(a.languages))) as queue_ids,
      p.contract_id, p.unavailable, p.preferences, p.feed_token_version
    from agents a
    join users u on u.id = a.user_id and u.status = 'active'
    left join wfm_agent_profiles p on p.agent_id = a.user_id
    ${opts.agentIds ? sql`where a.user_id = any(${[...opts.agentIds]}::uuid[])` : sql``}
    order by u.name, a.employee_code`.execute(trx);
  return rows.map((r) => ({
    agentId: r.agent_id,
    name: r.name,
    employeeCode: r.employee_code,
    email: r.email,
    locale: r.locale,
    queueIds: r.queue_ids ?? [],
    contractId: r.contract_id,
    unavailable: Array.isArray(r.unavailable) ? (r.unavailable as AgentEligibility["unavailable"]) : [],
    preferences: (r.preferences && typeof r.preferences === "object" ? r.preferences : {}) as AgentEligibility["preferences"],
    feedTokenVersion: r.feed_token_version ?? 1,
  }));
}

/**
 * Offered contacts and handle time of one queue in 15-minute UTC slices (every real zone's offset is
 * a multiple of 15 minutes, so the forecast can regroup them into any local 15/30/60-minute interval).
 * Offered = contacts that entered the queue, less those passed on by overflow or cancelled (they are
 * counted where they went). Handle = talk and hold (answer to wrap-up) plus wrap-up (to the close).
 */
export async function historyPoints(trx: Executor, tenantId: string, queueId: string, from: Date, to: Date): Promise<HistoryPoint[]> {
  const { rows } = await sql<{ slot: number; contacts: number; handle: number }>`
    select floor(extract(epoch from rc.enqueued_at) / 900)::float8 as slot, count(*)::int as contacts,
      coalesce(sum(greatest(0, extract(epoch from coalesce(i.ended_at, i.wrapup_at) - i.answered_at))) filter (where rc.connected_at is not null and i.answered_at is not null), 0)::float8 as handle
    from routing_contacts rc
    join interactions i on i.tenant_id = rc.tenant_id and i.id = rc.interaction_id
    where rc.tenant_id = ${tenantId} and rc.queue_id = ${queueId} and rc.kind = 'call'
      and rc.status not in ('overflowed', 'cancelled')
      and rc.enqueued_at >= ${from} and rc.enqueued_at < ${to}
    group by 1 order by 1`.execute(trx);
  return rows.map((r) => ({ start: new Date(r.slot * 900_000), contacts: r.contacts, handleSeconds: r.handle }));
}

/** The instant of the tenant's first routed contact: history before it is unknown, not zero. */
export async function firstContactAt(trx: Executor, tenantId: string): Promise<Date | null> {
  const row = await trx.selectFrom("routing_contacts").select(sql<Date | null>`min(enqueued_at)`.as("first")).where("tenant_id", "=", tenantId).executeTakeFirst();
  return row?.first ?? null;
}

export async function holidaysOf(trx: Executor, tenantId: string): Promise<string[]> {
  const rows = await trx.selectFrom("tenant_holidays").select(sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")).where("tenant_id", "=", tenantId).execute();
  return rows.map((r) => r.day);
}

export interface StoredForecastPoint {
  queueId: string;
  start: Date;
  localDate: string;
  minuteOfDay: number;
  dayType: string;
  basis: string;
  contacts: number;
  ahtSeconds: number;
  adjustedContacts: number;
  adjustedAhtSeconds: number;
  adjustments: string[];
  intervalMinutes: number;
}

export async function forecastPoints(trx: Executor, queueIds: readonly string[], from: Date, to: Date): Promise<StoredForecastPoint[]> {
  if (queueIds.length === 0) return [];
  const rows = await trx
    .selectFrom("wfm_forecasts")
    .select([
      "queue_id",
      "interval_start",
      sql<string>`to_char(local_date, 'YYYY-MM-DD')`.as("local_date"),
      "minute_of_day",
      "day_type",
      "basis",
      "contacts",
      "aht_seconds",
      "adjusted_contacts",
      "adjusted_aht_seconds",
      "adjustments",
      "interval_minutes",
    ])
    .where("queue_id", "in", [...queueIds])
    .where("interval_start", ">=", from)
    .where("interval_start", "<", to)
    .orderBy("queue_id")
    .orderBy("interval_start")
    .execute();
  return rows.map((r) => ({
    queueId: r.queue_id,
    start: r.interval_start,
    localDate: r.local_date,
    minuteOfDay: r.minute_of_day,
    dayType: r.day_type,
    basis: r.basis,
    contacts: r.contacts,
    ahtSeconds: r.aht_seconds,
    adjustedContacts: r.adjusted_contacts,
    adjustedAhtSeconds: r.adjusted_aht_seconds,
    adjustments: r.adjustments,
    intervalMinutes: r.interval_minutes,
  }));
}
