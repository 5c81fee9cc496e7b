import http from "node:http";
import type { AddressInfo } from "node:net";
import { writeReadableStreamToWritable } from "@remix-run/node";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createHub, publish, type Hub } from "~/modules/realtime/bus.server";
import { agentChannel } from "~/modules/realtime/channels";
import { trackDisconnect } from "~/modules/realtime/connection.server";
import { SseParser, type SseItem } from "~/modules/realtime/sse-format";
import { closeEventStreams, eventStream } from "~/modules/realtime/sse.server";
import { uniq } from "../setup/factories";
import { waitFor } from "./realtime.helpers";

/**
 * An event stream over a real socket, written out the way Remix's Node adapter does. The loader's
 * request.signal never aborts here, as happens in production once Remix's intermediate Request is
 * garbage-collected; the browser leaving must still end the stream.
 */
const url = process.env.REDIS_URL!;
const publisher = new Redis(url);
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  closeEventStreams();
});
afterAll(() => publisher.quit());

const CH = agentChannel("http-a1");

async function serve(hub: Hub, withTracking: boolean) {
  const server = http.createServer((req, res) => {
    const handle = () => {
      const never = new AbortController();
      const response = eventStream(new Request(`http://localhost${req.url}`, { signal: never.signal }), [CH], { hub });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.flushHeaders();
      void writeReadableStreamToWritable(response.body!, res).catch(() => {});
    };
    if (withTracking) trackDisconnect(req, res, handle);
    else handle();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanup.push(() => new Promise((r) => server.close(r)), () => server.closeAllConnections());
  return (server.address() as AddressInfo).port;
}

function connect(port: number) {
  const items: SseItem[] = [];
  const parser = new SseParser();
  const req = http.get({ host: "127.0.0.1", port, path: "/events/agent", headers: { accept: "text/event-stream" } }, (res) => {
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => items.push(...parser.push(chunk)));
    res.on("error", () => {});
  });
  req.on("error", () => {});
  cleanup.push(() => req.destroy());
  return { req, items, ready: () => waitFor(() => items.some((i) => i.kind === "comment" && i.text === "ready"), "the ready comment") };
}

describe("event streams over HTTP", () => {
  it("delivers published events over the socket", async () => {
    const prefix = `rt-test-${uniq()}:`;
    const hub = createHub({ url, prefix });
    cleanup.push(() => hub.close());
    const client = connect(await serve(hub, true));
    await client.ready();
    const at = new Date().toISOString();
    await publish(CH, { type: "agent.state", at, agentId: "http-a1", state: "busy", since: at }, { connection: publisher, prefix });
    await waitFor(() => client.items.some((i) => i.kind === "message"), "the event");
    const message = client.items.find((i) => i.kind === "message");
    expect(message?.kind === "message" && JSON.parse(message.message.data)).toMatchObject({ type: "agent.state", state: "busy" });
  });

  it("ends the stream when the browser disconnects even if request.signal never aborts", async () => {
    const hub = createHub({ url, prefix: `rt-test-${uniq()}:` });
    cleanup.push(() => hub.close());
    const client = connect(await serve(hub, true));
    await client.ready();
    expect(hub.channelCount).toBe(1);
    client.req.destroy();
    await waitFor(() => hub.channelCount === 0, "the stream to end");
  });

  it("needs that tracking: with request.signal alone a departed browser's stream stays open", async () => {
    const hub = createHub({ url, prefix: `rt-test-${uniq()}:` });
    cleanup.push(() => hub.close());
    const client = connect(await serve(hub, false));
    await client.ready();
    client.req.destroy();
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.channelCount).toBe(1);
  });
});
