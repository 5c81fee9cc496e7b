import { describe, expect, it } from "vitest";
import { instantOfLocal, nextOpening, type BusinessCalendar } from "~/modules/ivr/calendar";

// Sat-Wed 08:00-20:00, Thu 08:00-14:00, Fri closed: the demo tenants' week (weekday 0 = Sunday).
const week: BusinessCalendar = {
  timeZone: "Asia/Tehran",
  hours: [6, 0, 1, 2, 3].map((weekday) => ({ weekday, opens: "08:00", closes: "20:00" })).concat([{ weekday: 4, opens: "08:00", closes: "14:00" }]),
  specialHours: [],
  holidays: [],
};

describe("the next opening", () => {
  it("reads a local wall-clock time in Tehran (UTC+03:30)", () => {
    expect(instantOfLocal("2026-12-05", 8 * 60, "Asia/Tehran").toISOString()).toBe("2026-12-05T04:30:00.000Z");
  });

  it("is the same instant when open, later the same day before opening, and skips Friday", () => {
    const openAt = new Date("2026-12-05T06:00:00Z"); // Saturday 09:30 Tehran
    expect(nextOpening(week, openAt)).toEqual(openAt);
    expect(nextOpening(week, new Date("2026-12-05T02:00:00Z"))!.toISOString()).toBe("2026-12-05T04:30:00.000Z"); // Sat 05:30
    // Thursday 15:00 Tehran: closed; Friday closed; Saturday 08:00.
    expect(nextOpening(week, new Date("2026-12-10T11:30:00Z"))!.toISOString()).toBe("2026-12-12T04:30:00.000Z");
  });

  it("skips holidays and takes a special day's own hours", () => {
    const cal: BusinessCalendar = { ...week, holidays: [{ day: "2026-12-12", name: "holiday" }], specialHours: [{ day: "2026-12-13", opens: "10:00", closes: "12:00" }] };
    expect(nextOpening(cal, new Date("2026-12-10T11:30:00Z"))!.toISOString()).toBe("2026-12-13T06:30:00.000Z"); // Sunday 10:00
  });

  it("is null for a line that never opens", () => {
    expect(nextOpening({ ...week, hours: [] }, new Date("2026-12-10T11:30:00Z"))).toBeNull();
  });
});
