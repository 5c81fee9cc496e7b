import { afterAll, describe, expect, it } from "vitest";
import { PermissionDenied } from "~/modules/auth/bureau.server";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import {
  assignFlowToNumber,
  cloneFlow,
  createFlow,
  FlowError,
  getFlow,
  getFlowVersion,
  history,
  listFlows,
  publish,
  rollback,
  saveDraft,
} from "~/modules/ivr/flows.server";
import type { Flow } from "~/modules/ivr/model";
import { closeFactories, makeTenant, makeUser, uniq } from "../setup/factories";
import { closeOwner, ownerConn, staffCtx } from "./bureau.helpers";

afterAll(async () => {
  await closeFactories();
  await closeOwner();
});

const ctx = { tenantLanguages: ["fa" as const, "en" as const], queueIds: [...OPERATOR_QUEUE_IDS] };
const noQueues = { tenantLanguages: ["fa" as const, "en" as const], queueIds: [] };
const small: Flow = {
  start: "hi",
  nodes: [
    { id: "hi", type: "play", prompt: { text: { fa: "سلام", en: "Hello" } }, next: "bye" },
    { id: "bye", type: "hangup", message: { text: { fa: "خدانگهدار", en: "Goodbye" } } },
  ],
};

async function setup() {
  const tenant = await makeTenant();
  const user = await makeUser({ memberOf: [{ tenantId: tenant.id, role: "client_admin" }] });
  const actor = { userId: user.id, label: user.name, ip: "127.0.0.1" };
  return { tenant, actor };
}

async function audit(tenantId: string) {
  const rows = await ownerConn().selectFrom("tenant_audit_log").select("action").where("tenant_id", "=", tenantId).orderBy("id").execute();
  return rows.map((r) => r.action);
}

async function expectFlowError(p: Promise<unknown>, key: string) {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FlowError);
  expect((err as FlowError).key).toBe(key);
  return err as FlowError;
}

