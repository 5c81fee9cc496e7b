import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { DB } from "../../db/types";
import { migrate } from "../../db/migrator";

/**
 * A fresh database per test run, created from the migrations, never the demo's. The app role is the
 * same kind the product uses: no ownership, no BYPASSRLS.
 */
export const TEST_SERVER = process.env.TEST_PG_SERVER ?? "postgres://postgres@127.0.0.1:5432";
export const TEST_APP_ROLE = "hamkal_test_app";

export function testDatabaseUrls(name: string) {
  const owner = `${TEST_SERVER}/${name}`;
  const server = new URL(TEST_SERVER);
  const app = `postgres://${TEST_APP_ROLE}:${TEST_APP_ROLE}@${server.host}/${name}`;
  return { owner, app };
}

export async function createTestDatabase(prefix = "hamkal_test") {
  const name = `${prefix}_${Date.now().toString(36)}_${process.pid}`;
  const urls = testDatabaseUrls(name);
  await migrate({ ownerUrl: urls.owner, appUrl: urls.app });
  return { name, ...urls };
}

export async function dropTestDatabase(name: string) {
  const admin = new pg.Client({ connectionString: `${TEST_SERVER}/postgres` });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}

/** Owner connection for arranging fixtures (superuser: bypasses RLS, as a seed would). */
export function ownerDb(url = process.env.DATABASE_OWNER_URL!) {
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
}
