import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHub, publish, publishMany, type Delivery, type Hub } from "~/modules/realtime/bus.server";
import { agentChannel, FLOOR, tenantChannel, type AgentStateEvent, type FloorAgentEvent, type QueueStatsEvent } from "~/modules/realtime/channels";
import { uniq } from "../setup/factories";
import { killConnection, numsub, waitFor } from "./realtime.helpers";

/**
 * Two hubs stand for two processes (each opens its own subscriber connection); events are published
 * on a third, plain connection, as a worker would.
 */
const url = process.env.REDIS_URL!;
const publisher = new Redis(url);
const hubs: Hub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});
afterAll(async () => {
  await publisher.quit();
});

function setup() {
  const prefix = `rt-test-${uniq()}:`;
  const make = (name?: string) => {
    const hub = createHub({ url, prefix, connectionName: name });
    hubs.push(hub);
    return hub;
  };
  return { prefix, make, send: <E extends AgentStateEvent>(agentId: string, event: E) => publish(agentChannel(agentId), event, { connection: publisher, prefix }) };
}

const agentState = (agentId: string, state: AgentStateEvent["state"] = "available"): AgentStateEvent => ({
  type: "agent.state",
  at: new Date().toISOString(),
  agentId,
  state,
  since: new Date().toISOString(),
});

