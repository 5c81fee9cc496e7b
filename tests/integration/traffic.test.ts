import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import { assignFlowToNumber, createFlow, publish, saveDraft } from "~/modules/ivr/flows.server";
import { matchContact } from "~/modules/routing/acd.server";
import { auditRouting } from "~/modules/traffic/audit.server";
import { startTraffic, type TrafficHandle } from "~/modules/traffic/traffic.server";
import type { TrafficTiming } from "~/modules/traffic/traffic-plan";
import { makeUser, uniq } from "../setup/factories";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

/**
 * The traffic generator against a fresh fixture: two tenants on the operator line (always open),
 * four bots, a person and a team leader who must never be played. Minutes of a contact center are
 * compressed into seconds by the timing below.
 */

/** Seconds: a brisk floor, so a few seconds of traffic exercise the whole cycle many times. */
const TEST_TIMING: Partial<TrafficTiming> = {
  think: [0.05, 0.2],
  promptTimeoutScale: 0.05,
  patienceMean: 4,
  minPatience: 2,
  queueTick: 1,
  message: [0.1, 0.3],
  ring: [0.05, 0.2],
  talkMedian: 1.2,
  talkSigma: 0.3,
  talkBounds: [0.5, 2.5],
  holdChance: 0.2,
  hold: [0.1, 0.3],
  wrap: [0.05, 0.2],
  noteChance: 0.5,
  breakChance: 0.1,
  breakLength: [0.2, 0.5],
};

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
type Queue = Awaited<ReturnType<typeof makeQueue>>;
const tenants: Tenant[] = [];
const dispositions = new Map<string, { id: string; choosable: boolean }[]>();
let bots: { id: string; email: string }[] = [];
let person: { id: string; email: string };
let leader: { id: string; email: string };

