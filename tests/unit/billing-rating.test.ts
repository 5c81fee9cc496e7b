import { describe, expect, it } from "vitest";
import { BillingError } from "~/modules/billing/errors";
import { meterInteraction } from "~/modules/billing/metering";
import { ratePlanVersionSchema, type RatePlanVersion, type RatePlanVersionInput } from "~/modules/billing/plan";
import { LINE_KEYS, localDaysBetween, ratePeriod, type QueueSlCounts, type RatedInvoice, type RatePeriodInput, type UsageItem } from "~/modules/billing/rating";
import { applyBasisPoints, divRound } from "~/modules/billing/rounding";

/** A local wall-clock instant in Tehran (UTC+03:30 all year since Iran dropped DST in 2022). */
const tehran = (y: number, m: number, d: number, h = 0, mi = 0) => new Date(Date.UTC(y, m - 1, d, h, mi) - 3.5 * 3_600_000);

// Jalali months as the caller passes them: local midnights (1 Farvardin 1405 = 21 March 2026).
const ESFAND_1404 = { periodStart: tehran(2026, 2, 20), periodEnd: tehran(2026, 3, 21) }; // 29 days
const FARVARDIN_1405 = { periodStart: tehran(2026, 3, 21), periodEnd: tehran(2026, 4, 21) }; // 31 days
const ORDIBEHESHT_1405 = { periodStart: tehran(2026, 4, 21), periodEnd: tehran(2026, 5, 22) }; // 31 days
const MEHR_1405 = { periodStart: tehran(2026, 9, 23), periodEnd: tehran(2026, 10, 23) }; // 30 days
const FEBRUARY_2026 = { periodStart: tehran(2026, 2, 1), periodEnd: tehran(2026, 3, 1) }; // 28 days

const LONG_AGO = "2025-01-01T00:00:00.000Z";
const plan = (over: Partial<Record<keyof RatePlanVersionInput, unknown>> = {}): RatePlanVersion => ratePlanVersionSchema.parse({ effectiveFrom: LONG_AGO, ...over });

const use = (kind: UsageItem["kind"], quantity: number, occurredAt: Date): UsageItem => ({ kind, quantity, occurredAt });
const midFarvardin = tehran(2026, 4, 5, 10);

/** Rates and checks what must hold for every invoice: exact line arithmetic and lines adding up. */
function rate(input: RatePeriodInput): RatedInvoice {
  const inv = ratePeriod(input);
  for (const l of inv.lines) {
    if (l.unitPrice !== null && l.quantity !== null && l.unitQuantity !== null) {
      expect(l.amount).toBe(divRound(BigInt(l.quantity) * l.unitPrice, BigInt(l.unitQuantity)));
    }
    if (l.type === "vat") expect(l.amount).toBe(applyBasisPoints(l.baseAmount!, l.rateBp!));
    if (l.type === "sla_credit") expect(l.amount <= 0n).toBe(true);
  }
  const sumOf = (type?: string) => inv.lines.filter((l) => type === undefined || l.type === type).reduce((a, l) => a + l.amount, 0n);
  expect(sumOf()).toBe(inv.total);
  expect(inv.subtotal + inv.vatAmount).toBe(inv.total);
  expect(inv.baseFeeAmount + inv.usageAmount + inv.minimumTopUpAmount + inv.slaCreditAmount).toBe(inv.subtotal);
  expect(sumOf("usage")).toBe(inv.usageAmount);
  expect(inv.total >= 0n).toBe(true);
  return inv;
}

/** [type, key, quantity, amount] per line: the readable core of an invoice. */
const table = (inv: RatedInvoice) => inv.lines.map((l) => [l.type, l.descriptionKey.split(".").pop(), l.quantity, l.amount]);

