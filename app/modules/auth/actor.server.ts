import { db } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import type { Actor, ClientRole, StaffRole } from "./permissions";

export interface ActorTenant {
  id: string;
  slug: string;
  name: string;
  status: string;
  defaultLocale: string;
  role: ClientRole | "agent";
}

/**
 * Builds what the permission module needs about a user. Memberships span tenants, so this is one of
 * the system lookups that runs in bureau scope before any permission is known; it reads only rows
 * that belong to this user.
 */
export async function loadActor(userId: string): Promise<{ actor: Actor; tenants: ActorTenant[] }> {
  const staff = await db().selectFrom("user_staff_roles").select("role").where("user_id", "=", userId).execute();
  const { members, assignments } = await withBureauScope(async (trx) => {
    const members = await trx
      .selectFrom("tenant_members")
      .innerJoin("tenants", "tenants.id", "tenant_members.tenant_id")
      .select(["tenants.id", "tenants.slug", "tenants.name", "tenants.status", "tenants.default_locale", "tenant_members.role"])
      .where("tenant_members.user_id", "=", userId)
      .orderBy("tenants.name")
      .execute();
    const assignments = await trx
      .selectFrom("agent_assignments")
      .innerJoin("tenants", "tenants.id", "agent_assignments.tenant_id")
      .select(["tenants.id", "tenants.slug", "tenants.name", "tenants.status", "tenants.default_locale"])
      .where("agent_assignments.agent_id", "=", userId)
      .orderBy("tenants.name")
      .execute();
    return { members, assignments };
  });
  const actor: Actor = {
    userId,
    staffRoles: staff.map((s) => s.role as StaffRole),
    memberships: Object.fromEntries(members.map((m) => [m.id, m.role as ClientRole])),
    agentTenants: assignments.map((a) => a.id),
  };
  const tenants: ActorTenant[] = [
    ...members.map((m) => ({ id: m.id, slug: m.slug, name: m.name, status: m.status, defaultLocale: m.default_locale, role: m.role as ClientRole })),
    ...assignments
      .filter((a) => !actor.memberships[a.id])
      .map((a) => ({ id: a.id, slug: a.slug, name: a.name, status: a.status, defaultLocale: a.default_locale, role: "agent" as const })),
  ];
  return { actor, tenants };
}
