import { sql, type Kysely } from "kysely";

/**
 * Outbound campaigns (issue 7).
 *
 * Tenant-owned (tenant_id first in every key, forced RLS):
 * - campaigns: what to call, when and how: type, queue (its agents take the answered calls), script,
 *   dialing mode and power ratio, calling window and retry rules (the pure engines' JSON, window.ts),
 *   priority, start/end, abandon cap, what each disposition does (complete, retry, add to DNC,
 *   counts as a conversion), the custom fields its lists brought, and the simulator's outcome
 *   profile for the demo and the tests.
 * - campaign_imports: one uploaded list (the file kept as bytea until committed), its column mapping,
 *   the review (counts and the first rows of each bucket with row numbers) and its progress.
 * - campaign_contacts: one per campaign and E.164 number, with its dialing history (attempts, per
 *   outcome counts, last abandon for the 72 h cool-down), next attempt and final state.
 * - campaign_attempts: one row per dial, unique (contact, attempt number), so a re-run dialer or a
 *   retried job finds the attempt instead of dialing again; it points at the attempt's interaction.
 * - dnc_entries: the tenant's own do-not-call list.
 *
 * Bureau-wide: bureau_dnc_entries, the list that applies to every tenant (the regulator's register,
 * bureau policy). Kept apart from dnc_entries rather than a null tenant_id, so every tenant table's
 * key leads with tenant_id and its policy stays the plain tenant check.
 *
 * routing_contacts.kind gains 'campaign': an answered campaign call (or a preview reservation)
 * waiting for an agent, routed like any contact but abandoned by the dialer, not overflowed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table campaigns (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(name) between 1 and 120),
      type text not null check (type in ('sales','collection','survey','follow_up','callback')),
      status text not null default 'draft' check (status in ('draft','running','paused','completed')),
      queue_id uuid not null,
      script_id uuid,
      dialing_mode text not null default 'progressive' check (dialing_mode in ('preview','progressive','power')),
      -- Lines per free agent in power mode (1.0-5.0).
      power_ratio numeric(3,1) not null default 1.5 check (power_ratio between 1 and 5),
      calling_window jsonb not null check (jsonb_typeof(calling_window) = 'object'),
      retry_rules jsonb not null check (jsonb_typeof(retry_rules) = 'object'),
      priority smallint not null default 5 check (priority between 1 and 9),
      starts_at timestamptz,
      ends_at timestamptz,
      -- Basis points of answered calls: 300 = 3%.
      abandon_cap_bp integer not null default 300 check (abandon_cap_bp between 0 and 10000),
      -- An answered call no agent took within this many seconds hears the message and is abandoned.
      abandon_after_seconds smallint not null default 2 check (abandon_after_seconds between 1 and 30),
      -- A disposition whose rule is "retry" is called again after this long.
      callback_delay_minutes integer not null default 60 check (callback_delay_minutes between 1 and 43200),
      -- { "<disposition code>": { "action": "complete"|"retry"|"dnc", "conversion": bool } }
      disposition_rules jsonb not null default '{}' check (jsonb_typeof(disposition_rules) = 'object'),
      -- [{ "key": "debtAmount", "label": "Amount due" }]: the custom fields its lists brought.
      fields jsonb not null default '[]' check (jsonb_typeof(fields) = 'array'),
      caller_id text check (caller_id is null or caller_id ~ '^\\+[1-9][0-9]{6,14}$'),
      simulation jsonb not null default '{}' check (jsonb_typeof(simulation) = 'object'),
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      started_at timestamptz,
      completed_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id),
      foreign key (tenant_id, script_id) references scripts (tenant_id, id) on delete set null (script_id),
      check (ends_at is null or starts_at is null or ends_at > starts_at)
    );
    create index campaigns_running_idx on campaigns (status, priority desc) where status = 'running';

    create table campaign_imports (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      campaign_id uuid not null,
      status text not null default 'uploaded'
        check (status in ('uploaded','reviewing','reviewed','committing','committed','failed','cancelled')),
      file_name text not null check (length(file_name) between 1 and 255),
      file_format text not null check (file_format in ('csv','xlsx')),
      file_size integer not null check (file_size >= 0),
      -- Dropped once committed or cancelled: the contacts are the record, the file was only their source.
      file_bytes bytea,
      has_header boolean not null default true,
      header jsonb check (header is null or jsonb_typeof(header) = 'array'),
      preview_rows jsonb not null default '[]' check (jsonb_typeof(preview_rows) = 'array'),
      mapping jsonb check (mapping is null or jsonb_typeof(mapping) = 'object'),
      rows_read integer not null default 0 check (rows_read >= 0),
      rows_total integer check (rows_total is null or rows_total >= 0),
      rows_written integer not null default 0 check (rows_written >= 0),
      summary jsonb,
      review jsonb,
      committed_count integer,
      error text check (error is null or length(error) <= 500),
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      reviewed_at timestamptz,
      committed_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, campaign_id) references campaigns (tenant_id, id) on delete cascade
    );
    create index campaign_imports_campaign_idx on campaign_imports (tenant_id, campaign_id, created_at desc);

    create table campaign_contacts (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      campaign_id uuid not null,
      e164 text not null check (e164 ~ '^\\+[1-9][0-9]{6,14}$'),
      phone_kind text,
      name text check (name is null or length(name) <= 200),
      fields jsonb not null default '{}' check (jsonb_typeof(fields) = 'object'),
      -- The callee's own zone when the number tells it (Iranian numbers: Asia/Tehran); null: the window's.
      callee_zone text,
      status text not null default 'pending' check (status in ('pending','in_progress','completed','failed','dnc','cancelled')),
      attempts integer not null default 0 check (attempts >= 0),
      outcomes jsonb not null default '{}' check (jsonb_typeof(outcomes) = 'object'),
      next_attempt_at timestamptz not null default now(),
      last_attempt_at timestamptz,
      last_abandoned_at timestamptz,
      last_outcome text,
      last_disposition text,
      done_reason text,
      converted boolean not null default false,
      import_id uuid,
      row_number integer,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, campaign_id) references campaigns (tenant_id, id) on delete cascade,
      constraint campaign_contacts_number_key unique (tenant_id, campaign_id, e164)
    );
    -- The dialer's pick: due contacts of a campaign, oldest due first.
    create index campaign_contacts_due_idx on campaign_contacts (tenant_id, campaign_id, next_attempt_at, id) where status = 'pending';
    create index campaign_contacts_status_idx on campaign_contacts (tenant_id, campaign_id, status);

    create table campaign_attempts (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      campaign_id uuid not null,
      contact_id uuid not null,
      attempt_no integer not null check (attempt_no >= 1),
      mode text not null check (mode in ('preview','progressive','power')),
      state text not null default 'queued'
        check (state in ('queued','dialing','ringing','answered','no_answer','busy','voicemail','failed','abandoned','completed')),
      outcome text check (outcome is null or outcome in ('connected','busy','noAnswer','voicemail','failed','abandoned')),
      interaction_id uuid,
      provider text,
      provider_call_id text check (provider_call_id is null or length(provider_call_id) between 1 and 200),
      agent_id uuid references agents(user_id) on delete set null,
      -- The simulator's plan for the call, decided when it is placed: { "result": ..., "ringSeconds": ... }.
      sim_plan jsonb,
      sim_due_at timestamptz,
      disposition_code text,
      failure text check (failure is null or length(failure) <= 200),
      created_at timestamptz not null default now(),
      dialed_at timestamptz,
      answered_at timestamptz,
      connected_at timestamptz,
      ended_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, campaign_id) references campaigns (tenant_id, id) on delete cascade,
      foreign key (tenant_id, contact_id) references campaign_contacts (tenant_id, id) on delete cascade,
      foreign key (tenant_id, interaction_id) references interactions (tenant_id, id) on delete set null (interaction_id),
      -- One row per dial: a second dialer run or a retried job finds this one instead of dialing again.
      constraint campaign_attempts_once_key unique (tenant_id, contact_id, attempt_no)
    );
    create unique index campaign_attempts_interaction_key on campaign_attempts (tenant_id, interaction_id) where interaction_id is not null;
    create index campaign_attempts_live_idx on campaign_attempts (state, created_at) where state in ('queued','dialing','ringing','answered');
    create index campaign_attempts_campaign_idx on campaign_attempts (tenant_id, campaign_id, created_at desc);
    create index campaign_attempts_answered_idx on campaign_attempts (tenant_id, campaign_id, answered_at) where answered_at is not null;

    create table dnc_entries (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      kind text not null check (kind in ('number','prefix','range')),
      -- Normalized: E.164 for numbers and ranges, "+98912" for prefixes.
      value text not null check (length(value) between 2 and 20),
      value_to text check ((kind = 'range') = (value_to is not null)),
      source text not null default 'manual' check (source in ('manual','import','disposition','api')),
      note text not null default '' check (length(note) <= 500),
      expires_at timestamptz,
      campaign_id uuid,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      constraint dnc_entries_value_key unique nulls not distinct (tenant_id, kind, value, value_to)
    );

    create table bureau_dnc_entries (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('number','prefix','range')),
      value text not null check (length(value) between 2 and 20),
      value_to text check ((kind = 'range') = (value_to is not null)),
      source text not null default 'manual' check (source in ('manual','import','disposition','api')),
      note text not null default '' check (length(note) <= 500),
      expires_at timestamptz,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      constraint bureau_dnc_entries_value_key unique nulls not distinct (kind, value, value_to)
    );

    alter table routing_contacts drop constraint routing_contacts_kind_check;
    alter table routing_contacts add constraint routing_contacts_kind_check check (kind in ('call','callback','campaign'));
  `.execute(db);

  for (const table of ["campaigns", "campaign_imports", "campaign_contacts", "campaign_attempts", "dnc_entries"]) {
    await sql`
      alter table ${sql.table(table)} enable row level security;
      alter table ${sql.table(table)} force row level security;
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = app_current_tenant() or app_is_bureau_scope())
        with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    delete from routing_contacts where kind = 'campaign';
    alter table routing_contacts drop constraint routing_contacts_kind_check;
    alter table routing_contacts add constraint routing_contacts_kind_check check (kind in ('call','callback'));
    drop table if exists bureau_dnc_entries, dnc_entries, campaign_attempts, campaign_contacts, campaign_imports, campaigns cascade;
  `.execute(db);
}
