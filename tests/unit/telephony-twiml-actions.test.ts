import { describe, expect, it } from "vitest";
import { operatorFlow } from "~/modules/ivr/examples";
import { type IvrAction } from "~/modules/ivr/interpreter";
import { estimatedWaitMinutes } from "~/modules/telephony/call-messages";
import { actionsToTwiml, QUEUE_WAIT_PAUSE_SECONDS, type TwimlContext, type TwimlStep } from "~/modules/telephony/twiml-actions";
import { renderTwiml } from "~/modules/telephony/twiml";
import { CLOSED, drive, t } from "./telephony-helpers";

const BASE = "https://cc.example/webhooks/voice";
const ctx = (over: Partial<TwimlContext> = {}): TwimlContext => ({
  callLanguage: "fa",
  t,
  actionUrl: (s: TwimlStep) => `${BASE}/step?sid=CA1&step=${s}`,
  waitUrl: `${BASE}/wait?sid=CA1`,
  callStatus: "running",
  ...over,
});
const url = (s: TwimlStep) => `${BASE}/step?sid=CA1&step=${s}`;
const FA = { language: "fa-IR" };
const EN = { language: "en-US", voice: "Polly.Joanna" };
const prompt = (id: string, lang: "fa" | "en") => {
  const node = operatorFlow.nodes.find((n) => n.id === id)!;
  return ("prompt" in node ? node.prompt : undefined)!.text[lang]!;
};
/** Runs the events and renders the last step with the call's own status and language. */
const twiml = (events: Parameters<typeof drive>[0], opts: Parameters<typeof drive>[1] = {}, over: Partial<TwimlContext> = {}) => {
  const r = drive(events, opts);
  return { ...actionsToTwiml(r.actions, ctx({ callStatus: r.state.status, callLanguage: r.state.language, ...over })), state: r.state };
};

