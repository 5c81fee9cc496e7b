import { issueCsrfToken } from "~/modules/auth/csrf.server";
import { createSession, generateSessionToken } from "../../app/modules/auth/session.server";
import { loadActor } from "../../app/modules/auth/actor.server";
import type { BureauCtx } from "../../app/modules/bureau/context.server";
import type { StaffRole } from "../../app/modules/auth/permissions";
import { makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";

/** Bureau console test helpers: actors for module calls, signed-in requests for route calls. */
// A signed token, as the root loader would have set in the browser.
export const CSRF = issueCsrfToken();

let owner: ReturnType<typeof ownerDb> | undefined;
export const ownerConn = () => (owner ??= ownerDb());
export async function closeOwner() {
  await owner?.destroy();
  owner = undefined;
}

export async function staffCtx(roles: StaffRole[]): Promise<BureauCtx & { userId: string }> {
  const user = await makeUser({ staffRoles: roles });
  const { actor } = await loadActor(user.id);
  return { actor, label: user.name, ip: "127.0.0.1", userId: user.id };
}

export async function signIn(userId: string, lang: "fa" | "en" | "nl" = "en"): Promise<string> {
  const token = generateSessionToken();
  await createSession(token, userId, { twoFactorVerified: true });
  return `hk_session=${token}; hk_csrf=${CSRF}; hk_lang=${lang}`;
}

export function get(path: string, cookie: string) {
  return new Request(`http://localhost${path}`, { headers: { cookie, host: "localhost" } });
}

export function post(path: string, cookie: string, fields: Record<string, string | string[] | File>, opts: { csrf?: string | null; multipart?: boolean } = {}) {
  const csrf = opts.csrf === undefined ? CSRF : opts.csrf;
  if (opts.multipart) {
    const body = new FormData();
    if (csrf !== null) body.append("csrf", csrf);
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return new Request(`http://localhost${path}`, { method: "POST", headers: { cookie, host: "localhost" }, body });
  }
  const body = new URLSearchParams();
  if (csrf !== null) body.append("csrf", csrf);
  for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item as string);
  return new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { cookie, host: "localhost", "content-type": "application/x-www-form-urlencoded" },
    body,
  });
}

export const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });

/** What a loader/action returned or threw: a Response's status and location, or the returned data. */
export async function run(p: Promise<unknown>): Promise<{ status: number; location: string | null; data: unknown }> {
  try {
    const value = await p;
    if (value instanceof Response) return { status: value.status, location: value.headers.get("location"), data: null };
    return { status: 200, location: null, data: value };
  } catch (err) {
    if (err instanceof Response) return { status: err.status, location: err.headers.get("location"), data: null };
    throw err;
  }
}

/** The field errors of a conform reply (possibly wrapped as { intent, result }). */
export function fieldErrors(data: unknown): Record<string, string[]> {
  const d = data as { error?: Record<string, string[]>; result?: { error?: Record<string, string[]> } };
  return (d?.error ?? d?.result?.error ?? {}) as Record<string, string[]>;
}

export async function tenantAudit(tenantId: string) {
  return ownerConn().selectFrom("tenant_audit_log").selectAll().where("tenant_id", "=", tenantId).orderBy("id").execute();
}

export async function bureauAudit(targetId: string) {
  return ownerConn().selectFrom("bureau_audit_log").selectAll().where("target_id", "=", targetId).orderBy("id").execute();
}
