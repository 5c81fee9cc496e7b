import { describe, expect, it } from "vitest";
import { healthResponse, metricsResponse } from "~/modules/platform/ops.server";

describe("operations endpoints", () => {
  it("reports Postgres and Redis healthy", async () => {
    const r = await healthResponse();
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ status: "ok", db: "ok", redis: "ok" });
  });

  it("keeps /metrics behind its token", async () => {
    expect((await metricsResponse(undefined, undefined)).status).toBe(404);
    expect((await metricsResponse(undefined, "the-metrics-token")).status).toBe(401);
    expect((await metricsResponse("Bearer wrong", "the-metrics-token")).status).toBe(401);
    const ok = await metricsResponse("Bearer the-metrics-token", "the-metrics-token");
    expect(ok.status).toBe(200);
    expect(ok.body).toContain("http_request_duration_seconds");
    expect(ok.body).toContain("process_cpu_user_seconds_total");
  });
});