describe("actionsToTwiml: the operator flow", () => {
  it("starts with the welcome and the language prompt inside one Gather, in fa with fa-IR", () => {
    const { verbs, afterLeave, sideEffects } = twiml([]);
    expect(verbs).toEqual([
      {
        verb: "Gather",
        input: "dtmf",
        action: url("gather"),
        method: "POST",
        numDigits: 1,
        finishOnKey: "",
        timeout: 4,
        actionOnEmptyResult: true,
        children: [
          { verb: "Say", text: prompt("welcome", "fa"), ...FA },
          { verb: "Say", text: prompt("lang", "fa"), ...FA },
        ],
      },
    ]);
    expect(afterLeave).toEqual([]);
    expect(sideEffects).toEqual([]);
  });

  it("renders Persian text as is, inside escaped XML, with an explicit empty finishOnKey", () => {
    const xml = renderTwiml(twiml([]).verbs);
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        `<Gather input="dtmf" action="${BASE}/step?sid=CA1&amp;step=gather" method="POST" numDigits="1" finishOnKey="" timeout="4" actionOnEmptyResult="true">` +
        '<Say language="fa-IR">به مرکز تماس همراه خوش آمدید.</Say>' +
        '<Say language="fa-IR">برای ادامه به فارسی ۱ را فشار دهید.</Say>' +
        "</Gather></Response>",
    );
  });

  it("escapes markup in a tenant's Persian prompt", () => {
    const { verbs } = actionsToTwiml([{ type: "say", text: "پیام <ویژه> & «تخفیف»", language: "fa" }], ctx({ callStatus: "ended" }));
    expect(renderTwiml(verbs)).toContain('<Say language="fa-IR">پیام &lt;ویژه&gt; &amp; «تخفیف»</Say>');
  });

  it("digits: the language choice is a side effect, the main menu a Gather in the new language", () => {
    const fa = twiml([{ type: "digits", digits: "1" }]);
    expect(fa.sideEffects).toEqual([{ type: "setLanguage", language: "fa" }]);
    expect(fa.verbs).toHaveLength(1);
    expect(fa.verbs[0]).toMatchObject({ verb: "Gather", numDigits: 1, finishOnKey: "", timeout: 6, children: [{ verb: "Say", text: prompt("main", "fa"), ...FA }] });

    const en = twiml([{ type: "digits", digits: "2" }]);
    expect(en.sideEffects).toEqual([{ type: "setLanguage", language: "en" }]);
    expect(en.verbs[0]).toMatchObject({ verb: "Gather", children: [{ verb: "Say", text: prompt("main", "en"), ...EN }] });
  });

  it("digits: an information message and the follow-up menu both go inside its Gather", () => {
    const { verbs } = twiml([{ type: "digits", digits: "1" }, { type: "digits", digits: "۱" }]);
    expect(verbs).toEqual([
      expect.objectContaining({
        verb: "Gather",
        timeout: 5,
        children: [
          { verb: "Say", text: prompt("balance", "fa"), ...FA },
          { verb: "Say", text: prompt("after-info", "fa"), ...FA },
        ],
      }),
    ]);
  });

  it("timeout: the retry prompt and the menu prompt again, inside the Gather", () => {
    const { verbs, state } = twiml([{ type: "digits", digits: "2" }, { type: "timeout" }]);
    expect(state.retries).toBe(1);
    expect(verbs).toEqual([
      expect.objectContaining({
        verb: "Gather",
        action: url("gather"),
        actionOnEmptyResult: true,
        children: [
          { verb: "Say", text: "We did not receive a choice.", ...EN },
          { verb: "Say", text: prompt("main", "en"), ...EN },
        ],
      }),
    ]);
  });

  it("queue: the hold message once, then Enqueue with the queue id, wait URL and action", () => {
    const { verbs, state } = twiml([{ type: "digits", digits: "1" }, { type: "digits", digits: "2" }]);
    expect(state.status).toBe("queued");
    expect(verbs).toEqual([
      { verb: "Say", text: "تماس شما به پشتیبانی فنی منتقل می‌شود؛ لطفاً شکیبا باشید.", ...FA },
      { verb: "Enqueue", queue: "support", waitUrl: `${BASE}/wait?sid=CA1`, waitUrlMethod: "POST", action: url("enqueue"), method: "POST" },
    ]);
    const noWait = twiml([{ type: "digits", digits: "1" }, { type: "digits", digits: "0" }], {}, { waitUrl: undefined });
    expect(noWait.verbs[1]).toEqual({ verb: "Enqueue", queue: "general", action: url("enqueue"), method: "POST" });
  });

  it("collect: finishOnKey and numDigits from the node; the stored number is a side effect", () => {
    const ask = twiml([{ type: "digits", digits: "1" }, { type: "digits", digits: "3" }]);
    expect(ask.verbs[0]).toMatchObject({ verb: "Gather", numDigits: 10, finishOnKey: "#", timeout: 8, actionOnEmptyResult: true });
    const done = twiml([{ type: "digits", digits: "1" }, { type: "digits", digits: "3" }, { type: "digits", digits: "123456#" }]);
    expect(done.sideEffects).toEqual([{ type: "storeVariable", name: "complaint_ref", value: "123456" }]);
    expect(done.verbs.map((v) => v.verb)).toEqual(["Say", "Enqueue"]);
  });

  it("after hours: voicemail records with the action URL, a beep and the recording status callback", () => {
    const { verbs } = twiml([{ type: "digits", digits: "1" }], { env: CLOSED }, { statusUrl: `${BASE}/status` });
    expect(verbs).toEqual([
      { verb: "Say", text: prompt("callback-vm", "fa"), ...FA },
      { verb: "Record", action: url("record"), method: "POST", maxLength: 120, playBeep: true, recordingStatusCallback: `${BASE}/status` },
    ]);
    const done = twiml([{ type: "digits", digits: "1" }, { type: "recordingFinished", url: "https://rec.example/r1", seconds: 12 }], { env: CLOSED });
    expect(done.verbs).toEqual([{ verb: "Hangup" }]);
    expect(done.sideEffects).toEqual([expect.objectContaining({ type: "createCallbackTask", reason: "voicemail", recording: { url: "https://rec.example/r1", seconds: 12 } })]);
  });

  it("no valid input after hours: the fallback goodbye, then Hangup (no Redirect after it)", () => {
    const { verbs, state } = twiml([{ type: "digits", digits: "9" }, { type: "timeout" }], { env: CLOSED });
    expect(state.status).toBe("ended");
    expect(verbs).toEqual([{ verb: "Say", text: "از تماس شما سپاسگزاریم.", ...FA }, { verb: "Hangup" }]);
  });
});

