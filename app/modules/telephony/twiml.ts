/**
 * A small typed TwiML builder. Verbs are plain data (a discriminated union on `verb`) so the IVR
 * mapper can build, inspect and test them without XML; `renderTwiml` is the only place that writes
 * markup, so escaping lives in one spot.
 */

export type HttpMethod = "GET" | "POST";

export type SayVerb = {
  verb: "Say";
  text: string;
  /** Provider locale, e.g. fa-IR, en-US (see voiceFor). */
  language?: string;
  voice?: string;
  loop?: number;
};

export type PlayVerb = { verb: "Play"; url: string; loop?: number };

export type PauseVerb = { verb: "Pause"; length?: number };

/** What may be spoken while a Gather listens; anything else inside Gather is rejected by the provider. */
export type GatherChild = SayVerb | PlayVerb | PauseVerb;

export type GatherVerb = {
  verb: "Gather";
  action: string;
  method?: HttpMethod;
  numDigits?: number;
  finishOnKey?: string;
  /** Seconds of silence before the Gather ends. */
  timeout?: number;
  input?: "dtmf";
  /** Call `action` even when nothing was pressed, so the IVR's timeout handling runs on our side. */
  actionOnEmptyResult?: boolean;
  children?: GatherChild[];
};

export type EnqueueVerb = {
  verb: "Enqueue";
  queue: string;
  waitUrl?: string;
  waitUrlMethod?: HttpMethod;
  action?: string;
  method?: HttpMethod;
};

export type RedirectVerb = { verb: "Redirect"; url: string; method?: HttpMethod };

export type RecordVerb = {
  verb: "Record";
  action?: string;
  method?: HttpMethod;
  /** Seconds. */
  maxLength?: number;
  playBeep?: boolean;
  /** Seconds of silence that end the recording. */
  timeout?: number;
  finishOnKey?: string;
  recordingStatusCallback?: string;
};

export type DialTarget = "number" | "sip" | "client";

export type DialVerb = {
  verb: "Dial";
  /** A phone number (E.164), a SIP URI or a client identity, per `target`. */
  number: string;
  /** Agent endpoints are usually SIP or client registrations rather than PSTN numbers. */
  target?: DialTarget;
  callerId?: string;
  /** Seconds to ring before giving up. */
  timeout?: number;
  action?: string;
  method?: HttpMethod;
};

export type HangupVerb = { verb: "Hangup" };

/** Only valid in a queue's wait-URL document: takes the caller out of the queue to the Enqueue `action`. */
export type LeaveVerb = { verb: "Leave" };

export type TwimlVerb =
  | SayVerb
  | PlayVerb
  | PauseVerb
  | GatherVerb
  | EnqueueVerb
  | RedirectVerb
  | RecordVerb
  | DialVerb
  | HangupVerb
  | LeaveVerb;

export const TWIML_CONTENT_TYPE = "application/xml; charset=utf-8";

// XML 1.0 forbids these code points even escaped; one in a tenant's prompt would make the provider
// reject the whole document and drop the call, so they are removed instead.
// eslint-disable-next-line no-control-regex
const FORBIDDEN_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(value: string): string {
  return value
    .replace(FORBIDDEN_XML_CHARS, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

type AttrValue = string | number | boolean | undefined;

function count(name: string, value: number | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`TwiML ${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

function attrs(list: [string, AttrValue][]): string {
  let out = "";
  for (const [name, value] of list) {
    if (value === undefined) continue;
    out += ` ${name}="${escapeXml(String(value))}"`;
  }
  return out;
}

function element(name: string, attributes: [string, AttrValue][], body?: string): string {
  const open = `${name}${attrs(attributes)}`;
  return body === undefined || body === "" ? `<${open}/>` : `<${open}>${body}</${name}>`;
}

function renderVerb(verb: TwimlVerb): string {
  switch (verb.verb) {
    case "Say":
      return element(
        "Say",
        [
          ["language", verb.language],
          ["voice", verb.voice],
          ["loop", count("Say loop", verb.loop, 0)],
        ],
        escapeXml(verb.text),
      );
    case "Play":
      return element("Play", [["loop", count("Play loop", verb.loop, 0)]], escapeXml(verb.url));
    case "Pause":
      return element("Pause", [["length", count("Pause length", verb.length, 1)]]);
    case "Gather":
      return element(
        "Gather",
        [
          ["input", verb.input],
          ["action", verb.action],
          ["method", verb.method],
          ["numDigits", count("Gather numDigits", verb.numDigits, 1)],
          ["finishOnKey", verb.finishOnKey],
          ["timeout", count("Gather timeout", verb.timeout, 0)],
          ["actionOnEmptyResult", verb.actionOnEmptyResult],
        ],
        (verb.children ?? []).map(renderVerb).join(""),
      );
    case "Enqueue":
      return element(
        "Enqueue",
        [
          ["action", verb.action],
          ["method", verb.method],
          ["waitUrl", verb.waitUrl],
          ["waitUrlMethod", verb.waitUrlMethod],
        ],
        escapeXml(verb.queue),
      );
    case "Redirect":
      return element("Redirect", [["method", verb.method]], escapeXml(verb.url));
    case "Record":
      return element("Record", [
        ["action", verb.action],
        ["method", verb.method],
        ["maxLength", count("Record maxLength", verb.maxLength, 1)],
        ["timeout", count("Record timeout", verb.timeout, 0)],
        ["finishOnKey", verb.finishOnKey],
        ["playBeep", verb.playBeep],
        ["recordingStatusCallback", verb.recordingStatusCallback],
      ]);
    case "Dial": {
      const noun = verb.target === "sip" ? "Sip" : verb.target === "client" ? "Client" : "Number";
      return element(
        "Dial",
        [
          ["action", verb.action],
          ["method", verb.method],
          ["callerId", verb.callerId],
          ["timeout", count("Dial timeout", verb.timeout, 1)],
        ],
        `<${noun}>${escapeXml(verb.number)}</${noun}>`,
      );
    }
    case "Hangup":
      return "<Hangup/>";
    case "Leave":
      return "<Leave/>";
  }
}

/** The whole response document; an empty list is a valid (silent) response that ends the call. */
export function renderTwiml(verbs: readonly TwimlVerb[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.map(renderVerb).join("")}</Response>`;
}

export type TwimlVoice = { language: string; voice?: string };

/**
 * Text-to-speech settings per platform language. The provider has no Persian voice (neither its
 * Polly nor its Google voices cover fa), so fa sets only the locale: Persian prompts should prefer
 * uploaded audio, and a tenant or a TwiML-compatible provider with Persian TTS can override the voice.
 * Unknown languages fall back to English rather than sending a locale the provider would refuse.
 */
export function voiceFor(language: string): TwimlVoice {
  switch (language.toLowerCase().split(/[-_]/)[0]) {
    case "fa":
      return { language: "fa-IR" };
    case "nl":
      return { language: "nl-NL", voice: "Polly.Lotte" };
    case "en":
    default:
      return { language: "en-US", voice: "Polly.Joanna" };
  }
}