describe("realtime bus", () => {
  it("delivers an event published on one connection to the subscriber hubs of other processes", async () => {
    const { make, send } = setup();
    const web1 = make();
    const web2 = make();
    const got1: Delivery[] = [];
    const got2: Delivery[] = [];
    const off1 = web1.subscribe([agentChannel("a1")], (d) => got1.push(d));
    const off2 = web2.subscribe([agentChannel("a1")], (d) => got2.push(d));
    await Promise.all([off1.ready, off2.ready]);

    expect(await send("a1", agentState("a1", "break"))).toBe(2);
    await waitFor(() => got1.length === 1 && got2.length === 1, "both hubs");
    expect(got1[0]).toMatchObject({ channel: "agent:a1", event: { type: "agent.state", agentId: "a1", state: "break" } });
    expect(JSON.parse(got1[0]!.raw)).toEqual(got1[0]!.event);
  });

  it("delivers only to listeners of the channel, in publish order, with increasing ids", async () => {
    const { make, send, prefix } = setup();
    const hub = make();
    const a1: Delivery[] = [];
    const a2: Delivery[] = [];
    const floor: Delivery[] = [];
    await hub.subscribe([agentChannel("a1")], (d) => a1.push(d)).ready;
    await hub.subscribe([agentChannel("a2")], (d) => a2.push(d)).ready;
    await hub.subscribe([FLOOR, tenantChannel("t1")], (d) => floor.push(d)).ready;

    const states = ["available", "offered", "busy", "wrap_up"] as const;
    for (const state of states) await send("a1", agentState("a1", state));
    const stats: QueueStatsEvent = {
      type: "queue.stats",
      at: new Date().toISOString(),
      tenantId: "t1",
      queueId: "q1",
      waiting: 4,
      longestWaitSeconds: 31,
      agentsAvailable: 1,
      agentsBusy: 6,
      serviceLevel: 78.3,
      abandonRate: 4.1,
    };
    const onFloor: FloorAgentEvent = { type: "floor.agent", at: stats.at, agentId: "a1", state: "busy", since: stats.at };
    expect(
      await publishMany(
        [
          { channel: tenantChannel("t1"), event: stats },
          { channel: FLOOR, event: onFloor },
        ],
        { connection: publisher, prefix },
      ),
    ).toEqual([1, 1]);

    await waitFor(() => a1.length === 4 && floor.length === 2, "a1 and floor events");
    expect(a1.map((d) => d.event.state)).toEqual(states);
    const ids = a1.map((d) => Number(d.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(floor.map((d) => [d.channel, d.event.type])).toEqual([
      ["tenant:t1", "queue.stats"],
      ["floor", "floor.agent"],
    ]);
    expect(a2).toEqual([]);
  });

  it("stops delivery on unsubscribe and counts listeners per channel before unsubscribing in Redis", async () => {
    const { make, send, prefix } = setup();
    const hub = make();
    const first: Delivery[] = [];
    const second: Delivery[] = [];
    const offFirst = hub.subscribe([agentChannel("a1")], (d) => first.push(d));
    const offSecond = hub.subscribe([agentChannel("a1")], (d) => second.push(d));
    await Promise.all([offFirst.ready, offSecond.ready]);
    // One process, one subscription, however many listeners.
    expect(await numsub(publisher, `${prefix}agent:a1`)).toBe(1);

    offFirst();
    offFirst();
    await send("a1", agentState("a1"));
    await waitFor(() => second.length === 1, "the remaining listener");
    expect(first).toEqual([]);
    expect(await numsub(publisher, `${prefix}agent:a1`)).toBe(1);

    offSecond();
    await waitFor(() => hub.channelCount === 0, "no local channel");
    // UNSUBSCRIBE is sent without waiting; a PUBSUB query after it on another connection may race it.
    const deadline = Date.now() + 2_000;
    while ((await numsub(publisher, `${prefix}agent:a1`)) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await numsub(publisher, `${prefix}agent:a1`)).toBe(0);
    expect(await send("a1", agentState("a1"))).toBe(0);
    await new Promise((r) => setTimeout(r, 50));
    expect(second).toHaveLength(1);
  });

  it("takes subscriptions that arrive while its connection is still handshaking", async () => {
    // Streams open while the hub's connection is being established (the first requests after a
    // boot); SUBSCRIBE must not be sent before the connection is ready.
    const { make, send } = setup();
    const hub = make(`rt-test-${uniq()}`);
    const got = new Set<string>();
    const subs: ReturnType<Hub["subscribe"]>[] = [];
    for (let i = 0; i < 100; i++) {
      subs.push(hub.subscribe([agentChannel(`h${i}`)], (d) => got.add(d.channel)));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(subs.map((s) => s.ready));
    for (let i = 0; i < 100; i++) await send(`h${i}`, agentState(`h${i}`));
    await waitFor(() => got.size === 100, "an event on every channel");
  });

  it("subscribes again after the connection is dropped and tells listeners to resync", async () => {
    const name = `rt-test-${uniq()}`;
    const { make, send } = setup();
    const hub = make(name);
    const got: Delivery[] = [];
    let resyncs = 0;
    await hub.subscribe([agentChannel("a1")], (d) => got.push(d), { onResync: () => resyncs++ }).ready;

    await killConnection(publisher, name);
    await waitFor(() => resyncs === 1, "the resync after reconnecting", 10_000);
    expect(await send("a1", agentState("a1", "busy"))).toBe(1);
    await waitFor(() => got.length === 1, "delivery after the reconnect");
    expect(got[0]!.event).toMatchObject({ state: "busy" });
  });

  it("drops a message that is not an event and keeps delivering", async () => {
    const { make, prefix, send } = setup();
    const hub = make();
    const got: Delivery[] = [];
    await hub.subscribe([agentChannel("a1")], (d) => got.push(d)).ready;
    await publisher.publish(`${prefix}agent:a1`, "not json");
    await publisher.publish(`${prefix}agent:a1`, JSON.stringify({ hello: "world" }));
    await send("a1", agentState("a1"));
    await waitFor(() => got.length === 1, "the valid event");
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toHaveLength(1);
  });

  it("isolates a listener that throws from the others", async () => {
    const { make, send } = setup();
    const hub = make();
    const got: Delivery[] = [];
    await hub.subscribe([agentChannel("a1")], () => {
      throw new Error("boom");
    }).ready;
    await hub.subscribe([agentChannel("a1")], (d) => got.push(d)).ready;
    await send("a1", agentState("a1"));
    await waitFor(() => got.length === 1, "the healthy listener");
  });

  it("refuses channel names it did not make", async () => {
    const { make } = setup();
    const hub = make();
    expect(() => hub.subscribe(["agent:*" as `agent:${string}`], () => {})).toThrow(/invalid channel/);
    await expect(publish("queue:1" as "floor", { type: "floor.agent", at: new Date().toISOString(), agentId: "a", state: "busy", since: new Date().toISOString() }, { connection: publisher })).rejects.toThrow(/invalid channel/);
  });
});
