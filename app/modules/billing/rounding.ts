import { BillingError } from "./errors";
import { BASIS_POINTS_ONE, type MinuteRounding } from "./plan";

/**
 * The two roundings billing does, each in one place so an invoice can be re-derived exactly:
 * - a call's seconds to billable seconds, by the plan's minute rounding;
 * - money: a fraction of integer minor units back to an integer, once per invoice line.
 * Pure.
 */

// ---------------------------------------------------------------------------------------------------
// Seconds

export interface Increments {
  /** Any call of 1 s up to this many seconds bills exactly this many (0 = no minimum). */
  firstIncrementSeconds: number;
  /** Past the first increment, every started increment bills in full. */
  incrementSeconds: number;
}

/** The named roundings are the increments form with fixed numbers, so one formula serves all. */
export function incrementsOf(rule: MinuteRounding): Increments {
  switch (rule.mode) {
    case "per_second":
      return { firstIncrementSeconds: 1, incrementSeconds: 1 };
    case "per_started_minute":
      return { firstIncrementSeconds: 60, incrementSeconds: 60 };
    case "first_60_then_6":
      return { firstIncrementSeconds: 60, incrementSeconds: 6 };
    case "increments":
      return { firstIncrementSeconds: rule.firstIncrementSeconds, incrementSeconds: rule.incrementSeconds };
  }
}

function assertCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new BillingError("invalidQuantity", { what, value: String(value) });
}

/**
 * A call's measured whole seconds -> billable seconds. 0 stays 0: a span that did not last a second
 * is not a call to bill, whatever the minimum.
 */
export function billableSeconds(seconds: number, rule: MinuteRounding): number {
  assertCount(seconds, "seconds");
  if (seconds === 0) return 0;
  const { firstIncrementSeconds: first, incrementSeconds: step } = incrementsOf(rule);
  if (seconds <= first) return first;
  return first + Math.ceil((seconds - first) / step) * step;
}

/**
 * Whole seconds between two instants, dropping the fraction: sub-second remainders come from the
 * platform's own event latency (two events of one transition land milliseconds apart), never from
 * the caller's time, so they are not billed. A negative span (clock skew between writers) is 0.
 */
export function elapsedSeconds(from: Date, to: Date): number {
  const ms = to.getTime() - from.getTime();
  return ms <= 0 ? 0 : Math.floor(ms / 1000);
}

// ---------------------------------------------------------------------------------------------------
// Money

/**
 * half_up: halves go away from zero (2.5 -> 3, -2.5 -> -3), the rounding a person checks an invoice
 * with and the usual commercial rule for VAT; symmetric, so a credit rounds to the same magnitude as
 * the charge it mirrors. half_even: halves go to the even neighbour (2.5 -> 2, 3.5 -> 4), unbiased
 * over many roundings. Billing rounds once per invoice line (ADR 0004), so bias cannot accumulate
 * and half_up is the default everywhere; half_even is here for currencies or contracts that ask for it.
 */
export type MoneyRounding = "half_up" | "half_even";

/** numerator / denominator rounded to an integer; the denominator must be positive. */
export function divRound(numerator: bigint, denominator: bigint, mode: MoneyRounding = "half_up"): bigint {
  if (denominator <= 0n) throw new RangeError("divRound: denominator must be positive");
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const q = n / denominator;
  const twice = (n % denominator) * 2n;
  let rounded = q;
  if (twice > denominator) rounded = q + 1n;
  else if (twice === denominator) rounded = mode === "half_up" || q % 2n === 1n ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** amount x basisPoints / 10,000, rounded once: a percentage of integer minor units. */
export function applyBasisPoints(amount: bigint, basisPoints: number, mode: MoneyRounding = "half_up"): bigint {
  assertCount(basisPoints, "basisPoints");
  return divRound(amount * BigInt(basisPoints), BigInt(BASIS_POINTS_ONE), mode);
}

/** quantity x unitPrice / perQuantity, rounded once: 90 s at 1,000 rial a minute (per 60 s) = 1,500. */
export function priceQuantity(quantity: number, unitPrice: bigint, perQuantity: number, mode: MoneyRounding = "half_up"): bigint {
  assertCount(quantity, "quantity");
  assertCount(perQuantity, "perQuantity");
  return divRound(BigInt(quantity) * unitPrice, BigInt(perQuantity), mode);
}

/** quantity x numerator / denominator, rounded half up: a prorated allowance in quantity units. */
export function scaleQuantity(quantity: number, numerator: number, denominator: number): number {
  assertCount(quantity, "quantity");
  return Number(divRound(BigInt(quantity) * BigInt(numerator), BigInt(denominator)));
}
