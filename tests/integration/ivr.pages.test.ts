import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operatorFlowInput, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import { getFlowVersion, listFlows } from "~/modules/ivr/flows.server";
import {
  action as editAction,
  loader as editLoader,
} from "~/routes/t.$slug.ivr.$flowId";
import {
  action as listAction,
  loader as listLoader,
} from "~/routes/t.$slug.ivr._index";
import { closeFactories, makeTenant, makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, get, post, signIn } from "./portal.helpers";

const owner = ownerDb();
afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let adminA: string;
let viewerA: string;
let adminB: string;
let manager: string;
let teamLeader: string;

/** What a loader/action produced: status, redirect location and data, whether returned, wrapped in data() or thrown. */
async function outcome<T = Record<string, unknown>>(
  p: Promise<unknown>
): Promise<{ status: number; location: string | null; data: T }> {
  try {
    const value = await p;
    if (value instanceof Response)
      return {
        status: value.status,
        location: value.headers.get("location"),
        data: null as T,
      };
    const v = value as {
      type?: string;
      data?: unknown;
      init?: { status?: number } | null;
    };
    if (v && v.type === "DataWithResponseInit")
      return {
        status: v.init?.status ?? 200,
        location: null,
        data: v.data as T,
      };
    return { status: 200, location: null, data: value as T };
  } catch (err) {
    if (err instanceof Response)
      return {
        status: err.status,
        location: err.headers.get("location"),
        data: null as T,
      };
    throw err;
  }
}

type Outcome = {
  intent: string;
  ok: boolean;
  message: string | null;
  issues: { nodeId: string | null; code: string; severity: string }[];
  version: number | null;
};

const flowsPath = (t: Tenant) => `/t/${t.slug}/ivr`;
const flowPath = (t: Tenant, id: string) => `/t/${t.slug}/ivr/${id}`;

async function createViaPage(
  t: Tenant,
  cookie: string,
  name: string
): Promise<string> {
  const res = await outcome(
    listAction(
      args(post(flowsPath(t), cookie, { intent: "create", name }), {
        slug: t.slug,
      })
    )
  );
  expect(res.status).toBe(302);
  const id = res.location!.split("/").pop()!;
  expect(res.location).toBe(flowPath(t, id));
  return id;
}

function edit(
  t: Tenant,
  cookie: string,
  flowId: string,
  fields: Record<string, string>
) {
  return outcome<Outcome>(
    editAction(
      args(post(flowPath(t, flowId), cookie, fields), { slug: t.slug, flowId })
    )
  );
}

const broken = {
  start: "hi",
  nodes: [
    {
      id: "hi",
      type: "play",
      prompt: { text: { fa: "سلام", en: "Hello" } },
      next: "nowhere",
    },
    { id: "bye", type: "hangup" },
  ],
};

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Telecom" });
  b = await makeTenant({ name: "Beta Bank" });
  // Both tenants have the operator example's queues: flows are validated against the tenant's queues.
  await owner
    .insertInto("queues")
    .values(
      [a, b].flatMap((t) =>
        OPERATOR_QUEUE_IDS.map((key) => ({ tenant_id: t.id, key, name: key }))
      )
    )
    .execute();
  adminA = await signIn(
    (
      await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] })
    ).id
  );
  viewerA = await signIn(
    (
      await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })
    ).id
  );
  adminB = await signIn(
    (
      await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] })
    ).id
  );
  manager = await signIn((await makeUser({ staffRoles: ["manager"] })).id);
  teamLeader = await signIn(
    (
      await makeUser({ staffRoles: ["team_leader"] })
    ).id
  );
});

