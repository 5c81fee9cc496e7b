import { describe, expect, it } from "vitest";
import { meterInteraction, usageIdempotencyKey, type InteractionEvent, type InteractionSummary, type MeteringRules, type UsageRecord } from "~/modules/billing/metering";

const TENANT = "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b";
const OTHER_TENANT = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const CALL = "c0ffee00-0000-4000-8000-000000000001";
const AGENT = "a0000000-0000-4000-8000-00000000000a";
const AGENT_B = "b0000000-0000-4000-8000-00000000000b";
const LEADER = "1ead0000-0000-4000-8000-000000000001";
const T0 = Date.parse("2026-03-01T06:00:00.000Z");

/** An event `seconds` after T0 (fractions allowed: the platform's own events land ms apart). */
const ev = (seq: number, type: string, seconds: number, data: Record<string, unknown> = {}): InteractionEvent => ({
  seq,
  type,
  at: new Date(T0 + Math.round(seconds * 1000)),
  data,
});

const rules = (over: Partial<MeteringRules> = {}): MeteringRules => ({ minuteRounding: { mode: "per_second" }, wrapUp: { mode: "none" }, ...over });

const voice = (events: InteractionEvent[], over: Partial<InteractionSummary> = {}): InteractionSummary => ({
  tenantId: TENANT,
  interactionId: CALL,
  channel: "voice",
  direction: "inbound",
  events,
  ...over,
});

/** kind@seq -> billable quantity: the shape most assertions care about. */
const brief = (records: UsageRecord[]) => Object.fromEntries(records.map((r) => [`${r.kind}@${r.source.eventSeq}`, r.quantity]));

/**
 * An inbound call through the IVR into a queue, answered, held, ended by the caller, wrapped up:
 *   IVR     0 s -> 25.4 s (ivr.step queued)            = 25 whole seconds
 *   talk   42 s -> 200 s (call.ended, hold included)   = 158 s
 *   wrap  200 s -> 245 s (contact.disposed)            = 45 s
 */
const answered: InteractionEvent[] = [
  ev(1, "call.started", 0, { direction: "inbound", flowId: "f1", state: "ivr" }),
  ev(2, "ivr.step", 0, { ivrStatus: "running" }),
  ev(3, "ivr.step", 25.4, { ivrStatus: "queued" }),
  ev(4, "routing.queued", 25.5, { contactId: "rc1", queueKey: "support", kind: "call" }),
  ev(5, "routing.offered", 40, { contactId: "rc1", agentId: AGENT }),
  ev(6, "routing.connected", 42, { contactId: "rc1", agentId: AGENT }),
  ev(7, "contact.held", 100, { agentId: AGENT }),
  ev(8, "contact.resumed", 130, { agentId: AGENT }),
  ev(9, "call.ended", 200, { providerStatus: "completed", durationSeconds: 200, state: "wrap_up" }),
  ev(10, "contact.ended", 200.05, { agentId: AGENT, why: "caller" }),
  ev(11, "contact.disposed", 245, { agentId: AGENT, code: "solved", resolved: true }),
];

