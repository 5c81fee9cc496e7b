import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScriptDefinitionInput } from "~/modules/scripts/model";
import { createScript, publishedScriptForQueue, saveDraft, ScriptError } from "~/modules/scripts/scripts.server";
import { withBureauScope, withTenant } from "~/modules/tenancy/scope.server";
import { action as editAction, loader as editLoader } from "~/routes/t.$slug.scripts.$scriptId";
import { action as listAction, loader as listLoader } from "~/routes/t.$slug.scripts._index";
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
let adminAId: string;
let viewerA: string;
let supervisorA: string;
let adminB: string;
let teamLeader: string;
let qa: string;
const queuesA: Record<string, string> = {};
let queueB: string;

/** What a loader/action produced: status, redirect location and data, whether returned, wrapped in data() or thrown. */
async function outcome<T = Record<string, unknown>>(p: Promise<unknown>): Promise<{ status: number; location: string | null; data: T }> {
  try {
    const value = await p;
    if (value instanceof Response) return { status: value.status, location: value.headers.get("location"), data: null as T };
    const v = value as { type?: string; data?: unknown; init?: { status?: number } | null };
    if (v && v.type === "DataWithResponseInit") return { status: v.init?.status ?? 200, location: null, data: v.data as T };
    return { status: 200, location: null, data: value as T };
  } catch (err) {
    if (err instanceof Response) return { status: err.status, location: err.headers.get("location"), data: null as T };
    throw err;
  }
}

type Outcome = {
  intent: string;
  ok: boolean;
  message: string | null;
  issues: { section: string | null; stepId: string | null; line: number | null; code: string; severity: string; params?: Record<string, unknown> }[];
  version: number | null;
  result?: { error?: Record<string, string[] | null> | null };
};

const listPath = (t: Tenant) => `/t/${t.slug}/scripts`;
const editPath = (t: Tenant, id: string) => `/t/${t.slug}/scripts/${id}`;

async function createViaPage(t: Tenant, cookie: string, name: string, queueId = ""): Promise<string> {
  const res = await outcome(listAction(args(post(listPath(t), cookie, { intent: "create", name, queueId }), { slug: t.slug })));
  expect(res.status).toBe(302);
  const id = res.location!.split("/").pop()!;
  expect(res.location).toBe(editPath(t, id));
  return id;
}

function edit(t: Tenant, cookie: string, id: string, fields: Record<string, string>) {
  return outcome<Outcome>(editAction(args(post(editPath(t, id), cookie, fields), { slug: t.slug, scriptId: id })));
}
const load = (t: Tenant, cookie: string, id: string) => editLoader(args(get(editPath(t, id), cookie), { slug: t.slug, scriptId: id }));

const both = (fa: string, en: string) => ({ fa, en });
const good: ScriptDefinitionInput = {
  opening: [{ kind: "say", text: both("سلام {{customerName}}، {{agentName}} هستم.", "Hello {{customerName}}, this is {{agentName}}.") }],
  body: [
    { id: "solved", prompt: both("مشکل حل شد؟", "Is it solved?"), question: { kind: "yesNo" }, branches: [{ answer: "no", next: "escalate" }], next: "closing" },
    { id: "escalate", prompt: both("به سرپرست ارجاع دهید.", "Escalate to a supervisor.") },
  ],
  closing: [{ kind: "say", text: both("سپاسگزاریم.", "Thank you.") }],
};
/** Parses, but a branch leads nowhere and the English closing is missing. */
const broken: ScriptDefinitionInput = {
  ...good,
  body: [{ id: "solved", prompt: both("مشکل حل شد؟", "Is it solved?"), question: { kind: "yesNo" }, branches: [{ answer: "no", next: "ghost" }] }],
  closing: [{ kind: "say", text: { fa: "سپاسگزاریم." } }],
};

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Telecom" });
  b = await makeTenant({ name: "Beta Bank" });
  for (const key of ["support", "sales"]) {
    const q = await owner.insertInto("queues").values({ tenant_id: a.id, key, name: key }).returning("id").executeTakeFirstOrThrow();
    queuesA[key] = q.id;
  }
  queueB = (await owner.insertInto("queues").values({ tenant_id: b.id, key: "support", name: "B support" }).returning("id").executeTakeFirstOrThrow()).id;
  const admin = await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] });
  adminAId = admin.id;
  adminA = await signIn(admin.id);
  viewerA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
  supervisorA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_supervisor" }] })).id);
  adminB = await signIn((await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] })).id);
  teamLeader = await signIn((await makeUser({ staffRoles: ["team_leader"] })).id);
  qa = await signIn((await makeUser({ staffRoles: ["qa_analyst"] })).id);
});

