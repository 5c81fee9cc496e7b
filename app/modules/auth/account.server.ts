import type { Language } from "../i18n/config";
import { db } from "../platform/db.server";
import { recordAudit } from "./audit.server";
import { hashPassword, verifyPassword } from "./password.server";

/** The signed-in user's own account: profile and password. */
export async function loadProfile(userId: string) {
  return db()
    .selectFrom("users")
    .select(["id", "email", "name", "locale", "totp_enabled_at"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
}

export async function updateProfile(userId: string, input: { name: string; locale: Language }) {
  await db().updateTable("users").set({ name: input.name, locale: input.locale, updated_at: new Date() }).where("id", "=", userId).execute();
}

/**
 * Changes the password after checking the current one; every other session of the user is signed
 * out (the one making the change stays).
 */
export async function changePassword(
  user: { id: string; email: string },
  currentSessionId: string,
  input: { currentPassword: string; newPassword: string },
  ip: string,
): Promise<{ ok: true } | { ok: false; reason: "wrongPassword" }> {
  const row = await db().selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
  if (!(await verifyPassword(row.password_hash, input.currentPassword))) {
    await recordAudit(db(), {
      tenantId: null,
      actor: { userId: user.id, label: user.email },
      action: "auth.password.change_failed",
      target: { type: "user", id: user.id },
      ip,
    });
    return { ok: false, reason: "wrongPassword" };
  }
  const passwordHash = await hashPassword(input.newPassword);
  await db()
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable("users").set({ password_hash: passwordHash, updated_at: new Date() }).where("id", "=", user.id).execute();
      await trx.deleteFrom("sessions").where("user_id", "=", user.id).where("id", "!=", currentSessionId).execute();
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: user.id, label: user.email },
        action: "auth.password.changed",
        target: { type: "user", id: user.id },
        ip,
      });
    });
  return { ok: true };
}
