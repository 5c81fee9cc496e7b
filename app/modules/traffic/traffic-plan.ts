import type { Language } from "../i18n/config";
import { calendarStatus, localTimeIn, type BusinessCalendar } from "../ivr/calendar";
import { compilePattern, nodeTargets, type Flow } from "../ivr/model";
import type { Expecting } from "../telephony/simulator.server";
import { mulberry32 } from "../platform/random";

/**
 * The traffic generator's decisions (issue 4), pure and seeded, so a run can be replayed and every
 * rule is unit-tested: when calls arrive (a Poisson stream per tenant whose rate follows the tenant's
 * business hours), what each caller does at each IVR prompt and in the queue, and how a simulated
 * agent handles a contact (ring, talk, hold, who hangs up, wrap-up, disposition, note, breaks).
 * traffic.server.ts (in process) and bench/simulate.ts (over HTTP) carry the decisions out.
 */

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; items with weight <= 0 are never picked unless all are. */
  weighted<T>(items: readonly { item: T; weight: number }[]): T;
  exponential(mean: number): number;
  /** Log-normal around `median`; sigma ~0.5 gives the long right tail of real handling times. */
  logNormal(median: number, sigma: number): number;
  /** An independent stream derived from this one's seed and a label (per tenant, per caller). */
  fork(label: string): Rng;
}

/** FNV-1a: a string seed becomes a 32-bit state. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded generator (mulberry32) with the helpers a simulation needs; never for anything secret. */
export function createRng(seed: number | string): Rng {
  const base = typeof seed === "number" ? seed >>> 0 : hash32(seed);
  const next = mulberry32(base);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (items) => {
      if (items.length === 0) throw new Error("pick from an empty list");
      const total = items.reduce((sum, i) => sum + Math.max(0, i.weight), 0);
      if (total <= 0) return items[Math.floor(next() * items.length)]!.item;
      let r = next() * total;
      for (const i of items) {
        r -= Math.max(0, i.weight);
        if (r < 0) return i.item;
      }
      return items[items.length - 1]!.item;
    },
    // 1 - next() is in (0, 1], so the logarithm is finite.
    exponential: (mean) => -Math.log(1 - next()) * mean,
    logNormal: (median, sigma) => {
      const u = 1 - next();
      const v = next();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return median * Math.exp(sigma * z);
    },
    fork: (label) => createRng(hash32(`${base}:${label}`)),
  };
  return rng;
}

// ---------------------------------------------------------------------------------------------------
// Arrivals

/**
 * Relative call volume per local hour of a contact-center day: quiet nights, a morning ramp, the
 * late-morning peak, a lunch dip and a smaller afternoon peak. About 1 on average over 08:00-20:00,
 * so callsPerMinute means "an ordinary open hour"; nights stay at half, so a 24/7 line never goes dead.
 */
export const HOURLY_SHAPE: readonly number[] = [
  0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.55, 0.7, 0.95, 1.25, 1.4, 1.3, 1.0, 0.9, 1.05, 1.15, 1.1, 0.95, 0.85, 0.75, 0.7, 0.6, 0.55, 0.5,
];
/** After hours callers still ring, hear the closed message and may leave a voicemail. */
export const CLOSED_SHARE = 0.2;
export const HOLIDAY_SHARE = 0.1;

/** How busy a tenant's line is at an instant, relative to an ordinary open hour. */
export function rateMultiplier(calendar: BusinessCalendar, at: Date): number {
  let status: ReturnType<typeof calendarStatus>;
  try {
    status = calendarStatus(calendar, at);
  } catch {
    // An unknown time zone: the IVR sends callers to its closed branch, and so few of them ring.
    return CLOSED_SHARE;
  }
  if (status === "holiday") return HOLIDAY_SHARE;
  if (status === "closed") return CLOSED_SHARE;
  const hour = Math.floor(localTimeIn(at, calendar.timeZone).minutes / 60);
  return HOURLY_SHAPE[hour] ?? 1;
}

