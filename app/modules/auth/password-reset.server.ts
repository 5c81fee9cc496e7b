import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { isLanguage, type Language } from "../i18n/config";
import { db } from "../platform/db.server";
import { logger } from "../platform/logger.server";
import { enqueue } from "../platform/queues.server";
import { recordAudit } from "./audit.server";
import { hashPassword } from "./password.server";
import { clearLimit, hitLimit } from "./rate-limit.server";

/**
 * Password reset by e-mail. The link carries a random token (160 bits); the database keeps only its
 * SHA-256, valid for one hour and for one use. Asking for a reset answers the same whether or not the
 * address exists; the mail itself is sent by the workers (queue `mail.send`).
 */
export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
const RESET_REQUESTS_PER_HOUR = { account: { max: 5, windowSeconds: 3600 }, ip: { max: 20, windowSeconds: 3600 } };

export function hashResetToken(token: string) {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

function generateResetToken() {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export async function requestPasswordReset(input: { email: string; ip: string; fallbackLocale: Language }): Promise<void> {
  const email = input.email.trim().toLowerCase();
  // Quietly drop floods (mail bombing one address, or one IP probing many): the answer stays the same.
  const [perAccount, perIp] = await Promise.all([
    hitLimit("reset:account", email, RESET_REQUESTS_PER_HOUR.account),
    hitLimit("reset:ip", input.ip, RESET_REQUESTS_PER_HOUR.ip),
  ]);
  if (perAccount > RESET_REQUESTS_PER_HOUR.account.max || perIp > RESET_REQUESTS_PER_HOUR.ip.max) {
    logger.warn({ ip: input.ip }, "password reset request rate-limited");
    return;
  }
  const user = await db().selectFrom("users").select(["id", "email", "name", "locale", "status"]).where("email", "=", email).executeTakeFirst();
  if (!user || user.status !== "active") return;

  const token = generateResetToken();
  const expiresAt = new Date(Date.now() + RESET_TOKEN_TTL_MS);
  await db()
    .transaction()
    .execute(async (trx) => {
      await trx.insertInto("password_reset_tokens").values({ id: hashResetToken(token), user_id: user.id, expires_at: expiresAt }).execute();
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: user.id, label: user.email },
        action: "auth.password_reset.requested",
        target: { type: "user", id: user.id },
        ip: input.ip,
      });
    });
  await enqueue("mail.send", {
    template: "passwordReset",
    to: user.email,
    locale: isLanguage(user.locale) ? user.locale : input.fallbackLocale,
    name: user.name,
    token,
    expiresMinutes: RESET_TOKEN_TTL_MS / 60_000,
  });
}

/**
 * What the forgot-password form calls: the answer must not wait for the work, because only a known,
 * active address writes a token, an audit entry and a queued mail, and that extra time would tell
 * an attacker which addresses have accounts. Failures are logged, never shown (same answer).
 */
export function requestPasswordResetInBackground(input: { email: string; ip: string; fallbackLocale: Language }): Promise<void> {
  const work = requestPasswordReset(input).catch((err: unknown) => {
    logger.error({ err }, "password reset request failed");
  });
  return work;
}

/** Whether a link is still usable (for the page; resetPassword checks again under a row lock). */
export async function resetTokenValid(token: string): Promise<boolean> {
  if (!/^[a-z2-7]{32}$/.test(token)) return false;
  const row = await db()
    .selectFrom("password_reset_tokens")
    .innerJoin("users", "users.id", "password_reset_tokens.user_id")
    .select("password_reset_tokens.id")
    .where("password_reset_tokens.id", "=", hashResetToken(token))
    .where("password_reset_tokens.used_at", "is", null)
    .where("password_reset_tokens.expires_at", ">", new Date())
    .where("users.status", "=", "active")
    .executeTakeFirst();
  return !!row;
}

/**
 * Sets the new password, uses up the token (and any other open token of the user) and signs the user
 * out everywhere, in one transaction. Returns false for an unknown, used or expired token.
 */
export async function resetPassword(token: string, newPassword: string, ip: string): Promise<{ ok: true; email: string } | { ok: false }> {
  if (!/^[a-z2-7]{32}$/.test(token)) return { ok: false };
  const passwordHash = await hashPassword(newPassword);
  const result = await db()
    .transaction()
    .execute(async (trx) => {
      const row = await trx
        .selectFrom("password_reset_tokens")
        .innerJoin("users", "users.id", "password_reset_tokens.user_id")
        .select(["password_reset_tokens.id", "password_reset_tokens.user_id", "password_reset_tokens.expires_at", "password_reset_tokens.used_at", "users.email", "users.status"])
        .where("password_reset_tokens.id", "=", hashResetToken(token))
        .forUpdate()
        .executeTakeFirst();
      if (!row || row.used_at || row.expires_at.getTime() <= Date.now() || row.status !== "active") return null;
      const now = new Date();
      await trx.updateTable("users").set({ password_hash: passwordHash, updated_at: now }).where("id", "=", row.user_id).execute();
      await trx.updateTable("password_reset_tokens").set({ used_at: now }).where("user_id", "=", row.user_id).where("used_at", "is", null).execute();
      await trx.deleteFrom("sessions").where("user_id", "=", row.user_id).execute();
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: row.user_id, label: row.email },
        action: "auth.password_reset.completed",
        target: { type: "user", id: row.user_id },
        ip,
      });
      return row;
    });
  if (!result) return { ok: false };
  await clearLimit("login:account", result.email);
  return { ok: true, email: result.email };
}
