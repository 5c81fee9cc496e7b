import { sql, type RawBuilder } from "kysely";
import type { Executor } from "../platform/db.server";
import type { SlCounts } from "./sla";

/**
 * The service-level counts in SQL, in one place: the wallboard's "today", billing's month and the
 * reports all count a routed contact the same way (sla.ts states the formula). `counted` selects the
 * contacts of the window (by when they entered the queue); `rc` is routing_contacts, `q` its queue.
 */
export function slCountColumns(counted: RawBuilder<boolean>) {
  return sql`
    count(*) filter (where rc.connected_at is not null and ${counted})::int as answered,
    count(*) filter (where rc.connected_at is not null and ${counted}
      and rc.connected_at - rc.enqueued_at <= make_interval(secs => q.sl_threshold_seconds))::int as answered_within,
    count(*) filter (where rc.status = 'abandoned' and ${counted}
      and rc.ended_at - rc.enqueued_at > make_interval(secs => q.short_abandon_seconds))::int as abandoned,
    count(*) filter (where rc.status = 'abandoned' and ${counted}
      and rc.ended_at - rc.enqueued_at <= make_interval(secs => q.short_abandon_seconds))::int as short_abandoned`;
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
