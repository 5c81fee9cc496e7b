import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as loginAction } from "~/routes/login";
import { action as resetAction, loader as resetLoader } from "~/routes/reset-password.$token";
import { hashResetToken, requestPasswordReset, resetPassword, resetTokenValid } from "~/modules/auth/password-reset.server";
import { createSession, generateSessionToken, validateSessionToken } from "~/modules/auth/session.server";
import { db } from "~/modules/platform/db.server";
import { resetEnvCache } from "~/modules/platform/env.server";
import { closeQueues, queue } from "~/modules/platform/queues.server";
import { closeMailTransport } from "~/modules/mail/transport.server";
import { startWorkers, type RunningWorkers } from "../../workers/runner";
import { closeFactories, makeUser, uniq } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, freshIp, get, post, run } from "./auth.helpers";

/** A local SMTP server (the real protocol, no auth, no TLS) that keeps what it receives. */
interface Received {
  from: string;
  to: string[];
  raw: string;
}
const inbox: Received[] = [];
const waiters: (() => void)[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS", "AUTH"],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      inbox.push({
        from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        to: session.envelope.rcptTo.map((r) => r.address),
        raw: Buffer.concat(chunks).toString("utf8"),
      });
      waiters.splice(0).forEach((w) => w());
      callback();
    });
  },
});

