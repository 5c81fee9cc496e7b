import { annotateContext } from "../platform/context.server";
import { db, transactionWithPrelude, type Trx } from "../platform/db.server";

/**
 * The two ways into tenant-owned data. Row-level security in Postgres enforces both: a query that
 * forgets a tenant filter still sees only the tenant set here.
 *
 * - `withTenant`: one tenant's rows, `SET LOCAL app.tenant_id` for the transaction.
 * - `withBureauScope`: all tenants' rows. Call it only from functions that have checked a bureau
 *   permission (see auth/bureau.server.ts `asBureau`) or from system code that needs a cross-tenant
 *   lookup before any user is known (API key and phone-number resolution).
 *
 * The setting is sent with BEGIN in one round trip (transactionWithPrelude). It is spliced into SQL
 * text, so the tenant id must be a canonical uuid: anything else is refused before it gets near
 * the database.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class InvalidTenantId extends Error {
  constructor() {
    super("tenant id is not a uuid");
  }
}

export async function withTenant<T>(tenantId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  if (!UUID.test(tenantId)) throw new InvalidTenantId();
  annotateContext({ tenantId });
  return transactionWithPrelude(db(), `select set_config('app.tenant_id', '${tenantId.toLowerCase()}', true)`, fn);
}

export async function withBureauScope<T>(fn: (trx: Trx) => Promise<T>): Promise<T> {
  return transactionWithPrelude(db(), "select set_config('app.scope', 'bureau', true)", fn);
}
