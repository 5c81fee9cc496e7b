import { describe, expect, it } from "vitest";
import { billingPeriod, isPeriodLabel, nextPeriod, periodContaining, previousPeriod } from "~/modules/billing/periods";

const TZ = "Asia/Tehran";

describe("billing periods", () => {
  it("runs a Gregorian month from Tehran midnight to Tehran midnight", () => {
    const p = billingPeriod("gregorian", "2026-11", TZ);
    expect(p.start.toISOString()).toBe("2026-10-31T20:30:00.000Z");
    expect(p.end.toISOString()).toBe("2026-11-30T20:30:00.000Z");
  });

  it("runs a Jalali month: Azar 1405 is 22 November to 21 December 2026", () => {
    const p = billingPeriod("jalali", "1405-09", TZ);
    expect(p.start.toISOString()).toBe("2026-11-21T20:30:00.000Z");
    expect(p.end.toISOString()).toBe("2026-12-21T20:30:00.000Z");
    // Esfand has 29 days in 1404 and the year turns over at Nowruz.
    const esfand = billingPeriod("jalali", "1404-12", TZ);
    expect(esfand.end.getTime() - esfand.start.getTime()).toBe(29 * 86_400_000);
    expect(nextPeriod(esfand, TZ).label).toBe("1405-01");
  });

  it("finds the period of an instant, and its neighbours", () => {
    const at = new Date("2026-12-03T12:00:00Z");
    expect(periodContaining(at, "gregorian", TZ).label).toBe("2026-12");
    expect(periodContaining(at, "jalali", TZ).label).toBe("1405-09");
    // 20:45 UTC on 30 November is already 1 December in Tehran.
    expect(periodContaining(new Date("2026-11-30T20:45:00Z"), "gregorian", TZ).label).toBe("2026-12");
    expect(previousPeriod(billingPeriod("gregorian", "2027-01", TZ), TZ).label).toBe("2026-12");
    expect(previousPeriod(billingPeriod("jalali", "1406-01", TZ), TZ).label).toBe("1405-12");
  });

  it("refuses a label that is not a month", () => {
    expect(isPeriodLabel("2026-13")).toBe(false);
    expect(isPeriodLabel("2026-1")).toBe(false);
    expect(() => billingPeriod("gregorian", "x", TZ)).toThrow(RangeError);
  });
});