export const MAX_MULTIPLIER = Math.max(...HOURLY_SHAPE, CLOSED_SHARE, HOLIDAY_SHARE);

/**
 * The next arrival of a non-homogeneous Poisson stream after `fromMs`, by thinning: candidates come
 * at the maximum rate and each is kept with probability rate(t)/maxRate, which is exact however the
 * rate changes between arrivals (an opening hour, a holiday starting at midnight). Rates are per
 * minute. Null when no arrival falls before `untilMs`.
 */
export function nextArrival(rng: Rng, fromMs: number, ratePerMinute: (atMs: number) => number, maxRatePerMinute: number, untilMs = Infinity): number | null {
  if (!(maxRatePerMinute > 0)) return null;
  const meanGapMs = 60_000 / maxRatePerMinute;
  let t = fromMs;
  for (;;) {
    t += rng.exponential(meanGapMs);
    if (t >= untilMs) return null;
    const rate = Math.min(maxRatePerMinute, Math.max(0, ratePerMinute(t)));
    if (rng.next() * maxRatePerMinute < rate) return t;
  }
}

/** Every arrival in [fromMs, untilMs): for tests and for planning a whole run ahead. */
export function arrivalsBetween(rng: Rng, fromMs: number, untilMs: number, ratePerMinute: (atMs: number) => number, maxRatePerMinute: number): number[] {
  const out: number[] = [];
  let t = fromMs;
  for (;;) {
    const next = nextArrival(rng, t, ratePerMinute, maxRatePerMinute, untilMs);
    if (next === null) return out;
    out.push(next);
    t = next;
  }
}

/**
 * One tenant's rate: the bureau-wide callsPerMinute shared evenly by the tenants, times the tenant's
 * business-hours multiplier (or flat when no calendar is given).
 */
export function tenantRate(callsPerMinute: number, tenantCount: number, calendar: BusinessCalendar | null): { rate: (atMs: number) => number; max: number } {
  const base = callsPerMinute / Math.max(1, tenantCount);
  if (!calendar) return { rate: () => base, max: base };
  return { rate: (atMs) => base * rateMultiplier(calendar, new Date(atMs)), max: base * MAX_MULTIPLIER };
}

/** A pool of fictional Iranian mobile numbers, so some customers call more than once (repeat contacts). */
export function callerNumbers(rng: Rng, size: number): string[] {
  const prefixes = ["912", "935", "919", "901", "936", "921"];
  const numbers = new Set<string>();
  while (numbers.size < size) numbers.add(`+98${rng.pick(prefixes)}${String(rng.int(0, 9_999_999)).padStart(7, "0")}`);
  return [...numbers];
}

// ---------------------------------------------------------------------------------------------------
// Timing

/** Seconds, except where named otherwise. */
export interface TrafficTiming {
  /** Time to react to a prompt before pressing keys. */
  think: [number, number];
  /** A silent caller lets the prompt's own timeout run this fraction of its length (1 on a real line). */
  promptTimeoutScale: number;
  /** Mean time a caller waits in a queue before giving up (exponential, at least `minPatience`). */
  patienceMean: number;
  minPatience: number;
  /** How often the queue reports the wait to the IVR (announcements, callback offer, overflow). */
  queueTick: number;
  /** A voicemail message's length. */
  message: [number, number];
  /** The agent's reaction to a ringing offer. */
  ring: [number, number];
  talkMedian: number;
  talkSigma: number;
  /** Floor and ceiling of a talk, so the tail stays plausible. */
  talkBounds: [number, number];
  holdChance: number;
  hold: [number, number];
  /** How often the caller, not the agent, ends the conversation. */
  callerEndsChance: number;
  wrap: [number, number];
  noteChance: number;
  /** Chance of a break after a contact, and its length. */
  breakChance: number;
  breakLength: [number, number];
}

