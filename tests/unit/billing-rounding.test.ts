import { describe, expect, it } from "vitest";
import { BillingError } from "~/modules/billing/errors";
import { type MinuteRounding } from "~/modules/billing/plan";
import { applyBasisPoints, billableSeconds, divRound, elapsedSeconds, incrementsOf, priceQuantity, scaleQuantity } from "~/modules/billing/rounding";

const PER_SECOND: MinuteRounding = { mode: "per_second" };
const PER_MINUTE: MinuteRounding = { mode: "per_started_minute" };
const SIXTY_SIX: MinuteRounding = { mode: "first_60_then_6" };

describe("billableSeconds", () => {
  it("per second bills what was measured", () => {
    expect([0, 1, 59, 61, 3601].map((s) => billableSeconds(s, PER_SECOND))).toEqual([0, 1, 59, 61, 3601]);
  });

  it("per started minute rounds every started minute up", () => {
    // 1 -> 60, 60 -> 60, 61 -> 120 (a second minute started), 119 -> 120, 120 -> 120, 121 -> 180
    expect([0, 1, 60, 61, 119, 120, 121].map((s) => billableSeconds(s, PER_MINUTE))).toEqual([0, 60, 60, 120, 120, 120, 180]);
  });

  it("60/6 bills a first minute, then every started 6 seconds", () => {
    // 1..60 -> 60; 61 -> 60 + 6; 66 -> 66; 67 -> 60 + 2*6 = 72; 125 -> 60 + ceil(65/6)=11 * 6 = 126
    expect([0, 1, 59, 60, 61, 66, 67, 125].map((s) => billableSeconds(s, SIXTY_SIX))).toEqual([0, 60, 60, 60, 66, 66, 72, 126]);
  });

  it("the generic form covers the named ones and other contracts", () => {
    expect(incrementsOf(PER_SECOND)).toEqual({ firstIncrementSeconds: 1, incrementSeconds: 1 });
    expect(incrementsOf(PER_MINUTE)).toEqual({ firstIncrementSeconds: 60, incrementSeconds: 60 });
    expect(incrementsOf(SIXTY_SIX)).toEqual({ firstIncrementSeconds: 60, incrementSeconds: 6 });
    const thirtyTen: MinuteRounding = { mode: "increments", firstIncrementSeconds: 30, incrementSeconds: 10 };
    // 29 -> 30; 30 -> 30; 31 -> 30 + 10 = 40; 41 -> 30 + 2*10 = 50
    expect([29, 30, 31, 41].map((s) => billableSeconds(s, thirtyTen))).toEqual([30, 30, 40, 50]);
    const sixes: MinuteRounding = { mode: "increments", firstIncrementSeconds: 0, incrementSeconds: 6 };
    // no minimum: 1 -> 6, 6 -> 6, 7 -> 12
    expect([0, 1, 6, 7].map((s) => billableSeconds(s, sixes))).toEqual([0, 6, 6, 12]);
  });

  it("refuses negative or fractional seconds", () => {
    expect(() => billableSeconds(-1, PER_SECOND)).toThrow(BillingError);
    expect(() => billableSeconds(1.5, PER_SECOND)).toThrow(BillingError);
    try {
      billableSeconds(Number.NaN, PER_SECOND);
    } catch (e) {
      expect((e as BillingError).code).toBe("invalidQuantity");
    }
  });
});

describe("elapsedSeconds", () => {
  it("counts whole seconds and never goes negative", () => {
    const t = new Date("2026-03-01T10:00:00.000Z");
    expect(elapsedSeconds(t, new Date("2026-03-01T10:00:59.999Z"))).toBe(59);
    expect(elapsedSeconds(t, new Date("2026-03-01T10:01:00.000Z"))).toBe(60);
    expect(elapsedSeconds(t, new Date("2026-03-01T09:59:00.000Z"))).toBe(0);
  });
});

describe("money rounding", () => {
  it("half up rounds halves away from zero, symmetric for credits", () => {
    expect(divRound(5n, 2n)).toBe(3n); // 2.5
    expect(divRound(-5n, 2n)).toBe(-3n); // -2.5
    expect(divRound(7n, 2n)).toBe(4n); // 3.5
    expect(divRound(4n, 3n)).toBe(1n); // 1.33
    expect(divRound(5n, 3n)).toBe(2n); // 1.67
    expect(divRound(-5n, 3n)).toBe(-2n);
    expect(divRound(6n, 3n)).toBe(2n);
    expect(divRound(0n, 7n)).toBe(0n);
  });

  it("half even rounds halves to the even neighbour", () => {
    expect(divRound(5n, 2n, "half_even")).toBe(2n); // 2.5 -> 2
    expect(divRound(7n, 2n, "half_even")).toBe(4n); // 3.5 -> 4
    expect(divRound(3n, 2n, "half_even")).toBe(2n); // 1.5 -> 2
    expect(divRound(-5n, 2n, "half_even")).toBe(-2n);
    expect(divRound(5n, 3n, "half_even")).toBe(2n); // not a half: as half up
  });

  it("refuses a non-positive denominator", () => {
    expect(() => divRound(1n, 0n)).toThrow(RangeError);
    expect(() => divRound(1n, -2n)).toThrow(RangeError);
  });

  it("basis points of amounts a double could not hold", () => {
    // 10% of 10^12 rial = 10^11
    expect(applyBasisPoints(1_000_000_000_000n, 1000)).toBe(100_000_000_000n);
    // 12,345 x 10% = 1,234.5 -> 1,235 (half up), 1,234 (half even)
    expect(applyBasisPoints(12_345n, 1000)).toBe(1235n);
    expect(applyBasisPoints(12_345n, 1000, "half_even")).toBe(1234n);
    // 2^53 + 1 = 9,007,199,254,740,993 x 50% = 4,503,599,627,370,496.5 -> ...497; a double would say ...496
    expect(applyBasisPoints(9_007_199_254_740_993n, 5000)).toBe(4_503_599_627_370_497n);
    // (10^12 + 1) x 9,999 bp: the product 9.999 x 10^15 + 9,999 passes 2^53 before the division;
    // 999,900,000,000.9999 -> 999,900,000,001
    expect(applyBasisPoints(1_000_000_000_001n, 9999)).toBe(999_900_000_001n);
    expect(applyBasisPoints(-12_345n, 1000)).toBe(-1235n);
    expect(() => applyBasisPoints(1n, 1.5)).toThrow(BillingError);
  });

  it("prices a quantity per price unit, rounding once", () => {
    expect(priceQuantity(90, 1000n, 60)).toBe(1500n); // 1.5 min x 1,000
    expect(priceQuantity(1, 1000n, 60)).toBe(17n); // 16.67
    expect(priceQuantity(30, 1n, 60)).toBe(1n); // 0.5 -> 1
    expect(priceQuantity(29, 1n, 60)).toBe(0n); // 0.48 -> 0
    expect(priceQuantity(7, 2500n, 1)).toBe(17_500n);
    expect(() => priceQuantity(-1, 1n, 60)).toThrow(BillingError);
  });

  it("scales a quantity by a day share", () => {
    expect(scaleQuantity(18_600, 21, 31)).toBe(12_600); // exact
    expect(scaleQuantity(6000, 10, 31)).toBe(1935); // 1,935.48 -> 1,935
    expect(scaleQuantity(6000, 15, 31)).toBe(2903); // 2,903.2 -> 2,903
    expect(scaleQuantity(31, 1, 2)).toBe(16); // 15.5 -> 16
  });
});
