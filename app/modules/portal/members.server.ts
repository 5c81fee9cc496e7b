import type { ClientRole } from "../auth/permissions";
import type { AuditActor } from "../auth/api-keys.server";
import { recordAudit } from "../auth/audit.server";
import type { Trx } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";

/**
 * A tenant's client users. Every change and its audit record commit in one tenant transaction.
 * The users table is bureau-wide; membership rows are tenant-owned (RLS).
 */
export interface Member {
  userId: string;
  name: string;
  email: string;
  role: ClientRole;
  addedAt: Date;
  hasPassword: boolean;
}

/** A refusal the page shows as a localized message (the key is in the portal namespace). */
export class MemberError extends Error {
  constructor(public readonly key: "lastAdmin" | "alreadyMember" | "staffUser" | "disabledUser" | "notFound") {
    super(key);
  }
}

export function listMembers(tenantId: string): Promise<Member[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("tenant_members as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["m.user_id", "u.name", "u.email", "m.role", "m.created_at", "u.password_hash"])
      .where("m.tenant_id", "=", tenantId)
      .orderBy("u.name")
      .execute();
    return rows.map((r) => ({
      userId: r.user_id,
      name: r.name,
      email: r.email,
      role: r.role as ClientRole,
      addedAt: r.created_at,
      hasPassword: r.password_hash !== null,
    }));
  });
}

/**
 * Adds a client user by e-mail: a new address creates the user without a password (they set one
 * through "forgot password"); an existing client user is attached. Bureau staff are not attached
 * as client members: they reach every portal through their staff role.
 */
export function addMember(
  tenantId: string,
  input: { email: string; name: string; role: ClientRole },
  actor: AuditActor,
): Promise<{ userId: string; created: boolean }> {
  return withTenant(tenantId, async (trx) => {
    const existing = await trx.selectFrom("users").select(["id", "status"]).where("email", "=", input.email).executeTakeFirst();
    let userId: string;
    let created = false;
    if (existing) {
      const staff = await trx.selectFrom("user_staff_roles").select("role").where("user_id", "=", existing.id).executeTakeFirst();
      if (staff) throw new MemberError("staffUser");
      if (existing.status !== "active") throw new MemberError("disabledUser");
      const member = await trx
        .selectFrom("tenant_members")
        .select("user_id")
        .where("tenant_id", "=", tenantId)
        .where("user_id", "=", existing.id)
        .executeTakeFirst();
      if (member) throw new MemberError("alreadyMember");
      userId = existing.id;
    } else {
      const row = await trx
        .insertInto("users")
        .values({ email: input.email, name: input.name, password_hash: null })
        .returning("id")
        .executeTakeFirstOrThrow();
      userId = row.id;
      created = true;
    }
    await trx.insertInto("tenant_members").values({ tenant_id: tenantId, user_id: userId, role: input.role }).execute();
    await recordAudit(trx, {
      tenantId,
      actor: { userId: actor.userId, label: actor.label },
      action: "member.add",
      target: { type: "user", id: userId },
      data: { email: input.email, role: input.role, createdUser: created },
      ip: actor.ip,
    });
    return { userId, created };
  });
}

/** Locks the tenant's admin rows so two concurrent demotions cannot both pass the check. */
async function otherAdminCount(trx: Trx, tenantId: string, userId: string) {
  const admins = await trx
    .selectFrom("tenant_members")
    .select("user_id")
    .where("tenant_id", "=", tenantId)
    .where("role", "=", "client_admin")
    .forUpdate()
    .execute();
  return admins.filter((a) => a.user_id !== userId).length;
}

export function changeMemberRole(tenantId: string, userId: string, role: ClientRole, actor: AuditActor): Promise<void> {
  return withTenant(tenantId, async (trx) => {
    const member = await trx
      .selectFrom("tenant_members")
      .select("role")
      .where("tenant_id", "=", tenantId)
      .where("user_id", "=", userId)
      .forUpdate()
      .executeTakeFirst();
    if (!member) throw new MemberError("notFound");
    if (member.role === role) return;
    if (member.role === "client_admin" && (await otherAdminCount(trx, tenantId, userId)) === 0) throw new MemberError("lastAdmin");
    await trx.updateTable("tenant_members").set({ role }).where("tenant_id", "=", tenantId).where("user_id", "=", userId).execute();
    await recordAudit(trx, {
      tenantId,
      actor: { userId: actor.userId, label: actor.label },
      action: "member.role",
      target: { type: "user", id: userId },
      data: { from: member.role, to: role },
      ip: actor.ip,
    });
  });
}

export function removeMember(tenantId: string, userId: string, actor: AuditActor): Promise<void> {
  return withTenant(tenantId, async (trx) => {
    const member = await trx
      .selectFrom("tenant_members as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["m.role", "u.email"])
      .where("m.tenant_id", "=", tenantId)
      .where("m.user_id", "=", userId)
      .forUpdate("m")
      .executeTakeFirst();
    if (!member) throw new MemberError("notFound");
    if (member.role === "client_admin" && (await otherAdminCount(trx, tenantId, userId)) === 0) throw new MemberError("lastAdmin");
    await trx.deleteFrom("tenant_members").where("tenant_id", "=", tenantId).where("user_id", "=", userId).execute();
    await recordAudit(trx, {
      tenantId,
      actor: { userId: actor.userId, label: actor.label },
      action: "member.remove",
      target: { type: "user", id: userId },
      data: { email: member.email, role: member.role },
      ip: actor.ip,
    });
  });
}
