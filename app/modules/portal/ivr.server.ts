import { asBureau } from "../auth/bureau.server";
import type { BureauCtx } from "../bureau/context.server";
import { db } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";

/**
 * Reads the portal's IVR pages need next to app/modules/ivr/flows.server.ts: which flow answers each
 * of the tenant's numbers, the flows bureau staff may clone from other tenants, and authors' names.
 */

export interface NumberAssignment {
  id: string;
  e164: string;
  label: string;
  flowId: string | null;
}

/** The tenant's phone numbers with the flow each one runs (inside the tenant's RLS context). */
export function listNumberAssignments(
  tenantId: string
): Promise<NumberAssignment[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("tenant_phone_numbers")
      .select(["id", "e164", "label", "ivr_flow_id"])
      .where("tenant_id", "=", tenantId)
      .orderBy("created_at")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      e164: r.e164,
      label: r.label,
      flowId: r.ivr_flow_id,
    }));
  });
}

export interface CloneSource {
  tenantId: string;
  tenantName: string;
  flowId: string;
  flowName: string;
}

/** Every other tenant's flows, for bureau staff with "tenants.manage" (PermissionDenied otherwise). */
export function listCloneSources(
  ctx: BureauCtx,
  exceptTenantId: string
): Promise<CloneSource[]> {
  return asBureau(ctx, "tenants.manage", async (trx) => {
    const rows = await trx
      .selectFrom("ivr_flows as f")
      .innerJoin("tenants as t", "t.id", "f.tenant_id")
      .select([
        "t.id as tenantId",
        "t.name as tenantName",
        "f.id as flowId",
        "f.name as flowName",
      ])
      .where("f.tenant_id", "!=", exceptTenantId)
      .orderBy("t.name")
      .orderBy("f.name")
      .execute();
    return rows;
  });
}

/** Display names of users (version authors); unknown ids are left out. */
export async function userNames(
  ids: readonly (string | null)[]
): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Map();
  const rows = await db()
    .selectFrom("users")
    .select(["id", "name"])
    .where("id", "in", wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
