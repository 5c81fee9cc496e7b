import { sql, type Kysely } from "kysely";

/**
 * Reports (issue 7): interval rollups kept by the `reports.rollup` worker, generated report files
 * with their progress, and scheduled report subscriptions.
 *
 * Rollups hold counts and sums only (never a rate), in the shape of reports/kpi-totals.ts
 * ContactTotals, so a month added up from its rows is the month computed from the raw record.
 * - report_queue_intervals: per tenant, queue, 15-minute interval (UTC start, a multiple of 15
 *   minutes from the epoch, so it nests in every zone's local day), channel and direction. Wait
 *   thresholds cannot be summed afterwards: answered_within / abandoned_within count the waits at or
 *   under each threshold of the queue's set (report_rollup_queues), fixed when the row is built.
 * - report_agent_intervals: the same measures per tenant, handling agent and interval, for the
 *   contacts the agent handled (agent performance: AHT, contacts, FCR).
 * - report_queue_days / report_agent_days: those rows added up per local day in the tenant's zone,
 *   what the monthly and yearly reports read.
 * - report_agent_time / report_agent_time_days: bureau-wide (an agent works for many tenants at
 *   once, like agent_states): logged-in, available, handling and not-ready time from the agents'
 *   state events per 30-minute interval, with the handling time attributable to each tenant (the
 *   tenant of the contact the agent was on) in handling_by_tenant.
 * - interactions.reported_seq: the last event the rollup worker has seen, as billing's
 *   metered_seq: an interaction with newer events has its intervals recomputed.
 * - report_jobs / bureau_report_jobs: a report generated into a file (XLSX, CSV, PDF) by the
 *   `reports.generate` worker with its progress; a tenant's own (RLS) or the bureau's (all tenants).
 * - report_subscriptions / bureau_report_subscriptions: a report rendered and mailed at the end of
 *   each period (daily, weekly, monthly; Gregorian or Jalali boundaries).
 */
const MEASURES = `
      offered integer not null default 0,
      answered integer not null default 0,
      abandoned integer not null default 0,
      callbacks_requested integer not null default 0,
      answer_wait_ms bigint not null default 0,
      answered_within jsonb not null default '{}' check (jsonb_typeof(answered_within) = 'object'),
      abandoned_within jsonb not null default '{}' check (jsonb_typeof(abandoned_within) = 'object'),
      thresholds integer[] not null default '{}',
      handled integer not null default 0,
      talk_ms bigint not null default 0,
      hold_ms bigint not null default 0,
      wrap_ms bigint not null default 0,
      transferred integer not null default 0,
      escalated integer not null default 0,
      by_reason jsonb not null default '{}' check (jsonb_typeof(by_reason) = 'object'),
      by_disposition jsonb not null default '{}' check (jsonb_typeof(by_disposition) = 'object'),
      fcr_eligible integer not null default 0,
      fcr_resolved integer not null default 0,
      repeat_eligible integer not null default 0,
      repeat_contacts integer not null default 0,
      rolled_at timestamptz not null default now()`;