describe("the script list", () => {
  it("creates a script for a queue, lists it, and refuses a second script for the same queue", async () => {
    const id = await createViaPage(a, adminA, "Support call", queuesA.support);
    const list = await listLoader(args(get(listPath(a), adminA), { slug: a.slug }));
    expect(list.canManage).toBe(true);
    expect(list.scripts.find((s) => s.id === id)).toMatchObject({ name: "Support call", queue: { key: "support" }, draftVersion: null, publishedVersion: null });
    expect(list.queues.find((q) => q.key === "support")?.taken).toBe(true);
    expect(list.queues.find((q) => q.key === "sales")?.taken).toBe(false);

    const dup = await outcome<{ result: { error?: Record<string, string[]> } }>(
      listAction(args(post(listPath(a), adminA, { intent: "create", name: "Another", queueId: queuesA.support! }), { slug: a.slug })),
    );
    expect(dup.status).toBe(400);
    expect(dup.data.result.error?.queueId).toEqual(["scripts:errors.queueTaken"]);
    const empty = await outcome<{ result: { error?: Record<string, string[]> } }>(listAction(args(post(listPath(a), adminA, { intent: "create", name: "  " }), { slug: a.slug })));
    expect(empty.data.result.error?.name).toEqual(["validation:required"]);
  });

  it("refuses another tenant's queue as a field error and writes nothing", async () => {
    const before = await owner.selectFrom("scripts").select("id").where("tenant_id", "=", a.id).execute();
    const res = await outcome<{ result: { error?: Record<string, string[]> } }>(
      listAction(args(post(listPath(a), adminA, { intent: "create", name: "Sneaky", queueId: queueB }), { slug: a.slug })),
    );
    expect(res.status).toBe(400);
    expect(res.data.result.error?.queueId).toEqual(["scripts:errors.queueNotFound"]);
    expect(await owner.selectFrom("scripts").select("id").where("tenant_id", "=", a.id).execute()).toHaveLength(before.length);
  });

  it("lets viewers and supervisors read but not create, team leaders create, and hides other tenants", async () => {
    for (const cookie of [viewerA, supervisorA, qa]) {
      expect((await listLoader(args(get(listPath(a), cookie), { slug: a.slug }))).canManage).toBe(false);
      expect((await outcome(listAction(args(post(listPath(a), cookie, { intent: "create", name: "Nope" }), { slug: a.slug })))).status).toBe(403);
    }
    expect((await listLoader(args(get(listPath(a), teamLeader), { slug: a.slug }))).canManage).toBe(true);
    await createViaPage(a, teamLeader, "Leader's script");
    expect((await outcome(listLoader(args(get(listPath(b), adminA), { slug: b.slug })))).status).toBe(404);
  });
});

