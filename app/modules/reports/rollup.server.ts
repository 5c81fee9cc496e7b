import { sql, type RawBuilder } from "kysely";
import { REPEAT_WINDOW_DAYS } from "../customers/repeat";
import { logger } from "../platform/logger.server";
import type { Trx } from "../platform/db.server";
import { abandonedWithinSql, answeredWithinSql } from "../routing/sla.server";
import { withBureauScope } from "../tenancy/scope.server";
import { STANDARD_THRESHOLDS } from "./catalog";
import { AGENT_TIME_INTERVAL_MINUTES, AVAILABLE_STATES, HANDLING_STATES, NOT_READY_STATES, QUEUE_INTERVAL_MINUTES } from "./records";

/**
 * The rollups, maintained from the record (reports/records.ts states what is counted; this is the
 * same in SQL, set-based, and tested against it):
 *
 * - The unit of work is one tenant and a set of 15-minute intervals: every queue's and every
 *   agent's row of those intervals is deleted and computed again from routing_contacts,
 *   interactions, their events and dispositions, so a run is idempotent and a re-run (a crash, a
 *   second worker) changes nothing. The local days those intervals fall in are then added up again.
 * - What is recomputed: the intervals of interactions with events the worker has not seen
 *   (interactions.event_seq > reported_seq, billing's watermark pattern, safe against late commits),
 *   plus the intervals of the same customers' contacts up to N days either side: a new contact
 *   decides whether an earlier one was resolved at first contact, and whether it is a repeat.
 * - Wait thresholds are fixed when a row is built: each queue's set (report_rollup_queues) is the
 *   standard thresholds plus the tenant's queues' own. A queue whose threshold is not in the set
 *   gets it added and the tenant's rollups rebuilt.
 * - Agent time: the agents' state events of a window ending now, cut into 30-minute intervals.
 * - Campaign outcomes: per campaign and local day, from campaign_attempts.
 * - Once a day the last N + 1 days are re-rolled ("settle"), which also catches a disposition's
 *   resolved flag edited after the fact.
 * Runs are serialized by an advisory lock: two batches computing the same interval from different
 * snapshots could otherwise leave the older one.
 */

export const ROLLUP_REPEAT_WINDOW_DAYS = REPEAT_WINDOW_DAYS;
export const ROLLUP_REPEAT_MATCH = "customerAndReason" as const;

const LOCK_KEY = 72207;
const QUEUE_INTERVAL = `${QUEUE_INTERVAL_MINUTES} minutes`;
const AGENT_INTERVAL_MS = AGENT_TIME_INTERVAL_MINUTES * 60_000;
/** How far before its watermark the agent-time window starts again: events of transactions that committed late. */
const AGENT_TIME_LAG_MS = 2 * 60_000;
const DAY_MS = 86_400_000;

const HOLD_OPENERS = ["contact.held", "contact.escalated"];
const HOLD_CLOSERS = ["contact.resumed", "contact.escalationReturned", "contact.escalationTaken", "contact.ended", "contact.transferred", "routing.abandoned", "call.ended"];
const HOLD_TYPES = [...HOLD_OPENERS, ...HOLD_CLOSERS];
const EVENT_TYPES = [...HOLD_TYPES, "contact.disposed"];

/** Milliseconds since the epoch, floored: what a JS Date read from Postgres holds, so sums match records.ts. */
const msOf = (expr: RawBuilder<unknown>) => sql<number>`floor(extract(epoch from ${expr}) * 1000)::bigint`;

const textArray = (values: readonly string[]) => sql`${[...values]}::text[]`;

function thresholdKeys(thresholds: readonly number[]) {
  return [...new Set(thresholds)].sort((a, b) => a - b);
}

/** A queue's threshold set: the standard ones and the given ones (its own and its tenant's other queues'). */
export function thresholdSet(own: readonly number[]): number[] {
  return thresholdKeys([...STANDARD_THRESHOLDS, ...own]);
}

// ---------------------------------------------------------------------------------------------
// Contacts: one statement computes every queue and agent row of a tenant's intervals.

/**
 * The facts of the visits `scope` selects (over routing_contacts as rc), one row per visit, as the
 * CTEs v/f/h: h is what the aggregations read. records.ts visitRecords is the same in TypeScript.
 */
