import { describe, expect, it } from "vitest";
import { calendarSchema } from "~/modules/ivr/calendar";
import { operatorFlow } from "~/modules/ivr/examples";
import { initialCallState, MAX_HOPS_PER_STEP, step, type CallState, type IvrEnv, type IvrEvent } from "~/modules/ivr/interpreter";
import { flowSchema, type Flow, type FlowInput } from "~/modules/ivr/model";

const calendar = calendarSchema.parse({
  hours: [6, 0, 1, 2, 3].map((weekday) => ({ weekday, opens: "08:00", closes: "20:00" })),
  holidays: [{ day: "2026-03-21", name: "نوروز" }],
});
const OPEN = new Date("2026-03-22T06:30:00Z"); // Sunday 10:00 Tehran
const FRIDAY = new Date("2026-03-27T06:30:00Z");
const NOWRUZ = new Date("2026-03-20T20:30:00Z"); // 00:00 on 1405/01/01 in Tehran
const env: IvrEnv = { calendar, now: OPEN };
const t = (fa: string, en?: string) => ({ text: en ? { fa, en } : { fa } });

function flow(input: FlowInput): Flow {
  return flowSchema.parse(input);
}

/** Starts a call and feeds events, returning every step's actions and the final state. */
function call(f: Flow, events: IvrEvent[], opts: { env?: IvrEnv; language?: "fa" | "en"; caller?: string } = {}) {
  let state = initialCallState("v1");
  const steps = [];
  for (const event of [{ type: "start", caller: opts.caller ?? "+989121234567", language: opts.language ?? "fa" } as IvrEvent, ...events]) {
    const r = step(f, state, event, opts.env ?? env);
    steps.push(r.actions);
    state = r.state;
  }
  return { steps, last: steps[steps.length - 1]!, state };
}

const menuFlow = (extra: Partial<Extract<FlowInput["nodes"][number], { type: "menu" }>> = {}) =>
  flow({
    start: "m",
    goodbye: t("خدانگهدار", "Goodbye"),
    nodes: [
      {
        id: "m",
        type: "menu",
        prompt: t("منو", "Menu"),
        options: [{ digit: "1", next: "one" }],
        maxRetries: 1,
        timeoutSeconds: 7,
        invalidPrompt: t("نامعتبر", "Invalid"),
        timeoutPrompt: t("دریافت نشد", "No input"),
        fallback: "fb",
        ...extra,
      },
      { id: "one", type: "hangup", message: t("یک", "One") },
      { id: "fb", type: "hangup", message: t("جایگزین", "Fallback") },
    ],
  });

describe("IVR interpreter: play and hangup", () => {
  it("plays messages in order and hangs up with the final message", () => {
    const f = flow({
      start: "hi",
      nodes: [
        { id: "hi", type: "play", prompt: t("سلام", "Hello"), next: "rec" },
        { id: "rec", type: "play", prompt: { text: {}, audioUrl: "https://cdn.example.com/a.mp3" }, next: "bye" },
        { id: "bye", type: "hangup", message: t("خدانگهدار", "Goodbye") },
      ],
    });
    const { steps, state } = call(f, []);
    expect(steps[0]).toEqual([
      { type: "say", text: "سلام", language: "fa" },
      { type: "play", url: "https://cdn.example.com/a.mp3" },
      { type: "say", text: "خدانگهدار", language: "fa" },
      { type: "hangup", reason: "completed" },
    ]);
    expect(state.status).toBe("ended");
    expect(state.path.map((p) => p.nodeId)).toEqual(["hi", "rec", "bye"]);
    expect(state.path[0]!.at).toBe(OPEN.toISOString());
    expect(state.flowVersionId).toBe("v1");
  });

  it("falls back to the prompt's first available language when the call's language has no text", () => {
    const f = flow({ start: "bye", nodes: [{ id: "bye", type: "hangup", message: { text: { en: "Goodbye", nl: "Tot ziens" } } }] });
    expect(call(f, [], { language: "fa" }).last[0]).toEqual({ type: "say", text: "Goodbye", language: "en" });
  });

  it("hangs up instead of going silent at a dead end", () => {
    const f = flow({ start: "hi", nodes: [{ id: "hi", type: "play", prompt: t("سلام") }] });
    expect(call(f, []).last).toEqual([{ type: "say", text: "سلام", language: "fa" }, { type: "hangup", reason: "completed" }]);
  });
});