const KEYS = `
      channel text not null check (channel in ('voice','chat','email','sms')),
      direction text not null check (direction in ('inbound','outbound'))`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table interactions add column reported_seq integer not null default 0;
    -- What the rollup worker still has to look at (billing's unmetered index, for reports).
    create index interactions_unreported_idx on interactions (tenant_id, id) where event_seq > reported_seq;
    -- A tenant's contacts by when they entered a queue: rollup intervals, and the SL counts of a period.
    create index routing_contacts_enqueued_idx on routing_contacts (tenant_id, enqueued_at);
    -- An interaction's visits (its last one carries the outcome; also what a cascade delete looks up).
    create index routing_contacts_interaction_idx on routing_contacts (tenant_id, interaction_id);
    -- The agent-time rollup reads the state events of a time window.
    create index agent_state_events_at_idx on agent_state_events (at);

    -- Sums of count maps ({"code": n}), for adding rollup rows' breakdowns and threshold counts.
    create function report_jsonb_add(a jsonb, b jsonb) returns jsonb language sql immutable parallel safe as $f$
      select coalesce(jsonb_object_agg(k, coalesce((a ->> k)::bigint, 0) + coalesce((b ->> k)::bigint, 0)), '{}'::jsonb)
      from (select jsonb_object_keys(coalesce(a, '{}')) as k union select jsonb_object_keys(coalesce(b, '{}'))) keys
    $f$;
    create aggregate report_jsonb_sum(jsonb) (sfunc = report_jsonb_add, stype = jsonb, initcond = '{}', parallel = safe);

    create table report_rollup_queues (
      tenant_id uuid not null,
      queue_id uuid not null,
      -- The wait thresholds (seconds) every rollup row of the queue counts.
      thresholds integer[] not null check (cardinality(thresholds) between 1 and 64),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, queue_id),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete cascade
    );

    create table report_queue_intervals (
      tenant_id uuid not null,
      queue_id uuid not null,
      interval_start timestamptz not null check (extract(epoch from interval_start)::bigint % 900 = 0),
      ${sql.raw(KEYS)},
      ${sql.raw(MEASURES)},
      primary key (tenant_id, queue_id, interval_start, channel, direction),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete cascade
    );
    create index report_queue_intervals_time_idx on report_queue_intervals (tenant_id, interval_start);

    create table report_queue_days (
      tenant_id uuid not null,
      queue_id uuid not null,
      day date not null,
      ${sql.raw(KEYS)},
      ${sql.raw(MEASURES)},
      primary key (tenant_id, queue_id, day, channel, direction),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete cascade
    );
    create index report_queue_days_day_idx on report_queue_days (day);

    create table report_agent_intervals (
      tenant_id uuid not null references tenants(id) on delete cascade,
      agent_id uuid not null references agents(user_id) on delete cascade,
      interval_start timestamptz not null check (extract(epoch from interval_start)::bigint % 900 = 0),
      ${sql.raw(KEYS)},
      ${sql.raw(MEASURES)},
      primary key (tenant_id, agent_id, interval_start, channel, direction)
    );
    create index report_agent_intervals_time_idx on report_agent_intervals (tenant_id, interval_start);

    create table report_agent_days (
      tenant_id uuid not null references tenants(id) on delete cascade,
      agent_id uuid not null references agents(user_id) on delete cascade,
      day date not null,
      ${sql.raw(KEYS)},
      ${sql.raw(MEASURES)},
      primary key (tenant_id, agent_id, day, channel, direction)
    );
    create index report_agent_days_day_idx on report_agent_days (day);

    -- Campaign outcomes per campaign and local day, from campaign_attempts (one row per dial). No
    -- foreign key to campaigns: the rows stay the record of what was dialed if a campaign is removed.
    create table report_campaign_days (
      tenant_id uuid not null references tenants(id) on delete cascade,
      campaign_id uuid not null,
      day date not null,
      attempts integer not null default 0,
      human_answered integer not null default 0,
      connected integer not null default 0,
      abandoned integer not null default 0,
      busy integer not null default 0,
      no_answer integer not null default 0,
      voicemail integer not null default 0,
      failed integer not null default 0,
      -- Connected attempts by disposition code ("" for none).
      by_disposition jsonb not null default '{}' check (jsonb_typeof(by_disposition) = 'object'),
      rolled_at timestamptz not null default now(),
      primary key (tenant_id, campaign_id, day)
    );
    create index report_campaign_days_day_idx on report_campaign_days (day);

    -- Bureau-wide: an agent's time across all tenants (no tenant_id: attribution is in the map).
    create table report_agent_time (
      agent_id uuid not null references agents(user_id) on delete cascade,
      interval_start timestamptz not null check (extract(epoch from interval_start)::bigint % 1800 = 0),
      logged_in_ms bigint not null default 0,
      available_ms bigint not null default 0,
      handling_ms bigint not null default 0,
      not_ready_ms bigint not null default 0,
      -- {"<tenant id>": ms}: handling time on that tenant's contacts.
      handling_by_tenant jsonb not null default '{}' check (jsonb_typeof(handling_by_tenant) = 'object'),
      rolled_at timestamptz not null default now(),
      primary key (agent_id, interval_start)
    );
    create index report_agent_time_time_idx on report_agent_time (interval_start);

    create table report_agent_time_days (
      agent_id uuid not null references agents(user_id) on delete cascade,
      -- The local day in the bureau's zone (bureau_settings.time_zone).
      day date not null,
      logged_in_ms bigint not null default 0,
      available_ms bigint not null default 0,
      handling_ms bigint not null default 0,
      not_ready_ms bigint not null default 0,
      handling_by_tenant jsonb not null default '{}' check (jsonb_typeof(handling_by_tenant) = 'object'),
      rolled_at timestamptz not null default now(),
      primary key (agent_id, day)
    );
    create index report_agent_time_days_day_idx on report_agent_time_days (day);

    -- The worker's own bookkeeping (one row).
    create table report_rollup_state (
      id boolean primary key default true check (id),
      -- Agent time is computed up to this instant (the next run recomputes from a little before it).
      agent_time_until timestamptz,
      agent_time_zone text,
      -- The last settle: the last N days re-rolled (FCR depends on what happens after a contact).
      settled_at timestamptz,
      updated_at timestamptz not null default now()
    );
    insert into report_rollup_state default values;

    create table report_subscriptions (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(name) between 1 and 120),
      report text not null check (report in ('performance','volume','sla','agents','dispositions','campaigns')),
      params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
      frequency text not null check (frequency in ('daily','weekly','monthly')),
      calendar text not null check (calendar in ('gregorian','jalali')),
      format text not null check (format in ('pdf','xlsx','csv')),
      locale text not null check (locale in ('fa','en','nl')),
      recipients text[] not null check (cardinality(recipients) between 1 and 20),
      time_zone text not null,
      active boolean not null default true,
      -- The end of the next period to send (plus the settle delay), in UTC.
      next_run_at timestamptz not null,
      last_period_label text,
      last_job_id uuid,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create index report_subscriptions_due_idx on report_subscriptions (next_run_at) where active;

    create table bureau_report_subscriptions (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 120),
      report text not null check (report in ('performance','volume','sla','agents','dispositions','campaigns')),
      params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
      frequency text not null check (frequency in ('daily','weekly','monthly')),
      calendar text not null check (calendar in ('gregorian','jalali')),
      format text not null check (format in ('pdf','xlsx','csv')),
      locale text not null check (locale in ('fa','en','nl')),
      recipients text[] not null check (cardinality(recipients) between 1 and 20),
      time_zone text not null,
      active boolean not null default true,
      next_run_at timestamptz not null,
      last_period_label text,
      last_job_id uuid,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create index bureau_report_subscriptions_due_idx on bureau_report_subscriptions (next_run_at) where active;

    create table report_jobs (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      report text not null check (report in ('performance','volume','sla','agents','dispositions','campaigns')),
      params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
      format text not null check (format in ('pdf','xlsx','csv')),
      locale text not null check (locale in ('fa','en','nl')),
      status text not null default 'queued' check (status in ('queued','running','done','failed')),
      phase text,
      progress double precision not null default 0 check (progress between 0 and 1),
      filename text,
      content_type text,
      content bytea,
      size_bytes integer,
      error text,
      subscription_id uuid,
      period_label text,
      requested_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      primary key (tenant_id, id),
      check ((status = 'done') = (content is not null))
    );
    create index report_jobs_recent_idx on report_jobs (tenant_id, created_at desc);

    create table bureau_report_jobs (
      id uuid primary key default gen_random_uuid(),
      report text not null check (report in ('performance','volume','sla','agents','dispositions','campaigns')),
      params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
      format text not null check (format in ('pdf','xlsx','csv')),
      locale text not null check (locale in ('fa','en','nl')),
      status text not null default 'queued' check (status in ('queued','running','done','failed')),
      phase text,
      progress double precision not null default 0 check (progress between 0 and 1),
      filename text,
      content_type text,
      content bytea,
      size_bytes integer,
      error text,
      subscription_id uuid,
      period_label text,
      requested_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      check ((status = 'done') = (content is not null))
    );
    create index bureau_report_jobs_recent_idx on bureau_report_jobs (created_at desc);
  `.execute(db);

  for (const table of ["report_rollup_queues", "report_queue_intervals", "report_queue_days", "report_agent_intervals", "report_agent_days", "report_campaign_days", "report_subscriptions", "report_jobs"]) {
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
    drop table if exists bureau_report_jobs, report_jobs, bureau_report_subscriptions, report_subscriptions, report_rollup_state,
      report_agent_time_days, report_agent_time, report_campaign_days, report_agent_days, report_agent_intervals, report_queue_days, report_queue_intervals,
      report_rollup_queues cascade;
    drop aggregate if exists report_jsonb_sum(jsonb);
    drop function if exists report_jsonb_add(jsonb, jsonb);
    drop index if exists agent_state_events_at_idx;
    drop index if exists routing_contacts_enqueued_idx;
    drop index if exists routing_contacts_interaction_idx;
    drop index if exists interactions_unreported_idx;
    alter table interactions drop column if exists reported_seq;
  `.execute(db);
}