describe("the IVR flow list", () => {
  it("creates a flow, lists it and refuses a duplicate name as a field error", async () => {
    const id = await createViaPage(a, adminA, "Main line");
    const list = await listLoader(
      args(get(flowsPath(a), adminA), { slug: a.slug })
    );
    expect(list.canManage).toBe(true);
    expect(list.canClone).toBe(false);
    expect(list.flows.find((f) => f.id === id)).toMatchObject({
      name: "Main line",
      draftVersion: null,
      publishedVersion: null,
    });

    const dup = await outcome<{ result: { error?: Record<string, string[]> } }>(
      listAction(
        args(
          post(flowsPath(a), adminA, { intent: "create", name: " Main line " }),
          { slug: a.slug }
        )
      )
    );
    expect(dup.status).toBe(400);
    expect(dup.data.result.error?.name).toEqual(["ivr:flows.errors.nameTaken"]);
    const empty = await outcome<{
      result: { error?: Record<string, string[]> };
    }>(
      listAction(
        args(post(flowsPath(a), adminA, { intent: "create", name: "  " }), {
          slug: a.slug,
        })
      )
    );
    expect(empty.data.result.error?.name).toEqual(["validation:required"]);
  });

  it("lets a viewer read the list but not create, and hides other tenants", async () => {
    const list = await listLoader(
      args(get(flowsPath(a), viewerA), { slug: a.slug })
    );
    expect(list.canManage).toBe(false);
    expect(
      (
        await outcome(
          listAction(
            args(
              post(flowsPath(a), viewerA, { intent: "create", name: "Nope" }),
              { slug: a.slug }
            )
          )
        )
      ).status
    ).toBe(403);
    expect(
      (
        await outcome(
          listLoader(args(get(flowsPath(b), adminA), { slug: b.slug }))
        )
      ).status
    ).toBe(404);
  });

  it("assigns a flow to the tenant's number, and 404s another tenant's number", async () => {
    const id = await createViaPage(a, adminA, "Numbers flow");
    const num = await owner
      .insertInto("tenant_phone_numbers")
      .values({
        tenant_id: a.id,
        e164: `+9821${Date.now() % 100000000}`.slice(0, 13),
        label: "Main",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const other = await owner
      .insertInto("tenant_phone_numbers")
      .values({
        tenant_id: b.id,
        e164: `+9831${Date.now() % 100000000}`.slice(0, 13),
        label: "B",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const res = await outcome<{ notice: string }>(
      listAction(
        args(
          post(flowsPath(a), adminA, {
            intent: "assign",
            numberId: num.id,
            flowId: id,
          }),
          { slug: a.slug }
        )
      )
    );
    expect(res.status).toBe(200);
    expect(res.data.notice).toBe("flows.notice.assigned");
    const list = await listLoader(
      args(get(flowsPath(a), adminA), { slug: a.slug })
    );
    expect(list.numbers.find((n) => n.id === num.id)).toMatchObject({
      flowId: id,
      label: "Main",
    });
    expect(list.numbers.some((n) => n.id === other.id)).toBe(false);

    expect(
      (
        await outcome(
          listAction(
            args(
              post(flowsPath(a), adminA, {
                intent: "assign",
                numberId: other.id,
                flowId: id,
              }),
              { slug: a.slug }
            )
          )
        )
      ).status
    ).toBe(404);
    const unassigned = await outcome<{ notice: string }>(
      listAction(
        args(
          post(flowsPath(a), adminA, {
            intent: "assign",
            numberId: num.id,
            flowId: "",
          }),
          { slug: a.slug }
        )
      )
    );
    expect(unassigned.data.notice).toBe("flows.notice.unassigned");
    const row = await owner
      .selectFrom("tenant_phone_numbers")
      .select("ivr_flow_id")
      .where("id", "=", num.id)
      .executeTakeFirstOrThrow();
    expect(row.ivr_flow_id).toBeNull();
  });

  it("lets only bureau staff who manage tenants clone a flow from another tenant", async () => {
    const source = await createViaPage(b, adminB, "Beta main");
    expect(
      (
        await edit(b, adminB, source, {
          intent: "save",
          definition: JSON.stringify(operatorFlowInput),
        })
      ).data.ok
    ).toBe(true);

    const fields = {
      intent: "clone",
      sourceTenantId: b.id,
      sourceFlowId: source,
      name: "From Beta",
    };
    expect(
      (
        await outcome(
          listAction(args(post(flowsPath(a), adminA, fields), { slug: a.slug }))
        )
      ).status
    ).toBe(403);
    // A team leader may read the IVR but not manage it: no clone either.
    expect(
      (
        await outcome(
          listAction(
            args(post(flowsPath(a), teamLeader, fields), { slug: a.slug })
          )
        )
      ).status
    ).toBe(403);

    const list = await listLoader(
      args(get(flowsPath(a), manager), { slug: a.slug })
    );
    expect(list.canClone).toBe(true);
    expect(list.cloneFlows).toContainEqual({
      tenantId: b.id,
      id: source,
      name: "Beta main",
    });
    expect(list.cloneFlows.every((f) => f.tenantId !== a.id)).toBe(true);

    const wrongTenant = await outcome<{
      result: { error?: Record<string, string[]> };
    }>(
      listAction(
        args(post(flowsPath(a), manager, { ...fields, sourceTenantId: a.id }), {
          slug: a.slug,
        })
      )
    );
    expect(wrongTenant.data.result.error?.sourceFlowId).toEqual([
      "ivr:flows.errors.sourceNotFound",
    ]);

    const res = await outcome(
      listAction(args(post(flowsPath(a), manager, fields), { slug: a.slug }))
    );
    expect(res.status).toBe(302);
    const clonedId = res.location!.split("/").pop()!;
    const draft = await getFlowVersion(a.id, clonedId, "draft");
    expect(draft).toMatchObject({ version: 1, status: "draft", note: "clone" });
    // Validated against this tenant's own queues, which the copy names: it is ready to publish.
    expect(draft!.issues.filter((i) => i.severity === "error")).toEqual([]);
    expect(
      (await listFlows(a.id)).some(
        (f) => f.id === clonedId && f.name === "From Beta"
      )
    ).toBe(true);

    const again = await outcome<{
      result: { error?: Record<string, string[]> };
    }>(listAction(args(post(flowsPath(a), manager, fields), { slug: a.slug })));
    expect(again.data.result.error?.name).toEqual([
      "ivr:flows.errors.nameTaken",
    ]);
  });
});

describe("the IVR builder page", () => {
  it("saves the operator flow without errors, publishes it, refuses a broken draft and rolls back", async () => {
    const id = await createViaPage(a, adminA, "Operator");
    const fresh = await editLoader(
      args(get(flowPath(a, id), adminA), { slug: a.slug, flowId: id })
    );
    expect(fresh).toMatchObject({
      version: 0,
      draftVersion: null,
      publishedVersion: null,
      draftIssues: null,
      history: [],
    });
    expect(fresh.languages).toEqual(["fa", "en"]);
    expect([...fresh.queueIds].sort()).toEqual([...OPERATOR_QUEUE_IDS].sort());

    const saved = await edit(a, adminA, id, {
      intent: "save",
      definition: JSON.stringify(operatorFlowInput),
      note: "first cut",
    });
    expect(saved.status).toBe(200);
    expect(saved.data).toMatchObject({
      ok: true,
      version: 1,
      message: "ivr:flows.notice.saved",
    });
    expect(saved.data.issues.filter((i) => i.severity === "error")).toEqual([]);

    const published = await edit(a, adminA, id, { intent: "publish" });
    expect(published.data).toMatchObject({
      ok: true,
      version: 1,
      message: "ivr:flows.notice.published",
    });
    expect((await getFlowVersion(a.id, id, "published"))?.version).toBe(1);

    const bad = await edit(a, adminA, id, {
      intent: "save",
      definition: JSON.stringify(broken),
    });
    expect(bad.data).toMatchObject({ ok: true, version: 2 });
    expect(bad.data.issues).toContainEqual(
      expect.objectContaining({
        nodeId: "hi",
        code: "unknownTarget",
        severity: "error",
      })
    );
    const refused = await edit(a, adminA, id, { intent: "publish" });
    expect(refused.status).toBe(422);
    expect(refused.data).toMatchObject({
      ok: false,
      message: "ivr:flows.errors.hasErrors",
    });
    expect(refused.data.issues.some((i) => i.code === "unknownTarget")).toBe(
      true
    );
    expect((await getFlowVersion(a.id, id, "published"))?.version).toBe(1);

    // Publishing what the editor shows: a fixed definition is saved as the draft, then published.
    const fixed = {
      ...broken,
      nodes: [
        { ...broken.nodes[0], next: "bye" },
        {
          id: "bye",
          type: "hangup",
          message: { text: { fa: "خدانگهدار", en: "Goodbye" } },
        },
      ],
    };
    const v2 = await edit(a, adminA, id, {
      intent: "publish",
      definition: JSON.stringify(fixed),
    });
    expect(v2.data).toMatchObject({ ok: true, version: 2 });

    const page = await editLoader(
      args(get(flowPath(a, id), adminA), { slug: a.slug, flowId: id })
    );
    expect(page.history.map((h) => [h.version, h.status])).toEqual([
      [2, "published"],
      [1, "archived"],
    ]);
    expect(page.history[1]).toMatchObject({ note: "first cut", diff: null });
    expect(page.history[1]!.author).toMatch(/^User /);
    expect(page.history[0]!.diff?.added).toContain("hi");
    expect(page.history[0]!.diff?.removed).toContain("main");

    expect(
      (await edit(a, adminA, id, { intent: "rollback", version: "2" })).status
    ).toBe(409);
    expect(
      (await edit(a, adminA, id, { intent: "rollback", version: "99" })).status
    ).toBe(404);
    const rolled = await edit(a, adminA, id, {
      intent: "rollback",
      version: "1",
    });
    expect(rolled.data).toMatchObject({
      ok: true,
      version: 3,
      message: "ivr:flows.notice.rolledBack",
    });
    const after = await editLoader(
      args(get(flowPath(a, id), adminA), { slug: a.slug, flowId: id })
    );
    expect(after.publishedVersion).toBe(3);
    expect(after.history[0]).toMatchObject({
      version: 3,
      status: "published",
      note: "rollback:1",
    });

    // Nothing to publish: no draft and no change.
    expect((await edit(a, adminA, id, { intent: "publish" })).status).toBe(409);
  });

  it("refuses a definition that does not parse, with its issues", async () => {
    const id = await createViaPage(a, adminA, "Shapeless");
    const res = await edit(a, adminA, id, {
      intent: "save",
      definition: JSON.stringify({
        start: "x",
        nodes: [{ id: "x", type: "nope" }],
      }),
    });
    expect(res.status).toBe(422);
    expect(res.data.message).toBe("ivr:flows.errors.invalidDefinition");
    expect(res.data.issues[0]?.code).toBe("schema");
    expect(
      (await edit(a, adminA, id, { intent: "save", definition: "{not json" }))
        .status
    ).toBe(400);
    expect(await getFlowVersion(a.id, id, "draft")).toBeNull();
  });

  it("lets a viewer read the builder but answers 403 to changes", async () => {
    const id = await createViaPage(a, adminA, "Viewer check");
    const page = await editLoader(
      args(get(flowPath(a, id), viewerA), { slug: a.slug, flowId: id })
    );
    expect(page.canManage).toBe(false);
    expect(
      (
        await edit(a, viewerA, id, {
          intent: "save",
          definition: JSON.stringify(operatorFlowInput),
        })
      ).status
    ).toBe(403);
    expect(await getFlowVersion(a.id, id, "draft")).toBeNull();
  });

  it("answers 404 for another tenant's flow and for a malformed id", async () => {
    const bFlow = await createViaPage(b, adminB, "Beta only");
    expect(
      (
        await outcome(
          editLoader(
            args(get(flowPath(a, bFlow), adminA), {
              slug: a.slug,
              flowId: bFlow,
            })
          )
        )
      ).status
    ).toBe(404);
    expect(
      (
        await edit(a, adminA, bFlow, {
          intent: "save",
          definition: JSON.stringify(operatorFlowInput),
        })
      ).status
    ).toBe(404);
    expect(
      (
        await outcome(
          editLoader(
            args(get(flowPath(a, "not-a-uuid"), adminA), {
              slug: a.slug,
              flowId: "not-a-uuid",
            })
          )
        )
      ).status
    ).toBe(404);
    expect(await getFlowVersion(b.id, bFlow, "draft")).toBeNull();
    // Bureau staff reach the same page through the tenant's portal URL.
    const staffView = await editLoader(
      args(get(flowPath(b, bFlow), manager), { slug: b.slug, flowId: bFlow })
    );
    expect(staffView.canManage).toBe(true);
  });

  it("refuses a missing CSRF token", async () => {
    const id = await createViaPage(a, adminA, "Csrf check");
    const req = post(
      flowPath(a, id),
      adminA,
      { intent: "save", definition: JSON.stringify(operatorFlowInput) },
      { csrf: null }
    );
    expect(
      (await outcome(editAction(args(req, { slug: a.slug, flowId: id }))))
        .status
    ).toBe(403);
  });
});