/** The demo: a floor that looks real on the wallboard. */
export const DEMO_TIMING: TrafficTiming = {
  think: [1, 4],
  promptTimeoutScale: 1,
  patienceMean: 150,
  minPatience: 20,
  queueTick: 15,
  message: [5, 20],
  ring: [1, 4],
  talkMedian: 60,
  talkSigma: 0.5,
  talkBounds: [15, 300],
  holdChance: 0.15,
  hold: [5, 25],
  callerEndsChance: 0.3,
  wrap: [5, 20],
  noteChance: 0.35,
  breakChance: 0.05,
  breakLength: [30, 120],
};

/** Load runs (npm run simulate, tests): the same shape, minutes compressed into seconds. */
export const BRISK_TIMING: TrafficTiming = {
  think: [0.2, 0.8],
  promptTimeoutScale: 0.2,
  patienceMean: 45,
  minPatience: 10,
  queueTick: 5,
  message: [0.5, 1.5],
  ring: [0.2, 1],
  talkMedian: 6,
  talkSigma: 0.4,
  talkBounds: [2, 20],
  holdChance: 0.1,
  hold: [0.5, 2],
  callerEndsChance: 0.3,
  wrap: [0.5, 2],
  noteChance: 0.3,
  breakChance: 0.03,
  breakLength: [3, 8],
};

// ---------------------------------------------------------------------------------------------------
// Callers

export interface CallerPersona {
  /** The language the caller picks at a language menu. */
  language: Language;
  /** Seconds the caller waits in a queue before hanging up. */
  patienceSeconds: number;
  /** Presses the callback key when it is offered in the queue. */
  takesCallback: boolean;
  /** Chance per prompt of a wrong key or of saying nothing. */
  fumble: number;
  /** Chance per prompt of giving up in the menus. */
  quitInMenu: number;
}

export function callerPersona(rng: Rng, timing: TrafficTiming, languages: readonly Language[] = ["fa", "en"]): CallerPersona {
  // Persian lines: most callers keep Persian, some choose English when the menu offers it.
  const others = languages.filter((l) => l !== "fa");
  const language: Language = !languages.includes("fa") ? (languages[0] ?? "fa") : others.length > 0 && rng.chance(0.15) ? rng.pick(others) : "fa";
  return {
    language,
    patienceSeconds: Math.max(timing.minPatience, rng.exponential(timing.patienceMean)),
    takesCallback: rng.chance(0.3),
    fumble: rng.chance(0.2) ? 0.15 : 0.03,
    quitInMenu: 0.02,
  };
}

/** What a caller can tell about the prompt it hears: the keys a menu offers, or the entry it asks for. */
export type PromptInfo =
  | { kind: "choice"; options: { digit: string; weight: number; language: Language | null }[] }
  | { kind: "entry"; minDigits: number; maxDigits: number; finishOnKey: string; pattern: string | null }
  | { kind: "unknown" };

/** Hops from a node to the nearest queue node, or null when none is reachable. */
export function hopsToQueue(flow: Flow, nodeId: string, limit = 8): number | null {
  const seen = new Set<string>([nodeId]);
  let frontier = [nodeId];
  for (let hops = 0; hops <= limit && frontier.length > 0; hops++) {
    const next: string[] = [];
    for (const id of frontier) {
      const node = flow.nodes.find((n) => n.id === id);
      if (!node) continue;
      if (node.type === "queue") return hops;
      for (const { target } of nodeTargets(node)) {
        if (!seen.has(target)) {
          seen.add(target);
          next.push(target);
        }
      }
    }
    frontier = next;
  }
  return null;
}

/**
 * The prompt at a node, as a caller who listens understands it. Menu keys that lead to a person
 * weigh more (most people call to talk to someone), the nearer the queue the more; keys leading to
 * self-service only still get picked now and then.
 */
