import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  PostgresDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type PostgresPool,
  type PostgresPoolClient,
  type TransactionSettings,
  type Transaction,
} from "kysely";
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

/**
 * Statements to run inside BEGIN's own round trip, for the next transaction started in this async
 * context. Taken once: a transaction that the callback itself starts (on another connection) gets a
 * plain BEGIN, so a scope never leaks into work that did not ask for it.
 */
// One per process, like the pool: the server bundle and the Remix build each carry a copy of this
// module, and the copy that created the pool must see the prelude the other one sets.
const PRELUDES = Symbol.for("hamkal.db.preludes");
const beginPreludes: AsyncLocalStorage<{ sql: string | null }> = ((globalThis as { [PRELUDES]?: AsyncLocalStorage<{ sql: string | null }> })[PRELUDES] ??=
  new AsyncLocalStorage<{ sql: string | null }>());

/**
 * Runs `fn` in a transaction whose first statements (a trusted, literal-only `set_config`) travel
 * with BEGIN as one simple-protocol message: every tenant and bureau transaction saves a round trip,
 * which is most of the cost of the ACD's short transactions (see bench/routing.ts).
 */
export function transactionWithPrelude<T>(database: Kysely<DB>, prelude: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return beginPreludes.run({ sql: prelude }, () => database.transaction().execute(fn));
}

class PreludePostgresDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const prelude = beginPreludes.getStore();
    if (prelude?.sql && !settings.isolationLevel && !settings.accessMode) {
      const statements = prelude.sql;
      prelude.sql = null;
      // No parameters, so pg sends a simple query, which may hold several statements.
      await connection.executeQuery(CompiledQuery.raw(`begin; ${statements}`));
      return;
    }
    await super.beginTransaction(connection, settings);
  }
}

class PreludePostgresDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new PreludePostgresDriver(this.#config);
  }
}

/**
 * Hot statements start with a tag comment, `/* hk:<name> *\/`, and run as named prepared statements:
 * Postgres parses and plans them once per connection instead of on every call (the ACD's short
 * statements spend much of their time there). Only tagged statements are prepared, so the number
 * of prepared statements per connection stays small and known; the tag also names the statement
 * in pg_stat_activity. Their constants (statuses matching partial indexes) are literals in the text,
 * so a generic plan can still use those indexes. Behind PgBouncer in transaction mode this needs
 * PgBouncer 1.21+ (max_prepared_statements), or DATABASE_PREPARE=off.
 */
const TAG = /^\s*\/\* hk:([a-z0-9_-]{1,40}) \*\//;
const statementNames = new Map<string, string>();
const MAX_NAMED = 500;

function statementName(tag: string, text: string): string | null {
  let name = statementNames.get(text);
  if (name === undefined) {
    // The same tag may carry a few variants (optional filters): the text's hash tells them apart.
    if (statementNames.size >= MAX_NAMED) return null;
    name = `hk_${tag}_${createHash("sha1").update(text).digest("hex").slice(0, 12)}`;
    statementNames.set(text, name);
  }
  return name;
}

function preparingPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let proxy = wrapped.get(client);
      if (!proxy) {
        proxy = {
          query: ((text: unknown, values?: readonly unknown[]) => {
            if (typeof text === "string") {
              const tag = TAG.exec(text);
              const name = tag ? statementName(tag[1]!, text) : null;
              if (name) return client.query({ name, text, values: values ? [...values] : [] });
              return client.query(text, values ? [...values] : undefined);
            }
            return client.query(text as never);
          }) as unknown as PostgresPoolClient["query"],
          release: () => client.release(),
        };
        wrapped.set(client, proxy);
      }
      return proxy;
    },
    end: () => pool.end(),
  };
}

export function createDb(connectionString: string, max = 10, opts: { prepare?: boolean } = {}): Kysely<DB> {
  const pool = new pg.Pool({ connectionString, max, application_name: process.env.HAMKAL_SERVICE ?? "hamkal" });
  return new Kysely<DB>({ dialect: new PreludePostgresDialect({ pool: opts.prepare === false ? pool : preparingPool(pool) }) });
}

/** The application's pool, connected as the non-owner role (RLS applies). */
export function db(): Kysely<DB> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const env = loadEnv();
    holder[KEY] = createDb(env.DATABASE_URL, env.DATABASE_POOL_MAX, { prepare: env.DATABASE_PREPARE === "on" });
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
