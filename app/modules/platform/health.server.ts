import { pingDb } from "./db.server";
import { pingRedis } from "./redis.server";

export async function health() {
  const [dbOk, redisOk] = await Promise.all([pingDb(), pingRedis()]);
  const body = { status: dbOk && redisOk ? "ok" : "degraded", db: dbOk ? "ok" : "down", redis: redisOk ? "ok" : "down" };
  return { status: dbOk && redisOk ? 200 : 503, body };
}
