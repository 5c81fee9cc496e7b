import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBureauApiKey, createTenantApiKey } from "~/modules/auth/api-keys.server";
import { applyStep, startCall } from "~/modules/interactions/calls.server";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import { assignFlowToNumber, createFlow, getFlowVersion, publish, saveDraft } from "~/modules/ivr/flows.server";
import type { Flow } from "~/modules/ivr/model";
import type { BusinessCalendar } from "~/modules/ivr/calendar";
import { withBureauScope } from "~/modules/tenancy/scope.server";
import { loader as callLoader } from "~/routes/api.v1.calls.$callId";
import { loader as callsLoader } from "~/routes/api.v1.calls._index";
import { action as flowAction, loader as flowLoader } from "~/routes/api.v1.flows.$flowId._index";
import { action as publishAction, loader as publishLoader } from "~/routes/api.v1.flows.$flowId.publish";
import { action as validateAction } from "~/routes/api.v1.flows.$flowId.validate";
import { loader as flowsLoader } from "~/routes/api.v1.flows._index";
import { closeFactories, makeTenant, makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args } from "./portal.helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const owner = ownerDb();
afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

const ctx = { tenantLanguages: ["fa" as const, "en" as const], queueIds: [...OPERATOR_QUEUE_IDS] };
const alwaysOpen: BusinessCalendar = {
  timeZone: "Asia/Tehran",
  hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: "00:00", closes: "24:00" })),
  specialHours: [],
  holidays: [],
};
const broken: Flow = {
  start: "hi",
  nodes: [
    { id: "hi", type: "play", prompt: { text: { fa: "سلام", en: "Hello" } }, next: "nowhere" },
    { id: "q", type: "queue", queueId: "no-such-queue", announcePosition: false, announceWait: false },
  ],
};
const MISSING = "00000000-0000-4000-8000-000000000000";

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let keyA: string; // flows:read, flows:write, calls:read
let readKeyA: string; // flows:read only
let numbersKeyA: string; // numbers:read only
let keyB: string;
let bureauKey: string;
let flowA: string; // published operator flow + a draft with errors
let cleanFlowA: string; // draft without errors, never published
let flowB: string;
let callA: string;
let callB: string;

function api(path: string, token?: string, init: { method?: string; body?: unknown; rawBody?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const body = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  return new Request(`http://localhost${path}`, { method: init.method ?? "GET", headers, body });
}

async function call(fn: (a: ReturnType<typeof args>) => Promise<Response> | Response, request: Request, params: Record<string, string> = {}) {
  const res = await fn(args(request, params));
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

const getFlowReq = (id: string, token: string, q = "") => call(flowLoader, api(`/api/v1/flows/${id}${q}`, token), { flowId: id });
const validateReq = (id: string, token: string, body?: unknown, rawBody?: string) =>
  call(validateAction, api(`/api/v1/flows/${id}/validate`, token, { method: "POST", body, rawBody }), { flowId: id });
const publishReq = (id: string, token: string, q = "") => call(publishAction, api(`/api/v1/flows/${id}/publish${q}`, token, { method: "POST" }), { flowId: id });
const getCallReq = (id: string, token: string, q = "") => call(callLoader, api(`/api/v1/calls/${id}${q}`, token), { callId: id });

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Telecom" });
  b = await makeTenant({ name: "Beta Market" });
  // Definitions are validated against the tenant's queues: both have the operator example's.
  await owner
    .insertInto("queues")
    .values([a, b].flatMap((t) => OPERATOR_QUEUE_IDS.map((key) => ({ tenant_id: t.id, key, name: key }))))
    .execute();
  const admin = await makeUser({ staffRoles: ["bureau_admin"] });
  const actor = { userId: admin.id, label: admin.email };
  keyA = (await createTenantApiKey(a.id, { name: "ivr", scopes: ["flows:read", "flows:write", "calls:read"] }, actor)).token;
  readKeyA = (await createTenantApiKey(a.id, { name: "ro", scopes: ["flows:read"] }, actor)).token;
  numbersKeyA = (await createTenantApiKey(a.id, { name: "n", scopes: ["numbers:read"] }, actor)).token;
  keyB = (await createTenantApiKey(b.id, { name: "ivr", scopes: ["flows:read", "flows:write", "calls:read"] }, actor)).token;
  bureauKey = (await withBureauScope((trx) => createBureauApiKey(trx, { name: "bi", scopes: ["flows:read", "calls:read"] }, actor))).token;

  flowA = (await createFlow(a.id, "Main line", actor)).id;
  await saveDraft(a.id, flowA, operatorFlow, ctx, actor);
  await publish(a.id, flowA, actor);
  await saveDraft(a.id, flowA, broken, ctx, actor, "work in progress");
  cleanFlowA = (await createFlow(a.id, "After hours", actor)).id;
  await saveDraft(a.id, cleanFlowA, operatorFlow, ctx, actor);
  flowB = (await createFlow(b.id, "Beta line", actor)).id;
  await saveDraft(b.id, flowB, operatorFlow, ctx, actor);
  await publish(b.id, flowB, actor);

  const [numberA, numberB] = await owner
    .insertInto("tenant_phone_numbers")
    .values([
      { tenant_id: a.id, e164: `+98217${String(Date.now()).slice(-7)}`, label: "A" },
      { tenant_id: b.id, e164: `+98218${String(Date.now()).slice(-7)}`, label: "B" },
    ])
    .returning(["id", "e164"])
    .execute();
  await assignFlowToNumber(a.id, numberA!.id, flowA, actor);
  await assignFlowToNumber(b.id, numberB!.id, flowB, actor);
  const started = await startCall({ tenantId: a.id, provider: "simulator", from: "+989121234567", to: numberA!.e164, numberId: numberA!.id });
  callA = started.call.id;
  await applyStep(a.id, callA, { type: "start", caller: "+989121234567", language: "fa" }, { calendar: alwaysOpen }, "s1");
  await applyStep(a.id, callA, { type: "digits", digits: "2" }, { calendar: alwaysOpen }, "s2");
  callB = (await startCall({ tenantId: b.id, provider: "simulator", from: "+989129999999", to: numberB!.e164, numberId: numberB!.id })).call.id;
});

