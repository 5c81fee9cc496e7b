import { issueCsrfToken } from "~/modules/auth/csrf.server";
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";
import { TOTP_PERIOD_SECONDS } from "../../app/modules/auth/totp";

/** Requests for calling the auth routes' loaders and actions directly (no HTTP server). */
// A signed token, as the root loader would have set in the browser.
export const CSRF = issueCsrfToken();

let ipCounter = 0;
/** A fresh client IP per test, so per-IP limits of one test never touch another. */
export const freshIp = () => `10.${process.pid % 250}.${Math.floor(++ipCounter / 250)}.${ipCounter % 250}`;

export function cookieHeader(extra: Record<string, string> = {}, csrf: string | null = CSRF) {
  const parts = Object.entries({ hk_lang: "en", ...extra }).map(([k, v]) => `${k}=${v}`);
  if (csrf) parts.push(`hk_csrf=${csrf}`);
  return parts.join("; ");
}

export function get(path: string, opts: { cookie?: string; ip?: string } = {}) {
  return new Request(`http://localhost${path}`, {
    headers: { host: "localhost", cookie: opts.cookie ?? cookieHeader(), "x-hamkal-client-ip": opts.ip ?? freshIp() },
  });
}

export function post(path: string, fields: Record<string, string>, opts: { cookie?: string; ip?: string; csrf?: string | null } = {}) {
  const body = new URLSearchParams();
  const csrf = opts.csrf === undefined ? CSRF : opts.csrf;
  if (csrf !== null) body.append("csrf", csrf);
  for (const [k, v] of Object.entries(fields)) body.append(k, v);
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: {
      host: "localhost",
      cookie: opts.cookie ?? cookieHeader(),
      "content-type": "application/x-www-form-urlencoded",
      "x-hamkal-client-ip": opts.ip ?? freshIp(),
    },
    body,
  });
}

export const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

/** Runs a loader/action and returns what it returned or threw, normalized. */
export async function run(p: Promise<unknown>): Promise<{ status: number; headers: Headers; data: unknown; thrown: boolean }> {
  try {
    const value = await p;
    if (value instanceof Response) return { status: value.status, headers: value.headers, data: null, thrown: false };
    if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
      const d = value as { data: unknown; init: ResponseInit | null };
      return { status: d.init?.status ?? 200, headers: new Headers(d.init?.headers), data: d.data, thrown: false };
    }
    return { status: 200, headers: new Headers(), data: value, thrown: false };
  } catch (err) {
    if (err instanceof Response) return { status: err.status, headers: err.headers, data: null, thrown: true };
    throw err;
  }
}

export function sessionTokenFrom(headers: Headers): string | null {
  const m = /hk_session=([^;]*)/.exec(headers.get("set-cookie") ?? "");
  return m ? m[1]! : null;
}

/** The TOTP code of the current step (offset 0) or a neighbouring one, as an authenticator would show. */
export function totpCode(secret: string, stepOffset = 0) {
  const counter = BigInt(Math.floor(Date.now() / 1000 / TOTP_PERIOD_SECONDS) + stepOffset);
  return generateHOTP(decodeBase32IgnorePadding(secret), counter, 6);
}
