import { describe, expect, it } from "vitest";
import {
  agentsRequired,
  asaC,
  erlangA,
  erlangB,
  erlangC,
  occupancy,
  scheduledHeads,
  serviceLevelC,
  staffingInputSchema,
  trafficIntensity,
  type ErlangAParams,
} from "~/modules/wfm/erlang";

// ---------------------------------------------------------------------------------------------
// Independent references

/** num/den as a double, for BigInts far beyond 2^1024 (shift both to ~64 significant bits). */
function ratio(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const bits = (x: bigint) => x.toString(2).length;
  const shift = bits(num) - bits(den) - 64;
  const q = shift >= 0 ? num / (den << BigInt(shift)) : (num << BigInt(-shift)) / den;
  return Number(q) * 2 ** shift;
}

/** Exact Erlang B and C for a rational load A = p/q, from the textbook factorial formulas. */
function exactErlang(n: number, p: bigint, q: bigint): { b: number; c: number } {
  const N = BigInt(n);
  // Over the common denominator q^N·N!: A^k/k! = p^k·q^(N−k)·N!/k!.
  let sumBelow = 0n; // Σ_{k<N}
  let factorialRatio = 1n; // N!/k! for k = N, N−1, …
  const terms: bigint[] = new Array<bigint>(n + 1);
  for (let k = n; k >= 0; k--) {
    terms[k] = p ** BigInt(k) * q ** BigInt(n - k) * factorialRatio;
    factorialRatio *= BigInt(k === 0 ? 1 : k);
  }
  for (let k = 0; k < n; k++) sumBelow += terms[k]!;
  const top = terms[n]!;
  const b = ratio(top, sumBelow + top);
  // C = top·N/(N−A) / (Σ_{k<N} + top·N/(N−A)); multiply through by (Nq − p).
  const c = ratio(top * N * q, sumBelow * (N * q - p) + top * N * q);
  return { b, c };
}

/**
 * Erlang A by brute force: the birth-death chain written out state by state (truncated far in the
 * tail), and an arriving caller's fate computed on the discrete chain of "callers ahead" with its own
 * patience as a competing exponential; the within-threshold probability by uniformization. Shares no
 * formula with the implementation, which sums incomplete-gamma series.
 */
function bruteErlangA(n: number, p: ErlangAParams) {
  const lambda = p.contacts / p.intervalSeconds;
  const mu = 1 / p.ahtSeconds;
  const theta = 1 / p.patienceSeconds;
  const K = 4000;
  const pi: number[] = [1];
  for (let k = 1; k <= K; k++) pi.push((pi[k - 1]! * lambda) / (Math.min(k, n) * mu + Math.max(0, k - n) * theta));
  const total = pi.reduce((s, v) => s + v, 0);
  const norm = pi.map((v) => v / total);
  let pWait = 0;
  let queue = 0;
  for (let k = n; k <= K; k++) {
    pWait += norm[k]!;
    queue += (k - n) * norm[k]!;
  }
  const pAb = (theta * queue) / lambda;
  // Tagged caller with j ahead: leaves j → j−1 at Nμ + jθ (served from 0 at Nμ), abandons at θ.
  const J = 600;
  const served: number[] = [];
  const answeredWait: number[] = [];
  for (let j = 0; j <= J; j++) {
    const out = n * mu + j * theta + theta;
    const forward = (n * mu + j * theta) / out;
    const sPrev = j === 0 ? 1 : served[j - 1]!;
    const mPrev = j === 0 ? 0 : answeredWait[j - 1]!;
    served.push(forward * sPrev);
    answeredWait.push(forward * (sPrev / out + mPrev));
  }
  // Uniformization: P(served by T | j) for all j at once.
  const rate = n * mu + (J + 1) * theta;
  const steps = Math.ceil(rate * p.thresholdSeconds + 12 * Math.sqrt(rate * p.thresholdSeconds + 1) + 30);
  let dist = new Float64Array(J + 2); // index J+1 = served; abandoned is dropped
  const withinByStart: number[] = [];
  for (let j = 0; j <= J; j++) {
    dist = new Float64Array(J + 2);
    dist[j] = 1;
    let poisson = Math.exp(-rate * p.thresholdSeconds);
    let acc = poisson * dist[J + 1]!;
    for (let s = 1; s <= steps; s++) {
      const next = new Float64Array(J + 2);
      next[J + 1] = dist[J + 1]!;
      for (let i = 0; i <= j; i++) {
        const v = dist[i]!;
        if (v === 0) continue;
        const down = n * mu + i * theta;
        if (i === 0) next[J + 1]! += (v * down) / rate;
        else next[i - 1]! += (v * down) / rate;
        next[i]! += (v * (rate - down - theta)) / rate;
      }
      dist = next;
      poisson *= (rate * p.thresholdSeconds) / s;
      acc += poisson * dist[J + 1]!;
    }
    withinByStart.push(acc);
    if (j > 60 && norm[n + j]! < 1e-18) break;
  }
  let sl = 0;
  for (let k = 0; k < n; k++) sl += norm[k]!;
  let waitAnswered = 0;
  for (let j = 0; j < withinByStart.length; j++) sl += norm[n + j]! * withinByStart[j]!;
  for (let j = 0; j <= J; j++) waitAnswered += norm[n + j]! * answeredWait[j]!;
  return { pWait, pAb, sl, asa: waitAnswered / (1 - pAb) };
}

