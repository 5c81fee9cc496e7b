import { z } from "zod";
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from "../i18n/config";
import { normalizeDigits } from "../i18n/format";
import { calendarStatus, type BusinessCalendar, type CalendarStatus } from "./calendar";
import { compilePattern, promptText, type CollectNode, type Flow, type IvrNode, type LanguageNode, type MenuNode, type Prompt, type QueueNode } from "./model";

/**
 * The IVR interpreter: (flow, call state, event, env) -> (actions, new state). Pure: no I/O, no clock
 * unless `env.now` is left out, never mutates its inputs and never throws, so the TwiML adapter, the
 * simulator and tests all drive the same code. Adapters render the actions; they decide nothing.
 */

export const CALL_STATUSES = ["running", "queued", "transferred", "voicemail", "ended"] as const;
/**
 * running: inside the IVR; queued: handed to a queue; transferred: dialled out; voicemail: recording
 * a message (the recording is still to come); ended: the IVR's part of the call is over.
 */
export type CallStatus = (typeof CALL_STATUSES)[number];

export interface PathEntry {
  nodeId: string;
  /** ISO instant the call entered the node. */
  at: string;
}

export interface CallState {
  /** The flow version the call started on; a running call keeps it even after a new publish. */
  flowVersionId: string;
  status: CallStatus;
  nodeId: string | null;
  language: Language;
  /** Failed attempts (invalid input or timeout) on the current node. */
  retries: number;
  variables: Record<string, string>;
  path: PathEntry[];
  caller: string | null;
  queue: { callbackOffered: boolean; lastAnnouncedAt: number | null } | null;
  callerHungUp: boolean;
}

const digitsText = z.string().max(64);
export const ivrEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("start"), caller: z.string().max(64).nullable().default(null), language: z.enum(LANGUAGES).default(DEFAULT_LANGUAGE) }),
  z.object({ type: z.literal("digits"), digits: digitsText }),
  z.object({ type: z.literal("timeout") }),
  z.object({ type: z.literal("recordingFinished"), url: z.string().max(2000).default(""), seconds: z.number().finite().min(0).default(0) }),
  z.object({
    type: z.literal("queueTick"),
    waitedSeconds: z.number().finite().min(0),
    estimatedWaitSeconds: z.number().finite().min(0).nullable().default(null),
    position: z.number().int().min(1).nullable().default(null),
  }),
  z.object({ type: z.literal("callerHangup") }),
]);
/** What an adapter passes in; defaults are filled and anything malformed is ignored. */
export type IvrEvent = z.input<typeof ivrEventSchema>;
type ParsedEvent = z.infer<typeof ivrEventSchema>;

export interface SayAction {
  type: "say";
  text: string;
  language: Language;
}
export interface PlayAction {
  type: "play";
  url: string;
}
export type Utterance = SayAction | PlayAction;
export type HangupReason = "completed" | "noInput" | "callback" | "error";

export type IvrAction =
  | SayAction
  | PlayAction
  | { type: "gather"; minDigits: number; maxDigits: number; finishOnKey: string; timeoutSeconds: number }
  | {
      type: "enqueue";
      queueId: string;
      holdPrompt: Utterance[];
      musicUrl: string | null;
      announcePosition: boolean;
      announceWait: boolean;
      announceEverySeconds: number | null;
    }
  /** Adapters speak it with ivr:call.position / ivr:call.estimatedWait in `language`. */
  | { type: "announce"; position: number | null; estimatedWaitSeconds: number | null; language: Language }
  /** Preceded by the node's offer prompt when it has one; otherwise adapters say ivr:call.callbackOffer. */
  | { type: "offerCallback"; digit: string; language: Language }
  | { type: "leaveQueue" }
  | {
      type: "createCallbackTask";
      reason: "voicemail" | "queueCallback";
      nodeId: string;
      number: string | null;
      language: Language;
      recording: { url: string; seconds: number } | null;
      variables: Record<string, string>;
    }
  | { type: "record"; maxSeconds: number }
  | { type: "dial"; number: string }
  | { type: "hangup"; reason: HangupReason }
  | { type: "setLanguage"; language: Language }
  | { type: "storeVariable"; name: string; value: string };

