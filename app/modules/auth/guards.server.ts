import { redirect } from "@remix-run/node";
import { annotateContext } from "../platform/context.server";
import { findTenantBySlug, type Tenant } from "../tenancy/tenants.server";
import { loadActor, type ActorTenant } from "./actor.server";
import { can, canSeeTenant, type Actor, type BureauPermission, type TenantPermission } from "./permissions";
import { readCookie, SESSION_COOKIE, validateSessionToken, type Session, type SessionUser } from "./session.server";

export interface Auth {
  user: SessionUser;
  session: Session;
  actor: Actor;
  tenants: ActorTenant[];
}

// Remix hands the same Request to every loader of one navigation; resolve the session once per request.
const memo = new WeakMap<Request, Promise<Auth | null>>();

async function resolveAuth(request: Request): Promise<Auth | null> {
  const token = readCookie(request, SESSION_COOKIE);
  if (!token) return null;
  const result = await validateSessionToken(token);
  if (!result) return null;
  const { actor, tenants } = await loadActor(result.user.id);
  annotateContext({ userId: result.user.id });
  return { ...result, actor, tenants };
}

/** The signed-in user, or null; includes sessions still waiting for their second factor. */
export function getAuth(request: Request): Promise<Auth | null> {
  let p = memo.get(request);
  if (!p) {
    p = resolveAuth(request);
    memo.set(request, p);
  }
  return p;
}

function loginRedirect(request: Request) {
  const url = new URL(request.url);
  const back = url.pathname + url.search;
  return redirect(`/login?redirectTo=${encodeURIComponent(back)}`);
}

/** A fully signed-in user (second factor done when enabled), else a redirect to login. */
export async function requireAuth(request: Request): Promise<Auth> {
  const auth = await getAuth(request);
  if (!auth) throw loginRedirect(request);
  if (auth.user.totpEnabled && !auth.session.twoFactorVerified) {
    const url = new URL(request.url);
    throw redirect(`/login/2fa?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return auth;
}

export function forbidden(): never {
  throw new Response(null, { status: 403, statusText: "Forbidden" });
}

export function notFound(): never {
  throw new Response(null, { status: 404, statusText: "Not Found" });
}

export async function requireBureauPermission(request: Request, permission: BureauPermission): Promise<Auth> {
  const auth = await requireAuth(request);
  if (!can(auth.actor, permission)) forbidden();
  return auth;
}

/**
 * The gate of every /t/<slug> page: a tenant the user may not know of answers 404 (its existence is
 * not revealed), a known tenant without the permission answers 403.
 */
export async function requireTenantPermission(
  request: Request,
  slug: string | undefined,
  permission: TenantPermission = "tenant.view",
): Promise<{ auth: Auth; tenant: Tenant }> {
  const auth = await requireAuth(request);
  const tenant = slug ? await findTenantBySlug(slug) : null;
  if (!tenant || !canSeeTenant(auth.actor, tenant.id)) notFound();
  annotateContext({ tenantId: tenant.id });
  if (!can(auth.actor, permission, tenant.id)) forbidden();
  return { auth, tenant };
}

export function clientIp(request: Request): string {
  return request.headers.get("x-hamkal-client-ip") ?? request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() ?? "unknown";
}
