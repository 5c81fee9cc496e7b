import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, verifyTOTPWithGracePeriod } from "@oslojs/otp";
import { normalizeTotpCode } from "./totp-code";

export { normalizeTotpCode };

/**
 * TOTP (RFC 6238) with the parameters every authenticator app expects: SHA-1, 30-second steps,
 * 6 digits. The secret is 20 random bytes, stored in users.totp_secret as RFC 4648 base32
 * (upper case, no padding) — the same text the user can type into an app by hand.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** One step of clock drift either way is accepted. */
export const TOTP_GRACE_SECONDS = 30;
export const TOTP_ISSUER = "Hamkal";

export function generateTotpSecret(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32UpperCaseNoPadding(bytes);
}

export function totpKeyUri(secret: string, accountName: string, issuer = TOTP_ISSUER): string {
  return createTOTPKeyURI(issuer, accountName, decodeBase32IgnorePadding(secret), TOTP_PERIOD_SECONDS, TOTP_DIGITS);
}

export function verifyTotpCode(secret: string, input: string): boolean {
  const code = normalizeTotpCode(input);
  if (!code) return false;
  let key: Uint8Array;
  try {
    key = decodeBase32IgnorePadding(secret);
  } catch {
    return false;
  }
  return verifyTOTPWithGracePeriod(key, TOTP_PERIOD_SECONDS, TOTP_DIGITS, code, TOTP_GRACE_SECONDS);
}

/** Space every four characters so the secret is easier to type ("JBSW Y3DP ..."). */
export function formatTotpSecret(secret: string): string {
  return secret.replace(/(.{4})/g, "$1 ").trim();
}
