import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantApiKey } from "~/modules/auth/api-keys.server";
import { attemptLogin, loginRules } from "~/modules/auth/login.server";
import { getAuth, requireAuth } from "~/modules/auth/guards.server";
import { ensureCsrfToken } from "~/modules/auth/csrf.server";
import { resetEnvCache } from "~/modules/platform/env.server";
import { createSession, generateSessionToken, hashToken } from "~/modules/auth/session.server";
import { generateTotpSecret } from "~/modules/auth/totp";
import { verifyLoginCode } from "~/modules/auth/two-factor.server";
import { sql } from "kysely";
import { totpCode } from "./auth.helpers";
import { loader as devMailLoader } from "~/routes/dev.mail";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as setLanguageAction } from "~/routes/set-language";
import { action as keysAction, loader as keysLoader } from "~/routes/t.$slug.api-keys";
import { closeFactories, makeTenant, makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, CSRF, get, post, signIn, thrownStatus } from "./portal.helpers";

/** Regression tests for defects found in the security review (one describe per defect). */
const owner = ownerDb();
afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

async function location(p: Promise<unknown>): Promise<string | null> {
  try {
    const res = await p;
    return res instanceof Response ? res.headers.get("location") : null;
  } catch (err) {
    if (err instanceof Response) return err.headers.get("location");
    throw err;
  }
}

describe("language switch redirect", () => {
  it("stays on this site for backslash and absolute targets", async () => {
    const cookie = await signIn((await makeUser()).id);
    const to = (redirectTo: string) => location(setLanguageAction(args(post("/set-language", cookie, { lang: "en", redirectTo }))));
    expect(await to("/\\evil.example/phish")).toBe("/");
    expect(await to("//evil.example")).toBe("/");
    expect(await to("https://evil.example/")).toBe("/");
    expect(await to("/t/acme?tab=1")).toBe("/t/acme?tab=1");
  });
});

describe("malformed cookies", () => {
  it("treat a cookie with a broken %-escape as absent instead of failing the request", async () => {
    const req = get("/profile", "hk_session=%E0%A4%A; hk_csrf=%ZZ");
    expect(await getAuth(req)).toBeNull();
    expect(await thrownStatus(requireAuth(req))).toBe(302);
    expect(ensureCsrfToken(req).setCookie).not.toBeNull();
  });
});

describe("tenant API keys stay in their tenant", () => {
  let a: Awaited<ReturnType<typeof makeTenant>>;
  let b: Awaited<ReturnType<typeof makeTenant>>;
  let cookieAdminA: string;
  beforeAll(async () => {
    a = await makeTenant();
    b = await makeTenant();
    cookieAdminA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] })).id);
  });

  it("does not list or revoke tenant B's key from tenant A's page", async () => {
    const adminB = await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] });
    const { key } = await createTenantApiKey(b.id, { name: "B key", scopes: ["numbers:read"] }, { userId: adminB.id, label: adminB.email });
    const list = await keysLoader(args(get(`/t/${a.slug}/api-keys`, cookieAdminA), { slug: a.slug }));
    expect(list.keys.map((k) => k.id)).not.toContain(key.id);
    const res = await keysAction(args(post(`/t/${a.slug}/api-keys`, cookieAdminA, { intent: "revoke", keyId: key.id }), { slug: a.slug }));
    expect(res.result.error?.[""]).toEqual(["portal:apiKeys.errors.notFound"]);
    const row = await owner.selectFrom("tenant_api_keys").select("revoked_at").where("id", "=", key.id).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });

  it("answers a field error, not a 500, for a malformed key id", async () => {
    const res = await keysAction(args(post(`/t/${a.slug}/api-keys`, cookieAdminA, { intent: "revoke", keyId: "1 or 1=1" }), { slug: a.slug }));
    expect(res.result.error?.keyId).toEqual(["validation:invalid"]);
  });
});

describe("the public mailbox", () => {
  function withEnv(vars: Record<string, string | undefined>, fn: () => Promise<void>) {
    const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    const set = (v: Record<string, string | undefined>) => {
      for (const [k, val] of Object.entries(v)) {
        if (val === undefined) delete process.env[k];
        else process.env[k] = val;
      }
      resetEnvCache();
    };
    set(vars);
    return fn().finally(() => set(saved));
  }

  it("does not exist in production unless DEV_MAILBOX turns it on (it shows reset links to anyone)", async () => {
    await withEnv({ NODE_ENV: "production", MAIL_TRANSPORT: "outbox", DEV_MAILBOX: undefined }, async () => {
      expect(await thrownStatus(devMailLoader(args(get("/dev/mail"))))).toBe(404);
    });
    await withEnv({ NODE_ENV: "production", MAIL_TRANSPORT: "outbox", DEV_MAILBOX: "true" }, async () => {
      expect(await thrownStatus(devMailLoader(args(get("/dev/mail"))))).toBe(200);
    });
  });
});

