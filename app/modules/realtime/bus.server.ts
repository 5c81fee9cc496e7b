import { Redis } from "ioredis";
import { loadEnv } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { redis } from "../platform/redis.server";
import { isChannel, parseEvent, serializeEvent, type Channel, type EventEnvelope, type EventOn, type Publication } from "./channels";

/**
 * Events across processes over Redis pub/sub. Any process publishes (a worker moving an agent to
 * "offered", a route accepting a contact); the web process holding the browser's stream delivers.
 *
 * Each process opens at most ONE subscriber connection (the hub), however many streams it serves:
 * a channel is SUBSCRIBEd when its first local listener arrives and UNSUBSCRIBEd when its last one
 * leaves, and an incoming message is parsed once and handed to every local listener of the channel.
 *
 * Pub/sub keeps nothing: a message published while a hub is disconnected is lost to it. After a
 * reconnect the hub subscribes again and calls every listener's `onResync`, so a stream re-sends
 * its snapshot instead of showing a state that silently missed an update.
 */

/**
 * Pub/sub ignores Redis database numbers, so two deployments (or two test runs) sharing a server
 * would hear each other's channels. The BullMQ prefix is already the deployment's namespace in Redis.
 */
export function realtimePrefix(): string {
  return `${loadEnv().BULLMQ_PREFIX}:rt:`;
}

export interface PublishOptions {
  /** Defaults to the process's shared Redis connection. */
  connection?: Redis;
  /** Defaults to `realtimePrefix()`. */
  prefix?: string;
}

/**
 * One PUBLISH of the event as JSON; resolves to how many subscriber connections (processes) got it.
 * Call it after the change is committed: the database is the record, this is only the live push.
 * A failure loses that push, not data; the next snapshot a client loads shows the truth.
 */
export async function publish<C extends Channel>(channel: C, event: EventOn<C>, opts: PublishOptions = {}): Promise<number> {
  if (!isChannel(channel)) throw new Error(`realtime: invalid channel ${JSON.stringify(channel)}`);
  return (opts.connection ?? redis()).publish(`${opts.prefix ?? realtimePrefix()}${channel}`, serializeEvent(event));
}

/** Several events in one round trip (e.g. an agent's state to its desktop and to the floor), in order. */
export async function publishMany(items: readonly Publication[], opts: PublishOptions = {}): Promise<number[]> {
  if (items.length === 0) return [];
  const prefix = opts.prefix ?? realtimePrefix();
  const pipeline = (opts.connection ?? redis()).pipeline();
  for (const { channel, event } of items) {
    if (!isChannel(channel)) throw new Error(`realtime: invalid channel ${JSON.stringify(channel)}`);
    pipeline.publish(`${prefix}${channel}`, serializeEvent(event));
  }
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, count]) => {
    if (err) throw err;
    return Number(count);
  });
}

/** One message as a listener receives it; the same object goes to every listener of the channel. */
export interface Delivery {
  /** Increasing within this process: the stream's `id:` line. */
  id: string;
  channel: Channel;
  event: EventEnvelope;
  /** The JSON text as published, for writing out without serializing again. */
  raw: string;
}

export type Listener = (delivery: Delivery) => void;

export interface SubscribeOptions {
  /** Called after a Redis reconnect, once the channels are subscribed again: messages may have been lost. */
  onResync?: () => void;
}

/** Stops delivery to the listener (idempotent). `ready` resolves once Redis confirmed every channel. */
export interface Unsubscribe {
  (): void;
  ready: Promise<void>;
}

export interface HubOptions {
  /** Defaults to REDIS_URL. */
  url?: string;
  /** Defaults to `realtimePrefix()`. */
  prefix?: string;
  /** CLIENT SETNAME of the subscriber connection, to find it in CLIENT LIST. */
  connectionName?: string;
}

interface Entry {
  listener: Listener;
  onResync?: () => void;
}