function factsCtes(scope: RawBuilder<boolean>, repeatDays: number) {
  const window = sql`make_interval(days => ${repeatDays})`;
  const sameKeyContact = (cmp: RawBuilder<boolean>) => sql<boolean>`exists (
      select 1 from interactions i2
      join dispositions d2 on d2.tenant_id = i2.tenant_id and d2.id = i2.disposition_id
      left join dispositions p2 on p2.tenant_id = d2.tenant_id and p2.id = d2.parent_id
      where i2.tenant_id = g.tenant_id and i2.customer_id = g.rep_customer and i2.direction = 'inbound'
        and coalesce(p2.code, d2.code) = g.rec_reason and ${cmp}
        and exists (select 1 from routing_contacts r2 where r2.tenant_id = i2.tenant_id and r2.interaction_id = i2.id and r2.kind = 'call'))`;
  return sql`
    v as (
      select rc.tenant_id, rc.id, rc.interaction_id, rc.queue_id, rc.kind, rc.status, rc.enqueued_at, rc.connected_at, rc.ended_at,
        rc.offered_agent_id, i.channel, i.direction, i.started_at, i.customer_id,
        d.code as disposition_code, coalesce(p.code, d.code) as reason_code, d.resolved,
        ${msOf(sql`rc.enqueued_at`)} as enq_ms, ${msOf(sql`rc.connected_at`)} as conn_ms, ${msOf(sql`rc.ended_at`)} as end_ms,
        -- The visit that carries the interaction's outcome: the latest connected, else ended; a live one last of all.
        not exists (
          select 1 from routing_contacts r2
          where r2.tenant_id = rc.tenant_id and r2.interaction_id = rc.interaction_id and r2.id <> rc.id
            and (coalesce(r2.connected_at, r2.ended_at, 'infinity'::timestamptz), r2.id) > (coalesce(rc.connected_at, rc.ended_at, 'infinity'::timestamptz), rc.id)
        ) as is_last,
        exists (
          select 1 from callback_tasks ct
          where ct.tenant_id = rc.tenant_id and ct.interaction_id = rc.interaction_id and ct.reason in ('ivr_offer', 'overflow', 'voicemail')
        ) as callback_promised
      from routing_contacts rc
      join interactions i on i.tenant_id = rc.tenant_id and i.id = rc.interaction_id
      left join dispositions d on d.tenant_id = i.tenant_id and d.id = i.disposition_id
      left join dispositions p on p.tenant_id = d.tenant_id and p.id = d.parent_id
      where ${scope}
    ),
    f as (
      select v.*, ev.hold_ms, ev.transferred, ev.escalated, ev.disposed_ms
      from v
      cross join lateral (
        select
          coalesce(sum(greatest(0, least(coalesce(x.next_ms, v.end_ms), v.end_ms) - x.at_ms))
            filter (where x.type = any(${textArray(HOLD_OPENERS)}) and x.at_ms >= v.conn_ms and x.at_ms < v.end_ms), 0)::bigint as hold_ms,
          coalesce(bool_or(x.type = 'contact.transferred' and x.at_ms >= v.conn_ms and (v.end_ms is null or x.at_ms <= v.end_ms)), false) as transferred,
          coalesce(bool_or(x.type = 'contact.escalated' and x.at_ms >= v.conn_ms and (v.end_ms is null or x.at_ms <= v.end_ms)), false) as escalated,
          min(x.at_ms) filter (where x.type = 'contact.disposed' and x.at_ms >= v.end_ms and x.agent = v.offered_agent_id::text) as disposed_ms
        from (
          select e.type, ${msOf(sql`e.at`)} as at_ms, e.data ->> 'agentId' as agent,
            -- The next hold-related event ends a hold; a disposal never does.
            lead(${msOf(sql`e.at`)}) over (partition by e.type = any(${textArray(HOLD_TYPES)}) order by e.seq) as next_ms
          from interaction_events e
          where v.conn_ms is not null and e.tenant_id = v.tenant_id and e.interaction_id = v.interaction_id and e.type = any(${textArray(EVENT_TYPES)})
        ) x
      ) ev
    ),
    g as (
      select f.tenant_id, f.id, f.queue_id, f.channel, f.direction, f.enqueued_at, f.connected_at, f.ended_at, f.status, f.started_at,
        date_bin(${QUEUE_INTERVAL}::interval, f.enqueued_at, timestamptz '1970-01-01 00:00:00+00') as interval_start,
        f.connected_at is not null as answered,
        f.connected_at is null and f.status = 'abandoned' as is_abandoned,
        f.connected_at is null and f.status in ('overflowed', 'cancelled') and f.callback_promised as callback_req,
        case when f.connected_at is not null then f.offered_agent_id end as agent_id,
        case when f.connected_at is not null then greatest(0, f.conn_ms - f.enq_ms) else 0 end as wait_ms,
        case when f.conn_ms is not null and f.end_ms is not null then f.hold_ms else 0 end as hold_ms,
        case when f.conn_ms is not null and f.end_ms is not null then greatest(0, f.end_ms - f.conn_ms - f.hold_ms) else 0 end as talk_ms,
        case when f.conn_ms is not null and f.end_ms is not null and f.status = 'completed' and not f.transferred and f.disposed_ms is not null
          then f.disposed_ms - f.end_ms else 0 end as wrap_ms,
        f.connected_at is not null and f.transferred as is_transferred,
        f.connected_at is not null and f.escalated as is_escalated,
        case when f.is_last and f.kind = 'call' and f.direction = 'inbound' then f.customer_id end as rep_customer,
        case when f.is_last then f.reason_code end as rec_reason,
        case when f.is_last then f.disposition_code end as rec_disposition,
        case when f.is_last then f.resolved end as rec_resolved
      from f
    ),
    h as materialized (
      select g.*,
        g.rep_customer is not null and g.rec_reason is not null as eligible,
        g.rep_customer is not null and g.rec_reason is not null
          and ${sameKeyContact(sql`i2.started_at < g.started_at and i2.started_at >= g.started_at - ${window}`)} as is_repeat,
        g.rep_customer is not null and g.rec_reason is not null
          and ${sameKeyContact(sql`i2.started_at > g.started_at and i2.started_at <= g.started_at + ${window}`)} as repeated_later
      from g
    )`;
}

/** The additive measures of a group of h rows (the thresholds' maps are built by the caller). */
const MEASURE_AGGREGATES = sql`
  count(*)::int as offered,
  (count(*) filter (where answered))::int as answered,
  (count(*) filter (where is_abandoned))::int as abandoned,
  (count(*) filter (where callback_req))::int as callbacks_requested,
  coalesce(sum(wait_ms) filter (where answered), 0)::bigint as answer_wait_ms,
  (count(*) filter (where answered))::int as handled,
  coalesce(sum(talk_ms) filter (where answered), 0)::bigint as talk_ms,
  coalesce(sum(hold_ms) filter (where answered), 0)::bigint as hold_ms,
  coalesce(sum(wrap_ms) filter (where answered), 0)::bigint as wrap_ms,
  (count(*) filter (where is_transferred))::int as transferred,
  (count(*) filter (where is_escalated))::int as escalated,
  (count(*) filter (where eligible and answered))::int as fcr_eligible,
  (count(*) filter (where eligible and answered and rec_resolved is true and not repeated_later))::int as fcr_resolved,
  (count(*) filter (where eligible))::int as repeat_eligible,
  (count(*) filter (where eligible and is_repeat))::int as repeat_contacts`;

const MEASURE_COLUMNS = sql.raw(
  "offered, answered, abandoned, callbacks_requested, answer_wait_ms, handled, talk_ms, hold_ms, wrap_ms, transferred, escalated, fcr_eligible, fcr_resolved, repeat_eligible, repeat_contacts",
);

