import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBureauApiKey, createTenantApiKey } from "~/modules/auth/api-keys.server";
import { withBureauScope } from "~/modules/tenancy/scope.server";
import { loader as agentStatesLoader } from "~/routes/api.v1.agent-states";
import { action as dispositionAction, loader as dispositionLoader } from "~/routes/api.v1.interactions.$interactionId.disposition";
import { action as interactionAction, loader as interactionLoader } from "~/routes/api.v1.interactions.$interactionId._index";
import { action as notesAction, loader as notesLoader } from "~/routes/api.v1.interactions.$interactionId.notes";
import { loader as interactionsLoader } from "~/routes/api.v1.interactions._index";
import { action as queueAction, loader as queueLoader } from "~/routes/api.v1.queues.$queueId";
import { loader as queuesLoader } from "~/routes/api.v1.queues._index";
import { closeFactories, makeUser } from "../setup/factories";
import { args } from "./portal.helpers";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

// Response bodies are read loosely; each test asserts the shape it cares about.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

const MISSING = "00000000-0000-4000-8000-000000000000";

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
type QueueRow = Awaited<ReturnType<typeof makeQueue>>;
let a: Tenant;
let b: Tenant;
let qa1: QueueRow;
let qa2: QueueRow;
let qb: QueueRow;
let keyA: string; // queues:read, agents:read, interactions:read, interactions:write
let readKeyA: string; // interactions:read only
let numbersKeyA: string; // numbers:read only
let keyB: string;
let bureauKey: string;
let sharedAgent: { id: string; name: string }; // serves A and B, on a prayer break
let agentA: { id: string; name: string }; // serves A only
let agentB: { id: string; name: string }; // serves B only
let customerA: string;
type Label = "waiting" | "lateEvening" | "afterMidnight" | "tieQueued" | "tieDone" | "microOld" | "microTie" | "microNew";
const ia = {} as Record<Label, string>; // tenant A's interactions
let ib: string;
let outcomeResolved: string;
let outcomeOther: string;
let outcomeInactive: string;
let reasonGroup: string;
let outcomeB: string;

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

const listReq = (token: string, q = "") => call(interactionsLoader, api(`/api/v1/interactions${q}`, token));
const getReq = (id: string, token: string, q = "") => call(interactionLoader, api(`/api/v1/interactions/${id}${q}`, token), { interactionId: id });
const noteReq = (id: string, token: string, body?: unknown, rawBody?: string) =>
  call(notesAction, api(`/api/v1/interactions/${id}/notes`, token, { method: "POST", body, rawBody }), { interactionId: id });
const dispReq = (id: string, token: string, body?: unknown, q = "") =>
  call(dispositionAction, api(`/api/v1/interactions/${id}/disposition${q}`, token, { method: "PUT", body }), { interactionId: id });
const queueReq = (id: string, token: string, q = "") => call(queueLoader, api(`/api/v1/queues/${id}${q}`, token), { queueId: id });

