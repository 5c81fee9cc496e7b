import { describe, expect, expectTypeOf, it } from "vitest";
import {
  agentChannel,
  channelKind,
  eventTime,
  FLOOR,
  isChannel,
  isEventOfType,
  parseChannel,
  parseEvent,
  serializeEvent,
  tenantChannel,
  type AgentStateEvent,
  type EventOn,
  type OfferNewEvent,
  type QueueStatsEvent,
  type RealtimeEvent,
} from "~/modules/realtime/channels";

const AGENT = "5f0c7a4e-1b2c-4d3e-8f90-0123456789ab";
const TENANT = "0d9c1e2f-3a4b-4c5d-9e6f-abcdef012345";
const AT = "2026-03-21T08:30:00.000Z";

describe("channel names", () => {
  it("names one agent, one tenant and the floor", () => {
    expect(agentChannel(AGENT)).toBe(`agent:${AGENT}`);
    expect(tenantChannel(TENANT)).toBe(`tenant:${TENANT}`);
    expect(FLOOR).toBe("floor");
  });

  it("parses names back to their kind and id", () => {
    expect(parseChannel(`agent:${AGENT}`)).toEqual({ kind: "agent", id: AGENT, channel: `agent:${AGENT}` });
    expect(parseChannel(`tenant:${TENANT}`)).toEqual({ kind: "tenant", id: TENANT, channel: `tenant:${TENANT}` });
    expect(parseChannel("floor")).toEqual({ kind: "floor", id: null, channel: "floor" });
    expect(channelKind(agentChannel(AGENT))).toBe("agent");
    expect(channelKind(tenantChannel(TENANT))).toBe("tenant");
    expect(channelKind(FLOOR)).toBe("floor");
  });

  it("refuses ids that would make a name ambiguous or a glob pattern", () => {
    for (const bad of ["", "a:b", "a*", "a?", "[ab]", "has space", "x".repeat(65), "tab\t", "nl\n"]) {
      expect(() => agentChannel(bad), bad).toThrow(/invalid agent id/);
      expect(() => tenantChannel(bad), bad).toThrow(/invalid tenant id/);
    }
  });

  it("recognizes only its own channel names", () => {
    for (const bad of ["", "agent:", "agent", "tenant:a:b", "floor:1", "queue:1", "Floor", "agent:*"]) {
      expect(isChannel(bad), bad).toBe(false);
      expect(parseChannel(bad), bad).toBeNull();
    }
    expect(isChannel(`agent:${AGENT}`)).toBe(true);
  });

  it("types each channel with the events it may carry", () => {
    expectTypeOf<AgentStateEvent>().toMatchTypeOf<EventOn<`agent:${string}`>>();
    expectTypeOf<EventOn<"floor">>().toMatchTypeOf<RealtimeEvent>();
    expectTypeOf<QueueStatsEvent>().toMatchTypeOf<EventOn<"floor">>();
    expectTypeOf<QueueStatsEvent>().toMatchTypeOf<EventOn<`tenant:${string}`>>();
    expectTypeOf<OfferNewEvent>().not.toMatchTypeOf<EventOn<`tenant:${string}`>>();
    expectTypeOf<AgentStateEvent>().not.toMatchTypeOf<EventOn<"floor">>();
  });
});

describe("event serialization", () => {
  const offer: OfferNewEvent = {
    type: "offer.new",
    at: AT,
    offerId: "o1",
    interactionId: "i1",
    tenantId: TENANT,
    queueId: "q1",
    medium: "voice",
    expiresAt: "2026-03-21T08:30:20.000Z",
    from: "+989121234567",
  };

  it("round-trips an event through its JSON text", () => {
    const raw = serializeEvent(offer);
    expect(JSON.parse(raw)).toEqual(offer);
    expect(parseEvent(raw)).toEqual(offer);
  });

  it("keeps Persian text and line breaks inside one JSON line", () => {
    const stats: QueueStatsEvent = {
      type: "queue.stats",
      at: AT,
      tenantId: TENANT,
      queueId: "فروش\nعمومی",
      waiting: 3,
      longestWaitSeconds: 42,
      agentsAvailable: 2,
      agentsBusy: 5,
      serviceLevel: 81.5,
      abandonRate: null,
    };
    const raw = serializeEvent(stats);
    expect(raw).not.toMatch(/[\r\n]/);
    expect(parseEvent(raw)).toEqual(stats);
  });

  it("refuses to publish an event without a dotted type or an ISO time", () => {
    expect(() => serializeEvent({ ...offer, type: "offer" } as unknown as RealtimeEvent)).toThrow(/event type/);
    expect(() => serializeEvent({ ...offer, at: "yesterday" })).toThrow(/event time/);
    expect(() => serializeEvent({ ...offer, at: "2026-13-01T08:00:00Z" })).toThrow(/event time/);
  });

  it("reads the envelope of types newer than this process, and nothing that is not an event", () => {
    expect(parseEvent(JSON.stringify({ type: "callback.due", at: AT, callbackId: "c1" }))).toEqual({ type: "callback.due", at: AT, callbackId: "c1" });
    for (const bad of ["", "not json", "null", "[]", "42", '{"type":"x.y"}', '{"at":"2026-03-21T08:30:00Z"}', `{"type":"Bad Type","at":"${AT}"}`, `{"type":"a.b","at":"21/03/2026"}`]) {
      expect(parseEvent(bad), bad).toBeNull();
    }
  });

  it("narrows an envelope to a known event", () => {
    const envelope = parseEvent(serializeEvent(offer))!;
    expect(isEventOfType(envelope, "offer.new")).toBe(true);
    if (isEventOfType(envelope, "offer.new")) expectTypeOf(envelope.expiresAt).toEqualTypeOf<string>();
    expect(isEventOfType(envelope, "offer.withdrawn")).toBe(false);
  });

  it("stamps events in UTC ISO form", () => {
    expect(eventTime(new Date(Date.UTC(2026, 2, 21, 8, 30)))).toBe(AT);
    expect(parseEvent(JSON.stringify({ type: "a.b", at: eventTime() }))).not.toBeNull();
  });
});
