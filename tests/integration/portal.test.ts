import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "~/modules/auth/api-key-token";
import { loader as numbersLoader } from "~/routes/api.v1.phone-numbers";
import { loader as agentLoader } from "~/routes/agent._index";
import { action as bureauKeysAction, loader as bureauKeysLoader } from "~/routes/bureau.api-keys";
import { loader as portalLoader } from "~/routes/t.$slug";
import { loader as overviewLoader } from "~/routes/t.$slug._index";
import { action as keysAction, loader as keysLoader } from "~/routes/t.$slug.api-keys";
import { action as membersAction, loader as membersLoader } from "~/routes/t.$slug.members";
import { makeTenant, makeUser, uniq } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, get, post, signIn, thrownStatus } from "./portal.helpers";

const owner = ownerDb();
afterAll(() => owner.destroy());

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
type User = Awaited<ReturnType<typeof makeUser>>;
let a: Tenant;
let b: Tenant;
let adminA: User;
let cookieAdminA: string;
let cookieViewerA: string;
let cookieSupervisorA: string;

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Insurance" });
  b = await makeTenant({ name: "Beta Bank" });
  adminA = await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] });
  cookieAdminA = await signIn(adminA.id);
  cookieViewerA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
  cookieSupervisorA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_supervisor" }] })).id);
});

describe("the portal gate", () => {
  it("opens the client admin's own tenant with the tabs the role allows", async () => {
    const data = await portalLoader(args(get(`/t/${a.slug}`, cookieAdminA), { slug: a.slug }));
    expect(data.tenant).toMatchObject({ slug: a.slug, name: "Alpha Insurance", brandColor: "#0f766e" });
    expect(data.tabs).toEqual({ members: true, apiKeys: true, audit: true, ivr: true, simulator: true, hours: true, queues: true, dispositions: true, scripts: true, live: true, billing: true, staffing: true });
    const viewer = await portalLoader(args(get(`/t/${a.slug}`, cookieViewerA), { slug: a.slug }));
    expect(viewer.tabs).toEqual({ members: false, apiKeys: false, audit: false, ivr: true, simulator: false, hours: true, queues: true, dispositions: true, scripts: true, live: false, billing: false, staffing: true });
  });

  it("answers 404 for another tenant's slug and for an unknown one", async () => {
    expect(await thrownStatus(portalLoader(args(get(`/t/${b.slug}`, cookieAdminA), { slug: b.slug })))).toBe(404);
    expect(await thrownStatus(overviewLoader(args(get(`/t/${b.slug}`, cookieAdminA), { slug: b.slug })))).toBe(404);
    expect(await thrownStatus(membersLoader(args(get(`/t/${b.slug}/members`, cookieAdminA), { slug: b.slug })))).toBe(404);
    expect(await thrownStatus(portalLoader(args(get("/t/nope", cookieAdminA), { slug: `nope-${uniq()}` })))).toBe(404);
  });

  it("sends a visitor without a session to the login page", async () => {
    expect(await thrownStatus(portalLoader(args(get(`/t/${a.slug}`), { slug: a.slug })))).toBe(302);
  });

  it("answers 403 for pages the role may not open", async () => {
    expect(await thrownStatus(keysLoader(args(get(`/t/${a.slug}/api-keys`, cookieViewerA), { slug: a.slug })))).toBe(403);
    expect(await thrownStatus(membersLoader(args(get(`/t/${a.slug}/members`, cookieViewerA), { slug: a.slug })))).toBe(403);
    expect(await thrownStatus(keysLoader(args(get(`/t/${a.slug}/api-keys`, cookieSupervisorA), { slug: a.slug })))).toBe(403);
  });
});

