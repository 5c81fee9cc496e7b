import { describe, expect, it } from "vitest";
import { isRepeatContact } from "~/modules/customers/repeat";
import {
  KpiInputError,
  aggregateAgents,
  aggregateContacts,
  computeKpis,
  inPeriod,
  intervalStartOf,
  mergeAgentTotals,
  mergeTotals,
  repeatFlags,
  rollupAgents,
  rollupContacts,
  type AgentIntervalRecord,
  type AggregationSpec,
  type ContactRecord,
  type DialResult,
  type KpiParams,
} from "~/modules/reports/kpi";
import { serviceLevel, serviceLevelFromCounts, type SlCounts, type SlSample } from "~/modules/routing/sla";

/** mulberry32: a small seeded PRNG, so every run draws the same month. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MONTH_START = Date.parse("2026-10-22T20:30:00Z"); // 1 Aban 1405 00:00 in Tehran
const DAYS = 30;

function month(seed: number, n: number): ContactRecord[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const out: ContactRecord[] = [];
  for (let i = 0; i < n; i++) {
    // Some contacts fall up to 8 days outside the month: the history FCR needs.
    const start = MONTH_START + Math.floor((rnd() * (DAYS + 16) - 8) * 86_400_000);
    const outboundCall = rnd() < 0.25;
    const customerId = rnd() < 0.9 ? `cust${Math.floor(rnd() * 400)}` : null;
    const base: ContactRecord = {
      id: `k${i}`,
      direction: outboundCall ? "outbound" : "inbound",
      queueId: pick(["sales", "support", "billing"]),
      campaignId: outboundCall ? "camp" : null,
      startedAt: new Date(start),
      enqueuedAt: null,
      answeredAt: null,
      abandonedAt: null,
      endedAt: null,
      // Fractional seconds, as providers report them: sums must still agree to the last digit.
      talkSeconds: rnd() * 600,
      holdSeconds: rnd() < 0.3 ? rnd() * 120 : 0,
      wrapSeconds: rnd() * 90,
      transferred: rnd() < 0.08,
      escalated: rnd() < 0.05,
      customerId,
      reasonCode: rnd() < 0.85 ? pick(["billing", "tech", "order", "complaint"]) : null,
      dispositionCode: pick(["fixed", "info", "sale", "noInterest", "promise", null]),
      resolved: rnd() < 0.7,
    };
    if (outboundCall) {
      const dial = pick<DialResult>(["human", "human", "human", "busy", "noAnswer", "voicemail", "failed"]);
      base.dialResult = dial;
      if (dial === "human" && rnd() < 0.95) base.answeredAt = new Date(start + 2000);
    } else {
      const enq = start + Math.floor(rnd() * 40_000);
      base.enqueuedAt = new Date(enq);
      const fate = rnd();
      const wait = Math.floor(rnd() * 120_000);
      if (fate < 0.75) base.answeredAt = new Date(enq + wait);
      else if (fate < 0.93) base.abandonedAt = new Date(enq + wait);
      else if (fate < 0.97) base.callbackRequested = true;
      // else still waiting
    }
    out.push(base);
  }
  return out;
}

function agentMonth(seed: number): AgentIntervalRecord[] {
  const rnd = prng(seed);
  const out: AgentIntervalRecord[] = [];
  for (let s = 0; s < DAYS * 96; s += 1 + Math.floor(rnd() * 6)) {
    for (const agentId of ["a1", "a2", "a3"]) {
      const loggedIn = rnd() * 900;
      const available = loggedIn * rnd() * 0.5;
      out.push({
        agentId,
        queueId: agentId === "a3" ? "sales" : "support",
        intervalStart: new Date(MONTH_START + s * 900_000),
        loggedInSeconds: loggedIn,
        availableSeconds: available,
        handlingSeconds: (loggedIn - available) * rnd(),
      });
    }
  }
  return out;
}

const params: KpiParams = { slThresholdSeconds: 20, shortAbandonSeconds: 5, conversionCodes: ["sale", "promise"] };
const spec: AggregationSpec = { waitThresholdsSeconds: [5, 10, 20, 30, 60], repeatWindowDays: 7, repeatMatch: "customerAndReason" };
const from = new Date(MONTH_START);
const to = new Date(MONTH_START + DAYS * 86_400_000);

describe("raw records and rollups give identical KPIs", () => {
  const all = month(7, 6000);
  const monthRecords = all.filter((r) => inPeriod(r, from, to));
  const history = all.filter((r) => !inPeriod(r, from, to));
  const agentsAll = agentMonth(11);

  for (const minutes of [15, 30] as const) {
    it(`over a month of ${minutes}-minute rows, per queue and in total`, () => {
      // The worker's view: rows for the month's contacts (their FCR decided by the history).
      const rows = rollupContacts(monthRecords, spec, minutes, { history });
      expect(rows.every((r) => r.intervalStart.getTime() % (minutes * 60_000) === 0)).toBe(true);
      const agentRows = rollupAgents(agentsAll, minutes);

      const raw = computeKpis(aggregateContacts(monthRecords, spec, { history }), aggregateAgents(agentsAll), params);
      const rolled = computeKpis(
        mergeTotals(
          rows.map((r) => r.totals),
          spec,
        ),
        mergeAgentTotals(agentRows.map((r) => r.totals)),
        params,
      );
      expect(rolled).toEqual(raw);
      // Not a vacuous equality: the month has every kind of contact.
      expect(raw.values.offered.value).toBeGreaterThan(2500);
      expect(raw.values.fcr.denominator).toBeGreaterThan(1000);
      expect(raw.values.outboundAbandonRate.denominator).toBeGreaterThan(300);
      expect(raw.values.occupancy.value).not.toBeNull();

      for (const queueId of ["sales", "support", "billing"]) {
        const q = monthRecords.filter((r) => r.queueId === queueId);
        const qRaw = computeKpis(aggregateContacts(q, spec, { history: [...history, ...monthRecords] }), null, params);
        const qRolled = computeKpis(
          mergeTotals(
            rows.filter((r) => r.queueId === queueId).map((r) => r.totals),
            spec,
          ),
          null,
          params,
        );
        expect(qRolled).toEqual(qRaw);
      }
    });
  }

  it("over a sub-period (a Tehran day, on interval boundaries) and at another threshold", () => {
    const dayFrom = new Date(MONTH_START + 9 * 86_400_000);
    const dayTo = new Date(dayFrom.getTime() + 86_400_000);
    const rows = rollupContacts(monthRecords, spec, 30, { history }).filter((r) => r.intervalStart >= dayFrom && r.intervalStart < dayTo);
    const other = { ...params, slThresholdSeconds: 30, shortAbandonSeconds: 10 };
    const raw = computeKpis(aggregateContacts(monthRecords.filter((r) => inPeriod(r, dayFrom, dayTo)), spec, { history: all }), null, other);
    const rolled = computeKpis(
      mergeTotals(
        rows.map((r) => r.totals),
        spec,
      ),
      null,
      other,
    );
    expect(rolled).toEqual(raw);
    expect(raw.values.offered.value).toBeGreaterThan(50);
  });

  it("refuses to add rows counted by different definitions", () => {
    const a = rollupContacts(monthRecords.slice(0, 50), spec, 30);
    const b = rollupContacts(monthRecords.slice(50, 100), { ...spec, waitThresholdsSeconds: [20] }, 30);
    expect(() =>
      mergeTotals(
        [...a, ...b].map((r) => r.totals),
        spec,
      ),
    ).toThrow(KpiInputError);
    const c = rollupContacts(monthRecords.slice(50, 100), { ...spec, repeatWindowDays: 30 }, 30);
    expect(() =>
      mergeTotals(
        [...a, ...c].map((r) => r.totals),
        spec,
      ),
    ).toThrow(/specMismatch/);
  });

  it("puts a contact in the interval of its enqueue time", () => {
    expect(intervalStartOf(new Date("2026-11-22T06:44:59.999Z"), 15).toISOString()).toBe("2026-11-22T06:30:00.000Z");
    expect(intervalStartOf(new Date("2026-11-22T06:45:00Z"), 30).toISOString()).toBe("2026-11-22T06:30:00.000Z");
    // 10:15 in Tehran (+03:30): a quarter-hour boundary there too.
    expect(intervalStartOf(new Date("2026-11-22T06:45:00Z"), 15).toISOString()).toBe("2026-11-22T06:45:00.000Z");
  });
});

describe("the platform SL is unchanged by moving it to reports/", () => {
  // routing/sla.ts as it was before the move, verbatim: the oracle.
  function oldFromCounts(c: SlCounts) {
    const counted = c.answered + c.abandoned;
    const pct = (n: number) => (counted === 0 ? null : Math.round((n / counted) * 1000) / 10);
    return { ...c, serviceLevel: pct(c.answeredWithin), abandonRate: pct(c.abandoned) };
  }
  function oldServiceLevel(samples: readonly SlSample[], thresholdSeconds: number, shortAbandonSeconds: number) {
    let answered = 0;
    let answeredWithin = 0;
    let abandoned = 0;
    let shortAbandoned = 0;
    for (const s of samples) {
      if (s.outcome === "answered") {
        answered++;
        if (s.waitSeconds <= thresholdSeconds) answeredWithin++;
      } else if (s.waitSeconds <= shortAbandonSeconds) shortAbandoned++;
      else abandoned++;
    }
    return oldFromCounts({ answered, answeredWithin, abandoned, shortAbandoned });
  }

  it("gives the same figures for every count up to 200 and for random large ones", () => {
    for (let answered = 0; answered <= 200; answered += 1) {
      for (const abandoned of [0, 1, 3, 7, 19, 64, 133]) {
        for (const answeredWithin of [0, 1, Math.floor(answered / 3), Math.floor((answered * 2) / 3), answered]) {
          const c = { answered, answeredWithin, abandoned, shortAbandoned: abandoned % 5 };
          expect(serviceLevelFromCounts(c)).toEqual(oldFromCounts(c));
        }
      }
    }
    const rnd = prng(3);
    for (let i = 0; i < 20_000; i++) {
      const answered = Math.floor(rnd() * 1e6);
      const c = { answered, answeredWithin: Math.floor(rnd() * answered), abandoned: Math.floor(rnd() * 1e5), shortAbandoned: Math.floor(rnd() * 1e4) };
      expect(serviceLevelFromCounts(c)).toEqual(oldFromCounts(c));
    }
  });

  it("classifies wait samples the same way, fractional seconds and thresholds included", () => {
    const rnd = prng(5);
    for (let i = 0; i < 500; i++) {
      const samples: SlSample[] = Array.from({ length: Math.floor(rnd() * 60) }, () => ({
        outcome: rnd() < 0.7 ? "answered" : "abandoned",
        waitSeconds: rnd() < 0.2 ? Math.floor(rnd() * 30) : rnd() * 40,
      }));
      const t = rnd() < 0.5 ? 20 : 20.5;
      expect(serviceLevel(samples, t, 5)).toEqual(oldServiceLevel(samples, t, 5));
    }
  });
});

describe("repeat flags", () => {
  it("match customers/repeat.ts when matching by customer", () => {
    const rnd = prng(9);
    const cs = Array.from({ length: 400 }, (_, i) => ({
      id: `r${i}`,
      direction: "inbound" as const,
      // Whole hours, so equal instants and the exact 7-day boundary both occur.
      startedAt: new Date(MONTH_START + Math.floor(rnd() * 30 * 24) * 3_600_000),
      customerId: `c${Math.floor(rnd() * 25)}`,
      reasonCode: null,
    }));
    const flags = repeatFlags(cs, { match: "customer" });
    for (const c of cs) {
      const others = cs.filter((o) => o.customerId === c.customerId && o.id !== c.id);
      expect(flags.get(c.id)!.isRepeat).toBe(
        isRepeatContact(
          others.map((o) => o.startedAt),
          c.startedAt,
        ),
      );
      const later = others.some((o) => isRepeatContact([c.startedAt], o.startedAt));
      expect(flags.get(c.id)!.repeatedLater).toBe(later);
    }
  });

  it("need a reason to match by reason, and ignore outbound attempts", () => {
    const base = { startedAt: new Date(MONTH_START), customerId: "x" };
    const later = new Date(MONTH_START + 3_600_000);
    const f = repeatFlags([
      { id: "a", direction: "inbound", ...base, reasonCode: "tech" },
      { id: "b", direction: "inbound", ...base, startedAt: later, reasonCode: null },
      { id: "c", direction: "outbound", ...base, startedAt: later, reasonCode: "tech" },
      { id: "d", direction: "inbound", ...base, startedAt: later, reasonCode: "billing" },
    ]);
    expect([...f.values()].map((x) => [x.eligible, x.isRepeat, x.repeatedLater])).toEqual([
      [true, false, false],
      [false, false, false],
      [false, false, false],
      [true, false, false],
    ]);
  });
});
