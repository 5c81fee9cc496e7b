import { serviceLevelFromCounts, type SlCounts, type SlResult } from "../routing/sla";
import { BillingError } from "./errors";
import { isUsageKind, USAGE_KIND_UNITS, USAGE_KINDS, type KindPricing, type PriceUnit, type ProrationRule, type QuantityUnit, type RatePlanVersion, type UsageKind } from "./plan";
import { applyBasisPoints, divRound, priceQuantity, scaleQuantity } from "./rounding";

/**
 * Rating: a tenant's usage in one billing period, priced by the plan version(s) in force, into invoice
 * lines of integer minor units. Pure and exact (bigint money, no floating point anywhere near an
 * amount); each line is rounded once, half up (rounding.ts), and the lines add up to the total.
 *
 * The period is [periodStart, periodEnd): two UTC instants the caller chooses (a Gregorian or a
 * Jalali month, both normally local midnights in the tenant's zone). Days are counted in the tenant's
 * zone, so Farvardin has 31 days and Esfand 29 or 30 whatever the offset from UTC.
 *
 * A plan change inside the period cuts it into segments, one per version (see ProrationRule in
 * plan.ts). Each segment rates the usage that occurred in it (by occurredAt) with its version's
 * prices, and charges that version's fixed terms (base fee, included quantities, minimum commitment)
 * scaled by the segment's share: charged days / period days (by_days), or the whole period (full,
 * none). Tier bounds are not scaled: a tier is a volume band of the segment's usage.
 *
 * Decisions that hold for every period:
 * - Tier bounds are positions in the usage itself: the included quantity is consumed by the first units
 *   and tiers are counted from the first unit, so an allowance never moves a volume band. Graduated:
 *   each billable unit priced by the band it falls in; volume: all billable units priced by the band
 *   the total falls in. A bound is inclusive ("up to 1,000 minutes" includes the 1,000th).
 * - The minimum commitment is on usage: when the usage lines of a segment are below it, a top-up line
 *   makes up the difference. The base fee is a separate fixed charge and does not count toward it.
 * - SLA credits are a share of the usage lines (not the base fee, not the top-up), by the SLA terms of
 *   the version in force at the end of the period (the contract as it stands at close). The service
 *   level is the wallboard's KPI (routing/sla.ts serviceLevelFromCounts), compared at the precision it
 *   is shown (0.1%): a client who sees 80.0% is not below 80%. All credits together are capped at the
 *   terms' maxCreditBp of the usage lines and at the charges, so the net never goes below zero.
 * - VAT is one rate on the net after credits (ADR 0004), that of the version in force at the end of the
 *   period; all versions of one period must bill in the same currency.
 */

export const DEFAULT_TIME_ZONE = "Asia/Tehran";

/** One usage fact, or a pre-aggregated total (per kind per day, say) stamped inside its segment. */
export interface UsageItem {
  kind: UsageKind;
  quantity: number;
  occurredAt: Date;
}

export type UsageTotals = Partial<Record<UsageKind, number>>;

/** A queue's month as the wallboard's SQL returns it: counts already split by the queue's threshold. */
export interface QueueSlCounts {
  queueKey: string;
  counts: SlCounts;
}

export interface RatePeriodInput {
  /** The tenant's versions; any order. Those not in force in the period are ignored. */
  versions: readonly RatePlanVersion[];
  /**
   * Records (metering's UsageRecord fits), or totals per kind. Totals carry no time, so they are
   * accepted only when a single version rates the whole period.
   */
  usage: readonly UsageItem[] | UsageTotals;
  /** The period's counts per queue; absent or empty means nothing counted, so no SLA credit. */
  sla?: readonly QueueSlCounts[];
  periodStart: Date;
  periodEnd: Date;
  /** The tenant's zone, where days are counted. */
  timeZone?: string;
}

export interface PeriodSegment {
  version: RatePlanVersion;
  from: Date;
  to: Date;
  /** Local days the version is in force within the period. */
  days: number;
  /** Days its fixed terms are charged for: `days` under by_days, the whole period under full / none. */
  chargedDays: number;
}

export const LINE_TYPES = ["base_fee", "usage", "minimum_topup", "sla_credit", "vat"] as const;
export type LineType = (typeof LINE_TYPES)[number];