describe("the overview", () => {
  it("shows the tenant's numbers, hours with Saturday first in Persian, upcoming holidays and member count", async () => {
    const t = await makeTenant({ name: "Gamma" });
    const admin = await makeUser({ memberOf: [{ tenantId: t.id, role: "client_admin" }], locale: "fa" });
    const cookie = (await signIn(admin.id)).replace("hk_lang=en", "hk_lang=fa");
    await owner.insertInto("tenant_phone_numbers").values({ tenant_id: t.id, e164: "+982155550001", label: "Main" }).execute();
    await owner.insertInto("tenant_phone_numbers").values({ tenant_id: b.id, e164: "+982155550002", label: "Other" }).execute();
    await owner
      .insertInto("tenant_business_hours")
      .values([
        { tenant_id: t.id, weekday: 6, opens_at: "08:00", closes_at: "16:00" },
        { tenant_id: t.id, weekday: 1, opens_at: "09:00", closes_at: "17:30" },
      ])
      .execute();
    const nextYear = new Date().getUTCFullYear() + 1;
    await owner
      .insertInto("tenant_holidays")
      .values([
        { tenant_id: t.id, day: `${nextYear}-03-21`, name: "Nowruz" },
        { tenant_id: t.id, day: "2001-01-01", name: "Long ago" },
      ])
      .execute();
    const data = await overviewLoader(args(get(`/t/${t.slug}`, cookie), { slug: t.slug }));
    expect(data.numbers.map((n) => n.e164)).toEqual(["+982155550001"]);
    expect(data.week.map((d) => d.weekday)).toEqual([6, 0, 1, 2, 3, 4, 5]);
    expect(data.week[0]!.ranges).toEqual([{ from: "۰۸:۰۰", to: "۱۶:۰۰" }]);
    expect(data.holidays.map((h) => h.name)).toEqual(["Nowruz"]);
    expect(data.holidays[0]!.label).toMatch(/فروردین/);
    expect(data.memberCount).toBe("۱");
  });
});

describe("members", () => {
  let t: Tenant;
  let admin: User;
  let cookie: string;
  const path = () => `/t/${t.slug}/members`;
  const act = (fields: Record<string, string>) => membersAction(args(post(path(), cookie, fields), { slug: t.slug }));

  beforeAll(async () => {
    t = await makeTenant();
    admin = await makeUser({ memberOf: [{ tenantId: t.id, role: "client_admin" }] });
    cookie = await signIn(admin.id);
  });

  it("lists members for a supervisor but refuses them changes", async () => {
    const supervisor = await makeUser({ memberOf: [{ tenantId: t.id, role: "client_supervisor" }] });
    const sc = await signIn(supervisor.id);
    const data = await membersLoader(args(get(path(), sc), { slug: t.slug }));
    expect(data.canManage).toBe(false);
    expect(data.members.map((m) => m.email)).toEqual(expect.arrayContaining([admin.email, supervisor.email]));
    const res = membersAction(args(post(path(), sc, { intent: "remove", userId: admin.id }), { slug: t.slug }));
    expect(await thrownStatus(res)).toBe(403);
  });

  it("refuses a post without the CSRF token", async () => {
    const req = post(path(), cookie, { intent: "add", email: "x@test.local", name: "X", role: "client_viewer" }, { csrf: null });
    expect(await thrownStatus(membersAction(args(req, { slug: t.slug })))).toBe(403);
  });

  it("creates a new user without a password, as a member, with an audit entry", async () => {
    const email = `new-${uniq()}@test.local`;
    const res = await act({ intent: "add", email: email.toUpperCase(), name: "Nasrin Karimi", role: "client_supervisor" });
    expect(res.notice?.key).toBe("members.notice.addedNew");
    const user = await owner.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
    expect(user.password_hash).toBeNull();
    expect(user.name).toBe("Nasrin Karimi");
    const member = await owner.selectFrom("tenant_members").selectAll().where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(member).toMatchObject({ tenant_id: t.id, role: "client_supervisor" });
    const audit = await owner.selectFrom("tenant_audit_log").selectAll().where("tenant_id", "=", t.id).where("action", "=", "member.add").execute();
    expect(audit.some((r) => r.target_id === user.id && r.actor_user_id === admin.id)).toBe(true);
    const list = await membersLoader(args(get(path(), cookie), { slug: t.slug }));
    expect(list.members.find((m) => m.email === email)).toMatchObject({ hasPassword: false, role: "client_supervisor" });
  });

  it("attaches an existing client user of another tenant, and refuses duplicates and staff", async () => {
    const other = await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] });
    const res = await act({ intent: "add", email: other.email, name: "ignored", role: "client_viewer" });
    expect(res.notice?.key).toBe("members.notice.added");
    const again = await act({ intent: "add", email: other.email, name: "x", role: "client_viewer" });
    expect(again.result.error?.[""]).toEqual(["portal:members.errors.alreadyMember"]);
    const staff = await makeUser({ staffRoles: ["team_leader"] });
    const refused = await act({ intent: "add", email: staff.email, name: "x", role: "client_viewer" });
    expect(refused.result.error?.[""]).toEqual(["portal:members.errors.staffUser"]);
  });

  it("names the invalid field", async () => {
    const res = await act({ intent: "add", email: "not-an-email", name: "", role: "owner" });
    expect(res.result.error?.email).toEqual(["validation:email"]);
    expect(res.result.error?.name).toEqual(["validation:required"]);
    expect(res.result.error?.role).toBeDefined();
  });

  it("protects the last client admin from removal and demotion", async () => {
    const removeSelf = await act({ intent: "remove", userId: admin.id });
    expect(removeSelf.result.error?.[""]).toEqual(["portal:members.errors.lastAdmin"]);
    const demote = await act({ intent: "role", userId: admin.id, role: "client_viewer" });
    expect(demote.result.error?.[""]).toEqual(["portal:members.errors.lastAdmin"]);
    const row = await owner.selectFrom("tenant_members").select("role").where("tenant_id", "=", t.id).where("user_id", "=", admin.id).executeTakeFirstOrThrow();
    expect(row.role).toBe("client_admin");
  });

  it("changes roles and removes members once another admin exists, auditing each", async () => {
    const second = await makeUser({ memberOf: [{ tenantId: t.id, role: "client_viewer" }] });
    const promoted = await act({ intent: "role", userId: second.id, role: "client_admin" });
    expect(promoted.notice?.key).toBe("members.notice.roleChanged");
    const removed = await act({ intent: "remove", userId: second.id });
    expect(removed.notice?.key).toBe("members.notice.removed");
    const gone = await owner.selectFrom("tenant_members").select("user_id").where("tenant_id", "=", t.id).where("user_id", "=", second.id).executeTakeFirst();
    expect(gone).toBeUndefined();
    const actions = await owner.selectFrom("tenant_audit_log").select("action").where("tenant_id", "=", t.id).where("target_id", "=", second.id).execute();
    expect(actions.map((r) => r.action).sort()).toEqual(["member.remove", "member.role"]);
  });

  it("cannot reach a member of another tenant", async () => {
    const stranger = await makeUser({ memberOf: [{ tenantId: b.id, role: "client_viewer" }] });
    const res = await act({ intent: "remove", userId: stranger.id });
    expect(res.result.error?.[""]).toEqual(["portal:members.errors.notFound"]);
    const still = await owner.selectFrom("tenant_members").select("user_id").where("tenant_id", "=", b.id).where("user_id", "=", stranger.id).executeTakeFirst();
    expect(still).toBeDefined();
  });
});

