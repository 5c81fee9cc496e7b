import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, telephonyPublicBaseUrl } from "~/modules/platform/env.server";

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

  describe("telephony", () => {
    const sid = `AC${"0123456789abcdef".repeat(2)}`;
    const twilio = {
      ...valid,
      TELEPHONY_PROVIDER: "twilio",
      TWILIO_ACCOUNT_SID: sid,
      TWILIO_AUTH_TOKEN: "provider-auth-token",
      PUBLIC_BASE_URL: "https://voice.example.com",
    };

    it("defaults to the simulator and the provider's API", () => {
      const env = parseEnv(valid);
      expect(env.TELEPHONY_PROVIDER).toBe("simulator");
      expect(env.TWILIO_API_BASE_URL).toBe("https://api.twilio.com");
      expect(env.TWILIO_ACCOUNT_SID).toBeUndefined();
      expect(env.TWILIO_AUTH_TOKEN).toBeUndefined();
      expect(env.PUBLIC_BASE_URL).toBeUndefined();
    });

    it("accepts a complete twilio configuration", () => {
      const env = parseEnv({ ...twilio, TWILIO_API_BASE_URL: "http://127.0.0.1:4010" });
      expect(env.TELEPHONY_PROVIDER).toBe("twilio");
      expect(env.TWILIO_ACCOUNT_SID).toBe(sid);
      expect(env.TWILIO_API_BASE_URL).toBe("http://127.0.0.1:4010");
    });

    it("rejects an unknown provider, a malformed account SID and non-URLs", () => {
      expect(() => parseEnv({ ...valid, TELEPHONY_PROVIDER: "asterisk" })).toThrow(/TELEPHONY_PROVIDER/);
      expect(() => parseEnv({ ...valid, TWILIO_ACCOUNT_SID: "AC123" })).toThrow(/TWILIO_ACCOUNT_SID: must be AC/);
      expect(() => parseEnv({ ...valid, TWILIO_ACCOUNT_SID: `AC${"0123456789ABCDEF".repeat(2)}` })).toThrow(
        /TWILIO_ACCOUNT_SID/,
      );
      expect(() => parseEnv({ ...valid, TWILIO_API_BASE_URL: "api.twilio.com" })).toThrow(/TWILIO_API_BASE_URL/);
      expect(() => parseEnv({ ...valid, PUBLIC_BASE_URL: "voice.example.com" })).toThrow(/PUBLIC_BASE_URL/);
    });

    it("treats blank values as unset", () => {
      const env = parseEnv({ ...valid, TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "", PUBLIC_BASE_URL: "" });
      expect(env.TWILIO_ACCOUNT_SID).toBeUndefined();
      expect(env.TWILIO_AUTH_TOKEN).toBeUndefined();
      expect(env.PUBLIC_BASE_URL).toBeUndefined();
    });

    it("names every variable twilio needs that is missing", () => {
      const error = (() => {
        try {
          parseEnv({ ...valid, TELEPHONY_PROVIDER: "twilio" });
        } catch (err) {
          return err;
        }
      })();
      expect(error).toBeInstanceOf(EnvError);
      const message = (error as EnvError).message;
      expect(message).toMatch(/TWILIO_ACCOUNT_SID: required when TELEPHONY_PROVIDER=twilio/);
      expect(message).toMatch(/TWILIO_AUTH_TOKEN: required when TELEPHONY_PROVIDER=twilio/);
      expect(message).toMatch(/PUBLIC_BASE_URL: required when TELEPHONY_PROVIDER=twilio/);

      expect(() => parseEnv({ ...twilio, TWILIO_AUTH_TOKEN: "" })).toThrow(/TWILIO_AUTH_TOKEN: required/);
      expect(() => parseEnv({ ...twilio, TWILIO_ACCOUNT_SID: undefined })).toThrow(/TWILIO_ACCOUNT_SID: required/);
      const noBase = (() => {
        try {
          parseEnv({ ...twilio, PUBLIC_BASE_URL: undefined });
        } catch (err) {
          return (err as Error).message;
        }
        return "";
      })();
      expect(noBase).toMatch(/PUBLIC_BASE_URL: required/);
      expect(noBase).not.toMatch(/TWILIO_AUTH_TOKEN/);
    });

    it("uses PUBLIC_URL as the provider-facing base when PUBLIC_BASE_URL is unset", () => {
      const env = parseEnv({ ...twilio, PUBLIC_BASE_URL: undefined, PUBLIC_URL: "https://hamkal.example.com/" });
      expect(telephonyPublicBaseUrl(env)).toBe("https://hamkal.example.com");
      expect(telephonyPublicBaseUrl(parseEnv({ ...twilio, PUBLIC_BASE_URL: "https://voice.example.com/ivr/" }))).toBe(
        "https://voice.example.com/ivr",
      );
      expect(telephonyPublicBaseUrl(parseEnv(valid))).toBe("http://127.0.0.1:3000");
    });
  });
});
