import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBureauApiKey, createTenantApiKey, revokeTenantApiKey } from "~/modules/auth/api-keys.server";
import { hashApiKey } from "~/modules/auth/api-key-token";
import { withBureauScope } from "~/modules/tenancy/scope.server";
import { loader as openapiLoader } from "~/routes/api.v1.openapi[.]json";
import { action as numbersAction, loader as numbersLoader } from "~/routes/api.v1.phone-numbers";
import { loader as tenantsLoader } from "~/routes/api.v1.tenants._index";
import { loader as meLoader } from "~/routes/api.v1.tenants.me";
import { makeTenant, makeUser, uniq } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args } from "./portal.helpers";

// Response bodies are read loosely; each test asserts the shape it cares about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const owner = ownerDb();
afterAll(() => owner.destroy());

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let fullKeyA: string;
let readOnlyKeyA: string;
let revokedKeyA: string;
let bureauKey: string;
let bureauNoTenantsKey: string;

const phone = () => `+98912${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

function api(path: string, token?: string, init: { method?: string; body?: unknown; rawBody?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return new Request(`http://localhost${path}`, { method: init.method ?? "GET", headers, body });
}

async function call(fn: (a: ReturnType<typeof args>) => Promise<Response> | Response, request: Request) {
  const res = await fn(args(request));
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Insurance" });
  b = await makeTenant({ name: "Beta Bank" });
  const admin = await makeUser({ staffRoles: ["bureau_admin"] });
  const actor = { userId: admin.id, label: admin.email };
  fullKeyA = (await createTenantApiKey(a.id, { name: "full", scopes: ["tenant:read", "numbers:read", "numbers:write"] }, actor)).token;
  readOnlyKeyA = (await createTenantApiKey(a.id, { name: "ro", scopes: ["numbers:read"] }, actor)).token;
  const revoked = await createTenantApiKey(a.id, { name: "old", scopes: ["numbers:read"] }, actor);
  await revokeTenantApiKey(a.id, revoked.key.id, actor);
  revokedKeyA = revoked.token;
  bureauKey = (await withBureauScope((trx) => createBureauApiKey(trx, { name: "bi", scopes: ["tenants:read", "numbers:read", "numbers:write"] }, actor))).token;
  bureauNoTenantsKey = (await withBureauScope((trx) => createBureauApiKey(trx, { name: "n", scopes: ["numbers:read"] }, actor))).token;
  await owner
    .insertInto("tenant_phone_numbers")
    .values([
      { tenant_id: a.id, e164: "+982111110001", label: "A main" },
      { tenant_id: b.id, e164: "+982122220002", label: "B main" },
      { tenant_id: b.id, e164: "+982122220003", label: "B sales" },
    ])
    .execute();
});

describe("API authentication", () => {
  it("refuses a request without a key, with a JSON error and a challenge", async () => {
    const res = await call(numbersLoader, api("/api/v1/phone-numbers"));
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(res.body).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("refuses an unknown or malformed key", async () => {
    expect((await call(numbersLoader, api("/api/v1/phone-numbers", `hkt_${"a".repeat(32)}`))).status).toBe(401);
    expect((await call(numbersLoader, api("/api/v1/phone-numbers", "not-a-key"))).status).toBe(401);
  });

  it("refuses a revoked key with 401", async () => {
    const res = await call(numbersLoader, api("/api/v1/phone-numbers", revokedKeyA));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe("unauthorized");
  });

  it("answers 403 when the key lacks the scope", async () => {
    const res = await call(meLoader, api("/api/v1/tenants/me", readOnlyKeyA));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: "insufficient_scope", message: expect.stringContaining("tenant:read") });
    const write = await call(numbersAction, api("/api/v1/phone-numbers", readOnlyKeyA, { method: "POST", body: { e164: phone() } }));
    expect(write.status).toBe(403);
  });

  it("records when a key was last used", async () => {
    await call(numbersLoader, api("/api/v1/phone-numbers", readOnlyKeyA));
    const row = await owner.selectFrom("tenant_api_keys").select("last_used_at").where("secret_hash", "=", hashApiKey(readOnlyKeyA)).executeTakeFirstOrThrow();
    expect(row.last_used_at).not.toBeNull();
  });
});

describe("GET /api/v1/tenants/me and /api/v1/tenants", () => {
  it("gives a tenant key its own tenant", async () => {
    const res = await call(meLoader, api("/api/v1/tenants/me", fullKeyA));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: a.id, slug: a.slug, name: "Alpha Insurance", status: "active", defaultLanguage: "fa" });
  });

  it("tells a bureau key that /tenants/me is for tenant keys", async () => {
    const res = await call(meLoader, api("/api/v1/tenants/me", bureauKey));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/tenant API key/);
  });

  it("lists tenants for a bureau key with tenants:read only", async () => {
    const res = await call(tenantsLoader, api("/api/v1/tenants", bureauKey));
    expect(res.status).toBe(200);
    const slugs = (res.body.data as { slug: string }[]).map((t) => t.slug);
    expect(slugs).toEqual(expect.arrayContaining([a.slug, b.slug]));
    expect((await call(tenantsLoader, api("/api/v1/tenants", bureauNoTenantsKey))).status).toBe(403);
    expect((await call(tenantsLoader, api("/api/v1/tenants", fullKeyA))).status).toBe(403);
  });
});

