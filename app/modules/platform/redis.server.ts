import { Redis } from "ioredis";
import { loadEnv } from "./env.server";

const KEY = Symbol.for("hamkal.redis");
type Holder = { [KEY]?: Redis };

/** Shared connection for rate limits and health. BullMQ opens its own (it needs maxRetriesPerRequest: null). */
export function redis(): Redis {
  const holder = globalThis as Holder;
  holder[KEY] ??= new Redis(loadEnv().REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: false, lazyConnect: false });
  return holder[KEY];
}

export async function pingRedis(): Promise<boolean> {
  try {
    const r = redis();
    if (r.status !== "ready") await new Promise((resolve) => setTimeout(resolve, 200));
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
