import { parseScopes } from "../api/scopes";
import type { Trx } from "../platform/db.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { apiKeyKind, generateApiKey, hashApiKey, type ApiScope } from "./api-key-token";
import { recordAudit } from "./audit.server";

/**
 * API keys: create (the token is returned once, only its hash is stored), list, revoke, and the
 * lookup the REST API authenticates with. Tenant keys live in tenant_api_keys under RLS; bureau
 * keys in bureau_api_keys.
 */
export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdByName: string | null;
}

export interface AuditActor {
  userId: string;
  label: string;
  ip?: string | null;
}

export type ApiPrincipal =
  | { kind: "tenant"; keyId: string; prefix: string; scopes: ApiScope[]; tenantId: string }
  | { kind: "bureau"; keyId: string; prefix: string; scopes: ApiScope[] };

type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_by_name: string | null;
};

function toSummary(row: KeyRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: parseScopes(row.scopes),
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
    createdByName: row.created_by_name,
  };
}

export function listTenantApiKeys(tenantId: string): Promise<ApiKeySummary[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("tenant_api_keys as k")
      .leftJoin("users as u", "u.id", "k.created_by")
      .select(["k.id", "k.name", "k.prefix", "k.scopes", "k.created_at", "k.last_used_at", "k.revoked_at", "u.name as created_by_name"])
      .where("k.tenant_id", "=", tenantId)
      .orderBy("k.revoked_at", (ob) => ob.desc().nullsFirst())
      .orderBy("k.created_at", "desc")
      .execute();
    return rows.map(toSummary);
  });
}

export function listBureauApiKeys(trx: Trx): Promise<ApiKeySummary[]> {
  return trx
    .selectFrom("bureau_api_keys as k")
    .leftJoin("users as u", "u.id", "k.created_by")
    .select(["k.id", "k.name", "k.prefix", "k.scopes", "k.created_at", "k.last_used_at", "k.revoked_at", "u.name as created_by_name"])
    .orderBy("k.revoked_at", (ob) => ob.desc().nullsFirst())
    .orderBy("k.created_at", "desc")
    .execute()
    .then((rows) => rows.map(toSummary));
}

/** Returns the full token: the only time it exists outside the caller's screen. */
export function createTenantApiKey(
  tenantId: string,
  input: { name: string; scopes: ApiScope[] },
  actor: AuditActor,
): Promise<{ token: string; key: ApiKeySummary }> {
  const { token, prefix, hash } = generateApiKey("tenant");
  return withTenant(tenantId, async (trx) => {
    const row = await trx
      .insertInto("tenant_api_keys")
      .values({ tenant_id: tenantId, name: input.name, prefix, secret_hash: hash, scopes: input.scopes, created_by: actor.userId })
      .returning(["id", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"])
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actor: { userId: actor.userId, label: actor.label },
      action: "apikey.create",
      target: { type: "api_key", id: row.id },
      data: { name: input.name, prefix, scopes: input.scopes },
      ip: actor.ip,
    });
    return { token, key: toSummary({ ...row, created_by_name: null }) };
  });
}

/** Bureau keys: the caller holds "apikeys.bureau.manage" and passes its asBureau transaction. */
export async function createBureauApiKey(
  trx: Trx,
  input: { name: string; scopes: ApiScope[] },
  actor: AuditActor,
): Promise<{ token: string; key: ApiKeySummary }> {
  const { token, prefix, hash } = generateApiKey("bureau");
  const row = await trx
    .insertInto("bureau_api_keys")
    .values({ name: input.name, prefix, secret_hash: hash, scopes: input.scopes, created_by: actor.userId })
    .returning(["id", "name", "prefix", "scopes", "created_at", "last_used_at", "revoked_at"])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId: null,
    actor: { userId: actor.userId, label: actor.label },
    action: "apikey.create",
    target: { type: "bureau_api_key", id: row.id },
    data: { name: input.name, prefix, scopes: input.scopes },
    ip: actor.ip,
  });
  return { token, key: toSummary({ ...row, created_by_name: null }) };
}

/** False when no such (unrevoked) key exists in this tenant. */
export function revokeTenantApiKey(tenantId: string, keyId: string, actor: AuditActor): Promise<boolean> {
  return withTenant(tenantId, async (trx) => {
    const row = await trx
      .updateTable("tenant_api_keys")
      .set({ revoked_at: new Date() })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", keyId)
      .where("revoked_at", "is", null)
      .returning(["id", "prefix", "name"])
      .executeTakeFirst();
    if (!row) return false;
    await recordAudit(trx, {
      tenantId,
      actor: { userId: actor.userId, label: actor.label },
      action: "apikey.revoke",
      target: { type: "api_key", id: row.id },
      data: { name: row.name, prefix: row.prefix },
      ip: actor.ip,
    });
    return true;
  });
}

export async function revokeBureauApiKey(trx: Trx, keyId: string, actor: AuditActor): Promise<boolean> {
  const row = await trx
    .updateTable("bureau_api_keys")
    .set({ revoked_at: new Date() })
    .where("id", "=", keyId)
    .where("revoked_at", "is", null)
    .returning(["id", "prefix", "name"])
    .executeTakeFirst();
  if (!row) return false;
  await recordAudit(trx, {
    tenantId: null,
    actor: { userId: actor.userId, label: actor.label },
    action: "apikey.revoke",
    target: { type: "bureau_api_key", id: row.id },
    data: { name: row.name, prefix: row.prefix },
    ip: actor.ip,
  });
  return true;
}

/**
 * Resolves a bearer token to the key it belongs to. A system lookup in bureau scope (no tenant is
 * known before the key is): by the SHA-256 only, so the token itself is never compared or stored.
 * Unknown, malformed and revoked keys all answer null. Marks the key as used.
 */
export async function lookupApiKey(token: string): Promise<ApiPrincipal | null> {
  const kind = apiKeyKind(token);
  if (!kind) return null;
  const hash = hashApiKey(token);
  const now = new Date();
  return withBureauScope(async (trx) => {
    if (kind === "tenant") {
      const row = await trx
        .updateTable("tenant_api_keys")
        .set({ last_used_at: now })
        .where("secret_hash", "=", hash)
        .where("revoked_at", "is", null)
        .returning(["id", "prefix", "scopes", "tenant_id"])
        .executeTakeFirst();
      return row ? { kind, keyId: row.id, prefix: row.prefix, scopes: parseScopes(row.scopes), tenantId: row.tenant_id } : null;
    }
    const row = await trx
      .updateTable("bureau_api_keys")
      .set({ last_used_at: now })
      .where("secret_hash", "=", hash)
      .where("revoked_at", "is", null)
      .returning(["id", "prefix", "scopes"])
      .executeTakeFirst();
    return row ? { kind, keyId: row.id, prefix: row.prefix, scopes: parseScopes(row.scopes) } : null;
  });
}
