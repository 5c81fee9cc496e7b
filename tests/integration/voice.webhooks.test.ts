import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStep, findCallByProviderId, getCall, startCall } from "~/modules/interactions/calls.server";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import { assignFlowToNumber, createFlow, publish, saveDraft } from "~/modules/ivr/flows.server";
import { resetEnvCache } from "~/modules/platform/env.server";
import { TWIML_CONTENT_TYPE } from "~/modules/telephony/twiml";
import { loader as incomingLoader } from "~/routes/webhooks.voice.incoming";
import { closeFactories, makeTenant, makeUser } from "../setup/factories";
import { closeOwner, ownerConn } from "./bureau.helpers";
import { ACCOUNT_SID, AUTH_TOKEN, deliver, FakeCall, newCallSid, PUBLIC_BASE, randomNumber } from "./voice.helpers";

const ENV_KEYS = ["TWILIO_AUTH_TOKEN", "TWILIO_ACCOUNT_SID", "TELEPHONY_PROVIDER", "PUBLIC_BASE_URL"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

const ctx = { tenantLanguages: ["fa" as const, "en" as const], queueIds: [...OPERATOR_QUEUE_IDS] };

let tenantId: string;
/** Open around the clock: the operator flow takes its daytime branch whenever the test runs. */
let openNumber: string;
/** No business hours at all: always the after-hours branch (message, voicemail for a callback). */
let closedNumber: string;
let closedTenantId: string;
/** A number with no flow assigned. */
let bareNumber: string;

async function tenantWithOperatorLine(opts: { alwaysOpen: boolean }) {
  const tenant = await makeTenant();
  const user = await makeUser({ memberOf: [{ tenantId: tenant.id, role: "client_admin" }] });
  const actor = { userId: user.id, label: user.name };
  if (opts.alwaysOpen) {
    await ownerConn()
      .insertInto("tenant_business_hours")
      .values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ tenant_id: tenant.id, weekday, opens_at: "00:00", closes_at: "24:00" })))
      .execute();
  }
  const flow = await createFlow(tenant.id, "Operator", actor);
  await saveDraft(tenant.id, flow.id, operatorFlow, ctx, actor);
  await publish(tenant.id, flow.id, actor);
  const e164 = randomNumber();
  const number = await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164 }).returning("id").executeTakeFirstOrThrow();
  await assignFlowToNumber(tenant.id, number.id, flow.id, actor);
  return { tenantId: tenant.id, e164, numberId: number.id };
}

beforeAll(async () => {
  process.env.TWILIO_AUTH_TOKEN = AUTH_TOKEN;
  process.env.TWILIO_ACCOUNT_SID = ACCOUNT_SID;
  process.env.TELEPHONY_PROVIDER = "twilio";
  process.env.PUBLIC_BASE_URL = PUBLIC_BASE;
  resetEnvCache();
  ({ tenantId, e164: openNumber } = await tenantWithOperatorLine({ alwaysOpen: true }));
  ({ tenantId: closedTenantId, e164: closedNumber } = await tenantWithOperatorLine({ alwaysOpen: false }));
  bareNumber = randomNumber();
  await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: tenantId, e164: bareNumber }).execute();
});

afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnvCache();
  await closeFactories();
  await closeOwner();
});

const stored = async (callSid: string, tenant = tenantId) => {
  const call = await findCallByProviderId(tenant, "twilio", callSid);
  return call ? getCall(tenant, call.id) : null;
};
const texts = (call: FakeCall) => call.heard.map((s) => s.text);
const lastDoc = (call: FakeCall) => call.documents[call.documents.length - 1]!;

