import { issueCsrfToken } from "~/modules/auth/csrf.server";
import { createSession, generateSessionToken } from "../../app/modules/auth/session.server";

/** Signed-in requests for calling route loaders and actions directly (no HTTP server). */
// A signed token, as the root loader would have set in the browser.
export const CSRF = issueCsrfToken();

export async function signIn(userId: string): Promise<string> {
  const token = generateSessionToken();
  await createSession(token, userId, { twoFactorVerified: true });
  return `hk_session=${token}; hk_csrf=${CSRF}; hk_lang=en`;
}

export function get(path: string, cookie?: string) {
  return new Request(`http://localhost${path}`, { headers: cookie ? { cookie } : {} });
}

export function post(path: string, cookie: string, fields: Record<string, string | string[]>, opts: { csrf?: string | null } = {}) {
  const body = new URLSearchParams();
  const csrf = opts.csrf === undefined ? CSRF : opts.csrf;
  if (csrf !== null) body.append("csrf", csrf);
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

export function args(request: Request, params: Record<string, string> = {}) {
  return { request, params, context: {} };
}

/** The status of a loader/action result that throws Responses (404, 403, redirects). */
export async function thrownStatus(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof Response) return err.status;
    throw err;
  }
}