/** Locale keys of line descriptions (namespace "billing"); the renderer fills them from params. */
export const LINE_KEYS = {
  baseFee: "billing:invoice.lines.baseFee",
  usage: "billing:invoice.lines.usage",
  usageTier: "billing:invoice.lines.usageTier",
  usageIncluded: "billing:invoice.lines.usageIncluded",
  minimumTopUp: "billing:invoice.lines.minimumTopUp",
  slaCreditTenant: "billing:invoice.lines.slaCreditTenant",
  slaCreditQueue: "billing:invoice.lines.slaCreditQueue",
  vat: "billing:invoice.lines.vat",
} as const;
export type LineKey = (typeof LINE_KEYS)[keyof typeof LINE_KEYS];

/** Dates are local calendar dates in the tenant's zone ("2026-03-21"); amounts are decimal strings. */
export type LineParams = Record<string, string | number>;

export interface InvoiceLine {
  type: LineType;
  descriptionKey: LineKey;
  params: LineParams;
  kind: UsageKind | null;
  /** The quantity priced: billable quantity units for usage, charged days for the base fee. */
  quantity: number | null;
  quantityUnit: QuantityUnit | "day" | null;
  /** Minor units per `unitQuantity` quantity units (a price per minute is per 60 seconds). */
  unitPrice: bigint | null;
  unitQuantity: number | null;
  priceUnit: PriceUnit | "period" | null;
  /** For percentage lines (credit, VAT): the rate and the amount it was applied to. */
  rateBp: number | null;
  baseAmount: bigint | null;
  /**
   * Minor units; negative for a credit. For priced lines amount = round(quantity x unitPrice /
   * unitQuantity); for rate lines round(baseAmount x rateBp / 10,000), credits possibly capped.
   */
  amount: bigint;
}

export interface SlaOutcome {
  /** null: all the tenant's queues together. */
  queueKey: string | null;
  result: SlResult;
  /** The service level in basis points at the wallboard's precision, null when nothing counted. */
  serviceLevelBp: number | null;
  /** The threshold that applied (belowBp), null when none did. */
  breachedBelowBp: number | null;
  creditBp: number;
}

export interface RatedInvoice {
  currency: string;
  timeZone: string;
  periodStart: Date;
  periodEnd: Date;
  periodDays: number;
  segments: PeriodSegment[];
  /** Quantity units per kind over the whole period, priced or not. */
  usage: UsageTotals;
  lines: InvoiceLine[];
  baseFeeAmount: bigint;
  usageAmount: bigint;
  minimumTopUpAmount: bigint;
  /** <= 0. */
  slaCreditAmount: bigint;
  /** All lines before VAT: the net the VAT is computed on. */
  subtotal: bigint;
  vatRateBp: number;
  vatAmount: bigint;
  total: bigint;
  sla: SlaOutcome[];
}

// ---------------------------------------------------------------------------------------------------
// Days in the tenant's zone

const DAY_MS = 86_400_000;
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    } catch {
      throw new BillingError("unknownTimeZone", { timeZone });
    }
    dayFormatters.set(timeZone, f);
  }
  return f;
}

function localYmd(instant: Date, timeZone: string): { y: number; m: number; d: number } {
  const parts = dayFormatter(timeZone).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { y: part("year"), m: part("month"), d: part("day") };
}

