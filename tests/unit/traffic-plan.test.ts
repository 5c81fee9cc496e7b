import { describe, expect, it } from "vitest";
import type { BusinessCalendar } from "~/modules/ivr/calendar";
import { operatorFlow } from "~/modules/ivr/examples";
import { step, type CallState, type IvrAction } from "~/modules/ivr/interpreter";
import { initialCallState } from "~/modules/ivr/interpreter";
import { compilePattern } from "~/modules/ivr/model";
import { EnvError, parseEnv } from "~/modules/platform/env.server";
import type { Expecting } from "~/modules/telephony/simulator.server";
import {
  arrivalsBetween,
  BRISK_TIMING,
  callerMove,
  callerNumbers,
  callerPersona,
  CLOSED_SHARE,
  choosableDispositions,
  contactPlan,
  createRng,
  DEMO_TIMING,
  entryDigits,
  HOLIDAY_SHARE,
  hopsToQueue,
  HOURLY_SHAPE,
  nextArrival,
  pickDisposition,
  promptInfo,
  rateMultiplier,
  tenantRate,
  type CallerPersona,
  type PromptInfo,
} from "~/modules/traffic/traffic-plan";

const MINUTE = 60_000;
/** Monday 2026-11-23 07:00 UTC = 10:30 in Tehran. */
const MONDAY_MORNING = Date.UTC(2026, 10, 23, 7, 0);

const officeHours: BusinessCalendar = {
  timeZone: "Asia/Tehran",
  hours: [6, 0, 1, 2, 3].map((weekday) => ({ weekday, opens: "08:00", closes: "20:00" })),
  specialHours: [],
  holidays: [{ day: "2026-11-25", name: "holiday" }],
};
const roundTheClock: BusinessCalendar = {
  timeZone: "Asia/Tehran",
  hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: "00:00", closes: "24:00" })),
  specialHours: [],
  holidays: [],
};

describe("seeded randomness", () => {
  it("replays the same stream for the same seed, and forks independent streams", () => {
    const a = createRng("demo");
    const b = createRng("demo");
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(createRng("other").next()).not.toBe(seqA[0]);
    expect(createRng("demo").fork("tenant-a").next()).toBe(createRng("demo").fork("tenant-a").next());
    expect(createRng("demo").fork("tenant-a").next()).not.toBe(createRng("demo").fork("tenant-b").next());
  });

  it("keeps integers in range and picks by weight", () => {
    const rng = createRng(7);
    const ints = Array.from({ length: 2000 }, () => rng.int(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    const picks = Array.from({ length: 4000 }, () => rng.weighted([{ item: "a", weight: 3 }, { item: "b", weight: 1 }, { item: "never", weight: 0 }]));
    expect(picks).not.toContain("never");
    const share = picks.filter((p) => p === "a").length / picks.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
  });
});

describe("arrivals", () => {
  it("is a Poisson stream: the count matches the rate and gaps are exponential", () => {
    const rate = 10;
    const times = arrivalsBetween(createRng(1), 0, 600 * MINUTE, () => rate, rate);
    // 6000 expected; 4 standard deviations is about 310.
    expect(Math.abs(times.length - 6000)).toBeLessThan(310);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - mean) ** 2, 0) / gaps.length);
    expect(Math.abs(mean / (MINUTE / rate) - 1)).toBeLessThan(0.05);
    // An exponential's standard deviation equals its mean.
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });

  it("follows a rate that changes between arrivals (thinning), and stops at the horizon", () => {
    const rate = (t: number) => (t < 60 * MINUTE ? 0 : 20);
    const times = arrivalsBetween(createRng(2), 0, 120 * MINUTE, rate, 20);
    expect(times.every((t) => t >= 60 * MINUTE && t < 120 * MINUTE)).toBe(true);
    expect(Math.abs(times.length - 1200)).toBeLessThan(150);
    expect(nextArrival(createRng(3), 0, () => 0, 0)).toBeNull();
    expect(nextArrival(createRng(3), 0, () => 1, 1, 1)).toBeNull();
  });

  it("shapes a tenant's rate by its business hours", () => {
    expect(rateMultiplier(officeHours, new Date(MONDAY_MORNING))).toBe(HOURLY_SHAPE[10]);
    // Friday in Tehran: closed all day; Wednesday 2026-11-25 is a holiday.
    expect(rateMultiplier(officeHours, new Date(Date.UTC(2026, 10, 27, 7, 0)))).toBe(CLOSED_SHARE);
    expect(rateMultiplier(officeHours, new Date(Date.UTC(2026, 10, 25, 7, 0)))).toBe(HOLIDAY_SHARE);
    // 03:30 in Tehran on a 24/7 line: open, but night-quiet.
    expect(rateMultiplier(roundTheClock, new Date(Date.UTC(2026, 10, 23, 0, 0)))).toBe(HOURLY_SHAPE[3]);
    expect(rateMultiplier({ ...roundTheClock, timeZone: "Not/AZone" }, new Date(MONDAY_MORNING))).toBe(CLOSED_SHARE);

    const flat = tenantRate(12, 3, null);
    expect(flat.rate(MONDAY_MORNING)).toBe(4);
    expect(flat.max).toBe(4);
    const shaped = tenantRate(12, 3, officeHours);
    expect(shaped.rate(MONDAY_MORNING)).toBeCloseTo(4 * HOURLY_SHAPE[10]!);
    expect(shaped.max).toBeGreaterThanOrEqual(shaped.rate(MONDAY_MORNING));
  });

  it("gives a pool of distinct Iranian mobile numbers", () => {
    const numbers = callerNumbers(createRng(4), 200);
    expect(new Set(numbers).size).toBe(200);
    expect(numbers.every((n) => /^\+989\d{9}$/.test(n))).toBe(true);
  });
});

