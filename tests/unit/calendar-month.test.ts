import { describe, expect, it } from "vitest";
import {
  addDays,
  calendarDateOf,
  cursorOfDay,
  dayInMonth,
  dayInput,
  dayLabel,
  monthGrid,
  monthLength,
  parseDayInput,
  shiftMonth,
  todayCursor,
  todayIn,
  weekdayOf,
  weekdayShortName,
  type MonthGrid,
} from "~/modules/i18n/calendar-month";
import { LANGUAGES } from "~/modules/i18n/config";

const inMonth = (g: MonthGrid) => g.weeks.flat().filter((c) => c.inMonth);

describe("Jalali month grid (fa)", () => {
  const farvardin = monthGrid("fa", { year: 1405, month: 1 });

  it("Farvardin 1405 starts on Saturday 2026-03-21 in the first column and has 31 days", () => {
    expect(farvardin.firstDay).toBe("2026-03-21");
    expect(weekdayOf("2026-03-21")).toBe(6);
    expect(farvardin.daysInMonth).toBe(31);
    expect(farvardin.lastDay).toBe("2026-04-20");
    expect(farvardin.weekdays).toEqual([6, 0, 1, 2, 3, 4, 5]);
    // Nowruz falls on a Saturday, so there are no leading days from Esfand.
    expect(farvardin.weeks[0]![0]).toEqual({ iso: "2026-03-21", dayOfMonth: 1, inMonth: true, weekday: 6 });
    const days = inMonth(farvardin);
    expect(days.map((c) => c.dayOfMonth)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    expect(days.at(-1)).toMatchObject({ iso: "2026-04-20", dayOfMonth: 31, weekday: 1 });
  });

  it("always lays out six whole weeks of consecutive days, each column one weekday", () => {
    for (const g of [farvardin, monthGrid("fa", { year: 1404, month: 12 }), monthGrid("en", { year: 2026, month: 2 })]) {
      expect(g.weeks).toHaveLength(6);
      const flat = g.weeks.flat();
      expect(flat).toHaveLength(42);
      flat.forEach((cell, i) => {
        expect(cell.weekday).toBe(g.weekdays[i % 7]);
        expect(weekdayOf(cell.iso)).toBe(cell.weekday);
        if (i > 0) expect(cell.iso).toBe(addDays(flat[i - 1]!.iso, 1));
      });
    }
  });

  it("fills the first week with the end of the previous month, numbered in that month", () => {
    // 1 Ordibehesht 1405 = 2026-04-21, a Tuesday: the three columns before it (Sat..Mon) are 29-31 Farvardin.
    const ordibehesht = monthGrid("fa", { year: 1405, month: 2 });
    expect(ordibehesht.firstDay).toBe("2026-04-21");
    const first = ordibehesht.weeks[0]!;
    expect(first.slice(0, 3).map((c) => [c.iso, c.dayOfMonth, c.inMonth])).toEqual([
      ["2026-04-18", 29, false],
      ["2026-04-19", 30, false],
      ["2026-04-20", 31, false],
    ]);
    expect(first[3]).toEqual({ iso: "2026-04-21", dayOfMonth: 1, inMonth: true, weekday: 2 });
    const trailing = ordibehesht.weeks.flat().filter((c, i) => !c.inMonth && i > 10);
    expect(trailing[0]).toMatchObject({ dayOfMonth: 1, iso: "2026-05-22" });
  });

  it("knows the Esfand lengths: 29 days in 1404, 30 in the leap year 1403", () => {
    expect(monthLength("fa", { year: 1404, month: 12 })).toBe(29);
    expect(monthLength("fa", { year: 1403, month: 12 })).toBe(30);
    expect(monthGrid("fa", { year: 1403, month: 12 }).lastDay).toBe("2025-03-20");
    expect(monthGrid("fa", { year: 1404, month: 12 }).lastDay).toBe("2026-03-20");
    // First six months 31 days, next five 30.
    expect(Array.from({ length: 11 }, (_, i) => monthLength("fa", { year: 1405, month: i + 1 }))).toEqual([31, 31, 31, 31, 31, 31, 30, 30, 30, 30, 30]);
  });

  it("pages from Farvardin back to Esfand of the previous year and from Esfand on to Farvardin", () => {
    expect(farvardin.prev).toEqual({ year: 1404, month: 12 });
    expect(farvardin.next).toEqual({ year: 1405, month: 2 });
    expect(monthGrid("fa", { year: 1404, month: 12 }).next).toEqual({ year: 1405, month: 1 });
    expect(shiftMonth({ year: 1405, month: 1 }, -13)).toEqual({ year: 1403, month: 12 });
    expect(shiftMonth({ year: 1405, month: 12 }, 25)).toEqual({ year: 1408, month: 1 });
  });

  it("titles the month in Persian with Persian digits, month before year", () => {
    expect(farvardin.title).toBe("فروردین ۱۴۰۵");
    expect(monthGrid("fa", { year: 1404, month: 12 }).title).toBe("اسفند ۱۴۰۴");
    expect(monthGrid("fa", { year: 1404, month: 10 }).title).toBe("دی ۱۴۰۴");
  });

  it("names days and weekdays in Persian", () => {
    expect(weekdayShortName(6, "fa")).toBe("ش");
    expect(dayLabel("2026-03-21", "fa")).toBe("شنبه ۱ فروردین ۱۴۰۵");
    expect(dayInput("2026-03-21", "fa")).toBe("۱۴۰۵/۰۱/۰۱");
  });
});

describe("Gregorian month grid (en, nl)", () => {
  it("starts weeks on Monday", () => {
    const march = monthGrid("en", { year: 2026, month: 3 });
    expect(march.weekdays).toEqual([1, 2, 3, 4, 5, 6, 0]);
    // 1 March 2026 is a Sunday: the last column of the first week, after six February days.
    expect(march.weeks[0]![6]).toEqual({ iso: "2026-03-01", dayOfMonth: 1, inMonth: true, weekday: 0 });
    expect(march.weeks[0]![0]).toEqual({ iso: "2026-02-23", dayOfMonth: 23, inMonth: false, weekday: 1 });
    expect(monthGrid("nl", { year: 2026, month: 3 }).weeks[0]![0]!.weekday).toBe(1);
  });

  it("has 29 days in February 2028 and 28 in February 2026", () => {
    expect(monthGrid("en", { year: 2028, month: 2 }).daysInMonth).toBe(29);
    expect(monthGrid("en", { year: 2028, month: 2 }).lastDay).toBe("2028-02-29");
    expect(monthLength("en", { year: 2026, month: 2 })).toBe(28);
    expect(monthLength("en", { year: 2100, month: 2 })).toBe(28);
    expect(monthLength("en", { year: 2000, month: 2 })).toBe(29);
  });

  it("pages across the year boundary", () => {
    const january = monthGrid("en", { year: 2026, month: 1 });
    expect(january.prev).toEqual({ year: 2025, month: 12 });
    expect(monthGrid("en", { year: 2025, month: 12 }).next).toEqual({ year: 2026, month: 1 });
  });

  it("titles and labels in English and Dutch with Latin digits", () => {
    expect(monthGrid("en", { year: 2026, month: 3 }).title).toBe("March 2026");
    expect(monthGrid("nl", { year: 2026, month: 3 }).title).toBe("maart 2026");
    // ICU versions differ on the comma after the weekday.
    expect(dayLabel("2026-03-21", "en")).toMatch(/^Saturday,? 21 March 2026$/);
    expect(dayLabel("2026-03-21", "nl")).toMatch(/^zaterdag,? 21 maart 2026$/);
    expect(weekdayShortName(1, "en")).toBe("Mon");
    expect(dayInput("2026-03-21", "en")).toBe("2026-03-21");
  });
});

describe("cursors and days", () => {
  it("finds the month of an ISO day in each language's calendar", () => {
    expect(cursorOfDay("2026-03-20", "fa")).toEqual({ year: 1404, month: 12 });
    expect(cursorOfDay("2026-03-21", "fa")).toEqual({ year: 1405, month: 1 });
    expect(cursorOfDay("2026-03-21", "en")).toEqual({ year: 2026, month: 3 });
    expect(calendarDateOf("2026-04-02", "fa")).toEqual({ year: 1405, month: 1, day: 13 });
  });

  it("round-trips every day of a year through the grid of its own month", () => {
    for (const lang of LANGUAGES) {
      for (let iso = "2025-03-01"; iso < "2026-04-01"; iso = addDays(iso, 1)) {
        const g = monthGrid(lang, cursorOfDay(iso, lang));
        const cell = inMonth(g).find((c) => c.iso === iso);
        expect(cell, `${lang} ${iso}`).toBeDefined();
        expect(cell!.dayOfMonth).toBe(calendarDateOf(iso, lang).day);
      }
    }
  });

  it("clamps a day of the month to the target month's length", () => {
    expect(dayInMonth("fa", { year: 1405, month: 7 }, 31)).toBe(dayInMonth("fa", { year: 1405, month: 7 }, 30));
    expect(dayInMonth("fa", { year: 1404, month: 12 }, 30)).toBe("2026-03-20");
    expect(dayInMonth("en", { year: 2026, month: 2 }, 31)).toBe("2026-02-28");
  });

  it("takes today in the tenant's zone, not UTC", () => {
    const lateUtc = new Date("2026-03-20T22:00:00Z"); // 01:30 on 21 March in Tehran
    expect(todayIn("Asia/Tehran", lateUtc)).toBe("2026-03-21");
    expect(todayIn("Europe/Amsterdam", lateUtc)).toBe("2026-03-20");
    expect(todayCursor("fa", "Asia/Tehran", lateUtc)).toEqual({ year: 1405, month: 1 });
    expect(todayCursor("fa", "Europe/Amsterdam", lateUtc)).toEqual({ year: 1404, month: 12 });
    expect(todayCursor("en", "Asia/Tehran", lateUtc)).toEqual({ year: 2026, month: 3 });
    // A zone that no longer parses must not break the page.
    expect(todayIn("Not/AZone", lateUtc)).toBe("2026-03-21");
  });

  it("parses what the text box shows, refusing an ISO date typed on a Persian page", () => {
    expect(parseDayInput("۱۴۰۵/۰۱/۰۱", "fa")).toBe("2026-03-21");
    expect(parseDayInput("1405/1/13", "fa")).toBe("2026-04-02");
    expect(parseDayInput("2026-03-21", "fa")).toBeNull();
    expect(parseDayInput("1404/12/30", "fa")).toBeNull();
    expect(parseDayInput("2026-03-21", "en")).toBe("2026-03-21");
    expect(parseDayInput("2026-02-29", "nl")).toBeNull();
  });
});
