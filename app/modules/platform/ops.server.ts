import { createHash, timingSafeEqual } from "node:crypto";
import { health } from "./health.server";
import { metrics } from "./metrics.server";

/** GET /healthz: 200 when Postgres and Redis answer, else 503 naming what is down. */
export async function healthResponse() {
  const result = await health();
  return { status: result.status, contentType: "application/json", body: JSON.stringify(result.body) };
}

/** Compares digests in constant time: `!==` stops at the first differing character. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * GET /metrics: Prometheus text, only with the configured bearer token. Without a token configured
 * the endpoint does not exist (404), so a forgotten setting never exposes it.
 */
export async function metricsResponse(authorization: string | undefined, token: string | undefined) {
  if (!token) return { status: 404, contentType: "text/plain", body: "" };
  if (!sameSecret(authorization ?? "", `Bearer ${token}`)) {
    return { status: 401, contentType: "text/plain", body: "", headers: { "WWW-Authenticate": 'Bearer realm="metrics"' } };
  }
  return { status: 200, contentType: metrics().registry.contentType, body: await metrics().registry.metrics() };
}
