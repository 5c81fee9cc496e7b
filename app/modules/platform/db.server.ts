import { Kysely, PostgresDialect, sql, type Transaction } from "kysely";
import pg from "pg";
import type { DB } from "../../../db/types";
import { loadEnv } from "./env.server";

export type Database = Kysely<DB>;
export type Trx = Transaction<DB>;
/** Repository functions take either the pool or an open transaction. */
export type Executor = Kysely<DB> | Transaction<DB>;

// bigint columns (money, identity ids) come back as strings by default; they are read as strings and
// converted at the module boundary where needed, never silently to a lossy float.
const KEY = Symbol.for("hamkal.db");
type Holder = { [KEY]?: Kysely<DB> };

export function createDb(connectionString: string, max = 10): Kysely<DB> {
  const pool = new pg.Pool({ connectionString, max, application_name: process.env.HAMKAL_SERVICE ?? "hamkal" });
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
}

/** The application's pool, connected as the non-owner role (RLS applies). */
export function db(): Kysely<DB> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const env = loadEnv();
    holder[KEY] = createDb(env.DATABASE_URL, env.DATABASE_POOL_MAX);
  }
  return holder[KEY];
}

export async function closeDb() {
  const holder = globalThis as Holder;
  const current = holder[KEY];
  holder[KEY] = undefined;
  await current?.destroy();
}

export async function pingDb(): Promise<boolean> {
  try {
    await sql`select 1`.execute(db());
    return true;
  } catch {
    return false;
  }
}