/** {"20": n, ...}: answered (or abandoned) visits whose wait was at most each threshold. */
function withinMap(thresholds: readonly number[], kind: "answered" | "abandoned") {
  if (thresholds.length === 0) return sql`'{}'::jsonb`;
  const pairs = thresholds.map((t) => {
    const within = kind === "answered" ? answeredWithinSql(t, "h") : abandonedWithinSql(t, "h");
    // abandonedWithinSql reads status; a visit both connected and marked abandoned counts as answered, as in kpi-totals.
    const extra = kind === "abandoned" ? sql`and h.is_abandoned` : sql``;
    return sql`${String(t)}::text, (count(*) filter (where ${within} ${extra}))::int`;
  });
  return sql`jsonb_build_object(${sql.join(pairs)})`;
}

export interface IntervalScope {
  tenantId: string;
  /** Interval starts (15-minute aligned) to recompute, or a range of them. */
  intervals: readonly Date[] | { from: Date; to: Date };
}

function scopeCondition(s: IntervalScope): RawBuilder<boolean> {
  if (Array.isArray(s.intervals)) {
    const list = s.intervals as readonly Date[];
    const times = list.map((d) => d.getTime());
    const from = new Date(Math.min(...times));
    const to = new Date(Math.max(...times) + QUEUE_INTERVAL_MINUTES * 60_000);
    const iso = list.map((d) => d.toISOString());
    return sql<boolean>`rc.tenant_id = ${s.tenantId} and rc.enqueued_at >= ${from} and rc.enqueued_at < ${to}
      and date_bin(${QUEUE_INTERVAL}::interval, rc.enqueued_at, timestamptz '1970-01-01 00:00:00+00') = any(${iso}::timestamptz[])`;
  }
  const r = s.intervals as { from: Date; to: Date };
  return sql<boolean>`rc.tenant_id = ${s.tenantId} and rc.enqueued_at >= ${r.from} and rc.enqueued_at < ${r.to}`;
}

function rowScope(s: IntervalScope, column = "interval_start"): RawBuilder<boolean> {
  const c = sql.ref(column);
  if (Array.isArray(s.intervals)) return sql<boolean>`tenant_id = ${s.tenantId} and ${c} = any(${(s.intervals as readonly Date[]).map((d) => d.toISOString())}::timestamptz[])`;
  const r = s.intervals as { from: Date; to: Date };
  // Rows of the range: intervals starting in it (the range is interval-aligned by the callers).
  return sql<boolean>`tenant_id = ${s.tenantId} and ${c} >= ${r.from} and ${c} < ${r.to}`;
}

/** The tenant's threshold set (every queue's rows count the same set, see ensureThresholds). */
async function tenantThresholds(trx: Trx, tenantId: string): Promise<number[]> {
  const row = await trx.selectFrom("report_rollup_queues").select("thresholds").where("tenant_id", "=", tenantId).limit(1).executeTakeFirst();
  if (row) return thresholdKeys(row.thresholds);
  const own = await trx.selectFrom("queues").select(["sl_threshold_seconds", "short_abandon_seconds"]).where("tenant_id", "=", tenantId).execute();
  return thresholdSet(own.flatMap((q) => [q.sl_threshold_seconds, q.short_abandon_seconds]));
}

/**
 * Recomputes every queue and agent interval row of a tenant in the scope, from the record, and the
 * local days they fall in. `trx` is bureau-scoped (or the tenant's own).
 */
export async function rollupIntervals(trx: Trx, scope: IntervalScope, opts: { repeatDays?: number } = {}): Promise<{ queueRows: number; agentRows: number; days: string[] }> {
  if (Array.isArray(scope.intervals) && scope.intervals.length === 0) return { queueRows: 0, agentRows: 0, days: [] };
  const thresholds = await tenantThresholds(trx, scope.tenantId);
  const repeatDays = opts.repeatDays ?? ROLLUP_REPEAT_WINDOW_DAYS;
  // The days touched, in the tenant's zone, before the rows go (a range may have no contacts left in a day).
  const days = await touchedDays(trx, scope);
  await sql`delete from report_queue_intervals where ${rowScope(scope)}`.execute(trx);
  await sql`delete from report_agent_intervals where ${rowScope(scope)}`.execute(trx);
  const keysQ = sql.raw("tenant_id, queue_id, interval_start, channel, direction");
  const keysA = sql.raw("tenant_id, agent_id, interval_start, channel, direction");
  const { rows } = await sql<{ queue_rows: number; agent_rows: number }>`
    with ${factsCtes(scopeCondition(scope), repeatDays)},
    q_codes as (
      select ${keysQ},
        jsonb_object_agg(reason, n) filter (where reason is not null) as by_reason,
        jsonb_object_agg(disposition, m) filter (where disposition is not null) as by_disposition
      from (
        select ${keysQ}, coalesce(rec_reason, '') as reason, count(*)::int as n, null::text as disposition, null::int as m from h where answered group by ${keysQ}, 6
        union all
        select ${keysQ}, null, null, coalesce(rec_disposition, ''), count(*)::int from h where answered group by ${keysQ}, 8
      ) c group by ${keysQ}
    ),
    a_codes as (
      select ${keysA},
        jsonb_object_agg(reason, n) filter (where reason is not null) as by_reason,
        jsonb_object_agg(disposition, m) filter (where disposition is not null) as by_disposition
      from (
        select ${keysA}, coalesce(rec_reason, '') as reason, count(*)::int as n, null::text as disposition, null::int as m from h where answered group by ${keysA}, 6
        union all
        select ${keysA}, null, null, coalesce(rec_disposition, ''), count(*)::int from h where answered group by ${keysA}, 8
      ) c group by ${keysA}
    ),
    q_rows as (
      select ${keysQ}, ${MEASURE_AGGREGATES},
        ${withinMap(thresholds, "answered")} as answered_within,
        ${withinMap(thresholds, "abandoned")} as abandoned_within
      from h group by ${keysQ}
    ),
    a_rows as (
      select ${keysA}, ${MEASURE_AGGREGATES} from h where answered group by ${keysA}
    ),
    ins_a as (
      insert into report_agent_intervals (${keysA}, ${MEASURE_COLUMNS}, by_reason, by_disposition)
      select a.tenant_id, a.agent_id, a.interval_start, a.channel, a.direction,
        ${MEASURE_COLUMNS}, coalesce(c.by_reason, '{}'), coalesce(c.by_disposition, '{}')
      from a_rows a left join a_codes c using (tenant_id, agent_id, interval_start, channel, direction)
      returning 1
    ),
    ins_q as (
      insert into report_queue_intervals (${keysQ}, ${MEASURE_COLUMNS}, answered_within, abandoned_within, thresholds, by_reason, by_disposition)
      select q.tenant_id, q.queue_id, q.interval_start, q.channel, q.direction,
        ${MEASURE_COLUMNS}, q.answered_within, q.abandoned_within, ${thresholds}::int[], coalesce(c.by_reason, '{}'), coalesce(c.by_disposition, '{}')
      from q_rows q left join q_codes c using (tenant_id, queue_id, interval_start, channel, direction)
      returning 1
    )
    select (select count(*) from ins_q)::int as queue_rows, (select count(*) from ins_a)::int as agent_rows`.execute(trx);
  const allDays = [...new Set([...days, ...(await touchedDays(trx, scope))])].sort();
  await rollupDays(trx, scope.tenantId, allDays);
  return { queueRows: rows[0]!.queue_rows, agentRows: rows[0]!.agent_rows, days: allDays };
}