// SUBSCRIBE takes any number of channels, but one huge command would hold up replies on a reconnect.
const RESUBSCRIBE_BATCH = 1000;

export class Hub {
  private connection: Redis | null = null;
  private readonly entries = new Map<Channel, Set<Entry>>();
  /** Channels whose SUBSCRIBE is sent but not yet confirmed. */
  private readonly pending = new Map<Channel, Promise<unknown>>();
  private readonly prefix: string;
  private seq = 0;
  private connectedOnce = false;
  private closed = false;
  private lastWarn = 0;
  private readyWait: { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } | null = null;

  constructor(private readonly options: HubOptions = {}) {
    this.prefix = options.prefix ?? realtimePrefix();
  }

  /** Number of channels with at least one local listener. */
  get channelCount(): number {
    return this.entries.size;
  }

  nextId(): string {
    return String(++this.seq);
  }

  subscribe(channels: readonly Channel[], listener: Listener, opts: SubscribeOptions = {}): Unsubscribe {
    if (this.closed) throw new Error("realtime: hub is closed");
    const unique = [...new Set(channels)];
    for (const channel of unique) if (!isChannel(channel)) throw new Error(`realtime: invalid channel ${JSON.stringify(channel)}`);
    const entry: Entry = { listener, onResync: opts.onResync };
    const fresh: Channel[] = [];
    for (const channel of unique) {
      let set = this.entries.get(channel);
      if (!set) {
        set = new Set();
        this.entries.set(channel, set);
        fresh.push(channel);
      }
      set.add(entry);
    }
    if (fresh.length > 0) this.sendSubscribe(fresh);
    const ready = Promise.all(unique.map((c) => this.pending.get(c))).then(() => undefined);
    // Awaiting `ready` is optional; an unobserved failure (hub closed meanwhile) is not an error.
    ready.catch(() => {});

    let active = true;
    const unsubscribe = () => {
      if (!active) return;
      active = false;
      const gone: Channel[] = [];
      for (const channel of unique) {
        const set = this.entries.get(channel);
        if (!set) continue;
        set.delete(entry);
        if (set.size === 0) {
          this.entries.delete(channel);
          gone.push(channel);
        }
      }
      // Not ready means not subscribed: the first connection has not sent it yet (and will skip
      // channels that left meanwhile), a lost connection took its subscriptions with it.
      if (gone.length > 0 && this.connection?.status === "ready" && !this.closed) {
        this.connection.unsubscribe(...gone.map((c) => this.prefix + c)).catch((err: Error) => this.warn(err, "realtime unsubscribe failed"));
      }
    };
    return Object.assign(unsubscribe, { ready });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.entries.clear();
    this.readyWait?.reject(new Error("realtime: hub is closed"));
    this.readyWait = null;
    const connection = this.connection;
    this.connection = null;
    if (connection) await connection.quit().catch(() => connection.disconnect());
  }

  private conn(): Redis {
    if (this.connection) return this.connection;
    const connection = new Redis(this.options.url ?? loadEnv().REDIS_URL, {
      // A subscription must outlive any outage: commands wait for the connection instead of failing.
      maxRetriesPerRequest: null,
      // Resubscribing ourselves tells us when it is done, which is when listeners must resync.
      autoResubscribe: false,
      connectionName: this.options.connectionName,
    });
    connection.on("message", (channel: string, raw: string) => this.dispatch(channel, raw));
    connection.on("ready", () => {
      const wait = this.readyWait;
      this.readyWait = null;
      if (this.connectedOnce) void this.resubscribe();
      this.connectedOnce = true;
      wait?.resolve();
    });
    connection.on("error", (err: Error) => this.warn(err, "realtime subscriber connection error"));
    this.connection = connection;
    return connection;
  }

