import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flowValidationContext } from "~/modules/ivr/context.server";
import { createFlow, getFlowVersion, publish, saveDraft } from "~/modules/ivr/flows.server";
import type { FlowInput } from "~/modules/ivr/model";
import { getQueue } from "~/modules/queues/queues.server";
import { withTenant } from "~/modules/tenancy/scope.server";
import { loader as editFlowLoader, action as editFlowAction } from "~/routes/t.$slug.ivr.$flowId";
import { action as queueAction, loader as queueLoader } from "~/routes/t.$slug.queues.$queueId";
import { loader as listLoader } from "~/routes/t.$slug.queues._index";
import { closeFactories, makeTenant, makeUser, uniq } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, get, post, signIn, thrownStatus } from "./portal.helpers";

const owner = ownerDb();
afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let admin: string;
let adminId: string;
let adminB: string;
let viewer: string;
let wfm: string;
let agentA1: string;
let agentA2: string;
let agentB: string;

type ActionData = {
  intent: string;
  result?: { status?: string; error?: Record<string, string[] | null> | null };
  notice?: string;
  inUse?: { overflowFrom: string[]; flows: string[]; contacts: boolean };
};

/** An action's outcome: a redirect's status and location, or the data it returned. */
async function run(p: Promise<unknown>): Promise<{ status: number; location: string | null; data: ActionData }> {
  try {
    const value = await p;
    if (value instanceof Response) return { status: value.status, location: value.headers.get("location"), data: null as unknown as ActionData };
    return { status: 200, location: null, data: value as ActionData };
  } catch (err) {
    if (err instanceof Response) return { status: err.status, location: err.headers.get("location"), data: null as unknown as ActionData };
    throw err;
  }
}

const queuePath = (t: Tenant, id: string) => `/t/${t.slug}/queues/${id}`;
const act = (cookie: string, id: string, fields: Record<string, string | string[]>, t: Tenant = a) =>
  run(queueAction(args(post(queuePath(t, id), cookie, fields), { slug: t.slug, queueId: id })));
const load = (cookie: string, id: string, t: Tenant = a) => queueLoader(args(get(queuePath(t, id), cookie), { slug: t.slug, queueId: id }));
const list = (cookie: string, t: Tenant = a) => listLoader(args(get(`/t/${t.slug}/queues`, cookie), { slug: t.slug }));

/** A queue form as the page posts it. */
const settings = (over: Record<string, string | string[]> = {}) => ({
  intent: "save",
  key: `q-${uniq()}`,
  name: "پشتیبانی",
  channels: ["voice"],
  requiredSkills: "",
  minProficiency: "1",
  language: "fa",
  priority: "5",
  slTargetPct: "80",
  slThresholdSeconds: "20",
  shortAbandonSeconds: "5",
  maxWaitSeconds: "600",
  overflowAction: "callback",
  offerTimeoutSeconds: "15",
  wrapupSeconds: "60",
  afterHours: "callback",
  ...over,
});

async function createQueue(over: Record<string, string | string[]> = {}, t: Tenant = a): Promise<string> {
  const res = await act(t === a ? admin : adminB, "new", settings(over), t);
  expect(res.status, JSON.stringify(res.data)).toBe(302);
  const id = /\/queues\/([0-9a-f-]{36})\?notice=created$/.exec(res.location ?? "")?.[1];
  expect(id).toBeDefined();
  return id!;
}

async function makeAgent(tenants: Tenant[]) {
  const user = await makeUser({ staffRoles: ["agent"] });
  await owner.insertInto("agents").values({ user_id: user.id, employee_code: `HK-${uniq()}`, languages: ["fa"], skills: ["billing"] }).execute();
  for (const t of tenants) await owner.insertInto("agent_assignments").values({ tenant_id: t.id, agent_id: user.id, skills: ["general"] }).execute();
  return user.id;
}

const auditActions = async (tenantId: string, targetId?: string) =>
  (
    await owner
      .selectFrom("tenant_audit_log")
      .select(["action", "target_id", "data"])
      .where("tenant_id", "=", tenantId)
      .where("action", "like", "queue.%")
      .orderBy("id")
      .execute()
  ).filter((r) => targetId === undefined || r.target_id === targetId);

