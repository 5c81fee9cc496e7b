import { describe, expect, it } from "vitest";
import { parseEnv } from "~/modules/platform/env.server";
import {
  createRateLimiter,
  fromStripeAmount,
  meterEventName,
  meterWindowStart,
  ourCurrencyExponent,
  retryDelay,
  stripeCurrencyExponent,
  StripeMoneyError,
  toStripeAmount,
} from "~/modules/billing/stripe-support";

describe("money at the Stripe boundary", () => {
  it("sends IRR (stored as whole rial) as Stripe's two-decimal amount, and back exactly", () => {
    expect(ourCurrencyExponent("IRR")).toBe(0);
    expect(stripeCurrencyExponent("IRR")).toBe(2);
    expect(toStripeAmount(1_077_000n, "IRR")).toBe(107_700_000);
    expect(toStripeAmount(-53_850n, "IRR")).toBe(-5_385_000);
    expect(fromStripeAmount(107_700_000, "irr")).toBe(1_077_000n);
    // A fraction of a rial is not money we keep: refused rather than rounded.
    expect(() => fromStripeAmount(107_700_050, "IRR")).toThrow(StripeMoneyError);
  });

  it("passes two-, zero- and three-decimal currencies through unchanged", () => {
    expect(toStripeAmount(1999n, "USD")).toBe(1999);
    expect(toStripeAmount(1999n, "eur")).toBe(1999);
    expect(toStripeAmount(500n, "JPY")).toBe(500);
    expect(toStripeAmount(5120n, "KWD")).toBe(5120);
    expect(fromStripeAmount(1999, "usd")).toBe(1999n);
  });

  it("keeps Stripe's special two-decimal cases divisible by 100", () => {
    // ISK has no minor unit in use (Intl: 0 digits) but Stripe keeps it two-decimal in the API.
    expect(ourCurrencyExponent("ISK")).toBe(0);
    expect(toStripeAmount(5n, "ISK")).toBe(500);
  });

  it("refuses amounts past the safe-integer range instead of losing precision", () => {
    expect(() => toStripeAmount(10n ** 15n, "IRR")).toThrow(/tooLarge/);
    expect(() => fromStripeAmount(Number.MAX_SAFE_INTEGER + 2, "USD")).toThrow(StripeMoneyError);
  });
});

describe("meter events", () => {
  it("names events by prefix and kind within Stripe's 100 characters", () => {
    expect(meterEventName("hamkal_", "inbound_minutes")).toBe("hamkal_inbound_minutes");
    expect(meterEventName("", "sms")).toBe("sms");
    expect(() => meterEventName("x".repeat(95), "inbound_minutes")).toThrow(RangeError);
  });

  it("stops an hour short of Stripe's 35-day window", () => {
    const now = new Date("2026-12-03T12:00:00Z");
    expect(meterWindowStart(now).toISOString()).toBe("2026-10-29T13:00:00.000Z");
  });
});

describe("pace and retries", () => {
  it("spaces calls at the configured rate, in order, without bursts", async () => {
    let t = 1_000;
    const slept: number[] = [];
    const clock = { now: () => t, sleep: async (ms: number) => void slept.push(ms) };
    const take = createRateLimiter(4, clock);
    await Promise.all([take(), take(), take(), take()]);
    expect(slept).toEqual([250, 500, 750]);
    t += 2_000;
    slept.length = 0;
    await take();
    expect(slept).toEqual([]);
  });

  it("doubles the backoff up to its ceiling, with at most 50% jitter", () => {
    const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 300 };
    expect([1, 2, 3, 4].map((a) => retryDelay(policy, a, () => 0))).toEqual([100, 200, 300, 300]);
    expect(retryDelay(policy, 1, () => 1)).toBe(150);
  });
});

describe("Stripe environment", () => {
  const valid = { DATABASE_URL: "postgres://app:app@127.0.0.1:5432/hamkal", REDIS_URL: "redis://127.0.0.1:6379/0", SESSION_SECRET: "x".repeat(32) };

  it("is off by default and points at api.stripe.com", () => {
    const env = parseEnv(valid);
    expect(env.STRIPE_SECRET_KEY).toBeUndefined();
    expect(env.STRIPE_WEBHOOK_SECRET).toBeUndefined();
    expect(env.STRIPE_API_BASE_URL).toBe("https://api.stripe.com");
    expect(env.STRIPE_METER_EVENT_PREFIX).toBe("hamkal_");
    expect(env.STRIPE_MAX_REQUESTS_PER_SECOND).toBe(25);
    expect(parseEnv({ ...valid, STRIPE_SECRET_KEY: "", STRIPE_WEBHOOK_SECRET: "" }).STRIPE_SECRET_KEY).toBeUndefined();
  });

  it("names a wrong Stripe variable", () => {
    expect(() => parseEnv({ ...valid, STRIPE_SECRET_KEY: "pk_test_123" })).toThrow(/STRIPE_SECRET_KEY/);
    expect(() => parseEnv({ ...valid, STRIPE_WEBHOOK_SECRET: "secret" })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(() => parseEnv({ ...valid, STRIPE_API_BASE_URL: "http://127.0.0.1:12111/v1" })).toThrow(/STRIPE_API_BASE_URL/);
    expect(() => parseEnv({ ...valid, STRIPE_API_BASE_URL: "not a url" })).toThrow(/STRIPE_API_BASE_URL/);
    expect(parseEnv({ ...valid, STRIPE_API_BASE_URL: "http://127.0.0.1:12111/" }).STRIPE_API_BASE_URL).toBe("http://127.0.0.1:12111/");
  });
});