describe("IVR interpreter: menu", () => {
  it("asks with a one-digit gather and follows the chosen digit (Persian digits too)", () => {
    const { steps, state } = call(menuFlow(), [{ type: "digits", digits: "۱" }]);
    expect(steps[0]).toEqual([
      { type: "say", text: "منو", language: "fa" },
      { type: "gather", minDigits: 1, maxDigits: 1, finishOnKey: "", timeoutSeconds: 7 },
    ]);
    expect(steps[1]).toEqual([{ type: "say", text: "یک", language: "fa" }, { type: "hangup", reason: "completed" }]);
    expect(state.path.map((p) => p.nodeId)).toEqual(["m", "one"]);
  });

  it("retries an invalid digit and a timeout with their prompts, then takes the fallback", () => {
    const { steps, state } = call(menuFlow({ maxRetries: 2 }), [{ type: "digits", digits: "5" }, { type: "timeout" }, { type: "digits", digits: "9" }]);
    expect(steps[1]).toEqual([
      { type: "say", text: "نامعتبر", language: "fa" },
      { type: "say", text: "منو", language: "fa" },
      { type: "gather", minDigits: 1, maxDigits: 1, finishOnKey: "", timeoutSeconds: 7 },
    ]);
    expect(steps[2]![0]).toEqual({ type: "say", text: "دریافت نشد", language: "fa" });
    expect(steps[3]).toEqual([{ type: "say", text: "جایگزین", language: "fa" }, { type: "hangup", reason: "completed" }]);
    expect(state.path.map((p) => p.nodeId)).toEqual(["m", "fb"]);
  });

  it("counts retries per node and resets them on a new node", () => {
    const { state } = call(menuFlow({ maxRetries: 3 }), [{ type: "timeout" }, { type: "timeout" }]);
    expect(state.retries).toBe(2);
    expect(state.nodeId).toBe("m");
  });

  it("says the flow's goodbye and hangs up politely when a menu without fallback runs out of retries", () => {
    const { last, state } = call(menuFlow({ fallback: undefined, maxRetries: 1 }), [{ type: "timeout" }, { type: "timeout" }]);
    expect(last).toEqual([{ type: "say", text: "خدانگهدار", language: "fa" }, { type: "hangup", reason: "noInput" }]);
    expect(state.status).toBe("ended");
  });
});

describe("IVR interpreter: collect", () => {
  const f = flow({
    start: "mobile",
    nodes: [
      {
        id: "mobile",
        type: "collect",
        prompt: t("شماره همراه را وارد کنید"),
        variable: "mobile",
        minDigits: 11,
        maxDigits: 11,
        pattern: "09[0-9]{9}",
        timeoutSeconds: 10,
        maxRetries: 1,
        invalidPrompt: t("شماره معتبر نیست"),
        next: "thanks",
        fallback: "bye",
      },
      { id: "thanks", type: "hangup", message: t("ممنون") },
      { id: "bye", type: "hangup" },
    ],
  });

  it("gathers with its own limits and stores Persian digits normalized", () => {
    const { steps, state } = call(f, [{ type: "digits", digits: "۰۹۱۲۳۴۵۶۷۸۹#" }]);
    expect(steps[0]![1]).toEqual({ type: "gather", minDigits: 11, maxDigits: 11, finishOnKey: "#", timeoutSeconds: 10 });
    expect(steps[1]![0]).toEqual({ type: "storeVariable", name: "mobile", value: "09123456789" });
    expect(state.variables).toEqual({ mobile: "09123456789" });
    expect(state.nodeId).toBe("thanks");
  });

  it("refuses input that breaks the pattern or the length, retries, then falls back", () => {
    const { steps, state } = call(f, [{ type: "digits", digits: "19123456789" }, { type: "digits", digits: "0912" }]);
    expect(steps[1]).toEqual([
      { type: "say", text: "شماره معتبر نیست", language: "fa" },
      { type: "say", text: "شماره همراه را وارد کنید", language: "fa" },
      { type: "gather", minDigits: 11, maxDigits: 11, finishOnKey: "#", timeoutSeconds: 10 },
    ]);
    expect(steps[2]).toEqual([{ type: "hangup", reason: "completed" }]);
    expect(state.variables).toEqual({});
    expect(state.path.map((p) => p.nodeId)).toEqual(["mobile", "bye"]);
  });
});

