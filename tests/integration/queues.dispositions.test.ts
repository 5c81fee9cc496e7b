import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listDispositions } from "~/modules/queues/dispositions.server";
import { action, loader } from "~/routes/t.$slug.dispositions";
import { closeFactories, makeTenant, makeUser } from "../setup/factories";
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
let adminB: string;
let viewer: string;
let supervisor: string;

type ActionData = { intent: string; result?: { error?: Record<string, string[] | null> | null }; notice?: string };

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

const act = (cookie: string, fields: Record<string, string>, t: Tenant = a) =>
  run(action(args(post(`/t/${t.slug}/dispositions`, cookie, fields), { slug: t.slug })));
const load = (cookie: string, t: Tenant = a, query = "") => loader(args(get(`/t/${t.slug}/dispositions${query}`, cookie), { slug: t.slug }));

async function add(fields: Record<string, string>, t: Tenant = a): Promise<string> {
  const res = await act(t === a ? admin : adminB, { intent: "create", active: "on", ...fields }, t);
  expect(res.data?.notice, JSON.stringify(res.data?.result)).toBe("dispositions.notice.created");
  const all = (await listDispositions(t.id)).flatMap((r) => [r, ...r.outcomes]);
  return all.find((d) => d.code === fields.code)!.id;
}

const audit = async () =>
  (await owner.selectFrom("tenant_audit_log").select(["action", "data"]).where("tenant_id", "=", a.id).where("action", "like", "disposition.%").orderBy("id").execute());

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Telecom" });
  b = await makeTenant({ name: "Beta Market" });
  admin = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] })).id);
  adminB = await signIn((await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] })).id);
  viewer = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
  supervisor = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_supervisor" }] })).id);
});

