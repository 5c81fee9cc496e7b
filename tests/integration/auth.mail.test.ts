import { UnrecoverableError } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { loader as bureauOutboxLoader } from "~/routes/bureau.outbox";
import { loader as devMailLoader } from "~/routes/dev.mail";
import { createSession, generateSessionToken } from "~/modules/auth/session.server";
import { handleMailSend } from "~/modules/mail/send.server";
import { renderMail } from "~/modules/mail/templates.server";
import { resetEnvCache } from "~/modules/platform/env.server";
import { closeQueues, enqueue, queue } from "~/modules/platform/queues.server";
import { processJob } from "../../workers/runner";
import { closeFactories, makeUser, uniq } from "../setup/factories";
import { args, cookieHeader, get, run } from "./auth.helpers";

process.env.MAIL_TRANSPORT = "outbox";
process.env.PUBLIC_URL = "https://demo.hamkal.test";
resetEnvCache();

afterAll(async () => {
  await queue("mail.send").obliterate({ force: true }).catch(() => undefined);
  await closeQueues();
  await closeFactories();
});

const job = (over: Record<string, unknown> = {}) => ({
  template: "passwordReset" as const,
  to: `r-${uniq()}@test.local`,
  locale: "nl" as const,
  name: "Sanne",
  token: "abcdefghijklmnopqrstuvwxyz234567",
  expiresMinutes: 60,
  ...over,
});

async function signedIn(staffRoles: ("bureau_admin" | "manager")[]) {
  const user = await makeUser({ staffRoles });
  const token = generateSessionToken();
  await createSession(token, user.id, { twoFactorVerified: true });
  return cookieHeader({ hk_session: token });
}

describe("mail queue", () => {
  it("validates payloads before they reach Redis", async () => {
    // @ts-expect-error an unknown template is a type error, and a runtime error too
    await expect(enqueue("mail.send", { ...job(), template: "spam" })).rejects.toThrow();
    await expect(enqueue("mail.send", job({ to: "not-an-address" }))).rejects.toThrow();
  });

  it("uses a deterministic job id: the same reset mail is queued once", async () => {
    const payload = job({ token: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" });
    const a = await enqueue("mail.send", payload);
    const b = await enqueue("mail.send", payload);
    expect(a).toBe(b);
    expect(a).toMatch(/^passwordReset-[0-9a-f]{40}$/);
    const stored = await queue("mail.send").getJob(a);
    expect(stored?.opts.attempts).toBe(6);
    expect(stored?.opts.backoff).toEqual({ type: "exponential", delay: 5000 });
  });

  it("does not retry a job whose payload is invalid", async () => {
    await expect(processJob("mail.send", { id: "x1", data: { template: "passwordReset" }, attemptsMade: 0 })).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });
});

describe("mail templates and the outbox", () => {
  it("renders the reset mail in Dutch with the public link", async () => {
    const mail = await renderMail(job());
    expect(mail.subject).toBe("Uw Hamkal-wachtwoord herstellen");
    expect(mail.text).toContain("Beste Sanne,");
    expect(mail.text).toContain("https://demo.hamkal.test/reset-password/abcdefghijklmnopqrstuvwxyz234567");
    expect(mail.html).toContain('lang="nl" dir="ltr"');
  });

  it("escapes HTML in names", async () => {
    const mail = await renderMail(job({ name: "<script>x</script>" }));
    expect(mail.html).not.toContain("<script>");
    expect(mail.html).toContain("&lt;script&gt;");
  });

  it("keeps mail in the outbox and shows it at /dev/mail and /bureau/outbox", async () => {
    const payload = job({ locale: "en" });
    const delivered = await handleMailSend(payload);
    expect(delivered.transport).toBe("outbox");

    const dev = await run(devMailLoader(args(get("/dev/mail"))));
    const mails = (dev.data as { mails: { to: string; subject: string; text: string }[] }).mails;
    const mine = mails.find((m) => m.to === payload.to);
    expect(mine?.subject).toBe("Reset your Hamkal password");
    expect(mine?.text).toContain("https://demo.hamkal.test/reset-password/");
    expect(mails.length).toBeLessThanOrEqual(50);

    const admin = await run(bureauOutboxLoader(args(get("/bureau/outbox", { cookie: await signedIn(["bureau_admin"]) }))));
    expect(admin.status).toBe(200);
    expect((admin.data as { mails: { to: string }[] }).mails.some((m) => m.to === payload.to)).toBe(true);

    const manager = await run(bureauOutboxLoader(args(get("/bureau/outbox", { cookie: await signedIn(["manager"]) }))));
    expect(manager.status).toBe(403);
    const anonymous = await run(bureauOutboxLoader(args(get("/bureau/outbox"))));
    expect(anonymous.status).toBe(302);
  });

  it("has no /dev/mail when mail goes out through SMTP", async () => {
    process.env.MAIL_TRANSPORT = "smtp";
    process.env.SMTP_URL = "smtp://127.0.0.1:2525";
    resetEnvCache();
    try {
      expect((await run(devMailLoader(args(get("/dev/mail"))))).status).toBe(404);
    } finally {
      process.env.MAIL_TRANSPORT = "outbox";
      resetEnvCache();
    }
  });
});
