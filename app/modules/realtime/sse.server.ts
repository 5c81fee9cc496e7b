import client from "prom-client";
import { logger } from "../platform/logger.server";
import { metrics } from "../platform/metrics.server";
import { closeHub, hub as processHub, type Delivery, type Hub, type Unsubscribe } from "./bus.server";
import { serializeEvent, type Channel, type EventOn } from "./channels";
import { connectionSignal } from "./connection.server";
import { formatComment, formatFrame, formatRetry } from "./sse-format";

/**
 * A Server-Sent Events response fed by the process hub. On connect: the retry hint, then (once
 * Redis confirmed the subscription, so nothing published meanwhile is missed) the snapshot from
 * `initial`, then every event published since subscribing, then live events as they come.
 *
 * Last-Event-ID is not replayed (pub/sub keeps no history): a reconnecting browser gets the
 * snapshot again. Events buffered while a snapshot loads may predate it; each event carries full
 * state and its `at`, so a client keeps the newest per entity.
 */

export interface EventStreamOptions<C extends Channel> {
  /** The current state as events, sent first on every (re)connect and after a Redis reconnect. */
  initial?: () => Promise<readonly EventOn<C>[]>;
  /** Comment line interval; proxies close idle connections after 30-60 s. Default 15 s. */
  heartbeatMs?: number;
  /** Browser reconnection delay hint. Default 2 s. */
  retryMs?: number;
  /**
   * The stream ends after this long (±20 %) and the browser reconnects, which re-runs the route's
   * permission check: a revoked role or ended session stops receiving within this bound without a
   * database query per heartbeat. Default 10 min; 0 keeps the stream open indefinitely.
   */
  maxAgeMs?: number;
  /** Defaults to the process hub. */
  hub?: Hub;
}

export const SSE_HEADERS = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform also keeps the compression middleware (and proxies) from buffering the stream.
  "Cache-Control": "no-cache, no-transform",
  // nginx buffers proxied responses unless told not to.
  "X-Accel-Buffering": "no",
} as const;

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(formatComment("hb"));
/** Tells a reader the snapshot is sent and the stream is live (EventSource ignores comments). */
const READY = encoder.encode(formatComment("ready"));

// A message to a channel with many local listeners (the floor) is encoded once, not per stream.
const frames = new WeakMap<Delivery, Uint8Array>();
function frameOf(delivery: Delivery): Uint8Array {
  let frame = frames.get(delivery);
  if (!frame) {
    frame = encoder.encode(formatFrame({ id: delivery.id, data: delivery.raw }));
    frames.set(delivery, frame);
  }
  return frame;
}

// On globalThis so the Express entry's shutdown reaches streams opened by Vite-loaded routes in dev.
const KEY = Symbol.for("hamkal.realtime.streams");
type Holder = { [KEY]?: Set<() => void> };
function openStreams(): Set<() => void> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const streams = new Set<() => void>();
    holder[KEY] = streams;
    const registry = metrics().registry;
    if (!registry.getSingleMetric("realtime_open_streams")) {
      new client.Gauge({
        name: "realtime_open_streams",
        help: "Server-Sent Events streams open in this process",
        registers: [registry],
        collect() {
          this.set(streams.size);
        },
      });
    }
  }
  return holder[KEY];
}

export function eventStream<C extends Channel>(request: Request, channels: readonly C[], options: EventStreamOptions<C> = {}): Response {
  const hub = options.hub ?? processHub();
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const retryMs = options.retryMs ?? 2_000;
  const maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
  const streams = openStreams();
  // request.signal alone can miss the browser leaving (see connection.server.ts); either one ends the stream.
  const signals = [request.signal, connectionSignal()].filter((s): s is AbortSignal => s !== undefined);

  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  let closed = false;
  let live = false;
  let backlog: Uint8Array[] = [];
  let generation = 0;
  let unsubscribe: Unsubscribe | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let maxAge: ReturnType<typeof setTimeout> | undefined;

  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(maxAge);
    unsubscribe?.();
    for (const signal of signals) signal.removeEventListener("abort", close);
    streams.delete(close);
    backlog = [];
    try {
      controller?.close();
    } catch {
      // Already closed or errored by the reader's side.
    }
  };

  const send = (bytes: Uint8Array) => {
    if (closed || !controller) return;
    try {
      controller.enqueue(bytes);
    } catch {
      close();
    }
  };

  const onDelivery = (delivery: Delivery) => {
    if (live) send(frameOf(delivery));
    else backlog.push(frameOf(delivery));
  };

  const sync = async () => {
    const mine = ++generation;
    live = false;
    let snapshot: Uint8Array[];
    try {
      const events = options.initial ? await options.initial() : [];
      snapshot = events.map((event) => encoder.encode(formatFrame({ id: hub.nextId(), data: serializeEvent(event) })));
    } catch (err) {
      // Without its snapshot the client would show stale state; ending makes the browser retry.
      logger.error({ err, channels }, "realtime snapshot failed");
      close();
      return;
    }
    if (closed || mine !== generation) return;
    for (const frame of snapshot) send(frame);
    const pending = backlog;
    backlog = [];
    for (const frame of pending) send(frame);
    live = true;
    send(READY);
  };

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      if (signals.some((s) => s.aborted)) return close();
      for (const signal of signals) signal.addEventListener("abort", close, { once: true });
      streams.add(close);
      send(encoder.encode(formatRetry(retryMs)));
      try {
        unsubscribe = hub.subscribe(channels, onDelivery, { onResync: () => void sync() });
      } catch (err) {
        logger.error({ err, channels }, "realtime subscribe refused");
        return close();
      }
      unsubscribe.ready.then(
        () => sync(),
        (err: unknown) => {
          // A stream already ended (shutdown closes streams before the hub) has nothing to report.
          if (!closed) logger.error({ err, channels }, "realtime subscription failed");
          close();
        },
      );
      heartbeat = setInterval(() => send(HEARTBEAT), heartbeatMs);
      if (maxAgeMs > 0) maxAge = setTimeout(close, maxAgeMs * (0.8 + Math.random() * 0.4));
    },
    cancel() {
      close();
    },
  });

  return new Response(body, { status: 200, headers: SSE_HEADERS });
}

/** Ends every stream of this process (the browsers reconnect, to another replica when draining). */
export function closeEventStreams(): number {
  const streams = openStreams();
  const count = streams.size;
  for (const close of [...streams]) close();
  return count;
}

/** Graceful shutdown: end the streams, then the hub's Redis connection. */
export async function closeRealtime(): Promise<void> {
  closeEventStreams();
  await closeHub();
}
