import { sql } from "kysely";
import { createTestDatabase, dropTestDatabase, ownerDb, TEST_SERVER } from "../tests/setup/test-db";
import pg from "pg";

/**
 * The monthly close at scale (issue 5): "rate 1M usage events and close 500 tenants' invoices (target
 * under 30 s on this machine), beside a baseline of the raw aggregate SQL over the same rows".
 *
 * Fixture (scratch database, owner connection, set-based inserts): BENCH_TENANTS tenants, each with a
 * rate plan version (three shapes in turn: graduated tiers with SLA credits, volume pricing with a
 * minimum, started minutes with a base fee), one queue with BENCH_CONTACTS routed contacts of the
 * month (the SLA counts), and BENCH_EVENTS usage events spread over the month across five kinds.
 *
 * - Product path: a billing run over every tenant with finalize, through BullMQ (`billing.close`
 *   workers in this process at the registry's concurrency), each tenant's close one transaction:
 *   collect (aggregate its usage per kind and plan segment), the SLA counts, rating, lines, totals,
 *   finalize with a gap-free number; wall time from starting the run to its last tenant done.
 * - Baseline, same database, same rows: the raw aggregate a report would run, `sum(quantity)` per
 *   tenant and kind over the month in one statement (no pricing, no invoices, no transactions).
 * Also checked: every tenant has a finalized invoice whose lines add up to its total, the numbers are
 * consecutive, and the usage each invoice counted equals the baseline's count for that tenant.
 *
 * Environment: BENCH_TENANTS (500), BENCH_EVENTS (1,000,000), BENCH_CONTACTS (100 per tenant),
 * BENCH_REDIS_URL (redis://127.0.0.1:6379/12: a database no test flushes), BENCH_KEEP_DB=1.
 */
const TARGET_SECONDS = 30;

function envInt(name: string, fallback: number) {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : "-");

async function waitForDisconnect(name: string) {
  const admin = new pg.Client({ connectionString: `${TEST_SERVER}/postgres` });
  await admin.connect();
  try {
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      const { rows } = await admin.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
      if (rows[0]!.n === 0) return;
    }
  } finally {
    await admin.end();
  }
}

