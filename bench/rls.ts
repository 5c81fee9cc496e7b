import { sql, type Kysely } from "kysely";
import type { DB } from "../db/types";
import { createTestDatabase, dropTestDatabase, ownerDb } from "../tests/setup/test-db";

/**
 * What tenant isolation by row-level security costs on a typical tenant-scoped read: "the numbers of
 * one tenant" (150 rows of 3,000, 20 tenants).
 *
 * Baseline: the owner (a superuser: RLS does not apply) running the query with an explicit
 * `where tenant_id = $1`, the way an app without RLS would. Measured against it, in the same run:
 *   - owner, same transaction shape: BEGIN + set_config + query + COMMIT, still without RLS, to
 *     separate the cost of the transaction round trips from the cost of the policy;
 *   - withTenant + where: the product's path (app role, SET LOCAL app.tenant_id, RLS) with the
 *     explicit filter, as app/modules write their queries;
 *   - withTenant, no where: RLS alone filtering (a query that forgot the filter).
 * Variants run interleaved in rounds so drift (caches, autovacuum) hits them alike.
 *
 * Needs a Postgres reachable at TEST_PG_SERVER (default postgres://postgres@127.0.0.1:5432); it
 * creates and drops its own database.
 */
const TENANTS = 20;
const NUMBERS_PER_TENANT = 150;
const ITERATIONS = 2_000;
const ROUNDS = 4;
const WARMUP = 200;

type Variant = { name: string; run: (tenantId: string) => Promise<unknown> };

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function seed(owner: Kysely<DB>): Promise<string[]> {
  const tenantIds: string[] = [];
  for (let t = 0; t < TENANTS; t++) {
    const row = await owner.insertInto("tenants").values({ slug: `bench-${t}`, name: `Bench ${t}` }).returning("id").executeTakeFirstOrThrow();
    tenantIds.push(row.id);
    const numbers = Array.from({ length: NUMBERS_PER_TENANT }, (_, i) => ({
      tenant_id: row.id,
      e164: `+98912${String(t * NUMBERS_PER_TENANT + i).padStart(7, "0")}`,
      label: `line ${i}`,
    }));
    await owner.insertInto("tenant_phone_numbers").values(numbers).execute();
  }
  await sql`analyze`.execute(owner);
  return tenantIds;
}

export default async function rlsBench() {
  const started = Date.now();
  const database = await createTestDatabase("hamkal_bench");
  // The product's own withTenant reads its pool from the environment: point it at the bench database.
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: database.app,
    DATABASE_OWNER_URL: database.owner,
    DATABASE_POOL_MAX: "1",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379/15",
    SESSION_SECRET: "bench-secret-bench-secret-bench-secret",
    LOG_LEVEL: "silent",
  });
  const { withTenant } = await import("../app/modules/tenancy/scope.server");
  const { closeDb } = await import("../app/modules/platform/db.server");
  const owner = ownerDb(database.owner);
  try {
    const tenantIds = await seed(owner);
    const columns = ["id", "e164", "label", "channels", "created_at"] as const;

    const variants: Variant[] = [
      {
        name: "baseline: owner, where tenant_id, no RLS",
        run: (t) => owner.selectFrom("tenant_phone_numbers").select(columns).where("tenant_id", "=", t).orderBy("created_at").execute(),
      },
      {
        name: "owner, same transaction shape, no RLS",
        run: (t) =>
          owner.transaction().execute(async (trx) => {
            await sql`select set_config('app.tenant_id', ${t}, true)`.execute(trx);
            return trx.selectFrom("tenant_phone_numbers").select(columns).where("tenant_id", "=", t).orderBy("created_at").execute();
          }),
      },
      {
        name: "withTenant + where tenant_id (RLS)",
        run: (t) =>
          withTenant(t, (trx) => trx.selectFrom("tenant_phone_numbers").select(columns).where("tenant_id", "=", t).orderBy("created_at").execute()),
      },
      {
        name: "withTenant, no where (RLS alone)",
        run: (t) => withTenant(t, (trx) => trx.selectFrom("tenant_phone_numbers").select(columns).orderBy("created_at").execute()),
      },
    ];

    // Correctness first: every variant returns exactly the tenant's rows.
    for (const v of variants) {
      const rows = (await v.run(tenantIds[3]!)) as unknown[];
      if (rows.length !== NUMBERS_PER_TENANT) throw new Error(`${v.name}: expected ${NUMBERS_PER_TENANT} rows, got ${rows.length}`);
    }
    for (const v of variants) for (let i = 0; i < WARMUP; i++) await v.run(tenantIds[i % TENANTS]!);

    const samples = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const totals = new Map<string, number>(variants.map((v) => [v.name, 0]));
    const perRound = ITERATIONS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of variants) {
        const list = samples.get(v.name)!;
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < perRound; i++) {
          const s = process.hrtime.bigint();
          await v.run(tenantIds[(round * perRound + i) % TENANTS]!);
          list.push(Number(process.hrtime.bigint() - s) / 1e6);
        }
        totals.set(v.name, totals.get(v.name)! + Number(process.hrtime.bigint() - t0) / 1e9);
      }
    }

    const baseOps = ITERATIONS / totals.get(variants[0]!.name)!;
    console.log(`\nRLS benchmark: ${TENANTS} tenants x ${NUMBERS_PER_TENANT} numbers, ${ITERATIONS} queries per variant (${ROUNDS} interleaved rounds)\n`);
    const header = ["variant", "ops/s", "p50 ms", "p95 ms", "ratio to baseline (time)"];
    const rows = variants.map((v) => {
      const sorted = [...samples.get(v.name)!].sort((a, b) => a - b);
      const ops = ITERATIONS / totals.get(v.name)!;
      return [v.name, ops.toFixed(0), percentile(sorted, 50).toFixed(3), percentile(sorted, 95).toFixed(3), `${(baseOps / ops).toFixed(2)}x`];
    });
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const r of [header, widths.map((w) => "-".repeat(w)), ...rows]) console.log(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);

    const opsOf = (i: number) => ITERATIONS / totals.get(variants[i]!.name)!;
    console.log(`\n  withTenant + where vs baseline:               ${(opsOf(0) / opsOf(2)).toFixed(2)}x the time per query`);
    console.log(`  withTenant + where vs same transaction shape: ${(opsOf(1) / opsOf(2)).toFixed(2)}x (the policy itself)`);
    console.log(`\n  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await owner.destroy();
    await closeDb();
    await dropTestDatabase(database.name);
  }
}
