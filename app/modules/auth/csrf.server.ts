import { createHmac } from "node:crypto";
import { encodeBase64urlNoPadding } from "@oslojs/encoding";
import { cookieSecure, loadEnv } from "../platform/env.server";
import { readCookie } from "./session.server";

/**
 * CSRF: the session cookie is SameSite=Lax already; on top, every form carries a token that must
 * equal a per-browser cookie (double submit), and a cross-origin Origin header is refused. The token
 * is signed with SESSION_SECRET, so a cookie planted from a sibling subdomain cannot be made to pass.
 */
export const CSRF_COOKIE = "hk_csrf";
export const CSRF_FIELD = "csrf";

function sign(value: string) {
  return createHmac("sha256", loadEnv().SESSION_SECRET).update(`csrf:${value}`).digest("base64url");
}

/** "<random>.<hmac>" with a valid signature. */
function wellFormed(token: string | null): token is string {
  if (!token) return false;
  const m = /^([A-Za-z0-9_-]{32})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return !!m && timingSafeEqual(sign(m[1]!), m[2]!);
}

/** A fresh signed token (what a browser's first page view sets). */
export function issueCsrfToken(): string {
  const bytes = new Uint8Array(24);
  crypto.getRandomValues(bytes);
  const random = encodeBase64urlNoPadding(bytes);
  return `${random}.${sign(random)}`;
}

export function ensureCsrfToken(request: Request): { token: string; setCookie: string | null } {
  const existing = readCookie(request, CSRF_COOKIE);
  if (wellFormed(existing)) return { token: existing, setCookie: null };
  const token = issueCsrfToken();
  const cookie = [`${CSRF_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Lax", ...(cookieSecure() ? ["Secure"] : [])].join("; ");
  return { token, setCookie: cookie };
}

function timingSafeEqual(a: string, b: string) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export function csrfValid(request: Request, formData: FormData): boolean {
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") {
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
    try {
      if (new URL(origin).host !== host) return false;
    } catch {
      return false;
    }
  }
  const cookie = readCookie(request, CSRF_COOKIE);
  const field = formData.get(CSRF_FIELD);
  return wellFormed(cookie) && typeof field === "string" && timingSafeEqual(cookie, field);
}

/** Throws a 403 for a forged or stale form post. */
export function requireCsrf(request: Request, formData: FormData) {
  if (!csrfValid(request, formData)) {
    throw new Response("Invalid or missing CSRF token", { status: 403, statusText: "csrf" });
  }
}
