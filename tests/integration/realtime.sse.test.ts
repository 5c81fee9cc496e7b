import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHub, publish, type Hub } from "~/modules/realtime/bus.server";
import { agentChannel, FLOOR, type AgentStateEvent, type EventOn } from "~/modules/realtime/channels";
import { eventStream, type EventStreamOptions } from "~/modules/realtime/sse.server";
import { uniq } from "../setup/factories";
import { killConnection, numsub, readEvents, waitFor } from "./realtime.helpers";

const url = process.env.REDIS_URL!;
const publisher = new Redis(url);
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});
afterAll(async () => {
  await publisher.quit();
});

type AgentEvent = EventOn<`agent:${string}`>;
const CH = agentChannel("a1");
const state = (s: AgentStateEvent["state"], at = new Date()): AgentStateEvent => ({ type: "agent.state", at: at.toISOString(), agentId: "a1", state: s, since: at.toISOString() });

function open(options: Omit<EventStreamOptions<typeof CH>, "hub"> = {}, name?: string) {
  const prefix = `rt-test-${uniq()}:`;
  const hub: Hub = createHub({ url, prefix, connectionName: name });
  const abort = new AbortController();
  const response = eventStream(new Request("http://localhost/events/agent", { signal: abort.signal }), [CH], { ...options, hub });
  const stream = readEvents(response);
  cleanup.push(() => hub.close(), () => stream.cancel(), () => abort.abort());
  const send = (event: AgentEvent) => publish(CH, event, { connection: publisher, prefix });
  return { prefix, hub, abort, response, stream, send, ready: () => stream.until(() => stream.comments().includes("ready"), "the ready comment") };
}

describe("eventStream", () => {
  it("answers text/event-stream with no caching, no transform, no proxy buffering and a retry hint first", async () => {
    const { response, stream } = open({ retryMs: 2500 });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    expect(response.headers.get("x-accel-buffering")).toBe("no");
    await stream.until(() => stream.items.length > 0, "the first item");
    expect(stream.items[0]).toEqual({ kind: "retry", ms: 2500 });
  });

  it("streams data frames with ids for events published after connecting", async () => {
    const { stream, send, ready } = open();
    await ready();
    await send(state("available"));
    await send(state("offered"));
    await stream.until(() => stream.messages().length === 2, "two frames");
    expect(stream.events().map((e) => e.state)).toEqual(["available", "offered"]);
    const ids = stream.messages().map((m) => Number(m.id));
    expect(ids[1]).toBeGreaterThan(ids[0]!);
  });

  it("sends the snapshot first, then what was published while it loaded, then live events", async () => {
    let release!: () => void;
    const loading = new Promise<void>((r) => (release = r));
    let snapshotRequested = false;
    const t0 = new Date(Date.now() - 60_000);
    const { stream, send, ready } = open({
      initial: async () => {
        snapshotRequested = true;
        await loading;
        return [state("busy", t0)];
      },
    });
    await waitFor(() => snapshotRequested, "the snapshot request");
    await send(state("wrap_up"));
    // Give the hub time to receive it while the snapshot is still loading.
    await new Promise((r) => setTimeout(r, 50));
    expect(stream.messages()).toEqual([]);
    release();
    await ready();
    await send(state("available"));
    await stream.until(() => stream.messages().length === 3, "snapshot, backlog and live frames");
    expect(stream.events().map((e) => e.state)).toEqual(["busy", "wrap_up", "available"]);
    expect(stream.events()[0]!.at).toBe(t0.toISOString());
  });

  it("sends a heartbeat comment on its interval", async () => {
    const { stream } = open({ heartbeatMs: 30 });
    await stream.until(() => stream.comments().filter((c) => c === "hb").length >= 2, "two heartbeats");
    expect(stream.messages()).toEqual([]);
  });

  it("closes the body and leaves the channel when the request is aborted", async () => {
    const { stream, abort, hub, prefix, ready } = open();
    await ready();
    expect(await numsub(publisher, `${prefix}${CH}`)).toBe(1);
    abort.abort();
    await stream.ended();
    expect(hub.channelCount).toBe(0);
    const deadline = Date.now() + 2_000;
    while ((await numsub(publisher, `${prefix}${CH}`)) !== 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(await numsub(publisher, `${prefix}${CH}`)).toBe(0);
  });

  it("leaves the channel when the reader cancels the body", async () => {
    const { stream, hub, ready } = open();
    await ready();
    await stream.cancel();
    await waitFor(() => hub.channelCount === 0, "the stream to unsubscribe");
  });

  it("ends after its maximum age so the browser reconnects through the permission check", async () => {
    const { stream, hub } = open({ maxAgeMs: 100 });
    await stream.ended(2_000);
    expect(hub.channelCount).toBe(0);
  });

  it("ends when the snapshot cannot be loaded, so the browser retries", async () => {
    const { stream, hub } = open({
      initial: () => Promise.reject(new Error("database down")),
    });
    await stream.ended();
    expect(stream.messages()).toEqual([]);
    expect(hub.channelCount).toBe(0);
  });

  it("ends, without crashing the process, when a snapshot holds an invalid event", async () => {
    const { stream, hub } = open({ initial: async () => [{ ...state("busy"), at: "not a time" }] });
    await stream.ended();
    expect(stream.messages()).toEqual([]);
    expect(hub.channelCount).toBe(0);
  });

  it("re-sends the snapshot after the hub's Redis connection comes back", async () => {
    const name = `rt-test-${uniq()}`;
    let snapshots = 0;
    const { stream, send, ready } = open(
      {
        initial: async () => {
          snapshots++;
          return [state(snapshots === 1 ? "available" : "break")];
        },
      },
      name,
    );
    await ready();
    await killConnection(publisher, name);
    await stream.until(() => stream.messages().length === 2, "the second snapshot", 10_000);
    await send(state("available"));
    await stream.until(() => stream.messages().length === 3, "a live event after the reconnect");
    expect(stream.events().map((e) => e.state)).toEqual(["available", "break", "available"]);
  });

  it("serves several channels on one stream, sharing the hub subscription with other streams", async () => {
    const prefix = `rt-test-${uniq()}:`;
    const hub = createHub({ url, prefix });
    const aborts = [new AbortController(), new AbortController()];
    const streams = aborts.map((a) => readEvents(eventStream(new Request("http://localhost/x", { signal: a.signal }), [CH, FLOOR], { hub })));
    cleanup.push(() => hub.close(), ...aborts.map((a) => () => a.abort()));
    for (const s of streams) await s.until(() => s.comments().includes("ready"), "ready");
    expect(await numsub(publisher, `${prefix}floor`)).toBe(1);
    const at = new Date().toISOString();
    await publish(FLOOR, { type: "floor.agent", at, agentId: "a9", state: "busy", since: at }, { connection: publisher, prefix });
    await publish(CH, state("break"), { connection: publisher, prefix });
    for (const s of streams) await s.until(() => s.messages().length === 2, "both frames");
    expect(streams[0]!.messages()).toEqual(streams[1]!.messages());
    expect(streams[0]!.events().map((e) => e.type)).toEqual(["floor.agent", "agent.state"]);
  });
});
