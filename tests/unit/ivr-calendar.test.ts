import { describe, expect, it } from "vitest";
import { parseJalaliDate } from "~/modules/i18n/format";
import { calendarSchema, calendarStatus, isOpenAt, localTimeIn } from "~/modules/ivr/calendar";

// Iranian week: Saturday to Wednesday full days, Thursday until 14:00, Friday closed.
const tehran = calendarSchema.parse({
  hours: [
    ...[6, 0, 1, 2].map((weekday) => ({ weekday, opens: "08:00", closes: "20:00" })),
    { weekday: 3, opens: "08:00", closes: "24:00" },
    { weekday: 4, opens: "08:00", closes: "14:00" },
  ],
  holidays: [{ day: parseJalaliDate("1405/01/01")!, name: "نوروز" }],
});

describe("IVR business calendar", () => {
  it("defaults to Asia/Tehran and reads wall-clock time there (UTC+3:30)", () => {
    expect(calendarSchema.parse({}).timeZone).toBe("Asia/Tehran");
    expect(localTimeIn(new Date("2026-03-20T20:30:00Z"))).toEqual({ day: "2026-03-21", weekday: 6, minutes: 0 });
  });

  it("is closed all Friday in Iran", () => {
    // 2026-03-27 is a Friday; 10:00 and 19:00 Tehran time.
    expect(calendarStatus(tehran, new Date("2026-03-27T06:30:00Z"))).toBe("closed");
    expect(isOpenAt(tehran, new Date("2026-03-27T15:30:00Z"))).toBe(false);
    // The Saturday after is an ordinary working day.
    expect(calendarStatus(tehran, new Date("2026-03-28T06:30:00Z"))).toBe("open");
  });

  it("treats Nowruz (1405/01/01 = 2026-03-21) as a holiday although Saturday is a working day", () => {
    expect(calendarStatus(tehran, new Date("2026-03-21T06:30:00Z"))).toBe("holiday");
    expect(isOpenAt(tehran, new Date("2026-03-21T06:30:00Z"))).toBe(false);
  });

  it("starts a holiday at local midnight in Tehran, not at UTC midnight", () => {
    const allDay = calendarSchema.parse({
      hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: "00:00", closes: "24:00" })),
      holidays: [{ day: "2026-03-21", name: "Nowruz" }],
    });
    expect(calendarStatus(allDay, new Date("2026-03-20T20:29:59Z"))).toBe("open"); // 23:59:59 on 20 March
    expect(calendarStatus(allDay, new Date("2026-03-20T20:30:00Z"))).toBe("holiday"); // 00:00 on 21 March
    expect(calendarStatus(allDay, new Date("2026-03-21T20:29:59Z"))).toBe("holiday"); // 23:59:59 on 21 March
    expect(calendarStatus(allDay, new Date("2026-03-21T20:30:00Z"))).toBe("open"); // 00:00 on 22 March
    // In UTC the same instant is still 20 March: the holiday is the tenant's local day.
    expect(calendarStatus({ ...allDay, timeZone: "UTC" }, new Date("2026-03-20T20:30:00Z"))).toBe("open");
  });

  it("keeps a range closing at 24:00 open until the last minute of the day", () => {
    // Wednesday 2026-03-25 23:59 Tehran, then Thursday 00:00 (Thursday opens at 08:00).
    expect(isOpenAt(tehran, new Date("2026-03-25T20:29:00Z"))).toBe(true);
    expect(isOpenAt(tehran, new Date("2026-03-25T20:30:00Z"))).toBe(false);
  });

  it("closes at 14:00 on Thursday (the end of a range is exclusive)", () => {
    expect(isOpenAt(tehran, new Date("2026-03-26T10:29:00Z"))).toBe(true); // 13:59
    expect(isOpenAt(tehran, new Date("2026-03-26T10:30:00Z"))).toBe(false); // 14:00
    expect(isOpenAt(tehran, new Date("2026-03-26T04:29:00Z"))).toBe(false); // 07:59
    expect(isOpenAt(tehran, new Date("2026-03-26T04:30:00Z"))).toBe(true); // 08:00
  });

  it("has no daylight saving in Tehran: 08:00 is 04:30 UTC in summer as in winter", () => {
    expect(isOpenAt(tehran, new Date("2026-06-21T04:29:00Z"))).toBe(false);
    expect(isOpenAt(tehran, new Date("2026-06-21T04:30:00Z"))).toBe(true);
    expect(isOpenAt(tehran, new Date("2026-01-04T04:30:00Z"))).toBe(true);
  });

  it("follows another zone's own offset when the tenant is elsewhere", () => {
    const amsterdam = calendarSchema.parse({ timeZone: "Europe/Amsterdam", hours: [{ weekday: 1, opens: "09:00", closes: "17:00" }] });
    // Monday 2026-06-22 09:00 CEST is 07:00 UTC.
    expect(isOpenAt(amsterdam, new Date("2026-06-22T06:59:00Z"))).toBe(false);
    expect(isOpenAt(amsterdam, new Date("2026-06-22T07:00:00Z"))).toBe(true);
  });

  it("refuses an unknown time zone and malformed times in the schema", () => {
    expect(calendarSchema.safeParse({ timeZone: "Mars/Olympus" }).success).toBe(false);
    expect(calendarSchema.safeParse({ hours: [{ weekday: 1, opens: "24:00", closes: "24:00" }] }).success).toBe(false);
    expect(calendarSchema.safeParse({ holidays: [{ day: "1405/01/01", name: "x" }] }).success).toBe(false);
  });

  describe("special hours for a date", () => {
    // 1405/12/28 (2027-03-19) is a Friday: normally closed, opened 09:00-13:00 for the pre-Nowruz rush.
    // 1405/12/25 (2027-03-16) is a Tuesday: a short day 08:00-12:00 instead of 08:00-20:00.
    const withSpecial = calendarSchema.parse({
      ...tehran,
      specialHours: [
        { day: "2027-03-19", opens: "09:00", closes: "13:00" },
        { day: "2027-03-16", opens: "08:00", closes: "10:00" },
        { day: "2027-03-16", opens: "11:00", closes: "12:00" },
      ],
      holidays: [...tehran.holidays, { day: "2027-03-20", name: "تعطیل" }],
    });

    it("opens a normally closed Friday within its special ranges only", () => {
      expect(calendarStatus(tehran, new Date("2027-03-19T06:30:00Z"))).toBe("closed"); // 10:00 without special hours
      expect(calendarStatus(withSpecial, new Date("2027-03-19T06:30:00Z"))).toBe("open"); // 10:00
      expect(calendarStatus(withSpecial, new Date("2027-03-19T09:30:00Z"))).toBe("closed"); // 13:00 closes
    });

    it("replaces the weekday's ranges on a short day, gaps included", () => {
      expect(calendarStatus(withSpecial, new Date("2027-03-16T05:00:00Z"))).toBe("open"); // 08:30
      expect(calendarStatus(withSpecial, new Date("2027-03-16T07:00:00Z"))).toBe("closed"); // 10:30, the gap
      expect(calendarStatus(withSpecial, new Date("2027-03-16T08:00:00Z"))).toBe("open"); // 11:30
      expect(calendarStatus(withSpecial, new Date("2027-03-16T12:30:00Z"))).toBe("closed"); // 16:00, open on a normal Tuesday
      expect(calendarStatus(tehran, new Date("2027-03-16T12:30:00Z"))).toBe("open");
    });

    it("leaves the other days to the weekly grid and lets a holiday win", () => {
      expect(calendarStatus(withSpecial, new Date("2027-03-17T12:30:00Z"))).toBe("open"); // Wednesday 16:00
      expect(calendarStatus(withSpecial, new Date("2027-03-20T06:30:00Z"))).toBe("holiday");
    });

    it("reads the special day in the tenant zone (Tehran midnight, not UTC)", () => {
      const night = calendarSchema.parse({ hours: [], specialHours: [{ day: "2027-03-19", opens: "00:00", closes: "01:00" }] });
      expect(calendarStatus(night, new Date("2027-03-18T20:29:00Z"))).toBe("closed"); // 23:59 on the 18th
      expect(calendarStatus(night, new Date("2027-03-18T20:45:00Z"))).toBe("open"); // 00:15 on the 19th
    });
  });
});
