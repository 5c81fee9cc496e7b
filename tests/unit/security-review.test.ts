import { describe, expect, it } from "vitest";
import { routeLabel } from "~/modules/platform/metrics.server";
import { redactPath } from "~/modules/platform/redact-path";

const TOKEN = "abcdefghijklmnopqrstuvwxyz234567";

describe("secrets in request paths", () => {
  it("keeps a password-reset token out of the request log", () => {
    expect(redactPath(`/reset-password/${TOKEN}`)).toBe("/reset-password/:token");
    expect(redactPath(`/reset-password/${TOKEN}/`)).toBe("/reset-password/:token/");
    expect(redactPath("/reset-password/")).toBe("/reset-password/");
    expect(redactPath("/bureau/tenants")).toBe("/bureau/tenants");
  });

  it("keeps it out of the metric labels served at /metrics", () => {
    expect(routeLabel(`/reset-password/${TOKEN}`)).toBe("/reset-password/:token");
    expect(routeLabel("/bureau/tenants/0b6c1a4e-8f1e-4c7a-9d8e-1234567890ab/numbers")).toBe("/bureau/tenants");
    expect(routeLabel("/t/acme/members")).toBe("/t/:slug");
  });
});

describe("the /metrics token comparison", () => {
  it("accepts only the exact bearer value (compared in constant time)", async () => {
    const { sameSecret } = await import("~/modules/platform/ops.server");
    expect(sameSecret("Bearer abc", "Bearer abc")).toBe(true);
    expect(sameSecret("Bearer abd", "Bearer abc")).toBe(false);
    expect(sameSecret("", "Bearer abc")).toBe(false);
    expect(sameSecret("Bearer abc ", "Bearer abc")).toBe(false);
  });
});
