import { sql, type Kysely } from "kysely";

/**
 * Special hours for a date (issue 3): a day whose opening differs from the weekly grid, e.g. a short
 * day before Nowruz or Ramadan hours. When a day has special ranges they replace that weekday's
 * ranges for the whole local day; a holiday still wins over both. Several ranges a day, as in the
 * weekly grid; the note names the reason shown to staff.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table tenant_special_hours (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      day date not null,
      opens_at time not null,
      closes_at time not null,
      note text not null default '' check (length(note) <= 120),
      primary key (tenant_id, id),
      check (closes_at > opens_at)
    );
    create index tenant_special_hours_day on tenant_special_hours (tenant_id, day);

    alter table tenant_special_hours enable row level security;
    alter table tenant_special_hours force row level security;
    create policy tenant_isolation on tenant_special_hours
      using (tenant_id = app_current_tenant() or app_is_bureau_scope())
      with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists tenant_special_hours`.execute(db);
}
