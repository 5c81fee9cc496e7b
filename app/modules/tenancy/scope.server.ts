import { sql } from "kysely";
import { annotateContext } from "../platform/context.server";
import { db, type Trx } from "../platform/db.server";

/**
 * The two ways into tenant-owned data. Row-level security in Postgres enforces both: a query that
 * forgets a tenant filter still sees only the tenant set here.
 *
 * - `withTenant`: one tenant's rows, `SET LOCAL app.tenant_id` for the transaction.
 * - `withBureauScope`: all tenants' rows. Call it only from functions that have checked a bureau
 *   permission (see auth/bureau.server.ts `asBureau`) or from system code that needs a cross-tenant
 *   lookup before any user is known (API key and phone-number resolution).
 */
export async function withTenant<T>(tenantId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  annotateContext({ tenantId });
  return db()
    .transaction()
    .execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
      return fn(trx);
    });
}

export async function withBureauScope<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db()
    .transaction()
    .execute(async (trx) => {
      await sql`select set_config('app.scope', 'bureau', true)`.execute(trx);
      return fn(trx);
    });
}
