import { describe, expect, it } from "vitest";
import { simulatorView, type SimulatorLine } from "~/modules/telephony/simulator";
import { CLOSED, drive, t } from "./telephony-helpers";

/** Runs the operator flow and renders the last step as the simulator page would, in the call's language. */
const view = (events: Parameters<typeof drive>[0], opts: Parameters<typeof drive>[1] = {}) => {
  const r = drive(events, opts);
  return simulatorView(r.actions, { t, callLanguage: r.state.language });
};
const brief = (lines: SimulatorLine[]) => lines.map((l) => [l.kind, l.language, l.text]);

describe("simulatorView: the operator flow in fa", () => {
  it("shows the prompts as Persian text and the key the caller is expected to press", () => {
    const lines = view([]);
    expect(brief(lines)).toEqual([
      ["prompt", "fa", "به مرکز تماس همراه خوش آمدید."],
      ["prompt", "fa", "برای ادامه به فارسی ۱ را فشار دهید."],
      ["input-request", "fa", "یک کلید را فشار دهید (مهلت: ۴ ثانیه)."],
    ]);
    expect(lines[2]!.meta).toEqual({ action: "gather", input: "digits", minDigits: 1, maxDigits: 1, finishOnKey: "", timeoutSeconds: 4 });
  });

  it("a timeout at the menu shows the retry prompt, the menu again and a new input request", () => {
    const lines = view([{ type: "digits", digits: "1" }, { type: "timeout" }]);
    expect(brief(lines)).toEqual([
      ["prompt", "fa", "انتخابی دریافت نشد."],
      ["prompt", "fa", expect.stringContaining("پشتیبانی فنی ۲")],
      ["input-request", "fa", "یک کلید را فشار دهید (مهلت: ۶ ثانیه)."],
    ]);
  });

  it("collecting a reference number names the digit count and the finish key", () => {
    const lines = view([{ type: "digits", digits: "1" }, { type: "digits", digits: "3" }]);
    expect(lines[1]).toEqual({
      kind: "input-request",
      language: "fa",
      text: "۶ تا ۱۰ رقم وارد کنید و سپس # را فشار دهید (مهلت: ۸ ثانیه).",
      meta: { action: "gather", input: "digits", minDigits: 6, maxDigits: 10, finishOnKey: "#", timeoutSeconds: 8 },
    });
    const stored = view([{ type: "digits", digits: "1" }, { type: "digits", digits: "3" }, { type: "digits", digits: "۱۲۳۴۵۶#" }]);
    expect(brief(stored)[0]).toEqual(["system", "fa", "مقدار «complaint_ref» ذخیره شد: 123456"]);
    expect(stored[1]).toMatchObject({ kind: "queue", meta: { action: "enqueue", queueId: "complaints", announcePosition: true, announceEverySeconds: 90 } });
  });

  it("follows the call into its queue: queue line, hold message, announcements, callback offer", () => {
    const queued = [{ type: "digits", digits: "1" }, { type: "digits", digits: "2" }] as const;
    const enter = view([...queued]);
    expect(brief(enter)).toEqual([
      ["queue", "fa", "تماس وارد صف «support» شد."],
      ["prompt", "fa", "تماس شما به پشتیبانی فنی منتقل می‌شود؛ لطفاً شکیبا باشید."],
    ]);
    expect(enter[0]!.meta).toEqual({ action: "enqueue", queueId: "support", musicUrl: null, announcePosition: true, announceWait: true, announceEverySeconds: 60 });
    expect(enter[1]!.meta).toEqual({ action: "say", hold: true });

    const announce = view([...queued, { type: "queueTick", waitedSeconds: 60, position: 3, estimatedWaitSeconds: 150 }]);
    expect(brief(announce)).toEqual([
      ["queue", "fa", "شما نفر ۳ در صف هستید."],
      ["queue", "fa", "زمان انتظار شما حدود ۳ دقیقه است."],
    ]);
    expect(announce[0]!.meta).toEqual({ action: "announce", position: 3, estimatedWaitSeconds: 150, estimatedWaitMinutes: 3 });

    const offer = view([...queued, { type: "queueTick", waitedSeconds: 120, position: 2, estimatedWaitSeconds: 90 }]);
    expect(brief(offer)).toEqual([
      ["prompt", "fa", "برای اینکه به جای انتظار با شما تماس بگیریم، ۱ را فشار دهید."],
      ["input-request", "fa", "برای تماس برگشتی کلید ۱ را فشار دهید."],
    ]);
    expect(offer[1]!.meta).toEqual({ action: "offerCallback", input: "digits", digit: "1", default: false });

    const accepted = view([...queued, { type: "queueTick", waitedSeconds: 120, position: 2, estimatedWaitSeconds: 90 }, { type: "digits", digits: "1" }]);
    expect(brief(accepted)).toEqual([
      ["queue", "fa", "تماس از صف خارج شد."],
      ["prompt", "fa", "درخواست تماس برگشتی شما ثبت شد. خدانگهدار."],
      ["system", "fa", "درخواست تماس برگشتی ثبت شد."],
      ["ended", "fa", "تماس با ثبت درخواست تماس برگشتی پایان یافت."],
    ]);
    expect(accepted[2]!.meta).toEqual({ action: "createCallbackTask", reason: "queueCallback", nodeId: "support-q", hasRecording: false });
    expect(accepted[3]!.meta).toEqual({ action: "hangup", reason: "callback" });
  });

  it("after hours: the voicemail asks for a recording, and running out of input ends the call", () => {
    const vm = view([{ type: "digits", digits: "1" }], { env: CLOSED });
    expect(vm[1]).toEqual({
      kind: "input-request",
      language: "fa",
      text: "ضبط پیام تماس‌گیرنده (حداکثر ۱۲۰ ثانیه).",
      meta: { action: "record", input: "recording", maxSeconds: 120 },
    });
    const bye = view([{ type: "digits", digits: "9" }, { type: "timeout" }], { env: CLOSED });
    expect(brief(bye)).toEqual([
      ["prompt", "fa", "از تماس شما سپاسگزاریم."],
      ["ended", "fa", "تماس پایان یافت."],
    ]);
  });
});

