import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withBureauScope } from "~/modules/tenancy/scope.server";
import { adherenceDay, outOfAdherenceNow } from "~/modules/wfm/adherence.server";
import type { RosterInput, RosterResult } from "~/modules/wfm/roster-types";
import { storeRoster } from "~/modules/wfm/roster.server";
import { localToUtc } from "~/modules/wfm/time";
import { closeFactories } from "../setup/factories";
import { staffCtx } from "./bureau.helpers";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";
import { makeTemplatesAndContract, TZ } from "./wfm.helpers";

/**
 * Adherence from seeded agent_state_events against a published roster: exact minutes for a day
 * (late start, a long meal, a call in between), and the live out-of-adherence list.
 */
const WEEK = "2031-03-15";
let planner: Awaited<ReturnType<typeof staffCtx>>;
let punctual: { id: string };
let absent: { id: string };
const local = (hhmm: string, date = WEEK) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return localToUtc(date, h * 60 + m, TZ);
};

afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

beforeAll(async () => {
  planner = await staffCtx(["wfm_planner"]);
  const tenant = await makeTenant();
  const queue = await makeQueue(tenant.id);
  const rules = await makeTemplatesAndContract();
  punctual = await makeAgent([queue], { state: "offline" });
  absent = await makeAgent([queue], { state: "offline" });
  // Saturday 07:00-15:00, a short break at 08:00 and the meal at 11:00 (week minutes).
  const shift = (agentId: string) => ({
    agentId,
    day: 0,
    templateId: rules.morning,
    segments: [{ start: 420, end: 900 }],
    breaks: [
      { kind: "short" as const, start: 480, end: 495 },
      { kind: "meal" as const, start: 660, end: 690 },
    ],
    paidMinutes: 480,
    night: false,
  });
  const input: RosterInput = { requirements: [], agents: [punctual, absent].map((a) => ({ id: a.id, queues: [queue.id], contractId: rules.contractId })), contracts: [{ id: rules.contractId, maxWeeklyMinutes: 2640, minShiftMinutes: 480, maxShiftMinutes: 480, maxNightShifts: 2 }], templates: [] };
  const result = { shifts: [shift(punctual.id), shift(absent.id)], coverage: [], report: { status: "optimal", hardViolations: [], objective: 0, lpBound: 0, gapToLpBound: 0, timingsMs: {} } } as unknown as RosterResult;
  const rosterId = await withBureauScope((trx) => storeRoster(trx, { weekStart: WEEK, timeZone: TZ, input, result, solver: "highs", runId: null, createdBy: null }));
  await owner.updateTable("wfm_rosters").set({ status: "published", published_at: new Date() }).where("id", "=", rosterId).execute();
  const events: [string, string][] = [
    ["07:10", "available"], // 10 minutes late
    ["08:00", "break"],
    ["08:15", "available"],
    ["10:00", "offered"],
    ["10:00", "busy"],
    ["10:20", "wrap_up"],
    ["10:22", "available"],
    ["11:00", "break"],
    ["11:40", "available"], // the meal 10 minutes too long
    ["15:00", "offline"],
  ];
  await owner.insertInto("agent_state_events").values({ agent_id: punctual.id, state: "offline", at: local("22:00", "2031-03-14") }).execute();
  for (const [t, state] of events) await owner.insertInto("agent_state_events").values({ agent_id: punctual.id, state, at: local(t) }).execute();
});

describe("adherence", () => {
  it("computes adherence and conformance per agent for the day from the state events", async () => {
    const day = await adherenceDay(planner, WEEK, { now: local("12:00", "2031-03-16") });
    expect(day.published).toBe(true);
    const p = day.agents.find((a) => a.agentId === punctual.id)!;
    expect(p.scheduledMinutes).toBe(480);
    expect(p.scheduledWorkMinutes).toBe(435);
    expect(p.inAdherenceMinutes).toBe(460);
    expect(p.adherence).toBeCloseTo(460 / 480, 9);
    // Worked 07:10-08:00, 08:15-11:00 and 11:40-15:00.
    expect(p.workedMinutes).toBe(415);
    expect(p.conformance).toBeCloseTo(415 / 435, 9);
    expect(p.intervals).toHaveLength(48);
    expect(p.intervals[14]).toMatchObject({ scheduled: "work", scheduledMinutes: 30, adherentMinutes: 20 }); // 07:00-07:30
    const a = day.agents.find((x) => x.agentId === absent.id)!;
    expect(a.adherence).toBe(0);
    expect(a.conformance).toBe(0);
    // Worst first.
    expect(day.agents[0]!.agentId).toBe(absent.id);
    // A day in progress is judged up to now only.
    const morning = await adherenceDay(planner, WEEK, { now: local("09:00"), agentId: punctual.id });
    expect(morning.agents[0]!.scheduledMinutes).toBe(120);
    expect(morning.agents[0]!.inAdherenceMinutes).toBe(110);
  });

  it("lists who is out of adherence now, beyond the tolerance", async () => {
    await owner.updateTable("agent_states").set({ state: "available", since: local("08:15") }).where("agent_id", "=", punctual.id).execute();
    await owner.updateTable("agent_states").set({ state: "offline", since: local("22:00", "2031-03-14") }).where("agent_id", "=", absent.id).execute();
    const nine = await outOfAdherenceNow(planner, { now: local("09:00") });
    expect(nine.scheduledNow).toBeGreaterThanOrEqual(2);
    const mine = nine.rows.filter((r) => r.agentId === punctual.id || r.agentId === absent.id);
    expect(mine).toEqual([expect.objectContaining({ agentId: absent.id, scheduled: "work", actual: "offline", minutes: 120, since: local("07:00").toISOString() })]);
    // Still on the meal 8 minutes after it ended.
    await owner.updateTable("agent_states").set({ state: "break", since: local("11:00") }).where("agent_id", "=", punctual.id).execute();
    const late = await outOfAdherenceNow(planner, { now: local("11:38") });
    expect(late.rows.find((r) => r.agentId === punctual.id)).toMatchObject({ scheduled: "work", actual: "break", minutes: 8 });
    const within = await outOfAdherenceNow(planner, { now: local("11:33") });
    expect(within.rows.find((r) => r.agentId === punctual.id)).toBeUndefined();
  });

  it("needs a WFM permission", async () => {
    const agent = await staffCtx(["agent"]);
    await expect(adherenceDay(agent, WEEK)).rejects.toThrow(/permission denied/);
  });
});
