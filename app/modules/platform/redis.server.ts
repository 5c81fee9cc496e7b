import { Redis } from "ioredis";
import { loadEnv } from "./env.server";
import { logger } from "./logger.server";

const KEY = Symbol.for("hamkal.redis");
type Holder = { [KEY]?: Redis };

/** Shared connection for rate limits and health. BullMQ opens its own (it needs maxRetriesPerRequest: null). */
export function redis(): Redis {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const client = new Redis(loadEnv().REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
    // ioredis reconnects by itself; say so once in a while rather than on every retry.
    let lastWarn = 0;
    client.on("error", (err: Error) => {
      if (Date.now() - lastWarn < 30_000) return;
      lastWarn = Date.now();
      logger.warn({ err: err.message }, "redis connection error");
    });
    holder[KEY] = client;
  }
  return holder[KEY];
}

export async function pingRedis(): Promise<boolean> {
  try {
    const r = redis();
    return (await Promise.race([r.ping(), new Promise<string>((resolve) => setTimeout(() => resolve("timeout"), 1000))])) === "PONG";
  } catch {
    return false;
  }
}

export async function closeRedis() {
  const holder = globalThis as Holder;
  const r = holder[KEY];
  holder[KEY] = undefined;
  if (r) await r.quit().catch(() => r.disconnect());
}