/** The tenant-local days of the scope's intervals that have rollup rows now. */
async function touchedDays(trx: Trx, scope: IntervalScope): Promise<string[]> {
  const { rows } = await sql<{ day: string }>`
    select distinct (r.interval_start at time zone t.time_zone)::date::text as day
    from (
      select interval_start from report_queue_intervals where ${rowScope(scope)}
      union select interval_start from report_agent_intervals where ${rowScope(scope)}
      ${Array.isArray(scope.intervals) ? sql`union select unnest(${(scope.intervals as readonly Date[]).map((d) => d.toISOString())}::timestamptz[])` : sql``}
    ) r cross join (select time_zone from tenants where id = ${scope.tenantId}) t`.execute(trx);
  return rows.map((r) => r.day);
}

const DAY_SUMS = sql`
  sum(offered)::int, sum(answered)::int, sum(abandoned)::int, sum(callbacks_requested)::int, sum(answer_wait_ms)::bigint,
  report_jsonb_sum(answered_within), report_jsonb_sum(abandoned_within),
  sum(handled)::int, sum(talk_ms)::bigint, sum(hold_ms)::bigint, sum(wrap_ms)::bigint, sum(transferred)::int, sum(escalated)::int,
  report_jsonb_sum(by_reason), report_jsonb_sum(by_disposition),
  sum(fcr_eligible)::int, sum(fcr_resolved)::int, sum(repeat_eligible)::int, sum(repeat_contacts)::int`;
const DAY_COLUMNS = sql.raw(`offered, answered, abandoned, callbacks_requested, answer_wait_ms, answered_within, abandoned_within,
  handled, talk_ms, hold_ms, wrap_ms, transferred, escalated, by_reason, by_disposition, fcr_eligible, fcr_resolved, repeat_eligible, repeat_contacts`);

/** A tenant's day rows (queues and agents) again from its interval rows. */
export async function rollupDays(trx: Trx, tenantId: string, days: readonly string[]): Promise<void> {
  if (days.length === 0) return;
  const list = sql`${[...days]}::date[]`;
  await sql`delete from report_queue_days where tenant_id = ${tenantId} and day = any(${list})`.execute(trx);
  await sql`delete from report_agent_days where tenant_id = ${tenantId} and day = any(${list})`.execute(trx);
  // Every row of a queue counts the same thresholds; min() keeps a day's set honest if that ever broke.
  await sql`
    with t as (select time_zone from tenants where id = ${tenantId}),
    d as (select unnest(${list}) as day)
    insert into report_queue_days (tenant_id, queue_id, day, channel, direction, ${DAY_COLUMNS}, thresholds)
    select r.tenant_id, r.queue_id, d.day, r.channel, r.direction, ${DAY_SUMS}, min(r.thresholds)
    from d cross join t
    join report_queue_intervals r on r.tenant_id = ${tenantId}
      and r.interval_start >= (d.day::timestamp at time zone t.time_zone) and r.interval_start < ((d.day + 1)::timestamp at time zone t.time_zone)
    group by r.tenant_id, r.queue_id, d.day, r.channel, r.direction`.execute(trx);
  await sql`
    with t as (select time_zone from tenants where id = ${tenantId}),
    d as (select unnest(${list}) as day)
    insert into report_agent_days (tenant_id, agent_id, day, channel, direction, ${DAY_COLUMNS})
    select r.tenant_id, r.agent_id, d.day, r.channel, r.direction, ${DAY_SUMS}
    from d cross join t
    join report_agent_intervals r on r.tenant_id = ${tenantId}
      and r.interval_start >= (d.day::timestamp at time zone t.time_zone) and r.interval_start < ((d.day + 1)::timestamp at time zone t.time_zone)
    group by r.tenant_id, r.agent_id, d.day, r.channel, r.direction`.execute(trx);
}

// ---------------------------------------------------------------------------------------------
// Thresholds

/**
 * Makes sure every queue's set holds its own SL and short-abandon thresholds. A tenant whose set
 * must grow gets the new set on all its queues; returns those tenants (their rollups need
 * rebuilding), not the ones seen for the first time (their queues have no rows yet).
 */
