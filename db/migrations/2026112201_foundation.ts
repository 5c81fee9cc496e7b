import { sql, type Kysely } from "kysely";

/**
 * The foundation schema: bureau, users, sessions, tenants and what they own, API keys, audit log.
 *
 * Tenancy: every tenant-owned table leads its keys with tenant_id and has a FORCED row-level-security
 * policy on app.tenant_id (set with SET LOCAL per transaction). `app.scope = 'bureau'` opens all rows,
 * and is set only by the permission-checked bureau functions in app/modules/tenancy. The application
 * role `hamkal_rw` owns nothing and has no BYPASSRLS; this migration runs as the owner.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'hamkal_rw') then
        create role hamkal_rw nologin nobypassrls;
      end if;
    end $$;

    create function app_current_tenant() returns uuid language sql stable parallel safe as
      $f$ select nullif(current_setting('app.tenant_id', true), '')::uuid $f$;
    create function app_is_bureau_scope() returns boolean language sql stable parallel safe as
      $f$ select coalesce(current_setting('app.scope', true), '') = 'bureau' $f$;

    create table bureau_settings (
      id boolean primary key default true check (id),
      name text not null,
      default_locale text not null default 'fa' check (default_locale in ('fa','en','nl')),
      time_zone text not null default 'Asia/Tehran',
      currency_display text not null default 'toman' check (currency_display in ('rial','toman')),
      updated_at timestamptz not null default now()
    );

    create table users (
      id uuid primary key default gen_random_uuid(),
      email text not null check (email = lower(email) and email like '%_@_%'),
      name text not null check (length(name) between 1 and 120),
      password_hash text,
      locale text check (locale in ('fa','en','nl')),
      status text not null default 'active' check (status in ('active','disabled')),
      totp_secret text,
      totp_enabled_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create unique index users_email_key on users (email);

    create table user_staff_roles (
      user_id uuid not null references users(id) on delete cascade,
      role text not null check (role in ('bureau_admin','manager','team_leader','wfm_planner','qa_analyst','agent')),
      primary key (user_id, role)
    );

    create table sessions (
      id text primary key,
      user_id uuid not null references users(id) on delete cascade,
      expires_at timestamptz not null,
      two_factor_verified boolean not null default false,
      ip text,
      user_agent text,
      created_at timestamptz not null default now()
    );
    create index sessions_user_idx on sessions (user_id);

    create table password_reset_tokens (
      id text primary key,
      user_id uuid not null references users(id) on delete cascade,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index password_reset_tokens_user_idx on password_reset_tokens (user_id);

    create table mail_outbox (
      id uuid primary key default gen_random_uuid(),
      to_address text not null,
      subject text not null,
      text_body text not null,
      html_body text,
      kind text not null,
      created_at timestamptz not null default now()
    );

    create table tenants (
      id uuid primary key default gen_random_uuid(),
      slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$'),
      name text not null check (length(name) between 1 and 120),
      status text not null default 'active' check (status in ('active','suspended')),
      default_locale text not null default 'fa' check (default_locale in ('fa','en','nl')),
      time_zone text not null default 'Asia/Tehran',
      currency text not null default 'IRR' check (currency ~ '^[A-Z]{3}$'),
      brand_color text not null default '#0f766e' check (brand_color ~ '^#[0-9a-f]{6}$'),
      logo_data_url text check (logo_data_url is null or length(logo_data_url) < 300000),
      suspended_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table tenant_phone_numbers (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      e164 text not null check (e164 ~ '^\\+[1-9][0-9]{6,14}$'),
      label text not null default '',
      channels text[] not null default '{voice}',
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    -- One number belongs to one tenant bureau-wide (inbound calls are routed by the dialled number).
    create unique index tenant_phone_numbers_e164_key on tenant_phone_numbers (e164);

    create table tenant_business_hours (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      weekday smallint not null check (weekday between 0 and 6),
      opens_at time not null,
      closes_at time not null,
      primary key (tenant_id, id),
      check (closes_at > opens_at)
    );

    create table tenant_holidays (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      day date not null,
      name text not null check (length(name) between 1 and 120),
      primary key (tenant_id, id),
      unique (tenant_id, day)
    );

    create table tenant_members (
      tenant_id uuid not null references tenants(id) on delete cascade,
      user_id uuid not null references users(id) on delete cascade,
      role text not null check (role in ('client_admin','client_supervisor','client_viewer')),
      created_at timestamptz not null default now(),
      primary key (tenant_id, user_id)
    );
    create index tenant_members_user_idx on tenant_members (user_id);

    create table agents (
      user_id uuid primary key references users(id) on delete cascade,
      employee_code text not null unique,
      languages text[] not null default '{fa}',
      skills text[] not null default '{}',
      created_at timestamptz not null default now()
    );

    create table agent_assignments (
      tenant_id uuid not null references tenants(id) on delete cascade,
      agent_id uuid not null references agents(user_id) on delete cascade,
      skills text[] not null default '{}',
      priority smallint not null default 1 check (priority between 1 and 9),
      created_at timestamptz not null default now(),
      primary key (tenant_id, agent_id)
    );
    create index agent_assignments_agent_idx on agent_assignments (agent_id);

    create table tenant_api_keys (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      name text not null check (length(name) between 1 and 80),
      prefix text not null,
      secret_hash text not null unique,
      scopes text[] not null,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      primary key (tenant_id, id)
    );

    create table bureau_api_keys (
      id uuid primary key default gen_random_uuid(),
      name text not null check (length(name) between 1 and 80),
      prefix text not null,
      secret_hash text not null unique,
      scopes text[] not null,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      last_used_at timestamptz,
      revoked_at timestamptz
    );

    create table tenant_audit_log (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id bigint generated always as identity,
      actor_user_id uuid references users(id) on delete set null,
      actor_label text not null,
      action text not null,
      target_type text,
      target_id text,
      data jsonb not null default '{}',
      ip text,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    );
    create index tenant_audit_log_time_idx on tenant_audit_log (tenant_id, created_at desc);

    create table bureau_audit_log (
      id bigint generated always as identity primary key,
      actor_user_id uuid references users(id) on delete set null,
      actor_label text not null,
      action text not null,
      target_type text,
      target_id text,
      data jsonb not null default '{}',
      ip text,
      created_at timestamptz not null default now()
    );
    create index bureau_audit_log_time_idx on bureau_audit_log (created_at desc);
  `.execute(db);

  const tenantTables = [
    "tenant_phone_numbers",
    "tenant_business_hours",
    "tenant_holidays",
    "tenant_members",
    "agent_assignments",
    "tenant_api_keys",
    "tenant_audit_log",
  ];
  for (const table of tenantTables) {
    await sql`
      alter table ${sql.table(table)} enable row level security;
      alter table ${sql.table(table)} force row level security;
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = app_current_tenant() or app_is_bureau_scope())
        with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
    `.execute(db);
  }
  // The tenants table itself: a tenant context sees only its own row.
  await sql`
    alter table tenants enable row level security;
    alter table tenants force row level security;
    create policy tenant_isolation on tenants
      using (id = app_current_tenant() or app_is_bureau_scope())
      with check (app_is_bureau_scope());

    grant usage on schema public to hamkal_rw;
    grant select, insert, update, delete on all tables in schema public to hamkal_rw;
    grant usage, select on all sequences in schema public to hamkal_rw;
    grant execute on all functions in schema public to hamkal_rw;
    alter default privileges in schema public grant select, insert, update, delete on tables to hamkal_rw;
    alter default privileges in schema public grant usage, select on sequences to hamkal_rw;
    alter default privileges in schema public grant execute on functions to hamkal_rw;
    -- The audit log is append-only for the application.
    revoke update, delete on tenant_audit_log, bureau_audit_log from hamkal_rw;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists bureau_audit_log, tenant_audit_log, bureau_api_keys, tenant_api_keys,
      agent_assignments, agents, tenant_members, tenant_holidays, tenant_business_hours,
      tenant_phone_numbers, tenants, mail_outbox, password_reset_tokens, sessions, user_staff_roles,
      users, bureau_settings cascade;
    drop function if exists app_is_bureau_scope();
    drop function if exists app_current_tenant();
  `.execute(db);
}
