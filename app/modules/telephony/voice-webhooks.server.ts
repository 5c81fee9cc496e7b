import { z } from "zod";
import { isLanguage, type Language } from "../i18n/config";
import { i18nServer } from "../i18n/i18n.server";
import {
  applyStep,
  CallError,
  endCall,
  findCallByProviderId,
  findCallOwner,
  getCall,
  resolveNumber,
  startCallWithIvr,
  type StepOutcome,
} from "../interactions/calls.server";
import { isProviderEndStatus } from "../interactions/states";
import { type CallStatus, type IvrAction, type IvrEvent } from "../ivr/interpreter";
import { loadEnv, telephonyPublicBaseUrl } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { type IvrSideEffect, type RenderContext } from "./adapter";
import { publicRequestUrl, signatureParamsFromForm, TWILIO_SIGNATURE_HEADER, verifyTwilioSignature } from "./twilio-signature";
import { dialForInteraction } from "./call-control.server";
import { renderTwiml, TWIML_CONTENT_TYPE, voiceFor, type TwimlVerb } from "./twiml";
import { actionsToTwiml, type TwimlContext, type TwimlStep } from "./twiml-actions";

/**
 * The TwiML-compatible voice webhooks (issue 3): Request in, Response out, so the resource routes stay
 * thin and the tests drive them without a server.
 *
 * - incoming: the number's voice URL. The tenant is the owner of `To`; the call becomes an interaction
 *   on the number's published flow and the IVR starts.
 * - step: every `action` URL we hand out (Gather, Record, Enqueue, Redirect). The query carries the
 *   CallSid, the callback kind and a step sequence; `${CallSid}:${kind}:${seq}` is the idempotency key,
 *   so a repeated delivery answers the stored actions again and writes nothing.
 * - wait: the queue's wait URL, fetched again whenever its document runs out; each fetch is a queue tick
 *   (QueueTime makes the delivery distinct).
 * - status: the call's status callback; a final status records the provider's end and duration once,
 *   and ends the interaction if the IVR has not.
 *
 * Callbacks after the first find their call by CallSid, whatever has become of the dialled number or its
 * tenant since, and each one's database work is one tenant transaction (the calendar read included).
 *
 * Every request must carry a valid X-Twilio-Signature for TWILIO_AUTH_TOKEN over the public URL
 * (PUBLIC_BASE_URL + path + query) and the form; otherwise 403 and nothing is read or written. Without
 * TWILIO_AUTH_TOKEN the webhooks do not exist (404). Callers never hear a provider error: anything that
 * goes wrong answers a polite message in Persian and English, then hangs up.
 */

export const VOICE_WEBHOOK_PATHS = {
  incoming: "/webhooks/voice/incoming",
  step: "/webhooks/voice/step",
  wait: "/webhooks/voice/wait",
  status: "/webhooks/voice/status",
  connect: "/webhooks/voice/connect",
} as const;

const PROVIDER = "twilio" as const;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The sequence of the incoming webhook's own document; its callbacks carry the next one. */
const INCOMING_SEQ = "0";

type Translate = RenderContext["t"];

// ---------------------------------------------------------------------------------------------------
// Responses

function twimlResponse(verbs: readonly TwimlVerb[]): Response {
  return new Response(renderTwiml(verbs), { status: 200, headers: { "Content-Type": TWIML_CONTENT_TYPE, "Cache-Control": "no-store" } });
}

function plain(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}

const notFound = () => plain(404, "Not Found");
const methodNotAllowed = () => plain(405, "Method Not Allowed", { Allow: "POST" });
const forbidden = () => plain(403, "Forbidden");
const badRequest = (field: string) => plain(400, `Invalid webhook field: ${field}`);

/** Text per language, cached: an i18next instance per request would cost more than the step itself. */
const translators = new Map<Language, Promise<Translate>>();
function translator(lng: Language): Promise<Translate> {
  let found = translators.get(lng);
  if (!found) {
    found = i18nServer.getFixedT(lng, ["ivr", "telephony"] as unknown as "common").then((t) => {
      const fn = t as unknown as (key: string, options: Record<string, unknown>) => unknown;
      return (key: string, options: Record<string, unknown>) => String(fn(key, options));
    });
    found.catch(() => translators.delete(lng));
    translators.set(lng, found);
  }
  return found;
}