async function interaction(tenantId: string, startedAt: string, over: Partial<{ state: string; queue_id: string; agent_id: string; customer_id: string }> = {}) {
  const row = await owner
    .insertInto("interactions")
    .values({
      tenant_id: tenantId,
      direction: "inbound",
      state: over.state ?? "completed",
      provider: "simulator",
      from_number: "+989121234567",
      started_at: sql<Date>`${startedAt}::timestamptz`,
      queue_id: over.queue_id ?? null,
      agent_id: over.agent_id ?? null,
      customer_id: over.customer_id ?? null,
      event_seq: 1,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("interaction_events")
    .values({ tenant_id: tenantId, interaction_id: row.id, seq: 1, type: "call.started", data: JSON.stringify({ provider: "simulator" }) })
    .execute();
  return row.id;
}

async function events(interactionId: string, type: string) {
  return owner.selectFrom("interaction_events").selectAll().where("interaction_id", "=", interactionId).where("type", "=", type).orderBy("seq").execute();
}

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Telecom" });
  b = await makeTenant({ name: "Beta Market" });
  qa1 = await makeQueue(a.id, { key: "sales", sl_threshold_seconds: 30 });
  qa2 = await makeQueue(a.id, { key: "support" });
  qb = await makeQueue(b.id, { key: "general" });
  await owner.updateTable("queues").set({ name: "Sales" }).where("id", "=", qa1.id).execute();
  await owner.updateTable("queues").set({ name: "Support" }).where("id", "=", qa2.id).execute();
  await owner.updateTable("queues").set({ name: "Beta general" }).where("id", "=", qb.id).execute();

  const shared = await makeAgent([qa1, qb], { state: "break" });
  await owner.updateTable("agent_states").set({ reason: "prayer", contact_tenant_id: null }).where("agent_id", "=", shared.id).execute();
  sharedAgent = { id: shared.id, name: shared.name };
  const onlyA = await makeAgent([qa1, qa2]);
  agentA = { id: onlyA.id, name: onlyA.name };
  const onlyB = await makeAgent([qb]);
  agentB = { id: onlyB.id, name: onlyB.name };

  const admin = await makeUser({ staffRoles: ["bureau_admin"] });
  const actor = { userId: admin.id, label: admin.email };
  const all = ["queues:read", "agents:read", "interactions:read", "interactions:write"] as const;
  keyA = (await createTenantApiKey(a.id, { name: "crm", scopes: [...all] }, actor)).token;
  readKeyA = (await createTenantApiKey(a.id, { name: "ro", scopes: ["interactions:read"] }, actor)).token;
  numbersKeyA = (await createTenantApiKey(a.id, { name: "n", scopes: ["numbers:read"] }, actor)).token;
  keyB = (await createTenantApiKey(b.id, { name: "crm", scopes: [...all] }, actor)).token;
  bureauKey = (await withBureauScope((trx) => createBureauApiKey(trx, { name: "floor", scopes: [...all] }, actor))).token;

  customerA = (await owner.insertInto("customers").values({ tenant_id: a.id, phone: "+989121234567", name: "Sara" }).returning("id").executeTakeFirstOrThrow()).id;

  // Times chosen around Tehran midnight (+03:30) and with ties, to pin the date filter and the cursor.
  ia.waiting = await interaction(a.id, "2026-03-19T08:00:00Z", { state: "queued", queue_id: qa1.id, customer_id: customerA });
  ia.lateEvening = await interaction(a.id, "2026-03-20T20:00:00Z", { queue_id: qa1.id, agent_id: sharedAgent.id, customer_id: customerA });
  ia.afterMidnight = await interaction(a.id, "2026-03-20T21:00:00Z", { state: "wrap_up", queue_id: qa1.id, agent_id: agentA.id });
  ia.tieQueued = await interaction(a.id, "2026-03-21T06:00:00Z", { state: "queued", queue_id: qa2.id });
  ia.tieDone = await interaction(a.id, "2026-03-21T06:00:00Z", { queue_id: qa2.id, agent_id: agentA.id });
  ia.microOld = await interaction(a.id, "2026-03-22T10:00:00.123456Z", { state: "abandoned", queue_id: qa1.id });
  ia.microTie = await interaction(a.id, "2026-03-22T10:00:00.123456Z", { queue_id: qa1.id });
  ia.microNew = await interaction(a.id, "2026-03-22T10:00:00.123457Z", { queue_id: qa1.id });
  ib = await interaction(b.id, "2026-03-21T07:00:00Z", { queue_id: qb.id, agent_id: agentB.id });

  // One contact waiting ten minutes in A's sales queue.
  await owner
    .insertInto("routing_contacts")
    .values({ tenant_id: a.id, interaction_id: ia.waiting, queue_id: qa1.id, priority: 5, sl_threshold_seconds: 30, enqueued_at: sql<Date>`now() - interval '10 minutes'` })
    .execute();

  const reason = await owner.insertInto("dispositions").values({ tenant_id: a.id, code: "billing", name: "Billing" }).returning("id").executeTakeFirstOrThrow();
  reasonGroup = reason.id;
  const outcomes = await owner
    .insertInto("dispositions")
    .values([
      { tenant_id: a.id, parent_id: reason.id, code: "refund", name: "Refund given", resolved: true },
      { tenant_id: a.id, parent_id: reason.id, code: "escalated", name: "Escalated" },
      { tenant_id: a.id, parent_id: reason.id, code: "old", name: "Retired", active: false },
    ])
    .returning(["id", "code"])
    .execute();
  outcomeResolved = outcomes.find((o) => o.code === "refund")!.id;
  outcomeOther = outcomes.find((o) => o.code === "escalated")!.id;
  outcomeInactive = outcomes.find((o) => o.code === "old")!.id;
  outcomeB = (await owner.insertInto("dispositions").values({ tenant_id: b.id, code: "refund", name: "Refund" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("GET /api/v1/queues", () => {
  it("lists the key's tenant's queues with their settings and live figures", async () => {
    const res = await call(queuesLoader, api("/api/v1/queues", keyA));
    expect(res.status).toBe(200);
    const queues = res.body.data as Json[];
    expect(queues.map((q) => q.name)).toEqual(["Sales", "Support"]);
    const sales = queues[0]!;
    expect(sales).toMatchObject({ id: qa1.id, key: "sales", slThresholdSeconds: 30, priority: 5, overflowAction: expect.any(String), channels: expect.any(Array) });
    expect(sales.live.waiting).toBe(1);
    expect(sales.live.longestWaitSeconds).toBeGreaterThanOrEqual(595);
    expect(sales.live.agents).toMatchObject({ break: 1, available: 1 });
    expect(sales.live.today).toMatchObject({ answered: 0, serviceLevel: null });
    expect(queues[1]!.live).toMatchObject({ waiting: 0, longestWaitSeconds: 0 });
    expect(JSON.stringify(res.body)).not.toContain(qb.id);
  });

  it("needs queues:read and a key; a bureau key names the tenant", async () => {
    const denied = await call(queuesLoader, api("/api/v1/queues", numbersKeyA));
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: "insufficient_scope", message: expect.stringContaining("queues:read") });
    expect((await call(queuesLoader, api("/api/v1/queues"))).status).toBe(401);
    expect((await call(queuesLoader, api("/api/v1/queues", bureauKey))).status).toBe(400);
    const named = await call(queuesLoader, api(`/api/v1/queues?tenant=${b.slug}`, bureauKey));
    expect((named.body.data as Json[]).map((q) => q.id)).toEqual([qb.id]);
    expect((await call(queuesLoader, api(`/api/v1/queues?tenant=${b.slug}`, keyA))).status).toBe(403);
  });
});

describe("GET /api/v1/queues/{id}", () => {
  it("gives one queue with its live figures", async () => {
    const res = await queueReq(qa1.id, keyA);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: qa1.id, name: "Sales", live: { waiting: 1 } });
  });

  it("answers 404 for another tenant's queue, an unknown id and a malformed id, and 405 for writes", async () => {
    for (const id of [qb.id, MISSING, "sales"]) {
      const res = await queueReq(id, keyA);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect(JSON.stringify((await queueReq(qb.id, keyA)).body)).not.toContain("Beta general");
    expect((await queueReq(qb.id, keyB)).status).toBe(200);
    const post = await call(queueAction, api(`/api/v1/queues/${qa1.id}`, keyA, { method: "POST" }), { queueId: qa1.id });
    expect(post.status).toBe(405);
  });
});

describe("GET /api/v1/agent-states", () => {
  it("shows a tenant key the agents of its queues by name and state, without break reasons or other companies", async () => {
    const res = await call(agentStatesLoader, api("/api/v1/agent-states", keyA));
    expect(res.status).toBe(200);
    const agents = res.body.data as Json[];
    expect(agents.map((x) => x.agentId).sort()).toEqual([sharedAgent.id, agentA.id].sort());
    const shared = agents.find((x) => x.agentId === sharedAgent.id)!;
    expect(shared).toEqual({ agentId: sharedAgent.id, name: sharedAgent.name, state: "break", sinceSeconds: expect.any(Number), queues: [expect.objectContaining({ tenantId: a.id, queueId: qa1.id })] });
    const text = JSON.stringify(res.body);
    for (const hidden of ["prayer", "reason", "contactTenant", b.id, b.name, qb.id, agentB.id]) expect(text, hidden).not.toContain(hidden);
  });

  it("shows a bureau key the whole floor with reasons, or one tenant's view when it names one", async () => {
    const floor = await call(agentStatesLoader, api("/api/v1/agent-states", bureauKey));
    expect(floor.status).toBe(200);
    const agents = floor.body.data as Json[];
    const shared = agents.find((x) => x.agentId === sharedAgent.id)!;
    expect(shared).toMatchObject({ state: "break", reason: "prayer" });
    expect((shared.queues as Json[]).map((q) => q.queueId).sort()).toEqual([qa1.id, qb.id].sort());
    expect(agents.map((x) => x.agentId)).toEqual(expect.arrayContaining([agentA.id, agentB.id]));
    const named = await call(agentStatesLoader, api(`/api/v1/agent-states?tenant=${b.slug}`, bureauKey));
    expect((named.body.data as Json[]).map((x) => x.agentId).sort()).toEqual([sharedAgent.id, agentB.id].sort());
    expect(JSON.stringify(named.body)).not.toContain("prayer");
  });

  it("needs agents:read", async () => {
    const res = await call(agentStatesLoader, api("/api/v1/agent-states", readKeyA));
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain("agents:read");
  });
});

describe("GET /api/v1/interactions", () => {
  const newestFirst = () => [ia.microNew, ...[ia.microOld, ia.microTie].sort().reverse(), ...[ia.tieQueued, ia.tieDone].sort().reverse(), ia.afterMidnight, ia.lateEvening, ia.waiting];

  it("lists the tenant's interactions newest first, to the microsecond, with queue, agent and customer", async () => {
    const res = await listReq(keyA);
    expect(res.status).toBe(200);
    expect((res.body.data as Json[]).map((i) => i.id)).toEqual(newestFirst());
    expect(res.body.nextCursor).toBeNull();
    const evening = (res.body.data as Json[]).find((i) => i.id === ia.lateEvening)!;
    expect(evening).toMatchObject({
      state: "completed",
      customerId: customerA,
      queue: { id: qa1.id, key: "sales", name: "Sales" },
      agent: { id: sharedAgent.id, name: sharedAgent.name },
      disposition: null,
      startedAt: "2026-03-20T20:00:00.000Z",
    });
    expect(JSON.stringify(res.body)).not.toContain(ib);
  });

  it("walks every interaction once with the cursor, ties included", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await listReq(keyA, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(res.status).toBe(200);
      expect((res.body.data as Json[]).length).toBeLessThanOrEqual(3);
      seen.push(...(res.body.data as Json[]).map((i) => i.id as string));
      cursor = res.body.nextCursor as string | null;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(newestFirst());
    expect(pages).toBe(3);
  });

  it("filters by state, queue and start, days counted in the tenant's zone", async () => {
    const ids = async (q: string) => ((await listReq(keyA, q)).body.data as Json[]).map((i) => i.id as string);
    expect((await ids("?state=queued")).sort()).toEqual([ia.waiting, ia.tieQueued].sort());
    expect((await ids(`?queueId=${qa2.id}`)).sort()).toEqual([ia.tieQueued, ia.tieDone].sort());
    expect(await ids(`?queueId=${qb.id}`)).toEqual([]);
    // 2026-03-21 in Tehran starts at 2026-03-20T20:30Z: the 20:00Z call is the day before.
    expect((await ids("?from=2026-03-21&to=2026-03-21")).sort()).toEqual([ia.afterMidnight, ia.tieQueued, ia.tieDone].sort());
    expect(await ids("?from=2026-03-20T20:00:00Z&to=2026-03-20T21:00:00Z")).toEqual([ia.lateEvening]);
    expect(await ids("?from=2026-03-22T13:30:00.123457%2B03:30&state=completed")).toEqual([ia.microNew]);
  });

  it("answers 422 naming each unusable parameter", async () => {
    const res = await listReq(keyA, "?state=ringing&queueId=sales&from=2026-02-30&to=yesterday&cursor=abc&limit=0");
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect((res.body.error.details as Json[]).map((d) => d.field).sort()).toEqual(["cursor", "from", "limit", "queueId", "state", "to"]);
    expect(res.body.error.message).toContain("queueId");
    expect((await listReq(keyA, "?limit=201")).status).toBe(422);
  });

  it("needs interactions:read; a bureau key names the tenant", async () => {
    expect((await listReq(numbersKeyA)).status).toBe(403);
    const named = await listReq(bureauKey, `?tenant=${b.slug}`);
    expect((named.body.data as Json[]).map((i) => i.id)).toEqual([ib]);
    expect((await listReq(bureauKey)).status).toBe(400);
  });
});

describe("GET /api/v1/interactions/{id}", () => {
  it("gives the interaction with its events, notes, disposition, queue, agent and customer", async () => {
    const res = await getReq(ia.lateEvening, readKeyA);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: ia.lateEvening, customerId: customerA, agent: { name: sharedAgent.name }, queue: { name: "Sales" }, notes: [] });
    expect(res.body.data.events).toEqual([{ seq: 1, type: "call.started", at: expect.any(String), data: { provider: "simulator" } }]);
  });

  it("answers 404 for another tenant's interaction, an unknown id and a malformed id", async () => {
    for (const id of [ib, MISSING, "1;drop"]) {
      const res = await getReq(id, keyA);
      expect(res.status, id).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    }
    expect((await getReq(ib, keyB)).status).toBe(200);
    expect((await getReq(ia.lateEvening, numbersKeyA)).status).toBe(403);
    const del = await call(interactionAction, api(`/api/v1/interactions/${ia.lateEvening}`, keyA, { method: "DELETE" }), { interactionId: ia.lateEvening });
    expect(del.status).toBe(405);
  });
});