export interface IvrEnv {
  calendar: BusinessCalendar;
  now?: Date;
}

export interface StepResult {
  actions: IvrAction[];
  state: CallState;
}

/** Enough for any sane flow; a cycle without input (which the validator refuses) ends here instead of spinning. */
export const MAX_HOPS_PER_STEP = 64;

export function initialCallState(flowVersionId: string): CallState {
  return {
    flowVersionId,
    status: "running",
    nodeId: null,
    language: DEFAULT_LANGUAGE,
    retries: 0,
    variables: {},
    path: [],
    caller: null,
    queue: null,
    callerHungUp: false,
  };
}

/**
 * The prompt in the call's language; else its recording; else its text in the first language it has
 * (fa, en, nl order), so a missing translation still says something rather than nothing.
 */
export function resolvePrompt(prompt: Prompt | undefined, language: Language): Utterance[] {
  if (!prompt) return [];
  const own = promptText(prompt, language);
  if (own) return [{ type: "say", text: own, language }];
  if (prompt.audioUrl) return [{ type: "play", url: prompt.audioUrl }];
  for (const l of LANGUAGES) {
    const text = promptText(prompt, l);
    if (text) return [{ type: "say", text, language: l }];
  }
  return [];
}

/**
 * Unexpected events for the current node (digits while a message plays, a recording at a menu, any
 * event after the call ended, a second start) and malformed events return no actions and the very
 * same state object. A reference to a node missing from the flow ends the call with reason "error".
 */
export function step(flow: Flow, state: CallState, event: IvrEvent, env: IvrEnv): StepResult {
  const parsed = ivrEventSchema.safeParse(event);
  if (!parsed.success) return { actions: [], state };
  try {
    return new Run(flow, state, env).handle(parsed.data);
  } catch {
    // Only a corrupt stored flow or state gets here; a live call's webhook must still answer.
    return { actions: [], state };
  }
}

class Run {
  private readonly actions: IvrAction[] = [];
  private readonly s: CallState;
  private readonly at: Date;

  constructor(
    private readonly flow: Flow,
    private readonly original: CallState,
    private readonly env: IvrEnv,
  ) {
    this.s = {
      ...original,
      variables: { ...original.variables },
      path: [...original.path],
      queue: original.queue ? { ...original.queue } : null,
    };
    this.at = env.now ?? new Date();
  }

  handle(event: ParsedEvent): StepResult {
    const s = this.s;
    if (event.type === "start") {
      if (s.nodeId !== null || s.status !== "running" || s.path.length > 0) return this.noop();
      s.language = event.language;
      s.caller = event.caller;
      this.enter(this.flow.start);
      return this.done();
    }
    if (s.status === "ended" || s.status === "transferred" || s.nodeId === null) return this.noop();
    if (event.type === "callerHangup") {
      s.callerHungUp = true;
      // The provider still delivers a recording cut short by the hang-up; keep waiting for it.
      if (s.status !== "voicemail") s.status = "ended";
      return this.done();
    }
    const node = this.node(s.nodeId);
    if (!node) return this.noop();
    switch (node.type) {
      case "menu":
        return this.onMenu(node, event);
      case "collect":
        return this.onCollect(node, event);
      case "language":
        return this.onLanguage(node, event);
      case "queue":
        return this.onQueue(node, event);
      case "voicemail":
        if (event.type !== "recordingFinished" || s.status !== "voicemail") return this.noop();
        this.actions.push({
          type: "createCallbackTask",
          reason: "voicemail",
          nodeId: node.id,
          number: s.caller,
          language: s.language,
          recording: event.url && event.seconds > 0 ? { url: event.url, seconds: event.seconds } : null,
          variables: { ...s.variables },
        });
        if (s.callerHungUp) {
          s.status = "ended";
          return this.done();
        }
        s.status = "running";
        this.enter(node.next);
        return this.done();
      default:
        return this.noop();
    }
  }