/** A polite message in Persian and English, then hang up: never a provider error tone for the caller. */
async function politeGoodbye(key: "unavailable" | "error"): Promise<Response> {
  const verbs: TwimlVerb[] = [];
  for (const lng of ["fa", "en"] as const) {
    const t = await translator(lng);
    const voice = voiceFor(lng);
    verbs.push({ verb: "Say", text: t(`telephony:call.${key}`, { lng }), ...voice });
  }
  verbs.push({ verb: "Hangup" });
  return twimlResponse(verbs);
}

// ---------------------------------------------------------------------------------------------------
// Gate: configured, POST, signed

interface Verified {
  form: Record<string, string>;
  query: Record<string, string>;
  base: string;
}

async function readForm(request: Request): Promise<URLSearchParams> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  try {
    if (type.startsWith("application/x-www-form-urlencoded")) return new URLSearchParams(await request.text());
    if (type.startsWith("multipart/form-data")) {
      const out = new URLSearchParams();
      for (const [name, value] of (await request.formData()).entries()) if (typeof value === "string") out.append(name, value);
      return out;
    }
  } catch {
    // An unreadable body signs as no parameters, so its signature fails: 403.
  }
  return new URLSearchParams();
}

async function verify(request: Request): Promise<Verified | Response> {
  const env = loadEnv();
  const token = env.TWILIO_AUTH_TOKEN;
  if (!token) return notFound();
  if (request.method !== "POST") return methodNotAllowed();
  const form = await readForm(request);
  const base = telephonyPublicBaseUrl(env);
  const url = publicRequestUrl(base, request);
  if (!verifyTwilioSignature(token, url, signatureParamsFromForm(form), request.headers.get(TWILIO_SIGNATURE_HEADER))) {
    logger.warn({ path: new URL(request.url).pathname, signed: request.headers.has(TWILIO_SIGNATURE_HEADER) }, "voice webhook: bad signature");
    return forbidden();
  }
  return { form: Object.fromEntries(form), query: Object.fromEntries(new URL(request.url).searchParams), base };
}

/** The routes' loader: the webhooks take POST only, and do not exist without an auth token. */
export function voiceWebhookLoader(): Response {
  return loadEnv().TWILIO_AUTH_TOKEN ? methodNotAllowed() : notFound();
}

// ---------------------------------------------------------------------------------------------------
// Input schemas

const blankAsUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);
const callSid = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const phone = z.string().trim().max(64);
/** `1`, `2`, ...; queue-wait deliveries and what follows them add `-QueueTime` so siblings stay distinct. */
const seq = z.string().regex(/^\d{1,7}(?:-\d{1,7}){0,4}$/);
const optionalCount = (min: number) => z.preprocess(blankAsUndefined, z.coerce.number().int().min(min).max(10_000_000).optional());
const optionalSeconds = z.preprocess(blankAsUndefined, z.coerce.number().finite().min(0).max(10_000_000).optional());

const incomingForm = z.object({
  CallSid: callSid,
  To: phone,
  From: phone.optional(),
  Direction: z.string().max(32).optional(),
});

const stepKinds = ["gather", "record", "enqueue", "redirect"] as const satisfies readonly TwimlStep[];
const stepQuery = z.object({ CallSid: callSid, kind: z.enum(stepKinds), seq });
const callbackForm = z.object({ CallSid: callSid, To: phone.optional(), From: phone.optional() });
const stepForm = callbackForm.extend({
  Digits: z.string().max(64).optional(),
  RecordingUrl: z.string().max(2000).optional(),
  RecordingDuration: optionalSeconds,
  QueueResult: z.string().max(32).optional(),
});
const waitQuery = z.object({ CallSid: callSid, seq });
const waitForm = callbackForm.extend({
  QueueTime: z.preprocess(blankAsUndefined, z.coerce.number().int().min(0).max(10_000_000)),
  QueuePosition: optionalCount(1),
  AvgQueueTime: optionalSeconds,
});
const statusForm = callbackForm.extend({ CallStatus: z.string().max(32).optional(), CallDuration: optionalCount(0) });

type Parsed<T> = { ok: true; data: T } | { ok: false; response: Response };
function parse<T extends z.ZodTypeAny>(schema: T, input: Record<string, string>): Parsed<z.infer<T>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data as z.infer<T> };
  return { ok: false, response: badRequest(result.error.issues.map((i) => i.path.join(".")).join(", ")) };
}

// ---------------------------------------------------------------------------------------------------
// URLs and rendering

/** The sequence a document's callbacks carry: the first part counts the steps, any suffix is kept. */
export function nextSeq(current: string): string {
  const [first = "0", ...rest] = current.split("-");
  return [String(Number(first) + 1), ...rest].join("-");
}

