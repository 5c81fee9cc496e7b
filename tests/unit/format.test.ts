import { describe, expect, it } from "vitest";
import {
  calendarDayInput,
  formatCalendarDay,
  formatDate,
  formatDateTime,
  formatMoney,
  normalizeDigits,
  parseCalendarDay,
  parseJalaliDate,
  toJalaliInput,
  weekdayName,
  weekdayOrder,
} from "~/modules/i18n/format";

describe("dates", () => {
  const nowruz = new Date("2026-03-21T06:00:00Z");

  it("formats Persian in the Jalali calendar with Persian digits", () => {
    expect(formatDate(nowruz, "fa", "Asia/Tehran")).toBe("۱ فروردین ۱۴۰۵");
  });

  it("formats English and Dutch in the Gregorian calendar", () => {
    expect(formatDate(nowruz, "en", "Asia/Tehran")).toBe("21 March 2026");
    expect(formatDate(nowruz, "nl", "Asia/Tehran")).toBe("21 maart 2026");
  });

  it("shows times in the tenant's zone, not the server's", () => {
    const lateUtc = new Date("2026-03-20T22:00:00Z"); // 01:30 on 21 March in Tehran
    expect(formatDate(lateUtc, "en", "Asia/Tehran")).toBe("21 March 2026");
    expect(formatDate(lateUtc, "en", "Europe/Amsterdam")).toBe("20 March 2026");
    expect(formatDateTime(lateUtc, "en", "Asia/Tehran")).toContain("01:30");
  });

  it("parses Jalali dates typed with Persian or ASCII digits", () => {
    expect(parseJalaliDate("1405/01/01")).toBe("2026-03-21");
    expect(parseJalaliDate("۱۴۰۵/۰۱/۱۳")).toBe("2026-04-02");
    expect(parseJalaliDate("1405-1-1")).toBe("2026-03-21");
    expect(parseJalaliDate("1405/12/31")).toBeNull(); // 1405 is not a leap year
    expect(parseJalaliDate("1405/13/01")).toBeNull();
    expect(parseJalaliDate("tomorrow")).toBeNull();
    expect(toJalaliInput("2026-03-21")).toBe("1405/01/01");
  });

  it("takes calendar days per language", () => {
    expect(parseCalendarDay("1405/01/01", "fa")).toBe("2026-03-21");
    expect(parseCalendarDay("2026-03-21", "en")).toBe("2026-03-21");
    expect(parseCalendarDay("2026-02-30", "nl")).toBeNull();
    expect(calendarDayInput("2026-03-21", "fa")).toBe("1405/01/01");
    expect(formatCalendarDay("2026-03-21", "fa")).toBe("۱ فروردین ۱۴۰۵");
  });

  it("starts the week on Saturday in Persian and on Monday otherwise", () => {
    expect(weekdayOrder("fa")[0]).toBe(6);
    expect(weekdayName(6, "fa")).toBe("شنبه");
    expect(weekdayOrder("en")[0]).toBe(1);
    expect(weekdayName(1, "en")).toBe("Monday");
  });
});

describe("numbers and money", () => {
  it("normalizes Persian and Arabic digits", () => {
    expect(normalizeDigits("۰۹۱۲-٣٤٥")).toBe("0912-345");
  });

  it("shows IRR as rial or toman per bureau setting", () => {
    expect(formatMoney(1_250_000n, "IRR", "en", "rial")).toBe("1,250,000 rial");
    expect(formatMoney(1_250_000n, "IRR", "en", "toman")).toBe("125,000 toman");
    expect(formatMoney("1250000", "IRR", "fa", "toman")).toBe("۱۲۵٬۰۰۰ تومان");
    expect(formatMoney(15, "IRR", "en", "toman")).toBe("1.5 toman");
  });

  it("uses minor units for currencies that have them", () => {
    expect(formatMoney(12345, "EUR", "nl")).toMatch(/123,45/);
  });
});
