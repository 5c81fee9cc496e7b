import { sql, type Kysely } from "kysely";

/**
 * Workforce management (issue 6).
 *
 * Tenant-owned (tenant_id first, forced RLS): what is about one client's queue.
 * - wfm_forecasts: per queue and interval (UTC start), the statistical forecast and the adjusted one
 *   (statistical × the planner's adjustments), AHT, and the run that made it. A new run replaces the
 *   queue's intervals from its horizon on; older intervals stay as the record of what was forecast.
 * - wfm_forecast_adjustments: the planner's +/- % on a day or a time range, kept apart from the
 *   statistical numbers (a backtest judges the model alone; deleting an adjustment restores them).
 * - wfm_forecast_models: the latest model summary and held-out-week backtest per queue.
 *
 * Bureau-wide (no tenant_id): the shared pool of agents and what they work for every tenant.
 * - wfm_runs: forecast and roster jobs with their phase and progress, written as they go.
 * - wfm_contracts, wfm_shift_templates, wfm_agent_profiles: the rules the roster obeys.
 * - wfm_rosters (per week, draft/published/superseded, with the solver's input, report and coverage),
 *   wfm_roster_shifts (UTC instants plus week minutes, segments and breaks), wfm_roster_edits.
 * - wfm_leave_requests and wfm_swap_requests with their decisions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table bureau_settings
      -- Shares in basis points: 3000 = 30% shrinkage (breaks, training, leave), 8500 = 85% occupancy cap.
      add column wfm_shrinkage_bp integer not null default 3000 check (wfm_shrinkage_bp between 0 and 9000),
      add column wfm_max_occupancy_bp integer not null default 8500 check (wfm_max_occupancy_bp between 1000 and 10000),
      add column wfm_interval_minutes smallint not null default 30 check (wfm_interval_minutes in (15, 30)),
      add column wfm_roster_time_limit_seconds integer not null default 30 check (wfm_roster_time_limit_seconds between 2 and 600);

    create table wfm_runs (
      id uuid primary key default gen_random_uuid(),
      kind text not null check (kind in ('forecast', 'roster')),
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      phase text,
      progress double precision not null default 0 check (progress between 0 and 1),
      week_start date,
      weeks smallint check (weeks is null or weeks between 1 and 6),
      params jsonb not null default '{}' check (jsonb_typeof(params) = 'object'),
      result jsonb,
      objective double precision,
      mip_gap double precision,
      roster_id uuid,
      error text,
      started_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz not null default now()
    );
    create index wfm_runs_created_idx on wfm_runs (kind, created_at desc);

    create table wfm_forecasts (
      tenant_id uuid not null,
      queue_id uuid not null,
      interval_start timestamptz not null,
      interval_minutes smallint not null check (interval_minutes in (15, 30, 60)),
      local_date date not null,
      minute_of_day smallint not null check (minute_of_day between 0 and 1439),
      day_type text not null check (day_type in ('normal', 'holiday')),
      basis text not null,
      contacts double precision not null check (contacts >= 0),
      aht_seconds double precision not null check (aht_seconds >= 0),
      adjusted_contacts double precision not null check (adjusted_contacts >= 0),
      adjusted_aht_seconds double precision not null check (adjusted_aht_seconds >= 0),
      adjustments text[] not null default '{}',
      run_id uuid references wfm_runs(id) on delete set null,
      generated_at timestamptz not null default now(),
      primary key (tenant_id, queue_id, interval_start),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete cascade
    );
    create index wfm_forecasts_date_idx on wfm_forecasts (tenant_id, queue_id, local_date);

    create table wfm_forecast_adjustments (
      tenant_id uuid not null,
      id uuid not null default gen_random_uuid(),
      queue_id uuid not null,
      day date not null,
      from_minute smallint check (from_minute is null or from_minute between 0 and 1439),
      to_minute smallint check (to_minute is null or to_minute between 1 and 1440),
      contacts_percent double precision not null default 0 check (contacts_percent between -100 and 1000),
      aht_percent double precision not null default 0 check (aht_percent between -90 and 500),
      code text not null default 'manual' check (code in ('manual', 'campaign', 'holiday', 'event')),
      note text not null default '' check (length(note) <= 500),
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete cascade,
      check ((from_minute is null) = (to_minute is null)),
      check (from_minute is null or to_minute > from_minute)
    );
    create index wfm_forecast_adjustments_day_idx on wfm_forecast_adjustments (tenant_id, queue_id, day);

    create table wfm_forecast_models (
      tenant_id uuid not null,
      queue_id uuid not null,
      run_id uuid references wfm_runs(id) on delete set null,
      horizon_start timestamptz not null,
      weeks smallint not null,
      interval_minutes smallint not null,
      model jsonb not null default '{}',
      backtest jsonb,
      generated_at timestamptz not null default now(),
      primary key (tenant_id, queue_id),
      foreign key (tenant_id, queue_id) references queues (tenant_id, id) on delete cascade
    );

    create table wfm_contracts (
      id uuid primary key default gen_random_uuid(),
      key text not null unique check (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      name text not null check (length(name) between 1 and 120),
      -- 44 h a week: Iranian labour law for full time.
      max_weekly_minutes integer not null default 2640 check (max_weekly_minutes between 0 and 10080),
      min_weekly_minutes integer not null default 0 check (min_weekly_minutes >= 0),
      target_weekly_minutes integer not null default 2640 check (target_weekly_minutes >= 0),
      min_shift_minutes integer not null default 240 check (min_shift_minutes >= 1),
      max_shift_minutes integer not null default 540 check (max_shift_minutes between 1 and 1440),
      max_night_shifts smallint not null default 3 check (max_night_shifts between 0 and 7),
      min_rest_minutes integer not null default 720 check (min_rest_minutes between 0 and 1440),
      min_days_off smallint not null default 1 check (min_days_off between 0 and 7),
      template_ids uuid[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (min_shift_minutes <= max_shift_minutes),
      check (min_weekly_minutes <= max_weekly_minutes)
    );

    create table wfm_shift_templates (
      id uuid primary key default gen_random_uuid(),
      key text not null unique check (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
      name text not null check (length(name) between 1 and 120),
      -- [{ startMinute, durationMinutes }], minutes from the day's 00:00 (past 1440 after midnight).
      segments jsonb not null check (jsonb_typeof(segments) = 'array' and jsonb_array_length(segments) between 1 and 4),
      breaks jsonb not null default '[]' check (jsonb_typeof(breaks) = 'array'),
      days smallint[] not null default '{}',
      night boolean,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table wfm_agent_profiles (
      agent_id uuid primary key references agents(user_id) on delete cascade,
      contract_id uuid references wfm_contracts(id) on delete set null,
      -- Recurring unavailability [{ day, fromMinute, toMinute }] and preferences { templates, daysOff }.
      unavailable jsonb not null default '[]' check (jsonb_typeof(unavailable) = 'array'),
      preferences jsonb not null default '{}' check (jsonb_typeof(preferences) = 'object'),
      -- Bumped to revoke the agent's calendar feed URL.
      feed_token_version integer not null default 1,
      updated_at timestamptz not null default now()
    );
    create index wfm_agent_profiles_contract_idx on wfm_agent_profiles (contract_id);

    create table wfm_rosters (
      id uuid primary key default gen_random_uuid(),
      week_start date not null check (extract(isodow from week_start) = 6),
      time_zone text not null,
      interval_minutes smallint not null check (interval_minutes in (15, 30, 60)),
      status text not null default 'draft' check (status in ('draft', 'published', 'superseded')),
      version integer not null default 1,
      run_id uuid references wfm_runs(id) on delete set null,
      solver text not null default 'highs' check (solver in ('highs', 'greedy')),
      -- The roster engine's input as solved (requirements, agents, contracts, templates): hand edits
      -- and leave are validated against it, and coverage recomputed from it.
      input jsonb not null,
      report jsonb not null,
      coverage jsonb not null,
      objective double precision not null default 0,
      lp_bound double precision not null default 0,
      gap_to_lp_bound double precision,
      edits integer not null default 0,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      published_at timestamptz,
      published_by uuid references users(id) on delete set null,
      updated_at timestamptz not null default now(),
      unique (week_start, version)
    );
    -- One published roster a week: publishing a new one supersedes the old in the same transaction.
    create unique index wfm_rosters_published_key on wfm_rosters (week_start) where status = 'published';
    alter table wfm_runs add foreign key (roster_id) references wfm_rosters(id) on delete set null;

    create table wfm_roster_shifts (
      id uuid primary key default gen_random_uuid(),
      roster_id uuid not null references wfm_rosters(id) on delete cascade,
      agent_id uuid not null references agents(user_id) on delete cascade,
      day smallint not null check (day between 0 and 6),
      template_id uuid not null references wfm_shift_templates(id),
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      -- Week minutes [{ start, end }] and [{ kind, start, end }] (the engine's units).
      segments jsonb not null check (jsonb_typeof(segments) = 'array'),
      breaks jsonb not null default '[]' check (jsonb_typeof(breaks) = 'array'),
      paid_minutes integer not null check (paid_minutes > 0),
      night boolean not null default false,
      edited boolean not null default false,
      created_at timestamptz not null default now(),
      check (ends_at > starts_at),
      -- Deferred: swapping two agents' shifts on one day passes through a moment with two.
      constraint wfm_roster_shifts_agent_day_key unique (roster_id, agent_id, day) deferrable initially deferred
    );
    create index wfm_roster_shifts_agent_idx on wfm_roster_shifts (agent_id, starts_at);

    create table wfm_roster_edits (
      id bigint generated always as identity primary key,
      roster_id uuid not null references wfm_rosters(id) on delete cascade,
      kind text not null check (kind in ('swap', 'reassign', 'move', 'add', 'remove', 'leave', 'swapRequest')),
      data jsonb not null default '{}',
      actor_user_id uuid references users(id) on delete set null,
      created_at timestamptz not null default now()
    );
    create index wfm_roster_edits_roster_idx on wfm_roster_edits (roster_id, id);

    create table wfm_leave_requests (
      id uuid primary key default gen_random_uuid(),
      agent_id uuid not null references agents(user_id) on delete cascade,
      kind text not null default 'annual' check (kind in ('annual', 'sick', 'unpaid', 'other')),
      -- Local dates in the bureau's zone, inclusive; hourly leave is one day with a minute range.
      from_date date not null,
      to_date date not null,
      from_minute smallint check (from_minute is null or from_minute between 0 and 1439),
      to_minute smallint check (to_minute is null or to_minute between 1 and 1440),
      reason text not null default '' check (length(reason) <= 1000),
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'cancelled')),
      decided_by uuid references users(id) on delete set null,
      decision_reason text check (decision_reason is null or length(decision_reason) <= 1000),
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (to_date >= from_date and to_date - from_date <= 60),
      check ((from_minute is null) = (to_minute is null)),
      check (from_minute is null or (to_minute > from_minute and from_date = to_date)),
      check ((status in ('approved', 'rejected')) = (decided_at is not null))
    );
    create index wfm_leave_requests_agent_idx on wfm_leave_requests (agent_id, from_date);
    create index wfm_leave_requests_status_idx on wfm_leave_requests (status, from_date);

    create table wfm_swap_requests (
      id uuid primary key default gen_random_uuid(),
      requester_id uuid not null references agents(user_id) on delete cascade,
      colleague_id uuid not null references agents(user_id) on delete cascade,
      shift_id uuid not null references wfm_roster_shifts(id) on delete cascade,
      colleague_shift_id uuid references wfm_roster_shifts(id) on delete cascade,
      reason text not null default '' check (length(reason) <= 1000),
      status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'cancelled')),
      colleague_accepted_at timestamptz,
      decided_by uuid references users(id) on delete set null,
      decision_reason text check (decision_reason is null or length(decision_reason) <= 1000),
      decided_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (requester_id <> colleague_id),
      check (colleague_shift_id is null or colleague_shift_id <> shift_id)
    );
    create index wfm_swap_requests_status_idx on wfm_swap_requests (status, created_at desc);
    create index wfm_swap_requests_colleague_idx on wfm_swap_requests (colleague_id, status);
  `.execute(db);

  for (const table of ["wfm_forecasts", "wfm_forecast_adjustments", "wfm_forecast_models"]) {
    await sql`
      alter table ${sql.table(table)} enable row level security;
      alter table ${sql.table(table)} force row level security;
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = app_current_tenant() or app_is_bureau_scope())
        with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
    `.execute(db);
  }
  // The record of hand edits is append-only for the application, like the audit log.
  await sql`revoke update, delete on wfm_roster_edits from hamkal_rw`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists wfm_swap_requests, wfm_leave_requests, wfm_roster_edits, wfm_roster_shifts cascade;
    alter table if exists wfm_runs drop constraint if exists wfm_runs_roster_id_fkey;
    drop table if exists wfm_rosters, wfm_agent_profiles, wfm_shift_templates, wfm_contracts,
      wfm_forecast_models, wfm_forecast_adjustments, wfm_forecasts, wfm_runs cascade;
    alter table bureau_settings drop column if exists wfm_shrinkage_bp, drop column if exists wfm_max_occupancy_bp,
      drop column if exists wfm_interval_minutes, drop column if exists wfm_roster_time_limit_seconds;
  `.execute(db);
}