const queueFlow = (queueId: string): FlowInput => ({
  start: "q",
  nodes: [{ id: "q", type: "queue", queueId, announcePosition: false, announceWait: false }],
});

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Telecom" });
  b = await makeTenant({ name: "Beta Market" });
  const adminUser = await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] });
  adminId = adminUser.id;
  admin = await signIn(adminUser.id);
  adminB = await signIn((await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] })).id);
  viewer = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
  wfm = await signIn((await makeUser({ staffRoles: ["wfm_planner"] })).id);
  agentA1 = await makeAgent([a]);
  agentA2 = await makeAgent([a, b]);
  agentB = await makeAgent([b]);
});

describe("the queue editor", () => {
  it("creates a queue with Persian digits, lists it with its settings and audits it", async () => {
    const key = `support-${uniq()}`;
    const id = await createQueue({ key, name: "پشتیبانی فنی", slTargetPct: "۹۰", slThresholdSeconds: "۳۰", priority: "۷", requiredSkills: "Technical, billing" });
    const queue = await getQueue(a.id, id);
    expect(queue).toMatchObject({ key, slTargetPct: 90, slThresholdSeconds: 30, priority: 7, requiredSkills: ["technical", "billing"], language: "fa" });
    const listed = await list(admin);
    expect(listed.canManage).toBe(true);
    expect(listed.queues.find((q) => q.id === id)).toMatchObject({ key, name: "پشتیبانی فنی", slTargetPct: 90, agentCount: 0 });
    const page = await load(admin, id);
    expect(page.defaults).toMatchObject({ key, slTargetPct: 90, requiredSkills: "technical, billing" });
    expect(await auditActions(a.id, id)).toEqual([expect.objectContaining({ action: "queue.created", data: { key, name: "پشتیبانی فنی" } })]);
  });

  it("refuses wrong fields with an error on each, and writes nothing", async () => {
    const before = (await list(admin)).queues.length;
    const res = await act(admin, "new", settings({ key: "Not a key!", name: "", slTargetPct: "150", maxWaitSeconds: "۵", overflowAction: "queue", channels: [] }));
    expect(res.status).toBe(200);
    expect(res.data.result?.error).toMatchObject({
      key: ["routing:queues.errors.key"],
      name: ["routing:queues.errors.name"],
      slTargetPct: ["routing:queues.errors.slTargetPct"],
      maxWaitSeconds: ["routing:queues.errors.maxWaitSeconds"],
      overflowQueueId: ["routing:queues.errors.overflowQueueRequired"],
      channels: ["routing:queues.errors.channels"],
    });
    expect((await list(admin)).queues.length).toBe(before);
  });

  it("refuses a key the tenant already uses as a field error; another tenant may use it", async () => {
    const key = `sales-${uniq()}`;
    await createQueue({ key });
    const dup = await act(admin, "new", settings({ key: key.toUpperCase() }));
    expect(dup.data.result?.error).toEqual({ key: ["routing:queues.errors.keyTaken"] });
    const other = await createQueue({ key }, b);
    expect((await getQueue(b.id, other))?.key).toBe(key);
  });

  it("edits a queue, recording the changed settings in the audit log", async () => {
    const id = await createQueue({ name: "Billing" });
    const res = await act(admin, id, settings({ key: (await getQueue(a.id, id))!.key, name: "Billing and payments", wrapupSeconds: "۱۲۰", language: "" }));
    expect(res.data.notice).toBe("queues.notice.saved");
    expect(await getQueue(a.id, id)).toMatchObject({ name: "Billing and payments", wrapupSeconds: 120, language: null });
    const updated = (await auditActions(a.id, id)).find((r) => r.action === "queue.updated");
    expect(updated?.data).toMatchObject({ changes: { name: ["Billing", "Billing and payments"], wrapup_seconds: [60, 120], language: ["fa", null] } });
  });

  it("overflows only into another queue of the same tenant, without loops, or to an E.164 number", async () => {
    const first = await createQueue({ name: "First" });
    const second = await createQueue({ name: "Second", overflowAction: "queue", overflowQueueId: first });
    expect((await getQueue(a.id, second))?.overflowQueueId).toBe(first);
    const firstKey = (await getQueue(a.id, first))!.key;
    const edit = (over: Record<string, string>) => act(admin, first, settings({ key: firstKey, name: "First", ...over }));

    expect((await edit({ overflowAction: "queue", overflowQueueId: first })).data.result?.error).toEqual({
      overflowQueueId: ["routing:queues.errors.overflowQueueSelf"],
    });
    const foreign = await createQueue({}, b);
    expect((await edit({ overflowAction: "queue", overflowQueueId: foreign })).data.result?.error).toEqual({
      overflowQueueId: ["routing:queues.errors.overflowQueueUnknown"],
    });
    expect((await edit({ overflowAction: "queue", overflowQueueId: second })).data.result?.error).toEqual({
      overflowQueueId: ["routing:queues.errors.overflowLoop|queue=Second"],
    });
    expect((await edit({ overflowAction: "external" })).data.result?.error).toEqual({ overflowNumber: ["routing:queues.errors.overflowNumberRequired"] });
    expect((await edit({ overflowAction: "external", overflowNumber: "123" })).data.result?.error).toEqual({ overflowNumber: ["routing:queues.errors.overflowNumber"] });
    expect((await getQueue(a.id, first))?.overflowAction).toBe("callback");

    expect((await edit({ overflowAction: "external", overflowNumber: "۰۲۱ ۹۱۰۰ ۲۰۹۰", overflowQueueId: second })).data.notice).toBe("queues.notice.saved");
    expect(await getQueue(a.id, first)).toMatchObject({ overflowAction: "external", overflowNumber: "+982191002090", overflowQueueId: null });
  });

  it("assigns the tenant's agents to a queue, and refuses an agent the bureau has not assigned to it", async () => {
    const id = await createQueue();
    const page = await load(admin, id);
    expect(page.agents.map((x) => x.agentId).sort()).toEqual([agentA1, agentA2].sort());
    expect(page.agents.every((x) => !x.assigned && x.employeeCode.startsWith("HK-") && x.skills.includes("billing"))).toBe(true);

    expect((await act(admin, id, { intent: "agents", agentIds: [agentA1, agentA2] })).data.notice).toBe("queues.notice.agentsSaved");
    expect((await act(admin, id, { intent: "agents", agentIds: [agentA2] })).data.notice).toBe("queues.notice.agentsSaved");
    expect((await load(admin, id)).agents.filter((x) => x.assigned).map((x) => x.agentId)).toEqual([agentA2]);
    expect((await list(admin)).queues.find((q) => q.id === id)?.agentCount).toBe(1);

    const refused = await act(admin, id, { intent: "agents", agentIds: [agentA1, agentB] });
    expect(refused.data.result?.error).toEqual({ agentIds: ["routing:queues.errors.agentNotAssigned"] });
    expect((await load(admin, id)).agents.filter((x) => x.assigned).map((x) => x.agentId)).toEqual([agentA2]);

    const audit = (await auditActions(a.id, id)).filter((r) => r.action === "queue.agents_set").map((r) => r.data);
    expect(audit).toEqual([
      expect.objectContaining({ added: expect.arrayContaining([agentA1, agentA2]), removed: [] }),
      expect.objectContaining({ added: [], removed: [agentA1] }),
    ]);
  });

  it("deletes an unused queue, audited, and refuses one another queue overflows into", async () => {
    const target = await createQueue({ name: "Target" });
    const from = await createQueue({ name: "Overflowing", overflowAction: "queue", overflowQueueId: target });
    const refused = await act(admin, target, { intent: "delete" });
    expect(refused.data.inUse).toEqual({ overflowFrom: ["Overflowing"], flows: [], contacts: false });
    expect(await getQueue(a.id, target)).not.toBeNull();

    const gone = await act(admin, from, { intent: "delete" });
    expect(gone).toMatchObject({ status: 302, location: `/t/${a.slug}/queues?notice=deleted` });
    expect(await getQueue(a.id, from)).toBeNull();
    expect((await auditActions(a.id, from)).map((r) => r.action)).toContain("queue.deleted");
    expect((await act(admin, target, { intent: "delete" })).status).toBe(302);
  });

  it("refuses to delete or re-key a queue a published IVR flow names, and one contacts were routed through", async () => {
    const key = `vip-${uniq()}`;
    const id = await createQueue({ key });
    const actor = { userId: adminId, label: "admin" };
    const flow = await createFlow(a.id, `Flow ${uniq()}`, actor);
    const ctx = await withTenant(a.id, (trx) => flowValidationContext(trx, a.id));
    await saveDraft(a.id, flow.id, queueFlow(key), ctx, actor);
    await publish(a.id, flow.id, actor, ctx);

    expect((await act(admin, id, { intent: "delete" })).data.inUse).toEqual({ overflowFrom: [], flows: [flow.name], contacts: false });
    const rekey = await act(admin, id, settings({ key: `${key}-2` }));
    expect(rekey.data.result?.error).toEqual({ key: [`routing:queues.errors.keyInFlow|flows=${flow.name}`] });

    const used = await createQueue();
    const interaction = await owner
      .insertInto("interactions")
      .values({ tenant_id: a.id, direction: "inbound", provider: "simulator", state: "completed", queue_id: used })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner
      .insertInto("routing_contacts")
      .values({ tenant_id: a.id, interaction_id: interaction.id, queue_id: used, status: "completed", priority: 5, sl_threshold_seconds: 20 })
      .execute();
    expect((await act(admin, used, { intent: "delete" })).data.inUse).toEqual({ overflowFrom: [], flows: [], contacts: true });
    expect(await getQueue(a.id, used)).not.toBeNull();
  });

  it("lets a viewer read the queues but not change them, and bureau WFM planners manage them", async () => {
    const id = await createQueue();
    const listed = await list(viewer);
    expect(listed.canManage).toBe(false);
    expect(listed.queues.some((q) => q.id === id)).toBe(true);
    expect((await load(viewer, id)).canManage).toBe(false);
    expect(await thrownStatus(load(viewer, "new"))).toBe(403);
    expect((await act(viewer, id, { intent: "delete" })).status).toBe(403);
    expect((await act(viewer, "new", settings())).status).toBe(403);
    expect((await act(viewer, id, { intent: "agents", agentIds: [agentA1] })).status).toBe(403);
    expect(await getQueue(a.id, id)).not.toBeNull();

    expect((await act(wfm, "new", settings())).status).toBe(302);
  });

  it("answers 404 for another tenant's queue, an unknown id and a malformed one", async () => {
    const foreign = await createQueue({}, b);
    expect(await thrownStatus(load(admin, foreign))).toBe(404);
    expect((await act(admin, foreign, settings())).status).toBe(404);
    expect((await act(admin, foreign, { intent: "delete" })).status).toBe(404);
    expect((await act(admin, foreign, { intent: "agents", agentIds: [] })).status).toBe(404);
    expect(await getQueue(b.id, foreign)).not.toBeNull();
    expect(await thrownStatus(load(admin, "00000000-0000-4000-8000-000000000000"))).toBe(404);
    expect(await thrownStatus(load(admin, "general"))).toBe(404);
    // Another tenant's queue list is not even known to exist.
    expect(await thrownStatus(list(admin, b))).toBe(404);
  });

  it("refuses a change without the CSRF token", async () => {
    const res = await run(queueAction(args(post(queuePath(a, "new"), admin, settings(), { csrf: null }), { slug: a.slug, queueId: "new" })));
    expect(res.status).toBe(403);
  });
});

