import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBureauApiKey, createTenantApiKey } from "~/modules/auth/api-keys.server";
import { buildOpenApiDocument } from "~/modules/api/openapi";
import { withBureauScope } from "~/modules/tenancy/scope.server";
import { agentsRequired } from "~/modules/wfm/erlang";
import { action as staffingAction } from "~/routes/api.v1.wfm.staffing";
import { loader as rosterLoader } from "~/routes/api.v1.wfm.roster";
import { closeFactories, makeUser } from "../setup/factories";
import { args } from "./portal.helpers";
import { makeTenant, owner } from "./routing.helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** POST /api/v1/wfm/staffing with bureau and tenant keys, its 400s naming the field, and the roster's key rule. */
let tenantKey: string;
let bureauKey: string;
let noScope: string;

afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

beforeAll(async () => {
  const t = await makeTenant();
  const admin = await makeUser({ staffRoles: ["bureau_admin"] });
  const actor = { userId: admin.id, label: admin.email };
  tenantKey = (await createTenantApiKey(t.id, { name: "wfm", scopes: ["wfm:read"] }, actor)).token;
  noScope = (await createTenantApiKey(t.id, { name: "other", scopes: ["queues:read"] }, actor)).token;
  bureauKey = (await withBureauScope((trx) => createBureauApiKey(trx, { name: "wfm", scopes: ["wfm:read"] }, actor))).token;
});

const post = (body: unknown, token: string) =>
  new Request("http://localhost/api/v1/wfm/staffing", { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
async function call(body: unknown, token = tenantKey) {
  const res = await staffingAction(args(post(body, token)));
  return { status: res.status, body: (await res.json()) as Json };
}
const VALID = { contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20 };

describe("POST /api/v1/wfm/staffing", () => {
  it("answers agents, heads, service level, ASA, occupancy and probability of waiting (tenant and bureau keys)", async () => {
    const expected = agentsRequired({ ...VALID, shrinkage: 0.3, maxOccupancy: 0.85 });
    for (const token of [tenantKey, bureauKey]) {
      const r = await call({ ...VALID, shrinkage: 0.3, maxOccupancy: 0.85 }, token);
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({
        model: "erlangC",
        erlangs: 10,
        agentsRequired: expected.agents,
        scheduledHeads: expected.scheduledHeads,
        serviceLevel: expected.serviceLevel,
        asaSeconds: expected.asaSeconds,
        occupancy: expected.occupancy,
        probabilityWaiting: expected.probabilityWaiting,
        limitedBy: expected.limitedBy,
      });
      expect(r.body.data.serviceLevel).toBeGreaterThanOrEqual(0.8);
    }
  });

  it("adds the abandonment rate with a patience (Erlang A)", async () => {
    const r = await call({ ...VALID, patienceSeconds: 120 });
    expect(r.status).toBe(200);
    expect(r.body.data.model).toBe("erlangA");
    expect(r.body.data.abandonRate).toBeGreaterThan(0);
    expect(r.body.data.abandonRate).toBeLessThan(0.2);
  });

  it("answers 400 naming the field for zero AHT, negative volume, a target outside 0-1, an unknown field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...VALID, ahtSeconds: 0 }, "ahtSeconds"],
      [{ ...VALID, contacts: -3 }, "contacts"],
      [{ ...VALID, targetServiceLevel: 1.2 }, "targetServiceLevel"],
      [{ ...VALID, targetServiceLevel: -0.1 }, "targetServiceLevel"],
      [{ ...VALID, shrinkage: 1 }, "shrinkage"],
      [{ ...VALID, thresholdSeconds: "20" }, "thresholdSeconds"],
      [{ ...VALID, extra: 1 }, "extra"],
    ];
    for (const [body, field] of cases) {
      const r = await call(body);
      expect({ field, status: r.status }).toEqual({ field, status: 400 });
      expect(r.body.error.code).toBe("validation_failed");
      expect(r.body.error.details[0].field).toBe(field);
      expect(r.body.error.message).toContain(field);
      expect(r.body.error.details[0].message.length).toBeGreaterThan(5);
    }
    const missing = await call({ contacts: 10 });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].field).toBe("intervalSeconds");
    expect((await call("[1,2]")).body.error.details[0].field).toBe("body");
    expect((await call("{nope")).status).toBe(400);
  });

  it("needs the wfm:read scope and a POST", async () => {
    expect((await call(VALID, noScope)).status).toBe(403);
    const get = await staffingAction(args(new Request("http://localhost/api/v1/wfm/staffing", { method: "PUT", headers: { authorization: `Bearer ${tenantKey}` } })));
    expect(get.status).toBe(405);
  });

  it("keeps rosters (agents' names) to bureau keys", async () => {
    const req = (token: string) => new Request("http://localhost/api/v1/wfm/roster?week=2039-01-01", { headers: { authorization: `Bearer ${token}` } });
    expect((await rosterLoader(args(req(tenantKey)))).status).toBe(403);
    expect((await rosterLoader(args(req(bureauKey)))).status).toBe(404);
  });

  it("is in the OpenAPI document", () => {
    const doc = buildOpenApiDocument();
    const op = (doc.paths as Json)["/api/v1/wfm/staffing"].post;
    expect(op.security).toEqual([{ bearerAuth: ["wfm:read"] }]);
    expect(op.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/StaffingInput" });
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "403"]));
    for (const path of ["/api/v1/wfm/forecast", "/api/v1/wfm/requirements", "/api/v1/wfm/roster", "/api/v1/wfm/agents/{agentId}/schedule.ics"]) expect((doc.paths as Json)[path].get).toBeDefined();
  });
});