export async function ensureThresholds(trx: Trx): Promise<string[]> {
  const { rows } = await sql<{ tenant_id: string; own: number[]; current: number[] | null; known: boolean }>`
    select q.tenant_id, array_agg(distinct t.v order by t.v) as own,
      (select r.thresholds from report_rollup_queues r where r.tenant_id = q.tenant_id limit 1) as current,
      exists (select 1 from report_queue_intervals r where r.tenant_id = q.tenant_id) as known
    from queues q cross join lateral (values (q.sl_threshold_seconds), (q.short_abandon_seconds)) t(v)
    group by q.tenant_id`.execute(trx);
  const rebuild: string[] = [];
  for (const r of rows) {
    const current = r.current ?? [];
    const missing = r.own.some((v) => !current.includes(v));
    const queuesMissing = await sql<{ n: number }>`
      select count(*)::int as n from queues q where q.tenant_id = ${r.tenant_id}
        and not exists (select 1 from report_rollup_queues x where x.tenant_id = q.tenant_id and x.queue_id = q.id)`.execute(trx);
    if (!missing && queuesMissing.rows[0]!.n === 0) continue;
    // Sets only grow: a report asking for a threshold that rows once counted keeps working.
    const next = thresholdSet([...current, ...r.own]);
    await sql`
      insert into report_rollup_queues (tenant_id, queue_id, thresholds)
      select tenant_id, id, ${next}::int[] from queues where tenant_id = ${r.tenant_id}
      on conflict (tenant_id, queue_id) do update set thresholds = excluded.thresholds, updated_at = now()`.execute(trx);
    if (missing && (r.current !== null || r.known)) rebuild.push(r.tenant_id);
  }
  return rebuild;
}

// ---------------------------------------------------------------------------------------------
// Agent time (bureau-wide)

/**
 * Recomputes every agent's 30-minute rows in [from, to) (from aligned to 30 minutes) from the state
 * events, and the bureau-local days they fall in. records.ts agentTime is the same in TypeScript.
 */
export async function rollupAgentTime(trx: Trx, from: Date, to: Date, bureauZone: string): Promise<{ rows: number }> {
  if (from.getTime() % AGENT_INTERVAL_MS !== 0) throw new RangeError("agent time windows start on a 30-minute boundary");
  if (to.getTime() <= from.getTime()) return { rows: 0 };
  const fromMs = from.getTime();
  const toMs = to.getTime();
  const lastInterval = new Date(Math.floor((toMs - 1) / AGENT_INTERVAL_MS) * AGENT_INTERVAL_MS);
  const daysBefore = await agentDays(trx, from, lastInterval, bureauZone);
  await sql`delete from report_agent_time where interval_start >= ${from} and interval_start <= ${lastInterval}`.execute(trx);
  const { rows } = await sql<{ n: number }>`
    with ev as (
      select distinct on (id) agent_id, id, state, at, data from (
        select agent_id, id, state, at, data from agent_state_events where at >= ${from} and at < ${to}
        union all
        select s.agent_id, s.id, s.state, s.at, s.data from agents a cross join lateral (
          select agent_id, id, state, at, data from agent_state_events e where e.agent_id = a.user_id and e.at < ${from} order by e.at desc, e.id desc limit 1
        ) s
        union all
        select o.agent_id, o.id, o.state, o.at, o.data from agents a cross join lateral (
          select agent_id, id, state, at, data from agent_state_events e where e.agent_id = a.user_id and e.at < ${from} and e.state = 'offered' order by e.at desc, e.id desc limit 1
        ) o
      ) x order by id
    ),
    seq as (
      select agent_id, id, state, data, ${msOf(sql`at`)} as at_ms,
        lead(${msOf(sql`at`)}) over (partition by agent_id order by at, id) as next_ms,
        count(*) filter (where state = 'offered') over (partition by agent_id order by at, id) as grp
      from ev
    ),
    seg as (
      select agent_id, state,
        case when grp > 0 and state = any(${textArray(["offered", ...HANDLING_STATES])})
          then first_value(data ->> 'tenantId') over (partition by agent_id, grp order by at_ms, id) end as tenant,
        greatest(at_ms, ${fromMs}::bigint) as s_ms, least(coalesce(next_ms, ${toMs}::bigint), ${toMs}::bigint) as e_ms
      from seq
    ),
    parts as (
      select seg.agent_id, seg.state, seg.tenant, i as i_ms, least(seg.e_ms, i + ${AGENT_INTERVAL_MS}::bigint) - greatest(seg.s_ms, i) as part
      from seg cross join lateral generate_series((seg.s_ms / ${AGENT_INTERVAL_MS}::bigint) * ${AGENT_INTERVAL_MS}::bigint, seg.e_ms - 1, ${AGENT_INTERVAL_MS}::bigint) i
      where seg.state <> 'offline' and seg.e_ms > seg.s_ms
    ),
    by_tenant as (
      select agent_id, i_ms, jsonb_object_agg(tenant, ms) as m from (
        select agent_id, i_ms, tenant, sum(part)::bigint as ms from parts where tenant is not null and state = any(${textArray(HANDLING_STATES)}) group by 1, 2, 3
      ) t group by 1, 2
    ),
    ins as (
      insert into report_agent_time (agent_id, interval_start, logged_in_ms, available_ms, handling_ms, not_ready_ms, handling_by_tenant)
      select p.agent_id, to_timestamp(p.i_ms / 1000.0), sum(p.part)::bigint,
        coalesce(sum(p.part) filter (where p.state = any(${textArray(AVAILABLE_STATES)})), 0)::bigint,
        coalesce(sum(p.part) filter (where p.state = any(${textArray(HANDLING_STATES)})), 0)::bigint,
        coalesce(sum(p.part) filter (where p.state = any(${textArray(NOT_READY_STATES)})), 0)::bigint,
        coalesce(b.m, '{}')
      from parts p left join by_tenant b on b.agent_id = p.agent_id and b.i_ms = p.i_ms
      group by p.agent_id, p.i_ms, b.m
      returning 1
    )
    select count(*)::int as n from ins`.execute(trx);
  const days = [...new Set([...daysBefore, ...(await agentDays(trx, from, lastInterval, bureauZone))])];
  await rollupAgentTimeDays(trx, days, bureauZone);
  return { rows: rows[0]!.n };
}

