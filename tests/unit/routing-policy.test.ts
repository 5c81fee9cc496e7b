import { describe, expect, it } from "vitest";
import { allowedEvents, IllegalTransition, transition, type AgentState } from "~/modules/routing/agent-state";
import {
  assignAll,
  isEligible,
  pickAgentForContact,
  pickContactForAgent,
  urgency,
  type AgentCandidate,
  type WaitingContact,
} from "~/modules/routing/policy";
import { serviceLevel } from "~/modules/routing/sla";

const NOW = Date.UTC(2026, 10, 22, 9, 0, 0);
const sec = (s: number) => NOW - s * 1000;

function agent(id: string, over: Partial<AgentCandidate> = {}): AgentCandidate {
  return { agentId: id, state: "available", idleSince: sec(60), queueIds: ["q-support"], skills: [], languages: ["fa"], proficiency: {}, ...over };
}
function contact(id: string, over: Partial<WaitingContact> = {}): WaitingContact {
  return {
    contactId: id,
    tenantId: "t-a",
    queueId: "q-support",
    priority: 5,
    enqueuedAt: sec(10),
    slThresholdSeconds: 20,
    requiredSkills: [],
    minProficiency: 1,
    language: null,
    ...over,
  };
}

describe("routing policy: a waiting contact", () => {
  it("never goes to a seat another tenant bought, whoever else it serves", () => {
    const seat = agent("seat", { idleSince: sec(900), queueIds: ["q-support", "q-b"], dedicatedTo: "t-b" });
    const shared = agent("shared", { idleSince: sec(60), queueIds: ["q-support", "q-b"] });
    expect(pickAgentForContact(contact("c1"), [seat, shared])?.agentId).toBe("shared");
    expect(pickAgentForContact(contact("c2", { tenantId: "t-b", queueId: "q-b" }), [seat, shared])?.agentId).toBe("seat");
  });

  it("goes to the eligible agent idle longest", () => {
    const agents = [agent("a1", { idleSince: sec(30) }), agent("a2", { idleSince: sec(300) }), agent("a3", { idleSince: sec(120) })];
    expect(pickAgentForContact(contact("c1"), agents)?.agentId).toBe("a2");
  });

  it("skips agents who are not available, not in the queue, lack a skill or the language", () => {
    const c = contact("c1", { requiredSkills: ["billing"], language: "en" });
    const agents = [
      agent("busy", { state: "busy", idleSince: sec(900), skills: ["billing"], languages: ["en"] }),
      agent("other-queue", { queueIds: ["q-sales"], idleSince: sec(800), skills: ["billing"], languages: ["en"] }),
      agent("no-skill", { idleSince: sec(700), languages: ["en"] }),
      agent("no-english", { idleSince: sec(600), skills: ["billing"] }),
      agent("fits", { idleSince: sec(10), skills: ["billing"], languages: ["fa", "en"] }),
    ];
    expect(pickAgentForContact(c, agents)?.agentId).toBe("fits");
    expect(pickAgentForContact(c, agents.slice(0, 4))).toBeNull();
  });

  it("honours the queue's minimum proficiency (a skill without a level counts as 3)", () => {
    const c = contact("c1", { requiredSkills: ["technical"], minProficiency: 4 });
    expect(isEligible(agent("a", { skills: ["technical"] }), c)).toBe(false);
    expect(isEligible(agent("a", { skills: ["technical"], proficiency: { technical: 4 } }), c)).toBe(true);
    expect(isEligible(agent("a", { skills: ["technical"], proficiency: { technical: 2 } }), { ...c, minProficiency: 1 })).toBe(true);
  });

  it("breaks ties on equal idle time by agent id, so every process picks the same agent", () => {
    expect(pickAgentForContact(contact("c"), [agent("b", { idleSince: sec(5) }), agent("a", { idleSince: sec(5) })])?.agentId).toBe("a");
  });
});

