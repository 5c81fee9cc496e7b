import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "~/modules/platform/db.server";
import { withBureauScope, withTenant } from "~/modules/tenancy/scope.server";
import { closeFactories, makeTenant, makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";

/**
 * The database itself keeps tenants apart: under tenant A's context no table shows or accepts a row
 * of tenant B, whatever the query says. Every table is covered by asking the catalog, so a table a
 * later migration adds is tested without anyone editing this file.
 */
type Row = Record<string, unknown>;
let tenantA: { id: string };
let tenantB: { id: string };
let tenantTables: string[];
const owner = ownerDb();

async function columnsOf(table: string) {
  const { rows } = await sql<{ column_name: string; is_nullable: string; column_default: string | null; is_identity: string; data_type: string }>`
    select column_name, is_nullable, column_default, is_identity, data_type
    from information_schema.columns where table_schema = 'public' and table_name = ${table}`.execute(owner);
  return rows;
}

beforeAll(async () => {
  tenantA = await makeTenant();
  tenantB = await makeTenant();
  const agent = await makeUser({ staffRoles: ["agent"] });
  const clientB = await makeUser({ memberOf: [{ tenantId: tenantB.id, role: "client_admin" }] });
  await makeUser({ memberOf: [{ tenantId: tenantA.id, role: "client_viewer" }] });
  // One row of tenant B (and of A) in every tenant-owned table.
  await owner.insertInto("agents").values({ user_id: agent.id, employee_code: `E-${agent.id.slice(0, 6)}` }).execute();
  for (const t of [tenantA, tenantB]) {
    await owner.insertInto("tenant_phone_numbers").values({ tenant_id: t.id, e164: `+98210000${Math.floor(Math.random() * 9000 + 1000)}` }).execute();
    await owner.insertInto("tenant_business_hours").values({ tenant_id: t.id, weekday: 6, opens_at: "08:00", closes_at: "17:00" }).execute();
    await owner.insertInto("tenant_holidays").values({ tenant_id: t.id, day: "2027-03-21", name: "Nowruz" }).execute();
    await owner.insertInto("tenant_special_hours").values({ tenant_id: t.id, day: "2027-03-16", opens_at: "08:00", closes_at: "12:00" }).execute();
    await owner.insertInto("agent_assignments").values({ tenant_id: t.id, agent_id: agent.id }).execute();
    await owner
      .insertInto("tenant_api_keys")
      .values({ tenant_id: t.id, name: "k", prefix: "hkt_x", secret_hash: `h-${t.id}`, scopes: ["tenant:read"] })
      .execute();
    await owner.insertInto("tenant_audit_log").values({ tenant_id: t.id, actor_label: "test", action: "test.seeded" }).execute();
    // IVR flows and voice interactions (issue 3).
    const flow = await owner.insertInto("ivr_flows").values({ tenant_id: t.id, name: "Main" }).returning("id").executeTakeFirstOrThrow();
    const definition = JSON.stringify({ start: "bye", nodes: [{ id: "bye", type: "hangup" }] });
    await owner
      .insertInto("ivr_flow_versions")
      .values({ tenant_id: t.id, flow_id: flow.id, version: 1, status: "published", definition, published_at: new Date() })
      .execute();
    const call = await owner
      .insertInto("interactions")
      .values({ tenant_id: t.id, direction: "inbound", state: "ivr", provider: "simulator", flow_id: flow.id, flow_version: 1 })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner.insertInto("interaction_events").values({ tenant_id: t.id, interaction_id: call.id, seq: 1, type: "call.started" }).execute();
    // Routing (issue 4).
    const queue = await owner.insertInto("queues").values({ tenant_id: t.id, key: "support", name: "Support" }).returning("id").executeTakeFirstOrThrow();
    await owner.insertInto("dispositions").values({ tenant_id: t.id, code: "solved", name: "Solved", resolved: true }).execute();
    await owner.insertInto("agent_queue_assignments").values({ tenant_id: t.id, queue_id: queue.id, agent_id: agent.id }).execute();
    const customer = await owner.insertInto("customers").values({ tenant_id: t.id, phone: "+989121234567" }).returning("id").executeTakeFirstOrThrow();
    await owner
      .insertInto("routing_contacts")
      .values({ tenant_id: t.id, interaction_id: call.id, queue_id: queue.id, priority: 5, sl_threshold_seconds: 20 })
      .execute();
    await owner
      .insertInto("callback_tasks")
      .values({ tenant_id: t.id, interaction_id: call.id, customer_id: customer.id, number: "+989121234567", reason: "ivr_offer" })
      .execute();
    await owner.insertInto("interaction_notes").values({ tenant_id: t.id, interaction_id: call.id, body: "note" }).execute();
    const script = await owner.insertInto("scripts").values({ tenant_id: t.id, queue_id: queue.id, name: "Support" }).returning("id").executeTakeFirstOrThrow();
    await owner
      .insertInto("script_versions")
      .values({ tenant_id: t.id, script_id: script.id, version: 1, status: "draft", definition: JSON.stringify({ opening: [], body: [], closing: [] }) })
      .execute();
    // Workforce management (issue 6): the tenant's forecasts, adjustments and forecast model.
    await owner
      .insertInto("wfm_forecasts")
      .values({ tenant_id: t.id, queue_id: queue.id, interval_start: new Date("2030-03-01T20:30:00Z"), interval_minutes: 30, local_date: "2030-03-02", minute_of_day: 0, day_type: "normal", basis: "sameWeekday", contacts: 1, aht_seconds: 180, adjusted_contacts: 1, adjusted_aht_seconds: 180 })
      .execute();
    await owner.insertInto("wfm_forecast_adjustments").values({ tenant_id: t.id, queue_id: queue.id, day: "2030-03-02", contacts_percent: 10 }).execute();
    await owner.insertInto("wfm_forecast_models").values({ tenant_id: t.id, queue_id: queue.id, horizon_start: new Date("2030-03-01T20:30:00Z"), weeks: 1, interval_minutes: 30 }).execute();
    // Outbound campaigns (issue 7): a campaign with a list import, a contact and its attempt, and a DNC entry.
    const campaign = await owner
      .insertInto("campaigns")
      .values({ tenant_id: t.id, name: "Survey", type: "survey", queue_id: queue.id, calling_window: JSON.stringify({}), retry_rules: JSON.stringify({}) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner.insertInto("campaign_imports").values({ tenant_id: t.id, campaign_id: campaign.id, file_name: "list.csv", file_format: "csv", file_size: 10 }).execute();
    const campaignContact = await owner
      .insertInto("campaign_contacts")
      .values({ tenant_id: t.id, campaign_id: campaign.id, e164: "+989121234567" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner.insertInto("campaign_attempts").values({ tenant_id: t.id, campaign_id: campaign.id, contact_id: campaignContact.id, attempt_no: 1, mode: "progressive" }).execute();
    await owner.insertInto("dnc_entries").values({ tenant_id: t.id, kind: "number", value: "+989121234568" }).execute();
    // Reports (issue 7): the rollup rows, a subscription and a generated file.
    await owner.insertInto("report_rollup_queues").values({ tenant_id: t.id, queue_id: queue.id, thresholds: [20] }).execute();
    await owner.insertInto("report_queue_intervals").values({ tenant_id: t.id, queue_id: queue.id, interval_start: new Date("2030-03-01T20:30:00Z"), channel: "voice", direction: "inbound", offered: 1 }).execute();
    await owner.insertInto("report_queue_days").values({ tenant_id: t.id, queue_id: queue.id, day: "2030-03-02", channel: "voice", direction: "inbound", offered: 1 }).execute();
    await owner.insertInto("report_agent_intervals").values({ tenant_id: t.id, agent_id: agent.id, interval_start: new Date("2030-03-01T20:30:00Z"), channel: "voice", direction: "inbound", handled: 1 }).execute();
    await owner.insertInto("report_agent_days").values({ tenant_id: t.id, agent_id: agent.id, day: "2030-03-02", channel: "voice", direction: "inbound", handled: 1 }).execute();
    await owner.insertInto("report_campaign_days").values({ tenant_id: t.id, campaign_id: campaign.id, day: "2030-03-02", attempts: 1 }).execute();
    await owner
      .insertInto("report_subscriptions")
      .values({ tenant_id: t.id, name: "Monthly", report: "performance", frequency: "monthly", calendar: "jalali", format: "pdf", locale: "fa", recipients: ["a@example.com"], time_zone: "Asia/Tehran", next_run_at: new Date("2030-03-20T20:30:00Z") })
      .execute();
    await owner.insertInto("report_jobs").values({ tenant_id: t.id, report: "performance", format: "csv", locale: "fa" }).execute();
    // Billing (issue 5).
    await owner.insertInto("rate_plan_versions").values({ tenant_id: t.id, version: 1, effective_from: new Date("2026-01-01T00:00:00Z"), definition: JSON.stringify({}) }).execute();
    // A closed span of a dedicated seat (the agent serves both tenants; only one span may be open).
    await owner
      .insertInto("agent_dedications")
      .values({ tenant_id: t.id, agent_id: agent.id, dedicated_from: new Date("2026-10-01T00:00:00Z"), dedicated_until: new Date("2026-10-02T00:00:00Z") })
      .execute();
    await owner
      .insertInto("usage_events")
      .values({ tenant_id: t.id, kind: "inbound_minutes", quantity: "60", raw_quantity: "60", occurred_at: new Date(), idempotency_key: `rls:${t.id}`, interaction_id: call.id, source_seq: 1 })
      .execute();
    const invoice = await owner
      .insertInto("invoices")
      .values({ tenant_id: t.id, period_start: new Date("2026-10-31T20:30:00Z"), period_end: new Date("2026-11-30T20:30:00Z"), period_label: "2026-11", calendar: "gregorian", currency: "IRR", time_zone: "Asia/Tehran", locale: "fa" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner.insertInto("invoice_lines").values({ tenant_id: t.id, invoice_id: invoice.id, line_no: 1, type: "base_fee", description_key: "billing:invoice.lines.baseFee", amount: "1000" }).execute();
    await owner.insertInto("invoice_documents").values({ tenant_id: t.id, invoice_id: invoice.id, locale: "fa", pdf: Buffer.from("%PDF-1.4") }).execute();
    const run = await owner.insertInto("billing_runs").values({ period_label: "2026-11", calendar: "gregorian" }).returning("id").executeTakeFirstOrThrow();
    await owner.insertInto("billing_run_items").values({ tenant_id: t.id, run_id: run.id }).execute();
    await owner.insertInto("stripe_customers").values({ tenant_id: t.id, customer_id: `cus_${t.id.slice(0, 8)}` }).execute();
    // Numbered from the bureau's counter like any finalization, so the sequence stays gap-free for other tests.
    const seq = (await sql<{ n: string }>`update invoice_number_counter set last_number = last_number + 1 returning last_number as n`.execute(owner)).rows[0]!.n;
    await owner.updateTable("invoices").set({ status: "finalized", number_seq: seq, number: `RLS-${seq}` }).where("id", "=", invoice.id).execute();
    await owner
      .insertInto("payments")
      .values({ tenant_id: t.id, invoice_id: invoice.id, amount: "500", method: "bank_transfer", reference: "r", received_at: new Date() })
      .execute();
  }
  void clientB;
  const { rows } = await sql<{ table_name: string }>`
    select c.relname as table_name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname = 'public'
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
    order by 1`.execute(owner);
  tenantTables = rows.map((r) => r.table_name);
});

afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

describe("row-level security", () => {
  it("connects as a role that owns nothing and cannot bypass RLS", async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>`
      select r.rolsuper, r.rolbypassrls,
        (select count(*)::int from pg_class c where c.relowner = r.oid and c.relnamespace = 'public'::regnamespace) as owned
      from pg_roles r where r.rolname = current_user`.execute(db());
    expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it("forces RLS with a policy on every table that has a tenant_id column", async () => {
    const { rows } = await sql<{ relname: string; forced: boolean; enabled: boolean; policies: number }>`
      select c.relname, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
        (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname = 'public'
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`.execute(owner);
    expect(rows.length).toBeGreaterThanOrEqual(7);
    const weak = rows.filter((r) => !r.enabled || !r.forced || r.policies === 0).map((r) => r.relname);
    expect(weak).toEqual([]);
  });

  it("leads every tenant table's primary key with tenant_id", async () => {
    const { rows } = await sql<{ relname: string; first_column: string }>`
      select c.relname, a.attname as first_column
      from pg_index i join pg_class c on c.oid = i.indrelid
      join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
      where i.indisprimary and c.relnamespace = 'public'::regnamespace
        and exists (select 1 from pg_attribute t where t.attrelid = c.oid and t.attname = 'tenant_id' and not t.attisdropped)`.execute(owner);
    expect(rows.filter((r) => r.first_column !== "tenant_id")).toEqual([]);
  });

  it("shows no row of tenant B in any tenant table under tenant A's context", async () => {
    expect(tenantTables.length).toBeGreaterThanOrEqual(7);
    for (const table of tenantTables) {
      const counts = await withTenant(tenantA.id, async (trx) => {
        const { rows } = await sql<{ total: number; foreign: number }>`
          select count(*)::int as total, count(*) filter (where tenant_id <> ${tenantA.id})::int as foreign
          from ${sql.table(table)}`.execute(trx);
        return rows[0]!;
      });
      expect({ table, foreign: counts.foreign }).toEqual({ table, foreign: 0 });
      // The filter in the query is not what hides B: asking for B explicitly returns nothing.
      const explicit = await withTenant(tenantA.id, async (trx) => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where tenant_id = ${tenantB.id}`.execute(trx);
        return rows[0]!.n;
      });
      expect({ table, explicit }).toEqual({ table, explicit: 0 });
    }
  });

  it("refuses inserts of tenant B's rows under tenant A's context, in every tenant table", async () => {
    for (const table of tenantTables) {
      const [sample] = (await sql<Row>`select * from ${sql.table(table)} where tenant_id = ${tenantB.id} limit 1`.execute(owner)).rows;
      expect(sample, `fixture row for ${table}`).toBeDefined();
      const cols = await columnsOf(table);
      // Copy B's row, dropping generated/defaulted keys so only the policy can refuse it.
      const values: Row = {};
      for (const c of cols) {
        if (c.is_identity === "YES" || (c.column_default && c.column_name !== "tenant_id")) continue;
        values[c.column_name] = sample![c.column_name];
      }
      values.tenant_id = tenantB.id;
      const names = Object.keys(values);
      const insert = sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))}) values (${sql.join(
        names.map((n) => {
          const v = values[n];
          return Array.isArray(v)
            ? v.every((x) => typeof x === "number")
              ? sql`${v}::int[]`
              : sql`${v}::text[]`
            : v !== null && typeof v === "object" && !(v instanceof Date) && !Buffer.isBuffer(v)
              ? sql`${JSON.stringify(v)}::jsonb`
              : sql`${v}`;
        }),
      )})`;
      await expect(withTenant(tenantA.id, (trx) => insert.execute(trx)), table).rejects.toThrow(/row-level security/);
    }
  });

  it("refuses to move a row to another tenant and cannot touch B's rows", async () => {
    const moved = await withTenant(tenantA.id, (trx) =>
      trx.updateTable("tenant_holidays").set({ name: "x" }).where("tenant_id", "=", tenantB.id).executeTakeFirst(),
    );
    expect(moved.numUpdatedRows).toBe(0n);
    await expect(
      withTenant(tenantA.id, (trx) => trx.updateTable("tenant_holidays").set({ tenant_id: tenantB.id }).where("tenant_id", "=", tenantA.id).execute()),
    ).rejects.toThrow(/row-level security/);
    const deleted = await withTenant(tenantA.id, (trx) => trx.deleteFrom("tenant_phone_numbers").where("tenant_id", "=", tenantB.id).executeTakeFirst());
    expect(deleted.numDeletedRows).toBe(0n);
  });

  it("shows a tenant only its own row of the tenants table, and nothing without a context", async () => {
    const seen = await withTenant(tenantA.id, (trx) => trx.selectFrom("tenants").select("id").execute());
    expect(seen.map((r) => r.id)).toEqual([tenantA.id]);
    const none = await db().selectFrom("tenant_phone_numbers").select("tenant_id").execute();
    expect(none).toEqual([]);
    const all = await withBureauScope((trx) => trx.selectFrom("tenants").select("id").where("id", "in", [tenantA.id, tenantB.id]).execute());
    expect(all).toHaveLength(2);
  });

  it("keeps the audit log append-only for the application role", async () => {
    await expect(
      withTenant(tenantA.id, (trx) => trx.deleteFrom("tenant_audit_log").where("tenant_id", "=", tenantA.id).execute()),
    ).rejects.toThrow(/permission denied/);
  });
});