describe("actionsToTwiml: queue wait documents", () => {
  const queued = [{ type: "digits", digits: "1" }, { type: "digits", digits: "2" }] as const;

  it("announces position and estimated wait, minutes rounded up, then hold audio", () => {
    const fa = twiml([...queued, { type: "queueTick", waitedSeconds: 60, position: 3, estimatedWaitSeconds: 61 }], {}, { holdMusicUrl: "https://cdn.example/hold.mp3" });
    expect(fa.verbs).toEqual([
      { verb: "Say", text: "شما نفر ۳ در صف هستید.", ...FA },
      { verb: "Say", text: "زمان انتظار شما حدود ۲ دقیقه است.", ...FA },
      { verb: "Play", url: "https://cdn.example/hold.mp3" },
    ]);
    const en = twiml([{ type: "digits", digits: "2" }, { type: "digits", digits: "2" }, { type: "queueTick", waitedSeconds: 60, position: null, estimatedWaitSeconds: 180 }], {});
    expect(en.verbs).toEqual([
      { verb: "Say", text: "Your expected waiting time is about 3 minutes.", ...EN },
      { verb: "Pause", length: QUEUE_WAIT_PAUSE_SECONDS },
    ]);
  });

  it("rounds the estimated wait up to whole minutes, never below one", () => {
    expect([0, 1, 59, 60, 61, 119, 120, 121, 3600].map(estimatedWaitMinutes)).toEqual([1, 1, 1, 1, 2, 2, 2, 3, 60]);
    const { verbs } = actionsToTwiml([{ type: "announce", position: null, estimatedWaitSeconds: 0, language: "en" }], ctx({ callStatus: "queued" }));
    expect(verbs[0]).toEqual({ verb: "Say", text: "Your expected waiting time is about 1 minutes.", ...EN });
  });

  it("offers a callback inside a Gather: the node's own prompt, or ivr:call.callbackOffer when it has none", () => {
    const own = twiml([...queued, { type: "queueTick", waitedSeconds: 120, position: 2, estimatedWaitSeconds: 100 }]);
    expect(own.verbs).toEqual([
      {
        verb: "Gather",
        input: "dtmf",
        action: url("gather"),
        method: "POST",
        numDigits: 1,
        finishOnKey: "",
        timeout: 5,
        children: [{ verb: "Say", text: "برای اینکه به جای انتظار با شما تماس بگیریم، ۱ را فشار دهید.", ...FA }],
      },
      { verb: "Pause", length: QUEUE_WAIT_PAUSE_SECONDS },
    ]);
    const bare = actionsToTwiml([{ type: "offerCallback", digit: "2", language: "fa" }], ctx({ callStatus: "queued" }));
    expect(bare.verbs[0]).toMatchObject({
      verb: "Gather",
      children: [{ verb: "Say", text: "اگر می‌خواهید به جای انتظار با شما تماس بگیریم، کلید ۲ را فشار دهید.", ...FA }],
    });
  });

  it("accepting the callback leaves the queue; the goodbye answers the Enqueue action", () => {
    const r = twiml([...queued, { type: "queueTick", waitedSeconds: 120, position: 2, estimatedWaitSeconds: 100 }, { type: "digits", digits: "1" }]);
    expect(r.verbs).toEqual([{ verb: "Leave" }]);
    expect(r.afterLeave).toEqual([{ verb: "Say", text: "درخواست تماس برگشتی شما ثبت شد. خدانگهدار.", ...FA }, { verb: "Hangup" }]);
    expect(r.sideEffects).toEqual([expect.objectContaining({ type: "createCallbackTask", reason: "queueCallback", nodeId: "support-q" })]);
    expect(renderTwiml(r.verbs)).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Leave/></Response>');
  });

  it("overflow leaves the queue into voicemail", () => {
    const r = twiml([...queued, { type: "queueTick", waitedSeconds: 900, position: 5, estimatedWaitSeconds: 600 }]);
    expect(r.verbs).toEqual([{ verb: "Leave" }]);
    expect(r.afterLeave.map((v) => v.verb)).toEqual(["Say", "Record"]);
  });

  it("a tick with nothing to say still answers with hold audio, never an empty wait document", () => {
    const r = twiml([...queued, { type: "queueTick", waitedSeconds: 10, position: 1, estimatedWaitSeconds: 30 }]);
    expect(r.verbs).toEqual([{ verb: "Pause", length: QUEUE_WAIT_PAUSE_SECONDS }]);
  });
});

