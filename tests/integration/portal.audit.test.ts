import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as auditLoader } from "~/routes/t.$slug.audit";
import { makeTenant, makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, get, signIn, thrownStatus } from "./portal.helpers";

const owner = ownerDb();
afterAll(() => owner.destroy());

let a: Awaited<ReturnType<typeof makeTenant>>;
let b: Awaited<ReturnType<typeof makeTenant>>;
let cookieAdminA: string;
let cookieViewerA: string;

beforeAll(async () => {
  a = await makeTenant();
  b = await makeTenant();
  cookieAdminA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] })).id);
  cookieViewerA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
  await owner
    .insertInto("tenant_audit_log")
    .values([
      { tenant_id: a.id, actor_label: "alice@a.test", action: "member.add", target_type: "user", target_id: "u1", data: JSON.stringify({ role: "client_viewer" }) },
      { tenant_id: a.id, actor_label: "alice@a.test", action: "apikey.create", target_type: "api_key", target_id: "k1" },
      { tenant_id: b.id, actor_label: "bob@b.test", action: "member.add", target_type: "user", target_id: "u2" },
    ])
    .execute();
});

describe("the tenant audit log in the portal", () => {
  it("shows a client admin their own tenant's entries only, newest first, in the tenant's zone", async () => {
    const data = await auditLoader(args(get(`/t/${a.slug}/audit`, cookieAdminA), { slug: a.slug }));
    expect(data.total).toBe(2);
    expect(data.rows.map((r) => r.action)).toEqual(["apikey.create", "member.add"]);
    expect(data.rows.every((r) => r.who === "alice@a.test")).toBe(true);
    expect(data.rows[1]!.data).toEqual({ role: "client_viewer" });
    expect(data.timeZone).toBe("Asia/Tehran");
  });

  it("answers 403 to a client viewer and 404 for another tenant", async () => {
    expect(await thrownStatus(auditLoader(args(get(`/t/${a.slug}/audit`, cookieViewerA), { slug: a.slug })))).toBe(403);
    expect(await thrownStatus(auditLoader(args(get(`/t/${b.slug}/audit`, cookieAdminA), { slug: b.slug })))).toBe(404);
  });
});
