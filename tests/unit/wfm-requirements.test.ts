import { describe, expect, it } from "vitest";
import { agentsRequired } from "~/modules/wfm/erlang";
import { buildRequirements, MIN_ABANDONS_FOR_PATIENCE, patienceFromHistory, priorityWeight } from "~/modules/wfm/requirements";
import { onGrid, utcToWeekMinute, weekGrid, weekMinuteToUtc, weekStartOf, isWeekStart } from "~/modules/wfm/week";

describe("patience from the abandon history", () => {
  it("is total waiting time over abandons (answered waits are censored patience)", () => {
    // 100 contacts waited 3000 s in all; 25 abandoned: mean patience 120 s, not the abandoned ones' mean wait.
    expect(patienceFromHistory({ abandoned: 25, waitSeconds: 3000, contacts: 100 })).toBe(120);
    expect(patienceFromHistory({ abandoned: MIN_ABANDONS_FOR_PATIENCE - 1, waitSeconds: 3000, contacts: 100 })).toBeNull();
    expect(patienceFromHistory({ abandoned: 30, waitSeconds: 1e9, contacts: 100 })).toBe(7200);
  });
});

describe("requirements", () => {
  const interval = 30;
  const flat = (v: number) => new Array<number>(4).fill(v);
  it("sizes a lone queue like the calculator, with shrinkage in the heads", () => {
    const r = buildRequirements({
      intervalMinutes: interval,
      queues: [{ queueId: "a", slTarget: 0.8, slThresholdSeconds: 20, patienceSeconds: null, contacts: flat(100), ahtSeconds: flat(180) }],
      eligibility: [["a"]],
      shrinkage: 0.3,
      maxOccupancy: 0.85,
    });
    const alone = agentsRequired({ contacts: 100, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, thresholdSeconds: 20, maxOccupancy: 0.85 });
    expect(r.queues[0]!.standalone[0]).toBe(alone.agents);
    expect(r.queues[0]!.heads[0]).toBe(Math.ceil(alone.agents / 0.7 - 1e-9));
    expect(r.roster[0]!.required).toEqual(r.queues[0]!.heads);
    expect(r.roster[0]!.inSeat![0]).toBeCloseTo(alone.agents, 6);
    expect(r.queues[0]!.model).toBe("erlangC");
  });

  it("pools queues that share agents and sizes Erlang A where patience is known", () => {
    const queues = ["a", "b"].map((id) => ({ queueId: id, slTarget: 0.8, slThresholdSeconds: 20, patienceSeconds: id === "b" ? 120 : null, priority: id === "a" ? 9 : 5, contacts: flat(40), ahtSeconds: flat(200) }));
    const apart = buildRequirements({ intervalMinutes: interval, queues, eligibility: [["a"], ["b"]], shrinkage: 0, maxOccupancy: 1 });
    const shared = buildRequirements({ intervalMinutes: interval, queues, eligibility: [["a", "b"]], shrinkage: 0, maxOccupancy: 1 });
    expect(apart.pools).toHaveLength(2);
    expect(shared.pools).toHaveLength(1);
    const sum = (r: typeof apart) => r.queues.reduce((s, q) => s + q.agents[0]!, 0);
    expect(sum(shared)).toBeLessThan(sum(apart));
    expect(shared.queues[1]!.model).toBe("erlangA");
    expect(shared.roster[0]!.weight).toBeCloseTo(priorityWeight(9), 9);
  });
});

describe("the roster week on the clock", () => {
  const TZ = "Asia/Tehran";
  it("starts on Saturday 00:00 Tehran and maps week minutes both ways", () => {
    expect(isWeekStart("2030-03-02")).toBe(true);
    expect(isWeekStart("2030-03-03")).toBe(false);
    const g = weekGrid("2030-03-02", TZ, 30);
    expect(g.intervals).toHaveLength(336);
    expect(g.start.toISOString()).toBe("2030-03-01T20:30:00.000Z");
    expect(g.end.toISOString()).toBe("2030-03-08T20:30:00.000Z");
    expect(weekMinuteToUtc("2030-03-02", 7 * 60, TZ).toISOString()).toBe("2030-03-02T03:30:00.000Z");
    // A Friday night shift's end, past the week: 10080 + 420.
    expect(weekMinuteToUtc("2030-03-02", 6 * 1440 + 31 * 60, TZ).toISOString()).toBe("2030-03-09T03:30:00.000Z");
    expect(utcToWeekMinute(new Date("2030-03-02T03:30:00Z"), "2030-03-02", TZ)).toBe(420);
    expect(utcToWeekMinute(new Date("2030-03-01T18:30:00Z"), "2030-03-02", TZ)).toBe(-120);
    expect(weekStartOf(new Date("2030-03-08T20:29:00Z"), TZ)).toBe("2030-03-02");
    expect(weekStartOf(new Date("2030-03-08T20:30:00Z"), TZ)).toBe("2030-03-09");
  });

  it("lays points on the grid by instant, summing when asked", () => {
    const g = weekGrid("2030-03-02", TZ, 30);
    const values = onGrid(g, [{ start: g.intervals[3]!, value: 2 }, { start: new Date(g.intervals[3]!.getTime() + 15 * 60_000), value: 5 }, { start: new Date(0), value: 9 }], 0, (a, b) => a + b);
    expect(values[3]).toBe(7);
    expect(values.reduce((s, v) => s + v, 0)).toBe(7);
  });
});
