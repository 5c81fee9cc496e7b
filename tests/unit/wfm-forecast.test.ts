import { describe, expect, it } from "vitest";
import { backtest, forecast, lastCompleteWeekStart, type HistoryPoint } from "~/modules/wfm/forecast";
import { addDays, daysBetween, iranWeekday, localParts, localToUtc, utcOffsetMinutes } from "~/modules/wfm/time";
import { mulberry32 as rng } from "~/modules/platform/random";

const TZ = "Asia/Tehran";
const HORIZON_DATE = "2026-01-03"; // a Saturday
const WEEKDAY_FACTOR = [1.2, 1.1, 1.0, 1.0, 0.95, 0.7, 0.4]; // Saturday … Friday

/** Intraday shape: a night trough, a late-morning peak and an evening shoulder. */
function shape(minuteOfDay: number): number {
  const h = minuteOfDay / 60;
  return 0.15 + Math.exp(-((h - 11) ** 2) / 6) + 0.7 * Math.exp(-((h - 18) ** 2) / 5);
}
const ahtAt = (minuteOfDay: number) => 180 + 40 * Math.sin((minuteOfDay / 1440) * 2 * Math.PI);

interface Truth {
  contacts(date: string, minuteOfDay: number): number;
}

function seasonal(growthPerWeek = 0, holidays: Record<string, number> = {}): Truth {
  return {
    contacts(date, minuteOfDay) {
      const t = daysBetween(HORIZON_DATE, date) / 7;
      const factor = holidays[date] ?? WEEKDAY_FACTOR[iranWeekday(date)]!;
      return 10 * factor * shape(minuteOfDay) * (1 + growthPerWeek) ** t;
    },
  };
}


function history(truth: Truth, opts: { weeks?: number; tz?: string; from?: string; noise?: number; skip?: (date: string) => boolean; interval?: number } = {}): HistoryPoint[] {
  const tz = opts.tz ?? TZ;
  const interval = opts.interval ?? 30;
  const from = opts.from ?? addDays(HORIZON_DATE, -7 * (opts.weeks ?? 10));
  const to = HORIZON_DATE;
  const random = rng(7);
  const points: HistoryPoint[] = [];
  const startMs = localToUtc(from, 0, tz).getTime();
  const endMs = localToUtc(to, 0, tz).getTime();
  for (let ms = startMs; ms < endMs; ms += interval * 60_000) {
    const start = new Date(ms);
    const local = localParts(start, tz);
    if (opts.skip?.(local.date)) continue;
    const noise = opts.noise ? 1 + opts.noise * (2 * random() - 1) : 1;
    const contacts = truth.contacts(local.date, local.minuteOfDay) * noise;
    points.push({ start, contacts, handleSeconds: contacts * ahtAt(local.minuteOfDay) });
  }
  return points;
}

const horizonStart = localToUtc(HORIZON_DATE, 0, TZ);