const persona = (over: Partial<CallerPersona> = {}): CallerPersona => ({
  language: "fa",
  patienceSeconds: 60,
  takesCallback: false,
  fumble: 0,
  quitInMenu: 0,
  ...over,
});
const digits: Expecting = { kind: "digits", minDigits: 1, maxDigits: 1, finishOnKey: "", timeoutSeconds: 5 };

describe("the caller's script", () => {
  it("reads the operator flow's prompts: languages, weighted menu keys, entries", () => {
    const lang = promptInfo(operatorFlow, "lang");
    expect(lang).toEqual({
      kind: "choice",
      options: [
        { digit: "1", weight: 1, language: "fa" },
        { digit: "2", weight: 1, language: "en" },
      ],
    });
    const main = promptInfo(operatorFlow, "main") as Extract<PromptInfo, { kind: "choice" }>;
    const weight = (d: string) => main.options.find((o) => o.digit === d)!.weight;
    // Straight to a queue (2, 0) before one hop away (3) before self-service that may lead on (1).
    expect(weight("2")).toBe(weight("0"));
    expect(weight("2")).toBeGreaterThan(weight("3"));
    expect(weight("3")).toBeGreaterThan(weight("1"));
    expect(promptInfo(operatorFlow, "complaint-no")).toMatchObject({ kind: "entry", minDigits: 6, maxDigits: 10, finishOnKey: "#" });
    expect(promptInfo(operatorFlow, "support-q")).toEqual({ kind: "unknown" });
    expect(promptInfo(operatorFlow, null)).toEqual({ kind: "unknown" });
    expect(hopsToQueue(operatorFlow, "closed-menu")).toBeNull();
  });

  it("picks its own language, menu keys the menu offers, and valid entries", () => {
    const rng = createRng(5);
    expect(callerMove(rng, persona({ language: "en" }), BRISK_TIMING, digits, promptInfo(operatorFlow, "lang")).move).toEqual({ type: "digits", digits: "2" });
    expect(callerMove(rng, persona(), BRISK_TIMING, digits, promptInfo(operatorFlow, "lang")).move).toEqual({ type: "digits", digits: "1" });
    const offered = new Set(["1", "2", "3", "0"]);
    for (let i = 0; i < 200; i++) {
      const { move, afterSeconds } = callerMove(rng, persona(), BRISK_TIMING, digits, promptInfo(operatorFlow, "main"));
      expect(move.type).toBe("digits");
      expect(offered.has((move as { digits: string }).digits)).toBe(true);
      expect(afterSeconds).toBeGreaterThanOrEqual(BRISK_TIMING.think[0]);
      expect(afterSeconds).toBeLessThan(BRISK_TIMING.think[1]);
    }
    const entry = promptInfo(operatorFlow, "complaint-no") as Extract<PromptInfo, { kind: "entry" }>;
    const pattern = compilePattern(entry.pattern!)!;
    for (let i = 0; i < 50; i++) {
      const typed = entryDigits(rng, entry);
      expect(typed.endsWith("#")).toBe(true);
      expect(pattern.test(typed.slice(0, -1))).toBe(true);
    }
  });

  it("fumbles and quits at the rates of its persona", () => {
    const rng = createRng(6);
    const moves = Array.from({ length: 1000 }, () => callerMove(rng, persona({ fumble: 0.2, quitInMenu: 0.05 }), BRISK_TIMING, digits, promptInfo(operatorFlow, "main")).move);
    const quit = moves.filter((m) => m.type === "hangup").length / moves.length;
    const wrong = moves.filter((m) => m.type === "timeout" || (m.type === "digits" && !["1", "2", "3", "0"].includes(m.digits))).length / moves.length;
    expect(quit).toBeGreaterThan(0.02);
    expect(quit).toBeLessThan(0.09);
    expect(wrong).toBeGreaterThan(0.13);
    expect(wrong).toBeLessThan(0.26);
  });

  it("waits in the queue with ticks, takes an offered callback if it likes, and hangs up when patience runs out", () => {
    const rng = createRng(7);
    const queue = (callbackDigit: string | null): Expecting => ({ kind: "queue", callbackDigit, waitedSeconds: 0 });
    expect(callerMove(rng, persona(), BRISK_TIMING, queue(null), { kind: "unknown" }, { waitedSeconds: 0 })).toEqual({ move: { type: "queueTick" }, afterSeconds: BRISK_TIMING.queueTick });
    expect(callerMove(rng, persona(), BRISK_TIMING, queue(null), { kind: "unknown" }, { waitedSeconds: 58 })).toEqual({ move: { type: "hangup", why: "patience" }, afterSeconds: 2 });
    expect(callerMove(rng, persona(), BRISK_TIMING, queue(null), { kind: "unknown" }, { waitedSeconds: 61 }).move).toEqual({ type: "hangup", why: "patience" });
    expect(callerMove(rng, persona({ takesCallback: true }), BRISK_TIMING, queue("1"), { kind: "unknown" }, { waitedSeconds: 5 }).move).toEqual({ type: "digits", digits: "1" });
    expect(callerMove(rng, persona(), BRISK_TIMING, queue("1"), { kind: "unknown" }, { waitedSeconds: 5 }).move).toEqual({ type: "queueTick" });
    expect(callerMove(rng, persona(), BRISK_TIMING, { kind: "recording", maxSeconds: 60 }, { kind: "unknown" }).move).toEqual({ type: "recordingFinished" });
    expect(callerMove(rng, persona(), BRISK_TIMING, { kind: "none" }, { kind: "unknown" }).move).toEqual({ type: "hangup", why: "ended" });
  });

  it("mostly reaches a queue when it follows the real interpreter through the operator flow", () => {
    const rng = createRng(8);
    const calendar = roundTheClock;
    const now = new Date(MONDAY_MORNING);
    const outcomes = { queued: 0, ended: 0 };
    const queues = new Set<string>();
    for (let call = 0; call < 300; call++) {
      const caller = rng.fork(`caller-${call}`);
      const who = callerPersona(caller, DEMO_TIMING);
      let state: CallState = initialCallState("flow@1");
      let actions: IvrAction[];
      ({ state, actions } = step(operatorFlow, state, { type: "start", caller: "+989121234567", language: "fa" }, { calendar, now }));
      for (let guard = 0; guard < 20 && state.status === "running"; guard++) {
        const gather = actions.find((a) => a.type === "gather");
        const expecting: Expecting = gather && gather.type === "gather" ? { kind: "digits", ...gather } : { kind: "none" };
        const { move } = callerMove(caller, who, DEMO_TIMING, expecting, promptInfo(operatorFlow, state.nodeId));
        if (move.type === "digits") ({ state, actions } = step(operatorFlow, state, { type: "digits", digits: move.digits }, { calendar, now }));
        else if (move.type === "timeout") ({ state, actions } = step(operatorFlow, state, { type: "timeout" }, { calendar, now }));
        else break;
      }
      if (state.status === "queued") {
        outcomes.queued++;
        const enqueue = actions.find((a) => a.type === "enqueue");
        if (enqueue?.type === "enqueue") queues.add(enqueue.queueId);
      } else outcomes.ended++;
    }
    expect(outcomes.queued / 300).toBeGreaterThan(0.8);
    expect(queues).toEqual(new Set(["general", "support", "complaints"]));
  });

  it("makes personas mostly Persian, with patience at least the minimum", () => {
    const rng = createRng(9);
    const people = Array.from({ length: 500 }, () => callerPersona(rng, DEMO_TIMING));
    const fa = people.filter((p) => p.language === "fa").length / people.length;
    expect(fa).toBeGreaterThan(0.78);
    expect(fa).toBeLessThan(0.92);
    expect(people.every((p) => p.patienceSeconds >= DEMO_TIMING.minPatience)).toBe(true);
    expect(callerPersona(rng, DEMO_TIMING, ["en"]).language).toBe("en");
  });
});