describe("IVR flows", () => {
  it("creates a flow and refuses a second one with the same name", async () => {
    const { tenant, actor } = await setup();
    const flow = await createFlow(tenant.id, "  Main line ", actor);
    expect(flow).toMatchObject({ name: "Main line", draftVersion: null, publishedVersion: null });
    await expectFlowError(createFlow(tenant.id, "Main line", actor), "nameTaken");
    expect(await listFlows(tenant.id)).toHaveLength(1);
    expect(await audit(tenant.id)).toEqual(["ivr.flow.created"]);
  });

  it("saves a draft with its issues, refuses to publish errors, then publishes a clean draft", async () => {
    const { tenant, actor } = await setup();
    const flow = await createFlow(tenant.id, "Main", actor);
    const draft = await saveDraft(tenant.id, flow.id, operatorFlow, noQueues, actor, "first");
    expect(draft).toMatchObject({ version: 1, status: "draft", note: "first" });
    expect(draft.issues.filter((i) => i.code === "unknownQueue").map((i) => i.nodeId).sort()).toEqual(["agent-q", "complaints-q", "support-q"]);

    const refused = await expectFlowError(publish(tenant.id, flow.id, actor), "hasErrors");
    expect(refused.issues.some((i) => i.severity === "error")).toBe(true);
    expect(await getFlowVersion(tenant.id, flow.id, "published")).toBeNull();

    // Saving again replaces the draft in place; a shape error is refused and stores nothing.
    const fixed = await saveDraft(tenant.id, flow.id, operatorFlow, ctx, actor);
    expect(fixed.version).toBe(1);
    expect(fixed.issues.filter((i) => i.severity === "error")).toEqual([]);
    const bad = await expectFlowError(saveDraft(tenant.id, flow.id, { start: "x", nodes: [] }, ctx, actor), "invalidDefinition");
    expect(bad.issues[0]).toMatchObject({ code: "schema" });

    const published = await publish(tenant.id, flow.id, actor);
    expect(published).toMatchObject({ version: 1, status: "published", publishedBy: actor.userId });
    expect(published.publishedAt).toBeInstanceOf(Date);
    expect(await getFlow(tenant.id, flow.id)).toMatchObject({ draftVersion: null, publishedVersion: 1 });
    await expectFlowError(publish(tenant.id, flow.id, actor), "noDraft");
    expect(await audit(tenant.id)).toEqual(["ivr.flow.created", "ivr.flow.draft_saved", "ivr.flow.draft_saved", "ivr.flow.published"]);
  });

  it("re-validates at publish when given the tenant's current context", async () => {
    const { tenant, actor } = await setup();
    const flow = await createFlow(tenant.id, "Main", actor);
    await saveDraft(tenant.id, flow.id, operatorFlow, ctx, actor);
    await expectFlowError(publish(tenant.id, flow.id, actor, noQueues), "hasErrors");
    expect((await getFlowVersion(tenant.id, flow.id, "draft"))?.status).toBe("draft");
  });

  it("keeps one published version: the previous one is archived, and rollback publishes a copy", async () => {
    const { tenant, actor } = await setup();
    const flow = await createFlow(tenant.id, "Main", actor);
    await saveDraft(tenant.id, flow.id, operatorFlow, ctx, actor);
    await publish(tenant.id, flow.id, actor);
    const v2 = await saveDraft(tenant.id, flow.id, small, ctx, actor, "simpler");
    expect(v2.version).toBe(2);
    expect(await getFlow(tenant.id, flow.id)).toMatchObject({ draftVersion: 2, publishedVersion: 1 });
    await publish(tenant.id, flow.id, actor);

    const statuses = await ownerConn()
      .selectFrom("ivr_flow_versions")
      .select(["version", "status"])
      .where("tenant_id", "=", tenant.id)
      .where("flow_id", "=", flow.id)
      .orderBy("version")
      .execute();
    expect(statuses).toEqual([
      { version: 1, status: "archived" },
      { version: 2, status: "published" },
    ]);

    await expectFlowError(rollback(tenant.id, flow.id, 2, actor), "alreadyPublished");
    await expectFlowError(rollback(tenant.id, flow.id, 9, actor), "versionNotFound");
    const v3 = await rollback(tenant.id, flow.id, 1, actor);
    expect(v3).toMatchObject({ version: 3, status: "published", note: "rollback:1" });
    expect(v3.definition).toEqual(operatorFlow);
    expect((await getFlowVersion(tenant.id, flow.id, "published"))?.version).toBe(3);
    expect((await getFlowVersion(tenant.id, flow.id, 2))?.status).toBe("archived");
    expect((await audit(tenant.id)).at(-1)).toBe("ivr.flow.rolled_back");

    const h = (await history(tenant.id, flow.id))!;
    expect(h.map((e) => [e.version, e.status])).toEqual([
      [3, "published"],
      [2, "archived"],
      [1, "archived"],
    ]);
    expect(h[2]!.diff).toBeNull();
    expect(h[1]!.diff).toMatchObject({ added: ["hi"], startChanged: true });
    expect(h[1]!.diff!.removed).toContain("main");
    expect(h[1]!.diff!.changed).toEqual(["bye"]);
    expect(h[0]!.diff!.added).toContain("main");
    expect(h[0]!.diff!.removed).toEqual(["hi"]);
  });

  it("refuses a second published or draft version at the database level", async () => {
    const { tenant, actor } = await setup();
    const flow = await createFlow(tenant.id, "Main", actor);
    await saveDraft(tenant.id, flow.id, small, ctx, actor);
    await expect(
      ownerConn()
        .insertInto("ivr_flow_versions")
        .values({ tenant_id: tenant.id, flow_id: flow.id, version: 5, status: "draft", definition: JSON.stringify(small) })
        .execute(),
    ).rejects.toThrow(/ivr_flow_versions_one_draft/);
  });

  it("assigns a flow to a tenant number, and refuses another tenant's number", async () => {
    const { tenant, actor } = await setup();
    const other = await makeTenant();
    const flow = await createFlow(tenant.id, "Main", actor);
    const own = await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164: `+98219${Date.now() % 10000000}`.slice(0, 13) }).returning("id").executeTakeFirstOrThrow();
    const foreign = await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: other.id, e164: `+98218${Date.now() % 10000000}`.slice(0, 13) }).returning("id").executeTakeFirstOrThrow();
    await assignFlowToNumber(tenant.id, own.id, flow.id, actor);
    const row = await ownerConn().selectFrom("tenant_phone_numbers").select("ivr_flow_id").where("id", "=", own.id).executeTakeFirstOrThrow();
    expect(row.ivr_flow_id).toBe(flow.id);
    await expectFlowError(assignFlowToNumber(tenant.id, foreign.id, flow.id, actor), "numberNotFound");
    await expectFlowError(assignFlowToNumber(tenant.id, own.id, "00000000-0000-0000-0000-000000000000", actor), "notFound");
    await assignFlowToNumber(tenant.id, own.id, null, actor);
    expect((await audit(tenant.id)).filter((a) => a === "ivr.flow.number_assigned")).toHaveLength(2);
  });

  it("hides a tenant's flows from another tenant", async () => {
    const a = await setup();
    const b = await setup();
    const flow = await createFlow(b.tenant.id, "Secret", b.actor);
    await saveDraft(b.tenant.id, flow.id, small, ctx, b.actor);
    expect(await getFlow(a.tenant.id, flow.id)).toBeNull();
    expect(await getFlowVersion(a.tenant.id, flow.id, "draft")).toBeNull();
    expect(await history(a.tenant.id, flow.id)).toBeNull();
    expect(await listFlows(a.tenant.id)).toEqual([]);
    // Even naming the other tenant while in A's context shows nothing (RLS).
    expect(await getFlowVersion(b.tenant.id, flow.id, "draft")).not.toBeNull();
    await expectFlowError(saveDraft(a.tenant.id, flow.id, small, ctx, a.actor), "notFound");
    await expectFlowError(publish(a.tenant.id, flow.id, a.actor), "notFound");
  });

  it("clones a flow between tenants for bureau staff only, as a draft in the target", async () => {
    const src = await setup();
    const dst = await setup();
    const flow = await createFlow(src.tenant.id, "Operator", src.actor);
    await saveDraft(src.tenant.id, flow.id, operatorFlow, ctx, src.actor);
    await publish(src.tenant.id, flow.id, src.actor);

    const leader = await staffCtx(["team_leader"]);
    await expect(cloneFlow(leader, src.tenant.id, flow.id, dst.tenant.id, "Copy")).rejects.toBeInstanceOf(PermissionDenied);
    const clientAsCtx = { actor: { userId: src.actor.userId, staffRoles: [], memberships: { [src.tenant.id]: "client_admin" as const }, agentTenants: [] }, label: "c", ip: null };
    await expect(cloneFlow(clientAsCtx, src.tenant.id, flow.id, dst.tenant.id, "Copy")).rejects.toBeInstanceOf(PermissionDenied);

    const admin = await staffCtx(["bureau_admin"]);
    const name = `Copy ${uniq()}`;
    const copy = await cloneFlow(admin, src.tenant.id, flow.id, dst.tenant.id, name, ctx);
    expect(copy).toMatchObject({ version: 1, status: "draft", note: "clone" });
    expect(copy.definition).toEqual(operatorFlow);
    expect(copy.issues.filter((i) => i.severity === "error")).toEqual([]);
    const listed = await listFlows(dst.tenant.id);
    expect(listed).toEqual([expect.objectContaining({ id: copy.flowId, name, draftVersion: 1, publishedVersion: null })]);
    expect(await audit(dst.tenant.id)).toEqual(["ivr.flow.cloned"]);

    // Without the target's context, queue nodes are unknown there until re-saved with its queues.
    const blind = await cloneFlow(admin, src.tenant.id, flow.id, dst.tenant.id, `${name} 2`);
    expect(blind.issues.some((i) => i.code === "unknownQueue")).toBe(true);
    await expectFlowError(cloneFlow(admin, src.tenant.id, flow.id, dst.tenant.id, name), "nameTaken");
  });
});
