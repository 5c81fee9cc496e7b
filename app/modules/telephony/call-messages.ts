import { type Language } from "../i18n/config";
import { localizeDigits } from "../i18n/format";
import { type IvrAction } from "../ivr/interpreter";
import { type RenderContext } from "./adapter";

/**
 * The system messages a queue speaks (ivr:call.*), shared by the TwiML renderer and the simulator so
 * both say exactly the same words. Numbers are written in the language's digits (Persian in fa).
 */

type Announce = Extract<IvrAction, { type: "announce" }>;
type OfferCallback = Extract<IvrAction, { type: "offerCallback" }>;
type Translate = RenderContext["t"];

/** Whole minutes, rounded up and at least 1: "about 0 minutes" would promise an agent who is not free. */
export function estimatedWaitMinutes(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) return 1;
  return Math.max(1, Math.ceil(seconds / 60));
}

const num = (n: number | string, lang: Language) => localizeDigits(String(n), lang);

/** Position first, then the wait, as each is present; an announcement with neither says nothing. */
export function announcementTexts(action: Announce, t: Translate): string[] {
  const lng = action.language;
  const out: string[] = [];
  if (action.position !== null) out.push(t("ivr:call.position", { lng, position: num(action.position, lng) }));
  if (action.estimatedWaitSeconds !== null) {
    out.push(t("ivr:call.estimatedWait", { lng, minutes: num(estimatedWaitMinutes(action.estimatedWaitSeconds), lng) }));
  }
  return out;
}

export function callbackOfferText(action: OfferCallback, t: Translate): string {
  return t("ivr:call.callbackOffer", { lng: action.language, digit: num(action.digit, action.language) });
}

/** The interpreter puts the node's own offer prompt right before offerCallback; only without one do we speak ours. */
export function needsDefaultOffer(actions: readonly IvrAction[], index: number): boolean {
  const prev = actions[index - 1];
  return !prev || (prev.type !== "say" && prev.type !== "play");
}