describe("ratePeriod: fixed charges", () => {
  it("zero usage: the base fee and its VAT", () => {
    const p = plan({ baseFee: 50_000_000, pricing: { inbound_minutes: { unitPrice: 10_000 } } });
    const inv = rate({ versions: [p], usage: [], ...FARVARDIN_1405 });
    // 50,000,000 + 10% = 55,000,000
    expect(table(inv)).toEqual([
      ["base_fee", "baseFee", 31, 50_000_000n],
      ["vat", "vat", null, 5_000_000n],
    ]);
    expect(inv.total).toBe(55_000_000n);
    expect(inv.periodDays).toBe(31);
    expect(inv.lines[0]!.params).toEqual({ from: "2026-03-21", to: "2026-04-20", days: 31, periodDays: 31, proration: "by_days" });
    expect(rate({ versions: [p], usage: {}, ...FARVARDIN_1405 }).total).toBe(55_000_000n);
  });

  it("a plan with nothing to charge: a zero VAT line and a zero total", () => {
    const inv = rate({ versions: [plan()], usage: [], ...FARVARDIN_1405 });
    expect(table(inv)).toEqual([["vat", "vat", null, 0n]]);
    expect(inv.total).toBe(0n);
    expect(table(rate({ versions: [plan({ vatRateBp: 0 })], usage: [], ...FARVARDIN_1405 }))).toEqual([]);
  });

  it("amounts past 2^53 stay exact", () => {
    // 10^12 rial a month + 10% = 1,100,000,000,000
    expect(rate({ versions: [plan({ baseFee: 1_000_000_000_000n })], usage: [], ...FARVARDIN_1405 }).total).toBe(1_100_000_000_000n);
    // 9 x 10^15 + 1 is past 2^53 (~9.007 x 10^15): a double would already have lost the 1
    const huge = rate({ versions: [plan({ baseFee: 9_000_000_000_000_001n })], usage: [], ...FARVARDIN_1405 });
    // VAT 900,000,000,000,000.1 -> 900,000,000,000,000; total 9,900,000,000,000,001
    expect(huge.vatAmount).toBe(900_000_000_000_000n);
    expect(huge.total).toBe(9_900_000_000_000_001n);
  });
});