describe("routing policy: a freed agent", () => {
  it("takes the highest priority first, even when younger", () => {
    const contacts = [contact("old", { enqueuedAt: sec(100) }), contact("vip", { priority: 8, enqueuedAt: sec(1) })];
    expect(pickContactForAgent(agent("a"), contacts, NOW)?.contactId).toBe("vip");
  });

  it("then the greatest SLA urgency (waited / threshold), across the tenants it serves", () => {
    const a = agent("a", { queueIds: ["q-fast", "q-slow"] });
    // 15 s of a 20 s threshold (0.75) beats 40 s of a 120 s threshold (0.33) though it is younger.
    const contacts = [
      contact("slow", { tenantId: "t-b", queueId: "q-slow", enqueuedAt: sec(40), slThresholdSeconds: 120 }),
      contact("fast", { tenantId: "t-a", queueId: "q-fast", enqueuedAt: sec(15), slThresholdSeconds: 20 }),
    ];
    expect(urgency(contacts[1]!, NOW)).toBeCloseTo(0.75);
    expect(pickContactForAgent(a, contacts, NOW)?.contactId).toBe("fast");
  });

  it("then the oldest, and never a contact of a queue it does not serve", () => {
    const contacts = [contact("young", { enqueuedAt: sec(5) }), contact("older", { enqueuedAt: sec(5.5) }), contact("foreign", { queueId: "q-x", enqueuedAt: sec(600) })];
    expect(pickContactForAgent(agent("a"), contacts, NOW)?.contactId).toBe("older");
    expect(pickContactForAgent(agent("a", { queueIds: ["q-none"] }), contacts, NOW)).toBeNull();
    expect(pickContactForAgent(agent("a", { state: "break" }), contacts, NOW)).toBeNull();
  });
});

describe("routing policy: a full round", () => {
  it("gives each agent at most one contact and each contact at most one agent, multi-tenant agents included", () => {
    const agents = [
      agent("multi", { queueIds: ["q-a", "q-b"], idleSince: sec(500) }),
      agent("only-a", { queueIds: ["q-a"], idleSince: sec(100) }),
    ];
    const contacts = [
      contact("b1", { tenantId: "t-b", queueId: "q-b", enqueuedAt: sec(30) }),
      contact("a1", { tenantId: "t-a", queueId: "q-a", enqueuedAt: sec(20) }),
      contact("a2", { tenantId: "t-a", queueId: "q-a", enqueuedAt: sec(10) }),
    ];
    const pairs = assignAll(contacts, agents, NOW).map((p) => [p.contact.contactId, p.agent.agentId]);
    // b1 is the most urgent and only "multi" can take it; a1 then goes to "only-a"; a2 waits.
    expect(pairs).toEqual([
      ["b1", "multi"],
      ["a1", "only-a"],
    ]);
  });
});

describe("agent state machine", () => {
  it("follows a contact from offer to wrap-up and back to available", () => {
    let s: AgentState = "offline";
    for (const type of ["goAvailable", "offer", "accept", "hold", "resume", "escalate", "returnEscalation", "end", "finishWrapUp"] as const) {
      s = transition(s, { type } as never);
    }
    expect(s).toBe("available");
  });

  it("puts an agent who misses an offer in 'missed', not back in the queue of available agents", () => {
    expect(transition("offered", { type: "miss" })).toBe("missed");
    expect(allowedEvents("missed")).not.toContain("offer");
    expect(transition("offered", { type: "withdraw" })).toBe("available");
  });

  it("refuses breaks and going offline during a contact, and going available from a call", () => {
    for (const from of ["busy", "on_hold", "offered", "escalation"] as const) {
      expect(() => transition(from, { type: "goBreak", reason: "lunch" })).toThrow(IllegalTransition);
      expect(() => transition(from, { type: "goOffline" })).toThrow(IllegalTransition);
      expect(() => transition(from, { type: "goAvailable" })).toThrow(IllegalTransition);
    }
    expect(transition("wrap_up", { type: "goBreak", reason: "prayer" })).toBe("break");
  });
});

describe("service level", () => {
  it("counts answered within the threshold over answered plus abandoned, ignoring short abandons", () => {
    const r = serviceLevel(
      [
        { outcome: "answered", waitSeconds: 5 },
        { outcome: "answered", waitSeconds: 20 },
        { outcome: "answered", waitSeconds: 45 },
        { outcome: "abandoned", waitSeconds: 3 },
        { outcome: "abandoned", waitSeconds: 60 },
      ],
      20,
      5,
    );
    expect(r).toEqual({ answered: 3, answeredWithin: 2, abandoned: 1, shortAbandoned: 1, serviceLevel: 50, abandonRate: 25 });
  });

  it("is null, not 100%, with nothing to count", () => {
    expect(serviceLevel([{ outcome: "abandoned", waitSeconds: 1 }], 20, 5).serviceLevel).toBeNull();
  });
});

describe("service level from counts", () => {
  it("agrees with the sample-based figure", async () => {
    const { serviceLevelFromCounts } = await import("~/modules/routing/sla");
    expect(serviceLevelFromCounts({ answered: 3, answeredWithin: 2, abandoned: 1, shortAbandoned: 1 })).toEqual(
      serviceLevel(
        [
          { outcome: "answered", waitSeconds: 5 },
          { outcome: "answered", waitSeconds: 20 },
          { outcome: "answered", waitSeconds: 45 },
          { outcome: "abandoned", waitSeconds: 3 },
          { outcome: "abandoned", waitSeconds: 60 },
        ],
        20,
        5,
      ),
    );
  });
});
