import { sql } from "kysely";
import type { Trx } from "../platform/db.server";

export type NewEvent = { type: string; data: Record<string, unknown>; idempotencyKey?: string | null; at?: Date };

/**
 * Rows for events appended in order after the interaction's last one, for one insert. Callers hold
 * the interaction's row lock (or have just created the row), so nothing else numbers its events
 * meanwhile; every row's subquery sees the events as they were before the statement, hence the offset.
 */
export function eventRows(tenantId: string, interactionId: string, events: readonly NewEvent[]) {
  const last = sql<number>`(select coalesce(max(seq), 0) from interaction_events where tenant_id = ${tenantId} and interaction_id = ${interactionId})`;
  return events.map((event, i) => ({
    tenant_id: tenantId,
    interaction_id: interactionId,
    seq: sql<number>`${last} + ${sql.lit(i + 1)}`,
    type: event.type,
    data: JSON.stringify(event.data),
    idempotency_key: event.idempotencyKey ?? null,
    at: event.at ?? sql<Date>`now()`,
  }));
}

export async function appendEvents(trx: Trx, tenantId: string, interactionId: string, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await trx.insertInto("interaction_events").values(eventRows(tenantId, interactionId, events)).execute();
}
