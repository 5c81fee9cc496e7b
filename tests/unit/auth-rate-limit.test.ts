import { describe, expect, it } from "vitest";
import { isLimited, limitKey, retryAfterMinutes } from "~/modules/auth/rate-limit";

describe("rate-limit keys", () => {
  it("keys by scope and hashed, case-insensitive identifier", () => {
    const a = limitKey("login:account", "Ali@Example.com ");
    expect(a).toBe(limitKey("login:account", "ali@example.com"));
    expect(a).toMatch(/^rl:login:account:[0-9a-f]{32}$/);
    expect(a).not.toContain("example");
    expect(limitKey("login:ip", "ali@example.com")).not.toBe(a);
  });

  it("blocks once the counter reaches the maximum", () => {
    const rule = { max: 5, windowSeconds: 900 };
    expect(isLimited(4, rule)).toBe(false);
    expect(isLimited(5, rule)).toBe(true);
  });

  it("rounds the wait up to whole minutes", () => {
    expect(retryAfterMinutes(1)).toBe(1);
    expect(retryAfterMinutes(61)).toBe(2);
    expect(retryAfterMinutes(900)).toBe(15);
    expect(retryAfterMinutes(-1)).toBe(1);
  });
});