describe("forecast", () => {
  it("recovers a stationary weekly x daily pattern exactly, on Tehran local intervals", () => {
    const truth = seasonal();
    // No AHT prior: exact recovery (the shrinkage has its own test).
    const r = forecast({ history: history(truth), horizonStart, weeks: 2, options: { ahtPriorContacts: 0 } });
    expect(horizonStart.toISOString()).toBe("2026-01-02T20:30:00.000Z");
    expect(r.intervals).toHaveLength(2 * 7 * 48);
    expect(r.intervals[0]).toMatchObject({ localDate: HORIZON_DATE, minuteOfDay: 0, weekday: 0, basis: "sameWeekday", dayType: "normal" });
    expect(r.model.trendPerWeek).toBeCloseTo(0, 12);
    expect(r.model.daysUsed).toMatchObject({ "0": 8, "6": 8 });
    for (const iv of r.intervals) {
      expect(iv.statistical.contacts).toBeCloseTo(truth.contacts(iv.localDate, iv.minuteOfDay), 9);
      expect(iv.statistical.ahtSeconds).toBeCloseTo(ahtAt(iv.minuteOfDay), 9);
      expect(iv.adjusted).toEqual(iv.statistical);
      expect(localParts(iv.start, TZ)).toEqual({ date: iv.localDate, minuteOfDay: iv.minuteOfDay });
    }
    // Friday, the weekend, is the quietest day of the forecast week.
    const dayTotal = (weekday: number) => r.intervals.slice(0, 336).filter((iv) => iv.weekday === weekday).reduce((s, iv) => s + iv.statistical.contacts, 0);
    expect(dayTotal(6)).toBeLessThan(dayTotal(5));
    expect(dayTotal(0)).toBeGreaterThan(dayTotal(2));
  });

  it("follows a growth trend, weighting recent weeks more, and stays exact six weeks out", () => {
    const truth = seasonal(0.03);
    const r = forecast({ history: history(truth), horizonStart, weeks: 6 });
    expect(r.model.trendPerWeek).toBeCloseTo(0.03, 10);
    expect(r.intervals).toHaveLength(6 * 336);
    for (const iv of r.intervals) expect(iv.statistical.contacts).toBeCloseTo(truth.contacts(iv.localDate, iv.minuteOfDay), 8);
    // Without the trend the level lags behind: under-forecast.
    const flat = forecast({ history: history(truth), horizonStart, weeks: 1, options: { trend: false } });
    const total = (xs: typeof flat.intervals) => xs.reduce((s, iv) => s + iv.statistical.contacts, 0);
    expect(total(flat.intervals)).toBeLessThan(total(r.intervals.slice(0, 336)));
  });

  it("clamps an implausible trend", () => {
    const r = forecast({ history: history(seasonal(0.5)), horizonStart, weeks: 1, options: { maxTrendPerWeek: 0.1 } });
    expect(r.model.trendPerWeek).toBeCloseTo(0.1, 12);
    expect(r.model.warnings).toContain("trendClamped");
  });

  it("takes holidays out of the weekday history and forecasts them from past holidays", () => {
    const pastHoliday = "2025-12-22"; // a Monday, very quiet
    const truth = seasonal(0, { [pastHoliday]: 0.1 });
    const nextHoliday = "2026-01-06"; // the Tuesday of the horizon week
    const r = forecast({ history: history(truth), horizonStart, weeks: 1, holidays: [pastHoliday, nextHoliday] });
    expect(r.model.daysUsed).toMatchObject({ holiday: 1, "2": 7 });
    for (const iv of r.intervals) {
      if (iv.localDate === nextHoliday) {
        expect(iv).toMatchObject({ dayType: "holiday", basis: "holidayHistory" });
        expect(iv.statistical.contacts).toBeCloseTo(10 * 0.1 * shape(iv.minuteOfDay), 9);
      } else {
        // Mondays are not dragged down by the holiday Monday.
        expect(iv.statistical.contacts).toBeCloseTo(truth.contacts(iv.localDate, iv.minuteOfDay), 9);
      }
    }
  });

  it("forecasts a holiday like a Friday when no past holiday is known", () => {
    const r = forecast({ history: history(seasonal()), horizonStart, weeks: 1, holidays: ["2026-01-06"] });
    const holiday = r.intervals.filter((iv) => iv.localDate === "2026-01-06");
    const friday = r.intervals.filter((iv) => iv.localDate === "2026-01-09");
    expect(holiday).toHaveLength(48);
    holiday.forEach((iv, i) => {
      expect(iv.basis).toBe("fridayProxy");
      expect(iv.statistical.contacts).toBeCloseTo(friday[i]!.statistical.contacts, 12);
    });
    expect(r.model.warnings).toContain("holidayUsesFriday");
  });

  it("keeps the planner's adjustments beside the statistical forecast", () => {
    const truth = seasonal();
    const r = forecast({
      history: history(truth),
      horizonStart,
      weeks: 1,
      adjustments: [
        { date: "2026-01-04", contactsPercent: 20, code: "campaign" },
        { date: "2026-01-04", fromMinute: 600, toMinute: 720, contactsPercent: -50, ahtPercent: 10 },
      ],
    });
    for (const iv of r.intervals) {
      expect(iv.statistical.contacts).toBeCloseTo(truth.contacts(iv.localDate, iv.minuteOfDay), 9);
      if (iv.localDate !== "2026-01-04") {
        expect(iv.adjustments).toEqual([]);
        continue;
      }
      const inRange = iv.minuteOfDay >= 600 && iv.minuteOfDay < 720;
      expect(iv.adjusted.contacts).toBeCloseTo(iv.statistical.contacts * 1.2 * (inRange ? 0.5 : 1), 9);
      expect(iv.adjusted.ahtSeconds).toBeCloseTo(iv.statistical.ahtSeconds * (inRange ? 1.1 : 1), 9);
      expect(iv.adjustments).toEqual(inRange ? ["campaign", "manual"] : ["campaign"]);
    }
  });

  it("treats a closed day inside the observed span as zero, and an unobserved one as unknown", () => {
    const truth = seasonal();
    const points = history(truth, { skip: (d) => iranWeekday(d) === 6 });
    const observed = forecast({ history: points, horizonStart, weeks: 1, observedFrom: points[0]!.start, observedTo: horizonStart });
    const fridays = observed.intervals.filter((iv) => iv.weekday === 6);
    expect(fridays.every((iv) => iv.basis === "sameWeekday" && iv.statistical.contacts === 0)).toBe(true);
    const unknown = forecast({ history: points, horizonStart, weeks: 1 });
    expect(unknown.intervals.filter((iv) => iv.weekday === 6).every((iv) => iv.basis === "none")).toBe(true);
    expect(unknown.model.warnings).toContain("weekdayWithoutHistory");
  });

  it("shrinks the AHT of a quiet interval towards the day's AHT", () => {
    const points = history(seasonal());
    // One odd 3-hour call at 03:00 on every past Monday.
    const odd = points.map((p) => {
      const l = localParts(p.start, TZ);
      return iranWeekday(l.date) === 2 && l.minuteOfDay === 180 ? { ...p, contacts: 1, handleSeconds: 10_800 } : p;
    });
    const r = forecast({ history: odd, horizonStart, weeks: 1 });
    const slot = r.intervals.find((iv) => iv.weekday === 2 && iv.minuteOfDay === 180)!;
    expect(slot.statistical.ahtSeconds).toBeLessThan(10_800 / 2);
    expect(slot.statistical.ahtSeconds).toBeGreaterThan(180);
  });

  it("supports 15-minute intervals and a time zone with daylight saving", () => {
    const tz = "Europe/Amsterdam";
    const saturday = "2026-03-28"; // DST starts Sunday 29 March 02:00
    const truth: Truth = { contacts: (date, m) => WEEKDAY_FACTOR[iranWeekday(date)]! * shape(m) };
    const points: HistoryPoint[] = [];
    for (let ms = localToUtc("2026-01-31", 0, tz).getTime(); ms < localToUtc(saturday, 0, tz).getTime(); ms += 15 * 60_000) {
      const l = localParts(new Date(ms), tz);
      points.push({ start: new Date(ms), contacts: truth.contacts(l.date, l.minuteOfDay), handleSeconds: 200 * truth.contacts(l.date, l.minuteOfDay) });
    }
    const r = forecast({ history: points, horizonStart: localToUtc(saturday, 0, tz), weeks: 1, intervalMinutes: 15, timeZone: tz });
    expect(r.intervals).toHaveLength(7 * 96 - 4); // one hour fewer on the 29th
    expect(r.intervals.filter((iv) => iv.localDate === "2026-03-29")).toHaveLength(92);
    expect(utcOffsetMinutes(r.intervals[0]!.start, tz)).toBe(60);
    expect(utcOffsetMinutes(r.intervals[r.intervals.length - 1]!.start, tz)).toBe(120);
    for (const iv of r.intervals) expect(iv.statistical.contacts).toBeCloseTo(truth.contacts(iv.localDate, iv.minuteOfDay), 9);
  });

  it("rejects a horizon off the interval grid and an unknown time zone", () => {
    expect(() => forecast({ history: [], horizonStart: new Date("2026-01-02T20:40:00Z"), weeks: 1 })).toThrow(RangeError);
    expect(() => forecast({ history: [], horizonStart, weeks: 7 })).toThrow(RangeError);
    expect(() => forecast({ history: [], horizonStart, weeks: 1, timeZone: "Mars/Olympus" })).toThrow(RangeError);
    const empty = forecast({ history: [], horizonStart, weeks: 1 });
    expect(empty.model.warnings).toContain("noHistory");
    expect(empty.intervals.every((iv) => iv.statistical.contacts === 0 && iv.basis === "none")).toBe(true);
  });
});