  private onMenu(node: MenuNode, event: ParsedEvent): StepResult {
    if (event.type === "digits") {
      const digit = normalizeDigits(event.digits).trim();
      const option = node.options.find((o) => o.digit === digit);
      if (option) this.enter(option.next);
      else this.retry(node, "invalid", () => this.giveUp(node.fallback));
      return this.done();
    }
    if (event.type === "timeout") {
      this.retry(node, "timeout", () => this.giveUp(node.fallback));
      return this.done();
    }
    return this.noop();
  }

  private onCollect(node: CollectNode, event: ParsedEvent): StepResult {
    if (event.type === "digits") {
      let value = normalizeDigits(event.digits).trim();
      if (node.finishOnKey && value.endsWith(node.finishOnKey)) value = value.slice(0, -1);
      const pattern = node.pattern === undefined ? null : compilePattern(node.pattern);
      const valid =
        /^[0-9]+$/.test(value) &&
        value.length >= node.minDigits &&
        value.length <= node.maxDigits &&
        (node.pattern === undefined || (pattern !== null && pattern.test(value)));
      if (valid) {
        this.s.variables[node.variable] = value;
        this.actions.push({ type: "storeVariable", name: node.variable, value });
        this.enter(node.next);
      } else {
        this.retry(node, "invalid", () => this.giveUp(node.fallback));
      }
      return this.done();
    }
    if (event.type === "timeout") {
      this.retry(node, "timeout", () => this.giveUp(node.fallback));
      return this.done();
    }
    return this.noop();
  }

  private onLanguage(node: LanguageNode, event: ParsedEvent): StepResult {
    // A caller who does not choose keeps the language the call started in and goes on.
    if (event.type === "digits") {
      const digit = normalizeDigits(event.digits).trim();
      const option = node.options.find((o) => o.digit === digit);
      if (option) {
        this.s.language = option.language;
        this.actions.push({ type: "setLanguage", language: option.language });
        this.enter(node.next);
      } else {
        this.retry(node, "invalid", () => this.enter(node.next));
      }
      return this.done();
    }
    if (event.type === "timeout") {
      this.retry(node, "timeout", () => this.enter(node.next));
      return this.done();
    }
    return this.noop();
  }

  private onQueue(node: QueueNode, event: ParsedEvent): StepResult {
    const s = this.s;
    if (s.status !== "queued") return this.noop();
    const q = (s.queue ??= { callbackOffered: false, lastAnnouncedAt: null });
    const cb = node.callback;
    if (event.type === "queueTick") {
      if (node.overflow && event.waitedSeconds >= node.overflow.afterSeconds) {
        this.actions.push({ type: "leaveQueue" });
        s.status = "running";
        s.queue = null;
        this.enter(node.overflow.next);
        return this.done();
      }
      const byTime = cb?.afterSeconds !== undefined && event.waitedSeconds >= cb.afterSeconds;
      const byWait =
        cb?.whenWaitExceedsSeconds !== undefined && event.estimatedWaitSeconds !== null && event.estimatedWaitSeconds > cb.whenWaitExceedsSeconds;
      if (cb && !q.callbackOffered && (byTime || byWait)) {
        q.callbackOffered = true;
        // The offer interrupts the hold music like an announcement does; the next one waits a full period.
        q.lastAnnouncedAt = event.waitedSeconds;
        this.say(cb.prompt);
        this.actions.push({ type: "offerCallback", digit: cb.digit, language: s.language });
        return this.done();
      }
      const every = node.announceEverySeconds;
      if (every !== undefined && (node.announcePosition || node.announceWait) && event.waitedSeconds - (q.lastAnnouncedAt ?? 0) >= every) {
        q.lastAnnouncedAt = event.waitedSeconds;
        this.actions.push({
          type: "announce",
          position: node.announcePosition ? event.position : null,
          estimatedWaitSeconds: node.announceWait ? event.estimatedWaitSeconds : null,
          language: s.language,
        });
        return this.done();
      }
      return this.noop();
    }
    if (event.type === "digits" && cb && q.callbackOffered && normalizeDigits(event.digits).trim() === cb.digit) {
      this.actions.push({ type: "leaveQueue" });
      this.say(cb.acceptedPrompt);
      this.actions.push({
        type: "createCallbackTask",
        reason: "queueCallback",
        nodeId: node.id,
        number: s.caller,
        language: s.language,
        recording: null,
        variables: { ...s.variables },
      });
      this.hangup("callback");
      return this.done();
    }
    return this.noop();
  }