describe("GET /api/v1/phone-numbers", () => {
  it("shows a tenant key only its own tenant's numbers", async () => {
    const res = await call(numbersLoader, api("/api/v1/phone-numbers", fullKeyA));
    expect(res.status).toBe(200);
    const numbers = (res.body.data as { e164: string }[]).map((n) => n.e164);
    expect(numbers).toContain("+982111110001");
    expect(numbers).not.toContain("+982122220002");
    expect(numbers).not.toContain("+982122220003");
  });

  it("refuses a tenant key that names another tenant, and accepts its own slug", async () => {
    const other = await call(numbersLoader, api(`/api/v1/phone-numbers?tenant=${b.slug}`, fullKeyA));
    expect(other.status).toBe(403);
    expect(JSON.stringify(other.body)).not.toContain("+982122220002");
    const own = await call(numbersLoader, api(`/api/v1/phone-numbers?tenant=${a.slug}`, fullKeyA));
    expect(own.status).toBe(200);
  });

  it("lets a bureau key pick the tenant, and requires it", async () => {
    const res = await call(numbersLoader, api(`/api/v1/phone-numbers?tenant=${b.slug}`, bureauKey));
    expect(res.status).toBe(200);
    expect((res.body.data as { e164: string }[]).map((n) => n.e164).sort()).toEqual(["+982122220002", "+982122220003"]);
    expect((await call(numbersLoader, api("/api/v1/phone-numbers", bureauKey))).status).toBe(400);
    expect((await call(numbersLoader, api(`/api/v1/phone-numbers?tenant=no-such-${uniq()}`, bureauKey))).status).toBe(404);
  });
});

describe("POST /api/v1/phone-numbers", () => {
  it("adds a number to the key's tenant, normalising Persian digits", async () => {
    const res = await call(
      numbersAction,
      api("/api/v1/phone-numbers", fullKeyA, { method: "POST", body: { e164: "۰۲۱ ۳۳۳۳ ۴۴۴۴", label: "Support", channels: ["voice", "sms"] } }),
    );
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ e164: "+982133334444", label: "Support", channels: ["voice", "sms"] });
    const row = await owner.selectFrom("tenant_phone_numbers").select("tenant_id").where("e164", "=", "+982133334444").executeTakeFirstOrThrow();
    expect(row.tenant_id).toBe(a.id);
    const audit = await owner.selectFrom("tenant_audit_log").selectAll().where("tenant_id", "=", a.id).where("action", "=", "tenant.number.added").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_label).toMatch(/^api-key hkt_/);
  });

  it("answers 422 naming the invalid field", async () => {
    const res = await call(numbersAction, api("/api/v1/phone-numbers", fullKeyA, { method: "POST", body: { e164: "12", channels: ["fax"] } }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    const fields = (res.body.error.details as { field: string; message: string }[]).map((d) => d.field);
    expect(fields).toContain("e164");
    expect(fields.some((f) => f.startsWith("channels"))).toBe(true);
    expect(res.body.error.message).toContain("e164");
    expect(res.body.error.details[0].message).toMatch(/international form/);
  });

  it("answers 422 for a missing field and 400 for malformed JSON", async () => {
    const missing = await call(numbersAction, api("/api/v1/phone-numbers", fullKeyA, { method: "POST", body: { label: "x" } }));
    expect(missing.status).toBe(422);
    expect(missing.body.error.details).toEqual([{ field: "e164", message: expect.any(String) }]);
    const bad = await call(numbersAction, api("/api/v1/phone-numbers", fullKeyA, { method: "POST", rawBody: "{nope" }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("invalid_json");
  });

  it("answers 409 for a number that is already registered, even to another tenant", async () => {
    const own = await call(numbersAction, api("/api/v1/phone-numbers", fullKeyA, { method: "POST", body: { e164: "+982111110001" } }));
    expect(own.status).toBe(409);
    expect(own.body.error.code).toBe("conflict");
    const other = await call(numbersAction, api("/api/v1/phone-numbers", fullKeyA, { method: "POST", body: { e164: "+982122220002" } }));
    expect(other.status).toBe(409);
  });

  it("lets a bureau key add to a named tenant only", async () => {
    const e164 = phone();
    const res = await call(numbersAction, api(`/api/v1/phone-numbers?tenant=${b.slug}`, bureauKey, { method: "POST", body: { e164 } }));
    expect(res.status).toBe(201);
    expect(res.body.data.channels).toEqual(["voice"]);
    const row = await owner.selectFrom("tenant_phone_numbers").select("tenant_id").where("e164", "=", e164).executeTakeFirstOrThrow();
    expect(row.tenant_id).toBe(b.id);
  });

  it("refuses other methods with 405", async () => {
    const res = await call(numbersAction, api("/api/v1/phone-numbers", fullKeyA, { method: "DELETE" }));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document describing every endpoint", async () => {
    const res = openapiLoader();
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const doc = JSON.parse(await res.text());
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/tenants/me",
        "/api/v1/tenants",
        "/api/v1/phone-numbers",
        "/api/v1/flows",
        "/api/v1/flows/{flowId}",
        "/api/v1/flows/{flowId}/validate",
        "/api/v1/flows/{flowId}/publish",
        "/api/v1/calls",
        "/api/v1/calls/{callId}",
        "/api/v1/openapi.json",
      ]),
    );
    expect(doc.paths["/api/v1/phone-numbers"].post.responses["422"]).toBeDefined();
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.schemas.Error).toBeDefined();
  });
});