describe("ratePeriod: usage", () => {
  const flat = plan({ pricing: { inbound_minutes: { unitPrice: 10_000, included: 100 } }, vatRateBp: 0 });

  it("deducts the included minutes and prices seconds per minute, rounding the line once", () => {
    // used 7,531 s; included 100 min = 6,000 s; billable 1,531 s x 10,000 / 60 = 255,166.67 -> 255,167
    const inv = rate({ versions: [flat], usage: [use("inbound_minutes", 3000, midFarvardin), use("inbound_minutes", 4531, midFarvardin)], ...FARVARDIN_1405 });
    expect(table(inv)).toEqual([["usage", "usage", 1531, 255_167n]]);
    expect(inv.lines[0]).toMatchObject({ kind: "inbound_minutes", quantityUnit: "second", unitPrice: 10_000n, unitQuantity: 60, priceUnit: "minute" });
    expect(inv.lines[0]!.params).toMatchObject({ kind: "inbound_minutes", used: 7531, included: 6000 });
    expect(inv.usage).toEqual({ inbound_minutes: 7531 });
  });

  it("usage inside the allowance shows as a zero line", () => {
    const inv = rate({ versions: [flat], usage: { inbound_minutes: 5000 }, ...FARVARDIN_1405 });
    expect(table(inv)).toEqual([["usage", "usageIncluded", 0, 0n]]);
  });

  it("usage of a kind the plan does not price is not billed, but reported", () => {
    const inv = rate({ versions: [flat], usage: { emails: 12, inbound_minutes: 6060 }, ...FARVARDIN_1405 });
    // 60 s over the allowance: 10,000
    expect(table(inv)).toEqual([["usage", "usage", 60, 10_000n]]);
    expect(inv.usage).toEqual({ emails: 12, inbound_minutes: 6060 });
  });

  describe("graduated tiers: up to 1,000 min at 5,000, up to 5,000 min at 4,000, beyond at 3,000", () => {
    const tiers = { mode: "graduated", tiers: [{ upTo: 1000, unitPrice: 5000 }, { upTo: 5000, unitPrice: 4000 }, { upTo: null, unitPrice: 3000 }] };
    const graduated = (included = 0) => plan({ pricing: { outbound_minutes: { tiers, included } }, vatRateBp: 0 });
    const rated = (seconds: number, included = 0) => rate({ versions: [graduated(included)], usage: { outbound_minutes: seconds }, ...FARVARDIN_1405 });

    it("exactly on a bound stays in the lower tier", () => {
      // 1,000 min = 60,000 s x 5,000 / 60 = 5,000,000
      expect(table(rated(60_000))).toEqual([["usage", "usageTier", 60_000, 5_000_000n]]);
      expect(rated(60_000).lines[0]!.params).toMatchObject({ mode: "graduated", tier: 1, tierFrom: 0, tierUpTo: 1000 });
    });

    it("one second past the bound starts the next tier", () => {
      // 60,000 s -> 5,000,000; 1 s x 4,000 / 60 = 66.67 -> 67
      const inv = rated(60_001);
      expect(table(inv)).toEqual([
        ["usage", "usageTier", 60_000, 5_000_000n],
        ["usage", "usageTier", 1, 67n],
      ]);
      expect(inv.usageAmount).toBe(5_000_067n);
    });

    it("each band priced at its own rate", () => {
      // 6,000 min: 1,000 x 5,000 + 4,000 x 4,000 + 1,000 x 3,000 = 5,000,000 + 16,000,000 + 3,000,000
      const inv = rated(360_000);
      expect(table(inv)).toEqual([
        ["usage", "usageTier", 60_000, 5_000_000n],
        ["usage", "usageTier", 240_000, 16_000_000n],
        ["usage", "usageTier", 60_000, 3_000_000n],
      ]);
      expect(inv.lines[2]!.params).toMatchObject({ tier: 3, tierFrom: 5000 });
      expect(inv.lines[2]!.params.tierUpTo).toBeUndefined();
      expect(inv.usageAmount).toBe(24_000_000n);
    });

    it("the allowance takes the first units; the bands do not move", () => {
      // 6,000 min with 1,500 included: minutes 1-1,500 free (all of tier 1, 500 of tier 2);
      // tier 2 bills 1,500-5,000 = 3,500 min = 210,000 s x 4,000 / 60 = 14,000,000; tier 3 1,000 min = 3,000,000
      expect(table(rated(360_000, 1500))).toEqual([
        ["usage", "usageTier", 210_000, 14_000_000n],
        ["usage", "usageTier", 60_000, 3_000_000n],
      ]);
    });
  });

  describe("volume tiers: up to 1,000 chats at 2,000, up to 5,000 at 1,500, beyond at 1,000", () => {
    const volume = (included = 0) =>
      plan({
        pricing: { chats: { included, tiers: { mode: "volume", tiers: [{ upTo: 1000, unitPrice: 2000 }, { upTo: 5000, unitPrice: 1500 }, { upTo: null, unitPrice: 1000 }] } } },
        vatRateBp: 0,
      });
    const amount = (chats: number, included = 0) => rate({ versions: [volume(included)], usage: { chats }, ...FARVARDIN_1405 }).usageAmount;

    it("all units at the rate of the band the total falls in", () => {
      expect(amount(1)).toBe(2000n);
      expect(amount(1000)).toBe(2_000_000n); // 1,000 x 2,000 (the bound is inclusive)
      expect(amount(1001)).toBe(1_501_500n); // 1,001 x 1,500: the volume cliff, as contracted
      expect(amount(5000)).toBe(7_500_000n); // 5,000 x 1,500
      expect(amount(5001)).toBe(5_001_000n); // 5,001 x 1,000
    });

    it("the band is chosen by the total; the allowance is then deducted", () => {
      // 1,001 chats -> band 2; 901 billable x 1,500 = 1,351,500
      expect(amount(1001, 100)).toBe(1_351_500n);
      const inv = rate({ versions: [volume(100)], usage: { chats: 1001 }, ...FARVARDIN_1405 });
      expect(inv.lines[0]!.params).toMatchObject({ mode: "volume", tier: 2, tierFrom: 1000, tierUpTo: 5000, used: 1001, included: 100 });
    });
  });

  it("rates what metering derived from events", () => {
    const T = tehran(2026, 4, 5, 9);
    const at = (s: number) => new Date(T.getTime() + s * 1000);
    const records = meterInteraction(
      {
        tenantId: "t1",
        interactionId: "i1",
        channel: "voice",
        direction: "inbound",
        events: [
          { seq: 1, type: "call.started", at: at(0), data: {} },
          { seq: 2, type: "ivr.step", at: at(20), data: { ivrStatus: "queued" } },
          { seq: 3, type: "routing.connected", at: at(30), data: { agentId: "a" } },
          { seq: 4, type: "contact.ended", at: at(151), data: { agentId: "a" } },
          { seq: 5, type: "contact.disposed", at: at(170), data: { agentId: "a" } },
        ],
      },
      { minuteRounding: { mode: "first_60_then_6" }, wrapUp: { mode: "capped", maxSeconds: 15 } },
    );
    // IVR 20 s -> 60; handled 121 + min(19, 15) = 136 -> 60 + ceil(76 / 6) = 13 x 6 = 138
    expect(records.map((r) => [r.kind, r.quantity])).toEqual([
      ["ivr_minutes", 60],
      ["inbound_minutes", 138],
    ]);
    const p = plan({ pricing: { ivr_minutes: { unitPrice: 1200 }, inbound_minutes: { unitPrice: 9000 } } });
    const inv = rate({ versions: [p], usage: records, ...FARVARDIN_1405 });
    // IVR 60 s x 1,200 / 60 = 1,200; inbound 138 s x 9,000 / 60 = 20,700; VAT 10% of 21,900 = 2,190
    expect(table(inv)).toEqual([
      ["usage", "usage", 138, 20_700n],
      ["usage", "usage", 60, 1_200n],
      ["vat", "vat", null, 2_190n],
    ]);
    expect(inv.total).toBe(24_090n);
  });
});