  private retry(node: MenuNode | CollectNode | LanguageNode, kind: "invalid" | "timeout", giveUp: () => void) {
    if (this.s.retries >= node.maxRetries) {
      giveUp();
      return;
    }
    this.s.retries += 1;
    this.say(kind === "timeout" ? (node.timeoutPrompt ?? node.invalidPrompt) : node.invalidPrompt);
    this.ask(node);
  }

  /** After the last retry: the fallback, or a polite goodbye when the node has none. */
  private giveUp(fallback: string | undefined) {
    if (fallback !== undefined) {
      this.enter(fallback);
      return;
    }
    this.say(this.flow.goodbye);
    this.hangup("noInput");
  }

  private ask(node: MenuNode | CollectNode | LanguageNode) {
    this.say(node.prompt);
    if (node.type === "collect") {
      this.actions.push({ type: "gather", minDigits: node.minDigits, maxDigits: node.maxDigits, finishOnKey: node.finishOnKey, timeoutSeconds: node.timeoutSeconds });
    } else {
      this.actions.push({ type: "gather", minDigits: 1, maxDigits: 1, finishOnKey: "", timeoutSeconds: node.timeoutSeconds });
    }
  }

  /** Enters a node and runs on through nodes that need no input, until one waits or the call ends. */
  private enter(first: string | undefined) {
    const s = this.s;
    let id = first;
    for (let hops = 0; ; hops++) {
      if (hops >= MAX_HOPS_PER_STEP) return this.hangup("error");
      // A node without a way on (the validator's "dead end") ends the call rather than leaving it silent.
      if (id === undefined) return this.hangup("completed");
      const node = this.node(id);
      if (!node) return this.hangup("error");
      s.nodeId = node.id;
      s.retries = 0;
      s.path.push({ nodeId: node.id, at: this.at.toISOString() });
      switch (node.type) {
        case "play":
          this.say(node.prompt);
          id = node.next;
          continue;
        case "hours": {
          const status = this.calendarStatus();
          id = status === "open" ? node.open : status === "holiday" ? (node.holiday ?? node.closed) : node.closed;
          continue;
        }
        case "menu":
        case "collect":
        case "language":
          this.ask(node);
          return;
        case "queue":
          s.status = "queued";
          s.queue = { callbackOffered: false, lastAnnouncedAt: null };
          this.actions.push({
            type: "enqueue",
            queueId: node.queueId,
            holdPrompt: resolvePrompt(node.holdPrompt, s.language),
            musicUrl: node.musicUrl ?? null,
            announcePosition: node.announcePosition,
            announceWait: node.announceWait,
            announceEverySeconds: node.announceEverySeconds ?? null,
          });
          return;
        case "voicemail":
          s.status = "voicemail";
          this.say(node.prompt);
          this.actions.push({ type: "record", maxSeconds: node.maxSeconds });
          return;
        case "transfer":
          s.status = "transferred";
          this.actions.push({ type: "dial", number: node.number });
          return;
        case "hangup":
          this.say(node.message);
          return this.hangup("completed");
      }
    }
  }

  private calendarStatus(): CalendarStatus {
    try {
      return calendarStatus(this.env.calendar, this.at);
    } catch {
      // A broken calendar (unknown zone) sends callers down the after-hours path, which offers a
      // callback, rather than into queues nobody may be staffing.
      return "closed";
    }
  }

  private node(id: string): IvrNode | undefined {
    return this.flow.nodes.find((n) => n.id === id);
  }

  private say(prompt: Prompt | undefined) {
    this.actions.push(...resolvePrompt(prompt, this.s.language));
  }

  private hangup(reason: HangupReason) {
    this.s.status = "ended";
    this.actions.push({ type: "hangup", reason });
  }

  private done(): StepResult {
    return { actions: this.actions, state: this.s };
  }

  private noop(): StepResult {
    return { actions: [], state: this.original };
  }
}