const withQuery = (base: string, path: string, query: Record<string, string>) => `${base}${path}?${new URLSearchParams(query).toString()}`;

interface RenderInput {
  base: string;
  callSid: string;
  /** The sequence the rendered document's callbacks carry. */
  childSeq: string;
  callStatus: CallStatus;
  language: Language;
  holdMusicUrl?: string | null;
}

async function render(actions: readonly IvrAction[], input: RenderInput) {
  const { base, callSid, childSeq } = input;
  const ctx: TwimlContext = {
    callLanguage: input.language,
    t: await translator(input.language),
    callStatus: input.callStatus,
    actionUrl: (step) => withQuery(base, VOICE_WEBHOOK_PATHS.step, { CallSid: callSid, kind: step, seq: childSeq }),
    waitUrl: withQuery(base, VOICE_WEBHOOK_PATHS.wait, { CallSid: callSid, seq: childSeq }),
    holdMusicUrl: input.holdMusicUrl ?? null,
  };
  return actionsToTwiml(actions, ctx);
}

/** The call a webhook is about: its owner, found by CallSid, and the CallSid for the logs. */
interface CallRef {
  tenantId: string;
  interactionId: string;
  callSid: string;
}

const logFields = (ref: CallRef) => ({ tenantId: ref.tenantId, callSid: ref.callSid, interactionId: ref.interactionId });

/** Language and variables are stored with the step; callback tasks stay in the step event for routing. */
function logSideEffects(ref: CallRef, sideEffects: readonly IvrSideEffect[]) {
  for (const effect of sideEffects) {
    if (effect.type !== "createCallbackTask") continue;
    logger.info({ ...logFields(ref), reason: effect.reason, nodeId: effect.nodeId }, "voice: callback task requested");
  }
}

/**
 * Renders a step's answer. A duplicate's outcome carries the IVR status, language and hold music
 * stored with the first delivery, so its document is the same byte for byte. Hold music belongs only
 * in a queue's wait document.
 */
async function renderStep(
  ref: CallRef,
  outcome: StepOutcome,
  key: string,
  urls: Omit<RenderInput, "callStatus" | "language">,
  opts: { holdMusic?: boolean } = {},
): Promise<TwimlVerb[]> {
  const holdMusicUrl = opts.holdMusic ? outcome.holdMusicUrl : null;
  const answer = await render(outcome.actions, { ...urls, callStatus: outcome.status, language: outcome.language, holdMusicUrl });
  if (!outcome.duplicate) logSideEffects(ref, answer.sideEffects);
  logger.info(
    { ...logFields(ref), key, duplicate: outcome.duplicate, ivrStatus: outcome.status, state: outcome.interactionState },
    "voice webhook: step",
  );
  return answer.verbs;
}

/**
 * The call a callback belongs to, by CallSid alone: the provider gives that id only to us, and the
 * signature is checked. Not through the dialled number, whose tenant may have been suspended since the
 * call began; a call under way still steps and ends.
 */
async function findCallRef(callSid: string): Promise<CallRef | null> {
  const owner = await findCallOwner(PROVIDER, callSid);
  return owner ? { ...owner, callSid } : null;
}

/** A caller's webhook must still answer something they can hear when our side fails. */
async function guarded(name: string, run: () => Promise<Response>): Promise<Response> {
  try {
    return await run();
  } catch (err) {
    logger.error({ err, webhook: name }, "voice webhook failed");
    return politeGoodbye("error");
  }
}

// ---------------------------------------------------------------------------------------------------
// Handlers

