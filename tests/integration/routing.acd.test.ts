import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import {
  acceptOffer,
  changeAgentState,
  enqueue,
  expireOffers,
  matchAgent,
  rejectOffer,
  RoutingError,
} from "~/modules/routing/acd.server";
import { onRoutingNotices, type RoutingNotice } from "~/modules/routing/notify.server";
import { agentState, contactRow, makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";

const run = promisify(execFile);
afterAll(() => owner.destroy());

describe("the ACD in Postgres", () => {
  it("offers a new contact to the eligible agent idle longest, and accepting connects it", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "billing", required_skills: ["billing"] });
    const longIdleNoSkill = await makeAgent([q], { idleSecondsAgo: 900 });
    const shortIdle = await makeAgent([q], { idleSecondsAgo: 30, skills: ["billing"] });
    const longIdle = await makeAgent([q], { idleSecondsAgo: 300, skills: ["billing"] });
    const call = await makeCall(t.id);
    const seen: RoutingNotice[] = [];
    const off = onRoutingNotices((n) => seen.push(...n));

    const { contactId, offer } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "billing" });
    off();
    expect(offer?.agentId).toBe(longIdle.id);
    expect((await agentState(longIdle.id)).state).toBe("offered");
    expect((await agentState(shortIdle.id)).state).toBe("available");
    expect((await agentState(longIdleNoSkill.id)).state).toBe("available");
    expect(seen.some((n) => n.kind === "offer" && n.offer.agentId === longIdle.id)).toBe(true);

    const again = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "billing" });
    expect(again).toMatchObject({ contactId, duplicate: true, offer: null });

    await acceptOffer(longIdle.id, contactId);
    expect((await contactRow(contactId)).status).toBe("connected");
    expect((await agentState(longIdle.id)).state).toBe("busy");
    const interaction = await owner.selectFrom("interactions").selectAll().where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(interaction).toMatchObject({ state: "connected", agent_id: longIdle.id, queue_id: q.id });
    expect(interaction.answered_at).toBeInstanceOf(Date);
    const events = await owner.selectFrom("interaction_events").select("type").where("interaction_id", "=", call.id).orderBy("seq").execute();
    expect(events.map((e) => e.type)).toEqual(["routing.queued", "routing.offered", "routing.connected"]);
    // Accepting twice, or someone else's offer, is refused.
    await expect(acceptOffer(longIdle.id, contactId)).rejects.toBeInstanceOf(RoutingError);
    await expect(acceptOffer(shortIdle.id, contactId)).rejects.toBeInstanceOf(RoutingError);
  });

  it("refuses an unknown queue key and leaves nothing behind", async () => {
    const t = await makeTenant();
    const call = await makeCall(t.id);
    await expect(enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "nope" })).rejects.toMatchObject({ key: "unknownQueue" });
    expect(await owner.selectFrom("routing_contacts").select("id").where("interaction_id", "=", call.id).execute()).toEqual([]);
  });

  it("does not route a contact of one tenant to an agent who only serves another", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const qa = await makeQueue(a.id, { key: "general" });
    const qb = await makeQueue(b.id, { key: "general" });
    await makeAgent([qb], { idleSecondsAgo: 999 });
    const callA = await makeCall(a.id);
    const { offer } = await enqueue({ tenantId: a.id, interactionId: callA.id, queueKey: "general" });
    expect(offer).toBeNull();
    const agentA = await makeAgent([qa], { state: "offline" });
    const { offer: onAvailable } = await changeAgentState(agentA.id, { type: "goAvailable" }, agentA.id);
    expect(onAvailable?.tenantId).toBe(a.id);
  });

  it("gives a freed multi-tenant agent the highest-priority, then most urgent contact across its tenants", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const qa = await makeQueue(a.id, { key: "slow", sl_threshold_seconds: 120 });
    const qb = await makeQueue(b.id, { key: "fast", sl_threshold_seconds: 20 });
    const older = await makeCall(a.id);
    const urgent = await makeCall(b.id);
    const c1 = await enqueue({ tenantId: a.id, interactionId: older.id, queueKey: "slow" });
    const c2 = await enqueue({ tenantId: b.id, interactionId: urgent.id, queueKey: "fast" });
    // 40 s of a 120 s threshold against 15 s of a 20 s one.
    await owner.updateTable("routing_contacts").set({ enqueued_at: sql`now() - interval '40 seconds'` }).where("id", "=", c1.contactId).execute();
    await owner.updateTable("routing_contacts").set({ enqueued_at: sql`now() - interval '15 seconds'` }).where("id", "=", c2.contactId).execute();
    const agent = await makeAgent([qa, qb], { state: "offline" });
    const { offer } = await changeAgentState(agent.id, { type: "goAvailable" }, agent.id);
    expect(offer?.contactId).toBe(c2.contactId);
  });

  it("requeues an expired offer at its original position and marks the agent missed", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general", offer_timeout_seconds: 5 });
    const agent = await makeAgent([q]);
    const call = await makeCall(t.id);
    const { contactId, offer } = await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "general" });
    expect(offer?.agentId).toBe(agent.id);
    const enqueuedAt = (await contactRow(contactId)).enqueued_at;
    await owner.updateTable("routing_contacts").set({ offer_expires_at: sql`now() - interval '1 second'` }).where("id", "=", contactId).execute();
    expect(await expireOffers()).toBeGreaterThanOrEqual(1);
    const row = await contactRow(contactId);
    expect(row).toMatchObject({ status: "waiting", offered_agent_id: null, missed_count: 1 });
    expect(row.enqueued_at).toEqual(enqueuedAt);
    expect((await agentState(agent.id)).state).toBe("missed");
    // A missed agent gets nothing until it goes available again; then the same contact comes back.
    expect(await matchAgent(agent.id)).toBeNull();
    const back = await changeAgentState(agent.id, { type: "goAvailable" }, agent.id);
    expect(back.offer?.contactId).toBe(contactId);
    await rejectOffer(agent.id, contactId);
    expect((await contactRow(contactId)).missed_count).toBe(2);
    const history = await owner.selectFrom("agent_state_events").select(["state", "previous"]).where("agent_id", "=", agent.id).orderBy("id").execute();
    expect(history.map((h) => h.state)).toEqual(["offered", "missed", "available", "offered", "missed"]);
  });

  it("refuses a break during a contact", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    const agent = await makeAgent([q]);
    const call = await makeCall(t.id);
    await enqueue({ tenantId: t.id, interactionId: call.id, queueKey: "general" });
    await expect(changeAgentState(agent.id, { type: "goBreak", reason: "lunch" }, agent.id)).rejects.toMatchObject({ key: "illegal" });
  });

  it("never offers one contact twice or gives one agent two contacts, with four matcher processes racing", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const qa = await makeQueue(a.id, { key: "general" });
    const qb = await makeQueue(b.id, { key: "general" });
    const agents = [];
    for (let i = 0; i < 24; i++) agents.push(await makeAgent(i % 3 === 0 ? [qa, qb] : [i % 2 ? qa : qb], { idleSecondsAgo: 10 + i }));
    // Contacts are inserted without matching (as if every trigger were lost) so the racing processes do all of it.
    const contacts: { tenantId: string; id: string }[] = [];
    for (let i = 0; i < 60; i++) {
      const tenant = i % 2 ? a : b;
      const queue = i % 2 ? qa : qb;
      const call = await makeCall(tenant.id);
      const row = await owner
        .insertInto("routing_contacts")
        .values({ tenant_id: tenant.id, interaction_id: call.id, queue_id: queue.id, priority: 5, sl_threshold_seconds: 20 })
        .returning("id")
        .executeTakeFirstOrThrow();
      contacts.push({ tenantId: tenant.id, id: row.id });
    }
    const payload = JSON.stringify({ contacts, agents: agents.map((x) => x.id) });
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() => run("npx", ["tsx", "tests/integration/fixtures/matcher-worker.ts", payload], { env: process.env, timeout: 60_000 })),
    );
    const offersMade = outputs.map((o) => (JSON.parse(o.stdout) as { offers: number }).offers).reduce((x, y) => x + y, 0);

    const offered = await owner
      .selectFrom("routing_contacts")
      .select(["id", "offered_agent_id"])
      .where("id", "in", contacts.map((c) => c.id))
      .where("status", "=", "offered")
      .execute();
    // Every agent got exactly one contact, no agent twice, and the processes' counts add up to it.
    expect(offered).toHaveLength(24);
    expect(new Set(offered.map((o) => o.offered_agent_id)).size).toBe(24);
    expect(offersMade).toBe(24);
    const events = await owner
      .selectFrom("interaction_events")
      .select([sql<number>`count(*)::int`.as("n")])
      .where("type", "=", "routing.offered")
      .where("tenant_id", "in", [a.id, b.id])
      .executeTakeFirstOrThrow();
    expect(events.n).toBe(24);
    for (const agent of agents) expect((await agentState(agent.id)).state).toBe("offered");
  }, 90_000);
});