describe("the script editor", () => {
  let id: string;
  beforeAll(async () => {
    id = await createViaPage(a, adminA, "Sales call", queuesA.sales);
  });

  it("opens a new script with the starter and no versions", async () => {
    const data = await load(a, adminA, id);
    expect(data.version).toBe(0);
    expect(data.history).toEqual([]);
    expect(data.languages).toEqual(["fa", "en"]);
    expect(data.initial.body[0]!.id).toBe("reason");
    expect(data.canManage).toBe(true);
  });

  it("saves a draft with errors and reports them, pointing at the step and line", async () => {
    const res = await edit(a, adminA, id, { intent: "save", definition: JSON.stringify(broken) });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ok: true, message: "scripts:notice.saved", version: 1 });
    expect(res.data.issues).toContainEqual(expect.objectContaining({ stepId: "solved", code: "unknownTarget", severity: "error", params: { field: "branches.0.next", target: "ghost" } }));
    expect(res.data.issues).toContainEqual(expect.objectContaining({ section: "closing", line: 0, code: "missingText", params: { field: "text", language: "en" } }));
    const data = await load(a, adminA, id);
    expect(data.draftVersion).toBe("1");
    expect(data.draftIssues?.some((i) => i.code === "unknownTarget")).toBe(true);
  });

  it("refuses to publish a draft with errors and changes nothing", async () => {
    const res = await edit(a, adminA, id, { intent: "publish", definition: JSON.stringify(broken) });
    expect(res.status).toBe(422);
    expect(res.data.message).toBe("scripts:errors.hasErrors");
    expect(res.data.issues.some((i) => i.code === "unknownTarget")).toBe(true);
    const rows = await owner.selectFrom("script_versions").select(["version", "status"]).where("script_id", "=", id).execute();
    expect(rows).toEqual([{ version: 1, status: "draft" }]);
  });

  it("refuses a definition that does not parse or is not JSON, keeping the stored draft", async () => {
    const bad = await edit(a, adminA, id, { intent: "save", definition: JSON.stringify({ body: [{ id: "Bad Id", prompt: {} }] }) });
    expect(bad.status).toBe(422);
    expect(bad.data.message).toBe("scripts:errors.invalidDefinition");
    expect(bad.data.issues[0]).toMatchObject({ code: "schema", section: "body", params: { field: "id" } });
    expect((await edit(a, adminA, id, { intent: "save", definition: "{not json" })).status).toBe(400);
    const stored = await owner.selectFrom("script_versions").select("definition").where("script_id", "=", id).executeTakeFirstOrThrow();
    expect((stored.definition as { body: { id: string }[] }).body[0]!.id).toBe("solved");
  });

  it("publishes what the editor shows in one step, and the desktop gets it for the queue", async () => {
    const res = await edit(a, adminA, id, { intent: "publish", definition: JSON.stringify(good) });
    expect(res.status).toBe(200);
    expect(res.data).toMatchObject({ ok: true, message: "scripts:notice.published", version: 1, issues: [] });
    const data = await load(a, adminA, id);
    expect(data.publishedVersion).toBe("1");
    expect(data.draftVersion).toBeNull();
    const script = await withTenant(a.id, (trx) => publishedScriptForQueue(trx, a.id, queuesA.sales!));
    expect(script).toMatchObject({ scriptId: id, name: "Sales call", version: 1 });
    expect(script!.definition.body.map((s) => s.id)).toEqual(["solved", "escalate"]);
    // The desktop reads across tenants in bureau scope; the tenant filter still holds.
    expect(await withBureauScope((trx) => publishedScriptForQueue(trx, b.id, queuesA.sales!))).toBeNull();
    expect(await withTenant(a.id, (trx) => publishedScriptForQueue(trx, a.id, queuesA.support!))).toBeNull();
  });

  it("answers 409 when there is nothing to publish", async () => {
    const res = await edit(a, adminA, id, { intent: "publish", definition: JSON.stringify(good) });
    expect(res.status).toBe(409);
    expect(res.data.message).toBe("scripts:errors.noDraft");
  });

  it("publishes a second version, keeps the first archived, and rolls back to it as a new version", async () => {
    const v2 = { ...good, closing: [{ kind: "say" as const, text: both("روز خوبی داشته باشید.", "Have a nice day.") }] };
    expect((await edit(a, adminA, id, { intent: "save", definition: JSON.stringify(v2) })).data.version).toBe(2);
    expect((await edit(a, adminA, id, { intent: "publish" })).data.version).toBe(2);
    const back = await edit(a, adminA, id, { intent: "rollback", version: "1" });
    expect(back.data).toMatchObject({ ok: true, message: "scripts:notice.rolledBack", version: 3 });
    const data = await load(a, adminA, id);
    expect(data.history.map((h) => [h.version, h.status, h.sameAs])).toEqual([
      [3, "published", "1"],
      [2, "archived", null],
      [1, "archived", null],
    ]);
    expect(data.history[1]!.diff).toMatchObject({ closingChanged: true, openingChanged: false, changed: [] });
    expect(data.history[0]!.author).toMatch(/^User /);
    const script = await withTenant(a.id, (trx) => publishedScriptForQueue(trx, a.id, queuesA.sales!));
    expect(script!.version).toBe(3);
    expect(script!.definition.closing[0]!.text.en).toBe("Thank you.");
    // Rolling back to the published one, a draft or an unknown version is refused.
    expect((await edit(a, adminA, id, { intent: "rollback", version: "3" })).status).toBe(409);
    expect((await edit(a, adminA, id, { intent: "rollback", version: "99" })).status).toBe(404);
  });

  it("renames the script and moves it between queues, refusing a queue that has a script", async () => {
    const taken = await edit(a, adminA, id, { intent: "settings", name: "Sales", queueId: queuesA.support! });
    expect(taken.status).toBe(400);
    expect(taken.data.result?.error?.queueId).toEqual(["scripts:errors.queueTaken"]);
    const ok = await edit(a, adminA, id, { intent: "settings", name: "Sales (new)", queueId: "" });
    expect(ok.data).toMatchObject({ ok: true, message: "scripts:notice.settingsSaved" });
    expect((await load(a, adminA, id)).script).toMatchObject({ name: "Sales (new)", queue: null });
    expect(await withTenant(a.id, (trx) => publishedScriptForQueue(trx, a.id, queuesA.sales!))).toBeNull();
    await edit(a, adminA, id, { intent: "settings", name: "Sales call", queueId: queuesA.sales! });
  });

  it("lets a viewer read but not edit (403), and the QA analyst too", async () => {
    const data = await load(a, viewerA, id);
    expect(data.canManage).toBe(false);
    expect(data.history.length).toBeGreaterThan(0);
    for (const cookie of [viewerA, qa]) {
      expect((await edit(a, cookie, id, { intent: "save", definition: JSON.stringify(good) })).status).toBe(403);
      expect((await edit(a, cookie, id, { intent: "rollback", version: "1" })).status).toBe(403);
    }
    expect((await edit(a, teamLeader, id, { intent: "save", definition: JSON.stringify(good) })).status).toBe(200);
  });

  it("answers 404 for another tenant's script, through either tenant's URL, and a malformed id", async () => {
    expect((await outcome(load(b, adminB, id))).status).toBe(404);
    expect((await edit(b, adminB, id, { intent: "save", definition: JSON.stringify(good) })).status).toBe(404);
    expect((await outcome(load(a, adminB, id))).status).toBe(404);
    expect((await edit(a, adminB, id, { intent: "rollback", version: "1" })).status).toBe(404);
    expect((await outcome(load(a, adminA, "not-a-uuid"))).status).toBe(404);
    // The module itself: B's transaction cannot see A's script.
    await expect(saveDraft(b.id, id, good, ["fa"], { userId: adminAId, label: "x" })).rejects.toMatchObject({ key: "notFound" });
  });

  it("refuses a missing CSRF token", async () => {
    const res = await outcome(editAction(args(post(editPath(a, id), adminA, { intent: "save", definition: JSON.stringify(good) }, { csrf: null }), { slug: a.slug, scriptId: id })));
    expect(res.status).toBe(403);
  });

  it("records every change in the tenant audit log, in the same transaction as the change", async () => {
    const rows = await owner
      .selectFrom("tenant_audit_log")
      .select(["action", "target_id", "data"])
      .where("tenant_id", "=", a.id)
      .where("target_id", "=", id)
      .orderBy("created_at")
      .orderBy("id")
      .execute();
    expect(rows.map((r) => r.action)).toEqual([
      "script.created",
      "script.draft_saved",
      "script.draft_saved",
      "script.published",
      "script.draft_saved",
      "script.published",
      "script.rolled_back",
      "script.updated",
      "script.updated",
      "script.draft_saved",
    ]);
    expect(rows[1]!.data).toMatchObject({ version: 1, errors: 1, warnings: 1 });
    expect(rows[6]!.data).toEqual({ version: 3, from: 1, previous: 2 });
    // The refused publish and the refused saves left no audit rows (nothing half-done).
    expect(await owner.selectFrom("tenant_audit_log").select("id").where("tenant_id", "=", b.id).where("action", "like", "script.%").execute()).toEqual([]);
  });
});

describe("the scripts module", () => {
  it("maps a queue race to queueTaken through the unique index", async () => {
    const q = await owner.insertInto("queues").values({ tenant_id: a.id, key: "race", name: "race" }).returning("id").executeTakeFirstOrThrow();
    const actor = { userId: adminAId, label: "admin" };
    const results = await Promise.allSettled([createScript(a.id, { name: "One", queueId: q.id }, actor), createScript(a.id, { name: "Two", queueId: q.id }, actor)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(failed.reason).toBeInstanceOf(ScriptError);
    expect((failed.reason as ScriptError).key).toBe("queueTaken");
    expect(await owner.selectFrom("scripts").select("name").where("queue_id", "=", q.id).execute()).toHaveLength(1);
  });
});