describe("forgot password answers without doing the account's work first", () => {
  it("answers known and unknown addresses alike, and the known one still gets its token", async () => {
    const user = await makeUser();
    const answer = async (email: string) => {
      const res = (await forgotAction(args(post("/forgot-password", `hk_lang=en; hk_csrf=${CSRF}`, { email })))) as { sent: boolean; result: unknown };
      expect(res.sent).toBe(true);
      return res.result;
    };
    const known = await answer(user.email);
    const unknown = await answer(`ghost-${user.id}@test.local`);
    expect(known).toEqual(unknown);
    let token: unknown;
    for (let i = 0; i < 50 && !token; i++) {
      token = await owner.selectFrom("password_reset_tokens").select("id").where("user_id", "=", user.id).executeTakeFirst();
      if (!token) await new Promise((r) => setTimeout(r, 50));
    }
    expect(token).toBeDefined();
  });
});

describe("second factor and its audit entry", () => {
  it("leave the session unverified when the audit entry cannot be written (one transaction)", async () => {
    const user = await makeUser({ staffRoles: ["manager"] });
    const secret = generateTotpSecret();
    await owner.updateTable("users").set({ totp_secret: secret, totp_enabled_at: new Date() }).where("id", "=", user.id).execute();
    const token = generateSessionToken();
    const session = await createSession(token, user.id, { twoFactorVerified: false });
    // Make the audit insert for this one user fail, as a full disk or a lost connection would.
    const fn = `fail_audit_${user.id.replace(/-/g, "")}`;
    await sql
      .raw(
        `create function ${fn}() returns trigger language plpgsql as $$ begin
           if new.actor_user_id = '${user.id}' then raise exception 'audit unavailable'; end if; return new; end $$;
         create trigger ${fn} before insert on bureau_audit_log for each row execute function ${fn}();`,
      )
      .execute(owner);
    try {
      await expect(verifyLoginCode(session, totpCode(secret), "10.9.9.9")).rejects.toThrow(/audit unavailable/);
    } finally {
      await sql.raw(`drop trigger ${fn} on bureau_audit_log; drop function ${fn}();`).execute(owner);
    }
    const row = await owner.selectFrom("sessions").select("two_factor_verified").where("id", "=", hashToken(token)).executeTakeFirstOrThrow();
    expect(row.two_factor_verified).toBe(false);
  });
});

describe("the per-account login limit", () => {
  it("holds against concurrent guesses from many addresses", async () => {
    const user = await makeUser();
    const max = loginRules().account.max;
    const results = await Promise.all(
      Array.from({ length: max + 8 }, (_, i) => attemptLogin({ email: user.email, password: `guess-${i}`, ip: `10.77.${i}.${process.pid % 250}` })),
    );
    const checked = results.filter((r) => !r.ok && r.reason === "invalid").length;
    expect(checked).toBeLessThanOrEqual(max);
    expect(results.filter((r) => !r.ok && r.reason === "rateLimited").length).toBeGreaterThanOrEqual(8);
  });
});

describe("the second-factor limit", () => {
  it("holds against a burst of concurrent code guesses", async () => {
    const user = await makeUser({ staffRoles: ["manager"] });
    const secret = generateTotpSecret();
    await owner.updateTable("users").set({ totp_secret: secret, totp_enabled_at: new Date() }).where("id", "=", user.id).execute();
    const session = await createSession(generateSessionToken(), user.id, { twoFactorVerified: false });
    const max = loginRules().account.max;
    const good = totpCode(secret);
    const guesses = Array.from({ length: max + 10 }, (_, i) => String((Number(good) + 1 + i) % 1_000_000).padStart(6, "0"));
    const results = await Promise.all(guesses.map((g) => verifyLoginCode(session, g, "10.8.8.8")));
    expect(results.filter((r) => !r.ok && r.reason === "invalid").length).toBeLessThanOrEqual(max);
    expect(results.filter((r) => !r.ok && r.reason === "rateLimited").length).toBeGreaterThanOrEqual(10);
  });
});
