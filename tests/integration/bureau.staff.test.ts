import { afterAll, describe, expect, it } from "vitest";
import { verifyPassword } from "../../app/modules/auth/password.server";
import { PermissionDenied } from "../../app/modules/auth/bureau.server";
import { createStaffUser, listStaff, setStaffStatus, updateStaffRoles } from "../../app/modules/auth/staff.server";
import { FieldConflict } from "../../app/modules/bureau/errors";
import * as editRoute from "../../app/routes/bureau.staff.$userId";
import * as newRoute from "../../app/routes/bureau.staff.new";
import * as listRoute from "../../app/routes/bureau.staff._index";
import { closeFactories, makeUser, uniq } from "../setup/factories";
import { args, bureauAudit, closeOwner, fieldErrors, get, ownerConn, post, run, signIn, staffCtx } from "./bureau.helpers";

afterAll(async () => {
  await closeFactories();
  await closeOwner();
});

describe("staff users", () => {
  it("creates a staff user with a hashed password, roles and a bureau audit entry", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const email = `lead-${uniq()}@hamkal.test`;
    const user = await createStaffUser(admin, { name: "Sara Lead", email, password: "a-long-password", roles: ["team_leader", "qa_analyst"], locale: "fa" });
    expect(user).toMatchObject({ email, status: "active", roles: ["team_leader", "qa_analyst"], locale: "fa" });
    const row = await ownerConn().selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).not.toContain("a-long-password");
    expect(await verifyPassword(row.password_hash, "a-long-password")).toBe(true);
    const audit = await bureauAudit(user.id);
    expect(audit).toEqual([expect.objectContaining({ action: "staff.created", actor_user_id: admin.userId, target_type: "user" })]);
    expect(audit[0]!.data).not.toHaveProperty("password");
    expect((await listStaff(admin)).some((s) => s.id === user.id)).toBe(true);
  });

  it("answers a taken e-mail with a field conflict", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const existing = await makeUser();
    await expect(
      createStaffUser(admin, { name: "Dup", email: existing.email, password: "a-long-password", roles: ["agent"], locale: "en" }),
    ).rejects.toEqual(new FieldConflict("email", "validation:emailTaken"));
  });

  it("edits roles, disables (ending sessions) and re-enables; never disables oneself", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const target = await makeUser({ staffRoles: ["team_leader"] });
    await signIn(target.id);
    await updateStaffRoles(admin, target.id, ["manager", "wfm_planner"]);
    const roles = await ownerConn().selectFrom("user_staff_roles").select("role").where("user_id", "=", target.id).orderBy("role").execute();
    expect(roles.map((r) => r.role)).toEqual(["manager", "wfm_planner"]);
    await setStaffStatus(admin, target.id, "disabled");
    expect(await ownerConn().selectFrom("sessions").select("id").where("user_id", "=", target.id).execute()).toEqual([]);
    expect((await ownerConn().selectFrom("users").select("status").where("id", "=", target.id).executeTakeFirstOrThrow()).status).toBe("disabled");
    await setStaffStatus(admin, target.id, "active");
    expect((await bureauAudit(target.id)).map((a) => a.action)).toEqual(["staff.roles.updated", "staff.disabled", "staff.enabled"]);
    await expect(setStaffStatus(admin, admin.userId, "disabled")).rejects.toEqual(new FieldConflict("status", "validation:disableSelf"));
    await expect(updateStaffRoles(admin, admin.userId, ["manager"])).rejects.toEqual(new FieldConflict("roles", "validation:ownAdminRole"));
    const manager = await staffCtx(["manager"]);
    await expect(setStaffStatus(manager, target.id, "disabled")).rejects.toBeInstanceOf(PermissionDenied);
  });
});

describe("staff routes", () => {
  it("creates through the form; a duplicate e-mail is a field error and the password is not echoed", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const cookie = await signIn(admin.id);
    const email = `new-${uniq()}@hamkal.test`;
    const fields = { name: "Reza", email, password: "0123456789", roles: ["agent", "team_leader"], locale: "fa" };
    const short = await run(newRoute.action(args(post("/bureau/staff/new", cookie, { ...fields, password: "short" }))));
    expect(fieldErrors(short.data)).toEqual({ password: ["validation:tooShort|min=10"] });
    const ok = await run(newRoute.action(args(post("/bureau/staff/new", cookie, fields))));
    expect(ok).toMatchObject({ status: 302, location: "/bureau/staff?notice=created" });
    const dup = await run(newRoute.action(args(post("/bureau/staff/new", cookie, { ...fields, email: email.toUpperCase() }))));
    expect(fieldErrors(dup.data)).toEqual({ email: ["validation:emailTaken"] });
    expect((dup.data as { initialValue: Record<string, unknown> }).initialValue).not.toHaveProperty("password");

    const list = await run(listRoute.loader(args(get("/bureau/staff", cookie))));
    const created = (list.data as { staff: { email: string; roles: string[]; id: string }[] }).staff.find((s) => s.email === email)!;
    expect(created.roles).toEqual(["team_leader", "agent"]);

    const none = await run(editRoute.action(args(post(`/bureau/staff/${created.id}`, cookie, { intent: "roles" }), { userId: created.id })));
    expect(fieldErrors(none.data)).toEqual({ roles: ["validation:chooseOne"] });
    const disable = await run(editRoute.action(args(post(`/bureau/staff/${created.id}`, cookie, { intent: "disable" }), { userId: created.id })));
    expect(disable).toMatchObject({ status: 302, location: `/bureau/staff/${created.id}?notice=disabled` });
  });

  it("lets team leaders read but not manage staff", async () => {
    const lead = await makeUser({ staffRoles: ["team_leader"] });
    const cookie = await signIn(lead.id);
    expect((await run(listRoute.loader(args(get("/bureau/staff", cookie))))).data).toMatchObject({ canManage: false });
    expect((await run(newRoute.loader(args(get("/bureau/staff/new", cookie))))).status).toBe(403);
    const agent = await makeUser({ staffRoles: ["agent"] });
    expect((await run(listRoute.loader(args(get("/bureau/staff", await signIn(agent.id)))))).status).toBe(403);
  });
});
