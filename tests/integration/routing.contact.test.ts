import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { acceptOffer, enqueue, matchAgent } from "~/modules/routing/acd.server";
import {
  callerHungUp,
  endContact,
  escalateContact,
  finishWrapUp,
  holdContact,
  resolveEscalation,
  resumeContact,
  transferToAgent,
  transferToQueue,
} from "~/modules/routing/contact.server";
import { overflowDue, queueDueCallbacks, sweep } from "~/modules/routing/sweep.server";
import { makeUser } from "../setup/factories";
import { agentState, contactRow, makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

const eventsOf = async (interactionId: string) =>
  (await owner.selectFrom("interaction_events").select("type").where("interaction_id", "=", interactionId).orderBy("seq").execute()).map((e) => e.type);

async function connected() {
  const t = await makeTenant();
  const q = await makeQueue(t.id, { key: "general" });
  const agent = await makeAgent([q]);
  const call = await makeCall(t.id);
  const { contactId, offer } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "general" });
  expect(offer?.agentId).toBe(agent.id);
  await acceptOffer(agent.id, contactId);
  const solved = await owner.insertInto("dispositions").values({ tenant_id: t.id, code: "solved", name: "Solved", resolved: true }).returning("id").executeTakeFirstOrThrow();
  return { t, q, agent, call, contactId, solved, author: { userId: agent.id, label: agent.email } };
}

describe("a contact after an agent takes it", () => {
  it("holds, resumes, ends into wrap-up, and needs a disposition before the agent is free again", async () => {
    const { t, agent, call, contactId, solved, author } = await connected();
    await holdContact(agent.id);
    expect((await agentState(agent.id)).state).toBe("on_hold");
    await resumeContact(agent.id);
    await endContact(agent.id);
    const st = await agentState(agent.id);
    expect(st.state).toBe("wrap_up");
    expect(st.wrapup_until).toBeInstanceOf(Date);
    expect((await contactRow(contactId)).status).toBe("completed");

    const other = await owner.insertInto("dispositions").values({ tenant_id: (await makeTenant()).id, code: "x", name: "X" }).returning("id").executeTakeFirstOrThrow();
    await expect(finishWrapUp(agent.id, author, { dispositionId: other.id, notes: "" })).rejects.toMatchObject({ key: "dispositionRequired" });
    expect((await agentState(agent.id)).state).toBe("wrap_up");

    const callbackAt = new Date(Date.now() + 3_600_000);
    await finishWrapUp(agent.id, author, { dispositionId: solved.id, notes: "Customer asked about roaming.", callbackAt });
    expect((await agentState(agent.id)).state).toBe("available");
    const interaction = await owner.selectFrom("interactions").selectAll().where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(interaction).toMatchObject({ state: "completed", disposition_id: solved.id, wrapup_notes: "Customer asked about roaming." });
    const task = await owner.selectFrom("callback_tasks").selectAll().where("tenant_id", "=", t.id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ reason: "agent", number: "+989121234567", status: "open" });
    expect(task.due_at.getTime()).toBe(callbackAt.getTime());
    expect(await eventsOf(call.id)).toEqual([
      "routing.queued",
      "routing.offered",
      "routing.connected",
      "contact.held",
      "contact.resumed",
      "contact.ended",
      "contact.disposed",
    ]);
  });

  it("escalates with the note; the team leader returns it or takes it over", async () => {
    const { agent, call, author } = await connected();
    const leader = await makeUser({ staffRoles: ["team_leader"] });
    await escalateContact(agent.id, author, "Customer wants a refund above my limit");
    expect((await agentState(agent.id)).state).toBe("escalation");
    await resolveEscalation({ userId: leader.id, label: leader.email }, agent.id, "return", "Offer 20% credit");
    expect((await agentState(agent.id)).state).toBe("busy");
    await escalateContact(agent.id, author, "Still unhappy");
    await resolveEscalation({ userId: leader.id, label: leader.email }, agent.id, "takeOver", "");
    expect((await agentState(agent.id)).state).toBe("wrap_up");
    const interaction = await owner.selectFrom("interactions").select(["escalated_to"]).where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(interaction.escalated_to).toBe(leader.id);
    const notes = await owner.selectFrom("interaction_notes").select(["body", "author_id"]).where("interaction_id", "=", call.id).orderBy("created_at").execute();
    expect(notes.map((n) => n.body)).toEqual(["Customer wants a refund above my limit", "Offer 20% credit", "Still unhappy"]);
  });

  it("transfers to another queue with the note, keeping the original wait", async () => {
    const { t, agent, call, contactId, author } = await connected();
    const billing = await makeQueue(t.id, { key: "billing" });
    const specialist = await makeAgent([billing], { idleSecondsAgo: 5 });
    const original = (await contactRow(contactId)).enqueued_at;
    const moved = await transferToQueue(agent.id, author, "billing", "Needs an invoice copy");
    expect(moved.offer?.agentId).toBe(specialist.id);
    expect((await contactRow(moved.contactId)).enqueued_at).toEqual(original);
    expect((await agentState(agent.id)).state).toBe("wrap_up");
    expect(await eventsOf(call.id)).toContain("contact.transferred");
  });

  it("transfers to a named colleague who serves the queue, and refuses one who cannot take it, changing nothing", async () => {
    const { q, agent, call, author } = await connected();
    const busyColleague = await makeAgent([q], { state: "break" });
    await expect(transferToAgent(agent.id, author, busyColleague.id, "x")).rejects.toMatchObject({ key: "illegal" });
    expect((await agentState(agent.id)).state).toBe("busy");
    const colleague = await makeAgent([q], { idleSecondsAgo: 1 });
    const offer = await transferToAgent(agent.id, author, colleague.id, "Knows the billing system");
    expect(offer.agentId).toBe(colleague.id);
    expect((await agentState(colleague.id)).state).toBe("offered");
    expect((await agentState(agent.id)).state).toBe("wrap_up");
    const notes = await owner.selectFrom("interaction_notes").select("body").where("interaction_id", "=", call.id).execute();
    expect(notes.map((n) => n.body)).toContain("Knows the billing system");
    expect(await eventsOf(call.id)).toContain("contact.transferred");
  });

  it("handles the caller hanging up while waiting, while ringing, and while talking", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    const waitingCall = await makeCall(t.id);
    const w = await enqueue({ tenantId: t.id, interactionId: waitingCall.id, queueKey: "general" });
    await callerHungUp(t.id, waitingCall.id);
    expect((await contactRow(w.contactId)).status).toBe("abandoned");
    await callerHungUp(t.id, waitingCall.id); // a repeated status callback changes nothing

    const agent = await makeAgent([q]);
    const ringing = await makeCall(t.id);
    const r = await enqueue({ tenantId: t.id, interactionId: ringing.id, queueKey: "general" });
    expect(r.offer?.agentId).toBe(agent.id);
    await callerHungUp(t.id, ringing.id);
    expect((await contactRow(r.contactId)).status).toBe("abandoned");
    expect((await agentState(agent.id)).state).toBe("available");

    const talking = await makeCall(t.id);
    const c = await enqueue({ tenantId: t.id, interactionId: talking.id, queueKey: "general" });
    await acceptOffer(agent.id, c.contactId);
    await callerHungUp(t.id, talking.id);
    expect((await agentState(agent.id)).state).toBe("wrap_up");
    expect((await contactRow(c.contactId)).status).toBe("completed");
  });
});