describe("tenant API keys", () => {
  it("shows the token once, stores only its hash, and revokes", async () => {
    const path = `/t/${a.slug}/api-keys`;
    const res = await keysAction(args(post(path, cookieAdminA, { intent: "create", name: "CRM", scopes: ["numbers:read", "tenant:read"] }), { slug: a.slug }));
    const token = res.created!.token;
    expect(token).toMatch(/^hkt_[a-z2-7]{32}$/);
    const row = await owner.selectFrom("tenant_api_keys").selectAll().where("tenant_id", "=", a.id).where("name", "=", "CRM").executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashApiKey(token));
    expect(row.prefix).toBe(token.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.scopes.sort()).toEqual(["numbers:read", "tenant:read"]);

    const list = await keysLoader(args(get(path, cookieAdminA), { slug: a.slug }));
    expect(JSON.stringify(list)).not.toContain(token);
    expect(list.keys.find((k) => k.id === row.id)).toMatchObject({ prefix: row.prefix, revoked: false, lastUsed: null });

    const ok = await numbersLoader(args(new Request("http://localhost/api/v1/phone-numbers", { headers: { authorization: `Bearer ${token}` } })));
    expect(ok.status).toBe(200);

    const revoked = await keysAction(args(post(path, cookieAdminA, { intent: "revoke", keyId: row.id }), { slug: a.slug }));
    expect(revoked.notice?.key).toBe("apiKeys.notice.revoked");
    const refused = await numbersLoader(args(new Request("http://localhost/api/v1/phone-numbers", { headers: { authorization: `Bearer ${token}` } })));
    expect(refused.status).toBe(401);

    const audit = await owner.selectFrom("tenant_audit_log").select("action").where("tenant_id", "=", a.id).where("target_id", "=", row.id).execute();
    expect(audit.map((r) => r.action).sort()).toEqual(["apikey.create", "apikey.revoke"]);
  });

  it("validates the form and refuses bureau-only scopes on a tenant key", async () => {
    const path = `/t/${a.slug}/api-keys`;
    const res = await keysAction(args(post(path, cookieAdminA, { intent: "create", name: "", scopes: ["tenants:read"] }), { slug: a.slug }));
    expect(res.created).toBeNull();
    expect(res.result.error?.name).toEqual(["validation:required"]);
    expect(Object.keys(res.result.error ?? {}).some((k) => k.startsWith("scopes"))).toBe(true);
    const none = await keysAction(args(post(path, cookieAdminA, { intent: "create", name: "x" }), { slug: a.slug }));
    expect(none.result.error?.scopes).toEqual(["validation:scopesRequired"]);
  });

  it("refuses a client viewer (403) and another tenant's admin (404)", async () => {
    const form = { intent: "create", name: "x", scopes: ["numbers:read"] };
    expect(await thrownStatus(keysAction(args(post(`/t/${a.slug}/api-keys`, cookieViewerA, form), { slug: a.slug })))).toBe(403);
    expect(await thrownStatus(keysAction(args(post(`/t/${b.slug}/api-keys`, cookieAdminA, form), { slug: b.slug })))).toBe(404);
  });
});