async function agentDays(trx: Trx, from: Date, lastInterval: Date, zone: string): Promise<string[]> {
  const { rows } = await sql<{ day: string }>`
    select distinct (g at time zone ${zone})::date::text as day
    from generate_series(${from}::timestamptz, ${lastInterval}::timestamptz, interval '30 minutes') g`.execute(trx);
  return rows.map((r) => r.day);
}

export async function rollupAgentTimeDays(trx: Trx, days: readonly string[], zone: string): Promise<void> {
  if (days.length === 0) return;
  const list = sql`${[...days]}::date[]`;
  await sql`delete from report_agent_time_days where day = any(${list})`.execute(trx);
  await sql`
    insert into report_agent_time_days (agent_id, day, logged_in_ms, available_ms, handling_ms, not_ready_ms, handling_by_tenant)
    select r.agent_id, d.day, sum(logged_in_ms)::bigint, sum(available_ms)::bigint, sum(handling_ms)::bigint, sum(not_ready_ms)::bigint, report_jsonb_sum(handling_by_tenant)
    from unnest(${list}) d(day)
    join report_agent_time r on r.interval_start >= (d.day::timestamp at time zone ${zone}) and r.interval_start < ((d.day + 1)::timestamp at time zone ${zone})
    group by r.agent_id, d.day`.execute(trx);
}

// ---------------------------------------------------------------------------------------------
// Campaign outcomes

export interface CampaignDayKey {
  campaignId: string;
  day: string;
}

/** A tenant's campaign-day rows again from campaign_attempts (records.ts attemptRecord). */
export async function rollupCampaignDays(trx: Trx, tenantId: string, keys: readonly CampaignDayKey[]): Promise<void> {
  if (keys.length === 0) return;
  const campaigns = keys.map((k) => k.campaignId);
  const days = keys.map((k) => k.day);
  await sql`
    delete from report_campaign_days r using unnest(${campaigns}::uuid[], ${days}::date[]) k(campaign_id, day)
    where r.tenant_id = ${tenantId} and r.campaign_id = k.campaign_id and r.day = k.day`.execute(trx);
  await sql`
    with tz as (select time_zone from tenants where id = ${tenantId}),
    k as (select * from unnest(${campaigns}::uuid[], ${days}::date[]) k(campaign_id, day)),
    a as (
      select ca.campaign_id, k.day, ca.outcome, ca.disposition_code
      from k cross join tz
      join campaign_attempts ca on ca.tenant_id = ${tenantId} and ca.campaign_id = k.campaign_id
        and coalesce(ca.dialed_at, ca.created_at) >= (k.day::timestamp at time zone tz.time_zone)
        and coalesce(ca.dialed_at, ca.created_at) < ((k.day + 1)::timestamp at time zone tz.time_zone)
    ),
    codes as (
      select campaign_id, day, jsonb_object_agg(code, n) as m from (
        select campaign_id, day, coalesce(disposition_code, '') as code, count(*)::int as n from a where outcome = 'connected' group by 1, 2, 3
      ) c group by 1, 2
    )
    insert into report_campaign_days (tenant_id, campaign_id, day, attempts, human_answered, connected, abandoned, busy, no_answer, voicemail, failed, by_disposition)
    select ${tenantId}, a.campaign_id, a.day, count(*)::int,
      (count(*) filter (where outcome in ('connected', 'abandoned')))::int,
      (count(*) filter (where outcome = 'connected'))::int,
      (count(*) filter (where outcome = 'abandoned'))::int,
      (count(*) filter (where outcome = 'busy'))::int,
      (count(*) filter (where outcome = 'noAnswer'))::int,
      (count(*) filter (where outcome = 'voicemail'))::int,
      -- An attempt with no outcome yet is counted, as failed, so the results add up to the attempts (kpi-totals).
      (count(*) filter (where outcome = 'failed' or outcome is null or outcome not in ('connected', 'abandoned', 'busy', 'noAnswer', 'voicemail')))::int,
      coalesce(c.m, '{}')
    from a left join codes c using (campaign_id, day)
    group by a.campaign_id, a.day, c.m`.execute(trx);
}

// ---------------------------------------------------------------------------------------------
// The job

export interface RollupRunResult {
  locked: boolean;
  interactions: number;
  intervals: number;
  rebuiltTenants: number;
  agentRows: number;
  settled: boolean;
}

interface TenantIntervals {
  tenantId: string;
  intervals: Date[];
}

/** The intervals of pending interactions' visits and of their customers' contacts within N days. */
async function affectedIntervals(trx: Trx, pending: readonly { tenant_id: string; id: string }[], repeatDays: number): Promise<TenantIntervals[]> {
  if (pending.length === 0) return [];
  const tenants = pending.map((p) => p.tenant_id);
  const ids = pending.map((p) => p.id);
  const { rows } = await sql<{ tenant_id: string; interval_start: Date }>`
    with p as (select * from unnest(${tenants}::uuid[], ${ids}::uuid[]) p(tenant_id, id)),
    own as (
      select rc.tenant_id, rc.enqueued_at from p join routing_contacts rc on rc.tenant_id = p.tenant_id and rc.interaction_id = p.id
    ),
    neighbours as (
      select rc.tenant_id, rc.enqueued_at
      from p join interactions i on i.tenant_id = p.tenant_id and i.id = p.id and i.customer_id is not null
      join interactions i2 on i2.tenant_id = i.tenant_id and i2.customer_id = i.customer_id
        and i2.started_at >= i.started_at - make_interval(days => ${repeatDays}) and i2.started_at <= i.started_at + make_interval(days => ${repeatDays})
        and i2.id <> i.id
      join routing_contacts rc on rc.tenant_id = i2.tenant_id and rc.interaction_id = i2.id
    )
    select distinct tenant_id, date_bin(${QUEUE_INTERVAL}::interval, enqueued_at, timestamptz '1970-01-01 00:00:00+00') as interval_start
    from (select * from own union all select * from neighbours) x`.execute(trx);
  const byTenant = new Map<string, Date[]>();
  for (const r of rows) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.interval_start]);
  return [...byTenant.entries()].map(([tenantId, intervals]) => ({ tenantId, intervals }));
}