describe("GET /api/v1/flows", () => {
  it("lists the key's tenant's flows only, with their versions", async () => {
    const res = await call(flowsLoader, api("/api/v1/flows", keyA));
    expect(res.status).toBe(200);
    const flows = res.body.data as Json[];
    expect(flows.map((f) => f.id).sort()).toEqual([flowA, cleanFlowA].sort());
    expect(flows.find((f) => f.id === flowA)).toMatchObject({ name: "Main line", publishedVersion: 1, draftVersion: 2 });
    expect(JSON.stringify(res.body)).not.toContain(flowB);
  });

  it("needs flows:read", async () => {
    const res = await call(flowsLoader, api("/api/v1/flows", numbersKeyA));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("insufficient_scope");
    expect((await call(flowsLoader, api("/api/v1/flows"))).status).toBe(401);
  });

  it("lets a bureau key name the tenant, and refuses a tenant key naming another", async () => {
    const res = await call(flowsLoader, api(`/api/v1/flows?tenant=${b.slug}`, bureauKey));
    expect(res.status).toBe(200);
    expect((res.body.data as Json[]).map((f) => f.id)).toEqual([flowB]);
    expect((await call(flowsLoader, api("/api/v1/flows", bureauKey))).status).toBe(400);
    expect((await call(flowsLoader, api(`/api/v1/flows?tenant=${b.slug}`, keyA))).status).toBe(403);
  });
});

describe("GET /api/v1/flows/{id}", () => {
  it("gives the draft and published definitions with their validation", async () => {
    const res = await getFlowReq(flowA, readKeyA);
    expect(res.status).toBe(200);
    const flow = res.body.data;
    expect(flow).toMatchObject({ id: flowA, draftVersion: 2, publishedVersion: 1 });
    expect(flow.published).toMatchObject({ version: 1, status: "published", validation: { valid: true, errorCount: 0 } });
    expect(flow.published.definition.start).toBe("hours");
    expect(flow.draft).toMatchObject({ version: 2, status: "draft", note: "work in progress", validation: { valid: false } });
    const issues = flow.draft.validation.issues as Json[];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: "hi", code: "unknownTarget", severity: "error", params: { target: "nowhere" }, message: expect.stringContaining("nowhere") }),
        expect.objectContaining({ nodeId: "q", code: "unknownQueue", severity: "error" }),
      ]),
    );
  });

  it("answers 404 for another tenant's flow, an unknown id and a malformed id", async () => {
    for (const id of [flowB, MISSING, "not-a-uuid", "1;drop"]) {
      const res = await getFlowReq(id, keyA);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect(JSON.stringify((await getFlowReq(flowB, keyA)).body)).not.toContain("Beta line");
    expect((await getFlowReq(flowB, keyB)).status).toBe(200);
  });

  it("refuses writes with 405", async () => {
    const res = await call(flowAction, api(`/api/v1/flows/${flowA}`, keyA, { method: "DELETE" }), { flowId: flowA });
    expect(res.status).toBe(405);
  });
});