describe("actionsToTwiml: never silent, side effects apart", () => {
  it("a running call with nothing to do is redirected to the action URL", () => {
    // A recording event at a menu is unexpected: no actions, the call still waits in the IVR.
    const r = twiml([{ type: "recordingFinished", url: "https://rec.example/x", seconds: 3 }]);
    expect(r.verbs).toEqual([{ verb: "Redirect", url: url("redirect"), method: "POST" }]);
    const spoken = actionsToTwiml([{ type: "say", text: "Hello", language: "en" }], ctx());
    expect(spoken.verbs).toEqual([{ verb: "Say", text: "Hello", ...EN }, { verb: "Redirect", url: url("redirect"), method: "POST" }]);
  });

  it("an ended call gets no Redirect, even with nothing to say", () => {
    expect(actionsToTwiml([], ctx({ callStatus: "ended" })).verbs).toEqual([]);
    expect(actionsToTwiml([{ type: "dial", number: "+982112345678" }], ctx({ callStatus: "transferred" })).verbs).toEqual([
      { verb: "Dial", number: "+982112345678" },
    ]);
  });

  it("separates every side effect and keeps the verbs in order", () => {
    const actions: IvrAction[] = [
      { type: "setLanguage", language: "en" },
      { type: "say", text: "One", language: "en" },
      { type: "storeVariable", name: "ref", value: "42" },
      { type: "play", url: "https://cdn.example/a.mp3" },
      { type: "createCallbackTask", reason: "voicemail", nodeId: "vm", number: null, language: "en", recording: null, variables: {} },
      { type: "hangup", reason: "completed" },
    ];
    const r = actionsToTwiml(actions, ctx({ callStatus: "ended" }));
    expect(r.sideEffects.map((a) => a.type)).toEqual(["setLanguage", "storeVariable", "createCallbackTask"]);
    expect(r.verbs).toEqual([{ verb: "Say", text: "One", ...EN }, { verb: "Play", url: "https://cdn.example/a.mp3" }, { verb: "Hangup" }]);
  });

  it("uses the tenant's voice when given", () => {
    const r = actionsToTwiml([{ type: "say", text: "سلام", language: "fa" }], ctx({ callStatus: "ended", voice: () => ({ language: "fa-IR", voice: "Tenant.Voice" }) }));
    expect(r.verbs).toEqual([{ verb: "Say", text: "سلام", language: "fa-IR", voice: "Tenant.Voice" }]);
  });
});
