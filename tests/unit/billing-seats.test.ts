import { describe, expect, it } from "vitest";
import { addDays, dayEnd, dayStart, localDay } from "~/modules/billing/days";
import { meterSeatDays, seatIdempotencyKey, seatWindow, type AgentStateChange, type DedicationSpan, type SeatMeterInput } from "~/modules/billing/seats";
import { instantOfLocal } from "~/modules/ivr/calendar";

const TENANT = "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b";
const AGENT = "a0000000-0000-4000-8000-00000000000a";
const TEHRAN = "Asia/Tehran";
const AMSTERDAM = "Europe/Amsterdam";

/** A local wall-clock instant: ("2026-03-10", "08:00") in the zone. */
const local = (day: string, hhmm: string, zone = TEHRAN) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return instantOfLocal(day, h * 60 + m, zone);
};
const change = (day: string, hhmm: string, state: string, zone = TEHRAN): AgentStateChange => ({ at: local(day, hhmm, zone), state });
const ALWAYS: DedicationSpan[] = [{ from: new Date("2026-01-01T00:00:00Z"), until: null }];

const input = (over: Partial<SeatMeterInput>): SeatMeterInput => ({
  tenantId: TENANT,
  agentId: AGENT,
  timeZone: TEHRAN,
  dedications: ALWAYS,
  from: dayStart("2026-03-10", TEHRAN),
  now: local("2026-03-11", "09:00"),
  stateBefore: null,
  changes: [],
  ...over,
});

/** day -> seconds: the shape most assertions care about. */
const perDay = (r: ReturnType<typeof meterSeatDays>) => Object.fromEntries(r.records.map((x) => [x.day, x.quantity]));