describe("backtest", () => {
  it("holds out the last complete week and scores a perfect model at zero error", () => {
    const points = history(seasonal());
    const last = lastCompleteWeekStart(points, TZ);
    expect(last?.toISOString()).toBe(localToUtc("2025-12-27", 0, TZ).toISOString());
    const r = backtest({ history: points, options: { ahtPriorContacts: 0 } });
    expect(r.heldOutWeekStart.getTime()).toBe(last!.getTime());
    expect(r.intervals).toBe(336);
    expect(r.intervalsWithContacts).toBe(336);
    expect(r.contacts.mape).toBeLessThan(1e-9);
    expect(r.contacts.wape).toBeLessThan(1e-9);
    expect(r.dailyContacts.wape).toBeLessThan(1e-9);
    expect(r.ahtWape).toBeLessThan(1e-9);
  });

  it("reports MAPE, WAPE and bias on noisy history", () => {
    const points = history(seasonal(), { noise: 0.2 });
    const r = backtest({ history: points });
    // Uniform ±20% noise: mean absolute error ≈ 10% of the truth; the average of 8 weeks is near truth.
    expect(r.contacts.wape).toBeGreaterThan(0.05);
    expect(r.contacts.wape).toBeLessThan(0.15);
    expect(r.contacts.mape).toBeGreaterThan(0.05);
    expect(Math.abs(r.contacts.bias!)).toBeLessThan(0.05);
    expect(r.dailyContacts.wape).toBeLessThan(r.contacts.wape!);
    // Closed Fridays: their zero actuals stay in WAPE but cannot enter MAPE.
    const closedFridays = history(seasonal(), { noise: 0.2, skip: (d) => iranWeekday(d) === 6 });
    const withGaps = backtest({ history: closedFridays, heldOutWeekStart: r.heldOutWeekStart });
    expect(withGaps.intervals).toBe(336);
    expect(withGaps.intervalsWithContacts).toBe(288);
  });

  it("needs a complete week", () => {
    expect(() => backtest({ history: [] })).toThrow(RangeError);
  });
});