describe("POST /api/v1/interactions/{id}/notes", () => {
  it("stores the note under the key's label and appends note.added", async () => {
    const res = await noteReq(ia.tieDone, keyA, { body: "  Customer asked for a callback after 18:00.  " });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ id: expect.any(String), body: "Customer asked for a callback after 18:00.", author: expect.stringMatching(/^api-key hkt_/) });
    const stored = await owner.selectFrom("interaction_notes").selectAll().where("id", "=", res.body.data.id).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ tenant_id: a.id, interaction_id: ia.tieDone, author_id: null, author_label: res.body.data.author });
    const added = await events(ia.tieDone, "note.added");
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ seq: 2, data: { noteId: res.body.data.id, author: res.body.data.author, via: "api" } });
    const detail = await getReq(ia.tieDone, keyA);
    expect(detail.body.data.notes).toEqual([res.body.data]);
    expect((detail.body.data.events as Json[]).map((e) => e.type)).toEqual(["call.started", "note.added"]);
  });

  it("answers 422 naming body for an empty or too long note, 400 for malformed JSON", async () => {
    for (const body of [{}, { body: "   " }, { body: "x".repeat(4001) }, { body: 5 }]) {
      const res = await noteReq(ia.tieDone, keyA, body);
      expect(res.status, JSON.stringify(body).slice(0, 30)).toBe(422);
      expect(res.body.error.details).toEqual([{ field: "body", message: expect.any(String) }]);
    }
    expect((await noteReq(ia.tieDone, keyA, undefined, "{nope")).status).toBe(400);
    expect(await events(ia.tieDone, "note.added")).toHaveLength(1);
  });

  it("answers 404 for another tenant's interaction, 403 without interactions:write, 405 for GET", async () => {
    expect((await noteReq(ib, keyA, { body: "hello" })).status).toBe(404);
    expect(await owner.selectFrom("interaction_notes").select("id").where("interaction_id", "=", ib).execute()).toEqual([]);
    const ro = await noteReq(ia.tieDone, readKeyA, { body: "hello" });
    expect(ro.status).toBe(403);
    expect(ro.body.error.message).toContain("interactions:write");
    const get = notesLoader();
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("PUT /api/v1/interactions/{id}/disposition", () => {
  it("sets an outcome on a completed interaction with an event and an audit entry, idempotently", async () => {
    const res = await dispReq(ia.lateEvening, keyA, { dispositionId: outcomeResolved });
    expect(res.status).toBe(200);
    expect(res.body.data.disposition).toEqual({ id: outcomeResolved, code: "refund", name: "Refund given", resolved: true });
    expect((res.body.data.events as Json[]).map((e) => e.type)).toEqual(["call.started", "disposition.set"]);
    const again = await dispReq(ia.lateEvening, keyA, { dispositionId: outcomeResolved.toUpperCase() });
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(res.body.data);
    const set = await events(ia.lateEvening, "disposition.set");
    expect(set).toHaveLength(1);
    expect(set[0]!.data).toMatchObject({ dispositionId: outcomeResolved, code: "refund", previousDispositionId: null, via: "api" });
    const audit = await owner
      .selectFrom("tenant_audit_log")
      .select(["actor_label", "actor_user_id", "target_id"])
      .where("tenant_id", "=", a.id)
      .where("action", "=", "interaction.disposition.set")
      .execute();
    expect(audit).toEqual([{ actor_label: expect.stringMatching(/^api-key hkt_/), actor_user_id: null, target_id: ia.lateEvening }]);
  });

  it("corrects a disposition with notes kept as a note, once per identical request", async () => {
    const body = { dispositionId: outcomeOther, notes: "Back office: escalated to billing." };
    const first = await dispReq(ia.lateEvening, keyA, body);
    expect(first.status).toBe(200);
    expect(first.body.data.disposition.code).toBe("escalated");
    expect(first.body.data.notes).toEqual([expect.objectContaining({ body: body.notes, author: expect.stringMatching(/^api-key hkt_/) })]);
    expect(first.body.data.wrapupNotes).toBe("");
    await dispReq(ia.lateEvening, keyA, body);
    const set = await events(ia.lateEvening, "disposition.set");
    expect(set).toHaveLength(2);
    expect(set[1]!.data).toMatchObject({ dispositionId: outcomeOther, previousDispositionId: outcomeResolved, notes: body.notes });
    expect(await owner.selectFrom("interaction_notes").select("id").where("interaction_id", "=", ia.lateEvening).execute()).toHaveLength(1);
  });

  it("accepts an interaction in wrap-up, and a bureau key naming the tenant", async () => {
    const res = await dispReq(ia.afterMidnight, bureauKey, { dispositionId: outcomeResolved }, `?tenant=${a.slug}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ state: "wrap_up", disposition: { id: outcomeResolved } });
  });

  it("answers 422 naming dispositionId for another tenant's, an unknown, a retired or a group disposition", async () => {
    for (const dispositionId of [outcomeB, MISSING, outcomeInactive, reasonGroup, "refund", undefined]) {
      const res = await dispReq(ia.tieDone, keyA, { dispositionId });
      expect(res.status, String(dispositionId)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details).toEqual([{ field: "dispositionId", message: expect.any(String) }]);
    }
    const tooLong = await dispReq(ia.tieDone, keyA, { dispositionId: outcomeResolved, notes: "x".repeat(4001) });
    expect(tooLong.body.error.details).toEqual([{ field: "notes", message: expect.any(String) }]);
    expect(await events(ia.tieDone, "disposition.set")).toEqual([]);
  });

  it("answers 409 while the interaction is live, 404 for another tenant's, 403 without interactions:write", async () => {
    const live = await dispReq(ia.tieQueued, keyA, { dispositionId: outcomeResolved });
    expect(live.status).toBe(409);
    expect(live.body.error.code).toBe("conflict");
    expect((await dispReq(ib, keyA, { dispositionId: outcomeB })).status).toBe(404);
    expect((await dispReq(ib, keyB, { dispositionId: outcomeB })).status).toBe(200);
    expect((await dispReq(ia.tieDone, readKeyA, { dispositionId: outcomeResolved })).status).toBe(403);
    expect(dispositionLoader().headers.get("allow")).toBe("PUT");
    const post = await call(dispositionAction, api(`/api/v1/interactions/${ia.tieDone}/disposition`, keyA, { method: "POST", body: {} }), { interactionId: ia.tieDone });
    expect(post.status).toBe(405);
  });
});
