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

describe("CSRF tokens", () => {
  it("accepts only tokens signed with SESSION_SECRET that match the form field", async () => {
    const { csrfValid, issueCsrfToken } = await import("~/modules/auth/csrf.server");
    const token = issueCsrfToken();
    const req = (cookie: string) => new Request("http://localhost/x", { method: "POST", headers: { cookie: `hk_csrf=${cookie}` } });
    const form = (v: string) => {
      const f = new FormData();
      f.set("csrf", v);
      return f;
    };
    expect(csrfValid(req(token), form(token))).toBe(true);
    expect(csrfValid(req(token), form(issueCsrfToken()))).toBe(false);
    // A planted cookie with a matching field but no valid signature is refused.
    const forged = `${"a".repeat(32)}.${"b".repeat(43)}`;
    expect(csrfValid(req(forged), form(forged))).toBe(false);
  });
});
