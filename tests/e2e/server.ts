import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { seedDemo } from "../../db/seed";
import { createTestDatabase, dropTestDatabase } from "../setup/test-db";

/**
 * Playwright's web server: a fresh database from the migrations with the demo bureau seeded, then
 * the production build (npm run build must have run) on E2E_PORT. The credentials the seed returns
 * go to test-results/e2e-credentials.json for the tests; the database is dropped on exit.
 */
const port = process.env.E2E_PORT ?? "3390";
const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/13";
const redis = new Redis(redisUrl);
await redis.flushdb();
await redis.quit();
const database = await createTestDatabase("hamkal_e2e");
const credentials = await seedDemo(database.owner);
fs.mkdirSync("test-results", { recursive: true });
fs.writeFileSync(path.resolve("test-results/e2e-credentials.json"), JSON.stringify(credentials, null, 2));

if (!fs.existsSync("build/node/server.js")) {
  console.error("build/node/server.js is missing: run `npm run build` first");
  process.exit(1);
}
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  HOST: "127.0.0.1",
  PORT: port,
  DATABASE_URL: database.app,
  DATABASE_OWNER_URL: database.owner,
  REDIS_URL: redisUrl,
  BULLMQ_PREFIX: `hk-e2e-${process.pid}`,
  SESSION_SECRET: "e2e-session-secret-0123456789abcdef0123",
  COOKIE_SECURE: "false",
  MAIL_TRANSPORT: "outbox",
  LOG_LEVEL: "warn",
  DEMO_TRAFFIC: "off",
  // The login limiter would otherwise count every test's sign-in from 127.0.0.1 together.
  LOGIN_MAX_PER_IP: "1000",
};
const child = spawn(process.execPath, ["build/node/server.js"], { stdio: "inherit", env });
// The workers too, as deployed: billing runs, metering, mail and the routing timer are theirs.
const workers = spawn(process.execPath, ["build/node/workers.js"], { stdio: "inherit", env });

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  child.kill("SIGTERM");
  workers.kill("SIGTERM");
  await Promise.all([new Promise((r) => child.once("exit", r)), new Promise((r) => workers.once("exit", r))]);
  await dropTestDatabase(database.name).catch(() => {});
  process.exit(0);
}
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
child.on("exit", (code) => {
  if (!stopping) {
    void dropTestDatabase(database.name).finally(() => process.exit(code ?? 1));
  }
});