describe("IVR interpreter: language", () => {
  const f = flow({
    start: "lang",
    nodes: [
      { id: "lang", type: "language", prompt: t("فارسی ۱", "English 2"), options: [{ digit: "1", language: "fa" }, { digit: "2", language: "en" }], maxRetries: 0, next: "menu" },
      { id: "menu", type: "menu", prompt: t("منو", "Menu"), options: [{ digit: "1", next: "bye" }], fallback: "bye" },
      { id: "bye", type: "hangup", message: t("خدانگهدار", "Goodbye") },
    ],
  });

  it("sets the call's language and later prompts follow it", () => {
    const { steps, state } = call(f, [{ type: "digits", digits: "2" }, { type: "digits", digits: "1" }]);
    expect(steps[1]![0]).toEqual({ type: "setLanguage", language: "en" });
    expect(steps[1]![1]).toEqual({ type: "say", text: "Menu", language: "en" });
    expect(steps[2]![0]).toEqual({ type: "say", text: "Goodbye", language: "en" });
    expect(state.language).toBe("en");
  });

  it("keeps the starting language and goes on when the caller does not choose", () => {
    const { steps, state } = call(f, [{ type: "timeout" }], { language: "fa" });
    expect(steps[1]![0]).toEqual({ type: "say", text: "منو", language: "fa" });
    expect(state.language).toBe("fa");
    expect(state.nodeId).toBe("menu");
  });
});

describe("IVR interpreter: business hours", () => {
  const f = flow({
    start: "h",
    nodes: [
      { id: "h", type: "hours", open: "open", closed: "closed", holiday: "holiday" },
      { id: "open", type: "hangup", message: t("باز") },
      { id: "closed", type: "hangup", message: t("بسته") },
      { id: "holiday", type: "hangup", message: t("تعطیل") },
    ],
  });
  const said = (now: Date) => call(f, [], { env: { calendar, now } }).last[0];

  it("branches open, closed (Friday) and holiday (Nowruz from local midnight)", () => {
    expect(said(OPEN)).toEqual({ type: "say", text: "باز", language: "fa" });
    expect(said(FRIDAY)).toEqual({ type: "say", text: "بسته", language: "fa" });
    expect(said(NOWRUZ)).toEqual({ type: "say", text: "تعطیل", language: "fa" });
  });

  it("takes the closed branch on a holiday when there is no holiday branch, and when the calendar is broken", () => {
    const g = flow({ ...f, nodes: [{ id: "h", type: "hours", open: "open", closed: "closed" }, ...f.nodes.slice(1)] });
    expect(call(g, [], { env: { calendar, now: NOWRUZ } }).last[0]).toEqual({ type: "say", text: "بسته", language: "fa" });
    expect(call(f, [], { env: { calendar: { ...calendar, timeZone: "Mars/Olympus" }, now: OPEN } }).last[0]).toEqual({ type: "say", text: "بسته", language: "fa" });
  });
});

describe("IVR interpreter: queue", () => {
  const f = flow({
    start: "q",
    nodes: [
      {
        id: "q",
        type: "queue",
        queueId: "support",
        holdPrompt: t("لطفاً منتظر بمانید"),
        musicUrl: "https://cdn.example.com/hold.mp3",
        announcePosition: true,
        announceWait: true,
        announceEverySeconds: 60,
        callback: { afterSeconds: 120, whenWaitExceedsSeconds: 300, digit: "1", prompt: t("برای تماس برگشتی ۱"), acceptedPrompt: t("ثبت شد") },
        overflow: { afterSeconds: 600, next: "vm" },
      },
      { id: "vm", type: "voicemail", prompt: t("پیغام بگذارید"), maxSeconds: 60 },
    ],
  });
  const tick = (waitedSeconds: number, estimatedWaitSeconds: number | null = 30, position: number | null = 3): IvrEvent => ({
    type: "queueTick",
    waitedSeconds,
    estimatedWaitSeconds,
    position,
  });

  it("enqueues with the hold prompt, music and announcement settings", () => {
    const { last, state } = call(f, []);
    expect(last).toEqual([
      {
        type: "enqueue",
        queueId: "support",
        holdPrompt: [{ type: "say", text: "لطفاً منتظر بمانید", language: "fa" }],
        musicUrl: "https://cdn.example.com/hold.mp3",
        announcePosition: true,
        announceWait: true,
        announceEverySeconds: 60,
      },
    ]);
    expect(state.status).toBe("queued");
  });

  it("announces position and wait every N seconds, not in between", () => {
    const { steps } = call(f, [tick(30), tick(60), tick(90), tick(119)]);
    expect(steps[1]).toEqual([]);
    expect(steps[2]).toEqual([{ type: "announce", position: 3, estimatedWaitSeconds: 30, language: "fa" }]);
    expect(steps[3]).toEqual([]);
    expect(steps[4]).toEqual([]);
  });

  it("offers a callback after N seconds, once", () => {
    const { steps, state } = call(f, [tick(120), tick(150)]);
    expect(steps[1]).toEqual([
      { type: "say", text: "برای تماس برگشتی ۱", language: "fa" },
      { type: "offerCallback", digit: "1", language: "fa" },
    ]);
    expect(steps[2]).toEqual([]);
    expect(state.queue?.callbackOffered).toBe(true);
  });

  it("offers a callback early when the estimated wait exceeds the limit", () => {
    const { steps } = call(f, [tick(10, 300), tick(15, 301)]);
    expect(steps[1]).toEqual([]);
    expect(steps[2]!.map((a) => a.type)).toEqual(["say", "offerCallback"]);
  });

  it("creates a callback task when the caller accepts, and ignores the digit before the offer", () => {
    const { steps, state } = call(f, [{ type: "digits", digits: "1" }, tick(120), { type: "digits", digits: "۱" }], { caller: "+989121111111" });
    expect(steps[1]).toEqual([]);
    expect(steps[3]).toEqual([
      { type: "leaveQueue" },
      { type: "say", text: "ثبت شد", language: "fa" },
      { type: "createCallbackTask", reason: "queueCallback", nodeId: "q", number: "+989121111111", language: "fa", recording: null, variables: {} },
      { type: "hangup", reason: "callback" },
    ]);
    expect(state.status).toBe("ended");
  });

  it("overflows to the next node after the limit", () => {
    const { last, state } = call(f, [tick(600)]);
    expect(last).toEqual([{ type: "leaveQueue" }, { type: "say", text: "پیغام بگذارید", language: "fa" }, { type: "record", maxSeconds: 60 }]);
    expect(state.status).toBe("voicemail");
    expect(state.path.map((p) => p.nodeId)).toEqual(["q", "vm"]);
  });

  it("ends the IVR when the caller abandons the queue", () => {
    const { last, state } = call(f, [{ type: "callerHangup" }, tick(700)]);
    expect(last).toEqual([]);
    expect(state.status).toBe("ended");
    expect(state.callerHungUp).toBe(true);
  });
});

