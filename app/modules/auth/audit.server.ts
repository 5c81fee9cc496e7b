import type { Executor } from "../platform/db.server";

export interface AuditEntry {
  /** null for bureau-level changes (staff, settings, bureau keys) */
  tenantId: string | null;
  actor: { userId: string | null; label: string };
  action: string;
  target?: { type: string; id: string };
  data?: Record<string, unknown>;
  ip?: string | null;
}

/**
 * Appends to the audit log inside the caller's transaction, so a change and its record commit or
 * fail together. The application role may insert but not update or delete audit rows.
 */
export async function recordAudit(trx: Executor, entry: AuditEntry) {
  const common = {
    actor_user_id: entry.actor.userId,
    actor_label: entry.actor.label,
    action: entry.action,
    target_type: entry.target?.type ?? null,
    target_id: entry.target?.id ?? null,
    data: JSON.stringify(entry.data ?? {}),
    ip: entry.ip ?? null,
  };
  if (entry.tenantId) {
    await trx.insertInto("tenant_audit_log").values({ ...common, tenant_id: entry.tenantId }).execute();
  } else {
    await trx.insertInto("bureau_audit_log").values(common).execute();
  }
}
