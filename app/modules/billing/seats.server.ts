import { sql } from "kysely";
import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import { listPlanVersions, versionAt, type StoredPlanVersion } from "./plans.server";
import { meterSeatDays, seatWindow, type DedicationSpan, type SeatUsageRecord } from "./seats";

/**
 * Seat-hours from the record (seats.ts): for each tenant and dedicated agent with ended days not yet
 * metered, the agent's state changes over those days are read and one usage record per day is
 * inserted (`on conflict do nothing` on its key, so a second run, a crash between the insert and the
 * watermark, or two workers at once add nothing). agent_dedications.metered_until is the watermark,
 * set on every span of the pair: a day is metered against all of them at once, since it has one key.
 */
export interface SeatMeterOptions {
  now?: Date;
  tenantIds?: readonly string[];
}

export interface SeatMeterSummary {
  /** (tenant, agent) pairs with days metered now. */
  seats: number;
  /** Usage records written now. */
  inserted: number;
}

interface DedicationRow {
  tenant_id: string;
  agent_id: string;
  dedicated_from: Date;
  dedicated_until: Date | null;
  metered_until: Date | null;
  time_zone: string;
}

export async function meterSeats(opts: SeatMeterOptions = {}): Promise<SeatMeterSummary> {
  return withBureauScope((trx) => meterSeatsIn(trx, opts));
}

/** The same inside a transaction the caller scoped to the bureau (the demo seed). */
export async function meterSeatsIn(trx: Trx, opts: SeatMeterOptions = {}): Promise<SeatMeterSummary> {
  const now = opts.now ?? new Date();
  // Every span of each pair with something left to meter, locked in one order: a second worker waits
  // and then finds the watermark moved (its inserts would be no-ops anyway).
  const { rows } = await sql<DedicationRow>`/* hk:billing-seats-pending */
    select d.tenant_id, d.agent_id, d.dedicated_from, d.dedicated_until, d.metered_until, t.time_zone
    from agent_dedications d join tenants t on t.id = d.tenant_id
    where (d.tenant_id, d.agent_id) in (
      select tenant_id, agent_id from agent_dedications
      where (dedicated_until is null or metered_until is null or metered_until < dedicated_until)
        ${opts.tenantIds ? sql`and tenant_id = any(${[...opts.tenantIds]}::uuid[])` : sql``}
    )
    order by d.tenant_id, d.agent_id, d.dedicated_from
    for update of d`.execute(trx);
  const pairs = new Map<string, DedicationRow[]>();
  for (const r of rows) {
    const key = `${r.tenant_id}:${r.agent_id}`;
    pairs.set(key, [...(pairs.get(key) ?? []), r]);
  }

  const plans = new Map<string, StoredPlanVersion[]>();
  let seats = 0;
  let inserted = 0;
  for (const spans of pairs.values()) {
    const { tenant_id: tenantId, agent_id: agentId, time_zone: timeZone } = spans[0]!;
    const pending = spans.filter((s) => s.dedicated_until === null || s.metered_until === null || s.metered_until < s.dedicated_until);
    // Resume at the oldest unfinished span's watermark (or its start when it has none).
    const from = new Date(Math.min(...pending.map((s) => (s.metered_until ?? s.dedicated_from).getTime())));
    const dedications: DedicationSpan[] = spans.map((s) => ({ from: s.dedicated_from, until: s.dedicated_until }));
    const window = seatWindow({ timeZone, dedications, from, now });
    if (!window) {
      // A closed span with nothing left in it (one that lasted no time) is done, not pending forever.
      const empty = pending.filter((s) => s.dedicated_until !== null && s.dedicated_until.getTime() <= from.getTime());
      for (const s of empty) {
        await trx
          .updateTable("agent_dedications")
          .set({ metered_until: s.dedicated_until })
          .where("tenant_id", "=", tenantId)
          .where("agent_id", "=", agentId)
          .where("dedicated_from", "=", s.dedicated_from)
          .execute();
      }
      continue;
    }
    const before = await trx
      .selectFrom("agent_state_events")
      .select("state")
      .where("agent_id", "=", agentId)
      .where("at", "<", window.start)
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    const changes = await trx
      .selectFrom("agent_state_events")
      .select(["at", "state"])
      .where("agent_id", "=", agentId)
      .where("at", ">=", window.start)
      .where("at", "<", window.end)
      .orderBy("at")
      .orderBy("id")
      .execute();
    const result = meterSeatDays({ tenantId, agentId, timeZone, dedications, from, now, stateBefore: before?.state ?? null, changes });
    if (!plans.has(tenantId)) plans.set(tenantId, await listPlanVersions(trx, tenantId));
    inserted += await insertSeatUsage(trx, result.records, plans.get(tenantId)!);
    if (result.meteredUntil) {
      await trx
        .updateTable("agent_dedications")
        .set({ metered_until: result.meteredUntil })
        .where("tenant_id", "=", tenantId)
        .where("agent_id", "=", agentId)
        .where((eb) => eb.or([eb("metered_until", "is", null), eb("metered_until", "<", result.meteredUntil!)]))
        .execute();
      seats++;
    }
  }
  return { seats, inserted };
}

async function insertSeatUsage(trx: Trx, records: readonly SeatUsageRecord[], versions: readonly StoredPlanVersion[]): Promise<number> {
  if (records.length === 0) return 0;
  const result = await trx
    .insertInto("usage_events")
    .values(
      records.map((u) => ({
        tenant_id: u.tenantId,
        kind: u.kind,
        quantity: String(u.quantity),
        raw_quantity: String(u.rawQuantity),
        occurred_at: u.occurredAt,
        idempotency_key: u.idempotencyKey,
        // The plan in force that day, as a contact's usage records the plan in force when it began.
        plan_version: (versionAt(versions, u.occurredAt) ?? versions[0])?.version ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(["tenant_id", "idempotency_key"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}