/** POST /webhooks/voice/incoming: a new call to a tenant number. */
export async function handleVoiceIncoming(request: Request): Promise<Response> {
  const gate = await verify(request);
  if (gate instanceof Response) return gate;
  return guarded("incoming", async () => {
    const parsed = parse(incomingForm, gate.form);
    if (!parsed.ok) return parsed.response;
    const { CallSid, To, From, Direction } = parsed.data;
    const key = `${CallSid}:incoming:${INCOMING_SEQ}`;
    const urls = { base: gate.base, callSid: CallSid, childSeq: nextSeq(INCOMING_SEQ) };
    const caller = From || null;
    const resolved = await resolveNumber(To);
    if (!resolved) {
      // A retried first request of a call taken before its tenant was suspended is still that call's.
      const ref = await findCallRef(CallSid);
      if (ref) {
        const outcome = await applyStep(ref.tenantId, ref.interactionId, { type: "start", caller }, {}, key);
        return twimlResponse(await renderStep(ref, outcome, key, urls));
      }
      logger.info({ callSid: CallSid, to: To }, "voice webhook: unknown or suspended number");
      return politeGoodbye("unavailable");
    }
    const { tenantId } = resolved;
    let ref: CallRef;
    let outcome: StepOutcome;
    try {
      const started = await startCallWithIvr(
        {
          tenantId,
          provider: PROVIDER,
          providerCallId: CallSid,
          from: caller,
          to: To,
          numberId: resolved.numberId,
          direction: Direction?.startsWith("outbound") ? "outbound" : "inbound",
        },
        key,
      );
      ref = { tenantId, interactionId: started.call.id, callSid: CallSid };
      outcome = started.outcome;
    } catch (err) {
      if (!(err instanceof CallError)) throw err;
      // Two deliveries of the same new call racing: the loser's insert finds the winner's row.
      const existing = err.key === "callIdTaken" ? await findCallByProviderId(tenantId, PROVIDER, CallSid) : null;
      if (!existing) {
        logger.info({ tenantId, callSid: CallSid, reason: err.key }, "voice webhook: number has no published flow");
        return politeGoodbye("unavailable");
      }
      ref = { tenantId, interactionId: existing.id, callSid: CallSid };
      outcome = await applyStep(tenantId, existing.id, { type: "start", caller }, {}, key);
    }
    return twimlResponse(await renderStep(ref, outcome, key, urls));
  });
}

/** POST /webhooks/voice/step?CallSid=&kind=&seq=: a Gather, Record, Enqueue or Redirect callback. */
export async function handleVoiceStep(request: Request): Promise<Response> {
  const gate = await verify(request);
  if (gate instanceof Response) return gate;
  return guarded("step", async () => {
    const query = parse(stepQuery, gate.query);
    if (!query.ok) return query.response;
    const form = parse(stepForm, gate.form);
    if (!form.ok) return form.response;
    const { CallSid, kind, seq: stepSeq } = query.data;
    if (form.data.CallSid !== CallSid) return badRequest("CallSid");
    const ref = await findCallRef(CallSid);
    if (!ref) {
      logger.warn({ callSid: CallSid, kind, seq: stepSeq }, "voice webhook: step for an unknown call");
      return politeGoodbye("error");
    }
    const urls = { base: gate.base, callSid: CallSid, childSeq: nextSeq(stepSeq) };
    if (kind === "enqueue") return enqueueResult(ref, form.data.QueueResult ?? "", urls);

    let event: IvrEvent;
    if (kind === "gather") {
      const digits = (form.data.Digits ?? "").trim();
      // actionOnEmptyResult: an empty Digits is the caller's silence.
      event = digits === "" ? { type: "timeout" } : { type: "digits", digits };
    } else if (kind === "record") {
      event = { type: "recordingFinished", url: form.data.RecordingUrl ?? "", seconds: form.data.RecordingDuration ?? 0 };
    } else {
      event = { type: "timeout" };
    }
    const key = `${CallSid}:${kind}:${stepSeq}`;
    const outcome = await applyStep(ref.tenantId, ref.interactionId, event, {}, key);
    return twimlResponse(await renderStep(ref, outcome, key, urls));
  });
}

/**
 * The Enqueue verb's action: the caller left the queue. After a Leave (overflow, callback accepted) the
 * call goes on with what followed the leaveQueue action in that step, recomputed from the stored step,
 * so a repeat answers the same. A caller who hung up or was bridged needs nothing; a queue that refused
 * the caller gets the polite goodbye.
 */
async function enqueueResult(ref: CallRef, queueResult: string, input: Omit<RenderInput, "callStatus" | "language">): Promise<Response> {
  const log = { ...logFields(ref), queueResult };
  if (queueResult === "leave") {
    const left = await lastLeaveStep(ref);
    if (!left) {
      logger.warn(log, "voice webhook: queue left without a leave step");
      return politeGoodbye("error");
    }
    const answer = await render(left.actions, { ...input, callStatus: left.status, language: left.language });
    logger.info({ ...log, key: left.key }, "voice webhook: after leaving the queue");
    return twimlResponse(answer.afterLeave);
  }
  logger.info(log, "voice webhook: queue ended");
  if (queueResult === "bridged" || queueResult === "hangup" || queueResult === "redirected") return twimlResponse([]);
  return politeGoodbye("error");
}