describe("ratePeriod: minimum commitment", () => {
  const p = plan({ baseFee: 5_000_000, minimumCommitment: 10_000_000, pricing: { inbound_minutes: { unitPrice: 10_000 } } });
  const rated = (seconds: number) => rate({ versions: [p], usage: { inbound_minutes: seconds }, ...FARVARDIN_1405 });

  it("tops usage up to the commitment; the base fee does not count toward it", () => {
    // 900 min -> 9,000,000 usage; top-up 1,000,000; + base 5,000,000 = 15,000,000; VAT 1,500,000
    const inv = rated(54_000);
    expect(table(inv)).toEqual([
      ["base_fee", "baseFee", 31, 5_000_000n],
      ["usage", "usage", 54_000, 9_000_000n],
      ["minimum_topup", "minimumTopUp", null, 1_000_000n],
      ["vat", "vat", null, 1_500_000n],
    ]);
    expect(inv.lines[2]!.params).toMatchObject({ minimum: "10000000", usageAmount: "9000000" });
    expect(inv.total).toBe(16_500_000n);
  });

  it("a commitment exactly met adds no line", () => {
    // 1,000 min -> 10,000,000
    const inv = rated(60_000);
    expect(inv.lines.map((l) => l.type)).toEqual(["base_fee", "usage", "vat"]);
    expect(inv.minimumTopUpAmount).toBe(0n);
    expect(inv.total).toBe(16_500_000n);
  });

  it("no usage at all: the whole commitment", () => {
    const inv = rated(0);
    expect(table(inv)).toEqual([
      ["base_fee", "baseFee", 31, 5_000_000n],
      ["minimum_topup", "minimumTopUp", null, 10_000_000n],
      ["vat", "vat", null, 1_500_000n],
    ]);
  });

  it("usage above the commitment: no top-up", () => {
    expect(rated(60_060).minimumTopUpAmount).toBe(0n); // 10,010,000
  });
});

