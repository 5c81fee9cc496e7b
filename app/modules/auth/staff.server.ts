import { sql } from "kysely";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { FieldConflict, mapConflicts, NotFoundError } from "../bureau/errors";
import type { Trx } from "../platform/db.server";
import { recordAudit } from "./audit.server";
import { asBureau } from "./bureau.server";
import { hashPassword } from "./password.server";
import { STAFF_ROLES, type StaffRole } from "./permissions";
import { invalidateUserSessions } from "./session.server";
import type { StaffCreateInput } from "./staff-schemas";

/** Bureau staff users (anyone with a staff role) and their roles. Bureau-level: audited without a tenant. */
export interface StaffUser {
  id: string;
  name: string;
  email: string;
  status: "active" | "disabled";
  locale: string | null;
  roles: StaffRole[];
  createdAt: Date;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sortRoles(roles: string[]): StaffRole[] {
  return STAFF_ROLES.filter((r) => roles.includes(r));
}

async function selectStaff(trx: Trx, userId?: string) {
  let q = trx
    .selectFrom("users")
    .select([
      "users.id",
      "users.name",
      "users.email",
      "users.status",
      "users.locale",
      "users.created_at",
      sql<string[]>`array(select r.role from user_staff_roles r where r.user_id = users.id)`.as("roles"),
    ])
    .where((eb) => eb.exists(eb.selectFrom("user_staff_roles").select("user_id").whereRef("user_staff_roles.user_id", "=", "users.id")))
    .orderBy("users.name");
  if (userId) q = q.where("users.id", "=", userId);
  const rows = await q.execute();
  return rows.map(
    (r): StaffUser => ({
      id: r.id,
      name: r.name,
      email: r.email,
      status: r.status as StaffUser["status"],
      locale: r.locale,
      roles: sortRoles(r.roles),
      createdAt: r.created_at,
    }),
  );
}

export async function listStaff(ctx: BureauCtx): Promise<StaffUser[]> {
  return asBureau(ctx, "staff.read", (trx) => selectStaff(trx));
}

export async function getStaffUser(ctx: BureauCtx, userId: string): Promise<StaffUser | null> {
  if (!UUID_RE.test(userId)) return null;
  return asBureau(ctx, "staff.read", async (trx) => (await selectStaff(trx, userId))[0] ?? null);
}

/** Active staff per role (a user with two roles counts in both). */
export async function staffRoleCounts(ctx: BureauCtx): Promise<Record<StaffRole, number>> {
  return asBureau(ctx, "bureau.console", async (trx) => {
    const rows = await trx
      .selectFrom("user_staff_roles")
      .innerJoin("users", "users.id", "user_staff_roles.user_id")
      .select(["user_staff_roles.role", (eb) => eb.fn.countAll<string>().as("n")])
      .where("users.status", "=", "active")
      .groupBy("user_staff_roles.role")
      .execute();
    return Object.fromEntries(STAFF_ROLES.map((r) => [r, Number(rows.find((x) => x.role === r)?.n ?? 0)])) as Record<StaffRole, number>;
  });
}

/**
 * Inserts a user with staff roles inside the caller's bureau transaction (also used when creating
 * an agent). A taken e-mail is a field conflict.
 */
export async function insertStaffUser(trx: Trx, input: StaffCreateInput, passwordHash: string): Promise<string> {
  const taken = await trx.selectFrom("users").select("id").where("email", "=", input.email).executeTakeFirst();
  if (taken) throw new FieldConflict("email", "validation:emailTaken");
  const user = await trx
    .insertInto("users")
    .values({ email: input.email, name: input.name, password_hash: passwordHash, locale: input.locale })
    .returning("id")
    .executeTakeFirstOrThrow();
  const roles = [...new Set(input.roles)];
  await trx
    .insertInto("user_staff_roles")
    .values(roles.map((role) => ({ user_id: user.id, role })))
    .execute();
  return user.id;
}

export async function createStaffUser(ctx: BureauCtx, input: StaffCreateInput): Promise<StaffUser> {
  const passwordHash = await hashPassword(input.password);
  return mapConflicts(
    () =>
      asBureau(ctx, "staff.manage", async (trx) => {
        const id = await insertStaffUser(trx, input, passwordHash);
        await recordAudit(trx, {
          tenantId: null,
          actor: auditActor(ctx),
          ip: ctx.ip,
          action: "staff.created",
          target: { type: "user", id },
          data: { email: input.email, name: input.name, roles: sortRoles(input.roles), locale: input.locale },
        });
        return (await selectStaff(trx, id))[0]!;
      }),
    { users_email_key: { field: "email", messageKey: "validation:emailTaken" } },
  );
}

async function lockStaff(trx: Trx, userId: string) {
  if (!UUID_RE.test(userId)) throw new NotFoundError("user");
  const user = await trx.selectFrom("users").select(["id", "status", "email"]).where("id", "=", userId).forUpdate().executeTakeFirst();
  if (!user) throw new NotFoundError("user");
  const roles = await trx.selectFrom("user_staff_roles").select("role").where("user_id", "=", userId).execute();
  if (!roles.length) throw new NotFoundError("user");
  return { ...user, roles: roles.map((r) => r.role) };
}

export async function updateStaffRoles(ctx: BureauCtx, userId: string, roles: StaffRole[]): Promise<void> {
  const next = sortRoles(roles);
  await asBureau(ctx, "staff.manage", async (trx) => {
    const before = await lockStaff(trx, userId);
    if (userId === ctx.actor.userId && before.roles.includes("bureau_admin") && !next.includes("bureau_admin")) {
      throw new FieldConflict("roles", "validation:ownAdminRole");
    }
    await trx.deleteFrom("user_staff_roles").where("user_id", "=", userId).execute();
    await trx
      .insertInto("user_staff_roles")
      .values(next.map((role) => ({ user_id: userId, role })))
      .execute();
    await trx.updateTable("users").set({ updated_at: new Date() }).where("id", "=", userId).execute();
    await recordAudit(trx, {
      tenantId: null,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "staff.roles.updated",
      target: { type: "user", id: userId },
      data: { from: sortRoles(before.roles), to: next },
    });
  });
}

/** Disabling signs the user out everywhere (their sessions are deleted in the same transaction). */
export async function setStaffStatus(ctx: BureauCtx, userId: string, status: "active" | "disabled"): Promise<void> {
  await asBureau(ctx, "staff.manage", async (trx) => {
    const before = await lockStaff(trx, userId);
    if (status === "disabled" && userId === ctx.actor.userId) throw new FieldConflict("status", "validation:disableSelf");
    if (before.status === status) return;
    await trx.updateTable("users").set({ status, updated_at: new Date() }).where("id", "=", userId).execute();
    if (status === "disabled") await invalidateUserSessions(userId, trx);
    await recordAudit(trx, {
      tenantId: null,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: status === "disabled" ? "staff.disabled" : "staff.enabled",
      target: { type: "user", id: userId },
      data: { email: before.email },
    });
  });
}
