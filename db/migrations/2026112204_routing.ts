import { sql, type Kysely } from "kysely";

/**
 * ACD routing (issue 4): queues with SLA targets, dispositions, agent proficiency and queue
 * assignments, the agents' live state with its event record, routed contacts, callback tasks,
 * customers, notes and agent scripts.
 *
 * - agent_states is bureau-wide (an agent works for many tenants at once): one row per agent, the
 *   row the matcher locks so an agent is never given two contacts.
 * - routing_contacts is tenant-owned; the matcher claims rows with FOR UPDATE SKIP LOCKED in bureau
 *   scope (a freed agent serves every tenant it is assigned to).
 * - Event tables (agent_state_events) are append-only for the application role, like the audit log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table queues (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      key text not null check (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      name text not null check (length(name) between 1 and 120),
      channels text[] not null default '{voice}' check (channels <@ array['voice','chat','email','sms'] and cardinality(channels) >= 1),
      required_skills text[] not null default '{}',
      min_proficiency smallint not null default 1 check (min_proficiency between 1 and 5),
      language text check (language is null or language in ('fa','en','nl')),
      priority smallint not null default 5 check (priority between 1 and 9),
      sl_target_pct smallint not null default 80 check (sl_target_pct between 1 and 100),
      sl_threshold_seconds integer not null default 20 check (sl_threshold_seconds between 1 and 3600),
      short_abandon_seconds integer not null default 5 check (short_abandon_seconds between 0 and 120),
      max_wait_seconds integer not null default 600 check (max_wait_seconds between 10 and 86400),
      overflow_action text not null default 'callback' check (overflow_action in ('none','queue','callback','voicemail','external')),
      overflow_queue_id uuid,
      overflow_number text check (overflow_number is null or overflow_number ~ '^\\+[1-9][0-9]{6,14}$'),
      offer_timeout_seconds integer not null default 15 check (offer_timeout_seconds between 5 and 120),
      wrapup_seconds integer not null default 60 check (wrapup_seconds between 0 and 1800),
      after_hours text not null default 'callback' check (after_hours in ('callback','voicemail','message','queue')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      constraint queues_tenant_id_key_key unique (tenant_id, key),
      -- No action: a queue another one overflows into cannot be deleted until that overflow is changed.
      foreign key (tenant_id, overflow_queue_id) references queues (tenant_id, id),
      check ((overflow_action = 'queue') = (overflow_queue_id is not null)),
      check ((overflow_action = 'external') = (overflow_number is not null)),
      check (overflow_queue_id is null or overflow_queue_id <> id)
    );

    create table dispositions (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      parent_id uuid,
      code text not null check (code ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      name text not null check (length(name) between 1 and 120),
      resolved boolean not null default false,
      active boolean not null default true,
      sort smallint not null default 0,
      primary key (tenant_id, id),
      constraint dispositions_tenant_id_code_key unique (tenant_id, code),
      foreign key (tenant_id, parent_id) references dispositions (tenant_id, id) on delete cascade
    );

    -- Proficiency 1-5 per skill or language code (the arrays on agents stay the eligibility sets).
    alter table agents add column proficiency jsonb not null default '{}'
      check (jsonb_typeof(proficiency) = 'object');
    alter table agents add column endpoint text check (endpoint is null or length(endpoint) between 3 and 200);
    alter table agents add column auto_answer boolean not null default false;

    create table agent_queue_assignments (
      tenant_id uuid not null,
      queue_id uuid not null,
      agent_id uuid not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, queue_id, agent_id),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete cascade,
      foreign key (tenant_id, agent_id) references agent_assignments (tenant_id, agent_id) on delete cascade
    );
    create index agent_queue_assignments_agent_idx on agent_queue_assignments (agent_id);

    create table agent_states (
      agent_id uuid primary key references agents(user_id) on delete cascade,
      state text not null default 'offline'
        check (state in ('offline','available','offered','busy','on_hold','wrap_up','break','escalation','missed')),
      reason text check (reason is null or length(reason) <= 60),
      since timestamptz not null default now(),
      -- When the agent last became available: "longest idle" orders by it.
      idle_since timestamptz,
      contact_tenant_id uuid,
      contact_id uuid,
      wrapup_until timestamptz,
      version integer not null default 0
    );
    create index agent_states_available_idx on agent_states (idle_since) where state = 'available';

    create table agent_state_events (
      id bigint generated always as identity primary key,
      agent_id uuid not null references agents(user_id) on delete cascade,
      state text not null,
      previous text,
      reason text,
      at timestamptz not null default now(),
      actor_user_id uuid references users(id) on delete set null,
      data jsonb not null default '{}'
    );
    create index agent_state_events_agent_idx on agent_state_events (agent_id, at desc);

    create table customers (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      phone text check (phone is null or length(phone) <= 64),
      name text not null default '' check (length(name) <= 120),
      email text check (email is null or length(email) <= 254),
      notes text not null default '' check (length(notes) <= 4000),
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create unique index customers_phone_key on customers (tenant_id, phone) where phone is not null;

    alter table interactions drop constraint interactions_channel_check;
    alter table interactions add constraint interactions_channel_check check (channel in ('voice','chat','email','sms'));
    alter table interactions drop constraint interactions_state_check;
    alter table interactions add constraint interactions_state_check
      check (state in ('ivr','queued','offered','connected','on_hold','wrap_up','completed','abandoned','failed','callback'));
    alter table interactions
      add column customer_id uuid,
      add column queue_id uuid,
      add column agent_id uuid references agents(user_id) on delete set null,
      add column disposition_id uuid,
      add column wrapup_notes text not null default '' check (length(wrapup_notes) <= 4000),
      add column queued_at timestamptz,
      add column answered_at timestamptz,
      add column wrapup_at timestamptz,
      add column escalated_to uuid references users(id) on delete set null,
      add foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete set null (customer_id),
      add foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete set null (queue_id),
      add foreign key (tenant_id, disposition_id) references dispositions (tenant_id, id) on delete set null (disposition_id);
    create index interactions_customer_idx on interactions (tenant_id, customer_id, started_at desc) where customer_id is not null;

    create table routing_contacts (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      interaction_id uuid not null,
      queue_id uuid not null,
      kind text not null default 'call' check (kind in ('call','callback')),
      status text not null default 'waiting'
        check (status in ('waiting','offered','connected','abandoned','overflowed','completed','cancelled')),
      priority smallint not null check (priority between 1 and 9),
      language text,
      required_skills text[] not null default '{}',
      min_proficiency smallint not null default 1,
      sl_threshold_seconds integer not null,
      enqueued_at timestamptz not null default now(),
      offered_agent_id uuid references agents(user_id) on delete set null,
      offered_at timestamptz,
      offer_expires_at timestamptz,
      connected_at timestamptz,
      ended_at timestamptz,
      missed_count integer not null default 0,
      primary key (tenant_id, id),
      foreign key (tenant_id, interaction_id) references interactions (tenant_id, id) on delete cascade,
      -- No action: a queue that has routed contacts keeps them for reports; it cannot be deleted.
      foreign key (tenant_id, queue_id) references queues (tenant_id, id)
    );
    -- One live routing entry per interaction: a repeated enqueue finds it instead of adding a second.
    create unique index routing_contacts_live_key on routing_contacts (tenant_id, interaction_id)
      where status in ('waiting','offered','connected');
    create index routing_contacts_waiting_idx on routing_contacts (queue_id, priority desc, enqueued_at) where status = 'waiting';
    create index routing_contacts_offers_idx on routing_contacts (offer_expires_at) where status = 'offered';

    create table callback_tasks (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      interaction_id uuid,
      customer_id uuid,
      queue_id uuid,
      number text not null check (length(number) between 3 and 64),
      reason text not null check (reason in ('ivr_offer','overflow','voicemail','after_hours','agent')),
      note text not null default '' check (length(note) <= 1000),
      status text not null default 'open' check (status in ('open','queued','dialing','done','cancelled','failed')),
      due_at timestamptz not null default now(),
      attempts integer not null default 0,
      created_at timestamptz not null default now(),
      completed_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, interaction_id) references interactions (tenant_id, id) on delete set null (interaction_id),
      foreign key (tenant_id, customer_id) references customers (tenant_id, id) on delete set null (customer_id),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete set null (queue_id)
    );
    create unique index callback_tasks_interaction_key on callback_tasks (tenant_id, interaction_id) where interaction_id is not null;
    create index callback_tasks_due_idx on callback_tasks (status, due_at) where status = 'open';

    create table interaction_notes (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      interaction_id uuid not null,
      author_id uuid references users(id) on delete set null,
      author_label text not null default '',
      body text not null check (length(body) between 1 and 4000),
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, interaction_id) references interactions (tenant_id, id) on delete cascade
    );
    create index interaction_notes_interaction_idx on interaction_notes (tenant_id, interaction_id, created_at);

    create table scripts (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      queue_id uuid,
      name text not null check (length(name) between 1 and 120),
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete set null (queue_id)
    );
    create unique index scripts_queue_key on scripts (tenant_id, queue_id) where queue_id is not null;

    create table script_versions (
      tenant_id uuid not null,
      script_id uuid not null,
      version integer not null check (version >= 1),
      status text not null check (status in ('draft','published','archived')),
      definition jsonb not null,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      published_at timestamptz,
      primary key (tenant_id, script_id, version),
      foreign key (tenant_id, script_id) references scripts (tenant_id, id) on delete cascade
    );
    create unique index script_versions_one_draft on script_versions (tenant_id, script_id) where status = 'draft';
    create unique index script_versions_one_published on script_versions (tenant_id, script_id) where status = 'published';
  `.execute(db);

  for (const table of [
    "queues",
    "dispositions",
    "agent_queue_assignments",
    "customers",
    "routing_contacts",
    "callback_tasks",
    "interaction_notes",
    "scripts",
    "script_versions",
  ]) {
    await sql`
      alter table ${sql.table(table)} enable row level security;
      alter table ${sql.table(table)} force row level security;
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = app_current_tenant() or app_is_bureau_scope())
        with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
    `.execute(db);
  }
  await sql`revoke update, delete on agent_state_events from hamkal_rw`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists script_versions, scripts, interaction_notes, callback_tasks, routing_contacts cascade;
    alter table interactions
      drop column if exists customer_id, drop column if exists queue_id, drop column if exists agent_id,
      drop column if exists disposition_id, drop column if exists wrapup_notes, drop column if exists queued_at,
      drop column if exists answered_at, drop column if exists wrapup_at, drop column if exists escalated_to;
    drop table if exists customers, agent_state_events, agent_states, agent_queue_assignments, dispositions, queues cascade;
    alter table agents drop column if exists proficiency, drop column if exists endpoint, drop column if exists auto_answer;
  `.execute(db);
}
