import { afterAll, describe, expect, it } from "vitest";
import { customerForNumber } from "~/modules/customers/customers.server";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import { assignFlowToNumber, createFlow, publish, saveDraft } from "~/modules/ivr/flows.server";
import { hangUp, pressDigits, startSimulatedCall } from "~/modules/telephony/simulator.server";
import { enqueue } from "~/modules/routing/acd.server";
import { withTenant } from "~/modules/tenancy/scope.server";
import { action, loader } from "~/routes/agent._index";
import { makeUser } from "../setup/factories";
import { args, get, post, signIn, thrownStatus } from "./portal.helpers";
import { makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

type ActionResult = { intent: string; notice: string | null; error: string | null; result?: { error?: Record<string, string[] | null> | null } };
const act = (cookie: string, fields: Record<string, string>) => action(args(post("/agent", cookie, fields))) as Promise<ActionResult>;
const load = (cookie: string) => loader(args(get("/agent", cookie)));

describe("the agent desktop", () => {
  it("takes a contact from ringing to wrap-up with the tenant, customer history and notes", async () => {
    const t = await makeTenant({ name: "Avaye Hamrah" });
    const q = await makeQueue(t.id, { key: "support" });
    const agent = await makeAgent([q], { state: "offline" });
    const cookie = await signIn(agent.id);
    const solved = await owner.insertInto("dispositions").values({ tenant_id: t.id, code: "solved", name: "Solved", resolved: true }).returning("id").executeTakeFirstOrThrow();

    expect((await act(cookie, { intent: "available" })).notice).toBe("statusChanged");
    expect((await load(cookie)).agent.state).toBe("available");

    const call = await makeCall(t.id);
    const customerId = await withTenant(t.id, (trx) => customerForNumber(trx, t.id, "+989121234567"));
    await owner.updateTable("interactions").set({ customer_id: customerId, variables: JSON.stringify({ orderNumber: "12345" }) }).where("id", "=", call.id).execute();
    await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "support" });

    const ringing = await load(cookie);
    expect(ringing.agent.state).toBe("offered");
    expect(ringing.contact).toMatchObject({ tenant: { name: "Avaye Hamrah" }, queue: { key: "support" }, variables: { orderNumber: "12345" } });
    expect(ringing.contact?.customer?.customer.phone).toBe("+989121234567");

    expect((await act(cookie, { intent: "accept", contactId: ringing.contact!.contactId })).notice).toBe("accepted");
    expect((await act(cookie, { intent: "note", body: "Asked about the 5 GB package" })).notice).toBe("noteAdded");
    expect((await act(cookie, { intent: "hold" })).notice).toBe("statusChanged");
    expect((await load(cookie)).agent.state).toBe("on_hold");
    await act(cookie, { intent: "resume" });
    await act(cookie, { intent: "end" });
    const wrap = await load(cookie);
    expect(wrap.agent.state).toBe("wrap_up");
    expect(wrap.contact?.dispositions.map((d) => d.code)).toEqual(["solved"]);
    expect(wrap.contact?.notes.map((n) => n.body)).toEqual(["Asked about the 5 GB package"]);

    const missing = await act(cookie, { intent: "wrapup", notes: "x" });
    expect(missing.result?.error?.dispositionId).toEqual(["agent:errors.dispositionRequired"]);
    expect((await act(cookie, { intent: "wrapup", dispositionId: solved.id, notes: "Activated", callbackIn: "60" })).notice).toBe("wrapped");
    const after = await load(cookie);
    expect(after.agent.state).toBe("available");
    expect(after.contact).toBeNull();
  });

  it("answers a localized error for an action the state does not allow, and for someone else's offer", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    const agent = await makeAgent([q]);
    const other = await makeAgent([q], { idleSecondsAgo: 5 });
    const cookie = await signIn(other.id);
    const call = await makeCall(t.id);
    const { contactId, offer } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "general" });
    expect(offer?.agentId).toBe(agent.id);
    expect((await act(cookie, { intent: "accept", contactId })).error).toBe("agent:errors.noOffer");
    expect((await act(cookie, { intent: "hold" })).error).toBe("agent:errors.notOnContact");
    const agentCookie = await signIn(agent.id);
    expect((await act(agentCookie, { intent: "break", reason: "lunch" })).error).toBe("agent:errors.illegal");
  });

  it("sends an escalation to team leaders, who return it with advice; agents cannot resolve escalations", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "complaints" });
    const agent = await makeAgent([q]);
    const cookie = await signIn(agent.id);
    const call = await makeCall(t.id);
    const { contactId } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "complaints" });
    await act(cookie, { intent: "accept", contactId });
    expect((await act(cookie, { intent: "escalate", note: "Wants a manager" })).notice).toBe("escalated");

    const leader = await makeUser({ staffRoles: ["team_leader"] });
    const leaderCookie = await signIn(leader.id);
    const board = await load(leaderCookie);
    const escalation = board.escalations.find((e) => e.agentId === agent.id);
    expect(escalation?.contact.notes.map((n) => n.body)).toEqual(["Wants a manager"]);
    expect(await thrownStatus(act(cookie, { intent: "resolveEscalation", agentId: agent.id, decision: "return", note: "" }))).toBe(403);
    await act(leaderCookie, { intent: "resolveEscalation", agentId: agent.id, decision: "return", note: "Offer a credit" });
    expect((await load(cookie)).agent.state).toBe("busy");
  });

  it("is closed to client users and QA analysts", async () => {
    const t = await makeTenant();
    const client = await makeUser({ memberOf: [{ tenantId: t.id, role: "client_admin" }] });
    expect(await thrownStatus(load(await signIn(client.id)))).toBe(403);
    expect(await thrownStatus(act(await signIn(client.id), { intent: "available" }))).toBe(403);
  });

  it("gets a simulated call through the IVR: the agent sees the menu path, the language and the caller's history", async () => {
    const t = await makeTenant({ name: "Hamrah" });
    const queues = [];
    for (const key of OPERATOR_QUEUE_IDS) queues.push(await makeQueue(t.id, { key }));
    await owner
      .insertInto("tenant_business_hours")
      .values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ tenant_id: t.id, weekday, opens_at: "00:00", closes_at: "24:00" })))
      .execute();
    const admin = await makeUser({ memberOf: [{ tenantId: t.id, role: "client_admin" }] });
    const actor = { userId: admin.id, label: admin.name };
    const flow = await createFlow(t.id, "Operator", actor);
    await saveDraft(t.id, flow.id, operatorFlow, { tenantLanguages: ["fa", "en"], queueIds: [...OPERATOR_QUEUE_IDS] }, actor);
    await publish(t.id, flow.id, actor);
    const number = await owner.insertInto("tenant_phone_numbers").values({ tenant_id: t.id, e164: `+98219${Date.now() % 10_000_000}` }).returning("id").executeTakeFirstOrThrow();
    await assignFlowToNumber(t.id, number.id, flow.id, actor);
    const support = queues.find((q) => q.key === "support")!;
    const agent = await makeAgent([support]);
    const cookie = await signIn(agent.id);

    const first = await startSimulatedCall(t.id, number.id, "fa", actor, crypto.randomUUID(), "+989351112233");
    await pressDigits(t.id, first.call.id, "2", 1); // English
    await pressDigits(t.id, first.call.id, "2", 2); // technical support -> the support queue
    const ringing = await load(cookie);
    expect(ringing.agent.state).toBe("offered");
    expect(ringing.contact).toMatchObject({ queue: { key: "support" }, language: "en", from: "+989351112233" });
    expect(ringing.contact?.ivrPath).toEqual(["hours", "welcome", "lang", "main", "support-q"]);
    await act(cookie, { intent: "accept", contactId: ringing.contact!.contactId });
    // The caller hangs up: the agent goes to wrap-up with the contact still on the desktop.
    await hangUp(t.id, first.call.id, 3);
    expect((await load(cookie)).agent.state).toBe("wrap_up");
    const solved = await owner.insertInto("dispositions").values({ tenant_id: t.id, code: "solved", name: "Solved", resolved: true }).returning("id").executeTakeFirstOrThrow();
    expect((await act(cookie, { intent: "wrapup", dispositionId: solved.id, notes: "Reset APN" })).notice).toBe("wrapped");

    // The same caller again: the agent sees the first contact in the customer's history, a repeat.
    const second = await startSimulatedCall(t.id, number.id, "fa", actor, crypto.randomUUID(), "+989351112233");
    await pressDigits(t.id, second.call.id, "1", 1);
    await pressDigits(t.id, second.call.id, "2", 2);
    const again = await load(cookie);
    expect(again.contact?.customer?.repeatContact).toBe(true);
    expect(again.contact?.customer?.contacts.map((c) => c.wrapupNotes)).toEqual(["Reset APN"]);
  });
});
