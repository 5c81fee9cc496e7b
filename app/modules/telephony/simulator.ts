import { type Language } from "../i18n/config";
import { localizeDigits } from "../i18n/format";
import { type HangupReason, type IvrAction } from "../ivr/interpreter";
import { type RenderContext } from "./adapter";
import { announcementTexts, callbackOfferText, estimatedWaitMinutes, needsDefaultOffer } from "./call-messages";

/**
 * IVR actions -> the simulator's transcript. Pure and audio-free: every prompt becomes a line of
 * text in the language it would be spoken in, and everything the caller would otherwise notice
 * (waiting for keys, a queue, a recording, the end of the call) becomes a line too, all from locales/.
 */

export type SimulatorLineKind = "prompt" | "system" | "input-request" | "queue" | "ended";

export type SimulatorMeta =
  /** Spoken text; `hold` marks a queue's hold message. */
  | { action: "say"; hold: boolean }
  /** Recorded audio: the page may offer a player; `text` is only a label. */
  | { action: "play"; audioUrl: string; hold: boolean }
  /** Keys expected: send digits, or a timeout after `timeoutSeconds`. `finishOnKey` "" means none. */
  | { action: "gather"; input: "digits"; minDigits: number; maxDigits: number; finishOnKey: string; timeoutSeconds: number }
  /** The offer during a queue wait: pressing `digit` (as digits) accepts; anything else is ignored. */
  | { action: "offerCallback"; input: "digits"; digit: string; default: boolean }
  /** The caller's message is recorded: send recordingFinished (or callerHangup). */
  | { action: "record"; input: "recording"; maxSeconds: number }
  | {
      action: "enqueue";
      queueId: string;
      musicUrl: string | null;
      announcePosition: boolean;
      announceWait: boolean;
      announceEverySeconds: number | null;
    }
  | { action: "announce"; position: number | null; estimatedWaitSeconds: number | null; estimatedWaitMinutes: number | null }
  | { action: "leaveQueue" }
  | { action: "dial"; number: string }
  | { action: "setLanguage"; language: Language }
  | { action: "storeVariable"; name: string; value: string }
  | { action: "createCallbackTask"; reason: "voicemail" | "queueCallback"; nodeId: string; hasRecording: boolean }
  | { action: "hangup"; reason: HangupReason };

export interface SimulatorLine {
  kind: SimulatorLineKind;
  text: string;
  /** The language `text` is in (a prompt missing a translation falls back to another one). */
  language: Language;
  meta: SimulatorMeta;
}

export type SimulatorContext = RenderContext;

export function simulatorView(actions: readonly IvrAction[], ctx: SimulatorContext): SimulatorLine[] {
  const { t } = ctx;
  // System lines follow the call's language as it changes within the step.
  let lng = ctx.callLanguage;
  const n = (v: number | string) => localizeDigits(String(v), lng);
  const lines: SimulatorLine[] = [];
  const system = (kind: SimulatorLineKind, text: string, meta: SimulatorMeta) => lines.push({ kind, text, language: lng, meta });

  actions.forEach((action, index) => {
    switch (action.type) {
      case "say":
        lines.push({ kind: "prompt", text: action.text, language: action.language, meta: { action: "say", hold: false } });
        return;
      case "play":
        system("prompt", t("ivr:simulator.audio", { lng }), { action: "play", audioUrl: action.url, hold: false });
        return;
      case "gather": {
        const { minDigits, maxDigits, finishOnKey, timeoutSeconds } = action;
        const seconds = n(timeoutSeconds);
        const text =
          maxDigits === 1 && finishOnKey === ""
            ? t("ivr:simulator.pressKey", { lng, seconds })
            : finishOnKey === ""
              ? t("ivr:simulator.enterDigits", { lng, min: n(minDigits), max: n(maxDigits), seconds })
              : t("ivr:simulator.enterDigitsFinish", { lng, min: n(minDigits), max: n(maxDigits), key: finishOnKey, seconds });
        system("input-request", text, { action: "gather", input: "digits", minDigits, maxDigits, finishOnKey, timeoutSeconds });
        return;
      }
      case "offerCallback": {
        const own = !needsDefaultOffer(actions, index);
        if (!own) {
          lines.push({
            kind: "prompt",
            text: callbackOfferText(action, t),
            language: action.language,
            meta: { action: "offerCallback", input: "digits", digit: action.digit, default: true },
          });
        }
        system("input-request", t("ivr:simulator.callbackKey", { lng, digit: n(action.digit) }), {
          action: "offerCallback",
          input: "digits",
          digit: action.digit,
          default: !own,
        });
        return;
      }
      case "enqueue":
        system("queue", t("ivr:simulator.queued", { lng, queue: action.queueId }), {
          action: "enqueue",
          queueId: action.queueId,
          musicUrl: action.musicUrl,
          announcePosition: action.announcePosition,
          announceWait: action.announceWait,
          announceEverySeconds: action.announceEverySeconds,
        });
        for (const u of action.holdPrompt) {
          if (u.type === "say") lines.push({ kind: "prompt", text: u.text, language: u.language, meta: { action: "say", hold: true } });
          else system("prompt", t("ivr:simulator.audio", { lng }), { action: "play", audioUrl: u.url, hold: true });
        }
        return;
      case "announce": {
        const meta: SimulatorMeta = {
          action: "announce",
          position: action.position,
          estimatedWaitSeconds: action.estimatedWaitSeconds,
          estimatedWaitMinutes: action.estimatedWaitSeconds === null ? null : estimatedWaitMinutes(action.estimatedWaitSeconds),
        };
        for (const text of announcementTexts(action, t)) lines.push({ kind: "queue", text, language: action.language, meta });
        return;
      }
      case "leaveQueue":
        system("queue", t("ivr:simulator.leftQueue", { lng }), { action: "leaveQueue" });
        return;
      case "record":
        system("input-request", t("ivr:simulator.recording", { lng, seconds: n(action.maxSeconds) }), {
          action: "record",
          input: "recording",
          maxSeconds: action.maxSeconds,
        });
        return;
      case "dial":
        // Numbers stay in ASCII digits: they are copied and dialled, not read.
        system("system", t("ivr:simulator.transfer", { lng, number: action.number }), { action: "dial", number: action.number });
        return;
      case "setLanguage":
        lng = action.language;
        system("system", t("ivr:simulator.language", { lng, language: t(`common:language.${action.language}`, { lng }) }), {
          action: "setLanguage",
          language: action.language,
        });
        return;
      case "storeVariable":
        system("system", t("ivr:simulator.stored", { lng, name: action.name, value: action.value }), {
          action: "storeVariable",
          name: action.name,
          value: action.value,
        });
        return;
      case "createCallbackTask":
        system("system", t("ivr:simulator.callbackTask", { lng }), {
          action: "createCallbackTask",
          reason: action.reason,
          nodeId: action.nodeId,
          hasRecording: action.recording !== null,
        });
        return;
      case "hangup":
        system("ended", t(`ivr:simulator.ended.${action.reason}`, { lng }), { action: "hangup", reason: action.reason });
        return;
    }
  });
  return lines;
}
