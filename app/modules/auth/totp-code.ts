import { normalizeDigits } from "../i18n/format";

/**
 * "۱۲۳ ۴۵۶" / "123-456" -> "123456"; null when it is not six digits. Kept apart from totp.ts so the
 * browser (form validation) does not load the OTP library.
 */
export function normalizeTotpCode(input: string): string | null {
  const code = normalizeDigits(input).replace(/[\s-]/g, "");
  return /^[0-9]{6}$/.test(code) ? code : null;
}