describe("IVR interpreter: voicemail and transfer", () => {
  const f = flow({
    start: "vm",
    nodes: [{ id: "vm", type: "voicemail", prompt: t("پیغام بگذارید"), maxSeconds: 90 }],
  });
  const recorded: IvrEvent = { type: "recordingFinished", url: "https://rec.example.com/r1.wav", seconds: 14 };

  it("records and creates a callback task with the recording, then hangs up", () => {
    const { steps, state } = call(f, [recorded], { caller: "+982188888888" });
    expect(steps[0]).toEqual([{ type: "say", text: "پیغام بگذارید", language: "fa" }, { type: "record", maxSeconds: 90 }]);
    expect(steps[1]).toEqual([
      {
        type: "createCallbackTask",
        reason: "voicemail",
        nodeId: "vm",
        number: "+982188888888",
        language: "fa",
        recording: { url: "https://rec.example.com/r1.wav", seconds: 14 },
        variables: {},
      },
      { type: "hangup", reason: "completed" },
    ]);
    expect(state.status).toBe("ended");
  });

  it("still creates the task when the caller hangs up while recording, and only once", () => {
    const { steps, state } = call(f, [{ type: "callerHangup" }, recorded, recorded]);
    expect(steps[1]).toEqual([]);
    expect(steps[2]!.map((a) => a.type)).toEqual(["createCallbackTask"]);
    expect(steps[3]).toEqual([]);
    expect(state.status).toBe("ended");
  });

  it("goes on to the next node after the recording when there is one", () => {
    const g = flow({
      start: "vm",
      nodes: [
        { id: "vm", type: "voicemail", prompt: t("پیغام"), next: "bye" },
        { id: "bye", type: "hangup", message: t("ممنون") },
      ],
    });
    const { last } = call(g, [{ type: "recordingFinished", url: "", seconds: 0 }]);
    expect(last[0]).toMatchObject({ type: "createCallbackTask", recording: null });
    expect(last.slice(1)).toEqual([{ type: "say", text: "ممنون", language: "fa" }, { type: "hangup", reason: "completed" }]);
  });

  it("dials the transfer number and stops interpreting", () => {
    const g = flow({ start: "x", nodes: [{ id: "x", type: "transfer", number: "۰۲۱ ۸۸۸۸ ۷۷۷۷" }] });
    const { steps, state } = call(g, [{ type: "digits", digits: "1" }]);
    expect(steps[0]).toEqual([{ type: "dial", number: "+982188887777" }]);
    expect(steps[1]).toEqual([]);
    expect(state.status).toBe("transferred");
  });
});