  /**
   * ioredis writes SUBSCRIBE during the connection handshake already (Redis flags it "loading"-safe),
   * and its reply puts the connection in subscriber mode before the INFO ready check, which then
   * fails and drops the connection. So nothing is sent before "ready"; after a reconnect the ready
   * handler subscribes every current channel anyway.
   */
  private whenReady(connection: Redis): Promise<void> {
    if (connection.status === "ready") return Promise.resolve();
    if (!this.readyWait) {
      let resolve!: () => void;
      let reject!: (err: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.readyWait = { promise, resolve, reject };
    }
    return this.readyWait.promise;
  }

  private sendSubscribe(channels: Channel[]) {
    const connection = this.conn();
    const promise = this.whenReady(connection).then(() => {
      const still = channels.filter((c) => this.entries.has(c));
      return still.length > 0 ? connection.subscribe(...still.map((c) => this.prefix + c)) : 0;
    });
    for (const channel of channels) this.pending.set(channel, promise);
    const settle = () => {
      for (const channel of channels) if (this.pending.get(channel) === promise) this.pending.delete(channel);
    };
    promise.then(settle, (err: Error) => {
      settle();
      if (!this.closed) this.warn(err, "realtime subscribe failed");
    });
    return promise;
  }

  private async resubscribe() {
    const channels = [...this.entries.keys()];
    if (channels.length === 0) return;
    try {
      const batches: Promise<unknown>[] = [];
      for (let i = 0; i < channels.length; i += RESUBSCRIBE_BATCH) batches.push(this.sendSubscribe(channels.slice(i, i + RESUBSCRIBE_BATCH)));
      await Promise.all(batches);
    } catch {
      // sendSubscribe logged it; the next "ready" tries again.
      return;
    }
    logger.info({ channels: channels.length }, "realtime resubscribed after reconnect");
    const seen = new Set<Entry>();
    for (const set of this.entries.values()) {
      for (const entry of set) {
        if (seen.has(entry)) continue;
        seen.add(entry);
        try {
          entry.onResync?.();
        } catch (err) {
          logger.error({ err }, "realtime resync listener failed");
        }
      }
    }
  }

  private dispatch(redisChannel: string, raw: string) {
    if (!redisChannel.startsWith(this.prefix)) return;
    const channel = redisChannel.slice(this.prefix.length) as Channel;
    const set = this.entries.get(channel);
    if (!set || set.size === 0) return;
    const event = parseEvent(raw);
    if (!event) {
      this.warn(new Error(`not an event: ${raw.slice(0, 120)}`), "realtime message dropped");
      return;
    }
    const delivery: Delivery = { id: this.nextId(), channel, event, raw };
    for (const entry of set) {
      try {
        entry.listener(delivery);
      } catch (err) {
        logger.error({ err, channel }, "realtime listener failed");
      }
    }
  }

  // ioredis retries by itself; say so once in a while rather than on every attempt.
  private warn(err: Error, msg: string) {
    if (Date.now() - this.lastWarn < 30_000) return;
    this.lastWarn = Date.now();
    logger.warn({ err: err.message }, msg);
  }
}

export function createHub(options: HubOptions = {}): Hub {
  return new Hub(options);
}

// On globalThis so the dev server's Vite-loaded routes and the Express entry share one hub.
const KEY = Symbol.for("hamkal.realtime.hub");
type Holder = { [KEY]?: Hub };

/** This process's hub; its Redis connection opens on the first subscription. */
export function hub(): Hub {
  const holder = globalThis as Holder;
  holder[KEY] ??= createHub({ connectionName: `hamkal-rt-${process.env.HAMKAL_SERVICE ?? "web"}-${process.pid}` });
  return holder[KEY];
}

export function subscribe(channels: readonly Channel[], listener: Listener, opts?: SubscribeOptions): Unsubscribe {
  return hub().subscribe(channels, listener, opts);
}

export async function closeHub(): Promise<void> {
  const holder = globalThis as Holder;
  const h = holder[KEY];
  holder[KEY] = undefined;
  await h?.close();
}
