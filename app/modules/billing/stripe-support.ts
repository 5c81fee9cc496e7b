import { USAGE_KINDS, type UsageKind } from "./plan";

/**
 * The pure rules of the Stripe boundary (stripe.server.ts does the I/O): how our money becomes
 * Stripe's, what a meter event is called, which usage Stripe still accepts, and the client-side pace.
 * Kept apart so unit tests can pin them without a database or a server.
 */

// ---------------------------------------------------------------------------------------------------
// Money

/**
 * Decimal places of our stored minor unit (ADR 0004). IRR is stored as whole rial: the rial has no
 * minor unit in use, whatever ISO 4217 says. Other currencies follow ISO 4217 as Intl knows it, which
 * is also what formatMoney() divides by, so the number a reader sees and the one sent are the same.
 */
export function ourCurrencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (code === "IRR") return 0;
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: code }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new StripeMoneyError("unknownCurrency", currency);
  }
}

/**
 * Decimal places of Stripe's `amount` for a currency (docs.stripe.com/currencies, "Minor units in API
 * amounts"): the zero-decimal list is sent as whole units, the three-decimal list in thousandths, and
 * every other currency as two-decimal, including those Stripe treats specially but keeps two-decimal
 * in the API for compatibility (ISK, HUF, TWD: "amount must be divisible by 100", which multiplying
 * our whole units by 100 gives by construction). IRR is on neither list, so for Stripe it is
 * two-decimal: 1 rial = amount 100. (As far as we know Stripe does not accept IRR as a presentment
 * currency at all; if the account refuses it, the mirror job fails with Stripe's message and the
 * invoice is paid by hand, as most Iranian invoices are.)
 */
const STRIPE_ZERO_DECIMAL = new Set(["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"]);
const STRIPE_THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

export function stripeCurrencyExponent(currency: string): number {
  const code = currency.toUpperCase();
  if (STRIPE_ZERO_DECIMAL.has(code)) return 0;
  if (STRIPE_THREE_DECIMAL.has(code)) return 3;
  return 2;
}

export class StripeMoneyError extends Error {
  constructor(
    readonly code: "unknownCurrency" | "notRepresentable" | "tooLarge",
    readonly detail: string,
  ) {
    super(`stripe money: ${code} (${detail})`);
  }
}

/**
 * Our minor units -> Stripe's `amount` (a JS number in the SDK). Exact or refused: a conversion that
 * would drop a fraction (ours finer than Stripe's) or leave the safe-integer range throws, since a
 * rounded invoice would no longer equal ours.
 */
export function toStripeAmount(amount: bigint, currency: string): number {
  const shift = stripeCurrencyExponent(currency) - ourCurrencyExponent(currency);
  let out: bigint;
  if (shift >= 0) out = amount * 10n ** BigInt(shift);
  else {
    const div = 10n ** BigInt(-shift);
    if (amount % div !== 0n) throw new StripeMoneyError("notRepresentable", `${amount} ${currency}`);
    out = amount / div;
  }
  if (out > BigInt(Number.MAX_SAFE_INTEGER) || out < -BigInt(Number.MAX_SAFE_INTEGER)) throw new StripeMoneyError("tooLarge", `${amount} ${currency}`);
  return Number(out);
}

/** Stripe's `amount` -> our minor units; refused unless exact (a fraction of a rial is not money we keep). */
export function fromStripeAmount(amount: number, currency: string): bigint {
  if (!Number.isSafeInteger(amount)) throw new StripeMoneyError("notRepresentable", `${amount} ${currency}`);
  const shift = stripeCurrencyExponent(currency) - ourCurrencyExponent(currency);
  const value = BigInt(amount);
  if (shift <= 0) return value * 10n ** BigInt(-shift);
  const div = 10n ** BigInt(shift);
  if (value % div !== 0n) throw new StripeMoneyError("notRepresentable", `${amount} ${currency}`);
  return value / div;
}

// ---------------------------------------------------------------------------------------------------
// Meter events

/** Stripe limits event_name and identifier to 100 characters each. */
export const STRIPE_METER_NAME_MAX = 100;

/** The meter event name of a usage kind: the configured prefix + the kind ("hamkal_ivr_minutes"). */
export function meterEventName(prefix: string, kind: UsageKind): string {
  const name = `${prefix}${kind}`;
  if (name.length > STRIPE_METER_NAME_MAX) throw new RangeError(`meter event name too long: ${name}`);
  return name;
}

export const METER_EVENT_NAMES = (prefix: string) => Object.fromEntries(USAGE_KINDS.map((k) => [k, meterEventName(prefix, k)])) as Record<UsageKind, string>;

/**
 * Stripe accepts a meter event's timestamp "within the past 35 calendar days" (and up to 5 minutes
 * ahead). We stop an hour short of the edge: an event picked at 34 d 23 h 59 m would otherwise be
 * refused by the time the request lands, or by a clock a little ahead of ours.
 */
export const STRIPE_METER_WINDOW_MS = 35 * 24 * 60 * 60 * 1000;
export const STRIPE_METER_WINDOW_MARGIN_MS = 60 * 60 * 1000;

export function meterWindowStart(now: Date): Date {
  return new Date(now.getTime() - STRIPE_METER_WINDOW_MS + STRIPE_METER_WINDOW_MARGIN_MS);
}

/**
 * stripe_reported_at of a usage event that was never sent because it was already outside Stripe's
 * window when we got to it (Stripe enabled later, a long outage). It is billed by our own invoice as
 * always; Stripe's meters simply never see it. The epoch keeps "sent" and "skipped" apart without a
 * column of its own (the app role may write only stripe_reported_at on usage_events).
 */
export const STRIPE_USAGE_SKIPPED_AT = new Date(0);

// ---------------------------------------------------------------------------------------------------
// Pace and retries

/**
 * Spaces calls at least 1/perSecond apart (a leaky bucket of one): the next slot is booked before
 * waiting, so concurrent callers queue in order and never burst past the rate. Per process: the
 * usage job runs one at a time (concurrency 1, one scheduler), so one process is the whole caller.
 */
export function createRateLimiter(perSecond: number, clock: { now: () => number; sleep: (ms: number) => Promise<void> } = realClock) {
  const interval = 1000 / perSecond;
  let next = 0;
  return async function take(): Promise<void> {
    const now = clock.now();
    const slot = Math.max(now, next);
    next = slot + interval;
    if (slot > now) await clock.sleep(slot - now);
  };
}

export const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Delay before the second attempt; doubled each time, with up to 50% jitter added. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 16_000 };

export function retryDelay(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (1 + 0.5 * random()));
}