describe("meterInteraction: inbound voice", () => {
  it("bills IVR time to the queue and handled time from connect to end, hold included", () => {
    const records = meterInteraction(voice(answered), rules());
    expect(records).toEqual([
      {
        tenantId: TENANT,
        kind: "ivr_minutes",
        quantity: 25,
        rawQuantity: 25,
        idempotencyKey: `${TENANT}:${CALL}:ivr_minutes:1`,
        occurredAt: new Date(T0),
        source: { interactionId: CALL, eventSeq: 1 },
      },
      {
        tenantId: TENANT,
        kind: "inbound_minutes",
        quantity: 158,
        rawQuantity: 158,
        idempotencyKey: `${TENANT}:${CALL}:inbound_minutes:6`,
        occurredAt: new Date(T0 + 42_000),
        source: { interactionId: CALL, eventSeq: 6 },
        breakdown: { talkSeconds: 158, wrapUpSeconds: 0 },
      },
    ]);
  });

  it("counts wrap-up as the plan says: none, all, capped", () => {
    expect(brief(meterInteraction(voice(answered), rules({ wrapUp: { mode: "none" } })))).toEqual({ "ivr_minutes@1": 25, "inbound_minutes@6": 158 });
    // 158 + 45
    expect(brief(meterInteraction(voice(answered), rules({ wrapUp: { mode: "all" } })))).toEqual({ "ivr_minutes@1": 25, "inbound_minutes@6": 203 });
    // 158 + min(45, 30)
    const capped = meterInteraction(voice(answered), rules({ wrapUp: { mode: "capped", maxSeconds: 30 } }));
    expect(brief(capped)).toEqual({ "ivr_minutes@1": 25, "inbound_minutes@6": 188 });
    expect(capped[1]!.breakdown).toEqual({ talkSeconds: 158, wrapUpSeconds: 30 });
    // a cap above the actual wrap-up changes nothing: 158 + 45
    expect(brief(meterInteraction(voice(answered), rules({ wrapUp: { mode: "capped", maxSeconds: 600 } })))["inbound_minutes@6"]).toBe(203);
  });

  it("rounds each billed span by the plan's minute rounding", () => {
    // 60/6: IVR 25 -> 60; handled 158 -> 60 + ceil(98 / 6) = 17 x 6 = 162
    const sixty = meterInteraction(voice(answered), rules({ minuteRounding: { mode: "first_60_then_6" } }));
    expect(brief(sixty)).toEqual({ "ivr_minutes@1": 60, "inbound_minutes@6": 162 });
    expect(sixty.map((r) => r.rawQuantity)).toEqual([25, 158]);
    // per started minute: 25 -> 60, 158 -> 180; with all wrap-up 203 -> 240 (rounded once, on the sum)
    expect(brief(meterInteraction(voice(answered), rules({ minuteRounding: { mode: "per_started_minute" } })))).toEqual({ "ivr_minutes@1": 60, "inbound_minutes@6": 180 });
    expect(brief(meterInteraction(voice(answered), rules({ minuteRounding: { mode: "per_started_minute" }, wrapUp: { mode: "all" } })))["inbound_minutes@6"]).toBe(240);
  });

  it("never bills a span longer than the provider measured the call", () => {
    // the provider says 150 s: IVR 25 stays, handled 158 -> 150
    expect(brief(meterInteraction(voice(answered, { providerDurationSeconds: 150 }), rules()))).toEqual({ "ivr_minutes@1": 25, "inbound_minutes@6": 150 });
    // without the summary's figure, call.ended's durationSeconds is used
    const reported = answered.map((e) => (e.type === "call.ended" ? { ...e, data: { ...e.data, durationSeconds: 100 } } : e));
    expect(brief(meterInteraction(voice(reported), rules()))).toEqual({ "ivr_minutes@1": 25, "inbound_minutes@6": 100 });
  });

  it("replaying, duplicating or reordering the same events gives the same records and keys", () => {
    const once = meterInteraction(voice(answered), rules({ wrapUp: { mode: "all" } }));
    const shuffled = [...answered].reverse();
    const doubled = [...answered, ...answered.map((e) => ({ ...e, data: { ...e.data } }))];
    expect(meterInteraction(voice(shuffled), rules({ wrapUp: { mode: "all" } }))).toEqual(once);
    expect(meterInteraction(voice(doubled), rules({ wrapUp: { mode: "all" } }))).toEqual(once);
    expect(meterInteraction(voice(answered), rules({ wrapUp: { mode: "all" } }))).toEqual(once);
    expect(new Set(once.map((r) => r.idempotencyKey)).size).toBe(once.length);
  });

  it("a record, once emitted on part of the stream, is the same record on the whole stream", () => {
    for (const wrapUp of [{ mode: "none" }, { mode: "all" }, { mode: "capped", maxSeconds: 30 }] as const) {
      const full = new Map(meterInteraction(voice(answered), rules({ wrapUp })).map((r) => [r.idempotencyKey, r]));
      for (let n = 0; n <= answered.length; n++) {
        for (const r of meterInteraction(voice(answered.slice(0, n)), rules({ wrapUp }))) expect(full.get(r.idempotencyKey)).toEqual(r);
      }
    }
  });

  it("emits nothing for spans not over yet", () => {
    // in the IVR still: nothing
    expect(meterInteraction(voice(answered.slice(0, 2)), rules())).toEqual([]);
    // talking: only the IVR
    expect(brief(meterInteraction(voice(answered.slice(0, 8)), rules()))).toEqual({ "ivr_minutes@1": 25 });
    // ended, wrap-up counts but is not disposed yet: the handling waits for its disposition
    expect(brief(meterInteraction(voice(answered.slice(0, 10)), rules({ wrapUp: { mode: "all" } })))).toEqual({ "ivr_minutes@1": 25 });
    // ... while without wrap-up it is complete
    expect(brief(meterInteraction(voice(answered.slice(0, 10)), rules()))).toEqual({ "ivr_minutes@1": 25, "inbound_minutes@6": 158 });
  });

  it("self-service in the IVR: only IVR minutes", () => {
    const events = [ev(1, "call.started", 0), ev(2, "ivr.step", 0, { ivrStatus: "running" }), ev(3, "ivr.step", 33.9, { ivrStatus: "ended" }), ev(4, "call.ended", 34)];
    // 33.9 s -> 33 whole seconds
    expect(brief(meterInteraction(voice(events), rules()))).toEqual({ "ivr_minutes@1": 33 });
  });

  it("a caller abandoning in the queue: IVR minutes, no handled minutes, queue time free", () => {
    const events = [
      ev(1, "call.started", 0),
      ev(2, "ivr.step", 12, { ivrStatus: "queued" }),
      ev(3, "routing.queued", 12.02),
      ev(4, "routing.offered", 30, { agentId: AGENT }),
      ev(5, "routing.abandoned", 50, { status: "offered" }),
      ev(6, "call.ended", 50.1, { durationSeconds: 50 }),
    ];
    expect(brief(meterInteraction(voice(events), rules()))).toEqual({ "ivr_minutes@1": 12 });
  });

  it("an overflow to an external number ends the IVR part too", () => {
    const events = [ev(1, "call.started", 0), ev(2, "routing.transferExternal", 9, { number: "+982100000000" }), ev(3, "call.ended", 300)];
    expect(brief(meterInteraction(voice(events), rules()))).toEqual({ "ivr_minutes@1": 9 });
  });

  it("a span under a second bills nothing, whatever the minimum", () => {
    const events = [ev(1, "call.started", 0), ev(2, "ivr.step", 0.4, { ivrStatus: "queued" }), ev(3, "routing.queued", 0.45)];
    expect(meterInteraction(voice(events), rules({ minuteRounding: { mode: "first_60_then_6" } }))).toEqual([]);
  });
});

