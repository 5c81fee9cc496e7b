import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { changeAgentState, enqueue } from "~/modules/routing/acd.server";
import { pickAgentForContact, pickContactForAgent, type AgentCandidate, type WaitingContact } from "~/modules/routing/policy";
import { makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";
import { mulberry32 as prng } from "~/modules/platform/random";

/**
 * The matcher's SQL locks exactly the row it takes, so it must choose what the pure policy would
 * choose from the whole floor. On random floors (skills, proficiency with and without levels,
 * languages, priorities, thresholds, agents across tenants, dedicated seats, some agents not
 * available), every offer the ACD makes is compared with the policy's pick.
 */
afterAll(() => owner.destroy());


interface Floor {
  queues: { tenant_id: string; id: string; key: string; priority: number; required_skills: string[]; min_proficiency: number; language: string | null; sl_threshold_seconds: number }[];
  agents: AgentCandidate[];
}

async function randomFloor(rand: () => number, agentCount: number, agentStates: () => string): Promise<Floor> {
  const tenants = [await makeTenant(), await makeTenant()];
  const queueSpecs = [
    { skills: [] as string[], min: 1, language: null as string | null },
    { skills: ["billing"], min: 3, language: null },
    { skills: ["billing", "vip"], min: 4, language: null },
    { skills: [], min: 1, language: "en" },
    { skills: ["tech"], min: 2, language: "en" },
  ];
  const queues: Floor["queues"] = [];
  for (const [i, spec] of queueSpecs.entries()) {
    const q = await makeQueue(tenants[i % 2]!.id, {
      priority: 3 + Math.floor(rand() * 5),
      required_skills: spec.skills,
      language: spec.language,
      sl_threshold_seconds: [10, 20, 60, 120][Math.floor(rand() * 4)]!,
    });
    await owner.updateTable("queues").set({ min_proficiency: spec.min }).where("tenant_id", "=", q.tenant_id).where("id", "=", q.id).execute();
    queues.push({ ...q, min_proficiency: spec.min });
  }
  const agents: AgentCandidate[] = [];
  for (let i = 0; i < agentCount; i++) {
    const skills = ["billing", "vip", "tech"].filter(() => rand() < 0.6);
    const proficiency: Record<string, number> = {};
    // Some skills have no level (they count as the default), some a level 1-5.
    for (const s of skills) if (rand() < 0.7) proficiency[s] = 1 + Math.floor(rand() * 5);
    const languages = rand() < 0.5 ? ["fa", "en"] : ["fa"];
    const mine = queues.filter(() => rand() < 0.55);
    const state = agentStates();
    // Distinct idle times, whole seconds apart: no ties for the clock to break.
    const idleSecondsAgo = 10 + i * 7 + Math.floor(rand() * 5);
    const user = await makeAgent(mine, { state, idleSecondsAgo, skills, languages, proficiency });
    const row = await owner.selectFrom("agent_states").select("idle_since").where("agent_id", "=", user.id).executeTakeFirstOrThrow();
    // Some agents serving both tenants are a seat one of them bought: they take only its contacts.
    const tenantsServed = [...new Set(mine.map((q) => q.tenant_id))];
    let dedicatedTo: string | null = null;
    if (tenantsServed.length > 1 && rand() < 0.4) {
      dedicatedTo = tenantsServed[Math.floor(rand() * tenantsServed.length)]!;
      await owner.updateTable("agent_assignments").set({ dedicated: true, dedicated_since: new Date() }).where("agent_id", "=", user.id).where("tenant_id", "=", dedicatedTo).execute();
    }
    agents.push({ agentId: user.id, state, idleSince: row.idle_since?.getTime() ?? 0, queueIds: mine.map((q) => q.id), skills, languages, proficiency, dedicatedTo });
  }
  return { queues, agents };
}

describe("the matcher's SQL and the pure policy", () => {
  it("pick the same agent for each new contact", async () => {
    let compared = 0;
    for (const seed of [1, 2, 3]) {
      const rand = prng(seed);
      const floor = await randomFloor(rand, 14, () => (rand() < 0.8 ? "available" : rand() < 0.5 ? "break" : "busy"));
      for (let n = 0; n < 12; n++) {
        const queue = floor.queues[Math.floor(rand() * floor.queues.length)]!;
        const callLanguage = rand() < 0.5 ? "fa" : "en";
        const call = await makeCall(queue.tenant_id, callLanguage);
        const contact: WaitingContact = {
          contactId: "new",
          tenantId: queue.tenant_id,
          queueId: queue.id,
          priority: queue.priority,
          enqueuedAt: Date.now(),
          slThresholdSeconds: queue.sl_threshold_seconds,
          requiredSkills: queue.required_skills,
          minProficiency: queue.min_proficiency,
          language: queue.language ?? callLanguage,
        };
        const expected = pickAgentForContact(contact, floor.agents);
        const { offer } = await enqueue({ tenantId: queue.tenant_id, interactionId: call.id, queueKey: queue.key });
        expect(offer?.agentId ?? null, `seed ${seed}, contact ${n}`).toBe(expected?.agentId ?? null);
        if (expected) floor.agents = floor.agents.map((a) => (a.agentId === expected.agentId ? { ...a, state: "offered" } : a));
        compared++;
      }
    }
    expect(compared).toBe(36);
  });

  it("pick the same contact for each freed agent across its tenants", async () => {
    let compared = 0;
    let ambiguous = 0;
    for (const seed of [7, 8, 9]) {
      const rand = prng(seed);
      // Everyone on break while the contacts arrive, so they wait.
      const floor = await randomFloor(rand, 10, () => "break");
      const waiting: WaitingContact[] = [];
      for (let n = 0; n < 16; n++) {
        const queue = floor.queues[Math.floor(rand() * floor.queues.length)]!;
        const callLanguage = rand() < 0.5 ? "fa" : "en";
        const call = await makeCall(queue.tenant_id, callLanguage);
        const { contactId, offer } = await enqueue({ tenantId: queue.tenant_id, interactionId: call.id, queueKey: queue.key });
        expect(offer).toBeNull();
        // Spread the waits: a few seconds to a few minutes, whole seconds apart.
        const waitedSeconds = 3 + n * 11 + Math.floor(rand() * 7);
        const row = await owner
          .updateTable("routing_contacts")
          .set({ enqueued_at: sql<Date>`now() - make_interval(secs => ${waitedSeconds})` })
          .where("id", "=", contactId)
          .returning("enqueued_at")
          .executeTakeFirstOrThrow();
        waiting.push({
          contactId,
          tenantId: queue.tenant_id,
          queueId: queue.id,
          priority: queue.priority,
          enqueuedAt: row.enqueued_at.getTime(),
          slThresholdSeconds: queue.sl_threshold_seconds,
          requiredSkills: queue.required_skills,
          minProficiency: queue.min_proficiency,
          language: queue.language ?? callLanguage,
        });
      }
      for (const agent of floor.agents) {
        const candidate = { ...agent, state: "available" };
        // Urgency moves with the clock: when the pick differs across the call, the sample says nothing.
        const before = pickContactForAgent(candidate, waiting, Date.now());
        const { offer } = await changeAgentState(agent.agentId, { type: "goAvailable" }, null);
        const after = pickContactForAgent(candidate, waiting, Date.now());
        if (before?.contactId !== after?.contactId) {
          ambiguous++;
          continue;
        }
        expect(offer?.contactId ?? null, `seed ${seed}, agent ${agent.agentId}`).toBe(before?.contactId ?? null);
        if (offer) waiting.splice(waiting.findIndex((w) => w.contactId === offer.contactId), 1);
        compared++;
      }
    }
    expect(compared + ambiguous).toBe(30);
    expect(ambiguous).toBeLessThan(3);
  });
});