export function promptInfo(flow: Flow, nodeId: string | null): PromptInfo {
  const node = nodeId === null ? undefined : flow.nodes.find((n) => n.id === nodeId);
  if (!node) return { kind: "unknown" };
  if (node.type === "language") return { kind: "choice", options: node.options.map((o) => ({ digit: o.digit, weight: 1, language: o.language })) };
  if (node.type === "menu") {
    return {
      kind: "choice",
      options: node.options.map((o) => {
        const hops = hopsToQueue(flow, o.next);
        return { digit: o.digit, weight: hops === null ? 0.5 : 1 + 4 / (1 + hops), language: null };
      }),
    };
  }
  if (node.type === "collect") {
    return { kind: "entry", minDigits: node.minDigits, maxDigits: node.maxDigits, finishOnKey: node.finishOnKey, pattern: node.pattern ?? null };
  }
  return { kind: "unknown" };
}

/** Digits a caller types at an entry prompt: a valid value when one can be found, else a plausible one. */
export function entryDigits(rng: Rng, info: Extract<PromptInfo, { kind: "entry" }>): string {
  const pattern = info.pattern === null ? null : compilePattern(info.pattern);
  const min = Math.max(1, info.minDigits);
  const max = Math.max(min, Math.min(info.maxDigits, 16));
  let candidate = "";
  // Random digit strings of an allowed length match the usual patterns ("[1-9][0-9]{5,9}") at once.
  for (let attempt = 0; attempt < 40; attempt++) {
    const length = rng.int(min, max);
    candidate = Array.from({ length }, (_, i) => String(rng.int(i === 0 ? 1 : 0, 9))).join("");
    if (!pattern || pattern.test(candidate)) break;
  }
  return candidate + info.finishOnKey;
}

export type CallerMove =
  | { type: "digits"; digits: string }
  | { type: "timeout" }
  | { type: "recordingFinished" }
  | { type: "queueTick" }
  | { type: "hangup"; why: "quit" | "patience" | "ended" }
  /** Nothing to do yet: look again after the delay. */
  | { type: "wait" };

export interface CallerContext {
  /** Seconds since the call entered the current queue (queue prompts only). */
  waitedSeconds: number;
}

/**
 * What the caller does next and after how many seconds, given what the IVR expects
 * (simulatorCallView's `expecting`) and what the caller understood of the prompt.
 */
