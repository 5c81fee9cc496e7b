/**
 * The workers process (`npm run workers`; bundled to build/node/workers.js for production).
 * Loads .env, validates the environment, then runs a BullMQ worker for every queue in the registry
 * (app/modules/platform/queues.server.ts) and the routing timer (workers/routing-timer.ts). SIGTERM/SIGINT: finish running jobs, close, exit 0.
 */
import { loadDotenvFile, loadEnv } from "../app/modules/platform/env.server";

// Set before the logger is imported: it stamps every line with the service name.
process.env.HAMKAL_SERVICE = "workers";
loadDotenvFile();
try {
  loadEnv();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

const { logger } = await import("../app/modules/platform/logger.server");
const { closeDb } = await import("../app/modules/platform/db.server");
const { closeRedis } = await import("../app/modules/platform/redis.server");
const { closeQueues, QUEUE_NAMES, queuePrefix } = await import("../app/modules/platform/queues.server");
const { closeMailTransport } = await import("../app/modules/mail/transport.server");
const { startWorkers } = await import("./runner");
const { startRoutingTimer } = await import("./routing-timer");

const running = startWorkers();
const routingTimer = startRoutingTimer();
logger.info({ queues: QUEUE_NAMES, prefix: queuePrefix() }, "workers started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "workers shutting down");
  // Wait for running jobs (BullMQ's close lets them finish), then release connections.
  await Promise.all([running.close(), routingTimer.stop()]);
  closeMailTransport();
  await Promise.allSettled([closeQueues(), closeDb(), closeRedis()]);
  logger.info("workers stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
