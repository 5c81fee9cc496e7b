import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCall } from "~/modules/interactions/calls.server";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import { assignFlowToNumber, createFlow, publish, saveDraft } from "~/modules/ivr/flows.server";
import { hangUp, pressDigits, sendQueueTick, startSimulatedCall } from "~/modules/telephony/simulator.server";
import { action, loader } from "~/routes/t.$slug.simulator";
import { closeFactories, makeTenant, makeUser } from "../setup/factories";
import { closeOwner, ownerConn } from "./bureau.helpers";
import { args, get, post, signIn, thrownStatus } from "./portal.helpers";

afterAll(async () => {
  await closeFactories();
  await closeOwner();
});

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let numberId: string;
let e164: string;
let admin: string;
let viewer: string;
let actor: { userId: string; label: string };

const randomNumber = () => `+98217${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
const page = (t: Tenant, q = "") => `/t/${t.slug}/simulator${q}`;

/** Open around the clock, so the operator flow takes its daytime branch whenever the test runs. */
async function alwaysOpen(tenantId: string) {
  await ownerConn()
    .insertInto("tenant_business_hours")
    .values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ tenant_id: tenantId, weekday, opens_at: "00:00", closes_at: "24:00" })))
    .execute();
}

async function operatorLine(tenant: Tenant, userId: string) {
  const who = { userId, label: "admin" };
  const flowId = (await createFlow(tenant.id, "Operator", who)).id;
  await saveDraft(tenant.id, flowId, operatorFlow, { tenantLanguages: ["fa", "en"], queueIds: [...OPERATOR_QUEUE_IDS] }, who);
  await publish(tenant.id, flowId, who);
  const number = randomNumber();
  const id = (await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164: number }).returning("id").executeTakeFirstOrThrow()).id;
  await assignFlowToNumber(tenant.id, id, flowId, who);
  return { id, e164: number };
}

beforeAll(async () => {
  a = await makeTenant({ name: "Hamrah" });
  b = await makeTenant({ name: "Other" });
  const adminUser = await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] });
  actor = { userId: adminUser.id, label: adminUser.email };
  admin = await signIn(adminUser.id);
  viewer = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
  await alwaysOpen(a.id);
  ({ id: numberId, e164 } = await operatorLine(a, adminUser.id));
});

type Data = Awaited<ReturnType<typeof loader>>;
type Current = NonNullable<Data["current"]>;

async function view(callId: string, cookie = admin): Promise<Current> {
  const data = await loader(args(get(page(a, `?call=${callId}`), cookie), { slug: a.slug }));
  return data.current!;
}

/** Posts a form to the action; a success is a redirect to the call's page. */
async function submit(fields: Record<string, string>, cookie = admin, tenant = a) {
  return action(args(post(page(tenant), cookie, fields), { slug: tenant.slug }));
}

async function call(language: "fa" | "en"): Promise<string> {
  const res = await submit({ intent: "call", numberId, language, attempt: `attempt-${Math.random().toString(36).slice(2)}` });
  expect(res).toBeInstanceOf(Response);
  const location = (res as Response).headers.get("location")!;
  expect(location).toMatch(new RegExp(`^/t/${a.slug}/simulator\\?call=`));
  return new URL(location, "http://x").searchParams.get("call")!;
}

const prompts = (c: Current) => c.transcript.filter((l) => l.kind === "prompt").map((l) => l.text);

describe("the call simulator page", () => {
  it("lists only numbers with a published flow and the tenant's languages, default first", async () => {
    const data = await loader(args(get(page(a), admin), { slug: a.slug }));
    expect(data.numbers).toEqual([{ id: numberId, e164, label: "", flow: "Operator" }]);
    expect(data.languages[0]).toBe("fa");
    expect(data.current).toBeNull();
    await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: b.id, e164: randomNumber() }).execute();
    const bAdmin = await signIn((await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] })).id);
    const other = await loader(args(get(page(b), bAdmin), { slug: b.slug }));
    expect(other.numbers).toEqual([]);
  });

  it("calls in Persian, follows the menu into the queue, and ignores a duplicate step", async () => {
    const id = await call("fa");
    let c = await view(id);
    expect(c.state).toBe("ivr");
    expect(c.language).toBe("fa");
    expect(prompts(c)).toEqual(["به مرکز تماس همراه خوش آمدید.", "برای ادامه به فارسی ۱ را فشار دهید."]);
    expect(c.transcript.every((l) => l.language === "fa")).toBe(true);
    expect(c.expecting).toMatchObject({ kind: "digits", maxDigits: 1 });
    expect(c.step).toBe(0);

    // 1: Persian, then the main menu.
    expect((await submit({ intent: "digits", callId: id, step: "0", digits: "۱" })) as Response).toHaveProperty("status", 302);
    c = await view(id);
    expect(c.step).toBe(1);
    expect(c.transcript.some((l) => l.kind === "caller" && l.text.includes("۱"))).toBe(true);
    expect(prompts(c).at(-1)).toMatch(/^برای اطلاع از مانده حساب/);

    // The same step submitted again (a double click) changes nothing.
    const before = (await getCall(a.id, id))!.events.length;
    await submit({ intent: "digits", callId: id, step: "0", digits: "1" });
    expect((await getCall(a.id, id))!.events.length).toBe(before);
    expect((await view(id)).step).toBe(1);

    // 2: technical support, into its queue.
    await submit({ intent: "digits", callId: id, step: "1", digits: "2" });
    c = await view(id);
    expect(c.state).toBe("queued");
    expect(c.expecting).toMatchObject({ kind: "queue", callbackDigit: null, waitedSeconds: 0 });
    expect(c.transcript.some((l) => l.kind === "queue" && l.text.includes("support"))).toBe(true);
    expect(prompts(c).at(-1)).toBe("تماس شما به پشتیبانی فنی منتقل می‌شود؛ لطفاً شکیبا باشید.");

    // Time passes: the wait is long, a callback is offered, and accepted.
    await submit({ intent: "tick", callId: id, step: "2", waited: "60", estimated: "3", position: "4" });
    c = await view(id);
    expect(c.expecting).toMatchObject({ kind: "queue", callbackDigit: null, waitedSeconds: 60 });
    expect(c.transcript.filter((l) => l.kind === "queue").map((l) => l.text)).toEqual(
      expect.arrayContaining(["شما نفر ۴ در صف هستید.", "زمان انتظار شما حدود ۳ دقیقه است."]),
    );
    await submit({ intent: "tick", callId: id, step: "3", waited: "130", estimated: "6", position: "3" });
    c = await view(id);
    expect(c.expecting).toMatchObject({ kind: "queue", callbackDigit: "1", waitedSeconds: 130 });
    expect(prompts(c).at(-1)).toBe("برای اینکه به جای انتظار با شما تماس بگیریم، ۱ را فشار دهید.");
    await submit({ intent: "digits", callId: id, step: "4", digits: "1" });
    c = await view(id);
    expect(c.live).toBe(false);
    expect(c.state).toBe("completed");
    expect(c.transcript.at(-1)!.kind).toBe("ended");
    // No more input once the call is over.
    const late = (await submit({ intent: "timeout", callId: id, step: "5" })) as { result: { error?: Record<string, string[]> } };
    expect(late.result.error?.[""]).toEqual(["voice:errors.ended"]);
  });

  it("calls in English with English prompts, and hanging up in the queue abandons the call", async () => {
    const id = await call("en");
    let c = await view(id);
    expect(prompts(c)).toEqual(["Welcome to the Hamrah customer line.", "For English, press 2."]);
    expect(c.transcript[0]).toMatchObject({ kind: "system", language: "en" });
    await submit({ intent: "digits", callId: id, step: "0", digits: "2" });
    await submit({ intent: "digits", callId: id, step: "1", digits: "0" });
    c = await view(id);
    expect(prompts(c).at(-1)).toBe("Please hold for the next available agent.");
    expect(c.state).toBe("queued");
    await submit({ intent: "hangup", callId: id, step: "2" });
    await submit({ intent: "hangup", callId: id, step: "2" });
    c = await view(id);
    expect(c.state).toBe("abandoned");
    expect(c.live).toBe(false);
    expect(c.transcript.filter((l) => l.kind === "caller" && l.text === "Hung up.")).toHaveLength(1);
  });

  it("keeps the transcript when the page is reloaded", async () => {
    const started = await startSimulatedCall(a.id, numberId, "fa", actor);
    expect(started.lines.filter((l) => l.kind === "prompt").map((l) => l.text)).toEqual([
      "به مرکز تماس همراه خوش آمدید.",
      "برای ادامه به فارسی ۱ را فشار دهید.",
    ]);
    const pressed = await pressDigits(a.id, started.call.id, "1", 0);
    expect(pressed.duplicate).toBe(false);
    expect(pressed.lines.at(-1)).toMatchObject({ kind: "input-request" });
    expect((await pressDigits(a.id, started.call.id, "1", 0)).duplicate).toBe(true);
    const first = await view(started.call.id);
    const again = await view(started.call.id);
    expect(again.transcript).toEqual(first.transcript);
    expect(first.transcript.filter((l) => l.kind === "prompt")).toHaveLength(3);
    await hangUp(a.id, started.call.id, 1);
    await expect(sendQueueTick(a.id, started.call.id, { waitedSeconds: 1, estimatedWaitSeconds: null, position: null }, 2)).rejects.toMatchObject({
      key: "ended",
    });
  });

  it("answers field errors for bad input, never a 500", async () => {
    const id = await call("fa");
    const bad = (await submit({ intent: "digits", callId: id, step: "0", digits: "12a" })) as { result: { error?: Record<string, string[]> } };
    expect(bad.result.error?.digits).toEqual(["voice:errors.invalidDigits"]);
    const unknownNumber = (await submit({ intent: "call", numberId: "00000000-0000-4000-8000-000000000000", language: "fa", attempt: "attempt-unknown-1" })) as {
      result: { error?: Record<string, string[]> };
    };
    expect(unknownNumber.result.error?.numberId).toEqual(["voice:errors.numberNotFound"]);
    const junkNumber = (await submit({ intent: "call", numberId: "not-a-uuid", language: "fa", attempt: "attempt-unknown-2" })) as {
      result: { error?: Record<string, string[]> };
    };
    expect(junkNumber.result.error?.numberId).toEqual(["voice:errors.numberNotFound"]);
    const badLanguage = (await submit({ intent: "call", numberId, language: "xx", attempt: "attempt-unknown-3" })) as { result: { error?: Record<string, string[]> } };
    expect(badLanguage.result.error?.language).toBeTruthy();
    expect(await thrownStatus(submit({ intent: "digits", callId: "nope", step: "0", digits: "1" }))).toBe(404);
    expect(await thrownStatus(loader(args(get(page(a, "?call=nope"), admin), { slug: a.slug })))).toBe(404);
    // Missing CSRF token: refused before anything runs.
    expect(await thrownStatus(action(args(post(page(a), admin, { intent: "digits", callId: id, step: "0", digits: "1" }, { csrf: null }), { slug: a.slug })))).toBe(403);
    expect((await view(id)).step).toBe(0);
  });

  it("starts one call for a double-submitted call form", async () => {
    const fields = { intent: "call", numberId, language: "fa", attempt: "attempt-double-0001" };
    const first = ((await submit(fields)) as Response).headers.get("location");
    const second = ((await submit(fields)) as Response).headers.get("location");
    expect(second).toBe(first);
  });

  it("answers 403 to a viewer and 404 for another tenant's call", async () => {
    expect(await thrownStatus(loader(args(get(page(a), viewer), { slug: a.slug })))).toBe(403);
    expect(await thrownStatus(submit({ intent: "call", numberId, language: "fa", attempt: "attempt-viewer-01" }, viewer))).toBe(403);

    const otherAdmin = await makeUser({ memberOf: [{ tenantId: b.id, role: "client_admin" }] });
    await alwaysOpen(b.id);
    const line = await operatorLine(b, otherAdmin.id);
    const theirs = await startSimulatedCall(b.id, line.id, "fa", { userId: otherAdmin.id, label: "b" });
    expect(await thrownStatus(loader(args(get(page(a, `?call=${theirs.call.id}`), admin), { slug: a.slug })))).toBe(404);
    expect(await thrownStatus(submit({ intent: "digits", callId: theirs.call.id, step: "0", digits: "1" }))).toBe(404);
    expect(await thrownStatus(submit({ intent: "hangup", callId: theirs.call.id, step: "0" }))).toBe(404);
    // Their number is not ours to call either.
    const res = (await submit({ intent: "call", numberId: line.id, language: "fa", attempt: "attempt-theirs-01" })) as { result: { error?: Record<string, string[]> } };
    expect(res.result.error?.numberId).toEqual(["voice:errors.numberNotFound"]);
    expect((await getCall(b.id, theirs.call.id))!.events.filter((e) => e.type === "ivr.step")).toHaveLength(1);
  });

  it("lists recent calls with their time, number, language, state and IVR path", async () => {
    const data = await loader(args(get(page(a), admin), { slug: a.slug }));
    expect(data.recent.length).toBeGreaterThan(3);
    const english = data.recent.find((c) => c.language === "en")!;
    expect(english).toMatchObject({ number: e164, state: "abandoned", simulated: true });
    expect(english.path).toEqual(["hours", "welcome", "lang", "main", "agent-q"]);
    const queued = data.recent.find((c) => c.path.includes("support-q"))!;
    expect(queued.path).toEqual(["hours", "welcome", "lang", "main", "support-q"]);
    expect(english.time).toMatch(/\d/);
  });
});
