import { Redis } from "ioredis";
import { createTestDatabase, dropTestDatabase } from "./test-db";

export default async function setup() {
  const database = await createTestDatabase();
  process.env.NODE_ENV = "test";
  process.env.DATABASE_URL = database.app;
  process.env.DATABASE_OWNER_URL = database.owner;
  process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/14";
  process.env.SESSION_SECRET = "integration-test-secret-0123456789abcdef";
  process.env.METRICS_TOKEN = "integration-metrics-token";
  process.env.MAIL_TRANSPORT = "outbox";
  process.env.LOG_LEVEL = "silent";
  process.env.BULLMQ_PREFIX = `hk-test-${process.pid}`;
  const redis = new Redis(process.env.REDIS_URL);
  await redis.flushdb();
  await redis.quit();
  return async () => {
    if (!process.env.KEEP_TEST_DB) await dropTestDatabase(database.name);
  };
}
