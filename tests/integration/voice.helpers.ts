import type { ActionFunctionArgs } from "@remix-run/node";
import { computeTwilioSignature, TWILIO_SIGNATURE_HEADER } from "~/modules/telephony/twilio-signature";
import { action as incomingAction } from "~/routes/webhooks.voice.incoming";
import { action as connectAction } from "~/routes/webhooks.voice.connect";
import { action as statusAction } from "~/routes/webhooks.voice.status";
import { action as stepAction } from "~/routes/webhooks.voice.step";
import { action as waitAction } from "~/routes/webhooks.voice.wait";

/**
 * A fake TwiML provider for the voice webhook tests: it signs each request as the real one does
 * (HMAC-SHA1 over the public URL + sorted form params), posts it through a proxy that strips the public
 * origin and path prefix, and follows the TwiML it gets (Say, Gather, Redirect, Enqueue, Leave, Hangup).
 */

export const AUTH_TOKEN = "voice-webhook-test-token";
export const ACCOUNT_SID = `AC${"5e".repeat(16)}`;
/** What the provider calls; the proxy in front of the app strips the /voice prefix. */
export const PUBLIC_BASE = "https://hooks.example.test/voice";
const INTERNAL_BASE = "http://127.0.0.1:3000";

const ROUTES: Record<string, (args: ActionFunctionArgs) => Promise<Response>> = {
  "/webhooks/voice/incoming": incomingAction,
  "/webhooks/voice/step": stepAction,
  "/webhooks/voice/wait": waitAction,
  "/webhooks/voice/status": statusAction,
  "/webhooks/voice/connect": connectAction,
};

export type Signing = "valid" | "bad" | "missing" | "internal-url";

export interface Delivery {
  url: string;
  params: Record<string, string>;
  signing: Signing;
}

export interface Answer {
  status: number;
  contentType: string | null;
  body: string;
}

/** Posts one signed form request to the route the public URL maps to. */
export async function deliver({ url, params, signing }: Delivery): Promise<Answer> {
  if (!url.startsWith(PUBLIC_BASE)) throw new Error(`the provider was given a URL outside PUBLIC_BASE_URL: ${url}`);
  const internal = INTERNAL_BASE + url.slice(PUBLIC_BASE.length);
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (signing === "valid") headers[TWILIO_SIGNATURE_HEADER] = computeTwilioSignature(AUTH_TOKEN, url, params);
  if (signing === "bad") headers[TWILIO_SIGNATURE_HEADER] = computeTwilioSignature("not-the-token", url, params);
  if (signing === "internal-url") headers[TWILIO_SIGNATURE_HEADER] = computeTwilioSignature(AUTH_TOKEN, internal, params);
  const request = new Request(internal, { method: "POST", headers, body: new URLSearchParams(params).toString() });
  const route = ROUTES[new URL(internal).pathname];
  if (!route) throw new Error(`no route for ${internal}`);
  const response = await route({ request, params: {}, context: {} });
  return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
}

// ---------------------------------------------------------------------------------------------------
// Minimal TwiML parsing

export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XmlNode[];
}

const unescape = (s: string) =>
  s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** Enough XML for TwiML: elements, attributes, text; no comments, CDATA or namespaces. */
export function parseTwiml(xml: string): XmlNode {
  const body = xml.replace(/^<\?xml[^>]*\?>/, "");
  const root: XmlNode = { name: "#root", attrs: {}, text: "", children: [] };
  const stack: XmlNode[] = [root];
  const re = /<(\/?)([A-Za-z]+)((?:\s+[A-Za-z]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of body.matchAll(re)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += unescape(m[5]);
      continue;
    }
    const [, closing, name, rawAttrs, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      if (top.name !== name) throw new Error(`unbalanced </${name}> in ${xml}`);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of rawAttrs.matchAll(/([A-Za-z]+)="([^"]*)"/g)) attrs[a[1]!] = unescape(a[2]!);
    const node: XmlNode = { name, attrs, text: "", children: [] };
    top.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`unclosed element in ${xml}`);
  const response = root.children[0];
  if (!response || response.name !== "Response") throw new Error(`not a TwiML Response: ${xml}`);
  return response;
}

// ---------------------------------------------------------------------------------------------------
// A call the provider places and follows

export interface Said {
  text: string;
  language: string | undefined;
}

/**
 * One caller's call. Each method delivers what the real provider would after the caller's action and
 * follows the answer: Says are heard, a Gather waits for keys, a Redirect is fetched at once, an Enqueue
 * waits in the queue (wait URL fetched by `tick`), a Leave posts the Enqueue action, Hangup ends it.
 */
