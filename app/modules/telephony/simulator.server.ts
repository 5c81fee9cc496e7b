import { createInstance, type i18n } from "i18next";
import { randomUUID } from "node:crypto";
import { recordAudit } from "../auth/audit.server";
import type { AuditActor } from "../auth/api-keys.server";
import { i18nOptions, isLanguage, type Language } from "../i18n/config";
import { localizeDigits, normalizeDigits } from "../i18n/format";
import { resources } from "../i18n/resources";
import { applyStep, CallError, endCall, getCall, startCall, type Call, type CallEvent } from "../interactions/calls.server";
import { isTerminalState } from "../interactions/states";
import type { IvrAction, IvrEvent } from "../ivr/interpreter";
import { tenantBusinessCalendar } from "../tenancy/calendar.server";
import { withTenant } from "../tenancy/scope.server";
import { listTenantNumbers } from "../tenancy/tenant-numbers.server";
import type { RenderContext } from "./adapter";
import { simulatorView, type SimulatorLine, type SimulatorLineKind } from "./simulator";

/**
 * The built-in simulator (issue 3): calls that live in the platform, with no audio. Each caller
 * action runs one step of the same interpreter through calls.server (provider "simulator") and comes
 * back as transcript lines (simulator.ts) in the call's language. Every step carries an idempotency
 * key made from the page's step counter, so a form submitted twice changes the call once.
 */

export type SimulatorErrorKey = "notFound" | "numberNotFound" | "noFlow" | "notPublished" | "ended" | "invalidDigits" | "invalidStep";

export class SimulatorError extends Error {
  constructor(public readonly key: SimulatorErrorKey) {
    super(`simulator: ${key}`);
  }
}

/** What the page offers the caller next. */
export type Expecting =
  | { kind: "digits"; minDigits: number; maxDigits: number; finishOnKey: string; timeoutSeconds: number }
  | { kind: "queue"; callbackDigit: string | null; waitedSeconds: number }
  | { kind: "recording"; maxSeconds: number }
  | { kind: "none" };

export interface TranscriptLine {
  /** The interaction event the line comes from. */
  seq: number;
  kind: SimulatorLineKind | "caller";
  text: string;
  language: Language;
}

export interface SimulatorStep {
  call: Call;
  /** This step's lines only. */
  lines: SimulatorLine[];
  /** True when the step counter was used before: nothing changed. */
  duplicate: boolean;
}

export interface SimulatorCallView {
  call: Call;
  transcript: TranscriptLine[];
  /** The step counter the next caller action must send. */
  step: number;
  /** False once the call is over: no more input is taken. */
  live: boolean;
  expecting: Expecting;
}