describe("meterInteraction: several handlings of one contact", () => {
  it("a transfer gives each agent their own handling, wrap-up matched by agent", () => {
    const events = [
      ev(1, "call.started", 0),
      ev(2, "routing.queued", 5),
      ev(3, "routing.connected", 10, { agentId: AGENT }),
      ev(4, "contact.transferred", 70, { fromAgentId: AGENT, toQueue: "sales" }),
      ev(5, "routing.queued", 70.01),
      ev(6, "routing.connected", 80, { agentId: AGENT_B }),
      ev(7, "contact.disposed", 90, { agentId: AGENT }),
      ev(8, "call.ended", 200),
      ev(9, "contact.ended", 200.02, { agentId: AGENT_B }),
      ev(10, "contact.disposed", 230, { agentId: AGENT_B }),
    ];
    // IVR 0 -> 5 = 5; A: talk 10 -> 70 = 60, wrap 70 -> 90 = 20; B: talk 80 -> 200 = 120, wrap 200 -> 230 = 30
    const records = meterInteraction(voice(events), rules({ wrapUp: { mode: "all" } }));
    expect(brief(records)).toEqual({ "ivr_minutes@1": 5, "inbound_minutes@3": 80, "inbound_minutes@6": 150 });
    expect(records.map((r) => r.breakdown)).toEqual([undefined, { talkSeconds: 60, wrapUpSeconds: 20 }, { talkSeconds: 120, wrapUpSeconds: 30 }]);
    // each handling is rounded on its own: per started minute 80 -> 120, 150 -> 180
    expect(brief(meterInteraction(voice(events), rules({ wrapUp: { mode: "all" }, minuteRounding: { mode: "per_started_minute" } })))).toEqual({
      "ivr_minutes@1": 60,
      "inbound_minutes@3": 120,
      "inbound_minutes@6": 180,
    });
  });

  it("a team leader taking over an escalation is a handling of its own, with no wrap-up to wait for", () => {
    const events = [
      ev(1, "routing.connected", 0, { agentId: AGENT }),
      ev(2, "contact.escalated", 30, { agentId: AGENT, note: "" }),
      ev(3, "contact.escalationTaken", 50, { leaderId: LEADER }),
      ev(4, "contact.disposed", 80, { agentId: AGENT }),
      ev(5, "call.ended", 170),
    ];
    // agent: talk 0 -> 50 (escalation hold included) + wrap 50 -> 80 = 80; leader: 50 -> 170 = 120
    expect(brief(meterInteraction(voice(events), rules({ wrapUp: { mode: "all" } })))).toEqual({ "inbound_minutes@1": 80, "inbound_minutes@3": 120 });
  });

  it("an escalation handed back stays one handling", () => {
    const events = [
      ev(1, "routing.connected", 0, { agentId: AGENT }),
      ev(2, "contact.escalated", 30, { agentId: AGENT }),
      ev(3, "contact.escalationReturned", 50, { leaderId: LEADER }),
      ev(4, "contact.ended", 95, { agentId: AGENT, why: "agent" }),
    ];
    expect(brief(meterInteraction(voice(events), rules()))).toEqual({ "inbound_minutes@1": 95 });
  });
});