async function mailFor(address: string, timeoutMs = 15_000): Promise<Received> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = inbox.find((m) => m.to.includes(address));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no mail for ${address}`);
    await new Promise<void>((resolve) => {
      waiters.push(resolve);
      setTimeout(resolve, 200);
    });
  }
}

/** The decoded text of every MIME part (base64 or quoted-printable), plus the decoded subject. */
function decodeMail(raw: string) {
  const out: string[] = [];
  const subject = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? "";
  out.push(
    subject.replace(/\r\n[ \t]/g, "").replace(/=\?utf-8\?([BQ])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toUpperCase() === "B" ? Buffer.from(text, "base64").toString("utf8") : decodeQuotedPrintable(text.replace(/_/g, " ")),
    ),
  );
  for (const part of raw.split(/\r\n--[^\r\n]+\r\n/)) {
    const [head = "", ...rest] = part.split("\r\n\r\n");
    const body = rest.join("\r\n\r\n");
    if (/Content-Transfer-Encoding: base64/i.test(head)) out.push(Buffer.from(body.replace(/[\r\n]|--.*$/g, ""), "base64").toString("utf8"));
    else out.push(decodeQuotedPrintable(body));
  }
  return out.join("\n");
}

/** Undo quoted-printable (soft line breaks and =XX bytes) so the body can be searched. */
function decodeQuotedPrintable(s: string) {
  const joined = s.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const m = /^=([0-9A-F]{2})/.exec(joined.slice(i, i + 3));
    if (m) {
      bytes.push(parseInt(m[1]!, 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

let workers: RunningWorkers;
const owner = ownerDb();

beforeAll(async () => {
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  process.env.MAIL_TRANSPORT = "smtp";
  process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
  process.env.PUBLIC_URL = "https://hamkal.test";
  process.env.MAIL_FROM = "Hamkal <no-reply@hamkal.test>";
  resetEnvCache();
  workers = startWorkers(["mail.send"]);
  await Promise.all(workers.workers.map((w) => w.waitUntilReady()));
});

afterAll(async () => {
  await workers?.close();
  await queue("mail.send").obliterate({ force: true }).catch(() => undefined);
  await closeQueues();
  closeMailTransport();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await owner.destroy();
  await closeFactories();
});

const linkIn = (mail: Received) => {
  const m = /https:\/\/hamkal\.test\/reset-password\/([a-z2-7]{32})/.exec(decodeMail(mail.raw));
  if (!m) throw new Error(`no reset link in:\n${mail.raw}`);
  return { url: m[0], token: m[1]! };
};

describe("password reset", () => {
  it("mails a working link through the workers and SMTP, then resets the password once", async () => {
    const user = await makeUser({ locale: "en" });
    const sessionToken = generateSessionToken();
    await createSession(sessionToken, user.id, { twoFactorVerified: true });

    await requestPasswordReset({ email: user.email.toUpperCase(), ip: freshIp(), fallbackLocale: "fa" });
    const mail = await mailFor(user.email);
    expect(mail.from).toBe("no-reply@hamkal.test");
    expect(mail.raw).toMatch(/^Subject: Reset your Hamkal password/m);
    const { token } = linkIn(mail);

    // Only the hash is stored, with a one-hour expiry.
    const row = await db().selectFrom("password_reset_tokens").selectAll().where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.id).toBe(hashResetToken(token));
    expect(row.id).not.toContain(token);
    expect(Math.abs(row.expires_at.getTime() - Date.now() - 3_600_000)).toBeLessThan(60_000);

    // The link opens the form.
    const page = await run(resetLoader(args(get(`/reset-password/${token}`), { token })));
    expect((page.data as { valid: boolean }).valid).toBe(true);

    // Bad input: field-level errors, nothing changed.
    const bad = await run(resetAction(args(post(`/reset-password/${token}`, { password: "short", confirm: "other" }), { token })));
    expect(bad.status).toBe(400);
    expect((bad.data as { error: Record<string, string[]> }).error).toMatchObject({ password: ["validation:tooShort|min=10"] });
    expect(await resetTokenValid(token)).toBe(true);

    const done = await run(resetAction(args(post(`/reset-password/${token}`, { password: "a fresh password 1", confirm: "a fresh password 1" }), { token })));
    expect(done.status).toBe(302);
    expect(done.headers.get("location")).toBe("/login?reset=1");

    // Signed out everywhere; old password gone, new one works; the link is spent.
    expect(await validateSessionToken(sessionToken)).toBeNull();
    expect((await run(loginAction(args(post("/login", { email: user.email, password: user.password }))))).status).toBe(400);
    expect((await run(loginAction(args(post("/login", { email: user.email, password: "a fresh password 1" }))))).status).toBe(302);
    expect(await resetTokenValid(token)).toBe(false);
    const again = await run(resetAction(args(post(`/reset-password/${token}`, { password: "another password 2", confirm: "another password 2" }), { token })));
    expect(again.status).toBe(400);
    expect((again.data as { error: Record<string, string[]> }).error[""]).toEqual(["auth:reset.invalidLink"]);
    const audit = await db().selectFrom("bureau_audit_log").select("action").where("actor_user_id", "=", user.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["auth.password_reset.requested", "auth.password_reset.completed"]));
  });

  it("writes the mail in the recipient's language (Persian, right-to-left)", async () => {
    const user = await makeUser({ locale: "fa" });
    await requestPasswordReset({ email: user.email, ip: freshIp(), fallbackLocale: "en" });
    const body = decodeMail((await mailFor(user.email)).raw);
    expect(body).toContain("بازیابی گذرواژهٔ حساب همکال");
    expect(body).toContain('dir="rtl"');
    expect(body).toContain("۶۰ دقیقه");
    linkIn(await mailFor(user.email));
  });

  it("answers the form the same for unknown addresses and sends nothing", async () => {
    const ghost = `ghost-${uniq()}@test.local`;
    const res = await run(forgotAction(args(post("/forgot-password", { email: ghost }))));
    expect(res.status).toBe(200);
    expect((res.data as { sent: boolean }).sent).toBe(true);
    const user = await makeUser();
    const known = await run(forgotAction(args(post("/forgot-password", { email: user.email }))));
    expect((known.data as { sent: boolean }).sent).toBe(true);
    await mailFor(user.email);
    expect(inbox.some((m) => m.to.includes(ghost))).toBe(false);
  });

  it("validates the forgot-password form and its CSRF token", async () => {
    const bad = await run(forgotAction(args(post("/forgot-password", { email: "nope" }))));
    expect(bad.status).toBe(400);
    expect((bad.data as { result: { error: Record<string, string[]> } }).result.error.email).toEqual(["validation:email"]);
    const forged = await run(forgotAction(args(post("/forgot-password", { email: "a@b.co" }, { csrf: null }))));
    expect(forged.status).toBe(403);
  });

  it("refuses expired and unknown tokens", async () => {
    const user = await makeUser();
    const token = "abcdefghijklmnopqrstuvwxyz234567";
    await owner
      .insertInto("password_reset_tokens")
      .values({ id: hashResetToken(token), user_id: user.id, expires_at: new Date(Date.now() - 1000) })
      .execute();
    expect(await resetTokenValid(token)).toBe(false);
    expect((await resetPassword(token, "whatever password", "127.0.0.1")).ok).toBe(false);
    expect((await resetPassword("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "whatever password", "127.0.0.1")).ok).toBe(false);
    expect((await resetPassword("../not-a-token", "whatever password", "127.0.0.1")).ok).toBe(false);
    const page = await run(resetLoader(args(get(`/reset-password/${token}`), { token })));
    expect((page.data as { valid: boolean }).valid).toBe(false);
  });
});
