import { sql, type Kysely } from "kysely";

/**
 * Metered billing (issue 5).
 *
 * - rate_plan_versions: a tenant's contract over time, each version effective from an instant; the
 *   definition is the billing module's plan schema as JSON (money as digit strings, JSON has no bigint).
 * - usage_events: what the bureau did for a tenant, metered from interaction events only; the
 *   idempotency key (from the source event) is unique per tenant, so a replayed webhook, a duplicated
 *   status callback or a worker run twice bills nothing twice.
 * - interactions.metered_seq: the last event the meter has seen; an interaction with newer events is
 *   metered again (its keys make that a no-op for what was already counted).
 * - invoices and invoice_lines: one live invoice per tenant and period; a draft is replaced by a
 *   re-run of the close, a finalized invoice is never updated again except for its status and
 *   payments (a trigger refuses anything else). Credit notes are invoices of kind credit_note that
 *   point at the invoice they correct, with negative lines.
 * - invoice_number_counter: the bureau's one sequence of invoice numbers, bumped inside the
 *   finalizing transaction, so numbers are consecutive with no gaps (a Postgres sequence skips on
 *   rollback).
 * - payments: recorded by hand (bank transfer reference) or from a Stripe event (unique event id).
 * - billing_runs / billing_run_items: a close over many tenants, with its progress per tenant.
 * - Stripe: the tenant's customer, invoices mirrored, and every webhook event id once (replays are
 *   no-ops).
 * - Legal details on the bureau and the tenants, printed on the invoice.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table bureau_settings
      add column legal_name text not null default '' check (length(legal_name) <= 200),
      add column legal_address text not null default '' check (length(legal_address) <= 500),
      add column tax_id text not null default '' check (length(tax_id) <= 40),
      add column billing_email text check (billing_email is null or billing_email like '%_@_%'),
      -- Whose month an invoice covers: the Gregorian month or the Solar Hijri (Jalali) month.
      add column billing_calendar text not null default 'gregorian' check (billing_calendar in ('gregorian', 'jalali')),
      add column invoice_prefix text not null default 'HK' check (invoice_prefix ~ '^[A-Z0-9-]{1,10}$'),
      add column payment_terms_days integer not null default 15 check (payment_terms_days between 0 and 120);

    alter table tenants
      add column legal_name text not null default '' check (length(legal_name) <= 200),
      add column legal_address text not null default '' check (length(legal_address) <= 500),
      add column tax_id text not null default '' check (length(tax_id) <= 40),
      add column billing_email text check (billing_email is null or billing_email like '%_@_%');

    alter table interactions add column metered_seq integer not null default 0;
    create index interactions_unmetered_idx on interactions (tenant_id, ended_at)
      where ended_at is not null and event_seq > metered_seq;

    create table rate_plan_versions (
      tenant_id uuid not null references tenants(id) on delete cascade,
      version integer not null check (version >= 1),
      effective_from timestamptz not null,
      definition jsonb not null check (jsonb_typeof(definition) = 'object'),
      note text not null default '' check (length(note) <= 500),
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, version),
      constraint rate_plan_versions_effective_key unique (tenant_id, effective_from)
    );

    create table usage_events (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id bigint generated always as identity,
      kind text not null check (kind in ('inbound_minutes','ivr_minutes','outbound_minutes','chats','emails','sms','callbacks','seat_hours','recording_gb_days')),
      quantity bigint not null check (quantity >= 0),
      raw_quantity bigint not null check (raw_quantity >= 0),
      occurred_at timestamptz not null,
      idempotency_key text not null check (length(idempotency_key) between 1 and 200),
      interaction_id uuid,
      source_seq integer,
      plan_version integer,
      recorded_at timestamptz not null default now(),
      -- Stripe Billing meter events (when configured): reported once, by a worker.
      stripe_reported_at timestamptz,
      primary key (tenant_id, id)
    );
    create unique index usage_events_idempotency_key on usage_events (tenant_id, idempotency_key);
    create index usage_events_period_idx on usage_events (tenant_id, occurred_at, kind);
    create index usage_events_stripe_pending_idx on usage_events (recorded_at) where stripe_reported_at is null;

    create table invoice_number_counter (
      id boolean primary key default true check (id),
      last_number bigint not null default 0 check (last_number >= 0)
    );
    insert into invoice_number_counter default values;

    create table invoices (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      kind text not null default 'invoice' check (kind in ('invoice', 'credit_note')),
      status text not null default 'draft' check (status in ('draft', 'finalized', 'sent', 'paid', 'void')),
      -- Set when finalized: the bureau-wide consecutive number and its printed form.
      number_seq bigint,
      number text,
      period_start timestamptz not null,
      period_end timestamptz not null,
      -- "2026-11" (Gregorian) or "1405-08" (Jalali): the month the invoice covers.
      period_label text not null check (period_label ~ '^[0-9]{4}-[0-9]{2}$'),
      calendar text not null check (calendar in ('gregorian', 'jalali')),
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      time_zone text not null,
      locale text not null check (locale in ('fa', 'en', 'nl')),
      base_fee_amount bigint not null default 0,
      usage_amount bigint not null default 0,
      minimum_topup_amount bigint not null default 0,
      sla_credit_amount bigint not null default 0 check (sla_credit_amount <= 0),
      subtotal bigint not null default 0,
      vat_rate_bp integer not null default 0 check (vat_rate_bp between 0 and 10000),
      vat_amount bigint not null default 0,
      total bigint not null default 0,
      amount_paid bigint not null default 0 check (amount_paid >= 0),
      -- What the rating saw: usage totals, SLA outcomes, plan segments (for the document and audits).
      rated jsonb not null default '{}',
      usage_events_count integer not null default 0,
      credit_for_invoice_id uuid,
      reason text not null default '' check (length(reason) <= 1000),
      issued_at timestamptz,
      due_at timestamptz,
      finalized_at timestamptz,
      sent_at timestamptz,
      paid_at timestamptz,
      voided_at timestamptz,
      stripe_invoice_id text,
      created_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, credit_for_invoice_id) references invoices (tenant_id, id),
      check (period_end > period_start),
      check ((kind = 'credit_note') = (credit_for_invoice_id is not null)),
      check ((status = 'draft') = (number_seq is null)),
      check ((number_seq is null) = (number is null))
    );
    -- One live invoice per tenant and period: the close finds and refreshes it instead of adding one.
    create unique index invoices_period_key on invoices (tenant_id, period_start) where kind = 'invoice' and status <> 'void';
    create unique index invoices_number_key on invoices (number_seq) where number_seq is not null;
    create index invoices_status_idx on invoices (tenant_id, status, period_start desc);

    create table invoice_lines (
      tenant_id uuid not null,
      invoice_id uuid not null,
      line_no integer not null check (line_no >= 1),
      type text not null check (type in ('base_fee', 'usage', 'minimum_topup', 'sla_credit', 'vat', 'credit')),
      description_key text not null,
      params jsonb not null default '{}',
      kind text,
      quantity bigint,
      quantity_unit text,
      unit_price bigint,
      unit_quantity integer,
      price_unit text,
      rate_bp integer,
      base_amount bigint,
      amount bigint not null,
      primary key (tenant_id, invoice_id, line_no),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete cascade
    );

    create table payments (
      tenant_id uuid not null references tenants(id) on delete cascade,
      id uuid not null default gen_random_uuid(),
      invoice_id uuid not null,
      amount bigint not null check (amount > 0),
      method text not null check (method in ('bank_transfer', 'card', 'cash', 'stripe', 'other')),
      reference text not null default '' check (length(reference) <= 120),
      received_at timestamptz not null,
      note text not null default '' check (length(note) <= 500),
      stripe_event_id text,
      recorded_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id)
    );
    create unique index payments_stripe_event_key on payments (stripe_event_id) where stripe_event_id is not null;

    create table billing_runs (
      id uuid primary key default gen_random_uuid(),
      period_label text not null check (period_label ~ '^[0-9]{4}-[0-9]{2}$'),
      calendar text not null check (calendar in ('gregorian', 'jalali')),
      finalize boolean not null default false,
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      tenants_total integer not null default 0,
      tenants_done integer not null default 0,
      tenants_failed integer not null default 0,
      trigger text not null default 'manual' check (trigger in ('manual', 'schedule', 'api')),
      started_by uuid references users(id) on delete set null,
      created_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index billing_runs_created_idx on billing_runs (created_at desc);

    create table billing_run_items (
      tenant_id uuid not null references tenants(id) on delete cascade,
      run_id uuid not null references billing_runs(id) on delete cascade,
      status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed', 'skipped')),
      step text,
      invoice_id uuid,
      error text,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, run_id)
    );
    create index billing_run_items_run_idx on billing_run_items (run_id);

    create table stripe_customers (
      tenant_id uuid not null references tenants(id) on delete cascade,
      customer_id text not null unique,
      created_at timestamptz not null default now(),
      primary key (tenant_id)
    );

    -- Webhook events seen, bureau-wide: a replayed event id changes nothing.
    create table stripe_events (
      id text primary key,
      type text not null,
      received_at timestamptz not null default now(),
      processed_at timestamptz,
      outcome text not null default ''
    );

    -- Finalized invoices' documents, made once (the invoice cannot change any more).
    create table invoice_documents (
      tenant_id uuid not null,
      invoice_id uuid not null,
      locale text not null check (locale in ('fa', 'en', 'nl')),
      pdf bytea not null,
      created_at timestamptz not null default now(),
      primary key (tenant_id, invoice_id, locale),
      foreign key (tenant_id, invoice_id) references invoices (tenant_id, id) on delete cascade
    );

    -- Mail may carry attachments (an invoice's PDF); the outbox keeps them for the demo's mailbox.
    alter table mail_outbox add column attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array');

    -- A finalized invoice is immutable: only its status moves on (sent, paid, void), with payments
    -- and the Stripe mirror id; its lines never change.
    create function invoices_immutable() returns trigger language plpgsql as $f$
    begin
      if old.status <> 'draft' then
        if new.total <> old.total or new.subtotal <> old.subtotal or new.vat_amount <> old.vat_amount
          or new.number_seq is distinct from old.number_seq or new.period_start <> old.period_start
          or new.period_end <> old.period_end or new.rated <> old.rated or new.kind <> old.kind
          or new.sla_credit_amount <> old.sla_credit_amount or new.usage_amount <> old.usage_amount
          or new.base_fee_amount <> old.base_fee_amount or new.minimum_topup_amount <> old.minimum_topup_amount
          or new.status = 'draft' then
          raise exception 'invoice % is finalized and cannot be changed', old.id using errcode = 'check_violation';
        end if;
      end if;
      return new;
    end $f$;
    create trigger invoices_immutable before update on invoices for each row execute function invoices_immutable();

    create function invoice_lines_immutable() returns trigger language plpgsql as $f$
    declare
      st text;
    begin
      select status into st from invoices where tenant_id = coalesce(old.tenant_id, new.tenant_id) and id = coalesce(old.invoice_id, new.invoice_id);
      if st is not null and st <> 'draft' then
        raise exception 'the lines of a finalized invoice cannot be changed' using errcode = 'check_violation';
      end if;
      return coalesce(new, old);
    end $f$;
    create trigger invoice_lines_immutable before insert or update or delete on invoice_lines
      for each row execute function invoice_lines_immutable();
  `.execute(db);

  for (const table of ["rate_plan_versions", "usage_events", "invoices", "invoice_lines", "payments", "billing_run_items", "stripe_customers", "invoice_documents"]) {
    await sql`
      alter table ${sql.table(table)} enable row level security;
      alter table ${sql.table(table)} force row level security;
      create policy tenant_isolation on ${sql.table(table)}
        using (tenant_id = app_current_tenant() or app_is_bureau_scope())
        with check (tenant_id = app_current_tenant() or app_is_bureau_scope());
    `.execute(db);
  }
  // The record of what was billed is append-only for the application: usage is never edited or removed.
  await sql`revoke update, delete on usage_events from hamkal_rw`.execute(db);
  await sql`grant update (stripe_reported_at) on usage_events to hamkal_rw`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists invoice_documents, stripe_events, stripe_customers, billing_run_items, billing_runs, payments, invoice_lines, invoices, invoice_number_counter, usage_events, rate_plan_versions cascade;
    drop function if exists invoices_immutable(), invoice_lines_immutable();
    drop index if exists interactions_unmetered_idx;
    alter table interactions drop column if exists metered_seq;
    alter table mail_outbox drop column if exists attachments;
    alter table tenants drop column if exists legal_name, drop column if exists legal_address, drop column if exists tax_id, drop column if exists billing_email;
    alter table bureau_settings drop column if exists legal_name, drop column if exists legal_address, drop column if exists tax_id,
      drop column if exists billing_email, drop column if exists billing_calendar, drop column if exists invoice_prefix, drop column if exists payment_terms_days;
  `.execute(db);
}
