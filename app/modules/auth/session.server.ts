import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { cookieSecure } from "../platform/env.server";
import { db, type Executor } from "../platform/db.server";

/**
 * Sessions after Lucia's design (lucia-auth.com/sessions): the cookie holds a random token, the
 * database only its SHA-256, so a leaked sessions table cannot be replayed. Expiry slides: a session
 * used in its second half is extended to the full lifetime again.
 */
export const SESSION_COOKIE = "hk_session";
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_LIFETIME_MS = 30 * DAY;

export interface Session {
  id: string;
  userId: string;
  expiresAt: Date;
  twoFactorVerified: boolean;
}

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  locale: "fa" | "en" | "nl" | null;
  totpEnabled: boolean;
}

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
  token: string,
  userId: string,
  meta: { ip?: string | null; userAgent?: string | null; twoFactorVerified?: boolean } = {},
  executor: Executor = db(),
): Promise<Session> {
  const session: Session = {
    id: hashToken(token),
    userId,
    expiresAt: new Date(Date.now() + SESSION_LIFETIME_MS),
    twoFactorVerified: meta.twoFactorVerified ?? false,
  };
  await executor
    .insertInto("sessions")
    .values({
      id: session.id,
      user_id: userId,
      expires_at: session.expiresAt,
      two_factor_verified: session.twoFactorVerified,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return session;
}

export async function validateSessionToken(token: string): Promise<{ session: Session; user: SessionUser } | null> {
  const sessionId = hashToken(token);
  const row = await db()
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "sessions.id",
      "sessions.user_id",
      "sessions.expires_at",
      "sessions.two_factor_verified",
      "users.email",
      "users.name",
      "users.locale",
      "users.status",
      "users.totp_enabled_at",
    ])
    .where("sessions.id", "=", sessionId)
    .executeTakeFirst();
  if (!row) return null;
  if (row.status !== "active" || Date.now() >= row.expires_at.getTime()) {
    await db().deleteFrom("sessions").where("id", "=", sessionId).execute();
    return null;
  }
  const session: Session = {
    id: row.id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    twoFactorVerified: row.two_factor_verified,
  };
  if (Date.now() >= session.expiresAt.getTime() - SESSION_LIFETIME_MS / 2) {
    session.expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
    await db().updateTable("sessions").set({ expires_at: session.expiresAt }).where("id", "=", sessionId).execute();
  }
  return {
    session,
    user: {
      id: row.user_id,
      email: row.email,
      name: row.name,
      locale: row.locale as SessionUser["locale"],
      totpEnabled: row.totp_enabled_at !== null,
    },
  };
}

export async function markSessionTwoFactorVerified(sessionId: string, executor: Executor = db()) {
  await executor.updateTable("sessions").set({ two_factor_verified: true }).where("id", "=", sessionId).execute();
}

export async function invalidateSession(sessionId: string) {
  await db().deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function invalidateUserSessions(userId: string, executor: Executor = db()) {
  await executor.deleteFrom("sessions").where("user_id", "=", userId).execute();
}

export function sessionCookie(token: string, expiresAt: Date): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
    ...(cookieSecure() ? ["Secure"] : []),
  ].join("; ");
}

export function blankSessionCookie(): string {
  return [`${SESSION_COOKIE}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(cookieSecure() ? ["Secure"] : [])].join("; ");
}

export function readCookie(request: Request, name: string): string | null {
  const header = request.headers.get("cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    // A malformed escape ("%E0%A4%A") is a cookie we did not set: treat it as absent, not a 500.
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}
