import { describe, expect, it } from "vitest";
import { actualOf, adherenceFor, outOfAdherenceNow, scheduledAt, type ScheduledShift } from "~/modules/wfm/adherence";

const M = 60_000;
const T0 = Date.UTC(2030, 2, 2, 4, 30); // 08:00 Tehran
const at = (minutes: number) => T0 + minutes * M;
/** 08:00-16:00 with a 30-minute meal at 12:00 and a 15-minute break at 10:00. */
const shift: ScheduledShift = {
  id: "s1",
  segments: [{ start: at(0), end: at(480) }],
  breaks: [
    { kind: "short", start: at(120), end: at(135) },
    { kind: "meal", start: at(240), end: at(270) },
  ],
};

describe("adherence", () => {
  it("classifies schedule and state", () => {
    expect(scheduledAt([shift], at(10)).activity).toBe("work");
    expect(scheduledAt([shift], at(125)).activity).toBe("short");
    expect(scheduledAt([shift], at(250)).activity).toBe("meal");
    expect(scheduledAt([shift], at(600)).activity).toBe("off");
    expect(actualOf("busy")).toBe("work");
    expect(actualOf("wrap_up")).toBe("work");
    expect(actualOf("break")).toBe("break");
    expect(actualOf(null)).toBe("offline");
  });

  it("is 100% for an agent who follows the schedule to the minute", () => {
    const r = adherenceFor({
      shifts: [shift],
      states: [
        { at: at(0), state: "available" },
        { at: at(120), state: "break" },
        { at: at(135), state: "available" },
        { at: at(200), state: "busy" },
        { at: at(230), state: "available" },
        { at: at(240), state: "break" },
        { at: at(270), state: "available" },
        { at: at(480), state: "offline" },
      ],
      initialState: "offline",
      from: at(-480),
      to: at(960),
      intervalMinutes: 30,
    });
    expect(r.scheduledMinutes).toBe(480);
    expect(r.scheduledWorkMinutes).toBe(435);
    expect(r.inAdherenceMinutes).toBe(480);
    expect(r.adherence).toBe(1);
    expect(r.conformance).toBe(1);
    expect(r.intervals).toHaveLength(48);
  });

  it("counts a late start, a long meal and overtime: adherence and conformance differ", () => {
    const r = adherenceFor({
      shifts: [shift],
      states: [
        { at: at(15), state: "available" }, // 15 min late
        { at: at(120), state: "break" },
        { at: at(135), state: "available" },
        { at: at(240), state: "break" },
        { at: at(290), state: "available" }, // meal 20 min too long
        { at: at(540), state: "offline" }, // 60 min overtime
      ],
      initialState: "offline",
      from: at(0),
      to: at(720),
      intervalMinutes: 30,
    });
    // Out of adherence: 15 (late) + 20 (meal overrun: scheduled work, on break) = 35 of 480.
    expect(r.inAdherenceMinutes).toBe(445);
    expect(r.adherence).toBeCloseTo(445 / 480, 9);
    // Worked: 15..120 (105) + 135..240 (105) + 290..540 (250) = 460 of 435 scheduled work.
    expect(r.workedMinutes).toBe(460);
    expect(r.conformance).toBeCloseTo(460 / 435, 9);
    const first = r.intervals[0]!;
    expect(first).toMatchObject({ scheduled: "work", scheduledMinutes: 30, adherentMinutes: 15 });
    expect(r.intervals[1]).toMatchObject({ scheduled: "work", actual: "work", adherentMinutes: 30 });
  });

  it("judges a day in progress only up to now, and nothing without a schedule", () => {
    const r = adherenceFor({ shifts: [shift], states: [{ at: at(0), state: "available" }], initialState: null, from: at(0), to: at(960), intervalMinutes: 30, until: at(60) });
    expect(r.scheduledMinutes).toBe(60);
    expect(r.adherence).toBe(1);
    const none = adherenceFor({ shifts: [], states: [{ at: at(0), state: "available" }], initialState: null, from: at(0), to: at(60), intervalMinutes: 30 });
    expect(none.adherence).toBeNull();
    expect(none.conformance).toBeNull();
    expect(none.workedMinutes).toBe(60);
  });

  it("lists who is out of adherence now, beyond the tolerance", () => {
    const agents = [
      // Scheduled to work, offline since the shift began 20 minutes ago.
      { agentId: "late", state: "offline", stateSince: at(-600), shifts: [shift] },
      // Scheduled to work, on break for 3 minutes: within the 5-minute tolerance.
      { agentId: "brief", state: "break", stateSince: at(17), shifts: [shift] },
      // Working as scheduled.
      { agentId: "ok", state: "busy", stateSince: at(5), shifts: [shift] },
      // Not scheduled at all.
      { agentId: "off", state: "offline", stateSince: at(-600), shifts: [] },
    ];
    const rows = outOfAdherenceNow(agents, at(20), 5);
    expect(rows.map((r) => r.agentId)).toEqual(["late"]);
    expect(rows[0]).toMatchObject({ scheduled: "work", actual: "offline", minutes: 20, since: at(0), shiftId: "s1" });
    // During the meal: an idle agent is flagged, one on a call is not.
    const meal = outOfAdherenceNow(
      [
        { agentId: "idle", state: "available", stateSince: at(200), shifts: [shift] },
        { agentId: "call", state: "busy", stateSince: at(235), shifts: [shift] },
      ],
      at(260),
      5,
    );
    expect(meal).toEqual([expect.objectContaining({ agentId: "idle", scheduled: "meal", minutes: 20, since: at(240) })]);
  });
});
