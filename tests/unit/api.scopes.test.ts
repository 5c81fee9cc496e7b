import { describe, expect, it } from "vitest";
import { phoneNumberCreateSchema } from "~/modules/api/schemas";
import { BUREAU_KEY_SCOPES, hasScope, parseScopes, scopesFor, TENANT_KEY_SCOPES } from "~/modules/api/scopes";
import { apiKeyCreateSchema, memberActionSchema } from "~/modules/portal/forms";

describe("API scopes", () => {
  it("gives tenant keys no bureau-wide scope", () => {
    expect(scopesFor("tenant")).toBe(TENANT_KEY_SCOPES);
    expect(TENANT_KEY_SCOPES).not.toContain("tenants:read");
    expect(scopesFor("bureau")).toBe(BUREAU_KEY_SCOPES);
    expect(BUREAU_KEY_SCOPES).toContain("tenants:read");
    expect(TENANT_KEY_SCOPES).toEqual(expect.arrayContaining(["flows:read", "flows:write", "calls:read"]));
    expect(TENANT_KEY_SCOPES).toEqual(expect.arrayContaining(["queues:read", "agents:read", "interactions:read", "interactions:write"]));
    for (const scope of TENANT_KEY_SCOPES) expect(BUREAU_KEY_SCOPES).toContain(scope);
  });

  it("grants exactly the scopes held", () => {
    expect(hasScope(["numbers:read"], "numbers:read")).toBe(true);
    expect(hasScope(["numbers:read"], "numbers:write")).toBe(false);
    expect(hasScope([], "tenant:read")).toBe(false);
    expect(hasScope(["interactions:read"], "interactions:write")).toBe(false);
  });

  it("drops unknown scopes read from storage", () => {
    expect(parseScopes(["numbers:read", "admin:*", "tenant:read"])).toEqual(["numbers:read", "tenant:read"]);
  });
});

describe("key and member form schemas", () => {
  it("refuses a bureau scope on a tenant key and requires one scope", () => {
    expect(apiKeyCreateSchema("tenant").safeParse({ intent: "create", name: "x", scopes: ["tenants:read"] }).success).toBe(false);
    expect(apiKeyCreateSchema("bureau").safeParse({ intent: "create", name: "x", scopes: ["tenants:read"] }).success).toBe(true);
    const none = apiKeyCreateSchema("tenant").safeParse({ intent: "create", name: "x", scopes: [] });
    expect(none.success).toBe(false);
    expect(none.error?.issues[0]?.message).toBe("validation:scopesRequired");
  });

  it("normalises the member e-mail and refuses unknown roles", () => {
    const ok = memberActionSchema.parse({ intent: "add", email: " Sara@Example.COM ", name: "Sara", role: "client_viewer" });
    expect(ok).toMatchObject({ email: "sara@example.com" });
    expect(memberActionSchema.safeParse({ intent: "add", email: "a@b.co", name: "S", role: "bureau_admin" }).success).toBe(false);
  });
});

describe("phone number body", () => {
  it("normalises the number and defaults the channels", () => {
    expect(phoneNumberCreateSchema.parse({ e164: "021 1234 5678" })).toEqual({ e164: "+982112345678", label: "", channels: ["voice"] });
    expect(phoneNumberCreateSchema.parse({ e164: "+98 21 1234 5678", channels: ["sms", "sms"] }).channels).toEqual(["sms"]);
  });

  it("names the field that is wrong", () => {
    const r = phoneNumberCreateSchema.safeParse({ e164: "abc", label: 5, channels: [] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path[0]).sort()).toEqual(["channels", "e164", "label"]);
  });
});