// ---------------------------------------------------------------------------------------------

describe("Erlang B and C", () => {
  it("match the published table for A = 10 Erlangs, N = 11..15", () => {
    // The textbook table (e.g. Cooper, Introduction to Queueing Theory; Call Centre Helper's worked example).
    const published: Record<number, number> = { 11: 0.6821, 12: 0.4494, 13: 0.2853, 14: 0.1741, 15: 0.102 };
    for (const [n, c] of Object.entries(published)) expect(erlangC(Number(n), 10)).toBeCloseTo(c, 3);
    expect(erlangB(10, 10)).toBeCloseTo(0.2146, 4);
    expect(erlangB(5, 2)).toBeCloseTo(0.0367, 4);
  });

  it("equal the exact factorial formulas (BigInt) for small and large N", () => {
    const cases: [number, bigint, bigint][] = [
      [1, 1n, 2n],
      [5, 2n, 1n],
      [11, 10n, 1n],
      [14, 10n, 1n],
      [30, 517n, 20n], // A = 25.85
      [180, 170n, 1n], // beyond 170!, where a double factorial overflows
      [520, 500n, 1n],
      [1200, 23456n, 20n], // A = 1172.8
    ];
    for (const [n, p, q] of cases) {
      const exact = exactErlang(n, p, q);
      const a = Number(p) / Number(q);
      expect(Math.abs(erlangB(n, a) - exact.b) / exact.b).toBeLessThan(1e-11);
      expect(Math.abs(erlangC(n, a) - exact.c) / exact.c).toBeLessThan(1e-11);
    }
  });

  it("stay finite for thousands of agents", () => {
    const c = erlangC(5100, 5000);
    expect(c).toBeGreaterThan(0);
    expect(c).toBeLessThan(1);
    expect(serviceLevelC(5100, 5000, 300, 20)).toBeGreaterThan(0.99);
  });

  it("give SL, ASA and occupancy of the Call Centre Helper example (100 calls / 30 min, AHT 180 s, 80/20)", () => {
    const a = trafficIntensity(100, 1800, 180);
    expect(a).toBe(10);
    const exact14 = exactErlang(14, 10n, 1n).c;
    expect(serviceLevelC(14, a, 180, 20)).toBeCloseTo(1 - exact14 * Math.exp((-4 * 20) / 180), 12);
    expect(serviceLevelC(14, a, 180, 20)).toBeCloseTo(0.8884, 4);
    expect(serviceLevelC(13, a, 180, 20)).toBeCloseTo(0.7956, 4);
    expect(asaC(14, a, 180)).toBeCloseTo((exact14 * 180) / 4, 10);
    expect(occupancy(14, a)).toBeCloseTo(10 / 14, 12);
    expect(erlangC(10, 10)).toBe(1);
    expect(asaC(9, 10, 180)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("agentsRequired (Erlang C)", () => {
  const base = { contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20 };

  it("finds 14 agents and 20 heads after 30% shrinkage for the worked example", () => {
    const r = agentsRequired({ ...base, shrinkage: 0.3, maxOccupancy: 0.85 });
    expect(r).toMatchObject({ model: "erlangC", agents: 14, scheduledHeads: 20, limitedBy: "serviceLevel" });
    expect(r.serviceLevel).toBeCloseTo(0.8884, 4);
    expect(r.probabilityWaiting).toBeCloseTo(0.1741, 4);
    expect(r.asaSeconds).toBeCloseTo(7.84, 2);
    expect(r.occupancy).toBeCloseTo(0.714, 3);
    expect(r.abandonRate).toBeUndefined();
  });

  it("caps occupancy", () => {
    const r = agentsRequired({ ...base, maxOccupancy: 0.6 });
    expect(r.agents).toBe(17); // ceil(10 / 0.6)
    expect(r.limitedBy).toBe("occupancy");
    expect(r.occupancy).toBeLessThanOrEqual(0.6);
  });

  it("needs zero agents for zero volume", () => {
    expect(agentsRequired({ ...base, contacts: 0, shrinkage: 0.3 })).toMatchObject({ agents: 0, scheduledHeads: 0, serviceLevel: 1, occupancy: 0 });
    expect(agentsRequired({ ...base, contacts: 0, patienceSeconds: 60 })).toMatchObject({ agents: 0, abandonRate: 0 });
  });

  it("returns the smallest N meeting the target, checked against exact arithmetic", () => {
    for (const [contacts, aht, target, threshold] of [
      [3, 300, 0.8, 20],
      [250, 240, 0.9, 15],
      [4000, 225, 0.8, 20], // A = 500
      [12000, 270, 0.95, 30], // A = 1800
    ] as const) {
      const r = agentsRequired({ contacts, intervalSeconds: 1800, ahtSeconds: aht, targetServiceLevel: target, thresholdSeconds: threshold });
      const a = (contacts * aht) / 1800;
      const sl = (n: number) => (n <= a ? 0 : 1 - exactErlang(n, BigInt(contacts * aht), 1800n).c * Math.exp((-(n - a) * threshold) / aht));
      expect(sl(r.agents)).toBeGreaterThanOrEqual(target);
      expect(sl(r.agents - 1)).toBeLessThan(target);
      expect(r.serviceLevel).toBeCloseTo(sl(r.agents), 10);
    }
  });

  it("a zero target still needs a stable queue", () => {
    const r = agentsRequired({ ...base, targetServiceLevel: 0 });
    expect(r.agents).toBe(11);
    expect(r.limitedBy).toBe("stability");
  });

  it("rounds heads after shrinkage up, without floating-point surprises", () => {
    expect(scheduledHeads(8, 0.2)).toBe(10);
    expect(scheduledHeads(10, 0.3)).toBe(15);
    expect(scheduledHeads(0, 0.5)).toBe(0);
    expect(scheduledHeads(7, 0)).toBe(7);
  });
});

describe("Erlang A", () => {
  const p: ErlangAParams = { contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 120, thresholdSeconds: 20 };

  it("equals a brute-force birth-death chain", () => {
    for (const [n, params] of [
      [12, p],
      [9, p], // overloaded: only abandonment keeps the queue finite
      [14, { ...p, patienceSeconds: 45, thresholdSeconds: 30 }],
      [3, { ...p, contacts: 20, ahtSeconds: 240, patienceSeconds: 300, thresholdSeconds: 10 }],
      [20, { ...p, contacts: 300, patienceSeconds: 200, thresholdSeconds: 0 }],
    ] as const) {
      const r = erlangA(n, params);
      const brute = bruteErlangA(n, params);
      expect(r.probabilityWaiting).toBeCloseTo(brute.pWait, 9);
      expect(r.probabilityAbandon).toBeCloseTo(brute.pAb, 9);
      expect(r.serviceLevel).toBeCloseTo(brute.sl, 8);
      expect(r.asaSeconds).toBeCloseTo(brute.asa, 6);
      expect(r.averageWaitSeconds).toBeCloseTo(brute.pAb * params.patienceSeconds, 6);
    }
  });

  it("converges to Erlang C as patience grows", () => {
    const a = 10;
    const c = erlangC(14, a);
    const sl = serviceLevelC(14, a, 180, 20);
    const asa = asaC(14, a, 180);
    let previous = Number.POSITIVE_INFINITY;
    for (const patience of [60, 600, 6_000, 60_000, 600_000, 6_000_000, 60_000_000]) {
      const r = erlangA(14, { ...p, patienceSeconds: patience });
      const error = Math.abs(r.probabilityWaiting - c) + Math.abs(r.serviceLevel - sl) + Math.abs(r.asaSeconds - asa) / asa;
      expect(error).toBeLessThan(previous);
      previous = error;
    }
    expect(previous).toBeLessThan(1e-5);
    expect(erlangA(14, { ...p, patienceSeconds: 60_000_000 }).probabilityAbandon).toBeLessThan(1e-6);
  });

  it("handles a thousand agents and an overloaded queue", () => {
    const big = erlangA(1000, { contacts: 6000, intervalSeconds: 1800, ahtSeconds: 300, patienceSeconds: 90, thresholdSeconds: 20 });
    expect(big.serviceLevel).toBeGreaterThan(0.9);
    const jammed = erlangA(500, { contacts: 6000, intervalSeconds: 1800, ahtSeconds: 300, patienceSeconds: 90, thresholdSeconds: 20 });
    // Half the load can be carried: about half the callers give up.
    expect(jammed.probabilityAbandon).toBeCloseTo(0.5, 1);
    expect(jammed.occupancy).toBeGreaterThan(0.99);
    expect(jammed.probabilityWaiting).toBeGreaterThan(0.999);
  });

  it("sizes with patience: fewer agents than Erlang C for the same target, with the abandon rate", () => {
    const input = { contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20, patienceSeconds: 120 };
    const r = agentsRequired(input);
    expect(r.model).toBe("erlangA");
    expect(r.agents).toBeLessThanOrEqual(14);
    expect(r.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(erlangA(r.agents - 1, input).serviceLevel).toBeLessThan(0.8);
    expect(r.abandonRate).toBeGreaterThan(0);
    expect(r.abandonRate).toBeLessThan(0.1);
    // Impatient callers who hang up inside the threshold count against SL: can need more than Erlang C.
    const impatient = agentsRequired({ ...input, patienceSeconds: 5, thresholdSeconds: 60 });
    expect(impatient.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(erlangA(impatient.agents - 1, { ...input, patienceSeconds: 5, thresholdSeconds: 60 }).serviceLevel).toBeLessThan(0.8);
    const occ = agentsRequired({ ...input, maxOccupancy: 0.6 });
    expect(occ.occupancy).toBeLessThanOrEqual(0.6);
    expect(occ.limitedBy).toBe("occupancy");
  });
});

describe("staffingInputSchema", () => {
  const ok = { contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20 };
  const fieldOf = (input: unknown) => {
    const r = staffingInputSchema.safeParse(input);
    return r.success ? null : { field: r.error.issues[0]!.path.join("."), message: r.error.issues[0]!.message };
  };

  it("accepts a complete input", () => {
    expect(fieldOf(ok)).toBeNull();
    expect(fieldOf({ ...ok, shrinkage: 0.3, maxOccupancy: 0.85, patienceSeconds: 90 })).toBeNull();
    expect(fieldOf({ ...ok, contacts: 0 })).toBeNull();
  });

  it("names the field of bad input", () => {
    expect(fieldOf({ ...ok, ahtSeconds: 0 })).toEqual({ field: "ahtSeconds", message: "wfm:staffing.errors.ahtSeconds" });
    expect(fieldOf({ ...ok, contacts: -1 })?.field).toBe("contacts");
    expect(fieldOf({ ...ok, targetServiceLevel: 1.2 })?.field).toBe("targetServiceLevel");
    expect(fieldOf({ ...ok, targetServiceLevel: -0.1 })?.field).toBe("targetServiceLevel");
    expect(fieldOf({ ...ok, targetServiceLevel: 1 })?.field).toBe("targetServiceLevel");
    expect(fieldOf({ ...ok, shrinkage: 1 })?.field).toBe("shrinkage");
    expect(fieldOf({ ...ok, maxOccupancy: 0 })?.field).toBe("maxOccupancy");
    expect(fieldOf({ ...ok, patienceSeconds: 0 })?.field).toBe("patienceSeconds");
    expect(fieldOf({ ...ok, intervalSeconds: 0 })?.field).toBe("intervalSeconds");
    expect(fieldOf({ ...ok, thresholdSeconds: "20" })?.field).toBe("thresholdSeconds");
    expect(fieldOf({ ...ok, contacts: 1e9 })).toEqual({ field: "contacts", message: "wfm:staffing.errors.workloadTooLarge" });
    expect(fieldOf({ ...ok, extra: 1 })?.field).toBe("");
  });
});