describe("IVR validation against the tenant's queues", () => {
  it("reports a queue key the tenant does not have, and accepts it once the queue exists", async () => {
    const key = `billing-${uniq()}`;
    const actor = { userId: adminId, label: "admin" };
    const flow = await createFlow(a.id, `Validated ${uniq()}`, actor);
    const path = `/t/${a.slug}/ivr/${flow.id}`;
    const save = async () =>
      (await editFlowAction(args(post(path, admin, { intent: "save", definition: JSON.stringify(queueFlow(key)) }), { slug: a.slug, flowId: flow.id }))) as {
        ok: boolean;
        issues: { code: string; nodeId: string | null; params?: Record<string, unknown> }[];
      };

    const before = await save();
    expect(before.ok).toBe(true);
    expect(before.issues).toContainEqual(expect.objectContaining({ code: "unknownQueue", nodeId: "q", params: { queueId: key } }));

    await createQueue({ key, name: "صورتحساب" });
    const page = await editFlowLoader(args(get(path, admin), { slug: a.slug, flowId: flow.id }));
    expect(page.queueIds).toContain(key);
    expect(page.queueNames[key]).toBe("صورتحساب");
    expect(page.queueIds).not.toContain("general");
    const after = await save();
    expect(after.issues.filter((i) => i.code === "unknownQueue")).toEqual([]);
    expect((await getFlowVersion(a.id, flow.id, "draft"))!.issues.filter((i) => i.severity === "error")).toEqual([]);
  });

  it("gives the tenant's queue keys and languages as the validation context", async () => {
    const ctx = await withTenant(b.id, (trx) => flowValidationContext(trx, b.id));
    const keys = (await owner.selectFrom("queues").select("key").where("tenant_id", "=", b.id).orderBy("key").execute()).map((r) => r.key);
    expect(ctx).toEqual({ tenantLanguages: ["fa", "en"], queueIds: keys });
  });
});