/** The local calendar day of an instant as a day number (days since 1970-01-01 on that calendar day). */
export function localDayNumber(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): number {
  const { y, m, d } = localYmd(instant, timeZone);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

/** Local calendar days from `from` up to `to` (exclusive): a change at any hour belongs to its day. */
export function localDaysBetween(from: Date, to: Date, timeZone: string = DEFAULT_TIME_ZONE): number {
  return localDayNumber(to, timeZone) - localDayNumber(from, timeZone);
}

/** "YYYY-MM-DD" of the local day; the renderer shows it in Jalali for fa. */
export function localIsoDate(instant: Date, timeZone: string = DEFAULT_TIME_ZONE): string {
  const { y, m, d } = localYmd(instant, timeZone);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The last local day of a half-open span. */
const lastDayOf = (to: Date, timeZone: string) => localIsoDate(new Date(to.getTime() - 1), timeZone);

// ---------------------------------------------------------------------------------------------------
// Segments

function checkPeriod(start: Date, end: Date, timeZone: string): number {
  if (!(end.getTime() > start.getTime())) throw new BillingError("invalidPeriod");
  const days = localDaysBetween(start, end, timeZone);
  if (days < 1) throw new BillingError("invalidPeriod");
  return days;
}

function shareOf(rule: ProrationRule, days: number, periodDays: number): number {
  return rule === "by_days" ? days : periodDays;
}

/**
 * The versions that rate [start, end), each with the span and days it rates. A "none" version taking
 * over inside the period is left to the next period (the one before keeps rating), unless it is the
 * tenant's first. Time before the tenant's first version belongs to no segment.
 */
export function periodSegments(versions: readonly RatePlanVersion[], periodStart: Date, periodEnd: Date, timeZone: string = DEFAULT_TIME_ZONE): PeriodSegment[] {
  const periodDays = checkPeriod(periodStart, periodEnd, timeZone);
  const sorted = [...versions].sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime());
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.effectiveFrom.getTime() === sorted[i - 1]!.effectiveFrom.getTime()) {
      throw new BillingError("duplicateEffectiveFrom", { effectiveFrom: sorted[i]!.effectiveFrom.toISOString() });
    }
  }
  const start = periodStart.getTime();
  const end = periodEnd.getTime();
  let first = -1;
  for (let i = 0; i < sorted.length; i++) if (sorted[i]!.effectiveFrom.getTime() <= start) first = i;
  const kept: RatePlanVersion[] = [];
  for (let i = Math.max(first, 0); i < sorted.length; i++) {
    const v = sorted[i]!;
    const at = v.effectiveFrom.getTime();
    if (at >= end) break;
    if (kept.length > 0 && at > start && v.proration === "none") continue;
    kept.push(v);
  }
  if (kept.length === 0) throw new BillingError("noPlanForPeriod");
  const currency = kept[0]!.currency;
  if (kept.some((v) => v.currency !== currency)) throw new BillingError("currencyMismatch");
  return kept.map((version, i) => {
    const from = new Date(Math.max(version.effectiveFrom.getTime(), start));
    const to = i + 1 < kept.length ? kept[i + 1]!.effectiveFrom : periodEnd;
    const days = localDaysBetween(from, to, timeZone);
    return { version, from, to, days, chargedDays: shareOf(version.proration, days, periodDays) };
  });
}

// ---------------------------------------------------------------------------------------------------
// Usage

function checkQuantity(kind: unknown, quantity: unknown): asserts quantity is number {
  if (!isUsageKind(kind)) throw new BillingError("invalidQuantity", { kind: String(kind) });
  if (typeof quantity !== "number" || !Number.isSafeInteger(quantity) || quantity < 0) {
    throw new BillingError("invalidQuantity", { kind, quantity: String(quantity) });
  }
}

/** Totals per kind of usage records or items. */
export function aggregateUsage(items: readonly UsageItem[]): UsageTotals {
  const totals: UsageTotals = {};
  for (const item of items) {
    checkQuantity(item.kind, item.quantity);
    totals[item.kind] = (totals[item.kind] ?? 0) + item.quantity;
  }
  return totals;
}

function addTotals(into: UsageTotals, more: UsageTotals) {
  for (const kind of USAGE_KINDS) {
    const q = more[kind];
    if (q !== undefined) into[kind] = (into[kind] ?? 0) + q;
  }
}

/** Usage per segment (same order), checked against the period. */
function usagePerSegment(usage: RatePeriodInput["usage"], segments: readonly PeriodSegment[], periodStart: Date, periodEnd: Date): UsageTotals[] {
  const per: UsageTotals[] = segments.map(() => ({}));
  if (!Array.isArray(usage)) {
    const totals = usage as UsageTotals;
    for (const [kind, q] of Object.entries(totals)) if (q !== undefined) checkQuantity(kind, q);
    const used = USAGE_KINDS.some((k) => (totals[k] ?? 0) > 0);
    if (used && segments.length > 1) throw new BillingError("usageNeedsTimestamps");
    addTotals(per[0]!, totals);
    return per;
  }
  for (const item of usage as readonly UsageItem[]) {
    checkQuantity(item.kind, item.quantity);
    const at = item.occurredAt.getTime();
    if (!(at >= periodStart.getTime() && at < periodEnd.getTime())) {
      throw new BillingError("usageOutsidePeriod", { kind: item.kind, occurredAt: item.occurredAt.toISOString() });
    }
    const i = segments.findIndex((s) => at >= s.from.getTime() && at < s.to.getTime());
    if (i < 0) throw new BillingError("usageWithoutPlan", { kind: item.kind, occurredAt: item.occurredAt.toISOString() });
    per[i]![item.kind] = (per[i]![item.kind] ?? 0) + item.quantity;
  }
  return per;
}

