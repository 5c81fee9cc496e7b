import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as loginAction, loader as loginLoader } from "~/routes/login";
import { action as logoutAction } from "~/routes/logout";
import { requireAuth } from "~/modules/auth/guards.server";
import { hashToken, validateSessionToken } from "~/modules/auth/session.server";
import { db } from "~/modules/platform/db.server";
import { resetEnvCache } from "~/modules/platform/env.server";
import { closeFactories, makeUser, uniq } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, cookieHeader, freshIp, get, post, run, sessionTokenFrom } from "./auth.helpers";

// Small limits for this file: 3 failures per account, 6 attempts per IP.
process.env.LOGIN_MAX_PER_ACCOUNT = "3";
process.env.LOGIN_MAX_PER_IP = "6";
process.env.LOGIN_WINDOW_SECONDS = "60";
resetEnvCache();

const owner = ownerDb();
afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

const login = (fields: Record<string, string>, opts: Parameters<typeof post>[2] = {}) => run(loginAction(args(post("/login", fields, opts))));

describe("login", () => {
  let staffUser: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    staffUser = await makeUser({ staffRoles: ["bureau_admin"] });
  });

  it("signs in, sets the session cookie and lands on the user's home", async () => {
    const res = await login({ email: staffUser.email.toUpperCase(), password: staffUser.password });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/bureau");
    const token = sessionTokenFrom(res.headers);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(res.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Lax; Max-Age=\d+/);
    const validated = await validateSessionToken(token!);
    expect(validated?.user.id).toBe(staffUser.id);
    expect(validated?.session.twoFactorVerified).toBe(true);
    const audit = await db().selectFrom("bureau_audit_log").select(["action", "ip"]).where("actor_user_id", "=", staffUser.id).execute();
    expect(audit.map((a) => a.action)).toContain("auth.login.succeeded");
  });

  it("rotates the session: the browser's previous session is deleted", async () => {
    const first = sessionTokenFrom((await login({ email: staffUser.email, password: staffUser.password })).headers)!;
    const second = await login({ email: staffUser.email, password: staffUser.password }, { cookie: cookieHeader({ hk_session: first }) });
    const secondToken = sessionTokenFrom(second.headers)!;
    expect(secondToken).not.toBe(first);
    expect(await validateSessionToken(first)).toBeNull();
    expect(await validateSessionToken(secondToken)).not.toBeNull();
    const rows = await db().selectFrom("sessions").select("id").where("id", "in", [hashToken(first), hashToken(secondToken)]).execute();
    expect(rows.map((r) => r.id)).toEqual([hashToken(secondToken)]);
  });

  it("honours a same-site redirectTo and ignores a foreign one", async () => {
    const user = await makeUser();
    const inside = await login({ email: user.email, password: user.password, redirectTo: "/t/acme/members?x=1" });
    expect(inside.headers.get("location")).toBe("/t/acme/members?x=1");
    const outside = await login({ email: user.email, password: user.password, redirectTo: "//evil.example/steal" });
    expect(outside.headers.get("location")).toBe("/profile");
  });

  it("answers a wrong password and an unknown e-mail the same way", async () => {
    const user = await makeUser();
    const wrong = await login({ email: user.email, password: "wrong password!" });
    const unknown = await login({ email: `nobody-${uniq()}@test.local`, password: "whatever pw" });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const { initialValue: _a, ...wrongReply } = wrong.data as Record<string, unknown>;
    const { initialValue: _b, ...unknownReply } = unknown.data as Record<string, unknown>;
    expect(wrongReply).toEqual(unknownReply);
    expect((wrong.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:login.invalid"]);
    expect(wrong.headers.get("set-cookie")).toBeNull();
    const failed = await db()
      .selectFrom("bureau_audit_log")
      .select(["action", "actor_user_id"])
      .where("action", "=", "auth.login.failed")
      .where("actor_label", "=", user.email)
      .execute();
    expect(failed).toHaveLength(1);
  });

  it("refuses a disabled user even with the right password", async () => {
    const user = await makeUser();
    await owner.updateTable("users").set({ status: "disabled" }).where("id", "=", user.id).execute();
    const res = await login({ email: user.email, password: user.password });
    expect(res.status).toBe(400);
    expect((res.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:login.disabled"]);
    const sessions = await db().selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(sessions).toHaveLength(0);
  });

  it("limits failures per account, whatever the IP, with a localized message", async () => {
    const user = await makeUser();
    for (let i = 0; i < 3; i++) expect((await login({ email: user.email, password: `wrong-${i}-xxxx` })).status).toBe(400);
    const limited = await login({ email: user.email, password: user.password }, { cookie: cookieHeader({ hk_lang: "fa" }) });
    expect(limited.status).toBe(429);
    expect((limited.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:login.rateLimited|minutes=۱"]);
    expect(limited.headers.get("set-cookie")).toBeNull();
    // An unknown address is limited the same way (no enumeration through the limiter).
    const ghost = `ghost-${uniq()}@test.local`;
    for (let i = 0; i < 3; i++) await login({ email: ghost, password: "wrong-xxxxxx" });
    expect((await login({ email: ghost, password: "wrong-xxxxxx" })).status).toBe(429);
  });

  it("limits attempts per IP across accounts", async () => {
    const ip = freshIp();
    const user = await makeUser();
    for (let i = 0; i < 6; i++) {
      expect((await login({ email: `probe-${i}-${uniq()}@test.local`, password: "wrong-xxxxxx" }, { ip })).status).toBe(400);
    }
    expect((await login({ email: user.email, password: user.password }, { ip })).status).toBe(429);
    // Another IP is unaffected.
    expect((await login({ email: user.email, password: user.password })).status).toBe(302);
  });

  it("sends a signed-in user away from the login page", async () => {
    const token = sessionTokenFrom((await login({ email: staffUser.email, password: staffUser.password })).headers)!;
    const res = await run(loginLoader(args(get("/login", { cookie: cookieHeader({ hk_session: token }) }))));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/bureau");
  });

  it("refuses a form without the CSRF token with 403", async () => {
    const res = await login({ email: staffUser.email, password: staffUser.password }, { csrf: null });
    expect(res.thrown).toBe(true);
    expect(res.status).toBe(403);
    const forged = await login({ email: staffUser.email, password: staffUser.password }, { csrf: "x".repeat(40) });
    expect(forged.status).toBe(403);
  });

  it("returns field-level errors for bad input", async () => {
    const res = await login({ email: "not an email", password: "" });
    expect(res.status).toBe(400);
    const reply = res.data as { error: Record<string, string[]> };
    expect(reply.error.email).toEqual(["validation:email"]);
    expect(reply.error.password).toEqual(["validation:required"]);
  });
});

describe("logout", () => {
  it("deletes the session, clears the cookie and audits", async () => {
    const user = await makeUser();
    const token = sessionTokenFrom((await login({ email: user.email, password: user.password })).headers)!;
    const res = await run(logoutAction(args(post("/logout", {}, { cookie: cookieHeader({ hk_session: token }) }))));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?signedOut=1");
    expect(res.headers.get("set-cookie")).toMatch(/hk_session=; .*Max-Age=0/);
    expect(await validateSessionToken(token)).toBeNull();
    const audit = await db().selectFrom("bureau_audit_log").select("action").where("actor_user_id", "=", user.id).execute();
    expect(audit.map((a) => a.action)).toContain("auth.logout");
    const after = await run(requireAuth(get("/profile", { cookie: cookieHeader({ hk_session: token }) })));
    expect(after.status).toBe(302);
  });

  it("requires the CSRF token", async () => {
    const user = await makeUser();
    const token = sessionTokenFrom((await login({ email: user.email, password: user.password })).headers)!;
    const res = await run(logoutAction(args(post("/logout", {}, { cookie: cookieHeader({ hk_session: token }), csrf: null }))));
    expect(res.status).toBe(403);
    expect(await validateSessionToken(token)).not.toBeNull();
  });
});