describe("the routing timer", () => {
  it("overflows a contact past max wait to a callback task that keeps the number, then routes it as a callback", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general", max_wait_seconds: 60 });
    const call = await makeCall(t.id);
    const { contactId } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "general" });
    await owner.updateTable("routing_contacts").set({ enqueued_at: sql`now() - interval '61 seconds'` }).where("id", "=", contactId).execute();
    expect(await overflowDue(100, { tenantIds: [t.id] })).toBe(1);
    expect((await contactRow(contactId)).status).toBe("overflowed");
    const task = await owner.selectFrom("callback_tasks").selectAll().where("interaction_id", "=", call.id).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ reason: "overflow", number: "+989121234567", status: "open", queue_id: q.id });
    expect(await overflowDue(100, { tenantIds: [t.id] })).toBe(0);

    const agent = await makeAgent([q]);
    expect(await queueDueCallbacks(undefined, 50, { tenantIds: [t.id] })).toBe(1);
    expect((await owner.selectFrom("callback_tasks").select("status").where("id", "=", task.id).executeTakeFirstOrThrow()).status).toBe("queued");
    const st = await agentState(agent.id);
    expect(st.state).toBe("offered");
    const offered = await contactRow(st.contact_id!);
    expect(offered.kind).toBe("callback");
    const outbound = await owner.selectFrom("interactions").selectAll().where("id", "=", offered.interaction_id).executeTakeFirstOrThrow();
    expect(outbound).toMatchObject({ direction: "outbound", to_number: "+989121234567" });
  });

  it("overflows to another queue keeping the wait, and the sweep picks up contacts a lock made a trigger skip", async () => {
    const t = await makeTenant();
    const spill = await makeQueue(t.id, { key: "spill" });
    const main = await owner
      .insertInto("queues")
      .values({ tenant_id: t.id, key: "main", name: "Main", max_wait_seconds: 30, overflow_action: "queue", overflow_queue_id: spill.id })
      .returningAll()
      .executeTakeFirstOrThrow();
    const call = await makeCall(t.id);
    const { contactId } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "main" });
    await owner.updateTable("routing_contacts").set({ enqueued_at: sql`now() - interval '31 seconds'` }).where("id", "=", contactId).execute();
    const agent = await makeAgent([spill], { state: "offline" });
    await owner.updateTable("agent_states").set({ state: "available", idle_since: sql`now()` }).where("agent_id", "=", agent.id).execute();
    const result = await sweep(undefined, { tenantIds: [t.id] });
    expect(result.overflowed).toBeGreaterThanOrEqual(1);
    const st = await agentState(agent.id);
    expect(st.state).toBe("offered");
    const moved = await contactRow(st.contact_id!);
    expect(moved.queue_id).toBe(spill.id);
    expect(moved.enqueued_at).toEqual((await contactRow(contactId)).enqueued_at);
    expect(main.overflow_queue_id).toBe(spill.id);
    expect(await matchAgent(agent.id)).toBeNull();
  });
});
