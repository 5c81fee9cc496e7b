import { randomUUID } from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import { requestContext } from "../modules/platform/context.server";
import { closeDocumentBrowser } from "../modules/billing/document/browser.server";
import { closeDb } from "../modules/platform/db.server";
import { loadDotenvFile, loadEnv } from "../modules/platform/env.server";
import { logger } from "../modules/platform/logger.server";
import { metrics, routeLabel } from "../modules/platform/metrics.server";
import { redactPath } from "../modules/platform/redact-path";
import { healthResponse, metricsResponse } from "../modules/platform/ops.server";
import { closeQueues } from "../modules/platform/queues.server";
import { closeRedis } from "../modules/platform/redis.server";
import { trackDisconnect } from "../modules/realtime/connection.server";
import { closeRealtime } from "../modules/realtime/sse.server";

process.env.HAMKAL_SERVICE ??= "web";
loadDotenvFile();
const env = (() => {
  try {
    return loadEnv();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
})();
const production = env.NODE_ENV === "production";

const vite = production
  ? undefined
  : await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", "loopback");
app.use(compression());

// Forms are read whole before CSRF and permission checks, so cap what anyone can make us buffer.
// 2 MiB leaves room for the largest legitimate form (a 200 KB logo upload) and any API body.
const MAX_BODY_BYTES = 2 * 1024 * 1024;
app.use((req, res, next) => {
  const declared = Number(req.get("content-length") ?? 0);
  const chunked = /chunked/i.test(req.get("transfer-encoding") ?? "");
  if (declared > MAX_BODY_BYTES) return void res.status(413).type("text/plain").send("Request body too large");
  // A body without a declared length cannot be bounded up front; browsers and HTTP clients declare it.
  if (chunked) return void res.status(411).type("text/plain").send("Content-Length required");
  next();
});

// Request id + one log line per request; the id is echoed so a user can quote it to support.
app.use((req, res, next) => {
  const requestId = (req.get("x-request-id") ?? "").slice(0, 64) || randomUUID();
  res.setHeader("X-Request-Id", requestId);
  req.headers["x-hamkal-client-ip"] = req.ip ?? "unknown";
  const started = process.hrtime.bigint();
  requestContext.run({ requestId }, () => {
    const store = requestContext.getStore();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics().httpDuration.observe({ method: req.method, route: routeLabel(req.path), status: String(res.statusCode) }, seconds);
      if (req.path.startsWith("/assets/") || req.path === "/healthz") return;
      requestContext.run(store ?? { requestId }, () =>
        logger.info({ method: req.method, path: redactPath(req.path), status: res.statusCode, ms: Math.round(seconds * 1000) }, "request"),
      );
    });
    next();
  });
});

// Event streams learn that their browser left from the Node response itself: Remix's request.signal can miss it.
app.use("/events", trackDisconnect);

type OpsResult = { status: number; contentType: string; body: string; headers?: Record<string, string> };
const send = (res: express.Response, r: OpsResult) => res.status(r.status).set({ "Content-Type": r.contentType, ...r.headers }).send(r.body);

app.get("/healthz", async (_req, res) => send(res, await healthResponse()));
app.get("/metrics", async (req, res) => send(res, await metricsResponse(req.get("authorization"), env.METRICS_TOKEN)));

if (vite) {
  app.use(vite.middlewares);
} else {
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  app.use(express.static("build/client", { maxAge: "1h" }));
}

const build = vite
  ? () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
  : ((await import(pathToFileURL(path.resolve("build/server/index.js")).href)) as ServerBuild);

app.all("*", createRequestHandler({ build, mode: env.NODE_ENV }));

const server = app.listen(env.PORT, env.HOST, () => {
  logger.info({ url: `http://${env.HOST}:${env.PORT}` }, "web listening");
});

async function shutdown(signal: string) {
  logger.info({ signal }, "web shutting down");
  server.close();
  await vite?.close();
  // Event streams never finish by themselves: end them cleanly so browsers reconnect (to another replica).
  await Promise.allSettled([closeRealtime(), closeQueues(), closeDb(), closeRedis(), closeDocumentBrowser()]);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
