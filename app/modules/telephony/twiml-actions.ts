import { type Language } from "../i18n/config";
import { type CallStatus, type IvrAction, type Utterance } from "../ivr/interpreter";
import { isIvrSideEffect, type IvrSideEffect, type RenderContext } from "./adapter";
import { announcementTexts, callbackOfferText, needsDefaultOffer } from "./call-messages";
import { type GatherChild, type SayVerb, type TwimlVerb, type TwimlVoice, voiceFor } from "./twiml";

/**
 * IVR actions -> TwiML verbs. Pure: the webhook stores the answer per CallSid + step, so a repeated
 * delivery re-sends the same document. The interpreter decides; this only translates, plus the
 * provider-specific glue a TwiML call needs (prompts nested in Gather so a key press interrupts
 * them, a Redirect so a running call never falls silent, hold audio so a wait document is never empty).
 */

/** Which callback the provider will make; the webhook turns each into an IVR event. */
export type TwimlStep =
  /** Gather finished: Digits (possibly empty = timeout, since actionOnEmptyResult is set). */
  | "gather"
  /** Record finished: RecordingUrl, RecordingDuration -> recordingFinished. */
  | "record"
  /** Enqueue ended: QueueResult (bridged, hangup, leave, ...); on "leave" answer `afterLeave`. */
  | "enqueue"
  /** Nothing else was pending: step it as a timeout, which always moves a running IVR on. */
  | "redirect";

export interface TwimlContext extends RenderContext {
  /** Absolute (PUBLIC_BASE_URL) URL the provider posts to; carry CallSid + step id for idempotency. */
  actionUrl(step: TwimlStep): string;
  /** Queue wait document URL (hold audio, announcements, callback offer); omitted = provider's hold music. */
  waitUrl?: string;
  /** Gets recordingStatusCallback, so the "recording finished" status event reaches the platform. */
  statusUrl?: string;
  /** CallState.status after the step: only it tells "the IVR waits on us" from "the call is queued". */
  callStatus: CallStatus;
  /** Played at the end of a queue wait document; without it a pause keeps the document from being empty. */
  holdMusicUrl?: string | null;
  /** Tenant voice per language; defaults to voiceFor. */
  voice?: (language: Language) => TwimlVoice;
}

export interface TwimlAnswer {
  /** The document to answer this request with. */
  verbs: TwimlVerb[];
  /**
   * When the actions took the caller out of a queue: `verbs` ends with Leave (valid only in the wait
   * document), and these verbs answer the Enqueue action callback (QueueResult=leave) that follows.
   */
  afterLeave: TwimlVerb[];
  /** Language change, stored digits, callback tasks: the webhook applies them; they make no sound. */
  sideEffects: IvrSideEffect[];
}

/** Seconds the caller has to press the callback key after the offer. */
export const CALLBACK_OFFER_TIMEOUT_SECONDS = 5;
/** A wait document without hold music pauses this long before the provider fetches the next one (the next queue tick). */
export const QUEUE_WAIT_PAUSE_SECONDS = 10;

/** Verbs after which the provider calls us (or the call is over), so nothing needs appending. */
const HANDS_OFF: ReadonlySet<TwimlVerb["verb"]> = new Set(["Gather", "Record", "Enqueue", "Dial", "Hangup", "Leave", "Redirect"]);

export function actionsToTwiml(actions: readonly IvrAction[], ctx: TwimlContext): TwimlAnswer {
  const voice = ctx.voice ?? voiceFor;
  const verbs: TwimlVerb[] = [];
  const afterLeave: TwimlVerb[] = [];
  const sideEffects: IvrSideEffect[] = [];
  let out = verbs;
  let left = false;
  // Prompts wait here until we know whether a Gather follows; if one does, they go inside it.
  let pending: GatherChild[] = [];
  const flush = () => {
    out.push(...pending);
    pending = [];
  };
  const say = (text: string, language: Language): SayVerb => {
    const v = voice(language);
    return v.voice === undefined ? { verb: "Say", text, language: v.language } : { verb: "Say", text, language: v.language, voice: v.voice };
  };
  const utter = (u: Utterance): GatherChild => (u.type === "say" ? say(u.text, u.language) : { verb: "Play", url: u.url });

  actions.forEach((action, index) => {
    if (isIvrSideEffect(action)) {
      sideEffects.push(action);
      return;
    }
    switch (action.type) {
      case "say":
      case "play":
        pending.push(utter(action));
        return;
      case "gather":
        out.push({
          verb: "Gather",
          input: "dtmf",
          action: ctx.actionUrl("gather"),
          method: "POST",
          numDigits: action.maxDigits,
          // Always explicit: the provider's default "#" would swallow a menu option on the # key.
          finishOnKey: action.finishOnKey,
          timeout: action.timeoutSeconds,
          actionOnEmptyResult: true,
          children: pending,
        });
        pending = [];
        return;
      case "offerCallback": {
        const children = pending;
        pending = [];
        if (needsDefaultOffer(actions, index)) children.push(say(callbackOfferText(action, ctx.t), action.language));
        // No actionOnEmptyResult: without a key press the wait document simply goes on with hold audio.
        out.push({
          verb: "Gather",
          input: "dtmf",
          action: ctx.actionUrl("gather"),
          method: "POST",
          numDigits: 1,
          finishOnKey: "",
          timeout: CALLBACK_OFFER_TIMEOUT_SECONDS,
          children,
        });
        return;
      }
      case "announce":
        flush();
        for (const text of announcementTexts(action, ctx.t)) out.push(say(text, action.language));
        return;
      case "enqueue":
        flush();
        // The hold message is said once, on the way in; the wait document carries music and announcements.
        out.push(...action.holdPrompt.map(utter));
        out.push({
          verb: "Enqueue",
          queue: action.queueId,
          ...(ctx.waitUrl === undefined ? {} : { waitUrl: ctx.waitUrl, waitUrlMethod: "POST" as const }),
          action: ctx.actionUrl("enqueue"),
          method: "POST",
        });
        return;
      case "leaveQueue":
        flush();
        out.push({ verb: "Leave" });
        out = afterLeave;
        left = true;
        return;
      case "record":
        flush();
        out.push({
          verb: "Record",
          action: ctx.actionUrl("record"),
          method: "POST",
          maxLength: action.maxSeconds,
          playBeep: true,
          ...(ctx.statusUrl === undefined ? {} : { recordingStatusCallback: ctx.statusUrl }),
        });
        return;
      case "dial":
        flush();
        out.push({ verb: "Dial", number: action.number });
        return;
      case "hangup":
        flush();
        out.push({ verb: "Hangup" });
        return;
    }
  });
  flush();

  const last = out[out.length - 1];
  const handsOff = last !== undefined && HANDS_OFF.has(last.verb);
  if (ctx.callStatus === "running" && !handsOff) {
    out.push({ verb: "Redirect", url: ctx.actionUrl("redirect"), method: "POST" });
  } else if (ctx.callStatus === "queued" && !left && !verbs.some((v) => v.verb === "Enqueue") && !(last?.verb === "Hangup")) {
    // A wait document: when it runs out the provider fetches the next one, so it must take some time.
    out.push(ctx.holdMusicUrl ? { verb: "Play", url: ctx.holdMusicUrl } : { verb: "Pause", length: QUEUE_WAIT_PAUSE_SECONDS });
  }
  return { verbs, afterLeave, sideEffects };
}