describe("bureau API keys", () => {
  it("lets a bureau admin create and revoke bureau keys, audited without a tenant", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const cookie = await signIn(admin.id);
    const res = await bureauKeysAction(args(post("/bureau/api-keys", cookie, { intent: "create", name: `BI ${uniq()}`, scopes: ["tenants:read"] })));
    const token = res.created!.token;
    expect(token).toMatch(/^hkb_/);
    const row = await owner.selectFrom("bureau_api_keys").selectAll().where("secret_hash", "=", hashApiKey(token)).executeTakeFirstOrThrow();
    const list = await bureauKeysLoader(args(get("/bureau/api-keys", cookie)));
    expect(list.keys.some((k) => k.id === row.id)).toBe(true);
    expect(JSON.stringify(list)).not.toContain(token);
    await bureauKeysAction(args(post("/bureau/api-keys", cookie, { intent: "revoke", keyId: row.id })));
    const audit = await owner.selectFrom("bureau_audit_log").select("action").where("target_id", "=", row.id).execute();
    expect(audit.map((r) => r.action).sort()).toEqual(["apikey.create", "apikey.revoke"]);
  });

  it("refuses staff without apikeys.bureau.manage", async () => {
    const manager = await makeUser({ staffRoles: ["manager"] });
    expect(await thrownStatus(bureauKeysLoader(args(get("/bureau/api-keys", await signIn(manager.id)))))).toBe(403);
  });
});

describe("the agent area", () => {
  it("opens the desktop of a new agent offline, with the queues it is assigned to", async () => {
    const agent = await makeUser({ staffRoles: ["agent"] });
    await owner.insertInto("agents").values({ user_id: agent.id, employee_code: `E${uniq()}` }).execute();
    await owner.insertInto("agent_assignments").values({ tenant_id: a.id, agent_id: agent.id }).execute();
    const queue = await owner.insertInto("queues").values({ tenant_id: a.id, key: `q${uniq()}`, name: "Claims" }).returning("id").executeTakeFirstOrThrow();
    await owner.insertInto("agent_queue_assignments").values({ tenant_id: a.id, queue_id: queue.id, agent_id: agent.id }).execute();
    const data = await agentLoader(args(get("/agent", await signIn(agent.id))));
    expect(data.agent).toMatchObject({ state: "offline", isAgent: true });
    expect(data.queues.map((x) => [x.tenantName, x.queueName, x.waiting])).toEqual([["Alpha Insurance", "Claims", 0]]);
    expect(data.contact).toBeNull();
  });

  it("answers 403 to a user without agent.desktop", async () => {
    expect(await thrownStatus(agentLoader(args(get("/agent", cookieAdminA))))).toBe(403);
    const qa = await makeUser({ staffRoles: ["qa_analyst"] });
    expect(await thrownStatus(agentLoader(args(get("/agent", await signIn(qa.id)))))).toBe(403);
  });
});