// ---------------------------------------------------------------------------------------------------
// Lines

function blankLine(type: LineType, descriptionKey: LineKey, params: LineParams, amount: bigint): InvoiceLine {
  return {
    type,
    descriptionKey,
    params,
    kind: null,
    quantity: null,
    quantityUnit: null,
    unitPrice: null,
    unitQuantity: null,
    priceUnit: null,
    rateBp: null,
    baseAmount: null,
    amount,
  };
}

function usageLines(kind: UsageKind, used: number, pricing: KindPricing, segment: PeriodSegment, periodDays: number, common: LineParams): InvoiceLine[] {
  const { quantityUnit, priceUnit, unitsPerPriceUnit: per } = USAGE_KIND_UNITS[kind];
  const included = scaleQuantity(pricing.included * per, segment.chargedDays, periodDays);
  const billable = Math.max(0, used - included);
  const params: LineParams = { ...common, kind, used, included };
  const line = (key: LineKey, quantity: number, unitPrice: bigint | null, extra: LineParams = {}): InvoiceLine => ({
    ...blankLine("usage", key, { ...params, ...extra }, unitPrice === null ? 0n : priceQuantity(quantity, unitPrice, per)),
    kind,
    quantity,
    quantityUnit,
    unitPrice,
    unitQuantity: per,
    priceUnit,
  });
  if (billable === 0) return [line(LINE_KEYS.usageIncluded, 0, pricing.unitPrice ?? null)];
  const tiered = pricing.tiers;
  if (!tiered) return [line(LINE_KEYS.usage, billable, pricing.unitPrice!)];
  const bands = tiered.tiers.map((t, i) => ({
    tier: i + 1,
    lo: i === 0 ? 0 : tiered.tiers[i - 1]!.upTo! * per,
    hi: t.upTo === null ? Number.POSITIVE_INFINITY : t.upTo * per,
    upTo: t.upTo,
    unitPrice: t.unitPrice,
  }));
  const bandParams = (b: (typeof bands)[number]): LineParams => ({
    mode: tiered.mode,
    tier: b.tier,
    tierFrom: b.lo / per,
    ...(b.upTo === null ? {} : { tierUpTo: b.upTo }),
  });
  if (tiered.mode === "volume") {
    const band = bands.find((b) => used <= b.hi)!;
    return [line(LINE_KEYS.usageTier, billable, band.unitPrice, bandParams(band))];
  }
  const lines: InvoiceLine[] = [];
  for (const b of bands) {
    const slice = Math.min(used, b.hi) - Math.max(included, b.lo);
    if (slice > 0) lines.push(line(LINE_KEYS.usageTier, slice, b.unitPrice, bandParams(b)));
  }
  return lines;
}

const sum = (lines: readonly InvoiceLine[], type?: LineType) => lines.reduce((acc, l) => (type === undefined || l.type === type ? acc + l.amount : acc), 0n);

function slaOutcomes(version: RatePlanVersion, sla: readonly QueueSlCounts[]): SlaOutcome[] {
  return version.sla.commitments.map((c) => {
    const counts: SlCounts = { answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0 };
    for (const q of sla) {
      if (c.queueKey !== null && q.queueKey !== c.queueKey) continue;
      counts.answered += q.counts.answered;
      counts.answeredWithin += q.counts.answeredWithin;
      counts.abandoned += q.counts.abandoned;
      counts.shortAbandoned += q.counts.shortAbandoned;
    }
    const result = serviceLevelFromCounts(counts);
    // serviceLevel has one decimal (79.9); x100 is then an integer up to float noise, which round removes.
    const serviceLevelBp = result.serviceLevel === null ? null : Math.round(result.serviceLevel * 100);
    let breached: { belowBp: number; creditBp: number } | null = null;
    if (serviceLevelBp !== null) for (const t of c.thresholds) if (serviceLevelBp < t.belowBp) breached = t;
    return { queueKey: c.queueKey, result, serviceLevelBp, breachedBelowBp: breached?.belowBp ?? null, creditBp: breached?.creditBp ?? 0 };
  });
}