describe("ratePeriod: SLA credits", () => {
  const terms = (over: Record<string, unknown> = {}) => ({
    commitments: [
      {
        thresholds: [
          { belowBp: 8000, creditBp: 500 },
          { belowBp: 7000, creditBp: 1000 },
        ],
      },
    ],
    ...over,
  });
  const p = (sla: unknown = terms()) => plan({ baseFee: 5_000_000, pricing: { inbound_minutes: { unitPrice: 10_000 } }, sla });
  const counts = (answered: number, answeredWithin: number, abandoned = 0, shortAbandoned = 0) => ({ answered, answeredWithin, abandoned, shortAbandoned });
  // 2,000 min -> 20,000,000 of usage lines
  const rated = (sla: readonly QueueSlCounts[] | undefined, version = p()) => rate({ versions: [version], usage: { inbound_minutes: 120_000 }, sla, ...FARVARDIN_1405 });

  it("below 80%: 5% of the usage lines, VAT on the net after the credit", () => {
    // the tenant's queues together: 45 + 34 within of 60 + 40 answered = 79.0%
    const inv = rated([
      { queueKey: "support", counts: counts(60, 45) },
      { queueKey: "sales", counts: counts(40, 34, 0, 3) },
    ]);
    // 5,000,000 + 20,000,000 - 1,000,000 = 24,000,000; VAT 2,400,000; total 26,400,000
    expect(table(inv)).toEqual([
      ["base_fee", "baseFee", 31, 5_000_000n],
      ["usage", "usage", 120_000, 20_000_000n],
      ["sla_credit", "slaCreditTenant", null, -1_000_000n],
      ["vat", "vat", null, 2_400_000n],
    ]);
    expect(inv.lines[2]).toMatchObject({ rateBp: 500, baseAmount: 20_000_000n, params: { serviceLevelBp: 7900, belowBp: 8000, creditBp: 500 } });
    expect(inv.subtotal).toBe(24_000_000n);
    expect(inv.total).toBe(26_400_000n);
    expect(inv.sla).toEqual([
      {
        queueKey: null,
        result: { answered: 100, answeredWithin: 79, abandoned: 0, shortAbandoned: 3, serviceLevel: 79, abandonRate: 0 },
        serviceLevelBp: 7900,
        breachedBelowBp: 8000,
        creditBp: 500,
      },
    ]);
  });

  it("below 70%: the worse threshold's 10%", () => {
    // 699 / 1,000 = 69.9%
    expect(rated([{ queueKey: "support", counts: counts(1000, 699) }]).slaCreditAmount).toBe(-2_000_000n);
    // 70.0% is not below 70%: 5%
    expect(rated([{ queueKey: "support", counts: counts(1000, 700) }]).slaCreditAmount).toBe(-1_000_000n);
  });

  it("exactly 80% is met; the figure is compared as the wallboard shows it (0.1%)", () => {
    const met = rated([{ queueKey: "support", counts: counts(100, 80) }]);
    expect(met.lines.map((l) => l.type)).toEqual(["base_fee", "usage", "vat"]);
    expect(met.sla[0]).toMatchObject({ serviceLevelBp: 8000, breachedBelowBp: null, creditBp: 0 });
    // 79.96% shows as 80.0%: met
    expect(rated([{ queueKey: "support", counts: counts(10_000, 7996) }]).slaCreditAmount).toBe(0n);
    // 79.94% shows as 79.9%: 5%
    expect(rated([{ queueKey: "support", counts: counts(10_000, 7994) }]).slaCreditAmount).toBe(-1_000_000n);
  });

  it("uses the reports' KPI: short abandons count neither way, long ones count against", () => {
    // 72 within / (90 answered + 10 abandoned) = 72.0%, the 50 short abandons left out
    const inv = rated([{ queueKey: "support", counts: counts(90, 72, 10, 50) }]);
    expect(inv.sla[0]!.serviceLevelBp).toBe(7200);
    expect(inv.slaCreditAmount).toBe(-1_000_000n);
  });

  it("nothing counted, or no SLA figures at all: no credit", () => {
    expect(rated(undefined).slaCreditAmount).toBe(0n);
    expect(rated([{ queueKey: "support", counts: counts(0, 0, 0, 12) }]).sla[0]).toMatchObject({ serviceLevelBp: null, creditBp: 0 });
  });

  it("a queue's own commitment reads only that queue", () => {
    const version = p(
      terms({
        commitments: [
          {
            thresholds: [
              { belowBp: 8000, creditBp: 500 },
              { belowBp: 7000, creditBp: 1000 },
            ],
          },
          { queueKey: "sales", thresholds: [{ belowBp: 9000, creditBp: 300 }] },
        ],
      }),
    );
    // tenant 79.0% -> 5% = 1,000,000; sales 34/40 = 85.0% < 90% -> 3% = 600,000
    const inv = rated(
      [
        { queueKey: "support", counts: counts(60, 45) },
        { queueKey: "sales", counts: counts(40, 34) },
      ],
      version,
    );
    expect(table(inv).filter((l) => l[0] === "sla_credit")).toEqual([
      ["sla_credit", "slaCreditTenant", null, -1_000_000n],
      ["sla_credit", "slaCreditQueue", null, -600_000n],
    ]);
    expect(inv.lines.find((l) => l.descriptionKey === LINE_KEYS.slaCreditQueue)!.params).toMatchObject({ queueKey: "sales", serviceLevelBp: 8500, belowBp: 9000, creditBp: 300 });
    // 25,000,000 - 1,600,000 = 23,400,000; VAT 2,340,000
    expect(inv.total).toBe(25_740_000n);
  });

  it("credits together are capped at the terms' maximum", () => {
    const version = p({
      commitments: [
        { thresholds: [{ belowBp: 8000, creditBp: 1000 }] },
        { queueKey: "sales", thresholds: [{ belowBp: 9000, creditBp: 1000 }] },
      ],
      maxCreditBp: 1500,
    });
    // wanted 2,000,000 + 2,000,000; cap 15% of 20,000,000 = 3,000,000: the second is cut to 1,000,000
    const inv = rated(
      [
        { queueKey: "support", counts: counts(60, 45) },
        { queueKey: "sales", counts: counts(40, 34) },
      ],
      version,
    );
    const credits = inv.lines.filter((l) => l.type === "sla_credit");
    expect(credits.map((l) => l.amount)).toEqual([-2_000_000n, -1_000_000n]);
    expect(credits[1]!.params.cappedFrom).toBe("2000000");
    expect(credits[0]!.params.cappedFrom).toBeUndefined();
  });

  it("credits never take the total below zero", () => {
    const version = plan({
      pricing: { inbound_minutes: { unitPrice: 10_000 } },
      sla: {
        commitments: [
          { thresholds: [{ belowBp: 8000, creditBp: 10_000 }] },
          { queueKey: "sales", thresholds: [{ belowBp: 9000, creditBp: 10_000 }] },
        ],
      },
    });
    // usage 1,000,000; 100% + 100% wanted; capped at 1,000,000 in all; net 0, VAT 0
    const inv = rate({
      versions: [version],
      usage: { inbound_minutes: 6000 },
      sla: [
        { queueKey: "support", counts: counts(10, 1) },
        { queueKey: "sales", counts: counts(10, 1) },
      ],
      ...FARVARDIN_1405,
    });
    expect(inv.lines.filter((l) => l.type === "sla_credit").map((l) => l.amount)).toEqual([-1_000_000n, 0n]);
    expect(inv.subtotal).toBe(0n);
    expect(inv.total).toBe(0n);
  });

  it("the SLA terms of the version in force at the end of the period apply", () => {
    const before = p({ commitments: [] });
    const after = { ...p(), effectiveFrom: tehran(2026, 4, 10) };
    const inv = rate({ versions: [before, after], usage: [use("inbound_minutes", 120_000, midFarvardin)], sla: [{ queueKey: "q", counts: counts(100, 50) }], ...FARVARDIN_1405 });
    // 50% -> 10% of 20,000,000
    expect(inv.slaCreditAmount).toBe(-2_000_000n);
  });
});

