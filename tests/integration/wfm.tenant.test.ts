import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeQueues } from "~/modules/platform/queues.server";
import { tenantStaffingPlan } from "~/modules/wfm/portal.server";
import { handleRosterRun, publishRoster, startRosterRun } from "~/modules/wfm/roster.server";
import { addDays } from "~/modules/wfm/time";
import { closeHub } from "~/modules/realtime/bus.server";
import { closeFactories, uniq } from "../setup/factories";
import { staffCtx } from "./bureau.helpers";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";
import { makeTemplatesAndContract, TZ, waitForRun, writeForecast } from "./wfm.helpers";

/**
 * The client portal's staffing plan: a tenant whose queues share agents with another tenant's sees
 * its own queues' numbers only (pooled with the other's, as the roster plans them), and nothing
 * about agents: no id, name or employee code.
 */
const WEEK = "2031-03-22";
let a: { id: string };
let b: { id: string };
let qa: { id: string; tenant_id: string };
let qb: { id: string; tenant_id: string };
const agentMarks: string[] = [];

afterAll(async () => {
  await closeHub();
  await closeQueues();
  await owner.destroy();
  await closeFactories();
});

beforeAll(async () => {
  a = await makeTenant();
  b = await makeTenant();
  qa = await makeQueue(a.id, { key: `qa${uniq()}` });
  qb = await makeQueue(b.id, { key: `qb${uniq()}` });
  const rules = await makeTemplatesAndContract();
  for (let i = 0; i < 3; i++) {
    // Each agent serves both tenants' queues: one pool across the two clients.
    const agent = await makeAgent([qa, qb], { state: "offline" });
    await owner.insertInto("wfm_agent_profiles").values({ agent_id: agent.id, contract_id: rules.contractId }).execute();
    const row = await owner.selectFrom("agents").innerJoin("users", "users.id", "agents.user_id").select(["agents.employee_code", "users.name", "users.email"]).where("agents.user_id", "=", agent.id).executeTakeFirstOrThrow();
    agentMarks.push(agent.id, row.employee_code, row.name, row.email);
  }
  for (const week of [WEEK, addDays(WEEK, 7)]) {
    await writeForecast(a.id, qa.id, week, 2);
    await writeForecast(b.id, qb.id, week, 3);
  }
  const planner = await staffCtx(["wfm_planner"]);
  const { runId } = await startRosterRun(planner, { weekStart: WEEK, timeLimitSeconds: 3 });
  const running = handleRosterRun(runId);
  const { run } = await waitForRun(runId);
  await running;
  await publishRoster(planner, run.rosterId!);
});

describe("the client's staffing plan", () => {
  it("shows its own queues only, against the published roster, with no agent data", async () => {
    const plan = await tenantStaffingPlan({ id: a.id, timeZone: TZ }, WEEK);
    expect(plan.published).toBe(true);
    expect(plan.queues.map((q) => q.queueId)).toEqual([qa.id]);
    const q = plan.queues[0]!;
    expect(q.contacts).toHaveLength(336);
    const peak = 10 * 2; // Saturday 10:00
    expect(q.contacts[peak]).toBe(2);
    expect(q.required[peak]).toBeGreaterThan(0);
    expect(q.scheduled).not.toBeNull();
    expect(q.projectedServiceLevel![peak]).not.toBeNull();
    expect(q.projectedServiceLevel![2]).toBeNull(); // 01:00, no contacts
    expect(q.daily).toHaveLength(7);
    expect(q.daily[0]!.contacts).toBe(48);
    const text = JSON.stringify(plan);
    for (const mark of agentMarks) expect(text).not.toContain(mark);
    expect(text).not.toContain(qb.id);
    expect(text).not.toContain(b.id);
  });

  it("before a roster is published, shows the requirement alone", async () => {
    const plan = await tenantStaffingPlan({ id: b.id, timeZone: TZ }, addDays(WEEK, 7));
    expect(plan.published).toBe(false);
    expect(plan.queues.map((q) => q.queueId)).toEqual([qb.id]);
    expect(plan.queues[0]!.scheduled).toBeNull();
    expect(Math.max(...plan.queues[0]!.required)).toBeGreaterThan(0);
    expect(JSON.stringify(plan)).not.toContain(qa.id);
  });
});