const DIGITS_RE = /^[0-9*#]{1,64}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_STEP = 100_000;

const KEY = Symbol.for("hamkal.simulatorI18n");
type Holder = { [KEY]?: Promise<i18n> };

function simulatorI18n(): Promise<i18n> {
  const holder = globalThis as Holder;
  holder[KEY] ??= (async () => {
    const instance = createInstance();
    await instance.init({ ...i18nOptions, resources, initImmediate: false });
    return instance;
  })();
  return holder[KEY];
}

/** i18next's t for the renderers: every call passes its own `lng`. */
export async function simulatorT(): Promise<RenderContext["t"]> {
  const instance = await simulatorI18n();
  return (key, options) => String(instance.t(key, options));
}

/** A fresh id for the "call" form: a double-submitted form starts the call once. */
export function newAttemptId(): string {
  return randomUUID();
}

export function isCallId(value: string): boolean {
  return UUID_RE.test(value);
}

/** Digits as typed (Persian or Arabic-Indic digits allowed), or null when anything else is in them. */
export function parseDigits(raw: string): string | null {
  const digits = normalizeDigits(raw).replace(/\s+/g, "");
  return DIGITS_RE.test(digits) ? digits : null;
}

/** A simulator call of the tenant, or SimulatorError notFound (another tenant's, a webhook call, a bad id). */
async function simulatorCall(tenantId: string, callId: string) {
  if (!isCallId(callId)) throw new SimulatorError("notFound");
  const call = await getCall(tenantId, callId);
  if (!call || call.provider !== "simulator") throw new SimulatorError("notFound");
  return call;
}

function isLive(call: Call): boolean {
  if (call.endedAt !== null || isTerminalState(call.state)) return false;
  return call.ivr !== null && call.ivr.status !== "ended" && call.ivr.status !== "transferred";
}

function checkStep(stepNo: number) {
  if (!Number.isInteger(stepNo) || stepNo < 0 || stepNo > MAX_STEP) throw new SimulatorError("invalidStep");
}

const stepKey = (callId: string, stepNo: number | "start") => `simulator:${callId}:${stepNo}`;

async function runStep(tenantId: string, callId: string, event: IvrEvent, stepNo: number): Promise<SimulatorStep> {
  checkStep(stepNo);
  const before = await simulatorCall(tenantId, callId);
  if (!isLive(before)) {
    // A repeat of the step that ended the call is still a harmless duplicate, not an error.
    if (before.events.some((e) => e.idempotencyKey === stepKey(callId, stepNo))) return { call: before, lines: [], duplicate: true };
    throw new SimulatorError("ended");
  }
  const [calendar, t] = await Promise.all([tenantBusinessCalendar(tenantId), simulatorT()]);
  const outcome = await applyStep(tenantId, callId, event, { calendar }, stepKey(callId, stepNo));
  const after = await simulatorCall(tenantId, callId);
  const lines = outcome.duplicate ? [] : simulatorView(outcome.actions, { callLanguage: before.language, t });
  return { call: after, lines, duplicate: outcome.duplicate };
}

/**
 * Starts a simulated call to one of the tenant's numbers in `language` and runs the IVR's first step.
 * `attempt` (a random id the page sends with its form) is the provider call id, so a double-submitted
 * "call" starts one call. Errors: numberNotFound, noFlow, notPublished.
 */
export async function startSimulatedCall(
  tenantId: string,
  numberId: string,
  language: Language,
  // userId null: a system caller (the demo's traffic generator), audited by its label.
  actor: Omit<AuditActor, "userId"> & { userId: string | null },
  attempt: string = randomUUID(),
  from: string | null = null,
): Promise<SimulatorStep> {
  const number = (await listTenantNumbers(tenantId)).find((n) => n.id === numberId);
  if (!number) throw new SimulatorError("numberNotFound");
  if (number.flowId === null) throw new SimulatorError("noFlow");
  let started: Awaited<ReturnType<typeof startCall>>;
  try {
    started = await startCall({
      tenantId,
      provider: "simulator",
      providerCallId: `sim-${attempt}`,
      from,
      to: number.e164,
      numberId: number.id,
      language,
    });
  } catch (err) {
    if (err instanceof CallError && (err.key === "noFlow" || err.key === "notPublished")) throw new SimulatorError(err.key);
    if (err instanceof CallError && err.key === "callIdTaken") throw new SimulatorError("invalidStep");
    throw err;
  }
  const { call } = started;
  if (started.duplicate) return { call: await simulatorCall(tenantId, call.id), lines: [], duplicate: true };
  await withTenant(tenantId, (trx) =>
    recordAudit(trx, {
      tenantId,
      actor: { userId: actor.userId, label: actor.label },
      ip: actor.ip ?? null,
      action: "call.simulated",
      target: { type: "call", id: call.id },
      data: { numberId: number.id, language },
    }),
  );
  const [calendar, t] = await Promise.all([tenantBusinessCalendar(tenantId), simulatorT()]);
  const outcome = await applyStep(tenantId, call.id, { type: "start", caller: from, language }, { calendar }, stepKey(call.id, "start"));
  return {
    call: await simulatorCall(tenantId, call.id),
    lines: simulatorView(outcome.actions, { callLanguage: language, t }),
    duplicate: false,
  };
}

/** Keys pressed (0-9 * #; Persian digits are accepted and normalized). Errors: invalidDigits, ended, notFound. */
export function pressDigits(tenantId: string, callId: string, digits: string, stepNo: number): Promise<SimulatorStep> {
  const parsed = parseDigits(digits);
  if (parsed === null) return Promise.reject(new SimulatorError("invalidDigits"));
  return runStep(tenantId, callId, { type: "digits", digits: parsed }, stepNo);
}

/** The caller let the input time out. */
export function sendTimeout(tenantId: string, callId: string, stepNo: number): Promise<SimulatorStep> {
  return runStep(tenantId, callId, { type: "timeout" }, stepNo);
}

export interface QueueTick {
  waitedSeconds: number;
  estimatedWaitSeconds: number | null;
  position: number | null;
}

/** Time passes in the queue (the ACD's figures are entered by hand in the simulator). */
export function sendQueueTick(tenantId: string, callId: string, tick: QueueTick, stepNo: number): Promise<SimulatorStep> {
  return runStep(tenantId, callId, { type: "queueTick", ...tick }, stepNo);
}

/** The caller's voicemail is over (no audio in the simulator: an empty recording). */
export function finishRecording(tenantId: string, callId: string, stepNo: number): Promise<SimulatorStep> {
  return runStep(tenantId, callId, { type: "recordingFinished", url: "", seconds: 0 }, stepNo);
}

/**
 * The caller hangs up: the IVR sees it (leaving a queue is abandonment), then the call ends as the
 * provider would report it. Repeats change nothing.
 */
export async function hangUp(tenantId: string, callId: string, stepNo: number): Promise<SimulatorStep> {
  checkStep(stepNo);
  const before = await simulatorCall(tenantId, callId);
  let result: SimulatorStep = { call: before, lines: [], duplicate: true };
  if (isLive(before)) {
    try {
      result = await runStep(tenantId, callId, { type: "callerHangup" }, stepNo);
    } catch (err) {
      // The call ended between the two reads (an agent closed its wrap-up, the IVR hung up): the
      // line is still put down below, so the provider's end is recorded, as it always is.
      if (!(err instanceof SimulatorError && err.key === "ended")) throw err;
    }
  }
  const ended = await endCall(tenantId, callId, "completed");
  if (!ended.duplicate) result = { call: await simulatorCall(tenantId, callId), lines: result.lines, duplicate: false };
  return result;
}

/** A phone number inside a line of text keeps its left-to-right order in Persian (Unicode isolate). */
const ltrIsolate = (s: string) => `\u2066${s}\u2069`;

type StepData = { input?: { type?: string; digits?: string; waitedSeconds?: number; position?: number | null }; actions?: IvrAction[] };

/** The caller's own action, as a transcript line in the call's language. */
function callerLine(input: NonNullable<StepData["input"]>, t: RenderContext["t"], lng: Language): string | null {
  switch (input.type) {
    case "digits":
      return t("voice:transcript.pressed", { lng, digits: localizeDigits(input.digits ?? "", lng) });
    case "timeout":
      return t("voice:transcript.timeout", { lng });
    case "queueTick":
      return t("voice:transcript.waited", { lng, seconds: localizeDigits(String(input.waitedSeconds ?? 0), lng) });
    case "recordingFinished":
      return t("voice:transcript.recorded", { lng });
    case "callerHangup":
      return t("voice:transcript.hungUp", { lng });
    default:
      return null;
  }
}

/** The whole conversation so far, rebuilt from the call's events (so a reload shows it). */
export function transcriptOf(call: Call & { events: CallEvent[] }, t: RenderContext["t"]): TranscriptLine[] {
  const out: TranscriptLine[] = [];
  let lng: Language = call.language;
  const started = call.events.find((e) => e.type === "call.started");
  if (started && isLanguage(started.data.language)) lng = started.data.language;
  for (const event of call.events) {
    if (event.type === "call.started") {
      out.push({ seq: event.seq, kind: "system", language: lng, text: t("voice:transcript.started", { lng, number: ltrIsolate(String(event.data.to ?? "")) }) });
    } else if (event.type === "ivr.step") {
      const data = event.data as StepData;
      const said = data.input ? callerLine(data.input, t, lng) : null;
      if (said) out.push({ seq: event.seq, kind: "caller", language: lng, text: said });
      const actions = data.actions ?? [];
      for (const line of simulatorView(actions, { callLanguage: lng, t })) out.push({ seq: event.seq, kind: line.kind, text: line.text, language: line.language });
      for (const a of actions) if (a.type === "setLanguage") lng = a.language;
    } else if (event.type === "routing.afterHours") {
      // What the caller heard when a closed queue turned the call away.
      const key = event.data.callbackDueAt ? "telephony:call.afterHoursCallback" : "telephony:call.closedMessage";
      out.push({ seq: event.seq, kind: "prompt", language: lng, text: t(key, { lng }) });
    } else if (event.type === "call.ended") {
      out.push({ seq: event.seq, kind: "ended", language: lng, text: t("voice:transcript.callOver", { lng }) });
    }
  }
  return out;
}

function lastAction<T extends IvrAction["type"]>(events: readonly CallEvent[], type: T): Extract<IvrAction, { type: T }> | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type !== "ivr.step") continue;
    const actions = ((e.data as StepData).actions ?? []).filter((a): a is Extract<IvrAction, { type: T }> => a.type === type);
    if (actions.length) return actions[actions.length - 1]!;
  }
  return null;
}