describe("meterInteraction: outbound, callbacks, other channels", () => {
  const callback = [
    ev(1, "callback.queued", 0, { callbackId: "cb1", reason: "queueCallback" }),
    ev(2, "routing.queued", 0.01, { kind: "callback" }),
    ev(3, "routing.offered", 5, { agentId: AGENT }),
    ev(4, "routing.connected", 8, { agentId: AGENT }),
    ev(5, "call.placed", 9, { agentId: AGENT, providerCallId: "CA1" }),
    ev(6, "contact.ended", 99, { agentId: AGENT, why: "agent" }),
    ev(7, "contact.disposed", 120, { agentId: AGENT }),
  ];

  it("a placed callback: one callback and its outbound minutes, no IVR", () => {
    const records = meterInteraction(voice(callback, { direction: "outbound" }), rules());
    // outbound: 8 -> 99 = 91 s; the callback counts on the event that placed it
    expect(brief(records)).toEqual({ "outbound_minutes@4": 91, "callbacks@5": 1 });
    expect(records[1]!.idempotencyKey).toBe(`${TENANT}:${CALL}:callbacks:5`);
    expect(records[1]!.occurredAt).toEqual(new Date(T0 + 9000));
  });

  it("a callback the simulator bridged counts the same; one whose bridge failed is not placed", () => {
    const bridged = callback.map((e) => (e.type === "call.placed" ? { ...e, type: "call.bridged", data: { agentId: AGENT, provider: "simulator" } } : e));
    expect(brief(meterInteraction(voice(bridged, { direction: "outbound" }), rules()))["callbacks@5"]).toBe(1);
    const failed = callback.map((e) => (e.type === "call.placed" ? { ...e, type: "call.bridgeFailed", data: { reason: "noEndpoint" } } : e));
    expect(brief(meterInteraction(voice(failed, { direction: "outbound" }), rules()))).toEqual({ "outbound_minutes@4": 91 });
  });

  it("outbound minutes are capped by what the provider measured (from the customer's answer)", () => {
    expect(brief(meterInteraction(voice(callback, { direction: "outbound", providerDurationSeconds: 60 }), rules()))).toEqual({ "outbound_minutes@4": 60, "callbacks@5": 1 });
  });

  it("chats, e-mails and SMS count one per contact that reached an agent", () => {
    const events = [
      ev(1, "routing.queued", 0),
      ev(2, "routing.connected", 3, { agentId: AGENT }),
      ev(3, "contact.transferred", 60, { fromAgentId: AGENT }),
      ev(4, "routing.connected", 70, { agentId: AGENT_B }),
      ev(5, "contact.ended", 400, { agentId: AGENT_B }),
    ];
    for (const [channel, kind] of [
      ["chat", "chats"],
      ["email", "emails"],
      ["sms", "sms"],
    ] as const) {
      const records = meterInteraction(voice(events, { channel }), rules());
      expect(records).toEqual([
        {
          tenantId: TENANT,
          kind,
          quantity: 1,
          rawQuantity: 1,
          idempotencyKey: `${TENANT}:${CALL}:${kind}:2`,
          occurredAt: new Date(T0 + 3000),
          source: { interactionId: CALL, eventSeq: 2 },
        },
      ]);
    }
    // never reached an agent: nothing
    expect(meterInteraction(voice(events.slice(0, 1), { channel: "chat" }), rules())).toEqual([]);
  });
});

describe("attribution and keys", () => {
  it("an agent on two tenants' contacts at once bills each tenant only its own contact", () => {
    // The same agent, overlapping in time, on a contact of each tenant: each interaction is metered
    // alone and carries its own tenant, so neither tenant sees the other's seconds.
    const mine = [ev(1, "routing.connected", 0, { agentId: AGENT }), ev(2, "contact.ended", 100, { agentId: AGENT })];
    const theirs = [ev(1, "routing.connected", 40, { agentId: AGENT }), ev(2, "contact.ended", 70, { agentId: AGENT })];
    const a = meterInteraction(voice(mine), rules());
    const b = meterInteraction(voice(theirs, { tenantId: OTHER_TENANT, interactionId: "c0ffee00-0000-4000-8000-000000000002" }), rules());
    // 0 -> 100 for this tenant; 40 -> 70 for the other, although the agent was also on ours then
    expect(a.map((r) => [r.tenantId, r.kind, r.quantity])).toEqual([[TENANT, "inbound_minutes", 100]]);
    expect(b.map((r) => [r.tenantId, r.kind, r.quantity])).toEqual([[OTHER_TENANT, "inbound_minutes", 30]]);
  });

  it("keys are tenant:interaction:kind:seq, within Stripe's 100 characters", () => {
    expect(usageIdempotencyKey(TENANT, CALL, "recording_gb_days", 99_999)).toBe(`${TENANT}:${CALL}:recording_gb_days:99999`);
    expect(usageIdempotencyKey(TENANT, CALL, "recording_gb_days", 99_999).length).toBeLessThanOrEqual(100);
  });
});
