import { describe, expect, it } from "vitest";
import { MAX_MINOR_UNITS, parseRatePlanVersion, PLAN_ISSUE_CODES, planErrorMap, ratePlanVersionSchema, USAGE_KIND_UNITS, USAGE_KINDS, type PlanIssue } from "~/modules/billing/plan";

const EFFECTIVE = "2026-03-20T20:30:00.000Z";

/** field -> codes, the way a form shows them. */
function issues(input: unknown): Record<string, string[]> {
  const result = parseRatePlanVersion(input);
  if (result.success) return {};
  const out: Record<string, string[]> = {};
  for (const i of result.issues) (out[i.field] ??= []).push(i.code);
  return out;
}

function issueList(input: unknown): PlanIssue[] {
  const result = parseRatePlanVersion(input);
  return result.success ? [] : result.issues;
}

describe("rate plan version schema", () => {
  it("fills the defaults: IRR, 10% VAT, per-second, no wrap-up, by-days proration, no SLA", () => {
    const result = parseRatePlanVersion({ effectiveFrom: EFFECTIVE });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data).toEqual({
      currency: "IRR",
      baseFee: 0n,
      pricing: {},
      minimumCommitment: 0n,
      vatRateBp: 1000,
      minuteRounding: { mode: "per_second" },
      wrapUp: { mode: "none" },
      sla: { commitments: [], maxCreditBp: 10_000 },
      proration: "by_days",
      effectiveFrom: new Date(EFFECTIVE),
    });
  });

  it("takes a full plan and keeps money as bigint", () => {
    const result = parseRatePlanVersion({
      version: 3,
      currency: "EUR",
      baseFee: "1000000000000", // 10^12 as pg returns a bigint: a string
      minimumCommitment: 25_000_000,
      vatRateBp: 2100,
      pricing: {
        inbound_minutes: { unitPrice: 12_000n, included: 1000 },
        chats: { tiers: { mode: "volume", tiers: [{ upTo: 1000, unitPrice: 2000 }, { upTo: null, unitPrice: "1500" }] } },
      },
      minuteRounding: { mode: "increments", firstIncrementSeconds: 30, incrementSeconds: 10 },
      wrapUp: { mode: "capped", maxSeconds: 60 },
      sla: {
        commitments: [
          {
            thresholds: [
              { belowBp: 8000, creditBp: 500 },
              { belowBp: 7000, creditBp: 1000 },
            ],
          },
          { queueKey: "sales", thresholds: [{ belowBp: 9000, creditBp: 300 }] },
        ],
        maxCreditBp: 2000,
      },
      proration: "full",
      effectiveFrom: new Date(EFFECTIVE),
    });
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(result.data.baseFee).toBe(1_000_000_000_000n);
    expect(result.data.minimumCommitment).toBe(25_000_000n);
    expect(result.data.pricing.inbound_minutes).toEqual({ unitPrice: 12_000n, included: 1000 });
    expect(result.data.pricing.chats?.tiers?.tiers).toEqual([
      { upTo: 1000, unitPrice: 2000n },
      { upTo: null, unitPrice: 1500n },
    ]);
    expect(result.data.pricing.chats?.included).toBe(0);
    expect(result.data.sla.commitments[0]!.queueKey).toBeNull();
    expect(result.data.sla.commitments[1]!.queueKey).toBe("sales");
  });

  it("accepts amounts as bigint, safe integers and digit strings up to the bigint column's maximum", () => {
    const fee = (baseFee: unknown) => {
      const r = parseRatePlanVersion({ effectiveFrom: EFFECTIVE, baseFee });
      return r.success ? r.data.baseFee : r.issues.map((i) => `${i.field}:${i.code}`);
    };
    expect(fee(0)).toBe(0n);
    expect(fee(" 42 ")).toBe(42n);
    expect(fee(9_007_199_254_740_991)).toBe(9_007_199_254_740_991n);
    expect(fee("9223372036854775807")).toBe(MAX_MINOR_UNITS);
    expect(fee("9223372036854775808")).toEqual(["baseFee:tooLarge"]);
    expect(fee(-1)).toEqual(["baseFee:tooSmall"]);
    expect(fee(-1n)).toEqual(["baseFee:tooSmall"]);
    // A fraction of a rial, a float beyond 2^53 (already rounded by the time it got here), text, a unit.
    expect(fee(1.5)).toEqual(["baseFee:invalidAmount"]);
    expect(fee(Number.MAX_SAFE_INTEGER + 2)).toEqual(["baseFee:invalidAmount"]);
    expect(fee("12,000")).toEqual(["baseFee:invalidAmount"]);
    expect(fee("۱۲۰۰۰")).toEqual(["baseFee:invalidAmount"]);
    expect(fee("1e6")).toEqual(["baseFee:invalidAmount"]);
    expect(fee(null)).toEqual(["baseFee:required"]);
  });

  it("reports every problem with its field path and a code, never a sentence", () => {
    const list = issueList({
      currency: "irr",
      vatRateBp: 10.5,
      minimumCommitment: "abc",
      minuteRounding: { mode: "per_hour" },
      wrapUp: { mode: "capped", maxSeconds: 0 },
      proration: "weekly",
      colour: "red",
    });
    const byField = Object.fromEntries(list.map((i) => [i.field, i.code]));
    expect(byField).toEqual({
      "": "unknownField",
      currency: "invalidFormat",
      vatRateBp: "notInteger",
      minimumCommitment: "invalidAmount",
      "minuteRounding.mode": "invalidOption",
      "wrapUp.maxSeconds": "tooSmall",
      proration: "invalidOption",
      effectiveFrom: "required",
    });
    expect(list.find((i) => i.field === "wrapUp.maxSeconds")!.params).toEqual({ min: 1 });
    expect(list.find((i) => i.field === "")!.params).toEqual({ keys: "colour" });
    for (const i of list) expect(PLAN_ISSUE_CODES).toContain(i.code);
  });

  it("gives locale keys as zod messages, with params after a bar", () => {
    const result = ratePlanVersionSchema.safeParse({ effectiveFrom: EFFECTIVE, vatRateBp: 20_000, pricing: { sms: {} } }, { errorMap: planErrorMap });
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => [i.path.join("."), i.message]);
    expect(Object.fromEntries(messages)).toEqual({
      vatRateBp: "billing:plan.errors.tooLarge|max=10000",
      "pricing.sms.unitPrice": "billing:plan.errors.priceMissing",
    });
  });

  it("rejects a bad effective date and an unknown usage kind", () => {
    expect(issues({ effectiveFrom: "next tuesday" })).toEqual({ effectiveFrom: ["invalidDate"] });
    expect(issues({ effectiveFrom: EFFECTIVE, pricing: { fax_pages: { unitPrice: 1 } } })).toEqual({ pricing: ["unknownField"] });
  });

  it("needs exactly one of a unit price or tiers per priced kind", () => {
    expect(issues({ effectiveFrom: EFFECTIVE, pricing: { sms: { included: 10 } } })).toEqual({ "pricing.sms.unitPrice": ["priceMissing"] });
    expect(
      issues({ effectiveFrom: EFFECTIVE, pricing: { sms: { unitPrice: 10, tiers: { mode: "graduated", tiers: [{ upTo: null, unitPrice: 5 }] } } } }),
    ).toEqual({ "pricing.sms.tiers": ["priceConflict"] });
    expect(issues({ effectiveFrom: EFFECTIVE, pricing: { sms: { unitPrice: 10, included: -1 } } })).toEqual({ "pricing.sms.included": ["tooSmall"] });
    expect(issues({ effectiveFrom: EFFECTIVE, pricing: { sms: { unitPrice: 10, included: 2.5 } } })).toEqual({ "pricing.sms.included": ["notInteger"] });
  });

  it("checks tiers: not empty, bounds ascending, only the last one open", () => {
    const tiers = (mode: string, list: unknown[]) => issues({ effectiveFrom: EFFECTIVE, pricing: { outbound_minutes: { tiers: { mode, tiers: list } } } });
    const at = "pricing.outbound_minutes.tiers";
    expect(tiers("graduated", [])).toEqual({ [`${at}.tiers`]: ["tiersEmpty"] });
    expect(tiers("volume", [{ upTo: 100, unitPrice: 1 }])).toEqual({ [`${at}.tiers.0.upTo`]: ["lastTierMustBeUnbounded"] });
    expect(
      tiers("graduated", [
        { upTo: 100, unitPrice: 3 },
        { upTo: 100, unitPrice: 2 },
        { upTo: null, unitPrice: 1 },
      ]),
    ).toEqual({ [`${at}.tiers.1.upTo`]: ["tiersNotAscending"] });
    expect(
      tiers("graduated", [
        { upTo: null, unitPrice: 3 },
        { upTo: null, unitPrice: 1 },
      ]),
    ).toEqual({ [`${at}.tiers.0.upTo`]: ["onlyLastTierUnbounded"] });
    expect(tiers("graduated", [{ upTo: 0, unitPrice: 1 }, { upTo: null, unitPrice: 1 }])).toEqual({ [`${at}.tiers.0.upTo`]: ["tiersNotAscending"] });
    expect(tiers("stairs", [{ upTo: null, unitPrice: 1 }])).toEqual({ [`${at}.mode`]: ["invalidOption"] });
  });

  it("checks SLA thresholds: ordered from mildest to worst, one commitment per queue", () => {
    const sla = (s: unknown) => issues({ effectiveFrom: EFFECTIVE, sla: s });
    expect(sla({ commitments: [{ thresholds: [] }] })).toEqual({ "sla.commitments.0.thresholds": ["thresholdsEmpty"] });
    expect(
      sla({
        commitments: [
          {
            thresholds: [
              { belowBp: 7000, creditBp: 1000 },
              { belowBp: 8000, creditBp: 500 },
            ],
          },
        ],
      }),
    ).toEqual({
      "sla.commitments.0.thresholds.1.belowBp": ["thresholdsNotDescending"],
      "sla.commitments.0.thresholds.1.creditBp": ["creditsNotIncreasing"],
    });
    expect(
      sla({
        commitments: [
          { queueKey: "sales", thresholds: [{ belowBp: 8000, creditBp: 500 }] },
          { queueKey: "sales", thresholds: [{ belowBp: 9000, creditBp: 100 }] },
        ],
      }),
    ).toEqual({ "sla.commitments.1.queueKey": ["duplicateCommitment"] });
    expect(sla({ commitments: [{ thresholds: [{ belowBp: 8000, creditBp: 10_001 }] }] })).toEqual({ "sla.commitments.0.thresholds.0.creditBp": ["tooLarge"] });
    expect(sla({ commitments: [{ thresholds: [{ belowBp: 0, creditBp: 100 }] }] })).toEqual({ "sla.commitments.0.thresholds.0.belowBp": ["tooSmall"] });
  });

  it("checks the generic minute rounding", () => {
    const r = (minuteRounding: unknown) => issues({ effectiveFrom: EFFECTIVE, minuteRounding });
    expect(r({ mode: "increments", firstIncrementSeconds: 0, incrementSeconds: 6 })).toEqual({});
    expect(r({ mode: "increments", firstIncrementSeconds: 60, incrementSeconds: 0 })).toEqual({ "minuteRounding.incrementSeconds": ["tooSmall"] });
    expect(r({ mode: "increments", incrementSeconds: 6 })).toEqual({ "minuteRounding.firstIncrementSeconds": ["required"] });
    expect(r({ mode: "first_60_then_6" })).toEqual({});
  });

  it("lists every kind with its units", () => {
    expect(USAGE_KINDS).toHaveLength(9);
    for (const kind of USAGE_KINDS) expect(USAGE_KIND_UNITS[kind].unitsPerPriceUnit).toBeGreaterThan(0);
    expect(USAGE_KIND_UNITS.inbound_minutes).toEqual({ quantityUnit: "second", priceUnit: "minute", unitsPerPriceUnit: 60 });
    expect(USAGE_KIND_UNITS.seat_hours.unitsPerPriceUnit).toBe(3600);
  });
});
