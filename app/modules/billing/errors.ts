/**
 * Errors of the billing core: wrong input from the caller (a bug or bad data), never a user's typing,
 * which the plan schema reports as issues. A code and params, no text, so the close job can show why
 * a tenant's run stopped in the operator's language.
 */
export class BillingError extends Error {
  constructor(
    public readonly code: BillingErrorCode,
    public readonly params: Record<string, string | number> = {},
  ) {
    super(`billing: ${code}`);
  }
}

/**
 * invalidQuantity: a negative or fractional quantity/seconds value. invalidPeriod: the period ends
 * before it starts. unknownTimeZone: Intl does not know the zone. noPlanForPeriod: no version is in
 * force at any point of the period. currencyMismatch: versions of one period bill in different
 * currencies. duplicateEffectiveFrom: two versions take over at the same instant. usageOutsidePeriod /
 * usageWithoutPlan: a usage item falls outside the period, or before the tenant's first version.
 * usageNeedsTimestamps: totals without times cannot be split between versions. asOfOutsidePeriod /
 * usageAfterAsOf: a preview's clock and its usage disagree.
 */
export type BillingErrorCode =
  | "invalidQuantity"
  | "invalidPeriod"
  | "unknownTimeZone"
  | "noPlanForPeriod"
  | "currencyMismatch"
  | "duplicateEffectiveFrom"
  | "usageOutsidePeriod"
  | "usageWithoutPlan"
  | "usageNeedsTimestamps"
  | "asOfOutsidePeriod"
  | "usageAfterAsOf"
  // Persistence (plans.server.ts, invoices.server.ts, close.server.ts):
  | "invalidStoredPlan"
  | "periodClosed"
  | "invoiceNotFound"
  | "invoiceState"
  | "overpayment"
  | "creditTooLarge"
  | "periodNotEnded";
