import type { ZodError } from "zod";
import type { ApiPrincipal } from "../auth/api-keys.server";
import { recordAudit } from "../auth/audit.server";
import { i18nServer } from "../i18n/i18n.server";
import { logger } from "../platform/logger.server";
import { findTenantBySlug, toTenant, type Tenant } from "../tenancy/tenants.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { authenticateApiRequest, requireScope } from "./auth.server";
import { ApiError, apiErrorResponse, type FieldError } from "./errors";
import { phoneNumberCreateSchema } from "./schemas";

/**
 * The REST API's handlers: authenticate, check the scope, resolve the tenant, run the read or
 * write in that tenant's RLS context. Routes only pick the handler for the method.
 */
export interface ApiTenant {
  id: string;
  slug: string;
  name: string;
  status: Tenant["status"];
  defaultLanguage: Tenant["defaultLocale"];
  timeZone: string;
  currency: string;
  createdAt: string;
}

export interface ApiPhoneNumber {
  id: string;
  e164: string;
  label: string;
  channels: string[];
  createdAt: string;
}

function apiTenant(t: Tenant): ApiTenant {
  return {
    id: t.id,
    slug: t.slug,
    name: t.name,
    status: t.status,
    defaultLanguage: t.defaultLocale,
    timeZone: t.timeZone,
    currency: t.currency,
    createdAt: t.createdAt.toISOString(),
  };
}

export const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "Cache-Control": "no-store" } });

/** Runs a handler and turns its ApiError (or an unexpected failure) into the JSON error body. */
export async function handleApi(fn: () => Promise<Response>): Promise<Response> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) return apiErrorResponse(err);
    if (err instanceof Response) throw err;
    logger.error({ err }, "api handler failed");
    return apiErrorResponse(new ApiError(500, "internal_error", "The server could not complete the request."));
  }
}

export function methodNotAllowed(allowed: string[]): Response {
  const res = apiErrorResponse(new ApiError(405, "method_not_allowed", `Use ${allowed.join(" or ")} on this path.`));
  res.headers.set("Allow", allowed.join(", "));
  return res;
}

/** The tenant key's own tenant, read in its own RLS context. */
async function ownTenant(principal: Extract<ApiPrincipal, { kind: "tenant" }>): Promise<Tenant> {
  const row = await withTenant(principal.tenantId, (trx) =>
    trx.selectFrom("tenants").selectAll().where("id", "=", principal.tenantId).executeTakeFirst(),
  );
  if (!row) throw new ApiError(401, "unauthorized", "The API key's tenant no longer exists.");
  const tenant = toTenant(row);
  if (tenant.status !== "active") throw new ApiError(403, "tenant_suspended", "This tenant is suspended; its API keys are not accepted.");
  return tenant;
}

/**
 * Which tenant a request acts on: a tenant key acts on its own tenant only (naming another in
 * ?tenant= is refused); a bureau key must name one.
 */
export async function targetTenant(principal: ApiPrincipal, url: URL): Promise<Tenant> {
  const requested = url.searchParams.get("tenant");
  if (principal.kind === "tenant") {
    const tenant = await ownTenant(principal);
    if (requested !== null && requested !== tenant.slug) {
      throw new ApiError(403, "forbidden", "A tenant API key can only reach its own tenant; remove the 'tenant' parameter.");
    }
    return tenant;
  }
  if (!requested) throw new ApiError(400, "bad_request", "A bureau API key must name the tenant: add '?tenant=<slug>'.");
  const tenant = await findTenantBySlug(requested);
  if (!tenant) throw new ApiError(404, "not_found", `No tenant with the slug '${requested}'.`);
  return tenant;
}

export async function getTenantMe(request: Request): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  if (principal.kind !== "tenant") {
    throw new ApiError(400, "bad_request", "This endpoint needs a tenant API key (hkt_…); a bureau key can use GET /api/v1/tenants.");
  }
  requireScope(principal, "tenant:read");
  return json({ data: apiTenant(await ownTenant(principal)) });
}

export async function listTenants(request: Request): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  if (principal.kind !== "bureau") {
    throw new ApiError(403, "forbidden", "Listing tenants needs a bureau API key (hkb_…); a tenant key can use GET /api/v1/tenants/me.");
  }
  requireScope(principal, "tenants:read");
  // A bureau key with tenants:read is the permission for this bureau-wide read.
  const rows = await withBureauScope((trx) => trx.selectFrom("tenants").selectAll().orderBy("name").execute());
  return json({ data: rows.map((r) => apiTenant(toTenant(r))) });
}

export async function listPhoneNumbers(request: Request): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, "numbers:read");
  const tenant = await targetTenant(principal, new URL(request.url));
  const rows = await withTenant(tenant.id, (trx) =>
    trx
      .selectFrom("tenant_phone_numbers")
      .select(["id", "e164", "label", "channels", "created_at"])
      .where("tenant_id", "=", tenant.id)
      .orderBy("created_at")
      .execute(),
  );
  const data: ApiPhoneNumber[] = rows.map((r) => ({ id: r.id, e164: r.e164, label: r.label, channels: r.channels, createdAt: r.created_at.toISOString() }));
  return json({ data });
}

export async function fieldErrors(error: ZodError): Promise<FieldError[]> {
  const t = await i18nServer.getFixedT("en", "validation");
  return error.issues.map((issue) => {
    const [key, ...params] = issue.message.split("|");
    const opts = Object.fromEntries(params.map((p) => p.split("=") as [string, string]));
    const message = key!.startsWith("validation:") ? t(key!.slice("validation:".length), opts) : issue.message;
    return { field: issue.path.join(".") || "body", message };
  });
}

export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
}

export async function createPhoneNumber(request: Request): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, "numbers:write");
  const tenant = await targetTenant(principal, new URL(request.url));
  const parsed = phoneNumberCreateSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    const details = await fieldErrors(parsed.error);
    throw new ApiError(422, "validation_failed", `Invalid field(s): ${[...new Set(details.map((d) => d.field))].join(", ")}.`, details);
  }
  const input = parsed.data;
  try {
    const row = await withTenant(tenant.id, async (trx) => {
      const row = await trx
        .insertInto("tenant_phone_numbers")
        .values({ tenant_id: tenant.id, e164: input.e164, label: input.label, channels: input.channels })
        .returning(["id", "e164", "label", "channels", "created_at"])
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        tenantId: tenant.id,
        actor: { userId: null, label: `api-key ${principal.prefix}` },
        action: "tenant.number.added",
        target: { type: "phone_number", id: row.id },
        data: { e164: row.e164, label: row.label, channels: row.channels, via: "api" },
      });
      return row;
    });
    const data: ApiPhoneNumber = { id: row.id, e164: row.e164, label: row.label, channels: row.channels, createdAt: row.created_at.toISOString() };
    return json({ data }, 201);
  } catch (err) {
    if ((err as { code?: string }).code === "23505") {
      throw new ApiError(409, "conflict", `The number ${input.e164} is already registered.`, [
        { field: "e164", message: "This number is already registered." },
      ]);
    }
    throw err;
  }
}