export class FakeCall {
  /** Everything said to the caller, in order. */
  heard: Said[] = [];
  /** Every document received, in order. */
  documents: XmlNode[] = [];
  gather: { action: string; actionOnEmptyResult: boolean } | null = null;
  queue: { name: string; action: string; waitUrl: string } | null = null;
  ended = false;
  /** The last delivery made, so a test can deliver it again. */
  last: Delivery | null = null;
  lastAnswer: Answer | null = null;

  constructor(
    readonly callSid: string,
    readonly to: string,
    readonly from = "+989121234567",
  ) {}

  params(extra: Record<string, string> = {}): Record<string, string> {
    return {
      AccountSid: ACCOUNT_SID,
      ApiVersion: "2010-04-01",
      CallSid: this.callSid,
      CallStatus: this.queue ? "in-progress" : "ringing",
      Called: this.to,
      Caller: this.from,
      Direction: "inbound",
      From: this.from,
      To: this.to,
      ...extra,
    };
  }

  /** Delivers and, when the answer is TwiML, follows it. */
  async send(delivery: Delivery): Promise<Answer> {
    this.last = delivery;
    const answer = await deliver(delivery);
    this.lastAnswer = answer;
    if (answer.status === 200 && answer.contentType?.startsWith("application/xml")) await this.follow(parseTwiml(answer.body));
    return answer;
  }

  dial(signing: Signing = "valid") {
    return this.send({ url: `${PUBLIC_BASE}/webhooks/voice/incoming`, params: this.params(), signing });
  }

  /** Keys pressed while a Gather listens. */
  press(digits: string) {
    const gather = this.takeGather();
    return this.send({ url: gather.action, params: this.params({ Digits: digits, FinishedOnKey: "" }), signing: "valid" });
  }

  /** The Gather's timeout runs out without a key. */
  silence() {
    const gather = this.takeGather();
    if (!gather.actionOnEmptyResult) throw new Error("this Gather does not call back without input");
    return this.send({ url: gather.action, params: this.params({ Digits: "" }), signing: "valid" });
  }

  /** The provider fetches the queue's wait document. */
  tick(queueTime: number, position: number, avgQueueTime: number) {
    if (!this.queue) throw new Error("not in a queue");
    this.gather = null;
    const params = this.params({
      QueueSid: `QU${"1".repeat(32)}`,
      QueueTime: String(queueTime),
      QueuePosition: String(position),
      AvgQueueTime: String(avgQueueTime),
      CurrentQueueSize: String(position),
    });
    return this.send({ url: this.queue.waitUrl, params, signing: "valid" });
  }

  /** The provider's status callback. */
  status(callStatus: string, signing: Signing = "valid") {
    return this.send({ url: `${PUBLIC_BASE}/webhooks/voice/status`, params: this.params({ CallStatus: callStatus, CallDuration: "42" }), signing });
  }

  /** The same request again, as a provider retry would send it. */
  redeliver() {
    if (!this.last) throw new Error("nothing delivered yet");
    return deliver(this.last);
  }

  private takeGather() {
    const gather = this.gather;
    if (!gather) throw new Error("no Gather is listening");
    this.gather = null;
    return gather;
  }

  private hear(node: XmlNode) {
    this.heard.push({ text: node.text, language: node.attrs.language });
  }

  private async follow(doc: XmlNode) {
    this.documents.push(doc);
    for (const verb of doc.children) {
      switch (verb.name) {
        case "Say":
          this.hear(verb);
          continue;
        case "Play":
        case "Pause":
          continue;
        case "Gather":
          for (const child of verb.children) if (child.name === "Say") this.hear(child);
          this.gather = { action: verb.attrs.action!, actionOnEmptyResult: verb.attrs.actionOnEmptyResult === "true" };
          // With keys to press the document stops here; an offer without actionOnEmptyResult plays on.
          if (this.gather.actionOnEmptyResult) return;
          continue;
        case "Redirect":
          await this.send({ url: verb.text, params: this.params(), signing: "valid" });
          return;
        case "Enqueue":
          this.queue = { name: verb.text, action: verb.attrs.action!, waitUrl: verb.attrs.waitUrl! };
          return;
        case "Leave": {
          const queue = this.queue;
          if (!queue) throw new Error("Leave outside a queue");
          this.queue = null;
          this.gather = null;
          await this.send({ url: queue.action, params: this.params({ QueueResult: "leave", QueueTime: "130" }), signing: "valid" });
          return;
        }
        case "Record":
          // The caller speaks; the test delivers the Record action with the recording.
          return;
        case "Hangup":
          this.ended = true;
          this.gather = null;
          return;
        default:
          throw new Error(`the fake provider does not know <${verb.name}>`);
      }
    }
  }
}

export const newCallSid = () => `CA${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
export const randomNumber = () => `+98218${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