describe("the simulated agent", () => {
  it("plans talk, hold, wrap-up and breaks within the timing's bounds", () => {
    const rng = createRng(10);
    const plans = Array.from({ length: 1000 }, () => contactPlan(rng, DEMO_TIMING));
    for (const p of plans) {
      expect(p.talkSeconds).toBeGreaterThanOrEqual(DEMO_TIMING.talkBounds[0]);
      expect(p.talkSeconds).toBeLessThanOrEqual(DEMO_TIMING.talkBounds[1]);
      expect(p.wrapSeconds).toBeGreaterThanOrEqual(DEMO_TIMING.wrap[0]);
      expect(p.ringSeconds).toBeLessThan(DEMO_TIMING.ring[1]);
      if (p.hold) expect(p.hold.atSeconds).toBeLessThan(p.talkSeconds);
    }
    const share = (f: (p: (typeof plans)[number]) => boolean) => plans.filter(f).length / plans.length;
    expect(share((p) => p.endedBy === "caller")).toBeGreaterThan(0.24);
    expect(share((p) => p.endedBy === "caller")).toBeLessThan(0.36);
    expect(share((p) => p.hold !== null)).toBeGreaterThan(0.1);
    expect(share((p) => p.note !== null)).toBeGreaterThan(0.28);
    expect(share((p) => p.breakAfter !== null)).toBeLessThan(0.1);
    const talks = plans.map((p) => p.talkSeconds).sort((a, b) => a - b);
    expect(talks[500]).toBeGreaterThan(45);
    expect(talks[500]).toBeLessThan(75);
  });

  it("disposes with active outcomes only, resolved ones more often", () => {
    const all = [
      { id: "reason", parentId: null, resolved: false, active: true },
      { id: "solved", parentId: "reason", resolved: true, active: true },
      { id: "ticket", parentId: "reason", resolved: false, active: true },
      { id: "retired", parentId: "reason", resolved: true, active: false },
      { id: "lonely", parentId: null, resolved: true, active: true },
    ];
    expect(choosableDispositions(all).map((d) => d.id)).toEqual(["solved", "ticket", "lonely"]);
    const rng = createRng(11);
    const picks = Array.from({ length: 2000 }, () => pickDisposition(rng, all)!.id);
    expect(new Set(picks)).toEqual(new Set(["solved", "ticket", "lonely"]));
    expect(picks.filter((p) => p === "ticket").length / picks.length).toBeLessThan(0.2);
    expect(pickDisposition(rng, [{ id: "r", parentId: null, resolved: true, active: false }])).toBeNull();
  });
});

describe("demo traffic settings", () => {
  const valid = { DATABASE_URL: "postgres://app:app@127.0.0.1:5432/hamkal", REDIS_URL: "redis://127.0.0.1:6379/0", SESSION_SECRET: "x".repeat(32) };

  it("is off by default at 6 calls a minute, and checks its values", () => {
    expect(parseEnv(valid)).toMatchObject({ DEMO_TRAFFIC: "off", DEMO_TRAFFIC_CPM: 6 });
    expect(parseEnv({ ...valid, DEMO_TRAFFIC: "on", DEMO_TRAFFIC_CPM: "30" })).toMatchObject({ DEMO_TRAFFIC: "on", DEMO_TRAFFIC_CPM: 30 });
    expect(() => parseEnv({ ...valid, DEMO_TRAFFIC: "yes" })).toThrow(/DEMO_TRAFFIC/);
    expect(() => parseEnv({ ...valid, DEMO_TRAFFIC_CPM: "0" })).toThrow(EnvError);
    expect(() => parseEnv({ ...valid, DEMO_TRAFFIC_CPM: "lots" })).toThrow(/DEMO_TRAFFIC_CPM/);
  });
});
