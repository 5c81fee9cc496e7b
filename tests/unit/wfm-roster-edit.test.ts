import { beforeAll, describe, expect, it } from "vitest";
import { loadHighs, type Highs } from "~/modules/wfm/highs";
import { solveRoster, type RosterInput } from "~/modules/wfm/roster";
import { applyEdit, coverageHoles, evaluateShifts, ruleViolations, shiftsHitByLeave, withLeave, type StoredShift } from "~/modules/wfm/roster-edit";

let highs: Highs;
let input: RosterInput;
let shifts: StoredShift[];
beforeAll(async () => {
  highs = await loadHighs();
  const need = new Array<number>(336).fill(0);
  // One head 07:00-23:00 Saturday to Wednesday.
  for (let d = 0; d < 5; d++) for (let t = 14; t < 46; t++) need[d * 48 + t] = 1;
  input = {
    requirements: [{ queueId: "q", required: need, inSeat: need.map((v) => v * 0.9) }],
    agents: ["a", "b", "c"].map((id) => ({ id, queues: ["q"], contractId: "ft" })),
    contracts: [{ id: "ft", maxWeeklyMinutes: 2640, minShiftMinutes: 480, maxShiftMinutes: 480, maxNightShifts: 2, minRestMinutes: 720 }],
    templates: [
      { id: "m", segments: [{ startMinute: 420, durationMinutes: 480 }], breaks: [{ kind: "meal", durationMinutes: 30, earliestStartOffset: 180, latestEndOffset: 330 }] },
      { id: "e", segments: [{ startMinute: 900, durationMinutes: 480 }], breaks: [{ kind: "meal", durationMinutes: 30, earliestStartOffset: 180, latestEndOffset: 330 }] },
    ],
  };
  const r = await solveRoster(input, { highs, timeLimitSeconds: 4 });
  shifts = r.shifts.map((s, i) => ({ ...s, id: `s${i}` }));
});

let n = 0;
const newId = () => `new${n++}`;

describe("hand edits of a roster", () => {
  it("starts from a legal roster covering the requirement", () => {
    expect(ruleViolations(input, shifts)).toEqual([]);
    expect(shifts.length).toBe(10);
  });

  it("refuses a second shift on a day, and a shift breaking the 12-hour rest", () => {
    const s = shifts.find((x) => x.templateId === "m")!;
    const twice = applyEdit(input, shifts, { kind: "add", agentId: s.agentId, day: s.day, templateId: "e" }, newId);
    expect(twice.ok).toBe(true);
    if (!twice.ok) return;
    expect(ruleViolations(input, twice.shifts).map((v) => v.code)).toContain("twoShiftsOneDay");
    // An evening shift the day before a morning shift: 15:00-23:00 then 07:00 is 8 h of rest.
    const before = s.day > 0 && !shifts.some((x) => x.agentId === s.agentId && x.day === s.day - 1) ? s.day - 1 : null;
    if (before !== null) {
      const rest = applyEdit(input, shifts, { kind: "add", agentId: s.agentId, day: before, templateId: "e" }, newId);
      expect(rest.ok && ruleViolations(input, rest.shifts).map((v) => v.code)).toContain("rest");
    }
    expect(applyEdit(input, shifts, { kind: "remove", shiftId: "nope" }, newId)).toEqual({ ok: false, error: "unknownShift" });
    expect(applyEdit(input, shifts, { kind: "add", agentId: "zz", day: 0, templateId: "m" }, newId)).toEqual({ ok: false, error: "unknownAgent" });
  });

  it("moves a shift with fresh breaks inside their windows, and recomputes coverage", () => {
    const s = shifts[0]!;
    const other = s.templateId === "m" ? "e" : "m";
    const moved = applyEdit(input, shifts, { kind: "move", shiftId: s.id, day: s.day, templateId: other }, newId);
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    const m = moved.changed[0]!;
    expect(m.id).toBe(s.id);
    expect(m.templateId).toBe(other);
    expect(m.breaks).toHaveLength(1);
    expect(m.breaks[0]!.start).toBeGreaterThanOrEqual(m.segments[0]!.start + 180);
    const removed = applyEdit(input, shifts, { kind: "remove", shiftId: s.id }, newId);
    expect(removed.ok).toBe(true);
    if (!removed.ok) return;
    const was = evaluateShifts(highs, input, shifts, { lpBound: 0, status: "optimal" });
    const now = evaluateShifts(highs, input, removed.shifts, { lpBound: 0, status: "optimal" });
    const total = (c: typeof was.coverage) => c[0]!.staffed.reduce((a, b) => a + b, 0);
    expect(total(was.coverage) - total(now.coverage)).toBeCloseTo(15, 6); // 8 h less 30 min meal
    const holes = coverageHoles(was.coverage, now.coverage, { queues: new Set(["q"]) });
    expect(holes.length).toBeGreaterThan(0);
    expect(holes.every((h) => h.staffed < h.required)).toBe(true);
    expect(coverageHoles(was.coverage, now.coverage, { queues: new Set(["other"]) })).toEqual([]);
  });

  it("swaps two agents' shifts, keeping every rule", () => {
    const a = shifts.find((x) => x.agentId === "a")!;
    const b = shifts.find((x) => x.agentId !== "a" && x.day !== a.day && !shifts.some((y) => y.agentId === "a" && y.day === x.day) && !shifts.some((y) => y.agentId === x.agentId && y.day === a.day));
    if (!b) return;
    const swapped = applyEdit(input, shifts, { kind: "swap", shiftId: a.id, otherShiftId: b.id }, newId);
    expect(swapped.ok).toBe(true);
    if (!swapped.ok) return;
    expect(swapped.changed.find((x) => x.id === a.id)!.agentId).toBe(b.agentId);
    expect(swapped.changed.find((x) => x.id === b.id)!.agentId).toBe("a");
  });

  it("applies leave: days to leave days, hours to unavailability, and finds the shifts it hits", () => {
    const s = shifts[0]!;
    const leave = { days: [s.day], windows: [] };
    expect(shiftsHitByLeave(shifts, s.agentId, leave).map((x) => x.id)).toContain(s.id);
    const after = withLeave(input, s.agentId, leave);
    expect(after.agents.find((a) => a.id === s.agentId)!.leaveDays).toEqual([s.day]);
    expect(ruleViolations(after, shifts).map((v) => v.code)).toContain("leave");
    const hours = { days: [], windows: [{ day: s.day, fromMinute: s.segments[0]!.start - s.day * 1440 + 60, toMinute: s.segments[0]!.start - s.day * 1440 + 120 }] };
    expect(shiftsHitByLeave(shifts, s.agentId, hours).map((x) => x.id)).toEqual([s.id]);
    expect(ruleViolations(withLeave(input, s.agentId, hours), shifts).map((v) => v.code)).toContain("unavailable");
  });
});