async function operatorLine(tenant: Tenant, actor: { userId: string; label: string }) {
  await owner
    .insertInto("tenant_business_hours")
    .values([0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ tenant_id: tenant.id, weekday, opens_at: "00:00", closes_at: "24:00" })))
    .execute();
  const queues: Queue[] = [];
  for (const key of OPERATOR_QUEUE_IDS) queues.push(await makeQueue(tenant.id, { key }));
  const flowId = (await createFlow(tenant.id, "Operator", actor)).id;
  await saveDraft(tenant.id, flowId, operatorFlow, { tenantLanguages: ["fa", "en"], queueIds: [...OPERATOR_QUEUE_IDS] }, actor);
  await publish(tenant.id, flowId, actor);
  const e164 = `+98217${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const number = await owner.insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164 }).returning("id").executeTakeFirstOrThrow();
  await assignFlowToNumber(tenant.id, number.id, flowId, actor);

  const reason = await owner.insertInto("dispositions").values({ tenant_id: tenant.id, code: "billing", name: "Billing" }).returning("id").executeTakeFirstOrThrow();
  const outcomes = await owner
    .insertInto("dispositions")
    .values([
      { tenant_id: tenant.id, parent_id: reason.id, code: "solved", name: "Solved", resolved: true },
      { tenant_id: tenant.id, parent_id: reason.id, code: "ticket", name: "Ticket", resolved: false },
      { tenant_id: tenant.id, parent_id: reason.id, code: "retired", name: "Retired", resolved: true, active: false },
    ])
    .returning(["id", "code"])
    .execute();
  dispositions.set(tenant.id, [{ id: reason.id, choosable: false }, ...outcomes.map((o) => ({ id: o.id, choosable: o.code !== "retired" }))]);
  return queues;
}

/** The routing timer's retry for contacts a lock made a trigger skip, limited to this test's tenants (others run in parallel). */
function retryOwnWaiting() {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const waiting = await owner
        .selectFrom("routing_contacts")
        .select(["tenant_id", "id"])
        .where("tenant_id", "in", tenants.map((t) => t.id))
        .where("status", "=", "waiting")
        .execute();
      for (const w of waiting) await matchContact(w.tenant_id, w.id);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

beforeAll(async () => {
  const admin = await makeUser({ staffRoles: ["bureau_admin"] });
  const actor = { userId: admin.id, label: admin.email };
  const queues: Queue[] = [];
  for (const name of ["Hamrah", "Bazarche"]) {
    const tenant = await makeTenant({ name, slug: `traffic-${name.toLowerCase()}-${uniq()}` });
    tenants.push(tenant);
    queues.push(...(await operatorLine(tenant, actor)));
  }
  bots = await Promise.all([0, 1, 2, 3].map(() => makeAgent(queues, { state: "offline" })));
  person = await makeAgent(queues, { state: "offline" });
  leader = await makeAgent(queues, { state: "offline" });
  await owner.insertInto("user_staff_roles").values({ user_id: leader.id, role: "team_leader" }).execute();
});

afterAll(() => owner.destroy());

describe("the traffic generator", () => {
  it("places calls through the IVR into queues; bots answer, talk and dispose them; nothing is lost or duplicated", async () => {
    const stopRetry = retryOwnWaiting();
    let traffic: TrafficHandle | null = null;
    try {
      traffic = await startTraffic({
        tenants: tenants.map((t) => t.slug),
        callsPerMinute: 360,
        // The person and the team leader are on the list too: neither may ever be played.
        botAgents: [...bots.map((b) => b.email), person.email, leader.email],
        humanAgents: [person.email],
        followBusinessHours: false,
        timing: TEST_TIMING,
        seed: 42,
        pollMs: 100,
      });
      expect(traffic.bots.map((b) => b.agentId).sort()).toEqual(bots.map((b) => b.id).sort());
      expect(traffic.tenants.map((t) => t.id).sort()).toEqual(tenants.map((t) => t.id).sort());
      await new Promise((resolve) => setTimeout(resolve, 4000));
      await traffic.stop({ drainMs: 3000 });
    } finally {
      await traffic?.stop();
      await stopRetry();
    }
    const stats = traffic.stats();
    expect(stats.errors).toBe(0);
    expect(stats.live).toBe(0);
    expect(stats.placed).toBeGreaterThanOrEqual(10);
    expect(stats.reachedQueue).toBeGreaterThanOrEqual(6);
    expect(stats.answeredByBots).toBeGreaterThanOrEqual(4);
    expect(stats.wrapped).toBeGreaterThanOrEqual(4);

    const audit = await auditRouting(owner, tenants.map((t) => t.id));
    expect(audit.findings).toEqual({ lost: [], duplicated: [] });
    expect(audit.placed).toBe(stats.placed);
    expect(audit.reachedQueue).toBeGreaterThanOrEqual(6);
    expect(audit.answered).toBeGreaterThanOrEqual(4);
    expect(audit.undisposed).toBe(0);
    expect(audit.disposed).toBe(audit.answered);

    // Every answered call: a bot, a choosable disposition of its own tenant; every call ended at the provider.
    const calls = await owner
      .selectFrom("interactions")
      .select(["id", "tenant_id", "state", "agent_id", "disposition_id", "answered_at", "ended_at"])
      .where("tenant_id", "in", tenants.map((t) => t.id))
      .execute();
    expect(calls).toHaveLength(stats.placed);
    const botIds = new Set(bots.map((b) => b.id));
    for (const call of calls.filter((c) => c.answered_at !== null)) {
      expect(botIds.has(call.agent_id!)).toBe(true);
      expect(call.state).toBe("completed");
      const own = dispositions.get(call.tenant_id)!;
      expect(own.find((d) => d.id === call.disposition_id)?.choosable).toBe(true);
    }
    expect(calls.every((c) => c.ended_at !== null && ["completed", "abandoned", "callback", "failed"].includes(c.state))).toBe(true);
    // A bot's answer takes the desktop's path: the call is bridged (recorded by the simulator provider).
    const answered = calls.filter((c) => c.answered_at !== null).map((c) => c.id);
    const bridged = await owner.selectFrom("interaction_events").select("interaction_id").where("interaction_id", "in", answered).where("type", "=", "call.bridged").execute();
    expect(new Set(bridged.map((b) => b.interaction_id))).toEqual(new Set(answered));
    const ended = await owner
      .selectFrom("interaction_events")
      .select((eb) => eb.fn.count<string>("interaction_id").distinct().as("n"))
      .where("tenant_id", "in", tenants.map((t) => t.id))
      .where("type", "=", "call.ended")
      .executeTakeFirstOrThrow();
    expect(Number(ended.n)).toBe(stats.placed);

    // The IVR was really followed: menus answered with keys, calls in more than one queue.
    const queued = await sql<{ key: string }>`
      select distinct q.key from routing_contacts rc join queues q on q.tenant_id = rc.tenant_id and q.id = rc.queue_id
      where rc.tenant_id = any(${tenants.map((t) => t.id)}::uuid[])`.execute(owner);
    expect(queued.rows.length).toBeGreaterThanOrEqual(2);

    // The person and the team leader were never touched: no transition, never offered, still offline.
    for (const untouched of [person, leader]) {
      const events = await owner.selectFrom("agent_state_events").select("id").where("agent_id", "=", untouched.id).execute();
      expect(events).toEqual([]);
      const offered = await sql<{ n: number }>`
        select count(*)::int as n from interaction_events where type = 'routing.offered' and data->>'agentId' = ${untouched.id}`.execute(owner);
      expect(offered.rows[0]!.n).toBe(0);
      expect((await owner.selectFrom("agent_states").select("state").where("agent_id", "=", untouched.id).executeTakeFirstOrThrow()).state).toBe("offline");
    }
    // The bots signed off when the generator stopped.
    const botStates = await owner.selectFrom("agent_states").select("state").where("agent_id", "in", [...botIds]).execute();
    expect(botStates.map((s) => s.state)).toEqual(["offline", "offline", "offline", "offline"]);
  }, 20_000);
});

describe("the routing audit", () => {
  it("finds lost and duplicated contacts in a broken record", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    const [a, b] = [await makeAgent([q], { state: "offline" }), await makeAgent([q], { state: "offline" })];
    const call = async (events: { type: string; data: Record<string, unknown>; secondsAgo?: number }[]) => {
      const row = await owner
        .insertInto("interactions")
        .values({ tenant_id: t.id, direction: "inbound", state: "queued", provider: "simulator", event_seq: events.length })
        .returning("id")
        .executeTakeFirstOrThrow();
      await owner
        .insertInto("interaction_events")
        .values(events.map((e, i) => ({ tenant_id: t.id, interaction_id: row.id, seq: i + 1, type: e.type, data: JSON.stringify(e.data), at: sql<Date>`now() - make_interval(secs => ${e.secondsAgo ?? 0})` })))
        .execute();
      return row.id;
    };
    const contact = async (interactionId: string, status: string, over: { enqueuedSecondsAgo?: number; endedSecondsAgo?: number } = {}) =>
      (
        await owner
          .insertInto("routing_contacts")
          .values({
            tenant_id: t.id,
            interaction_id: interactionId,
            queue_id: q.id,
            status,
            priority: 5,
            sl_threshold_seconds: 20,
            enqueued_at: sql<Date>`now() - make_interval(secs => ${over.enqueuedSecondsAgo ?? 0})`,
            ended_at: over.endedSecondsAgo === undefined ? null : sql<Date>`now() - make_interval(secs => ${over.endedSecondsAgo})`,
          })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;

    const forgotten = await call([{ type: "routing.queued", data: {} }]);
    const stuck = await call([{ type: "routing.queued", data: {} }]);
    await contact(stuck, "waiting");
    // Agent a sat available from 60 s ago while this contact waited 30 s and gave up unoffered.
    await owner.insertInto("agent_state_events").values({ agent_id: a.id, state: "available", previous: "offline", at: sql<Date>`now() - interval '60 seconds'` }).execute();
    const ignored = await call([{ type: "routing.queued", data: {} }, { type: "routing.abandoned", data: {} }]);
    await contact(ignored, "abandoned", { enqueuedSecondsAgo: 40, endedSecondsAgo: 10 });
    const twice = await call([
      { type: "routing.queued", data: { contactId: "c1" } },
      { type: "routing.offered", data: { contactId: "c1", agentId: a.id } },
      { type: "routing.offered", data: { contactId: "c1", agentId: b.id } },
      { type: "routing.connected", data: { contactId: "c1", agentId: b.id } },
    ]);
    // Agent b was offered a second contact while busy with one.
    await owner
      .insertInto("agent_state_events")
      .values([
        { agent_id: b.id, state: "busy", previous: "offered", data: JSON.stringify({ contactId: "c1" }) },
        { agent_id: b.id, state: "offered", previous: "available", data: JSON.stringify({ contactId: "c2" }) },
      ])
      .execute();

    const audit = await auditRouting(owner, [t.id]);
    expect(new Set(audit.findings.lost.map((f) => f.interactionId))).toEqual(new Set([forgotten, stuck, ignored]));
    expect(audit.findings.lost.find((f) => f.interactionId === ignored)?.why).toMatch(/available/);
    expect(audit.findings.duplicated.map((f) => f.interactionId ?? f.agentId)).toEqual([twice, b.id]);
    expect(audit).toMatchObject({ placed: 4, reachedQueue: 4, offered: 1, answered: 1, abandoned: 1, lost: 3, duplicated: 2 });
  });
});
