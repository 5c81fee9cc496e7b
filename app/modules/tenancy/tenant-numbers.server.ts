import { withTenant } from "./scope.server";

/** A tenant's phone number as the tenant itself sees it (portal pages, the simulator). */
export interface TenantNumber {
  id: string;
  e164: string;
  label: string;
  /** The IVR flow answering the number; null when none is assigned. */
  flowId: string | null;
}

/** The tenant's numbers in the order they were added, read in the tenant's own context (RLS). */
export function listTenantNumbers(tenantId: string): Promise<TenantNumber[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("tenant_phone_numbers")
      .select(["id", "e164", "label", "ivr_flow_id"])
      .where("tenant_id", "=", tenantId)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ id: r.id, e164: r.e164, label: r.label, flowId: r.ivr_flow_id }));
  });
}