describe("simulatorView: the operator flow in en", () => {
  it("a call started in English shows English prompts", () => {
    expect(brief(view([], { language: "en" }))).toEqual([
      ["prompt", "en", "Welcome to the Hamrah customer line."],
      ["prompt", "en", "For English, press 2."],
      ["input-request", "en", "Press a key (waiting 4 seconds)."],
    ]);
  });

  it("choosing English in a Persian call switches the system lines and the prompts", () => {
    const lines = view([{ type: "digits", digits: "2" }]);
    expect(brief(lines)).toEqual([
      ["system", "en", "Call language: English."],
      ["prompt", "en", expect.stringContaining("technical support 2")],
      ["input-request", "en", "Press a key (waiting 6 seconds)."],
    ]);
    expect(lines[0]!.meta).toEqual({ action: "setLanguage", language: "en" });
  });

  it("queue, announcement with ASCII digits, default callback offer and overflow", () => {
    const queued = [{ type: "digits", digits: "2" }, { type: "digits", digits: "0" }] as const;
    expect(brief(view([...queued]))).toEqual([
      ["queue", "en", "The call entered the queue “general”."],
      ["prompt", "en", "Please hold for the next available agent."],
    ]);
    expect(brief(view([...queued, { type: "queueTick", waitedSeconds: 60, position: 4, estimatedWaitSeconds: 200 }]))).toEqual([
      ["queue", "en", "Your expected waiting time is about 4 minutes."],
    ]);
    const overflow = view([{ type: "digits", digits: "2" }, { type: "digits", digits: "2" }, { type: "queueTick", waitedSeconds: 900, position: 1, estimatedWaitSeconds: 10 }]);
    expect(overflow.map((l) => l.kind)).toEqual(["queue", "prompt", "input-request"]);
    expect(overflow[0]!.meta).toEqual({ action: "leaveQueue" });
  });

  it("speaks ivr:call.callbackOffer when the node has no offer prompt", () => {
    const lines = simulatorView([{ type: "offerCallback", digit: "5", language: "en" }], { t, callLanguage: "en" });
    expect(brief(lines)).toEqual([
      ["prompt", "en", "To be called back instead of waiting, press 5."],
      ["input-request", "en", "Press 5 to be called back."],
    ]);
    expect(lines[1]!.meta).toMatchObject({ default: true });
  });

  it("audio prompts, transfers and errors become labelled lines", () => {
    const lines = simulatorView(
      [
        { type: "play", url: "https://cdn.example/welcome.mp3" },
        { type: "dial", number: "+982112345678" },
        { type: "hangup", reason: "error" },
      ],
      { t, callLanguage: "en" },
    );
    expect(brief(lines)).toEqual([
      ["prompt", "en", "Recorded audio message"],
      ["system", "en", "Transferring the call to +982112345678."],
      ["ended", "en", "The call ended because of an error in the IVR flow."],
    ]);
    expect(lines[0]!.meta).toEqual({ action: "play", audioUrl: "https://cdn.example/welcome.mp3", hold: false });
    expect(simulatorView([], { t, callLanguage: "fa" })).toEqual([]);
  });
});

describe("simulatorView: every line is translated", () => {
  it("resolves every message in fa, en and nl (no raw keys)", () => {
    for (const lng of ["fa", "en", "nl"] as const) {
      const lines = simulatorView(
        [
          { type: "play", url: "https://cdn.example/a.mp3" },
          { type: "gather", minDigits: 1, maxDigits: 1, finishOnKey: "", timeoutSeconds: 5 },
          { type: "gather", minDigits: 2, maxDigits: 4, finishOnKey: "", timeoutSeconds: 5 },
          { type: "gather", minDigits: 2, maxDigits: 4, finishOnKey: "#", timeoutSeconds: 5 },
          { type: "enqueue", queueId: "q", holdPrompt: [], musicUrl: null, announcePosition: true, announceWait: true, announceEverySeconds: 60 },
          { type: "announce", position: 2, estimatedWaitSeconds: 30, language: lng },
          { type: "offerCallback", digit: "1", language: lng },
          { type: "leaveQueue" },
          { type: "record", maxSeconds: 60 },
          { type: "dial", number: "+982112345678" },
          { type: "storeVariable", name: "x", value: "1" },
          { type: "createCallbackTask", reason: "voicemail", nodeId: "vm", number: null, language: lng, recording: null, variables: {} },
          ...(["completed", "noInput", "callback", "error"] as const).map((reason) => ({ type: "hangup" as const, reason })),
          { type: "setLanguage", language: lng },
        ],
        { t, callLanguage: lng },
      );
      expect(lines).toHaveLength(19);
      for (const line of lines) {
        expect(line.language, line.text).toBe(lng);
        expect(line.text, `${lng} ${line.meta.action}`).not.toMatch(/simulator\.|ivr:|call\.|{{/);
      }
    }
  });
});
