import client from "prom-client";
import { redactPath } from "./redact-path";

const KEY = Symbol.for("hamkal.metrics");
type Metrics = { registry: client.Registry; httpDuration: client.Histogram<"method" | "route" | "status"> };
type Holder = { [KEY]?: Metrics };

function create(): Metrics {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service: process.env.HAMKAL_SERVICE ?? "web" });
  client.collectDefaultMetrics({ register: registry });
  const httpDuration = new client.Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration by method, route kind and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, httpDuration };
}

export function metrics(): Metrics {
  return ((globalThis as Holder)[KEY] ??= create());
}

/** Route label without ids, so the series count stays bounded. */
export function routeLabel(path: string) {
  if (path.startsWith("/assets/")) return "/assets";
  const first = redactPath(path).split("/").filter(Boolean).slice(0, 2);
  if (first[0] === "t") return "/t/:slug";
  return `/${first.join("/")}`.replace(/\/[0-9a-f-]{36}.*/, "/:id");
}