/** Rates one period into lines and totals. Throws BillingError on inconsistent input. */
export function ratePeriod(input: RatePeriodInput): RatedInvoice {
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const { periodStart, periodEnd } = input;
  const periodDays = checkPeriod(periodStart, periodEnd, timeZone);
  const segments = periodSegments(input.versions, periodStart, periodEnd, timeZone);
  const perSegment = usagePerSegment(input.usage, segments, periodStart, periodEnd);
  const lines: InvoiceLine[] = [];

  segments.forEach((segment, i) => {
    const v = segment.version;
    const common: LineParams = {
      from: localIsoDate(segment.from, timeZone),
      to: lastDayOf(segment.to, timeZone),
      ...(v.version === undefined ? {} : { version: v.version }),
    };
    if (v.baseFee > 0n) {
      lines.push({
        ...blankLine("base_fee", LINE_KEYS.baseFee, { ...common, days: segment.days, periodDays, proration: v.proration }, priceQuantity(segment.chargedDays, v.baseFee, periodDays)),
        quantity: segment.chargedDays,
        quantityUnit: "day",
        unitPrice: v.baseFee,
        unitQuantity: periodDays,
        priceUnit: "period",
      });
    }
    const segmentUsage: InvoiceLine[] = [];
    for (const kind of USAGE_KINDS) {
      const used = perSegment[i]![kind] ?? 0;
      const pricing = v.pricing[kind];
      if (used > 0 && pricing) segmentUsage.push(...usageLines(kind, used, pricing, segment, periodDays, common));
    }
    lines.push(...segmentUsage);
    const minimum = divRound(v.minimumCommitment * BigInt(segment.chargedDays), BigInt(periodDays));
    const usageAmount = sum(segmentUsage);
    if (minimum > usageAmount) {
      lines.push({
        ...blankLine("minimum_topup", LINE_KEYS.minimumTopUp, { ...common, minimum: minimum.toString(), usageAmount: usageAmount.toString() }, minimum - usageAmount),
        baseAmount: usageAmount,
      });
    }
  });

  // Credits follow the contract at close; a credit never turns the net negative.
  const closing = segments[segments.length - 1]!.version;
  const usageAmount = sum(lines, "usage");
  const sla = slaOutcomes(closing, input.sla ?? []);
  let room = [applyBasisPoints(usageAmount, closing.sla.maxCreditBp), sum(lines)].reduce((a, b) => (a < b ? a : b));
  for (const o of sla) {
    if (o.creditBp === 0) continue;
    const wanted = applyBasisPoints(usageAmount, o.creditBp);
    if (wanted === 0n) continue;
    const granted = wanted < room ? wanted : room;
    room -= granted;
    const params: LineParams = {
      ...(o.queueKey === null ? {} : { queueKey: o.queueKey }),
      serviceLevelBp: o.serviceLevelBp!,
      belowBp: o.breachedBelowBp!,
      creditBp: o.creditBp,
      ...(granted < wanted ? { cappedFrom: wanted.toString() } : {}),
    };
    lines.push({
      ...blankLine("sla_credit", o.queueKey === null ? LINE_KEYS.slaCreditTenant : LINE_KEYS.slaCreditQueue, params, -granted),
      rateBp: o.creditBp,
      baseAmount: usageAmount,
    });
  }

  const subtotal = sum(lines);
  const vatRateBp = closing.vatRateBp;
  const vatAmount = applyBasisPoints(subtotal, vatRateBp);
  if (vatRateBp > 0) lines.push({ ...blankLine("vat", LINE_KEYS.vat, { rateBp: vatRateBp }, vatAmount), rateBp: vatRateBp, baseAmount: subtotal });

  const usage: UsageTotals = {};
  for (const t of perSegment) addTotals(usage, t);
  return {
    currency: closing.currency,
    timeZone,
    periodStart,
    periodEnd,
    periodDays,
    segments,
    usage,
    lines,
    baseFeeAmount: sum(lines, "base_fee"),
    usageAmount,
    minimumTopUpAmount: sum(lines, "minimum_topup"),
    slaCreditAmount: sum(lines, "sla_credit"),
    subtotal,
    vatRateBp,
    vatAmount,
    total: subtotal + vatAmount,
    sla,
  };
}
