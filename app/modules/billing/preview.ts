import { BillingError } from "./errors";
import { USAGE_KINDS } from "./plan";
import { aggregateUsage, DEFAULT_TIME_ZONE, periodSegments, ratePeriod, type RatedInvoice, type RatePeriodInput, type UsageItem, type UsageTotals } from "./rating";
import { divRound } from "./rounding";

/**
 * The running period's invoice as it stands and as it is heading, for the client portal and the plan
 * editor's preview. Pure: the caller passes `asOf` (its now) and the usage recorded up to it.
 *
 * Projection is linear in elapsed time: each kind's usage so far, divided by the time the tenant has
 * been on a plan this period (from the period start, or the first version's start if later), times the
 * time left. Time, not business days: a tenant closed on Fridays is projected a little high early in a
 * week and low late in it, which is the price of a figure anyone can recompute. The projected rest is
 * spread over the versions in force for the rest of the period in proportion to their time, so a
 * change already scheduled for later in the month is priced in. The SLA credit assumes the service
 * level so far holds. Fixed terms (base fee, minimum, VAT) are those of the whole period in both.
 */

export interface PreviewInput extends Omit<RatePeriodInput, "usage"> {
  /** Usage recorded in [periodStart, asOf). */
  usage: readonly UsageItem[];
  asOf: Date;
}

export interface InvoicePreview {
  asOf: Date;
  /** Milliseconds on a plan so far, and in the whole period on a plan: the projection's ratio. */
  elapsedMs: number;
  coveredMs: number;
  usageToDate: UsageTotals;
  /** The whole period's usage if the pace so far holds: to date plus the projected rest. */
  projectedUsage: UsageTotals;
  /** The period's invoice if nothing more were used. */
  accrued: RatedInvoice;
  /** The period's invoice at the pace so far. */
  projected: RatedInvoice;
}

export function previewInvoice(input: PreviewInput): InvoicePreview {
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const { periodStart, periodEnd, asOf } = input;
  const segments = periodSegments(input.versions, periodStart, periodEnd, timeZone);
  const now = asOf.getTime();
  if (now < periodStart.getTime() || now > periodEnd.getTime()) throw new BillingError("asOfOutsidePeriod", { asOf: asOf.toISOString() });
  for (const item of input.usage) {
    if (item.occurredAt.getTime() >= now) throw new BillingError("usageAfterAsOf", { kind: item.kind, occurredAt: item.occurredAt.toISOString() });
  }
  const base = { ...input, timeZone };
  const accrued = ratePeriod(base);
  const usageToDate = aggregateUsage(input.usage);

  const coveredFrom = segments[0]!.from.getTime();
  const elapsedMs = Math.max(0, now - coveredFrom);
  const coveredMs = periodEnd.getTime() - coveredFrom;
  const projectedItems: UsageItem[] = [];
  // Nothing elapsed on a plan yet: there is no pace to project, so the rest is projected as nothing.
  if (elapsedMs > 0) {
    for (const s of segments) {
      const from = Math.max(s.from.getTime(), now);
      const overlap = s.to.getTime() - from;
      if (overlap <= 0) continue;
      for (const kind of USAGE_KINDS) {
        const soFar = usageToDate[kind] ?? 0;
        if (soFar === 0) continue;
        // bigint: a month of seconds times a month of milliseconds passes 2^53.
        const quantity = Number(divRound(BigInt(soFar) * BigInt(overlap), BigInt(elapsedMs)));
        if (quantity > 0) projectedItems.push({ kind, quantity, occurredAt: new Date(from) });
      }
    }
  }
  const projectedUsage = aggregateUsage([...input.usage, ...projectedItems]);
  const projected = ratePeriod({ ...base, usage: [...input.usage, ...projectedItems] });
  return { asOf, elapsedMs, coveredMs, usageToDate, projectedUsage, accrued, projected };
}
