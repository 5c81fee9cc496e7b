import { sql, type Kysely } from "kysely";

/**
 * An interaction numbers its own events (ACD hot path, issue 4).
 *
 * Events used to be numbered max(seq) + 1 inside the insert, which is only right when the caller
 * already holds the interaction's row lock from an earlier statement: a statement's snapshot is
 * taken before it waits for a lock, so a subquery in the same statement could read a stale maximum.
 * With the counter on the interaction row, the UPDATE that bumps it takes the lock and (after any
 * wait) works on the newest row version, so the number it returns is right whatever else the
 * statement or the transaction does: one statement can move the interaction and append its event.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table interactions add column event_seq integer not null default 0 check (event_seq >= 0);
    update interactions i set event_seq = e.max_seq
      from (select tenant_id, interaction_id, max(seq) as max_seq from interaction_events group by 1, 2) e
      where e.tenant_id = i.tenant_id and e.interaction_id = i.id;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table interactions drop column if exists event_seq`.execute(db);
}