describe("ratePeriod: a plan change inside the period", () => {
  it("by days in Farvardin (31 days): fees, allowances and minimums in proportion", () => {
    const v1 = plan({ version: 1, baseFee: 31_000_000, minimumCommitment: 3_100_000, pricing: { inbound_minutes: { unitPrice: 6000 } } });
    const v2 = plan({ version: 2, baseFee: 62_000_000, pricing: { inbound_minutes: { unitPrice: 3000, included: 310 } }, effectiveFrom: tehran(2026, 3, 31) });
    const inv = rate({
      versions: [v2, v1],
      usage: [use("inbound_minutes", 600, tehran(2026, 3, 25, 10)), use("inbound_minutes", 13_200, tehran(2026, 4, 5, 10))],
      ...FARVARDIN_1405,
    });
    // v1 Farvardin 1-10 (10 days): base 31,000,000 x 10/31 = 10,000,000; 600 s x 6,000 / 60 = 60,000;
    //    minimum 3,100,000 x 10/31 = 1,000,000 -> top-up 940,000
    // v2 Farvardin 11-31 (21 days): base 62,000,000 x 21/31 = 42,000,000; included 310 min = 18,600 s
    //    x 21/31 = 12,600 s; 13,200 - 12,600 = 600 s x 3,000 / 60 = 30,000
    expect(table(inv)).toEqual([
      ["base_fee", "baseFee", 10, 10_000_000n],
      ["usage", "usage", 600, 60_000n],
      ["minimum_topup", "minimumTopUp", null, 940_000n],
      ["base_fee", "baseFee", 21, 42_000_000n],
      ["usage", "usage", 600, 30_000n],
      // 53,030,000 x 10%
      ["vat", "vat", null, 5_303_000n],
    ]);
    expect(inv.total).toBe(58_333_000n);
    expect(inv.lines[0]!.params).toEqual({ from: "2026-03-21", to: "2026-03-30", version: 1, days: 10, periodDays: 31, proration: "by_days" });
    expect(inv.lines[3]!.params).toEqual({ from: "2026-03-31", to: "2026-04-20", version: 2, days: 21, periodDays: 31, proration: "by_days" });
    expect(inv.lines[4]!.params).toMatchObject({ used: 13_200, included: 12_600 });
    expect(inv.segments.map((s) => [s.days, s.chargedDays])).toEqual([
      [10, 10],
      [21, 21],
    ]);
  });

  it("by days in Esfand 1404 (29 days)", () => {
    const v1 = plan({ baseFee: 29_000_000 });
    const v2 = plan({ baseFee: 58_000_000, effectiveFrom: tehran(2026, 3, 7) }); // 16 Esfand
    // 1-15 Esfand: 29,000,000 x 15/29 = 15,000,000; 16-29 Esfand: 58,000,000 x 14/29 = 28,000,000
    const inv = rate({ versions: [v1, v2], usage: [], ...ESFAND_1404 });
    expect(inv.periodDays).toBe(29);
    expect(table(inv).slice(0, 2)).toEqual([
      ["base_fee", "baseFee", 15, 15_000_000n],
      ["base_fee", "baseFee", 14, 28_000_000n],
    ]);
  });

  it("by days in Mehr 1405 (30 days)", () => {
    const v1 = plan({ baseFee: 3_000_000 });
    const v2 = plan({ baseFee: 6_000_000, effectiveFrom: tehran(2026, 10, 3) }); // 11 Mehr
    // 3,000,000 x 10/30 = 1,000,000; 6,000,000 x 20/30 = 4,000,000
    const inv = rate({ versions: [v1, v2], usage: [], ...MEHR_1405 });
    expect(inv.periodDays).toBe(30);
    expect(inv.baseFeeAmount).toBe(5_000_000n);
    expect(inv.lines[1]!.params).toMatchObject({ from: "2026-10-03", to: "2026-10-22", days: 20 });
  });

  it("each prorated fee rounds once, half up", () => {
    const v1 = plan({ baseFee: 1_000_000 });
    const v2 = plan({ baseFee: 1_000_000, effectiveFrom: tehran(2026, 3, 31) });
    // 1,000,000 x 10/31 = 322,580.6 -> 322,581; x 21/31 = 677,419.4 -> 677,419
    const inv = rate({ versions: [v1, v2], usage: [], ...FARVARDIN_1405 });
    expect(inv.lines.filter((l) => l.type === "base_fee").map((l) => l.amount)).toEqual([322_581n, 677_419n]);
  });

  it("a tenant starting mid-February (28 days) pays its days", () => {
    const v = plan({ baseFee: 28_000_000, effectiveFrom: tehran(2026, 2, 15) });
    // 15-28 February: 14 of 28 days = 14,000,000
    const inv = rate({ versions: [v], usage: [use("chats", 1, tehran(2026, 2, 20))], ...FEBRUARY_2026 });
    expect(inv.periodDays).toBe(28);
    expect(table(inv)[0]).toEqual(["base_fee", "baseFee", 14, 14_000_000n]);
    // the same plan all month: 28 of 28
    expect(table(rate({ versions: [{ ...v, effectiveFrom: new Date(LONG_AGO) }], usage: [], ...FEBRUARY_2026 }))[0]).toEqual(["base_fee", "baseFee", 28, 28_000_000n]);
    // usage before the tenant had a plan cannot be rated
    expect(() => rate({ versions: [v], usage: [use("chats", 1, tehran(2026, 2, 10))], ...FEBRUARY_2026 })).toThrow(
      expect.objectContaining({ code: "usageWithoutPlan" }),
    );
  });

  it("days are counted in the tenant's zone", () => {
    // 02:00 UTC on 31 March is 05:30 on 31 March (11 Farvardin) in Tehran: v1 has 10 Tehran days,
    // but the period starts at 20:30 UTC on 20 March, so counting UTC dates would give it 11.
    const change = new Date("2026-03-31T02:00:00.000Z");
    expect(localDaysBetween(FARVARDIN_1405.periodStart, change, "Asia/Tehran")).toBe(10);
    expect(localDaysBetween(FARVARDIN_1405.periodStart, change, "UTC")).toBe(11);
    const v1 = plan({ baseFee: 31_000_000 });
    const v2 = plan({ baseFee: 31_000_000, effectiveFrom: change });
    expect(rate({ versions: [v1, v2], usage: [], ...FARVARDIN_1405 }).segments.map((s) => s.days)).toEqual([10, 21]);
    expect(rate({ versions: [v1, v2], usage: [], ...FARVARDIN_1405, timeZone: "UTC" }).segments.map((s) => s.days)).toEqual([11, 20]);
  });

  it("full: the new version's fixed terms in full, the old one's as it says", () => {
    const v1 = plan({ baseFee: 31_000_000 });
    const v2 = plan({ baseFee: 62_000_000, proration: "full", effectiveFrom: tehran(2026, 3, 31) });
    // v1 by days 10/31 = 10,000,000; v2 in full 62,000,000
    const inv = rate({ versions: [v1, v2], usage: [], ...FARVARDIN_1405 });
    expect(table(inv).slice(0, 2)).toEqual([
      ["base_fee", "baseFee", 10, 10_000_000n],
      ["base_fee", "baseFee", 31, 62_000_000n],
    ]);
  });

  it("none: a change inside the period waits for the next one, usage prices included", () => {
    const v1 = plan({ baseFee: 31_000_000, pricing: { chats: { unitPrice: 1000 } } });
    const v2 = plan({ baseFee: 62_000_000, pricing: { chats: { unitPrice: 500 } }, proration: "none", effectiveFrom: tehran(2026, 3, 31) });
    // Farvardin: v1 alone, 31,000,000 + 10 chats x 1,000 (one of them after the change)
    const farvardin = rate({ versions: [v1, v2], usage: [use("chats", 9, tehran(2026, 3, 25)), use("chats", 1, midFarvardin)], ...FARVARDIN_1405 });
    expect(table(farvardin).slice(0, 2)).toEqual([
      ["base_fee", "baseFee", 31, 31_000_000n],
      ["usage", "usage", 10, 10_000n],
    ]);
    expect(farvardin.segments).toHaveLength(1);
    // Ordibehesht: v2 from the start, in full: 62,000,000 + 10 x 500
    const ordibehesht = rate({ versions: [v1, v2], usage: { chats: 10 }, ...ORDIBEHESHT_1405 });
    expect(table(ordibehesht).slice(0, 2)).toEqual([
      ["base_fee", "baseFee", 31, 62_000_000n],
      ["usage", "usage", 10, 5_000n],
    ]);
  });

  it("none on a tenant's first version: charged in full from its start", () => {
    const v = plan({ baseFee: 28_000_000, proration: "none", effectiveFrom: tehran(2026, 2, 15) });
    expect(table(rate({ versions: [v], usage: [], ...FEBRUARY_2026 }))[0]).toEqual(["base_fee", "baseFee", 28, 28_000_000n]);
  });
});

