/**
 * A repeat contact: the same customer reached this tenant again within a window (7 days by default).
 * Bureaus report it because it usually means the first contact did not solve the problem. Pure.
 */
export const REPEAT_WINDOW_DAYS = 7;

export function isRepeatContact(previousStarts: readonly Date[], at: Date, days = REPEAT_WINDOW_DAYS): boolean {
  const from = at.getTime() - days * 86_400_000;
  return previousStarts.some((d) => d.getTime() < at.getTime() && d.getTime() >= from);
}

/** The number a customer is known by: digits with a leading +, spaces and dashes dropped. */
export function normalizePhone(raw: string): string | null {
  const s = raw.replace(/[\s\-().]/g, "").replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d)));
  return /^\+?[0-9]{3,20}$/.test(s) ? s : null;
}
