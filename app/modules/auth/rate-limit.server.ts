import type { Redis } from "ioredis";
import { redis as sharedRedis } from "../platform/redis.server";
import { isLimited, limitKey, type LimitRule, type LimitScope } from "./rate-limit";

/**
 * The shared connection has no offline queue, so a command sent while it is still connecting (the
 * first sign-in after boot) would fail: wait for it to be ready, briefly.
 */
async function redis(): Promise<Redis> {
  const r = sharedRedis();
  if (r.status === "ready") return r;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      r.off("ready", onReady);
      reject(new Error(`redis not ready (${r.status})`));
    }, 3000);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    r.once("ready", onReady);
  });
  return r;
}

/** Fixed-window counters in Redis: the first hit opens the window (EX), later hits only count. */
export async function hitLimit(scope: LimitScope, identifier: string, rule: LimitRule): Promise<number> {
  const key = limitKey(scope, identifier);
  const result = await (await redis()).multi().set(key, "0", "EX", rule.windowSeconds, "NX").incr(key).exec();
  const incr = result?.[1];
  if (!incr || incr[0]) throw incr?.[0] ?? new Error("rate limit counter failed");
  return Number(incr[1]);
}

export async function limitState(scope: LimitScope, identifier: string, rule: LimitRule) {
  const key = limitKey(scope, identifier);
  const r = await redis();
  const [count, ttl] = await Promise.all([r.get(key), r.ttl(key)]);
  const n = Number(count ?? 0);
  return { count: n, limited: isLimited(n, rule), retryAfterSeconds: ttl > 0 ? ttl : rule.windowSeconds };
}

export async function clearLimit(scope: LimitScope, identifier: string) {
  await (await redis()).del(limitKey(scope, identifier));
}

/** Remembers a one-time code for a short while so the same code cannot be used twice. */
export async function claimOnce(key: string, ttlSeconds: number): Promise<boolean> {
  return (await (await redis()).set(`once:${key}`, "1", "EX", ttlSeconds, "NX")) === "OK";
}
