import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/modules/platform/env.server";

const valid = {
  DATABASE_URL: "postgres://app:app@127.0.0.1:5432/hamkal",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  SESSION_SECRET: "x".repeat(32),
};

describe("environment", () => {
  it("accepts a minimal valid environment with defaults", () => {
    const env = parseEnv(valid);
    expect(env.PORT).toBe(3000);
    expect(env.MAIL_TRANSPORT).toBe("outbox");
  });

  it("names the variable that is wrong", () => {
    expect(() => parseEnv({ ...valid, PORT: "eighty" })).toThrow(/PORT/);
    expect(() => parseEnv({ ...valid, SESSION_SECRET: "short" })).toThrow(/SESSION_SECRET: must be at least 32/);
    expect(() => parseEnv({ ...valid, DATABASE_URL: "mysql://x@y/z" })).toThrow(/DATABASE_URL/);
    expect(() => parseEnv({ REDIS_URL: valid.REDIS_URL, SESSION_SECRET: valid.SESSION_SECRET })).toThrow(EnvError);
  });

  it("requires SMTP_URL when mail goes through SMTP", () => {
    expect(() => parseEnv({ ...valid, MAIL_TRANSPORT: "smtp" })).toThrow(/SMTP_URL/);
  });
});