async function lastLeaveStep(ref: CallRef): Promise<{ actions: IvrAction[]; status: CallStatus; language: Language; key: string | null } | null> {
  const full = await getCall(ref.tenantId, ref.interactionId);
  if (!full) return null;
  for (let i = full.events.length - 1; i >= 0; i--) {
    const e = full.events[i]!;
    if (e.type !== "ivr.step") continue;
    const data = e.data as { actions?: IvrAction[]; ivrStatus?: CallStatus; language?: string };
    if (!data.actions?.some((a) => a.type === "leaveQueue")) continue;
    return {
      actions: data.actions,
      status: data.ivrStatus ?? full.ivr?.status ?? "ended",
      language: isLanguage(data.language) ? data.language : full.language,
      key: e.idempotencyKey,
    };
  }
  return null;
}

/** POST /webhooks/voice/wait?CallSid=&seq=: the queue's wait document, one queue tick per fetch. */
export async function handleVoiceWait(request: Request): Promise<Response> {
  const gate = await verify(request);
  if (gate instanceof Response) return gate;
  return guarded("wait", async () => {
    const query = parse(waitQuery, gate.query);
    if (!query.ok) return query.response;
    const form = parse(waitForm, gate.form);
    if (!form.ok) return form.response;
    const { CallSid } = query.data;
    if (form.data.CallSid !== CallSid) return badRequest("CallSid");
    const ref = await findCallRef(CallSid);
    if (!ref) {
      logger.warn({ callSid: CallSid }, "voice webhook: wait for an unknown call");
      return politeGoodbye("error");
    }
    const tickSeq = `${query.data.seq}-${form.data.QueueTime}`;
    const event: IvrEvent = {
      type: "queueTick",
      waitedSeconds: form.data.QueueTime,
      estimatedWaitSeconds: form.data.AvgQueueTime ?? null,
      position: form.data.QueuePosition ?? null,
    };
    const key = `${CallSid}:wait:${tickSeq}`;
    const outcome = await applyStep(ref.tenantId, ref.interactionId, event, {}, key);
    const verbs = await renderStep(ref, outcome, key, { base: gate.base, callSid: CallSid, childSeq: nextSeq(tickSeq) }, { holdMusic: true });
    return twimlResponse(verbs);
  });
}

/**
 * POST /webhooks/voice/status: a final CallStatus records the provider's end of the call (with its
 * duration), also when the IVR already ended it; anything else is acknowledged.
 */
export async function handleVoiceStatus(request: Request): Promise<Response> {
  const gate = await verify(request);
  if (gate instanceof Response) return gate;
  const form = parse(statusForm, gate.form);
  if (!form.ok) return form.response;
  const { CallSid, CallStatus, CallDuration } = form.data;
  try {
    // Recording status callbacks and progress events (ringing, in-progress) change nothing here.
    if (!isProviderEndStatus(CallStatus)) return twimlResponse([]);
    const ref = await findCallRef(CallSid);
    if (!ref) {
      logger.info({ callSid: CallSid, status: CallStatus }, "voice webhook: status for an unknown call");
      return twimlResponse([]);
    }
    const ended = await endCall(ref.tenantId, ref.interactionId, CallStatus, { durationSeconds: CallDuration ?? null });
    logger.info(
      { ...logFields(ref), status: CallStatus, durationSeconds: CallDuration ?? null, state: ended.state, duplicate: ended.duplicate },
      "voice webhook: status",
    );
    return twimlResponse([]);
  } catch (err) {
    logger.error({ err, webhook: "status", callSid: CallSid }, "voice webhook failed");
    return plain(500, "Internal Server Error");
  }
}

/**
 * POST /webhooks/voice/connect?tenant=…&interaction=…: a placed callback was answered; connect the
 * customer to the agent who took the callback. The URL is ours (signed like every webhook); the agent
 * and its endpoint are read from the interaction, never from the request.
 */
export async function handleVoiceConnect(request: Request): Promise<Response> {
  const gate = await verify(request);
  if (gate instanceof Response) return gate;
  return guarded("connect", async () => {
    const tenantId = gate.query.tenant ?? "";
    const interactionId = gate.query.interaction ?? "";
    if (!UUID_RE.test(tenantId) || !UUID_RE.test(interactionId)) return badRequest("interaction");
    const dial = await dialForInteraction(tenantId, interactionId);
    return dial ? twimlResponse([dial]) : politeGoodbye("unavailable");
  });
}
