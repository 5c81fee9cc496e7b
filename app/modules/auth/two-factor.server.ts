import { db } from "../platform/db.server";
import { recordAudit } from "./audit.server";
import { loginRules } from "./login.server";
import { claimOnce, clearLimit, hitLimit, limitState } from "./rate-limit.server";
import { markSessionTwoFactorVerified } from "./session.server";
import { generateTotpSecret, normalizeTotpCode, totpKeyUri, verifyTotpCode, TOTP_GRACE_SECONDS, TOTP_PERIOD_SECONDS } from "./totp";

/**
 * Second factor (TOTP). users.totp_secret holds the base32 secret (see totp.ts); a secret with
 * totp_enabled_at null is a setup in progress, confirmed by a first valid code. Codes are rate-limited
 * per user (LOGIN_MAX_PER_ACCOUNT failures per window) and each accepted code is single-use.
 */
export type CodeResult = { ok: true } | { ok: false; reason: "invalid" } | { ok: false; reason: "rateLimited"; retryAfterSeconds: number };

async function loadTotp(userId: string) {
  return db()
    .selectFrom("users")
    .select(["id", "email", "totp_secret", "totp_enabled_at"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
}

/** Checks a code against a secret under the user's rate limit, and burns it when accepted. */
async function checkCode(userId: string, secret: string | null, input: string): Promise<CodeResult> {
  const rule = loginRules().account;
  // Counted before the code is checked (atomic INCR): a burst of concurrent guesses cannot all pass a
  // "below the limit?" read. A correct code clears the counter, so only failures accumulate.
  const attempts = await hitLimit("2fa:user", userId, rule);
  if (attempts > rule.max) {
    const state = await limitState("2fa:user", userId, rule);
    return { ok: false, reason: "rateLimited", retryAfterSeconds: state.retryAfterSeconds };
  }
  const code = normalizeTotpCode(input);
  const valid = !!secret && !!code && verifyTotpCode(secret, code);
  // A code stays valid for up to three steps (grace); remember it that long so it cannot be replayed.
  if (!valid || !(await claimOnce(`totp:${userId}:${code}`, TOTP_PERIOD_SECONDS + 2 * TOTP_GRACE_SECONDS))) {
    return { ok: false, reason: "invalid" };
  }
  await clearLimit("2fa:user", userId);
  return { ok: true };
}

export async function verifyLoginCode(session: { id: string; userId: string }, input: string, ip: string): Promise<CodeResult> {
  const user = await loadTotp(session.userId);
  const result = await checkCode(user.id, user.totp_enabled_at ? user.totp_secret : null, input);
  // The session is verified only together with its audit entry (one transaction).
  await db()
    .transaction()
    .execute(async (trx) => {
      if (result.ok) await markSessionTwoFactorVerified(session.id, trx);
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: user.id, label: user.email },
        action: result.ok ? "auth.2fa.succeeded" : "auth.2fa.failed",
        target: { type: "user", id: user.id },
        data: result.ok ? {} : { reason: result.reason },
        ip,
      });
    });
  return result;
}

/** Starts (or restarts) setup: a new pending secret. Refused while TOTP is already enabled. */
export async function beginTotpSetup(userId: string): Promise<string> {
  const secret = generateTotpSecret();
  const updated = await db()
    .updateTable("users")
    .set({ totp_secret: secret, updated_at: new Date() })
    .where("id", "=", userId)
    .where("totp_enabled_at", "is", null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new Error("two-factor authentication is already enabled");
  return secret;
}

export async function cancelTotpSetup(userId: string) {
  await db().updateTable("users").set({ totp_secret: null }).where("id", "=", userId).where("totp_enabled_at", "is", null).execute();
}

export async function totpStatus(userId: string, accountName: string) {
  const user = await loadTotp(userId);
  const pending = user.totp_enabled_at === null && user.totp_secret !== null;
  return {
    enabled: user.totp_enabled_at !== null,
    enabledAt: user.totp_enabled_at,
    pending: pending ? { secret: user.totp_secret!, uri: totpKeyUri(user.totp_secret!, accountName) } : null,
  };
}

/** Confirms setup with a first code; the current session counts as verified from now on. */
export async function enableTotp(userId: string, sessionId: string, input: string, ip: string): Promise<CodeResult> {
  const user = await loadTotp(userId);
  if (user.totp_enabled_at || !user.totp_secret) return { ok: false, reason: "invalid" };
  const result = await checkCode(user.id, user.totp_secret, input);
  if (!result.ok) return result;
  await db()
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable("users").set({ totp_enabled_at: new Date(), updated_at: new Date() }).where("id", "=", user.id).execute();
      await trx.updateTable("sessions").set({ two_factor_verified: true }).where("id", "=", sessionId).execute();
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: user.id, label: user.email },
        action: "auth.2fa.enabled",
        target: { type: "user", id: user.id },
        ip,
      });
    });
  return result;
}

export async function disableTotp(userId: string, input: string, ip: string): Promise<CodeResult> {
  const user = await loadTotp(userId);
  if (!user.totp_enabled_at) return { ok: false, reason: "invalid" };
  const result = await checkCode(user.id, user.totp_secret, input);
  if (!result.ok) return result;
  await db()
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable("users").set({ totp_secret: null, totp_enabled_at: null, updated_at: new Date() }).where("id", "=", user.id).execute();
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: user.id, label: user.email },
        action: "auth.2fa.disabled",
        target: { type: "user", id: user.id },
        ip,
      });
    });
  return result;
}
