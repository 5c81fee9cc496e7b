import { sql } from "kysely";
import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import type { InteractionEvent } from "./metering";
import { listPlanVersions, versionAt, type StoredPlanVersion } from "./plans.server";
import { meterRecordingStorage, recordingsOf } from "./recordings";

/**
 * Recording storage from the record (recordings.ts). The interaction meter (metering.server.ts)
 * marks an interaction whose events hold a recording as due (interactions.recording_due_at); this
 * pass reads each due interaction's recording events, inserts one usage record per recording and
 * ended day kept (`on conflict do nothing` on its key: a re-run adds nothing), moves the watermark
 * (recording_metered_until) to the end of yesterday and the next look to the end of today, or clears
 * it once every recording is past the tenant's retention. So a recording metered up to yesterday is
 * extended by one day each night, at the cost of one row read per recording and day.
 */
export interface RecordingMeterOptions {
  now?: Date;
  limit?: number;
  tenantIds?: readonly string[];
  interactionIds?: readonly string[];
}

export interface RecordingMeterSummary {
  interactions: number;
  inserted: number;
}

interface DueRow {
  tenant_id: string;
  id: string;
  recording_metered_until: Date | null;
  time_zone: string;
  recording_retention_days: number;
}

export async function meterRecordings(opts: RecordingMeterOptions = {}): Promise<RecordingMeterSummary> {
  return withBureauScope((trx) => meterRecordingsIn(trx, opts));
}

export async function meterRecordingsIn(trx: Trx, opts: RecordingMeterOptions = {}): Promise<RecordingMeterSummary> {
  const now = opts.now ?? new Date();
  const { rows } = await sql<DueRow>`/* hk:billing-recordings-due */
    select i.tenant_id, i.id, i.recording_metered_until, t.time_zone, t.recording_retention_days
    from interactions i join tenants t on t.id = i.tenant_id
    where i.recording_due_at is not null and i.recording_due_at <= ${now}
      ${opts.tenantIds ? sql`and i.tenant_id = any(${[...opts.tenantIds]}::uuid[])` : sql``}
      ${opts.interactionIds ? sql`and i.id = any(${[...opts.interactionIds]}::uuid[])` : sql``}
    order by i.recording_due_at
    limit ${opts.limit ?? 500}
    for update of i skip locked`.execute(trx);
  if (rows.length === 0) return { interactions: 0, inserted: 0 };

  const events = await sql<{ interaction_id: string } & InteractionEvent>`
    select interaction_id, seq, type, at, data from interaction_events
    where (tenant_id, interaction_id) in (select * from unnest(${rows.map((r) => r.tenant_id)}::uuid[], ${rows.map((r) => r.id)}::uuid[]))
      and type in ('ivr.step', 'recording.finished')
    order by interaction_id, seq`.execute(trx);
  const byInteraction = new Map<string, InteractionEvent[]>();
  for (const e of events.rows) byInteraction.set(e.interaction_id, [...(byInteraction.get(e.interaction_id) ?? []), e]);

  const plans = new Map<string, StoredPlanVersion[]>();
  let inserted = 0;
  const marks: { tenantId: string; id: string; meteredUntil: Date; dueAt: Date | null }[] = [];
  for (const r of rows) {
    const result = meterRecordingStorage({
      tenantId: r.tenant_id,
      interactionId: r.id,
      timeZone: r.time_zone,
      retentionDays: r.recording_retention_days,
      recordings: recordingsOf(byInteraction.get(r.id) ?? []),
      from: r.recording_metered_until,
      now,
    });
    marks.push({ tenantId: r.tenant_id, id: r.id, meteredUntil: result.meteredUntil, dueAt: result.nextDueAt });
    if (result.records.length === 0) continue;
    if (!plans.has(r.tenant_id)) plans.set(r.tenant_id, await listPlanVersions(trx, r.tenant_id));
    const versions = plans.get(r.tenant_id)!;
    for (let i = 0; i < result.records.length; i += 1000) {
      const res = await trx
        .insertInto("usage_events")
        .values(
          result.records.slice(i, i + 1000).map((u) => ({
            tenant_id: u.tenantId,
            kind: u.kind,
            quantity: String(u.quantity),
            raw_quantity: String(u.rawQuantity),
            occurred_at: u.occurredAt,
            idempotency_key: u.idempotencyKey,
            interaction_id: u.interactionId,
            source_seq: u.seq,
            plan_version: (versionAt(versions, u.occurredAt) ?? versions[0])?.version ?? null,
          })),
        )
        .onConflict((oc) => oc.columns(["tenant_id", "idempotency_key"]).doNothing())
        .executeTakeFirst();
      inserted += Number(res.numInsertedOrUpdatedRows ?? 0n);
    }
  }
  await sql`
    update interactions i set recording_metered_until = v.metered_until, recording_due_at = v.due_at
    from unnest(${marks.map((m) => m.tenantId)}::uuid[], ${marks.map((m) => m.id)}::uuid[], ${marks.map((m) => m.meteredUntil)}::timestamptz[], ${marks.map((m) => m.dueAt)}::timestamptz[])
      as v(tenant_id, id, metered_until, due_at)
    where i.tenant_id = v.tenant_id and i.id = v.id`.execute(trx);
  return { interactions: rows.length, inserted };
}