export function callerMove(
  rng: Rng,
  persona: CallerPersona,
  timing: TrafficTiming,
  expecting: Expecting,
  prompt: PromptInfo,
  ctx: CallerContext = { waitedSeconds: 0 },
): { move: CallerMove; afterSeconds: number } {
  const think = () => rng.between(timing.think[0], timing.think[1]);
  const silence = () => (expecting.kind === "digits" ? expecting.timeoutSeconds * timing.promptTimeoutScale : 0);
  switch (expecting.kind) {
    case "none":
      return { move: { type: "hangup", why: "ended" }, afterSeconds: think() };
    case "recording":
      return { move: { type: "recordingFinished" }, afterSeconds: rng.between(timing.message[0], timing.message[1]) };
    case "queue": {
      if (expecting.callbackDigit !== null && persona.takesCallback) return { move: { type: "digits", digits: expecting.callbackDigit }, afterSeconds: think() };
      const left = persona.patienceSeconds - ctx.waitedSeconds;
      if (left <= 0) return { move: { type: "hangup", why: "patience" }, afterSeconds: 0 };
      if (left <= timing.queueTick) return { move: { type: "hangup", why: "patience" }, afterSeconds: left };
      return { move: { type: "queueTick" }, afterSeconds: timing.queueTick };
    }
    case "digits": {
      const delay = think();
      if (rng.chance(persona.quitInMenu)) return { move: { type: "hangup", why: "quit" }, afterSeconds: delay };
      if (rng.chance(persona.fumble)) {
        // A key the menu does not offer, or silence until the prompt times out.
        if (rng.chance(0.5)) return { move: { type: "timeout" }, afterSeconds: silence() };
        return { move: { type: "digits", digits: rng.pick(["*", "#", "7", "8"]) }, afterSeconds: delay };
      }
      if (prompt.kind === "choice" && prompt.options.length > 0) {
        const own = prompt.options.find((o) => o.language === persona.language);
        if (own) return { move: { type: "digits", digits: own.digit }, afterSeconds: delay };
        if (prompt.options.some((o) => o.language !== null)) return { move: { type: "timeout" }, afterSeconds: silence() };
        const digit = rng.weighted(prompt.options.map((o) => ({ item: o.digit, weight: o.weight })));
        return { move: { type: "digits", digits: digit }, afterSeconds: delay };
      }
      if (prompt.kind === "entry") {
        // Some callers have no reference number to give and let the prompt pass.
        if (rng.chance(0.15)) return { move: { type: "timeout" }, afterSeconds: silence() };
        return { move: { type: "digits", digits: entryDigits(rng, prompt) }, afterSeconds: delay + prompt.maxDigits * 0.1 };
      }
      if (expecting.maxDigits === 1) return { move: { type: "digits", digits: String(rng.int(0, 9)) }, afterSeconds: delay };
      return { move: { type: "timeout" }, afterSeconds: silence() };
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Agents

export interface ContactPlan {
  ringSeconds: number;
  talkSeconds: number;
  /** Put the caller on hold this far into the talk, for holdSeconds; null for no hold. */
  hold: { atSeconds: number; seconds: number } | null;
  endedBy: "agent" | "caller";
  wrapSeconds: number;
  note: string | null;
  /** Take a break once this contact is disposed. */
  breakAfter: { reason: "rest" | "prayer" | "lunch"; seconds: number } | null;
}

/** Short wrap-up notes (data an agent would type, not interface text). */
export const NOTES: readonly string[] = [
  "مشتری راهنمایی شد و مشکل برطرف شد.",
  "اطلاعات حساب بررسی و به مشتری اعلام شد.",
  "قرار شد مشتری پس از بررسی دوباره تماس بگیرد.",
  "درخواست برای واحد مربوط ثبت شد.",
  "Customer asked for the English invoice; sent by e-mail.",
];

export function contactPlan(rng: Rng, timing: TrafficTiming): ContactPlan {
  const talkSeconds = Math.min(timing.talkBounds[1], Math.max(timing.talkBounds[0], rng.logNormal(timing.talkMedian, timing.talkSigma)));
  const hold = rng.chance(timing.holdChance)
    ? { atSeconds: rng.between(0.2, 0.6) * talkSeconds, seconds: rng.between(timing.hold[0], timing.hold[1]) }
    : null;
  return {
    ringSeconds: rng.between(timing.ring[0], timing.ring[1]),
    talkSeconds,
    hold,
    endedBy: rng.chance(timing.callerEndsChance) ? "caller" : "agent",
    wrapSeconds: rng.between(timing.wrap[0], timing.wrap[1]),
    note: rng.chance(timing.noteChance) ? rng.pick(NOTES) : null,
    breakAfter: rng.chance(timing.breakChance)
      ? { reason: rng.weighted([{ item: "rest" as const, weight: 3 }, { item: "prayer" as const, weight: 1 }, { item: "lunch" as const, weight: 1 }]), seconds: rng.between(timing.breakLength[0], timing.breakLength[1]) }
      : null,
  };
}

export interface DispositionChoice {
  id: string;
  parentId: string | null;
  resolved: boolean;
  active: boolean;
}

/**
 * What an agent may record: active outcomes, and active reasons that have no outcomes (a reason with
 * outcomes is a group heading, as on the desktop).
 */
export function choosableDispositions<T extends DispositionChoice>(all: readonly T[]): T[] {
  const parents = new Set(all.map((d) => d.parentId).filter((id): id is string => id !== null));
  return all.filter((d) => d.active && !parents.has(d.id));
}

/** Most contacts end resolved; null when the tenant has nothing choosable. */
export function pickDisposition<T extends DispositionChoice>(rng: Rng, all: readonly T[]): T | null {
  const options = choosableDispositions(all);
  if (options.length === 0) return null;
  return rng.weighted(options.map((d) => ({ item: d, weight: d.resolved ? 3 : 1 })));
}
