import { afterAll } from "vitest";
import { closeDb } from "../../app/modules/platform/db.server";
import { closeRedis } from "../../app/modules/platform/redis.server";

afterAll(async () => {
  await Promise.allSettled([closeDb(), closeRedis()]);
});