describe("the disposition editor", () => {
  it("builds a two-level tree of reasons and outcomes, in sort order, with resolved flags", async () => {
    const billing = await add({ code: "billing", name: "اعتراض به صورتحساب", sort: "۲۰" });
    const tech = await add({ code: "tech", name: "مشکل فنی", sort: "10" });
    await add({ code: "refunded", name: "برگشت داده شد", parentId: billing, resolved: "on", sort: "1" });
    await add({ code: "escalated", name: "ارجاع به مالی", parentId: billing, sort: "2" });
    await add({ code: "tech-solved", name: "حل شد", parentId: tech, resolved: "on" });

    const data = await load(admin);
    expect(data.canManage).toBe(true);
    expect(data.reasons.map((r) => [r.code, r.sort, r.outcomes.map((o) => [o.code, o.resolved])])).toEqual([
      ["tech", 10, [["tech-solved", true]]],
      [
        "billing",
        20,
        [
          ["refunded", true],
          ["escalated", false],
        ],
      ],
    ]);
    expect((await audit()).map((r) => r.action)).toEqual(Array(5).fill("disposition.created"));
  });

  it("keeps the tree at two levels", async () => {
    const reasons = await listDispositions(a.id);
    const billing = reasons.find((r) => r.code === "billing")!;
    const tech = reasons.find((r) => r.code === "tech")!;
    const refunded = billing.outcomes.find((o) => o.code === "refunded")!;

    const underOutcome = await act(admin, { intent: "create", code: "deeper", name: "x", parentId: refunded.id });
    expect(underOutcome.data.result?.error).toEqual({ parentId: ["routing:dispositions.errors.parentNotReason"] });
    const reasonUnderReason = await act(admin, { intent: "update", id: billing.id, code: "billing", name: billing.name, parentId: tech.id, active: "on" });
    expect(reasonUnderReason.data.result?.error).toEqual({ parentId: ["routing:dispositions.errors.hasOutcomes"] });
    const self = await act(admin, { intent: "update", id: tech.id, code: "tech", name: tech.name, parentId: tech.id, active: "on" });
    expect(self.data.result?.error).toEqual({ parentId: ["routing:dispositions.errors.parentSelf"] });
    const foreignReason = await add({ code: "beta-reason", name: "Beta" }, b);
    const foreign = await act(admin, { intent: "create", code: "x-under-beta", name: "x", parentId: foreignReason });
    expect(foreign.data.result?.error).toEqual({ parentId: ["routing:dispositions.errors.parentUnknown"] });
    expect((await listDispositions(a.id)).flatMap((r) => [r, ...r.outcomes])).toHaveLength(5);
  });

  it("refuses a code the tenant already uses, and wrong fields, naming the field", async () => {
    const dup = await act(admin, { intent: "create", code: "Billing", name: "Again" });
    expect(dup.data.result?.error).toEqual({ code: ["routing:dispositions.errors.codeTaken"] });
    const bad = await act(admin, { intent: "create", code: "two words", name: "", sort: "-1" });
    expect(bad.data.result?.error).toEqual({
      code: ["routing:dispositions.errors.code"],
      name: ["routing:dispositions.errors.name"],
      sort: ["routing:dispositions.errors.sort"],
    });
    // Codes are per tenant: another tenant may use the same one.
    await add({ code: "billing", name: "Billing" }, b);
  });

  it("edits a disposition (moving an outcome to another reason) and toggles it, audited", async () => {
    const reasons = await listDispositions(a.id);
    const tech = reasons.find((r) => r.code === "tech")!;
    const escalated = reasons.find((r) => r.code === "billing")!.outcomes.find((o) => o.code === "escalated")!;
    const edit = await load(admin, a, `?edit=${escalated.id}`);
    expect(edit.editing).toMatchObject({ code: "escalated", parentId: escalated.parentId });

    const saved = await act(admin, { intent: "update", id: escalated.id, code: "escalated", name: "ارجاع به واحد فنی", parentId: tech.id, sort: "5", active: "on" });
    expect(saved).toMatchObject({ status: 302, location: `/t/${a.slug}/dispositions?notice=saved` });
    const off = await act(admin, { intent: "toggle", id: escalated.id, active: "false" });
    expect(off.location).toBe(`/t/${a.slug}/dispositions?notice=deactivated`);
    const moved = (await listDispositions(a.id)).find((r) => r.code === "tech")!.outcomes.find((o) => o.code === "escalated");
    expect(moved).toMatchObject({ name: "ارجاع به واحد فنی", sort: 5, active: false, resolved: false });

    const entries = await audit();
    expect(entries.slice(-2).map((r) => r.action)).toEqual(["disposition.updated", "disposition.deactivated"]);
    expect(entries.at(-2)!.data).toMatchObject({ code: "escalated", changes: { name: ["ارجاع به مالی", "ارجاع به واحد فنی"], parent_id: [escalated.parentId, tech.id] } });
  });

  it("lets viewers and supervisors read the tree but answers 403 to their changes", async () => {
    const data = await load(viewer);
    expect(data.canManage).toBe(false);
    expect(data.reasons.length).toBe(2);
    const tech = data.reasons.find((r) => r.code === "tech")!;
    expect((await load(viewer, a, `?edit=${tech.id}`)).editing).toBeNull();
    expect((await act(viewer, { intent: "create", code: "nope", name: "x" })).status).toBe(403);
    expect((await act(supervisor, { intent: "toggle", id: tech.id, active: "false" })).status).toBe(403);
    expect((await listDispositions(a.id)).find((r) => r.code === "tech")!.active).toBe(true);
  });

  it("answers 404 for another tenant's disposition and for another tenant's page", async () => {
    const foreign = (await listDispositions(b.id)).find((r) => r.code === "billing")!;
    expect((await act(admin, { intent: "toggle", id: foreign.id, active: "false" })).status).toBe(404);
    expect((await act(admin, { intent: "update", id: foreign.id, code: "billing", name: "Taken over", active: "on" })).status).toBe(404);
    expect((await act(admin, { intent: "toggle", id: "not-an-id", active: "false" })).status).toBe(404);
    expect((await listDispositions(b.id)).find((r) => r.code === "billing")).toMatchObject({ name: "Billing", active: true });
    expect(await thrownStatus(load(admin, b))).toBe(404);
    // Outside the tenant's tree, the ?edit id simply opens nothing.
    expect((await load(admin, a, `?edit=${foreign.id}`)).editing).toBeNull();
  });
});
