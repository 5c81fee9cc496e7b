import { sql } from "kysely";
import type { BureauCtx } from "../bureau/context.server";
import { withTenant } from "../tenancy/scope.server";
import { asBureau } from "./bureau.server";

/**
 * The audit log as the bureau reads it: bureau_audit_log and every tenant's tenant_audit_log in one
 * timeline, newest first. Bureau scope, behind "audit.read".
 */
export interface AuditRow {
  key: string;
  tenantId: string | null;
  tenantName: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: unknown;
  ip: string | null;
  createdAt: Date;
}

export interface AuditQuery {
  /** a tenant id, "bureau" for bureau-level entries only, or empty for all */
  tenant?: string;
  action?: string;
  page?: number;
  pageSize?: number;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function queryAuditLog(ctx: BureauCtx, query: AuditQuery = {}): Promise<{ rows: AuditRow[]; total: number }> {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 200);
  const page = Math.max(1, Math.floor(query.page ?? 1));
  const tenant = query.tenant && (query.tenant === "bureau" || UUID_RE.test(query.tenant)) ? query.tenant : "";
  const action = query.action?.trim() ?? "";
  return asBureau(ctx, "audit.read", async (trx) => {
    const includeBureau = tenant === "" || tenant === "bureau";
    const includeTenants = tenant !== "bureau";
    const bureauPart = sql`
      select 'b' || b.id as key, null::uuid as tenant_id, null::text as tenant_name, b.actor_label, b.action,
             b.target_type, b.target_id, b.data, b.ip, b.created_at
      from bureau_audit_log b
      where ${includeBureau ? sql`true` : sql`false`} and (${action} = '' or b.action = ${action})`;
    const tenantPart = sql`
      select 't' || a.id as key, a.tenant_id, t.name as tenant_name, a.actor_label, a.action,
             a.target_type, a.target_id, a.data, a.ip, a.created_at
      from tenant_audit_log a join tenants t on t.id = a.tenant_id
      where ${includeTenants ? sql`true` : sql`false`}
        and (${tenant === "" || tenant === "bureau" ? null : tenant}::uuid is null or a.tenant_id = ${tenant === "" || tenant === "bureau" ? null : tenant}::uuid)
        and (${action} = '' or a.action = ${action})`;
    const union = sql`(${bureauPart} union all ${tenantPart})`;
    const rows = await sql<{
      key: string;
      tenant_id: string | null;
      tenant_name: string | null;
      actor_label: string;
      action: string;
      target_type: string | null;
      target_id: string | null;
      data: unknown;
      ip: string | null;
      created_at: Date;
    }>`select * from ${union} as u order by created_at desc, key desc limit ${pageSize} offset ${(page - 1) * pageSize}`.execute(trx);
    const count = await sql<{ n: string }>`select count(*) as n from ${union} as u`.execute(trx);
    return {
      total: Number(count.rows[0]?.n ?? 0),
      rows: rows.rows.map((r) => ({
        key: r.key,
        tenantId: r.tenant_id,
        tenantName: r.tenant_name,
        actorLabel: r.actor_label,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        data: r.data,
        ip: r.ip,
        createdAt: r.created_at,
      })),
    };
  });
}

/** Every action name present in the log, for the filter. */
export async function auditActions(ctx: BureauCtx): Promise<string[]> {
  return asBureau(ctx, "audit.read", async (trx) => {
    const r = await sql<{ action: string }>`
      select action from bureau_audit_log union select action from tenant_audit_log order by action`.execute(trx);
    return r.rows.map((x) => x.action);
  });
}


/**
 * One tenant's own audit log, for its client admins in the portal: tenant scope (RLS), newest first.
 * The caller has checked "tenant.audit.read" on that tenant.
 */
export async function queryTenantAuditLog(
  tenantId: string,
  query: { page?: number; pageSize?: number } = {},
): Promise<{ rows: Omit<AuditRow, "tenantName">[]; total: number }> {
  const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 200);
  const page = Math.max(1, Math.floor(query.page ?? 1));
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("tenant_audit_log")
      .select(["id", "tenant_id", "actor_label", "action", "target_type", "target_id", "data", "ip", "created_at"])
      .where("tenant_id", "=", tenantId)
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute();
    const count = await trx
      .selectFrom("tenant_audit_log")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("tenant_id", "=", tenantId)
      .executeTakeFirstOrThrow();
    return {
      total: Number(count.n),
      rows: rows.map((r) => ({
        key: `t${r.id}`,
        tenantId: r.tenant_id,
        actorLabel: r.actor_label,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        data: r.data,
        ip: r.ip,
        createdAt: r.created_at,
      })),
    };
  });
}