function byTenant(rows: readonly { tenant_id: string; campaign_id: string; day: string }[]): Map<string, CampaignDayKey[]> {
  const out = new Map<string, CampaignDayKey[]>();
  for (const r of rows) out.set(r.tenant_id, [...(out.get(r.tenant_id) ?? []), { campaignId: r.campaign_id, day: r.day }]);
  return out;
}

/** Campaign-days of pending interactions' attempts. */
async function pendingCampaignDays(trx: Trx, pending: readonly { tenant_id: string; id: string }[]): Promise<Map<string, CampaignDayKey[]>> {
  const { rows } = await sql<{ tenant_id: string; campaign_id: string; day: string }>`
    select distinct ca.tenant_id, ca.campaign_id, (coalesce(ca.dialed_at, ca.created_at) at time zone t.time_zone)::date::text as day
    from unnest(${pending.map((p) => p.tenant_id)}::uuid[], ${pending.map((p) => p.id)}::uuid[]) p(tenant_id, id)
    join campaign_attempts ca on ca.tenant_id = p.tenant_id and ca.interaction_id = p.id
    join tenants t on t.id = ca.tenant_id`.execute(trx);
  return byTenant(rows);
}

/** Today's campaign-days of campaigns running (or changed in the last day): attempts that fail before any event. */
async function runningCampaignDays(trx: Trx, now: Date): Promise<Map<string, CampaignDayKey[]>> {
  const { rows } = await sql<{ tenant_id: string; campaign_id: string; day: string }>`
    select c.tenant_id, c.id as campaign_id, (${now}::timestamptz at time zone t.time_zone)::date::text as day
    from campaigns c join tenants t on t.id = c.tenant_id
    where c.status = 'running' or c.updated_at >= ${now}::timestamptz - interval '1 day'`.execute(trx);
  return byTenant(rows);
}

async function bureauZone(trx: Trx): Promise<string> {
  const row = await trx.selectFrom("bureau_settings").select("time_zone").executeTakeFirst();
  return row?.time_zone ?? "Asia/Tehran";
}

export interface RollupOptions {
  now?: Date;
  /** Pending interactions per batch. */
  batch?: number;
  /** Batches per run (the rest waits for the next run). */
  maxBatches?: number;
  /** The daily settle of the last N days (on by default; tests that pin the clock turn it off). */
  settle?: boolean;
}

/** One tick of `reports.rollup`: thresholds, pending interactions in batches, agent time, the daily settle. */
export async function runRollup(opts: RollupOptions = {}): Promise<RollupRunResult> {
  const now = opts.now ?? new Date();
  const batch = opts.batch ?? 1000;
  const result: RollupRunResult = { locked: true, interactions: 0, intervals: 0, rebuiltTenants: 0, agentRows: 0, settled: false };
  const rebuild = await locked(async (trx) => ensureThresholds(trx));
  if (rebuild === null) return { ...result, locked: false };
  for (const tenantId of rebuild) {
    await rebuildRollups({ tenantIds: [tenantId], now });
    result.rebuiltTenants++;
  }
  for (let i = 0; i < (opts.maxBatches ?? 20); i++) {
    const done = await locked(async (trx) => {
      const { rows: pending } = await sql<{ tenant_id: string; id: string; event_seq: number }>`/* hk:reports-pending */
        select tenant_id, id, event_seq from interactions where event_seq > reported_seq limit ${batch}`.execute(trx);
      if (pending.length === 0) return { n: 0, intervals: 0 };
      const scopes = await affectedIntervals(trx, pending, ROLLUP_REPEAT_WINDOW_DAYS);
      let intervals = 0;
      for (const s of scopes) {
        await rollupIntervals(trx, s);
        intervals += s.intervals.length;
      }
      for (const [tenantId, keys] of await pendingCampaignDays(trx, pending)) await rollupCampaignDays(trx, tenantId, keys);
      await sql`
        update interactions i set reported_seq = p.seq
        from unnest(${pending.map((p) => p.tenant_id)}::uuid[], ${pending.map((p) => p.id)}::uuid[], ${pending.map((p) => p.event_seq)}::int[]) p(tenant_id, id, seq)
        where i.tenant_id = p.tenant_id and i.id = p.id and i.reported_seq < p.seq`.execute(trx);
      return { n: pending.length, intervals };
    });
    if (done === null) return { ...result, locked: false };
    result.interactions += done.n;
    result.intervals += done.intervals;
    if (done.n < batch) break;
  }
  const campaigns = await locked(async (trx) => {
    for (const [tenantId, keys] of await runningCampaignDays(trx, now)) await rollupCampaignDays(trx, tenantId, keys);
    return true;
  });
  if (campaigns === null) return { ...result, locked: false };
  const agent = await locked(async (trx) => {
    const zone = await bureauZone(trx);
    const state = await trx.selectFrom("report_rollup_state").select(["agent_time_until", "agent_time_zone", "settled_at"]).executeTakeFirst();
    let since = state?.agent_time_until && state.agent_time_zone === zone ? state.agent_time_until.getTime() - AGENT_TIME_LAG_MS : null;
    if (since === null) {
      const first = await trx.selectFrom("agent_state_events").select((eb) => eb.fn.min("at").as("at")).executeTakeFirst();
      since = first?.at ? new Date(first.at as unknown as string).getTime() : now.getTime();
    }
    const from = new Date(Math.floor(since / AGENT_INTERVAL_MS) * AGENT_INTERVAL_MS);
    const r = await rollupAgentTime(trx, from, now, zone);
    await trx.updateTable("report_rollup_state").set({ agent_time_until: now, agent_time_zone: zone, updated_at: now }).execute();
    return r.rows;
  });
  if (agent === null) return { ...result, locked: false };
  result.agentRows = agent;
  result.settled = opts.settle === false ? false : await settleIfDue(now);
  if (result.interactions || result.rebuiltTenants) logger.debug(result, "report rollups updated");
  return result;
}

