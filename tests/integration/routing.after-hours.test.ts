import { afterAll, describe, expect, it } from "vitest";
import { applyIvrActions } from "~/modules/routing/ivr-bridge.server";
import { makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

// Friday 12:00 in Tehran: the demo week is closed (Sat-Wed 08-20, Thu 08-14).
const FRIDAY_NOON = new Date("2026-12-11T08:30:00Z");
const SATURDAY_OPENING = "2026-12-12T04:30:00.000Z";
const SUNDAY_TEN = new Date("2026-12-13T06:30:00Z");

async function closedOnFridays(afterHours: string) {
  const t = await makeTenant();
  await owner
    .insertInto("tenant_business_hours")
    .values([6, 0, 1, 2, 3, 4].map((weekday) => ({ tenant_id: t.id, weekday, opens_at: "08:00", closes_at: weekday === 4 ? "14:00" : "20:00" })))
    .execute();
  const q = await makeQueue(t.id, { key: "support" });
  await owner.updateTable("queues").set({ after_hours: afterHours }).where("tenant_id", "=", t.id).where("id", "=", q.id).execute();
  await makeAgent([q]);
  return { t, q };
}

const enqueueAction: Parameters<typeof applyIvrActions>[2] = [
  { type: "enqueue", queueId: "support", holdPrompt: [], musicUrl: null, announcePosition: false, announceWait: false, announceEverySeconds: null },
];

describe("a queue after hours", () => {
  it("keeps the caller's number as a callback due when the tenant opens, instead of queueing", async () => {
    const { t } = await closedOnFridays("callback");
    const call = await makeCall(t.id);
    const result = await applyIvrActions(t.id, call.id, enqueueAction, { now: FRIDAY_NOON });
    expect(result).toMatchObject({ contactId: null, offer: null, afterHours: { action: "callback", endSimulatedCall: true } });
    const task = await owner.selectFrom("callback_tasks").selectAll().where("interaction_id", "=", call.id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ reason: "after_hours", number: "+989121234567", status: "open" });
    expect(task.due_at.toISOString()).toBe(SATURDAY_OPENING);
    expect(await owner.selectFrom("routing_contacts").select("id").where("interaction_id", "=", call.id).execute()).toEqual([]);
    const interaction = await owner.selectFrom("interactions").select(["state"]).where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(interaction.state).toBe("callback");
    const events = await owner.selectFrom("interaction_events").select(["type", "data"]).where("interaction_id", "=", call.id).execute();
    expect(events).toEqual([{ type: "routing.afterHours", data: expect.objectContaining({ action: "callback", queueKey: "support", callbackDueAt: SATURDAY_OPENING }) }]);
  });

  it("plays the closed message and keeps nothing with 'message'", async () => {
    const { t } = await closedOnFridays("message");
    const call = await makeCall(t.id);
    const result = await applyIvrActions(t.id, call.id, enqueueAction, { now: FRIDAY_NOON });
    expect(result.afterHours?.action).toBe("message");
    expect(await owner.selectFrom("callback_tasks").select("id").where("interaction_id", "=", call.id).execute()).toEqual([]);
    expect((await owner.selectFrom("interactions").select("state").where("id", "=", call.id).executeTakeFirstOrThrow()).state).toBe("completed");
  });

  it("queues as usual when the queue keeps queueing after hours, or when the tenant is open", async () => {
    const keeps = await closedOnFridays("queue");
    const late = await makeCall(keeps.t.id);
    expect((await applyIvrActions(keeps.t.id, late.id, enqueueAction, { now: FRIDAY_NOON })).offer).not.toBeNull();
    const open = await closedOnFridays("callback");
    const inHours = await makeCall(open.t.id);
    const result = await applyIvrActions(open.t.id, inHours.id, enqueueAction, { now: SUNDAY_TEN });
    expect(result.afterHours).toBeNull();
    expect(result.offer).not.toBeNull();
  });
});
