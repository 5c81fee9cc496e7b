import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateTOTP } from "@oslojs/otp";
import { describe, expect, it } from "vitest";
import { formatTotpSecret, generateTotpSecret, normalizeTotpCode, totpKeyUri, verifyTotpCode } from "~/modules/auth/totp";
import { toPersianDigits } from "~/modules/i18n/format";

describe("totp", () => {
  it("generates a 160-bit base32 secret", () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32IgnorePadding(secret)).toHaveLength(20);
    expect(generateTotpSecret()).not.toBe(secret);
  });

  it("accepts the current code, in ASCII or Persian digits, with spaces", () => {
    const secret = generateTotpSecret();
    const code = generateTOTP(decodeBase32IgnorePadding(secret), 30, 6);
    expect(verifyTotpCode(secret, code)).toBe(true);
    expect(verifyTotpCode(secret, toPersianDigits(code))).toBe(true);
    expect(verifyTotpCode(secret, `${code.slice(0, 3)} ${code.slice(3)}`)).toBe(true);
  });

  it("rejects wrong, malformed and foreign codes", () => {
    const secret = generateTotpSecret();
    const code = generateTOTP(decodeBase32IgnorePadding(secret), 30, 6);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyTotpCode(secret, wrong)).toBe(false);
    expect(verifyTotpCode(secret, "12345")).toBe(false);
    expect(verifyTotpCode(secret, "abcdef")).toBe(false);
    expect(verifyTotpCode("not base32!", code)).toBe(false);
  });

  it("normalizes codes", () => {
    expect(normalizeTotpCode("۱۲۳ ۴۵۶")).toBe("123456");
    expect(normalizeTotpCode("123-456")).toBe("123456");
    expect(normalizeTotpCode("1234567")).toBeNull();
  });

  it("builds an otpauth URI an authenticator app understands", () => {
    const secret = generateTotpSecret();
    const uri = totpKeyUri(secret, "ali@example.com");
    expect(uri).toMatch(/^otpauth:\/\/totp\/Hamkal:ali%40example\.com\?/);
    const params = new URL(uri).searchParams;
    expect(params.get("secret")).toBe(secret);
    expect(params.get("issuer")).toBe("Hamkal");
    expect(params.get("digits")).toBe("6");
    expect(params.get("period")).toBe("30");
    expect(formatTotpSecret("ABCDEFGH")).toBe("ABCD EFGH");
  });
});