describe("ratePeriod: input it refuses", () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(BillingError);
      return (e as BillingError).code;
    }
    return null;
  };
  const p = plan({ pricing: { chats: { unitPrice: 1000 } } });

  it("periods and zones", () => {
    expect(code(() => ratePeriod({ versions: [p], usage: [], periodStart: FARVARDIN_1405.periodStart, periodEnd: FARVARDIN_1405.periodStart }))).toBe("invalidPeriod");
    // two hours inside one local day: not a billing period
    expect(code(() => ratePeriod({ versions: [p], usage: [], periodStart: tehran(2026, 4, 1, 9), periodEnd: tehran(2026, 4, 1, 11) }))).toBe("invalidPeriod");
    expect(code(() => ratePeriod({ versions: [p], usage: [], ...FARVARDIN_1405, timeZone: "Mars/Olympus_Mons" }))).toBe("unknownTimeZone");
  });

  it("versions", () => {
    expect(code(() => ratePeriod({ versions: [], usage: [], ...FARVARDIN_1405 }))).toBe("noPlanForPeriod");
    expect(code(() => ratePeriod({ versions: [{ ...p, effectiveFrom: FARVARDIN_1405.periodEnd }], usage: [], ...FARVARDIN_1405 }))).toBe("noPlanForPeriod");
    expect(code(() => ratePeriod({ versions: [p, { ...p, currency: "EUR", effectiveFrom: midFarvardin }], usage: [], ...FARVARDIN_1405 }))).toBe("currencyMismatch");
    expect(code(() => ratePeriod({ versions: [p, { ...p }], usage: [], ...FARVARDIN_1405 }))).toBe("duplicateEffectiveFrom");
  });

  it("usage", () => {
    const rateUsage = (usage: RatePeriodInput["usage"], versions = [p]) => () => ratePeriod({ versions, usage, ...FARVARDIN_1405 });
    expect(code(rateUsage([use("chats", 1, FARVARDIN_1405.periodEnd)]))).toBe("usageOutsidePeriod");
    expect(code(rateUsage([use("chats", 1, new Date(FARVARDIN_1405.periodStart.getTime() - 1))]))).toBe("usageOutsidePeriod");
    expect(code(rateUsage([use("chats", -1, midFarvardin)]))).toBe("invalidQuantity");
    expect(code(rateUsage([use("chats", 0.5, midFarvardin)]))).toBe("invalidQuantity");
    expect(code(rateUsage({ chats: -3 }))).toBe("invalidQuantity");
    expect(code(rateUsage({ fax: 3 } as never))).toBe("invalidQuantity");
    // totals have no time: they cannot be split between two versions
    expect(code(rateUsage({ chats: 3 }, [p, { ...p, effectiveFrom: midFarvardin }]))).toBe("usageNeedsTimestamps");
    // the first and the last instant of the period are inside it
    expect(code(rateUsage([use("chats", 1, FARVARDIN_1405.periodStart), use("chats", 1, new Date(FARVARDIN_1405.periodEnd.getTime() - 1))]))).toBeNull();
  });
});