describe("local days", () => {
  it("start at local midnight, Tehran (UTC+3:30 all year) and a DST zone alike", () => {
    expect(dayStart("2026-03-10", TEHRAN).toISOString()).toBe("2026-03-09T20:30:00.000Z");
    expect(dayEnd("2026-03-10", TEHRAN).toISOString()).toBe("2026-03-10T20:30:00.000Z");
    // Amsterdam: CET (+1) until 29 March 02:00, CEST (+2) after; back on 25 October.
    expect(dayStart("2026-03-29", AMSTERDAM).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(dayStart("2026-03-30", AMSTERDAM).toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(dayStart("2026-10-26", AMSTERDAM).getTime() - dayStart("2026-10-25", AMSTERDAM).getTime()).toBe(25 * 3600_000);
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });

  it("start at the first minute of the day where the clocks skip midnight itself", () => {
    // Chile springs forward at 24:00 (September 2026: the 6th has no 00:00-00:59).
    const zone = "America/Santiago";
    const start = dayStart("2026-09-06", zone);
    expect(localDay(start, zone)).toBe("2026-09-06");
    expect(localDay(new Date(start.getTime() - 1), zone)).toBe("2026-09-05");
  });
});

describe("meterSeatDays", () => {
  it("counts every state but offline (breaks, contacts, wrap-up) for an ended day, keyed per tenant, agent and day", () => {
    const r = meterSeatDays(
      input({
        changes: [
          change("2026-03-10", "08:00", "available"),
          change("2026-03-10", "10:00", "offered"),
          change("2026-03-10", "10:00", "busy"),
          change("2026-03-10", "10:07", "wrap_up"),
          change("2026-03-10", "10:08", "available"),
          change("2026-03-10", "12:00", "break"),
          change("2026-03-10", "12:30", "available"),
          change("2026-03-10", "17:00", "offline"),
        ],
      }),
    );
    // 08:00 -> 17:00 = 9 h.
    expect(r.records).toEqual([
      {
        tenantId: TENANT,
        agentId: AGENT,
        kind: "seat_hours",
        day: "2026-03-10",
        quantity: 32_400,
        rawQuantity: 32_400,
        idempotencyKey: `${TENANT}:seat:${AGENT}:2026-03-10`,
        occurredAt: new Date("2026-03-09T20:30:00.000Z"),
      },
    ]);
    expect(r.meteredUntil).toEqual(dayStart("2026-03-11", TEHRAN));
    expect(seatIdempotencyKey(TENANT, AGENT, "2026-03-10")).toHaveLength(89);
  });

  it("leaves offline gaps out and keeps whole seconds of the day's total", () => {
    const r = meterSeatDays(
      input({
        changes: [
          change("2026-03-10", "08:00", "available"),
          change("2026-03-10", "10:00", "offline"),
          change("2026-03-10", "11:00", "available"),
          { at: new Date(local("2026-03-10", "12:15").getTime() + 999), state: "offline" },
        ],
      }),
    );
    // 2 h + 1 h 15 min and 0.999 s: the fraction is dropped.
    expect(perDay(r)).toEqual({ "2026-03-10": 11_700 });
  });

  it("splits a span that crosses midnight between the two days", () => {
    const r = meterSeatDays(
      input({
        changes: [change("2026-03-10", "22:00", "available"), change("2026-03-11", "02:30", "offline")],
        now: local("2026-03-12", "01:00"),
      }),
    );
    expect(perDay(r)).toEqual({ "2026-03-10": 7_200, "2026-03-11": 9_000 });
    expect(r.records.map((x) => x.occurredAt.toISOString())).toEqual(["2026-03-09T20:30:00.000Z", "2026-03-10T20:30:00.000Z"]);
  });

  it("takes the state in force before the window (logged in since the day before)", () => {
    const r = meterSeatDays(input({ stateBefore: "available", changes: [change("2026-03-10", "06:00", "offline")] }));
    expect(perDay(r)).toEqual({ "2026-03-10": 6 * 3600 });
  });

  it("bills only the part of the day the agent was dedicated: from mid-day, until mid-day", () => {
    const shift = [change("2026-03-10", "08:00", "available"), change("2026-03-10", "17:00", "offline")];
    const since = meterSeatDays(input({ dedications: [{ from: local("2026-03-10", "12:00"), until: null }], from: null, changes: shift }));
    expect(perDay(since)).toEqual({ "2026-03-10": 5 * 3600 });
    const ended = meterSeatDays(
      input({ dedications: [{ from: new Date("2026-01-01T00:00:00Z"), until: local("2026-03-10", "15:00") }], now: local("2026-03-20", "09:00"), changes: shift }),
    );
    expect(perDay(ended)).toEqual({ "2026-03-10": 7 * 3600 });
    // Nothing to meter after the day the dedication ended: the watermark stops there.
    expect(ended.meteredUntil).toEqual(dayStart("2026-03-11", TEHRAN));
    // Dedicated twice over the same hours, or undedicated and dedicated again the same day: counted once.
    const twice = meterSeatDays(
      input({
        dedications: [
          { from: local("2026-03-10", "07:00"), until: local("2026-03-10", "10:00") },
          { from: local("2026-03-10", "09:00"), until: local("2026-03-10", "11:00") },
          { from: local("2026-03-10", "16:00"), until: null },
        ],
        from: null,
        changes: shift,
      }),
    );
    // 08:00-11:00 and 16:00-17:00.
    expect(perDay(twice)).toEqual({ "2026-03-10": 4 * 3600 });
  });

  it("meters only days that have ended, and resumes at the watermark without repeating a day", () => {
    const changes = [change("2026-03-10", "08:00", "available"), change("2026-03-11", "20:00", "offline")];
    expect(meterSeatDays(input({ changes, now: local("2026-03-10", "23:59") }))).toEqual({ records: [], meteredUntil: null });
    const first = meterSeatDays(input({ changes, now: local("2026-03-11", "00:00") }));
    expect(perDay(first)).toEqual({ "2026-03-10": 16 * 3600 });
    // The next run, the same day: nothing is due.
    expect(meterSeatDays(input({ changes, from: first.meteredUntil, now: local("2026-03-11", "12:00") }))).toEqual({ records: [], meteredUntil: null });
    const second = meterSeatDays(input({ changes, stateBefore: "available", from: first.meteredUntil, now: local("2026-03-12", "00:10") }));
    expect(perDay(second)).toEqual({ "2026-03-11": 20 * 3600 });
    expect(seatWindow({ timeZone: TEHRAN, dedications: ALWAYS, from: second.meteredUntil, now: local("2026-03-12", "00:10") })).toBeNull();
  });

  it("gives no record for a day without logged-in time (and none for an agent never dedicated)", () => {
    const r = meterSeatDays(input({ changes: [change("2026-03-11", "08:00", "available"), change("2026-03-11", "09:00", "offline")], now: local("2026-03-13", "09:00") }));
    expect(perDay(r)).toEqual({ "2026-03-11": 3600 });
    expect(meterSeatDays(input({ dedications: [], stateBefore: "available" }))).toEqual({ records: [], meteredUntil: null });
  });

  it("follows a DST zone's days: 23 hours in spring, 25 in autumn", () => {
    const spring = meterSeatDays(
      input({ timeZone: AMSTERDAM, stateBefore: "available", from: dayStart("2026-03-28", AMSTERDAM), now: dayStart("2026-03-31", AMSTERDAM) }),
    );
    expect(perDay(spring)).toEqual({ "2026-03-28": 86_400, "2026-03-29": 82_800, "2026-03-30": 86_400 });
    expect(spring.records.map((x) => x.occurredAt.toISOString())).toEqual(["2026-03-27T23:00:00.000Z", "2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z"]);
    const autumn = meterSeatDays(
      input({
        timeZone: AMSTERDAM,
        from: dayStart("2026-10-25", AMSTERDAM),
        now: dayStart("2026-10-26", AMSTERDAM),
        // 01:00 to 04:00 local on the night the clocks go back: 4 hours of wall time that are 3 + 1.
        changes: [change("2026-10-25", "01:00", "available", AMSTERDAM), change("2026-10-25", "04:00", "offline", AMSTERDAM)],
      }),
    );
    expect(perDay(autumn)).toEqual({ "2026-10-25": 4 * 3600 });
    // A Tehran day is always 24 h: no DST since 2022.
    const tehran = meterSeatDays(input({ stateBefore: "available", from: dayStart("2026-03-21", TEHRAN), now: dayStart("2026-03-23", TEHRAN) }));
    expect(perDay(tehran)).toEqual({ "2026-03-21": 86_400, "2026-03-22": 86_400 });
  });
});
