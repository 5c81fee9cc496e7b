import { sql, type Kysely } from "kysely";

/**
 * The two usage kinds metered from something other than one interaction's events (issue 5):
 *
 * - Dedicated agents. A tenant may buy an agent dedicated to it; that agent's logged-in time is then
 *   billed to the tenant as seat-hours. agent_assignments.dedicated is the current word (what the
 *   agent page edits; at most one tenant per agent, a partial unique index), and agent_dedications
 *   keeps every span an agent was dedicated to a tenant, because a day is metered only once it has
 *   ended: a dedication ended at 14:00 must still bill that morning at midnight, and a day the job
 *   has not reached yet must still know who the agent was dedicated to then. metered_until is the
 *   meter's watermark (every local day ending at or before it has its record).
 * - Recording storage. tenants.recording_retention_days is how long the tenant's call recordings are
 *   kept (and billed, per day kept). interactions.recording_due_at marks an interaction whose
 *   recordings (found in its events) have storage days left to meter, and when to look next;
 *   recording_metered_until is that interaction's watermark. Interactions recorded before this
 *   migration are marked due, so their storage from now on is billed like any other.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table agent_assignments
      add column dedicated boolean not null default false,
      add column dedicated_since timestamptz,
      add constraint agent_assignments_dedicated_since_check check (dedicated = (dedicated_since is not null));
    -- A seat is one person's working hours: an agent is dedicated to one tenant at a time.
    create unique index agent_assignments_dedicated_key on agent_assignments (agent_id) where dedicated;

    create table agent_dedications (
      tenant_id uuid not null references tenants(id) on delete cascade,
      agent_id uuid not null references agents(user_id) on delete cascade,
      dedicated_from timestamptz not null,
      -- null while the dedication lasts.
      dedicated_until timestamptz,
      metered_until timestamptz,
      created_by uuid references users(id) on delete set null,
      primary key (tenant_id, agent_id, dedicated_from),
      check (dedicated_until is null or dedicated_until >= dedicated_from)
    );
    create unique index agent_dedications_open_key on agent_dedications (agent_id) where dedicated_until is null;
    -- What the seat meter still has to look at: open spans, and closed ones not metered to their end.
    create index agent_dedications_pending_idx on agent_dedications (tenant_id, agent_id)
      where dedicated_until is null or metered_until is null or metered_until < dedicated_until;

    alter table tenants
      add column recording_retention_days integer not null default 90 check (recording_retention_days between 1 and 3650);

    alter table interactions
      add column recording_due_at timestamptz,
      add column recording_metered_until timestamptz;
    create index interactions_recording_due_idx on interactions (recording_due_at) where recording_due_at is not null;
    update interactions i set recording_due_at = now()
      where exists (
        select 1 from interaction_events e
        where e.tenant_id = i.tenant_id and e.interaction_id = i.id
          and ((e.type = 'ivr.step' and e.data->'input'->>'type' = 'recordingFinished') or e.type = 'recording.finished')
      );
  `.execute(db);

  await sql`
    alter table agent_dedications enable row level security;
    alter table agent_dedications force row level security;
    create policy tenant_isolation on agent_dedications
      using (tenant_id = app_current_tenant() or app_is_bureau_scope())
      with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
  `.execute(db);
  // The record of who was dedicated when is what seat-hours are billed from: never removed by the app.
  await sql`revoke delete on agent_dedications from hamkal_rw`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists agent_dedications;
    drop index if exists agent_assignments_dedicated_key;
    drop index if exists interactions_recording_due_idx;
    alter table agent_assignments drop column if exists dedicated, drop column if exists dedicated_since;
    alter table tenants drop column if exists recording_retention_days;
    alter table interactions drop column if exists recording_due_at, drop column if exists recording_metered_until;
  `.execute(db);
}
