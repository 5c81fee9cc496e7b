import { sql, type RawBuilder, type UpdateQueryBuilder, type UpdateResult } from "kysely";
import type { DB } from "../../../db/types";
import type { Trx } from "../platform/db.server";

export type NewEvent = { type: string; data: Record<string, unknown>; idempotencyKey?: string | null; at?: Date };

/**
 * Events are numbered by their interaction: `interactions.event_seq` is the last number used. The
 * UPDATE that bumps it takes the interaction's row lock and, after any wait, works on the newest row
 * version, so the numbers are right even when the same statement also moves the interaction, and no
 * caller has to lock the row beforehand (migration 2026120301_event_seq).
 */

/**
 * `insert into interaction_events ... select ... from <cte>`: the events numbered from a CTE that
 * bumped the interaction's event_seq by events.length and returned it as `event_seq`.
 */
export function eventsFromBump(cte: string, tenantId: string, interactionId: string, events: readonly NewEvent[]): RawBuilder<unknown> {
  const n = events.length;
  const rows = events.map(
    (e, i) =>
      sql`(${sql.lit(i + 1)}::int, ${e.type}::text, ${JSON.stringify(e.data)}::jsonb, ${e.idempotencyKey ?? null}::text, ${e.at ?? null}::timestamptz)`,
  );
  return sql`insert into interaction_events (tenant_id, interaction_id, seq, type, data, idempotency_key, at)
    select ${tenantId}::uuid, ${interactionId}::uuid, b.event_seq - ${sql.lit(n)} + v.ord, v.type, v.data, v.idempotency_key, coalesce(v.at, now())
    from ${sql.table(cte)} b cross join (values ${sql.join(rows)}) as v(ord, type, data, idempotency_key, at)`;
}

/** Appends events to an interaction in one statement (counter bump and insert). Throws when the interaction is not there. */
export async function appendEvents(trx: Trx, tenantId: string, interactionId: string, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const { rows } = await sql<{ n: number }>`/* hk:events-append */
    with bumped as (
      update interactions set event_seq = event_seq + ${sql.lit(events.length)}
      where tenant_id = ${tenantId} and id = ${interactionId}
      returning event_seq
    ), added as (${eventsFromBump("bumped", tenantId, interactionId, events)} returning 1)
    select count(*)::int as n from added`.execute(trx);
  if (rows[0]?.n !== events.length) throw new Error(`interaction ${interactionId} not found for its events`);
}

type InteractionUpdate = UpdateQueryBuilder<DB, "interactions", "interactions", UpdateResult>;

/**
 * Moves an interaction (an UPDATE the caller built, with its where clause) and appends its events in
 * the same statement. Returns false when the update matched no row (nothing was appended).
 */
export async function updateWithEvents(trx: Trx, update: InteractionUpdate, tenantId: string, interactionId: string, events: readonly NewEvent[]): Promise<boolean> {
  const bump = update.set({ event_seq: sql<number>`event_seq + ${sql.lit(events.length)}` }).returning("event_seq");
  if (events.length === 0) return (await bump.execute()).length > 0;
  const { rows } = await sql<{ n: number }>`
    with bumped as (${bump}), added as (${eventsFromBump("bumped", tenantId, interactionId, events)} returning 1)
    select count(*)::int as n from added`.execute(trx);
  return (rows[0]?.n ?? 0) > 0;
}
