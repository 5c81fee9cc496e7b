import { db } from "../platform/db.server";
import { loadEnv } from "../platform/env.server";
import { recordAudit } from "./audit.server";
import { verifyPasswordEvenly } from "./password.server";
import { clearLimit, hitLimit, limitState } from "./rate-limit.server";
import { createSession, generateSessionToken, hashToken, type Session } from "./session.server";

/**
 * Password sign-in. An unknown e-mail and a wrong password answer the same (and take the same time:
 * unknown accounts are verified against a dummy hash). Limits: LOGIN_MAX_PER_IP attempts per IP and
 * LOGIN_MAX_PER_ACCOUNT failures per e-mail within LOGIN_WINDOW_SECONDS; the account limit counts
 * any e-mail, existing or not, so it reveals nothing either.
 */
export type LoginResult =
  | { ok: true; token: string; session: Session; userId: string; needsTwoFactor: boolean }
  | { ok: false; reason: "invalid" | "disabled" }
  | { ok: false; reason: "rateLimited"; retryAfterSeconds: number };

export interface LoginInput {
  email: string;
  password: string;
  ip: string;
  userAgent?: string | null;
  /** The browser's current session token, if any: replaced by a new one (session fixation). */
  previousToken?: string | null;
}

export function loginRules() {
  const env = loadEnv();
  return {
    account: { max: env.LOGIN_MAX_PER_ACCOUNT, windowSeconds: env.LOGIN_WINDOW_SECONDS },
    ip: { max: env.LOGIN_MAX_PER_IP, windowSeconds: env.LOGIN_WINDOW_SECONDS },
  };
}

export async function attemptLogin(input: LoginInput): Promise<LoginResult> {
  const rules = loginRules();
  const email = input.email.trim().toLowerCase();

  const ipCount = await hitLimit("login:ip", input.ip, rules.ip);
  // Counted before the password is checked (atomic INCR), so concurrent guesses cannot all slip in
  // under the limit; a successful sign-in clears the counter, so only failures accumulate.
  const accountCount = await hitLimit("login:account", email, rules.account);
  const accountLimited = accountCount > rules.account.max;
  if (ipCount > rules.ip.max || accountLimited) {
    const account = await limitState("login:account", email, rules.account);
    await recordAudit(db(), {
      tenantId: null,
      actor: { userId: null, label: email },
      action: "auth.login.rate_limited",
      data: { email, by: accountLimited ? "account" : "ip" },
      ip: input.ip,
    });
    const ttl = accountLimited ? account.retryAfterSeconds : rules.ip.windowSeconds;
    return { ok: false, reason: "rateLimited", retryAfterSeconds: ttl };
  }

  const user = await db()
    .selectFrom("users")
    .select(["id", "email", "password_hash", "status", "totp_enabled_at"])
    .where("email", "=", email)
    .executeTakeFirst();
  // An invited user without a password yet must take as long as anyone else (no account enumeration).
  const valid = await verifyPasswordEvenly(user?.password_hash, input.password);

  if (!user || !valid) {
    await recordAudit(db(), {
      tenantId: null,
      actor: { userId: user?.id ?? null, label: email },
      action: "auth.login.failed",
      target: user ? { type: "user", id: user.id } : undefined,
      data: { email },
      ip: input.ip,
    });
    return { ok: false, reason: "invalid" };
  }

  if (user.status !== "active") {
    // Only someone who knows the password learns that the account is disabled.
    await recordAudit(db(), {
      tenantId: null,
      actor: { userId: user.id, label: email },
      action: "auth.login.disabled",
      target: { type: "user", id: user.id },
      ip: input.ip,
    });
    return { ok: false, reason: "disabled" };
  }

  await clearLimit("login:account", email);
  const needsTwoFactor = user.totp_enabled_at !== null;
  const token = generateSessionToken();
  const session = await db()
    .transaction()
    .execute(async (trx) => {
      // Session fixation: the browser's previous session ends with the new one's creation.
      if (input.previousToken) await trx.deleteFrom("sessions").where("id", "=", hashToken(input.previousToken)).execute();
      const s = await createSession(token, user.id, { ip: input.ip, userAgent: input.userAgent, twoFactorVerified: !needsTwoFactor }, trx);
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: user.id, label: email },
        action: "auth.login.succeeded",
        target: { type: "user", id: user.id },
        data: { twoFactorPending: needsTwoFactor },
        ip: input.ip,
      });
      return s;
    });
  return { ok: true, token, session, userId: user.id, needsTwoFactor };
}

export async function logout(sessionId: string, user: { id: string; email: string }, ip: string) {
  await db()
    .transaction()
    .execute(async (trx) => {
      await trx.deleteFrom("sessions").where("id", "=", sessionId).execute();
      await recordAudit(trx, {
        tenantId: null,
        actor: { userId: user.id, label: user.email },
        action: "auth.logout",
        target: { type: "user", id: user.id },
        ip,
      });
    });
}
