import { sql, type Kysely } from "kysely";

/**
 * IVR flows with versions, the flow that answers each tenant number, and voice interactions with their
 * append-only events (issue 3).
 *
 * - A flow has numbered versions; at most one draft and one published per flow (partial unique
 *   indexes). Publishing archives the previous published version in the same transaction.
 * - An interaction pins the flow version it started on (flow_id, flow_version), so a publish never
 *   changes a running call.
 * - interaction_events is the record (DESIGN.md "Events are the record"): the application role may
 *   insert but not update or delete, like the audit log. A step's idempotency key is unique per
 *   interaction, so a repeated webhook appends nothing.
 * - Resolving the tenant from a dialled number is a bureau-scope system lookup (no SECURITY DEFINER).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ivr_flows (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(name) between 1 and 120),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      constraint ivr_flows_tenant_id_name_key unique (tenant_id, name)
    );

    create table ivr_flow_versions (
      tenant_id uuid not null,
      flow_id uuid not null,
      version integer not null check (version >= 1),
      status text not null check (status in ('draft','published','archived')),
      definition jsonb not null,
      validation jsonb not null default '[]',
      note text not null default '' check (length(note) <= 500),
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      published_at timestamptz,
      published_by uuid references users(id) on delete set null,
      primary key (tenant_id, flow_id, version),
      foreign key (tenant_id, flow_id) references ivr_flows (tenant_id, id) on delete cascade,
      check ((status = 'draft') = (published_at is null))
    );
    create unique index ivr_flow_versions_one_draft on ivr_flow_versions (tenant_id, flow_id) where status = 'draft';
    create unique index ivr_flow_versions_one_published on ivr_flow_versions (tenant_id, flow_id) where status = 'published';

    alter table tenant_phone_numbers add column ivr_flow_id uuid;
    alter table tenant_phone_numbers add constraint tenant_phone_numbers_ivr_flow_fkey
      foreign key (tenant_id, ivr_flow_id) references ivr_flows (tenant_id, id) on delete set null (ivr_flow_id);

    create table interactions (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      channel text not null default 'voice' check (channel in ('voice')),
      direction text not null check (direction in ('inbound','outbound')),
      state text not null check (state in ('ivr','queued','offered','connected','on_hold','wrap_up','completed','abandoned','failed')),
      provider text not null check (provider in ('simulator','twilio')),
      provider_call_id text check (provider_call_id is null or length(provider_call_id) between 1 and 200),
      from_number text check (from_number is null or length(from_number) <= 64),
      to_number text check (to_number is null or length(to_number) <= 64),
      phone_number_id uuid,
      flow_id uuid,
      flow_version integer,
      language text not null default 'fa' check (language in ('fa','en','nl')),
      ivr_state jsonb,
      variables jsonb not null default '{}',
      started_at timestamptz not null default now(),
      ended_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, phone_number_id) references tenant_phone_numbers (tenant_id, id) on delete set null (phone_number_id),
      foreign key (tenant_id, flow_id, flow_version) references ivr_flow_versions (tenant_id, flow_id, version),
      check ((flow_id is null) = (flow_version is null))
    );
    -- A provider's call id (Twilio CallSid) is unique at that provider: a repeated incoming webhook finds its call.
    create unique index interactions_provider_call_key on interactions (provider, provider_call_id) where provider_call_id is not null;
    create index interactions_recent_idx on interactions (tenant_id, started_at desc);

    create table interaction_events (
      tenant_id uuid not null,
      interaction_id uuid not null,
      seq integer not null check (seq >= 1),
      type text not null check (length(type) between 1 and 60),
      at timestamptz not null default now(),
      data jsonb not null default '{}',
      idempotency_key text check (idempotency_key is null or length(idempotency_key) between 1 and 200),
      primary key (tenant_id, interaction_id, seq),
      foreign key (tenant_id, interaction_id) references interactions (tenant_id, id) on delete cascade
    );
    create unique index interaction_events_idempotency_key on interaction_events (tenant_id, interaction_id, idempotency_key)
      where idempotency_key is not null;
  `.execute(db);

  for (const table of ["ivr_flows", "ivr_flow_versions", "interactions", "interaction_events"]) {
    await sql`
      alter table ${sql.table(table)} enable row level security;
      alter table ${sql.table(table)} force row level security;
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = app_current_tenant() or app_is_bureau_scope())
        with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
    `.execute(db);
  }
  // Grants come from the foundation's default privileges; the event record is append-only.
  await sql`revoke update, delete on interaction_events from hamkal_rw`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists interaction_events, interactions cascade;
    alter table tenant_phone_numbers drop constraint if exists tenant_phone_numbers_ivr_flow_fkey;
    alter table tenant_phone_numbers drop column if exists ivr_flow_id;
    drop table if exists ivr_flow_versions, ivr_flows cascade;
  `.execute(db);
}
