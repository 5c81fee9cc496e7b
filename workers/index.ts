/**
 * The workers process (`npm run workers`; bundled to build/node/workers.js for production).
 * Loads .env, validates the environment, then runs a BullMQ worker for every queue in the registry
 * (app/modules/platform/queues.server.ts) and the routing timer (workers/routing-timer.ts), and with
 * DEMO_TRAFFIC=on the demo's traffic generator (app/modules/traffic/). SIGTERM/SIGINT: stop the
 * generator's calls, finish running jobs, close, exit 0.
 */
import { loadDotenvFile, loadEnv, type Env } from "../app/modules/platform/env.server";

// Set before the logger is imported: it stamps every line with the service name.
process.env.HAMKAL_SERVICE = "workers";
loadDotenvFile();
let env: Env;
try {
  env = loadEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const { logger } = await import("../app/modules/platform/logger.server");
const { closeDb } = await import("../app/modules/platform/db.server");
const { closeRedis } = await import("../app/modules/platform/redis.server");
const { closeQueues, QUEUE_NAMES, queuePrefix, upsertSchedules } = await import("../app/modules/platform/queues.server");
const { closeMailTransport } = await import("../app/modules/mail/transport.server");
const { closeDocumentBrowser } = await import("../app/modules/billing/document/browser.server");
const { startWorkers } = await import("./runner");
const { startRoutingTimer } = await import("./routing-timer");

const running = startWorkers();
// Repeating jobs (metering, the monthly close's schedule): upserts, so every process may register them.
await upsertSchedules().catch((err: unknown) => logger.error({ err }, "registering schedules failed"));
const routingTimer = startRoutingTimer();
logger.info({ queues: QUEUE_NAMES, prefix: queuePrefix() }, "workers started");

let traffic: { stop(): Promise<void> } | null = null;
if (env.DEMO_TRAFFIC === "on") {
  const { startTraffic } = await import("../app/modules/traffic/traffic.server");
  try {
    traffic = await startTraffic({ callsPerMinute: env.DEMO_TRAFFIC_CPM });
  } catch (err) {
    // A bureau without the demo's agents or phone menus: the workers still do their real work.
    logger.warn({ err }, "demo traffic generator not started");
  }
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "workers shutting down");
  // Simulated callers hang up and bots sign off first: they need the database the rest closes.
  await traffic?.stop();
  // Wait for running jobs (BullMQ's close lets them finish), then release connections.
  await Promise.all([running.close(), routingTimer.stop()]);
  closeMailTransport();
  // The invoice printer (a headless Chromium, started only if a document was printed).
  await Promise.allSettled([closeQueues(), closeDb(), closeRedis(), closeDocumentBrowser()]);
  logger.info("workers stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
