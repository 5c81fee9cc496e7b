import { describe, expect, it } from "vitest";
import {
  BREACH_PROBABILITY,
  DEFAULT_ABANDON_CAP,
  abandonAllowance,
  dialsToPlace,
  estimateAnswerRate,
  expectedAbandonRate,
  poolOutlook,
  type PacingInput,
} from "~/modules/campaigns/pacing";
import { simulate, type SimOptions } from "./campaigns-pacing-sim";

const quiet = { humanAnswered: 5000, abandoned: 25 }; // 0.5%: far below the cap
const base: PacingInput = { mode: "power", ratio: 3, freeAgents: 10, dialingNow: 0, answerRate: 0.3, abandonStats24h: quiet, abandonStats30d: quiet };

/** Exact E[max(0, X - f)] / E[X] by summing the binomial terms with BigInt factorials. */
function referenceRate(n: number, p: number, f: number): number {
  let fact = [1n];
  for (let i = 1; i <= n; i++) fact = [...fact, fact[i - 1]! * BigInt(i)];
  let excess = 0;
  for (let x = f + 1; x <= n; x++) excess += (x - f) * Number(fact[n]! / (fact[x]! * fact[n - x]!)) * p ** x * (1 - p) ** (n - x);
  return excess / (n * p);
}

describe("dialing modes", () => {
  it("preview dials nothing by itself", () => {
    expect(dialsToPlace({ ...base, mode: "preview" })).toMatchObject({ dials: 0, limitedBy: "preview" });
  });

  it("progressive dials one call per free agent, counting calls already ringing", () => {
    expect(dialsToPlace({ ...base, mode: "progressive" })).toMatchObject({ dials: 10, effectiveRatio: 1, expectedAbandonRate: 0 });
    expect(dialsToPlace({ ...base, mode: "progressive", dialingNow: 4 }).dials).toBe(6);
    expect(dialsToPlace({ ...base, mode: "progressive", dialingNow: 12 }).dials).toBe(0);
  });

  it("power dials up to the ratio per free agent when far from the cap", () => {
    const d = dialsToPlace({ ...base, ratio: 2 });
    expect(d).toMatchObject({ dials: 20, effectiveRatio: 2, limitedBy: "ratio" });
    expect(dialsToPlace({ ...base, ratio: 2, dialingNow: 5 }).dials).toBe(15);
    expect(dialsToPlace({ ...base, ratio: 1.5, freeAgents: 5 }).dials).toBe(7); // floor(7.5)
  });

  it("dials nothing without a free agent", () => {
    expect(dialsToPlace({ ...base, freeAgents: 0 })).toMatchObject({ dials: 0, limitedBy: "noFreeAgents" });
  });

  it("never dials beyond the ratio, however high the answer-rate headroom", () => {
    for (const p of [0.01, 0.05, 0.1]) expect(dialsToPlace({ ...base, answerRate: p, ratio: 3 }).dials).toBeLessThanOrEqual(30);
  });
});

