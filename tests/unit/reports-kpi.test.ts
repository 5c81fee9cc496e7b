import { describe, expect, it } from "vitest";
import {
  KPI_FORMULAS,
  KPI_KEYS,
  KpiInputError,
  SL_VARIANTS,
  aggregateAgents,
  aggregateContacts,
  computeKpis,
  kpisFromRecords,
  serviceLevelVariant,
  slCountsOfTotals,
  specFor,
  type AgentIntervalRecord,
  type ContactRecord,
  type KpiParams,
} from "~/modules/reports/kpi";
import { serviceLevelFromCounts } from "~/modules/routing/sla";

// A hand-computed day on one queue: T = 20 s, short abandons <= 5 s, repeats within 7 days.
const t0 = Date.parse("2026-11-22T06:00:00Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const DAY = 86_400;

function inbound(id: string, enq: number, o: Partial<ContactRecord> & { wait?: number; abandonAfter?: number } = {}): ContactRecord {
  const { wait, abandonAfter, ...rest } = o;
  return {
    id,
    direction: "inbound",
    queueId: "support",
    startedAt: at(enq - 30),
    enqueuedAt: at(enq),
    answeredAt: wait === undefined ? null : at(enq + wait),
    abandonedAt: abandonAfter === undefined ? null : at(enq + abandonAfter),
    endedAt: null,
    talkSeconds: 0,
    holdSeconds: 0,
    wrapSeconds: 0,
    transferred: false,
    escalated: false,
    customerId: null,
    reasonCode: null,
    dispositionCode: null,
    resolved: null,
    ...rest,
  };
}

function outbound(id: string, start: number, o: Partial<ContactRecord>): ContactRecord {
  return {
    id,
    direction: "outbound",
    queueId: "support",
    campaignId: "camp",
    startedAt: at(start),
    enqueuedAt: null,
    answeredAt: null,
    abandonedAt: null,
    endedAt: null,
    talkSeconds: 0,
    holdSeconds: 0,
    wrapSeconds: 0,
    transferred: false,
    escalated: false,
    customerId: null,
    reasonCode: null,
    dispositionCode: null,
    resolved: null,
    ...o,
  };
}

const contacts: ContactRecord[] = [
  inbound("c1", 0, { wait: 10, talkSeconds: 100, holdSeconds: 20, wrapSeconds: 30, customerId: "A", reasonCode: "billing", dispositionCode: "paid", resolved: true }),
  inbound("c2", 60, { wait: 20, talkSeconds: 200, wrapSeconds: 40, transferred: true, customerId: "B", reasonCode: "tech", dispositionCode: "fixed", resolved: true }),
  inbound("c3", 120, { wait: 45, talkSeconds: 300, holdSeconds: 60, wrapSeconds: 60, escalated: true, customerId: "A", reasonCode: "tech", dispositionCode: "open", resolved: false }),
  inbound("c4", 180, { abandonAfter: 3, customerId: "C" }),
  inbound("c5", 240, { abandonAfter: 5, customerId: "C" }),
  inbound("c6", 300, { abandonAfter: 60, customerId: "C" }),
  inbound("c7", 360, { callbackRequested: true, customerId: "D" }),
  inbound("c8", 60 + 2 * DAY, { wait: 8, talkSeconds: 120, wrapSeconds: 20, customerId: "B", reasonCode: "tech", dispositionCode: "fixed", resolved: true }),
  inbound("c9", 8 * DAY, { wait: 15, talkSeconds: 60, customerId: "A", reasonCode: "billing", dispositionCode: "paid", resolved: true }),
  inbound("c10", 420, {}), // still waiting when the report runs
  outbound("o1", 500, { dialResult: "human", answeredAt: at(502), talkSeconds: 90, wrapSeconds: 10, customerId: "E", dispositionCode: "sale", resolved: true }),
  outbound("o2", 510, { dialResult: "human" }),
  outbound("o3", 520, { dialResult: "busy" }),
  outbound("o4", 530, { dialResult: "noAnswer" }),
  outbound("o5", 540, { dialResult: "voicemail" }),
  outbound("o6", 550, { dialResult: "human", answeredAt: at(551), talkSeconds: 30, wrapSeconds: 5, dispositionCode: "noInterest" }),
  outbound("o7", 560, { dialResult: "failed" }),
];

const agents: AgentIntervalRecord[] = [
  { agentId: "a1", intervalStart: at(0), loggedInSeconds: 1800, availableSeconds: 600, handlingSeconds: 900 },
  { agentId: "a2", intervalStart: at(0), loggedInSeconds: 1800, availableSeconds: 300, handlingSeconds: 1200 },
];

const params: KpiParams = { slThresholdSeconds: 20, shortAbandonSeconds: 5, conversionCodes: ["sale"] };

describe("KPIs against a hand-computed day", () => {
  const r = kpisFromRecords(contacts, agents, params);
  const v = (k: (typeof KPI_KEYS)[number]) => r.values[k].value;

  it("counts offered, answered, abandoned, short abandons and callbacks", () => {
    expect(v("offered")).toBe(10); // c1-c10, the waiting c10 included
    expect(v("answered")).toBe(5); // c1 c2 c3 c8 c9
    expect(v("abandoned")).toBe(3); // c4 c5 c6
    expect(v("shortAbandoned")).toBe(2); // c4 (3 s), c5 (5 s: at the threshold is short)
    expect(v("callbacks")).toBe(1);
    expect(v("callbackRate")).toBe(10); // 1 / 10
    expect(v("abandonRate")).toBe(16.7); // 1 / (5 + 1)
  });

  it("gives each service-level variant", () => {
    expect(r.measures.answeredWithin).toBe(4); // 10, 20 (at T counts), 8, 15 s; not 45 s
    expect(v("serviceLevel.answeredAndAbandoned")).toBe(66.7); // 4 / (5 + 1)
    expect(v("serviceLevel.offered")).toBe(40); // 4 / 10
    expect(v("serviceLevel.offeredLessShort")).toBe(50); // 4 / (10 - 2)
    expect(v("serviceLevel.answered")).toBe(80); // 4 / 5
    expect(r.values["serviceLevel.offeredLessShort"]).toMatchObject({ numerator: 4, denominator: 8 });
  });

  it("gives ASA, AHT, occupancy and utilization", () => {
    expect(v("asa")).toBe(19.6); // (10 + 20 + 45 + 8 + 15) / 5
    // 7 handled (5 inbound + 2 outbound connected): talk 900 + hold 80 + wrap 165 = 1145 s
    expect(r.values.aht).toMatchObject({ numerator: 1145, denominator: 7, value: 163.6 });
    expect(v("occupancy")).toBe(70); // 2100 / (900 + 2100)
    expect(v("utilization")).toBe(58.3); // 2100 / 3600
  });

  it("gives transfer and escalation rates over handled contacts", () => {
    expect(v("transferRate")).toBe(14.3); // 1 / 7
    expect(v("escalationRate")).toBe(14.3);
  });

  it("gives FCR and repeat rate by customer and reason", () => {
    // eligible: c1 c2 c3 c8 c9 (known customer and reason); c8 repeats c2 (2 days); c9 is 8 days after c1
    expect(r.values.repeatContactRate).toMatchObject({ numerator: 1, denominator: 5, value: 20 });
    // resolved without a repeat: c1, c8, c9 (c2 was repeated by c8, c3 unresolved)
    expect(r.values.fcr).toMatchObject({ numerator: 3, denominator: 5, value: 60 });
    expect(r.params).toMatchObject({ repeatWindowDays: 7, repeatMatch: "customerAndReason" });
  });

  it("gives FCR and repeat rate by customer alone", () => {
    const c = kpisFromRecords(contacts, agents, params, { repeatMatch: "customer" });
    // eligible: c1-c9; repeats: c3 (A after c1), c5 and c6 (C), c8 (B)
    expect(c.values.repeatContactRate).toMatchObject({ numerator: 4, denominator: 9, value: 44.4 });
    // c1 repeated by c3, c2 by c8: only c8 and c9 count
    expect(c.values.fcr).toMatchObject({ numerator: 2, denominator: 5, value: 40 });
  });

  it("widens the repeat window on request", () => {
    const c = kpisFromRecords(contacts, agents, params, { repeatWindowDays: 8 });
    expect(c.values.repeatContactRate.numerator).toBe(2); // c9 now repeats c1
    expect(c.values.fcr.numerator).toBe(2); // c1 lost
  });

  it("gives campaign outcomes", () => {
    expect(v("outboundAttempts")).toBe(7);
    expect(v("contactRate")).toBe(28.6); // 2 connected / 7
    expect(v("outboundAnswerRate")).toBe(42.9); // 3 answered by a person / 7
    expect(v("outboundAbandonRate")).toBe(33.3); // 1 / 3
    expect(v("conversionRate")).toBe(50); // sale 1 / 2 connected
    expect(r.breakdowns.outboundByDisposition.rows).toEqual([
      { code: "noInterest", count: 1, sharePct: 50 },
      { code: "sale", count: 1, sharePct: 50 },
    ]);
    expect(kpisFromRecords(contacts, agents, { ...params, conversionCodes: undefined }).values.conversionRate.value).toBeNull();
  });

  it("splits handled contacts by reason and by disposition", () => {
    expect(r.breakdowns.contactsByReason).toMatchObject({
      total: 7,
      rows: [
        { code: "tech", count: 3, sharePct: 42.9 },
        { code: "", count: 2, sharePct: 28.6 }, // the two outbound calls carry no reason
        { code: "billing", count: 2, sharePct: 28.6 },
      ],
    });
    expect(r.breakdowns.contactsByDisposition.rows.map((x) => [x.code, x.count])).toEqual([
      ["fixed", 2],
      ["paid", 2],
      ["noInterest", 1],
      ["open", 1],
      ["sale", 1],
    ]);
  });

  it("answers null, not 0 or 100, with nothing to count", () => {
    const empty = kpisFromRecords([], [], params);
    for (const key of KPI_KEYS) {
      const x = empty.values[key];
      expect(x.value).toBe(x.unit === "count" ? 0 : null);
    }
  });
});

describe("formulas as data", () => {
  it("states each SL variant's parts and parameters", () => {
    expect(KPI_FORMULAS["serviceLevel.answeredAndAbandoned"]).toMatchObject({
      unit: "percent",
      numerator: [{ measure: "answeredWithin", sign: 1 }],
      denominator: [
        { measure: "answered", sign: 1 },
        { measure: "abandonedAfterShort", sign: 1 },
      ],
      params: ["slThresholdSeconds", "shortAbandonSeconds"],
    });
    expect(KPI_FORMULAS["serviceLevel.offeredLessShort"].denominator).toEqual([
      { measure: "offered", sign: 1 },
      { measure: "shortAbandoned", sign: -1 },
    ]);
    expect(KPI_FORMULAS["serviceLevel.answered"].params).toEqual(["slThresholdSeconds"]);
    expect(KPI_FORMULAS.aht.numerator.map((t) => t.measure)).toEqual(["talkSeconds", "holdSeconds", "wrapSeconds"]);
    expect(KPI_FORMULAS.fcr.params).toEqual(["repeatWindowDays", "repeatMatch"]);
    expect(KPI_FORMULAS.conversionRate.params).toEqual(["conversionCodes"]);
    expect(KPI_FORMULAS.offered).toMatchObject({ unit: "count", denominator: null, params: [] });
  });

  it("has a formula for every key, carried on each value", () => {
    const r = kpisFromRecords(contacts, agents, params);
    for (const key of KPI_KEYS) {
      expect(KPI_FORMULAS[key].key).toBe(key);
      expect(r.values[key].formula).toBe(KPI_FORMULAS[key]);
    }
  });

  it("computes any variant from totals", () => {
    const t = aggregateContacts(contacts, specFor(params));
    expect(SL_VARIANTS.map((variant) => serviceLevelVariant(t, variant, params).value)).toEqual([66.7, 40, 50, 80]);
  });
});

describe("the platform SL has one definition", () => {
  it("routing/sla.ts gives the reports' answeredAndAbandoned variant", () => {
    const t = aggregateContacts(contacts, specFor(params));
    const counts = slCountsOfTotals(t, params);
    expect(counts).toEqual({ answered: 5, answeredWithin: 4, abandoned: 1, shortAbandoned: 2 });
    const sl = serviceLevelFromCounts(counts);
    const r = computeKpis(t, aggregateAgents(agents), params);
    expect(sl.serviceLevel).toBe(r.values["serviceLevel.answeredAndAbandoned"].value);
    expect(sl.abandonRate).toBe(r.values.abandonRate.value);
  });

  it("refuses a threshold the totals did not count", () => {
    const t = aggregateContacts(contacts, specFor(params));
    expect(() => computeKpis(t, null, { ...params, slThresholdSeconds: 30 })).toThrow(KpiInputError);
    try {
      computeKpis(t, null, { ...params, shortAbandonSeconds: 10 });
    } catch (e) {
      expect(e).toMatchObject({ code: "thresholdNotAggregated", detail: { threshold: 10, which: "shortAbandon" } });
    }
  });
});
