import { afterAll, describe, expect, it } from "vitest";
import { action as loginAction } from "~/routes/login";
import { action as twoFactorAction, loader as twoFactorLoader } from "~/routes/login_.2fa";
import { action as profileAction, loader as profileLoader } from "~/routes/profile";
import { requireAuth } from "~/modules/auth/guards.server";
import { generateTotpSecret } from "~/modules/auth/totp";
import { validateSessionToken } from "~/modules/auth/session.server";
import { toPersianDigits } from "~/modules/i18n/format";
import { db } from "~/modules/platform/db.server";
import { closeFactories, makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, cookieHeader, get, post, run, sessionTokenFrom, totpCode } from "./auth.helpers";

const owner = ownerDb();
afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

async function userWithTotp() {
  const user = await makeUser({ staffRoles: ["manager"] });
  const secret = generateTotpSecret();
  await owner.updateTable("users").set({ totp_secret: secret, totp_enabled_at: new Date() }).where("id", "=", user.id).execute();
  return { ...user, secret };
}

async function passwordStep(user: { email: string; password: string }, redirectTo?: string) {
  const res = await run(loginAction(args(post("/login", { email: user.email, password: user.password, ...(redirectTo ? { redirectTo } : {}) }))));
  return { res, token: sessionTokenFrom(res.headers)! };
}