describe("the abandon-rate controller", () => {
  it("computes the expected abandon rate of calls in flight exactly", () => {
    for (const [n, p, f] of [
      [30, 0.3, 10],
      [12, 0.5, 5],
      [50, 0.2, 9],
      [8, 0.9, 7],
    ] as const) {
      expect(expectedAbandonRate(n, p, f)).toBeCloseTo(referenceRate(n, p, f), 12);
    }
    expect(expectedAbandonRate(10, 0.4, 10)).toBe(0); // progressive: never more answers than agents
    expect(expectedAbandonRate(20, 1, 15)).toBe(0.25);
    // Large pools neither overflow nor underflow.
    expect(expectedAbandonRate(3000, 0.5, 1450)).toBeGreaterThan(0);
    expect(Number.isFinite(expectedAbandonRate(3000, 0.5, 1450))).toBe(true);
  });

  it("reduces the ratio as the abandon rate approaches the cap, down to progressive at it", () => {
    const dialsAt = (rate: number) => {
      const stats = { humanAnswered: 10_000, abandoned: Math.round(rate * 10_000) };
      return dialsToPlace({ ...base, ratio: 4, freeAgents: 20, abandonStats24h: stats, abandonStats30d: quiet });
    };
    const rates = [0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.028, 0.03, 0.04];
    const dials = rates.map((r) => dialsAt(r).dials);
    for (let i = 1; i < dials.length; i++) expect(dials[i]!).toBeLessThanOrEqual(dials[i - 1]!);
    expect(dials[0]!).toBeGreaterThan(40); // well past 1:1 with room to spare
    expect(dials[5]!).toBeLessThan(dials[0]!); // 2.5%: throttled
    expect(dialsAt(0.03)).toMatchObject({ dials: 20, limitedBy: "abandonCap", allowedAbandonRate: 0 });
    expect(dialsAt(0.04).dials).toBe(20);
    for (const r of rates) expect(dialsAt(r).expectedAbandonRate).toBeLessThanOrEqual(DEFAULT_ABANDON_CAP);
  });

  it("takes the worse of the 24 h and 30-day windows", () => {
    const over = { humanAnswered: 100_000, abandoned: 3100 }; // 3.1% over 30 days
    expect(dialsToPlace({ ...base, abandonStats30d: over }).dials).toBe(10);
    expect(dialsToPlace({ ...base, abandonStats24h: over }).dials).toBe(10);
    expect(abandonAllowance(quiet, over, 0.03)).toMatchObject({ rate: 0, measured: 0.031 });
  });

  it("honours a campaign's own cap", () => {
    const stats = { humanAnswered: 10_000, abandoned: 150 }; // 1.5%
    expect(dialsToPlace({ ...base, abandonStats24h: stats, cap: 0.01 }).dials).toBe(10); // over a 1% cap
    expect(dialsToPlace({ ...base, abandonStats24h: stats, cap: 0.05 }).dials).toBeGreaterThan(10);
  });

  it("stays progressive on a new campaign until the windows have earned some headroom", () => {
    const none = { humanAnswered: 0, abandoned: 0 };
    const d = dialsToPlace({ ...base, abandonStats24h: none, abandonStats30d: none });
    // No abandon is affordable yet: only pools that (almost) cannot exceed the free agents.
    expect(poolOutlook(d.dials, 0.3, 10, d.abandonBudget, 0.03).breach).toBeLessThanOrEqual(BREACH_PROBABILITY);
    expect(d.abandonBudget).toBe(0);
  });

  it("reads the answer rate high while there are few dials", () => {
    expect(estimateAnswerRate({ attempts: 0, humanAnswered: 0 })).toBeGreaterThan(0.3);
    expect(estimateAnswerRate({ attempts: 10_000, humanAnswered: 2000 })).toBeCloseTo(0.2, 2);
    expect(estimateAnswerRate({ attempts: 10, humanAnswered: 1 })).toBeGreaterThan(0.2);
  });
});

describe("pacing simulation (seeded)", () => {
  const cap = 0.03;
  const common = { hours: 30, meanHandleSeconds: 150, cap } as const;
  // minGain: connected calls over progressive dialing's (a small team has little to pool).
  const scenarios: (Omit<SimOptions, "mode" | "hours" | "meanHandleSeconds" | "cap"> & { name: string; minGain?: number })[] = [
    { name: "20 agents, 35% answer, estimated", seed: 1, agents: 20, ratio: 3, answerRate: 0.35, answerRateEstimate: null },
    { name: "8 agents, answer rate doubling every 12 h", seed: 2, agents: 8, ratio: 2.5, answerRate: (h) => (h % 24 < 12 ? 0.25 : 0.5), answerRateEstimate: null },
    { name: "40 agents, 20% answer, ratio 4", seed: 3, agents: 40, ratio: 4, answerRate: 0.2, answerRateEstimate: null },
    { name: "answer rate underestimated by a tenth", seed: 4, agents: 20, ratio: 3, answerRate: 0.4, answerRateEstimate: 0.36 },
    { name: "5 agents", seed: 5, agents: 5, ratio: 3, answerRate: 0.35, answerRateEstimate: null, minGain: 1 },
  ];

  for (const sc of scenarios) {
    it(`keeps the abandon rate at or under 3% over every 24 h and the whole run: ${sc.name}`, () => {
      // 30 simulated hours, a decision every 2 s: the 24 h window fills and then slides.
      const power = simulate({ ...common, ...sc, mode: "power" }, 1);
      // Every tick, from the first answered call on: the 24 h window and the run (the 30-day window).
      expect(power.max24h).toBeLessThanOrEqual(cap);
      expect(power.overall).toBeLessThanOrEqual(cap);
      expect(power.samples24h).toBeGreaterThan(50_000);
      expect(power.overRatio).toBe(0);
      // And it is worth it: more connected calls than progressive dialing with the same agents and luck.
      const progressive = simulate({ ...common, ...sc, mode: "progressive" }, 1);
      expect(progressive.abandoned).toBe(0);
      expect(power.connected).toBeGreaterThan(progressive.connected * (sc.minGain ?? 1.05));
      expect(power.abandoned).toBeGreaterThan(0);
    });
  }
});