function expectingOf(call: Call & { events: CallEvent[] }, live: boolean): Expecting {
  if (!live || !call.ivr) return { kind: "none" };
  if (call.ivr.status === "queued") {
    let waitedSeconds = 0;
    for (const e of call.events) {
      const input = (e.data as StepData).input;
      if (e.type === "ivr.step" && input?.type === "queueTick" && typeof input.waitedSeconds === "number") waitedSeconds = input.waitedSeconds;
    }
    const offer = call.ivr.queue?.callbackOffered ? lastAction(call.events, "offerCallback") : null;
    return { kind: "queue", callbackDigit: offer?.digit ?? null, waitedSeconds };
  }
  if (call.ivr.status === "voicemail") return { kind: "recording", maxSeconds: lastAction(call.events, "record")?.maxSeconds ?? 0 };
  // The gather of the latest step is what the IVR waits for now.
  const last = [...call.events].reverse().find((e) => e.type === "ivr.step");
  const gather = ((last?.data as StepData | undefined)?.actions ?? []).find((a) => a.type === "gather");
  if (gather && gather.type === "gather") {
    const { minDigits, maxDigits, finishOnKey, timeoutSeconds } = gather;
    return { kind: "digits", minDigits, maxDigits, finishOnKey, timeoutSeconds };
  }
  return { kind: "none" };
}

/** The simulator page's view of one call; null for a call the tenant does not have (404). */
export async function simulatorCallView(tenantId: string, callId: string): Promise<SimulatorCallView | null> {
  const call = await simulatorCall(tenantId, callId).catch((err: unknown) => {
    if (err instanceof SimulatorError) return null;
    throw err;
  });
  if (!call) return null;
  const t = await simulatorT();
  const live = isLive(call);
  const { events, ...rest } = call;
  return {
    call: rest,
    transcript: transcriptOf(call, t),
    step: events.filter((e) => e.type === "ivr.step" && e.idempotencyKey !== stepKey(call.id, "start")).length,
    live,
    expecting: expectingOf(call, live),
  };
}