export default async function billingBench() {
  const started = Date.now();
  const tenants = envInt("BENCH_TENANTS", 500);
  const events = envInt("BENCH_EVENTS", 1_000_000);
  const contactsPerTenant = envInt("BENCH_CONTACTS", 100);
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/12";
  const database = await createTestDatabase("hamkal_bench_billing");
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: database.app,
    DATABASE_OWNER_URL: database.owner,
    REDIS_URL: redisUrl,
    BULLMQ_PREFIX: `hk-bench-billing-${process.pid}`,
    SESSION_SECRET: "bench-secret-bench-secret-bench-secret",
    LOG_LEVEL: "silent",
    HAMKAL_SERVICE: "bench-billing",
  });
  const owner = ownerDb(database.owner);
  const { billingPeriod } = await import("../app/modules/billing/periods");
  const period = billingPeriod("gregorian", "2026-10", "Asia/Tehran");
  let workers: { close(): Promise<void> } | null = null;
  try {
    console.log(`building the fixture: ${tenants} tenants with plans, ${contactsPerTenant * tenants} routed contacts, ${events} usage events…`);
    const fixtureStarted = performance.now();
    await sql`
      insert into tenants (slug, name) select 'bench-' || lpad(g::text, 4, '0'), 'Bench tenant ' || g from generate_series(1, ${tenants}::int) g`.execute(owner);
    const plans = [
      {
        baseFee: "150000000",
        pricing: { inbound_minutes: { included: 500, tiers: { mode: "graduated", tiers: [{ upTo: 5000, unitPrice: "28000" }, { upTo: null, unitPrice: "22000" }] } }, ivr_minutes: { unitPrice: "3000" }, callbacks: { unitPrice: "45000" } },
        minuteRounding: { mode: "first_60_then_6" },
        sla: { commitments: [{ queueKey: null, thresholds: [{ belowBp: 8000, creditBp: 500 }, { belowBp: 7000, creditBp: 1000 }] }], maxCreditBp: 1500 },
      },
      {
        pricing: { inbound_minutes: { tiers: { mode: "volume", tiers: [{ upTo: 2000, unitPrice: "30000" }, { upTo: null, unitPrice: "23000" }] } }, ivr_minutes: { unitPrice: "2500" }, sms: { unitPrice: "1500" } },
        minimumCommitment: "40000000",
      },
      { baseFee: "25000000", pricing: { inbound_minutes: { unitPrice: "31000" }, outbound_minutes: { unitPrice: "32000" }, callbacks: { unitPrice: "50000" } }, minimumCommitment: "30000000", minuteRounding: { mode: "per_started_minute" } },
    ];
    await sql`
      insert into rate_plan_versions (tenant_id, version, effective_from, definition)
      select t.id, 1, ${period.start}, (${JSON.stringify(plans)}::jsonb) -> ((row_number() over (order by t.slug) - 1) % 3)::int
      from tenants t where t.slug like 'bench-%'`.execute(owner);
    await sql`insert into queues (tenant_id, key, name) select id, 'general', 'General' from tenants where slug like 'bench-%'`.execute(owner);
    // Routed contacts of the month for the SLA counts: most answered in time, some late, some abandoned.
    await sql`
      with c as (
        select q.tenant_id, q.id as queue_id, g, ${period.start}::timestamptz + (random() * interval '29 days') as t, random() as r
        from queues q cross join generate_series(1, ${contactsPerTenant}::int) g
        where q.tenant_id in (select id from tenants where slug like 'bench-%')
      ), i as (
        insert into interactions (tenant_id, direction, state, provider, started_at, ended_at)
        select tenant_id, 'inbound', 'completed', 'simulator', t, t + interval '5 minutes' from c
        returning tenant_id, id
      ), paired as (
        select c.*, i.id as interaction_id from (select *, row_number() over (partition by tenant_id order by g) as n from c) c
        join (select tenant_id, id, row_number() over (partition by tenant_id order by id) as n from i) i on i.tenant_id = c.tenant_id and i.n = c.n
      )
      insert into routing_contacts (tenant_id, interaction_id, queue_id, status, priority, sl_threshold_seconds, enqueued_at, connected_at, ended_at)
      select tenant_id, interaction_id, queue_id, case when r < 0.9 then 'completed' else 'abandoned' end, 5, 20, t,
        case when r < 0.9 then t + make_interval(secs => (r * 40)::int) end, t + interval '5 minutes'
      from paired`.execute(owner);
    await sql`
      insert into usage_events (tenant_id, kind, quantity, raw_quantity, occurred_at, idempotency_key)
      select t.id, k.kind, case when k.kind in ('sms', 'callbacks') then 1 else 30 + (g % 400) end, case when k.kind in ('sms', 'callbacks') then 1 else 30 + (g % 400) end,
        ${period.start}::timestamptz + make_interval(secs => (g * 2654435761::bigint % (29 * 86400))::int),
        t.id || ':bench:' || g
      from generate_series(1, ${events}::int) g
      join (select id, row_number() over (order by slug) - 1 as n from tenants where slug like 'bench-%') t on t.n = g % ${tenants}
      join (select * from unnest(array['inbound_minutes', 'inbound_minutes', 'ivr_minutes', 'sms', 'callbacks']) with ordinality as x(kind, n)) k on k.n = 1 + (g / ${tenants}) % 5`.execute(owner);
    await sql`analyze`.execute(owner);
    console.log(`  (${((performance.now() - fixtureStarted) / 1000).toFixed(1)} s)`);

    // Baseline: the raw aggregate over the same rows, three runs, the best.
    const baselineRuns: number[] = [];
    let baselineCounts = new Map<string, number>();
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const { rows } = await sql<{ tenant_id: string; kind: string; quantity: string; n: number }>`
        select tenant_id, kind, sum(quantity)::text as quantity, count(*)::int as n from usage_events
        where occurred_at >= ${period.start} and occurred_at < ${period.end}
        group by 1, 2`.execute(owner);
      baselineRuns.push(performance.now() - t0);
      baselineCounts = new Map();
      for (const r of rows) baselineCounts.set(r.tenant_id, (baselineCounts.get(r.tenant_id) ?? 0) + r.n);
    }
    const baselineMs = Math.min(...baselineRuns);

    // The product: a billing run through BullMQ.
    const { startWorkers } = await import("../workers/runner");
    const { startBillingRun, runView } = await import("../app/modules/billing/runs.server");
    const { withBureauScope } = await import("../app/modules/tenancy/scope.server");
    workers = startWorkers(["billing.close"]);
    const t0 = performance.now();
    const { runId, tenants: queued } = await startBillingRun({ periodLabel: "2026-10", calendar: "gregorian", finalize: true, trigger: "api" });
    let view = await withBureauScope((trx) => runView(trx, runId));
    let lastPrint = 0;
    while (view!.status === "running") {
      await new Promise((r) => setTimeout(r, 200));
      view = await withBureauScope((trx) => runView(trx, runId));
      if (performance.now() - lastPrint > 5000) {
        lastPrint = performance.now();
        console.log(`  … ${view!.tenantsDone + view!.tenantsFailed}/${queued} tenants closed`);
      }
      if (performance.now() - t0 > 600_000) throw new Error("the run did not finish within 10 minutes");
    }
    const closeMs = performance.now() - t0;

    // Checks on the record.
    const invoices = await owner
      .selectFrom("invoices as i")
      .select(["i.tenant_id", "i.status", "i.number_seq", "i.total", "i.usage_events_count", sql<string>`(select coalesce(sum(amount), 0) from invoice_lines l where l.tenant_id = i.tenant_id and l.invoice_id = i.id)`.as("lines_sum")])
      .execute();
    const seqs = invoices.map((i) => Number(i.number_seq)).sort((a, b) => a - b);
    const consecutive = seqs.every((s, i) => i === 0 || s === seqs[i - 1]! + 1);
    const unbalanced = invoices.filter((i) => BigInt(i.lines_sum) !== BigInt(i.total)).length;
    const countMismatch = invoices.filter((i) => i.usage_events_count !== (baselineCounts.get(i.tenant_id) ?? 0)).length;
    const notFinal = invoices.filter((i) => i.status !== "finalized").length;
    const counted = invoices.reduce((s, i) => s + i.usage_events_count, 0);

    console.log(`\nBilling close benchmark: ${tenants} tenants, ${events} usage events in the month, ${contactsPerTenant * tenants} routed contacts\n`);
    console.log(`  baseline: raw aggregate (sum per tenant and kind, one statement)   ${fmt(baselineMs, 1)} ms (best of 3: ${baselineRuns.map((r) => fmt(r, 0)).join(", ")})`);
    console.log(
      `  product: billing run, ${queued} tenants closed and finalized through BullMQ   ${fmt(closeMs / 1000, 2)} s (${fmt(queued / (closeMs / 1000), 1)} tenants/s, ${fmt(counted / (closeMs / 1000), 0)} usage events/s rated)`,
    );
    console.log(`  ratio: ${fmt(closeMs / baselineMs, 1)}x the raw aggregate's time`);
    console.log(
      `  checks: invoices ${invoices.length}/${tenants} (not finalized ${notFinal}), lines adding up to the total: ${invoices.length - unbalanced}/${invoices.length}, ` +
        `usage counted = baseline's: ${invoices.length - countMismatch}/${invoices.length}, numbers consecutive: ${consecutive ? "yes" : "NO"}, run ${view!.status} (${view!.tenantsFailed} failed)`,
    );
    const ok = invoices.length === tenants && notFinal === 0 && unbalanced === 0 && countMismatch === 0 && consecutive && view!.status === "done";
    console.log(`\n  target: close under ${TARGET_SECONDS} s: ${closeMs / 1000 < TARGET_SECONDS ? "met" : "NOT met"} (${fmt(closeMs / 1000)} s); correctness: ${ok ? "ok" : "FAILED"}`);
    console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!ok) process.exitCode = 1;
  } finally {
    await workers?.close();
    const { closeDb } = await import("../app/modules/platform/db.server");
    const { closeRedis } = await import("../app/modules/platform/redis.server");
    const { closeQueues } = await import("../app/modules/platform/queues.server");
    await Promise.allSettled([closeQueues(), closeDb(), closeRedis(), owner.destroy()]);
    if (process.env.BENCH_KEEP_DB === "1") console.log(`  kept the scratch database ${database.name}`);
    else {
      await waitForDisconnect(database.name);
      await dropTestDatabase(database.name);
    }
  }
}
