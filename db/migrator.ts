import { Kysely, Migrator, PostgresDialect, sql, type MigrationResultSet } from "kysely";
import pg from "pg";
import { migrations } from "./migrations/index";

function ownerDb(url: string) {
  return new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }) });
}

function quoteIdent(name: string) {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Creates the database named in `ownerUrl` if it does not exist (connects to the `postgres` database). */
export async function ensureDatabase(ownerUrl: string) {
  const url = new URL(ownerUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = "/postgres";
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query("select 1 from pg_database where datname = $1", [name]);
    if (found.rowCount === 0) await admin.query(`create database ${quoteIdent(name)}`);
  } finally {
    await admin.end();
  }
}

/**
 * Makes sure the application's login role (the user in DATABASE_URL) exists, owns nothing, has no
 * BYPASSRLS and is a member of hamkal_rw, which the migrations grant to.
 */
export async function ensureAppRole(ownerUrl: string, appUrl: string) {
  const app = new URL(appUrl);
  const user = decodeURIComponent(app.username);
  const password = decodeURIComponent(app.password);
  if (!user) throw new Error("DATABASE_URL must name the application user");
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    const self = await owner.query<{ current_user: string }>("select current_user");
    if (self.rows[0]?.current_user === user) {
      throw new Error("DATABASE_URL must not use the owner role: row-level security would not apply to it");
    }
    const exists = await owner.query("select 1 from pg_roles where rolname = $1", [user]);
    const pw = password ? ` password ${pgLiteral(password)}` : "";
    if (exists.rowCount === 0) {
      await owner.query(`create role ${quoteIdent(user)} login nosuperuser nobypassrls${pw}`);
    } else {
      await owner.query(`alter role ${quoteIdent(user)} login nosuperuser nobypassrls${pw}`);
    }
    const rw = await owner.query("select 1 from pg_roles where rolname = 'hamkal_rw'");
    if (rw.rowCount) await owner.query(`grant hamkal_rw to ${quoteIdent(user)}`);
  } finally {
    await owner.end();
  }
}

function pgLiteral(value: string) {
  return `'${value.replaceAll("'", "''")}'`;
}

function report(results: MigrationResultSet, log: (line: string) => void) {
  for (const r of results.results ?? []) log(`${r.direction === "Up" ? "up  " : "down"} ${r.migrationName}: ${r.status}`);
  if (results.error) throw results.error instanceof Error ? results.error : new Error(String(results.error));
}

export type MigrateDirection = "latest" | "down" | "up";

export async function migrate(opts: { ownerUrl: string; appUrl: string; direction?: MigrateDirection; log?: (line: string) => void }) {
  const log = opts.log ?? (() => {});
  await ensureDatabase(opts.ownerUrl);
  const kdb = ownerDb(opts.ownerUrl);
  try {
    await sql`select pg_advisory_lock(72201)`.execute(kdb);
    const migrator = new Migrator({ db: kdb, provider: { getMigrations: async () => migrations } });
    const direction = opts.direction ?? "latest";
    const results =
      direction === "down" ? await migrator.migrateDown() : direction === "up" ? await migrator.migrateUp() : await migrator.migrateToLatest();
    if (!results.results?.length && !results.error) log("no migrations to run");
    report(results, log);
  } finally {
    await kdb.destroy();
  }
  await ensureAppRole(opts.ownerUrl, opts.appUrl);
}