describe("IVR interpreter: robustness", () => {
  it("ignores unexpected and malformed events, returning the same state object", () => {
    const f = menuFlow();
    const { state } = call(f, []);
    const bad = [
      { type: "recordingFinished", url: "x", seconds: 1 },
      { type: "queueTick", waitedSeconds: 10 },
      { type: "start", caller: null, language: "en" },
      { type: "teleport" },
      { type: "digits", digits: 42 },
      { type: "digits", digits: "1".repeat(500) },
      null,
      "digits",
    ] as unknown as IvrEvent[];
    for (const event of bad) {
      const r = step(f, state, event, env);
      expect(r.actions).toEqual([]);
      expect(r.state).toBe(state);
    }
  });

  it("does nothing before start and after the call ended", () => {
    const f = menuFlow();
    const fresh = initialCallState("v1");
    expect(step(f, fresh, { type: "digits", digits: "1" }, env).state).toBe(fresh);
    const { state } = call(f, [{ type: "digits", digits: "1" }]);
    expect(state.status).toBe("ended");
    expect(step(f, state, { type: "timeout" }, env)).toEqual({ actions: [], state });
  });

  it("never mutates its inputs and keeps the flow version", () => {
    const f = menuFlow();
    const { state } = call(f, []);
    const frozen = structuredClone(state) as CallState;
    const r = step(f, state, { type: "digits", digits: "7" }, env);
    expect(state).toEqual(frozen);
    expect(r.state).not.toBe(state);
    expect(r.state.flowVersionId).toBe("v1");
  });

  it("survives a corrupt state or a node missing from the flow", () => {
    const f = menuFlow();
    const corrupt = { ...initialCallState("v1"), nodeId: "m", path: null } as unknown as CallState;
    expect(step(f, corrupt, { type: "digits", digits: "1" }, env)).toEqual({ actions: [], state: corrupt });
    const broken = flow({ start: "m", nodes: [{ id: "m", type: "menu", prompt: t("منو"), options: [{ digit: "1", next: "gone" }] }] });
    const { last, state } = call(broken, [{ type: "digits", digits: "1" }]);
    expect(last).toEqual([{ type: "hangup", reason: "error" }]);
    expect(state.status).toBe("ended");
  });

  it("ends a loop without input instead of spinning", () => {
    const f = flow({ start: "a", nodes: [{ id: "a", type: "play", prompt: t("الف"), next: "a" }] });
    const { last, state } = call(f, []);
    expect(last.filter((a) => a.type === "say")).toHaveLength(MAX_HOPS_PER_STEP);
    expect(last[last.length - 1]).toEqual({ type: "hangup", reason: "error" });
    expect(state.status).toBe("ended");
  });
});

describe("IVR interpreter: the operator example", () => {
  it("routes an English caller in office hours through the menu into the support queue", () => {
    const { steps, state } = call(operatorFlow, [{ type: "digits", digits: "2" }, { type: "digits", digits: "2" }]);
    expect(steps[0]![0]).toEqual({ type: "say", text: "به مرکز تماس همراه خوش آمدید.", language: "fa" });
    expect(steps[2]![0]).toMatchObject({ type: "enqueue", queueId: "support", holdPrompt: [{ language: "en" }] });
    expect(state.path.map((p) => p.nodeId)).toEqual(["hours", "welcome", "lang", "main", "support-q"]);
    expect(state.status).toBe("queued");
  });

  it("after hours plays the message and takes a voicemail for a callback", () => {
    const { steps, state } = call(
      operatorFlow,
      [
        { type: "digits", digits: "1" },
        { type: "recordingFinished", url: "https://rec.example.com/x.wav", seconds: 20 },
      ],
      { env: { calendar, now: FRIDAY } },
    );
    expect(steps[0]!.map((a) => a.type)).toEqual(["say", "say", "gather"]);
    expect(steps[1]!.map((a) => a.type)).toEqual(["say", "record"]);
    expect(steps[2]!.map((a) => a.type)).toEqual(["createCallbackTask", "hangup"]);
    expect(state.path.map((p) => p.nodeId)).toEqual(["hours", "closed-msg", "closed-menu", "callback-vm"]);
  });

  it("stores a complaint reference and queues for complaints", () => {
    const { state } = call(operatorFlow, [
      { type: "digits", digits: "1" },
      { type: "digits", digits: "3" },
      { type: "digits", digits: "۱۲۳۴۵۶۷#" },
    ]);
    expect(state.variables).toEqual({ complaint_ref: "1234567" });
    expect(state.nodeId).toBe("complaints-q");
  });
});
