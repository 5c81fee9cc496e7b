import { describe, expect, it } from "vitest";
import { BillingError } from "~/modules/billing/errors";
import { ratePlanVersionSchema, type RatePlanVersion, type RatePlanVersionInput } from "~/modules/billing/plan";
import { previewInvoice } from "~/modules/billing/preview";
import { type UsageItem } from "~/modules/billing/rating";

const tehran = (y: number, m: number, d: number, h = 0, mi = 0) => new Date(Date.UTC(y, m - 1, d, h, mi) - 3.5 * 3_600_000);
const DAY = 86_400_000;
const FARVARDIN_1405 = { periodStart: tehran(2026, 3, 21), periodEnd: tehran(2026, 4, 21) }; // 31 days
const plan = (over: Partial<Record<keyof RatePlanVersionInput, unknown>> = {}): RatePlanVersion =>
  ratePlanVersionSchema.parse({ effectiveFrom: "2025-01-01T00:00:00.000Z", ...over });
const use = (kind: UsageItem["kind"], quantity: number, occurredAt: Date): UsageItem => ({ kind, quantity, occurredAt });

// 10 days into Farvardin (the 11th begins)
const ASOF = tehran(2026, 3, 31);

describe("previewInvoice", () => {
  const p = plan({ baseFee: 5_000_000, pricing: { inbound_minutes: { unitPrice: 10_000 }, chats: { unitPrice: 1000 } } });
  const usage = [use("inbound_minutes", 2000, tehran(2026, 3, 22, 9)), use("inbound_minutes", 4000, tehran(2026, 3, 30, 23, 59))];

  it("projects usage so far linearly to the period's end", () => {
    const preview = previewInvoice({ versions: [p], usage, asOf: ASOF, ...FARVARDIN_1405 });
    expect(preview.elapsedMs).toBe(10 * DAY);
    expect(preview.coveredMs).toBe(31 * DAY);
    expect(preview.usageToDate).toEqual({ inbound_minutes: 6000 });
    // 6,000 s in 10 days; 21 days to go: 6,000 x 21/10 = 12,600 more -> 18,600 s
    expect(preview.projectedUsage).toEqual({ inbound_minutes: 18_600 });
    // accrued: 5,000,000 + 6,000 s x 10,000 / 60 = 1,000,000 -> 6,000,000 + 10% = 6,600,000
    expect(preview.accrued.total).toBe(6_600_000n);
    // projected: 5,000,000 + 18,600 s = 310 min x 10,000 = 3,100,000 -> 8,100,000 + 10% = 8,910,000
    expect(preview.projected.usageAmount).toBe(3_100_000n);
    expect(preview.projected.total).toBe(8_910_000n);
  });

  it("rounds a projected count once per kind and segment, half up", () => {
    // 7 chats in 10 days: 7 x 21/10 = 14.7 -> 15 more = 22 chats = 22,000
    const preview = previewInvoice({ versions: [p], usage: [use("chats", 7, tehran(2026, 3, 25))], asOf: ASOF, ...FARVARDIN_1405 });
    expect(preview.projectedUsage).toEqual({ chats: 22 });
    expect(preview.projected.usageAmount).toBe(22_000n);
  });

  it("at the period's start nothing is projected; at its end the projection is the actual", () => {
    const atStart = previewInvoice({ versions: [p], usage: [], asOf: FARVARDIN_1405.periodStart, ...FARVARDIN_1405 });
    expect(atStart.elapsedMs).toBe(0);
    expect(atStart.projected).toEqual(atStart.accrued);
    // 5,000,000 + 10%
    expect(atStart.projected.total).toBe(5_500_000n);
    const atEnd = previewInvoice({ versions: [p], usage, asOf: FARVARDIN_1405.periodEnd, ...FARVARDIN_1405 });
    expect(atEnd.projectedUsage).toEqual({ inbound_minutes: 6000 });
    expect(atEnd.projected).toEqual(atEnd.accrued);
  });

  it("a change already scheduled later in the period prices its share of the rest", () => {
    const v1 = plan({ vatRateBp: 0, pricing: { inbound_minutes: { unitPrice: 10_000 } } });
    const v2 = plan({ vatRateBp: 0, pricing: { inbound_minutes: { unitPrice: 5000 } }, effectiveFrom: tehran(2026, 4, 10) });
    const preview = previewInvoice({ versions: [v1, v2], usage, asOf: ASOF, ...FARVARDIN_1405 });
    // the rest: 10 more days of v1 (6,000 x 10/10 = 6,000 s), 11 days of v2 (6,000 x 11/10 = 6,600 s)
    // v1: 12,000 s x 10,000 / 60 = 2,000,000; v2: 6,600 s x 5,000 / 60 = 550,000
    expect(preview.projected.lines.map((l) => [l.quantity, l.amount])).toEqual([
      [12_000, 2_000_000n],
      [6600, 550_000n],
    ]);
    expect(preview.projected.total).toBe(2_550_000n);
    expect(preview.projectedUsage).toEqual({ inbound_minutes: 18_600 });
  });

  it("a tenant that joined mid-period is projected from its own start", () => {
    const v = plan({ vatRateBp: 0, pricing: { inbound_minutes: { unitPrice: 10_000 } }, effectiveFrom: tehran(2026, 3, 31) });
    const asOf = tehran(2026, 4, 10); // 10 days on the plan, 11 to go
    const preview = previewInvoice({ versions: [v], usage: [use("inbound_minutes", 6000, tehran(2026, 4, 5))], asOf, ...FARVARDIN_1405 });
    expect(preview.elapsedMs).toBe(10 * DAY);
    expect(preview.coveredMs).toBe(21 * DAY);
    // 6,000 + 6,000 x 11/10 = 12,600 s
    expect(preview.projectedUsage).toEqual({ inbound_minutes: 12_600 });
    // before its plan starts there is no pace to project from
    const early = previewInvoice({ versions: [v], usage: [], asOf: tehran(2026, 3, 25), ...FARVARDIN_1405 });
    expect(early.elapsedMs).toBe(0);
    expect(early.projectedUsage).toEqual({});
  });

  it("assumes the service level so far holds", () => {
    const withSla = plan({
      vatRateBp: 0,
      pricing: { inbound_minutes: { unitPrice: 10_000 } },
      sla: { commitments: [{ thresholds: [{ belowBp: 8000, creditBp: 500 }] }] },
    });
    const preview = previewInvoice({
      versions: [withSla],
      usage,
      sla: [{ queueKey: "support", counts: { answered: 100, answeredWithin: 70, abandoned: 0, shortAbandoned: 0 } }],
      asOf: ASOF,
      ...FARVARDIN_1405,
    });
    // 70% < 80%: 5% of 3,100,000 = 155,000
    expect(preview.projected.slaCreditAmount).toBe(-155_000n);
    expect(preview.projected.total).toBe(2_945_000n);
    // and of the 1,000,000 so far: 50,000
    expect(preview.accrued.total).toBe(950_000n);
  });

  it("refuses a clock outside the period and usage after the clock", () => {
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        expect(e).toBeInstanceOf(BillingError);
        return (e as BillingError).code;
      }
      return null;
    };
    expect(code(() => previewInvoice({ versions: [p], usage: [], asOf: new Date(FARVARDIN_1405.periodStart.getTime() - 1), ...FARVARDIN_1405 }))).toBe("asOfOutsidePeriod");
    expect(code(() => previewInvoice({ versions: [p], usage: [], asOf: new Date(FARVARDIN_1405.periodEnd.getTime() + 1), ...FARVARDIN_1405 }))).toBe("asOfOutsidePeriod");
    expect(code(() => previewInvoice({ versions: [p], usage: [use("chats", 1, ASOF)], asOf: ASOF, ...FARVARDIN_1405 }))).toBe("usageAfterAsOf");
  });
});