describe("voice webhooks (TwiML)", () => {
  it("answers an incoming call with the Persian menu, follows it into the queue, and a callback ends it", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    const first = await call.dial();
    expect(first.status).toBe(200);
    expect(first.contentType).toBe(TWIML_CONTENT_TYPE);
    const gather = lastDoc(call).children[0]!;
    expect(gather).toMatchObject({ name: "Gather", attrs: { input: "dtmf", method: "POST", numDigits: "1", actionOnEmptyResult: "true" } });
    const action = new URL(gather.attrs.action!);
    expect(action.origin + action.pathname).toBe(`${PUBLIC_BASE}/webhooks/voice/step`);
    expect(Object.fromEntries(action.searchParams)).toEqual({ CallSid: call.callSid, kind: "gather", seq: "1" });
    expect(gather.children.map((c) => c.name)).toEqual(["Say", "Say"]);
    expect(call.heard).toEqual([
      { text: "به مرکز تماس همراه خوش آمدید.", language: "fa-IR" },
      { text: "برای ادامه به فارسی ۱ را فشار دهید.", language: "fa-IR" },
    ]);

    const started = (await stored(call.callSid))!;
    expect(started).toMatchObject({ state: "ivr", provider: "twilio", from: call.from, to: openNumber, language: "fa", direction: "inbound" });

    await call.press("1");
    expect(texts(call).at(-1)).toContain("پشتیبانی فنی ۲");
    expect(call.gather?.action).toContain("seq=2");

    await call.press("2");
    expect(call.queue).toMatchObject({ name: "support" });
    expect(texts(call).at(-1)).toBe("تماس شما به پشتیبانی فنی منتقل می‌شود؛ لطفاً شکیبا باشید.");
    expect(new URL(call.queue!.waitUrl).pathname).toBe("/voice/webhooks/voice/wait");
    const queued = (await stored(call.callSid))!;
    expect(queued.state).toBe("queued");
    expect(queued.ivrPath).toEqual(["hours", "welcome", "lang", "main", "support-q"]);

    // The provider retries the same delivery: the same document, nothing written.
    const before = queued.events.length;
    const again = await call.redeliver();
    expect(again).toEqual(call.lastAnswer);
    expect((await stored(call.callSid))!.events.length).toBe(before);

    // Waiting: nothing to say yet, then position and wait in Persian digits, then the callback offer.
    await call.tick(0, 3, 200);
    expect(lastDoc(call).children.map((c) => c.name)).toEqual(["Pause"]);
    await call.tick(60, 3, 200);
    expect(texts(call).slice(-2)).toEqual(["شما نفر ۳ در صف هستید.", "زمان انتظار شما حدود ۴ دقیقه است."]);
    await call.tick(120, 2, 200);
    expect(call.gather).toMatchObject({ actionOnEmptyResult: false });
    expect(texts(call).at(-1)).toBe("برای اینکه به جای انتظار با شما تماس بگیریم، ۱ را فشار دهید.");

    // Accepting the callback: Leave, then the Enqueue action answers the goodbye and hangs up.
    await call.press("1");
    expect(call.ended).toBe(true);
    expect(texts(call).at(-1)).toBe("درخواست تماس برگشتی شما ثبت شد. خدانگهدار.");
    const leaveAnswer = call.lastAnswer!;
    expect(await call.redeliver()).toEqual(leaveAnswer);

    const done = (await stored(call.callSid))!;
    expect(done.state).toBe("completed");
    const callbackStep = done.events.find((e) => e.type === "ivr.step" && JSON.stringify(e.data).includes("createCallbackTask"));
    // The offer came with the wait document fetched at QueueTime 120, whose callbacks carry that time.
    expect(callbackStep?.idempotencyKey).toBe(`${call.callSid}:gather:4-120`);
    expect(done.endedAt).not.toBeNull();

    // The IVR already ended the call; the provider's final status adds its record and nothing else.
    expect((await call.status("completed")).status).toBe(200);
    const reported = (await stored(call.callSid))!;
    expect(reported.events.slice(done.events.length)).toEqual([
      expect.objectContaining({ type: "call.ended", data: { providerStatus: "completed", durationSeconds: 42, state: "completed" } }),
    ]);
    expect(reported).toMatchObject({ state: "completed", endedAt: done.endedAt });
  });

  it("answers a repeated incoming webhook with the same TwiML and creates nothing more", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    const first = await call.dial();
    const events = (await stored(call.callSid))!.events.length;
    const second = await call.redeliver();
    expect(second).toEqual(first);
    expect((await stored(call.callSid))!.events.length).toBe(events);
    const count = await ownerConn()
      .selectFrom("interactions")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("provider_call_id", "=", call.callSid)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it("repeats the menu after an invalid digit, and speaks English after choosing it", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    await call.dial();
    await call.press("2");
    expect(call.heard.at(-1)).toMatchObject({ language: "en-US", text: expect.stringContaining("technical support 2") });
    expect(lastDoc(call).children[0]!.children[0]!.attrs.voice).toBe("Polly.Joanna");
    await call.press("7");
    expect(texts(call).slice(-2)).toEqual([
      "That is not a valid choice.",
      "For your balance and packages press 1, technical support 2, complaints 3, or press 0 to speak to an agent.",
    ]);
    expect(call.gather).not.toBeNull();
    expect((await stored(call.callSid))!).toMatchObject({ state: "ivr", language: "en" });
  });

  it("takes the fallback after the caller stays silent", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    await call.dial();
    await call.silence(); // language: asked once more
    await call.silence(); // language: goes on in Persian
    expect(texts(call).at(-1)).toContain("پشتیبانی فنی ۲");
    await call.silence();
    expect(texts(call).slice(-2)[0]).toBe("انتخابی دریافت نشد.");
    await call.silence();
    await call.silence(); // retries used up: the menu's fallback, the agent queue
    expect(call.queue).toMatchObject({ name: "general" });
    expect(texts(call).at(-1)).toBe("لطفاً تا پاسخگویی کارشناس منتظر بمانید.");
    expect((await stored(call.callSid))!.ivrPath).toEqual(["hours", "welcome", "lang", "main", "agent-q"]);
  });

  it("records a voicemail after hours through the Record callback", async () => {
    const call = new FakeCall(newCallSid(), closedNumber);
    await call.dial();
    expect(texts(call)[0]).toBe("ساعات پاسخگویی شنبه تا چهارشنبه ۸ تا ۲۰ و پنجشنبه ۸ تا ۱۴ است.");
    await call.press("1");
    const record = lastDoc(call).children.at(-1)!;
    expect(record).toMatchObject({ name: "Record", attrs: { maxLength: "120", playBeep: "true" } });
    const answer = await call.send({
      url: record.attrs.action!,
      params: call.params({ RecordingUrl: "https://api.example.test/Recordings/RE1", RecordingDuration: "17", RecordingSid: "RE1" }),
      signing: "valid",
    });
    expect(answer.status).toBe(200);
    expect(call.ended).toBe(true);
    const done = (await stored(call.callSid, closedTenantId))!;
    expect(done.events.at(-2)?.data).toMatchObject({
      input: { type: "recordingFinished", url: "https://api.example.test/Recordings/RE1", seconds: 17 },
      actions: expect.arrayContaining([expect.objectContaining({ type: "createCallbackTask", recording: { url: "https://api.example.test/Recordings/RE1", seconds: 17 } })]),
    });
    expect(done.state).toBe("completed");
  });

  it("refuses a bad signature with 403 and creates nothing", async () => {
    for (const signing of ["bad", "internal-url"] as const) {
      const call = new FakeCall(newCallSid(), openNumber);
      const answer = await call.dial(signing);
      expect(answer.status, signing).toBe(403);
      expect(await findCallByProviderId(tenantId, "twilio", call.callSid)).toBeNull();
    }
    // Nor does a forged step move a live call.
    const call = new FakeCall(newCallSid(), openNumber);
    await call.dial();
    const events = (await stored(call.callSid))!.events.length;
    const forged = await call.send({ url: call.gather!.action, params: call.params({ Digits: "2" }), signing: "bad" });
    expect(forged.status).toBe(403);
    const tampered = call.gather!.action.replace("seq=1", "seq=9");
    expect((await call.send({ url: tampered, params: call.params({ Digits: "2" }), signing: "bad" })).status).toBe(403);
    expect((await stored(call.callSid))!.events.length).toBe(events);
    expect((await call.status("completed", "bad")).status).toBe(403);
    expect((await stored(call.callSid))!.endedAt).toBeNull();
  });

  it("refuses a missing signature with 403", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    const answer = await call.dial("missing");
    expect(answer.status).toBe(403);
    expect(await findCallByProviderId(tenantId, "twilio", call.callSid)).toBeNull();
  });

  it("answers an unknown number, or one without a flow, with a polite message and hangs up", async () => {
    for (const to of ["+982100000000", bareNumber, "not-a-number"]) {
      const call = new FakeCall(newCallSid(), to);
      const answer = await call.dial();
      expect(answer.status, to).toBe(200);
      expect(answer.contentType).toBe(TWIML_CONTENT_TYPE);
      expect(lastDoc(call).children.map((c) => c.name)).toEqual(["Say", "Say", "Hangup"]);
      expect(call.heard.map((s) => s.language)).toEqual(["fa-IR", "en-US"]);
      expect(texts(call)[0]).toMatch(/[\u0600-\u06FF]/);
      expect(texts(call)[1]).toContain("not in service");
      expect(call.ended).toBe(true);
    }
  });

  it("ends the call on a final status, once", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    await call.dial();
    expect((await call.status("ringing")).status).toBe(200);
    expect((await stored(call.callSid))!.endedAt).toBeNull();
    const answer = await call.status("completed");
    expect(answer.status).toBe(200);
    const ended = (await stored(call.callSid))!;
    expect(ended).toMatchObject({ state: "completed" });
    expect(ended.endedAt).not.toBeNull();
    expect(ended.events.at(-2)).toMatchObject({ type: "call.ended", data: { providerStatus: "completed", durationSeconds: 42 } });
    expect(ended.events.filter((e) => e.type === "call.ended")).toHaveLength(1);
    await call.redeliver();
    await call.status("failed");
    const again = (await stored(call.callSid))!;
    expect(again.events.length).toBe(ended.events.length);
    expect(again.state).toBe("completed");
  });

  it("records the provider's duration when the IVR's hang-up node ended the call first, once", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    await call.dial();
    await call.press("1"); // Persian
    await call.press("1"); // balance, then the menu after it
    await call.silence();
    await call.silence(); // no choice: its fallback is the hang-up node
    expect(call.ended).toBe(true);
    const hungUp = (await stored(call.callSid))!;
    expect(hungUp).toMatchObject({ state: "completed" });
    expect(hungUp.ivrPath.at(-1)).toBe("bye");
    expect(hungUp.endedAt).not.toBeNull();
    expect(hungUp.events.some((e) => e.type === "call.ended")).toBe(false);

    expect((await call.status("completed")).status).toBe(200);
    const reported = (await stored(call.callSid))!;
    expect(reported.events.slice(hungUp.events.length)).toEqual([
      expect.objectContaining({ type: "call.ended", data: { providerStatus: "completed", durationSeconds: 42, state: "completed" } }),
    ]);
    expect(reported).toMatchObject({ state: "completed", endedAt: hungUp.endedAt });

    expect((await call.redeliver()).status).toBe(200);
    expect((await stored(call.callSid))!.events).toEqual(reported.events);
  });

  it("answers a repeated Gather delivery with the first answer, also after the call has moved on", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    await call.dial();
    const first = await call.press("1");
    const firstDelivery = call.last!;
    const afterFirst = (await stored(call.callSid))!;
    const key = `${call.callSid}:gather:1`;
    expect(afterFirst.events.filter((e) => e.idempotencyKey === key)).toHaveLength(1);

    const again = await call.redeliver();
    expect(again.body).toBe(first.body);
    expect(again).toEqual(first);
    expect((await stored(call.callSid))!.events).toEqual(afterFirst.events);

    // Queued now: rendered with the call's current status, that answer would gain the wait document's pause.
    await call.press("2");
    const queued = (await stored(call.callSid))!;
    expect(queued.state).toBe("queued");
    expect(await deliver(firstDelivery)).toEqual(first);
    const after = (await stored(call.callSid))!;
    expect(after.events).toEqual(queued.events);
    expect(after.events.filter((e) => e.idempotencyKey === key)).toHaveLength(1);
  });

  it("keeps a call going and ends it after its tenant is suspended mid-call; new calls hear the polite message", async () => {
    const line = await tenantWithOperatorLine({ alwaysOpen: true });
    const call = new FakeCall(newCallSid(), line.e164);
    const firstAnswer = await call.dial();
    const firstDelivery = call.last!;
    // Another web process took this one's first request: here its CallSid is new, found only by lookup.
    const elsewhere = new FakeCall(newCallSid(), line.e164);
    const { call: started } = await startCall({
      tenantId: line.tenantId,
      provider: "twilio",
      providerCallId: elsewhere.callSid,
      from: elsewhere.from,
      to: line.e164,
      numberId: line.numberId,
    });
    await applyStep(line.tenantId, started.id, { type: "start", caller: elsewhere.from, language: "fa" }, {}, `${elsewhere.callSid}:incoming:0`);
    await ownerConn().updateTable("tenants").set({ status: "suspended" }).where("id", "=", line.tenantId).execute();

    // Its retried first request answers the stored menu, and the caller goes on from there.
    await elsewhere.dial();
    expect(texts(elsewhere)).toEqual(["به مرکز تماس همراه خوش آمدید.", "برای ادامه به فارسی ۱ را فشار دهید."]);
    await elsewhere.press("1");
    expect(texts(elsewhere).at(-1)).toContain("پشتیبانی فنی ۲");
    expect((await elsewhere.status("completed")).status).toBe(200);
    const elsewhereEnded = (await stored(elsewhere.callSid, line.tenantId))!;
    expect(elsewhereEnded.state).toBe("completed");
    expect(elsewhereEnded.events.filter((e) => e.type === "call.ended")).toHaveLength(1);

    await call.press("1");
    expect(texts(call).at(-1)).toContain("پشتیبانی فنی ۲");
    await call.press("2");
    expect(call.queue).toMatchObject({ name: "support" });
    await call.tick(60, 3, 200);
    expect(texts(call).slice(-2)).toEqual(["شما نفر ۳ در صف هستید.", "زمان انتظار شما حدود ۴ دقیقه است."]);
    // A retried first request is still this call's, not a new call to a suspended number.
    expect(await deliver(firstDelivery)).toEqual(firstAnswer);

    expect((await call.status("completed")).status).toBe(200);
    const ended = (await stored(call.callSid, line.tenantId))!;
    expect(ended).toMatchObject({ state: "abandoned", ivrPath: ["hours", "welcome", "lang", "main", "support-q"] });
    expect(ended.endedAt).not.toBeNull();
    expect(ended.events.filter((e) => e.type === "call.ended")).toEqual([
      expect.objectContaining({ data: { providerStatus: "completed", durationSeconds: 42, state: "abandoned" } }),
    ]);
    await call.redeliver();
    expect((await stored(call.callSid, line.tenantId))!.events).toEqual(ended.events);

    const fresh = new FakeCall(newCallSid(), line.e164);
    const answer = await fresh.dial();
    expect(answer.status).toBe(200);
    expect(lastDoc(fresh).children.map((c) => c.name)).toEqual(["Say", "Say", "Hangup"]);
    expect(texts(fresh)[1]).toContain("not in service");
    const created = await ownerConn()
      .selectFrom("interactions")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("provider_call_id", "=", fresh.callSid)
      .executeTakeFirstOrThrow();
    expect(Number(created.n)).toBe(0);
  });

  it("rejects malformed webhooks and anything but POST", async () => {
    const call = new FakeCall(newCallSid(), openNumber);
    await call.dial();
    const tampered = call.gather!.action.replace("kind=gather", "kind=dance");
    const answer = await call.send({ url: tampered, params: call.params({ Digits: "1" }), signing: "valid" });
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("kind");
    const response = incomingLoader();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});