describe("two-factor sign-in", () => {
  it("creates an unverified session and sends the user to /login/2fa", async () => {
    const user = await userWithTotp();
    const { res, token } = await passwordStep(user, "/bureau/staff");
    expect(res.headers.get("location")).toBe("/login/2fa?redirectTo=%2Fbureau%2Fstaff");
    const validated = await validateSessionToken(token);
    expect(validated?.session.twoFactorVerified).toBe(false);
    const guarded = await run(requireAuth(get("/bureau/agents", { cookie: cookieHeader({ hk_session: token }) })));
    expect(guarded.status).toBe(302);
    expect(guarded.headers.get("location")).toBe("/login/2fa?redirectTo=%2Fbureau%2Fagents");
    const page = await run(twoFactorLoader(args(get("/login/2fa", { cookie: cookieHeader({ hk_session: token }) }))));
    expect(page.status).toBe(200);
  });

  it("verifies a code typed in Persian digits, then the code cannot be replayed", async () => {
    const user = await userWithTotp();
    const { token } = await passwordStep(user);
    const cookie = cookieHeader({ hk_session: token });
    const code = totpCode(user.secret);
    const res = await run(twoFactorAction(args(post("/login/2fa", { code: toPersianDigits(code), redirectTo: "/bureau/tenants" }, { cookie }))));
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/bureau/tenants");
    expect((await validateSessionToken(token))?.session.twoFactorVerified).toBe(true);
    expect((await run(requireAuth(get("/bureau", { cookie })))).thrown).toBe(false);

    // The same code on a second browser is refused.
    const second = await passwordStep(user);
    const replay = await run(
      twoFactorAction(args(post("/login/2fa", { code }, { cookie: cookieHeader({ hk_session: second.token }) }))),
    );
    expect(replay.status).toBe(400);
    expect((replay.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:twoFactor.invalid"]);
    const audit = await db().selectFrom("bureau_audit_log").select("action").where("actor_user_id", "=", user.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["auth.2fa.succeeded", "auth.2fa.failed"]));
  });

  it("rejects wrong and malformed codes with field errors", async () => {
    const user = await userWithTotp();
    const { token } = await passwordStep(user);
    const cookie = cookieHeader({ hk_session: token });
    const malformed = await run(twoFactorAction(args(post("/login/2fa", { code: "12ab" }, { cookie }))));
    expect((malformed.data as { error: Record<string, string[]> }).error.code).toEqual(["validation:otpCode"]);
    expect((await validateSessionToken(token))?.session.twoFactorVerified).toBe(false);
  });

  it("rate-limits codes: after five failures even the right code is refused", async () => {
    const user = await userWithTotp();
    const { token } = await passwordStep(user);
    const cookie = cookieHeader({ hk_session: token });
    const good = totpCode(user.secret);
    const bad = String((Number(good) + 500_000) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 5; i++) expect((await run(twoFactorAction(args(post("/login/2fa", { code: bad }, { cookie }))))).status).toBe(400);
    const limited = await run(twoFactorAction(args(post("/login/2fa", { code: good }, { cookie }))));
    expect(limited.status).toBe(429);
    expect((limited.data as { error: Record<string, string[]> }).error[""]?.[0]).toMatch(/^auth:twoFactor\.rateLimited\|minutes=\d+$/);
    expect((await validateSessionToken(token))?.session.twoFactorVerified).toBe(false);
  });

  it("needs a session at all", async () => {
    const res = await run(twoFactorLoader(args(get("/login/2fa?redirectTo=%2Fprofile"))));
    expect(res.headers.get("location")).toBe("/login?redirectTo=%2Fprofile");
  });
});

describe("enabling and disabling TOTP on the profile", () => {
  it("shows a QR code, enables with a valid code, disables with a current code", async () => {
    const user = await makeUser();
    const { token } = await passwordStep(user);
    const cookie = cookieHeader({ hk_session: token });
    const profile = (form: Record<string, string>) => run(profileAction(args(post("/profile", form, { cookie }))));

    expect((await profile({ intent: "totp-start" })).status).toBe(200);
    const page = (await run(profileLoader(args(get("/profile", { cookie }))))).data as {
      totp: { pending: { secret: string; qr: string } | null; enabled: boolean };
    };
    expect(page.totp.enabled).toBe(false);
    expect(page.totp.pending?.qr).toMatch(/^data:image\/svg\+xml/);
    expect(decodeURIComponent(page.totp.pending!.qr)).toContain("<svg");
    const stored = await owner.selectFrom("users").select(["totp_secret", "totp_enabled_at"]).where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(stored.totp_secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(page.totp.pending!.secret.replace(/ /g, "")).toBe(stored.totp_secret);
    expect(stored.totp_enabled_at).toBeNull();

    const wrong = await profile({ intent: "totp-enable", code: "000000" === totpCode(stored.totp_secret!) ? "111111" : "000000" });
    expect((wrong.data as { result: { error: Record<string, string[]> } }).result.error.code).toEqual(["auth:profile.twoFactor.invalid"]);

    const enable = await profile({ intent: "totp-enable", code: totpCode(stored.totp_secret!) });
    expect(enable.status).toBe(200);
    expect((enable.data as { notice: string }).notice).toBe("profile.twoFactor.enabled");
    const enabled = await validateSessionToken(token);
    expect(enabled?.user.totpEnabled).toBe(true);
    expect(enabled?.session.twoFactorVerified).toBe(true);

    // Disabling needs a code that has not been used yet: the previous step's code is still in grace.
    const disable = await profile({ intent: "totp-disable", code: totpCode(stored.totp_secret!, -1) });
    expect((disable.data as { notice: string }).notice).toBe("profile.twoFactor.disabled");
    const after = await owner.selectFrom("users").select(["totp_secret", "totp_enabled_at"]).where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(after).toEqual({ totp_secret: null, totp_enabled_at: null });
    const audit = await db().selectFrom("bureau_audit_log").select("action").where("actor_user_id", "=", user.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["auth.2fa.enabled", "auth.2fa.disabled"]));
  });

  it("saves name and language, changes the password and signs out other sessions", async () => {
    const user = await makeUser();
    const { token } = await passwordStep(user);
    const { token: other } = await passwordStep(user);
    const cookie = cookieHeader({ hk_session: token });
    const profile = (form: Record<string, string>) => run(profileAction(args(post("/profile", form, { cookie }))));

    const bad = await profile({ intent: "profile", name: "", locale: "xx" });
    expect((bad.data as { result: { error: Record<string, string[]> } }).result.error).toMatchObject({
      name: ["validation:required"],
      locale: ["validation:invalid"],
    });
    const saved = await profile({ intent: "profile", name: "Zahra Ahmadi", locale: "nl" });
    expect(saved.headers.get("set-cookie")).toMatch(/hk_lang=nl/);
    const row = await owner.selectFrom("users").select(["name", "locale"]).where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ name: "Zahra Ahmadi", locale: "nl" });

    const wrong = await profile({ intent: "password", currentPassword: "not it at all", newPassword: "a brand new secret", confirm: "a brand new secret" });
    expect((wrong.data as { result: { error: Record<string, string[]> } }).result.error.currentPassword).toEqual(["auth:profile.password.wrong"]);
    const changed = await profile({ intent: "password", currentPassword: user.password, newPassword: "a brand new secret", confirm: "a brand new secret" });
    expect((changed.data as { notice: string }).notice).toBe("profile.password.changed");
    expect(await validateSessionToken(token)).not.toBeNull();
    expect(await validateSessionToken(other)).toBeNull();
    const relogin = await run(loginAction(args(post("/login", { email: user.email, password: "a brand new secret" }))));
    expect(relogin.status).toBe(302);
    const audit = await db().selectFrom("bureau_audit_log").select("action").where("actor_user_id", "=", user.id).execute();
    expect(audit.map((a) => a.action)).toContain("auth.password.changed");
  });

  it("refuses profile changes without CSRF", async () => {
    const user = await makeUser();
    const { token } = await passwordStep(user);
    const res = await run(profileAction(args(post("/profile", { intent: "profile", name: "X", locale: "fa" }, { cookie: cookieHeader({ hk_session: token }), csrf: null }))));
    expect(res.status).toBe(403);
  });
});
