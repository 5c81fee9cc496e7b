import { sql } from "kysely";
import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import { meterInteraction, type InteractionChannel, type InteractionDirection, type MeteringRules, type UsageRecord } from "./metering";
import { listPlanVersions, versionAt, type StoredPlanVersion } from "./plans.server";
import { recordingsOf } from "./recordings";

/**
 * Usage is metered from the record, never typed in: interactions that ended (or got events since
 * they were last metered) are read with their events, metered by the plan version in force when they
 * started, and their usage records inserted with `on conflict do nothing` on the idempotency key, so
 * metering the same interaction again (a replayed webhook's events, a second worker, a crash after
 * the insert) adds nothing. `interactions.metered_seq` remembers the last event seen.
 *
 * An interaction whose events hold a recording is also marked for the recording storage meter
 * (recordings.server.ts), with its watermark cleared: a recording reported after the others were
 * metered for some days gets its days from the start (the keys keep the rest harmless).
 */
const DEFAULT_RULES: MeteringRules = { minuteRounding: { mode: "per_second" }, wrapUp: { mode: "none" } };

export interface MeterResult {
  interactions: number;
  /** Usage records written now (the others were already there). */
  inserted: number;
}

interface Pending {
  tenant_id: string;
  id: string;
  channel: string;
  direction: string;
  started_at: Date;
  event_seq: number;
}

/** Meters given interactions (or, without ids, up to `limit` pending ones across all tenants). */
export interface MeterOptions {
  limit?: number;
  tenantIds?: readonly string[];
  interactionIds?: readonly string[];
}

export async function meterPending(opts: MeterOptions = {}): Promise<MeterResult> {
  return withBureauScope((trx) => meterPendingIn(trx, opts));
}

/** The same inside a transaction the caller scoped to the bureau (the workers' job, the demo seed). */
export async function meterPendingIn(trx: Trx, opts: MeterOptions = {}): Promise<MeterResult> {
  const { rows } = await sql<Pending>`/* hk:billing-pending */
    select tenant_id, id, channel, direction, started_at, event_seq from interactions
    where ended_at is not null and event_seq > metered_seq
      ${opts.tenantIds ? sql`and tenant_id = any(${[...opts.tenantIds]}::uuid[])` : sql``}
      ${opts.interactionIds ? sql`and id = any(${[...opts.interactionIds]}::uuid[])` : sql``}
    order by ended_at
    limit ${opts.limit ?? 500}
    for update skip locked`.execute(trx);
  if (rows.length === 0) return { interactions: 0, inserted: 0 };
  return meterRows(trx, rows);
}

async function meterRows(trx: Trx, rows: Pending[]): Promise<MeterResult> {
  const events = await sql<{ interaction_id: string; seq: number; type: string; at: Date; data: Record<string, unknown> }>`
    select interaction_id, seq, type, at, data from interaction_events
    where (tenant_id, interaction_id) in (select * from unnest(${rows.map((r) => r.tenant_id)}::uuid[], ${rows.map((r) => r.id)}::uuid[]))
    order by interaction_id, seq`.execute(trx);
  const byInteraction = new Map<string, typeof events.rows>();
  for (const e of events.rows) {
    const list = byInteraction.get(e.interaction_id) ?? [];
    list.push(e);
    byInteraction.set(e.interaction_id, list);
  }
  const plans = new Map<string, StoredPlanVersion[]>();
  const records: (UsageRecord & { planVersion: number | null })[] = [];
  const recorded: { tenantId: string; id: string; since: Date }[] = [];
  for (const r of rows) {
    let versions = plans.get(r.tenant_id);
    if (!versions) {
      versions = await listPlanVersions(trx, r.tenant_id);
      plans.set(r.tenant_id, versions);
    }
    // The rounding of the contract in force when the contact began; before any, the first one.
    const version = versionAt(versions, r.started_at) ?? versions[0] ?? null;
    const list = byInteraction.get(r.id) ?? [];
    const recordings = recordingsOf(list);
    // Due from its first recording on (a day ends after it): the recording pass decides what has ended.
    if (recordings.length > 0) recorded.push({ tenantId: r.tenant_id, id: r.id, since: new Date(Math.min(...recordings.map((x) => x.at.getTime()))) });
    const ended = [...list].reverse().find((e) => e.type === "call.ended");
    const duration = ended && typeof ended.data.durationSeconds === "number" ? ended.data.durationSeconds : null;
    const metered = meterInteraction(
      {
        tenantId: r.tenant_id,
        interactionId: r.id,
        channel: r.channel as InteractionChannel,
        direction: r.direction as InteractionDirection,
        events: list,
        providerDurationSeconds: duration,
      },
      version?.plan ?? DEFAULT_RULES,
    );
    for (const m of metered) records.push({ ...m, planVersion: version?.version ?? null });
  }
  let inserted = 0;
  for (let i = 0; i < records.length; i += 1000) {
    const part = records.slice(i, i + 1000);
    const result = await trx
      .insertInto("usage_events")
      .values(
        part.map((u) => ({
          tenant_id: u.tenantId,
          kind: u.kind,
          quantity: String(u.quantity),
          raw_quantity: String(u.rawQuantity),
          occurred_at: u.occurredAt,
          idempotency_key: u.idempotencyKey,
          interaction_id: u.source.interactionId,
          source_seq: u.source.eventSeq,
          plan_version: u.planVersion,
        })),
      )
      .onConflict((oc) => oc.columns(["tenant_id", "idempotency_key"]).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  await sql`
    update interactions i set metered_seq = v.seq
    from unnest(${rows.map((r) => r.tenant_id)}::uuid[], ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.event_seq)}::int[]) as v(tenant_id, id, seq)
    where i.tenant_id = v.tenant_id and i.id = v.id and i.metered_seq < v.seq`.execute(trx);
  if (recorded.length > 0) {
    await sql`
      update interactions i set recording_due_at = v.since, recording_metered_until = null
      from unnest(${recorded.map((r) => r.tenantId)}::uuid[], ${recorded.map((r) => r.id)}::uuid[], ${recorded.map((r) => r.since)}::timestamptz[]) as v(tenant_id, id, since)
      where i.tenant_id = v.tenant_id and i.id = v.id`.execute(trx);
  }
  return { interactions: rows.length, inserted };
}
