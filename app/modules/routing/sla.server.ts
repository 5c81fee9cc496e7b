import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../platform/db.server";
import type { SlCounts } from "./sla";

/**
 * The service-level predicates in SQL, in one place: the wallboard's "today", billing's month and the
 * reports' rollups (reports/rollup.server.ts) all count a routed contact the same way (sla.ts states
 * the formula). `rc` names a routing_contacts row (or a row with its columns); a threshold is a
 * column reference (the queue's) or a number of seconds.
 */
type Seconds = RawBuilder<number> | number;
const col = (rc: string, name: string) => sql.ref(`${rc}.${name}`);

export function answeredSql(rc = "rc") {
  return sql<boolean>`${col(rc, "connected_at")} is not null`;
}

export function answeredWithinSql(seconds: Seconds, rc = "rc") {
  return sql<boolean>`${col(rc, "connected_at")} is not null and ${col(rc, "connected_at")} - ${col(rc, "enqueued_at")} <= make_interval(secs => ${seconds})`;
}

export function abandonedSql(rc = "rc") {
  return sql<boolean>`${col(rc, "status")} = 'abandoned'`;
}

/** Abandoned within the threshold (a short abandon when it is the short-abandon threshold). */
export function abandonedWithinSql(seconds: Seconds, rc = "rc") {
  return sql<boolean>`${col(rc, "status")} = 'abandoned' and ${col(rc, "ended_at")} - ${col(rc, "enqueued_at")} <= make_interval(secs => ${seconds})`;
}

/**
 * The service-level counts of the contacts `counted` selects (by when they entered the queue); `rc`
 * is routing_contacts, `q` its queue.
 */
export function slCountColumns(counted: RawBuilder<boolean>) {
  const threshold = sql<number>`q.sl_threshold_seconds`;
  const short = sql<number>`q.short_abandon_seconds`;
  return sql`
    count(*) filter (where ${answeredSql()} and ${counted})::int as answered,
    count(*) filter (where ${answeredWithinSql(threshold)} and ${counted})::int as answered_within,
    count(*) filter (where ${abandonedSql()} and ${counted} and not (${abandonedWithinSql(short)}))::int as abandoned,
    count(*) filter (where ${abandonedWithinSql(short)} and ${counted})::int as short_abandoned`;
}

export interface QueueSl {
  queueId: string;
  queueKey: string;
  queueName: string;
  slTargetPct: number;
  slThresholdSeconds: number;
  counts: SlCounts;
}

/** A tenant's service-level counts per queue for contacts that entered a queue in [from, to). */
export async function slCountsByQueue(trx: Executor, tenantId: string, from: Date, to: Date): Promise<QueueSl[]> {
  const { rows } = await sql<{
    id: string;
    key: string;
    name: string;
    sl_target_pct: number;
    sl_threshold_seconds: number;
    answered: number;
    answered_within: number;
    abandoned: number;
    short_abandoned: number;
  }>`
    select q.id, q.key, q.name, q.sl_target_pct, q.sl_threshold_seconds,
      ${slCountColumns(sql<boolean>`true`)}
    from queues q
    left join routing_contacts rc on rc.tenant_id = q.tenant_id and rc.queue_id = q.id
      and rc.enqueued_at >= ${from} and rc.enqueued_at < ${to}
    where q.tenant_id = ${tenantId}
    group by q.id, q.key, q.name, q.sl_target_pct, q.sl_threshold_seconds
    order by q.key`.execute(trx);
  return rows.map((r) => ({
    queueId: r.id,
    queueKey: r.key,
    queueName: r.name,
    slTargetPct: r.sl_target_pct,
    slThresholdSeconds: r.sl_threshold_seconds,
    counts: { answered: r.answered, answeredWithin: r.answered_within, abandoned: r.abandoned, shortAbandoned: r.short_abandoned },
  }));
}