/** Runs `fn` in a bureau transaction holding the rollup lock, or returns null when another run holds it. */
async function locked<T>(fn: (trx: Trx) => Promise<T>): Promise<T | null> {
  return withBureauScope(async (trx) => {
    const { rows } = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${LOCK_KEY}) as ok`.execute(trx);
    if (!rows[0]!.ok) return null;
    return fn(trx);
  });
}

/**
 * Once a day, after 03:00 in the bureau's zone: the last N + 1 days of every tenant rolled again.
 * FCR is settled N days after a contact; this also picks up a disposition's resolved flag or a
 * tenant's time zone edited since.
 */
async function settleIfDue(now: Date): Promise<boolean> {
  const due = await withBureauScope(async (trx) => {
    const zone = await bureauZone(trx);
    const { rows } = await sql<{ due: boolean }>`
      select coalesce(s.settled_at < (date_trunc('day', ${now}::timestamptz at time zone ${zone}) + interval '3 hours') at time zone ${zone}, true)
        and ${now}::timestamptz >= (date_trunc('day', ${now}::timestamptz at time zone ${zone}) + interval '3 hours') at time zone ${zone} as due
      from report_rollup_state s`.execute(trx);
    return rows[0]?.due ?? false;
  });
  if (!due) return false;
  const from = new Date(Math.floor((now.getTime() - (ROLLUP_REPEAT_WINDOW_DAYS + 1) * DAY_MS) / (QUEUE_INTERVAL_MINUTES * 60_000)) * QUEUE_INTERVAL_MINUTES * 60_000);
  await rebuildRollups({ from, to: now, now });
  await withBureauScope((trx) => trx.updateTable("report_rollup_state").set({ settled_at: now }).execute());
  return true;
}

export interface RebuildOptions {
  tenantIds?: readonly string[];
  from?: Date;
  to?: Date;
  now?: Date;
  /** Also the agent time from `from` (default: when no tenant is named). */
  agentTime?: boolean;
  /** Called after each tenant (the bench prints progress). */
  onTenant?: (tenantId: string, rows: { queueRows: number; agentRows: number }) => void;
}

/**
 * Every rollup of the given tenants (all by default) in [from, to) computed again from the record,
 * tenant by tenant in one transaction each, with the interactions marked seen. What the seed, the
 * benchmark, a threshold change and the daily settle use; the same SQL as the incremental runs.
 */
export async function rebuildRollups(opts: RebuildOptions = {}): Promise<{ tenants: number; queueRows: number }> {
  const now = opts.now ?? new Date();
  const step = QUEUE_INTERVAL_MINUTES * 60_000;
  const tenants = opts.tenantIds ?? (await withBureauScope((trx) => trx.selectFrom("tenants").select("id").execute())).map((t) => t.id);
  let queueRows = 0;
  for (const tenantId of tenants) {
    const r = await locked(async (trx) => {
      const bounds = await sql<{ first: Date | null; last: Date | null }>`
        select min(enqueued_at) as first, max(enqueued_at) as last from routing_contacts where tenant_id = ${tenantId}`.execute(trx);
      const first = opts.from ?? bounds.rows[0]?.first ?? null;
      const lastContact = bounds.rows[0]?.last ?? null;
      const to = opts.to ?? (lastContact ? new Date(lastContact.getTime() + 1) : null);
      if (!first || !to) return { queueRows: 0, agentRows: 0 };
      const from = new Date(Math.floor(first.getTime() / step) * step);
      const end = new Date(Math.ceil(to.getTime() / step) * step);
      // A whole tenant: what was pending before the rows are computed is seen once they are. The seqs
      // are taken first (an event committed meanwhile leaves its interaction pending) and written at
      // the end, so the ACD never waits on these rows while the rollup computes.
      const whole = !opts.from && !opts.to;
      if (whole) {
        await sql`create temp table report_rebuild_seen on commit drop as
          select id, event_seq from interactions where tenant_id = ${tenantId} and event_seq > reported_seq`.execute(trx);
      }
      const out = await rollupIntervals(trx, { tenantId, intervals: { from, to: end } });
      if (whole) {
        await sql`update interactions i set reported_seq = p.event_seq from report_rebuild_seen p
          where i.tenant_id = ${tenantId} and i.id = p.id and i.reported_seq < p.event_seq`.execute(trx);
      }
      const { rows: campaignDays } = await sql<{ campaign_id: string; day: string }>`
        select distinct ca.campaign_id, (coalesce(ca.dialed_at, ca.created_at) at time zone t.time_zone)::date::text as day
        from campaign_attempts ca join tenants t on t.id = ca.tenant_id
        where ca.tenant_id = ${tenantId} and coalesce(ca.dialed_at, ca.created_at) >= ${from} and coalesce(ca.dialed_at, ca.created_at) < ${end}`.execute(trx);
      await rollupCampaignDays(trx, tenantId, campaignDays.map((c) => ({ campaignId: c.campaign_id, day: c.day })));
      return out;
    });
    if (r === null) throw new Error("another rollup run holds the lock");
    queueRows += r.queueRows;
    opts.onTenant?.(tenantId, r);
  }
  if (opts.agentTime ?? !opts.tenantIds) {
    await locked(async (trx) => {
      const zone = await bureauZone(trx);
      const first = opts.from ?? (await trx.selectFrom("agent_state_events").select((eb) => eb.fn.min("at").as("at")).executeTakeFirst())?.at;
      if (!first) return;
      const fromMs = new Date(first as unknown as string).getTime();
      await rollupAgentTime(trx, new Date(Math.floor(fromMs / AGENT_INTERVAL_MS) * AGENT_INTERVAL_MS), opts.to ?? now, zone);
      if (!opts.to) await trx.updateTable("report_rollup_state").set({ agent_time_until: now, agent_time_zone: zone, updated_at: now }).execute();
    });
  }
  return { tenants: tenants.length, queueRows };
}