describe("POST /api/v1/flows/{id}/validate", () => {
  it("without a body reports the draft's issues with codes, severities and node ids", async () => {
    const res = await validateReq(flowA, readKeyA);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ version: 2, valid: false });
    expect(res.body.data.errorCount).toBeGreaterThanOrEqual(2);
    expect((res.body.data.issues as Json[]).every((i) => typeof i.code === "string" && ["error", "warning"].includes(i.severity) && "nodeId" in i)).toBe(true);
  });

  it("validates a definition in the body against the flow's queues, storing nothing", async () => {
    const ok = await validateReq(flowA, readKeyA, operatorFlow);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toMatchObject({ version: null, valid: true, errorCount: 0 });
    const bad = await validateReq(flowA, readKeyA, { ...operatorFlow, start: "missing" });
    expect(bad.status).toBe(200);
    expect(bad.body.data.valid).toBe(false);
    expect(bad.body.data.issues).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: null, code: "startMissing", severity: "error" })]));
    expect((await getFlowVersion(a.id, flowA, "draft"))!.definition.start).toBe("hi");
  });

  it("answers 422 naming the field for a body that is not a flow", async () => {
    const res = await validateReq(flowA, readKeyA, { start: "hi", nodes: [{ id: "hi", type: "play", next: "BAD ID" }] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    const fields = (res.body.error.details as Json[]).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(["nodes.0.prompt", "nodes.0.next"]));
    expect(res.body.error.message).toContain("nodes.0.next");
    expect(res.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: "hi", code: "schema", severity: "error" })]));
    const notObject = await validateReq(flowA, readKeyA, ["x"]);
    expect(notObject.status).toBe(422);
    expect(notObject.body.error.details).toEqual([{ field: "body", message: expect.any(String) }]);
    expect((await validateReq(flowA, readKeyA, undefined, "{nope")).status).toBe(400);
  });

  it("answers 404 for another tenant's or a malformed flow id", async () => {
    expect((await validateReq(flowB, readKeyA)).status).toBe(404);
    expect((await validateReq("abc", readKeyA)).status).toBe(404);
    expect((await validateReq(flowA, numbersKeyA)).status).toBe(403);
  });
});

describe("POST /api/v1/flows/{id}/publish", () => {
  it("needs flows:write", async () => {
    const res = await publishReq(cleanFlowA, readKeyA);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("flows:write");
    expect((await publishReq(cleanFlowA, bureauKey, `?tenant=${a.slug}`)).status).toBe(403);
  });

  it("answers 409 with the issues while the draft has errors, and keeps the published version", async () => {
    const res = await publishReq(flowA, keyA);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("conflict");
    expect(res.body.error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ nodeId: "hi", code: "unknownTarget", severity: "error" })]));
    expect((await getFlowVersion(a.id, flowA, "published"))!.version).toBe(1);
  });

  it("publishes a clean draft, audited under the key, and answers 409 when there is no draft left", async () => {
    const res = await publishReq(cleanFlowA, keyA);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ version: 1, status: "published", validation: { valid: true } });
    expect(res.body.data.publishedAt).toEqual(expect.any(String));
    const audit = await owner.selectFrom("tenant_audit_log").select(["actor_label", "actor_user_id"]).where("tenant_id", "=", a.id).where("action", "=", "ivr.flow.published").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(audit.actor_label).toMatch(/^api-key hkt_/);
    expect(audit.actor_user_id).toBeNull();
    const again = await publishReq(cleanFlowA, keyA);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/no draft/);
  });

  it("answers 404 for another tenant's flow and a malformed id, and 405 for GET", async () => {
    expect((await publishReq(flowB, keyA)).status).toBe(404);
    expect((await getFlowVersion(b.id, flowB, "published"))!.version).toBe(1);
    expect((await publishReq("../x", keyA)).status).toBe(404);
    const get = publishLoader();
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("GET /api/v1/calls", () => {
  it("lists the tenant's recent calls with state, numbers, language and IVR path", async () => {
    const res = await call(callsLoader, api("/api/v1/calls", keyA));
    expect(res.status).toBe(200);
    const calls = res.body.data as Json[];
    expect(calls.map((c) => c.id)).toEqual([callA]);
    expect(calls[0]).toMatchObject({ id: callA, from: "+989121234567", flowId: flowA, flowVersion: 1, language: "en", direction: "inbound", provider: "simulator" });
    expect(calls[0]!.ivrPath.slice(0, 3)).toEqual(["hours", "welcome", "lang"]);
    expect(typeof calls[0]!.state).toBe("string");
  });

  it("needs calls:read, and checks the limit", async () => {
    expect((await call(callsLoader, api("/api/v1/calls", readKeyA))).status).toBe(403);
    const bad = await call(callsLoader, api("/api/v1/calls?limit=0", keyA));
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ field: "limit", message: expect.any(String) }]);
    expect((await call(callsLoader, api("/api/v1/calls?limit=1", keyA))).body.data).toHaveLength(1);
  });

  it("lets a bureau key read a named tenant's calls", async () => {
    const res = await call(callsLoader, api(`/api/v1/calls?tenant=${b.slug}`, bureauKey));
    expect(res.status).toBe(200);
    expect((res.body.data as Json[]).map((c) => c.id)).toEqual([callB]);
  });
});

describe("GET /api/v1/calls/{id}", () => {
  it("gives the call with its events in order", async () => {
    const res = await getCallReq(callA, keyA);
    expect(res.status).toBe(200);
    const events = res.body.data.events as Json[];
    expect(events[0]).toMatchObject({ seq: 1, type: "call.started", at: expect.any(String) });
    expect(events.map((e) => e.type)).toContain("ivr.step");
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  });

  it("answers 404 for another tenant's call, an unknown id and a malformed id", async () => {
    for (const id of [callB, MISSING, "nope"]) expect((await getCallReq(id, keyA)).status, id).toBe(404);
    expect((await getCallReq(callB, keyB)).status).toBe(200);
    expect((await getCallReq(callA, numbersKeyA)).status).toBe(403);
  });
});
