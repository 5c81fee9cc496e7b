import { z } from "zod";

/**
 * A tenant's rate plan version: what the bureau charges a client company, as of an effective instant.
 * Pure (no server imports) so the plan editor can validate in the browser with the same schema the
 * close job trusts.
 *
 * Money is `bigint` in the currency's minor unit (ADR 0004: IRR has no minor unit in use, so the
 * number *is* rial). Rial amounts themselves fit a double (10^12 rial a month is far below 2^53), but
 * the arithmetic does not: a percentage in basis points multiplies an amount by up to 10^4 before
 * dividing, so 10^12 rial x 10^4 = 10^16 already leaves Number.MAX_SAFE_INTEGER (~9.0 x 10^15) and a
 * double would round silently. bigint also matches the database (`bigint` columns, which pg returns as
 * strings) without a float ever in between. Quantities (seconds, counts) stay `number`: they are safe
 * integers by a wide margin (a month of 1,000 agents talking nonstop is 2.6 x 10^9 seconds) and are
 * turned into bigint only where they meet a price.
 *
 * Plan quantities (included allowances, tier bounds) are in the *price unit* a contract speaks of
 * (minutes, hours, GB-days, contacts); usage is metered in the finer *quantity unit* (seconds,
 * MB-days). USAGE_KIND_UNITS says how many quantity units make one price unit.
 *
 * Validation never produces text: every issue carries a code (PLAN_ISSUE_CODES) and the field path, and
 * the zod message is the locale key `billing:plan.errors.<code>` so a form can show it as it is.
 */

// ---------------------------------------------------------------------------------------------------
// Usage kinds

export const USAGE_KINDS = [
  "inbound_minutes",
  "ivr_minutes",
  "outbound_minutes",
  "chats",
  "emails",
  "sms",
  "callbacks",
  "seat_hours",
  "recording_gb_days",
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

export type QuantityUnit = "second" | "count" | "megabyte_day";
export type PriceUnit = "minute" | "hour" | "count" | "gigabyte_day";

export interface KindUnits {
  /** What a usage record's quantity counts. */
  quantityUnit: QuantityUnit;
  /** What a unit price, an included quantity and a tier bound are expressed in. */
  priceUnit: PriceUnit;
  /** Quantity units in one price unit (60 seconds in a minute). */
  unitsPerPriceUnit: number;
}

export const USAGE_KIND_UNITS: Readonly<Record<UsageKind, KindUnits>> = {
  inbound_minutes: { quantityUnit: "second", priceUnit: "minute", unitsPerPriceUnit: 60 },
  ivr_minutes: { quantityUnit: "second", priceUnit: "minute", unitsPerPriceUnit: 60 },
  outbound_minutes: { quantityUnit: "second", priceUnit: "minute", unitsPerPriceUnit: 60 },
  chats: { quantityUnit: "count", priceUnit: "count", unitsPerPriceUnit: 1 },
  emails: { quantityUnit: "count", priceUnit: "count", unitsPerPriceUnit: 1 },
  sms: { quantityUnit: "count", priceUnit: "count", unitsPerPriceUnit: 1 },
  callbacks: { quantityUnit: "count", priceUnit: "count", unitsPerPriceUnit: 1 },
  // Seat time is metered in seconds too, so a part hour is never lost before the price is applied.
  seat_hours: { quantityUnit: "second", priceUnit: "hour", unitsPerPriceUnit: 3600 },
  // Decimal gigabytes, the way storage is sold; MB-days keep a small recording from rounding to nothing.
  recording_gb_days: { quantityUnit: "megabyte_day", priceUnit: "gigabyte_day", unitsPerPriceUnit: 1000 },
};

export function isUsageKind(value: unknown): value is UsageKind {
  return typeof value === "string" && (USAGE_KINDS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------------
// Issue codes

export const PLAN_ISSUE_CODES = [
  "required",
  "invalidType",
  "notInteger",
  "tooSmall",
  "tooLarge",
  "invalidOption",
  "invalidFormat",
  "invalidDate",
  "unknownField",
  "invalidAmount",
  "priceMissing",
  "priceConflict",
  "tiersEmpty",
  "tiersNotAscending",
  "lastTierMustBeUnbounded",
  "onlyLastTierUnbounded",
  "thresholdsEmpty",
  "thresholdsNotDescending",
  "creditsNotIncreasing",
  "duplicateCommitment",
] as const;
export type PlanIssueCode = (typeof PLAN_ISSUE_CODES)[number];

export type IssueParams = Record<string, string | number>;

export interface PlanIssue {
  /** The field, as zod reports it: ["pricing", "inbound_minutes", "tiers", "tiers", 1, "upTo"]. */
  path: (string | number)[];
  /** The same path joined with dots, the way conform names fields. */
  field: string;
  code: PlanIssueCode;
  params: IssueParams;
}

export const planErrorKey = (code: PlanIssueCode) => `billing:plan.errors.${code}`;

function custom(ctx: z.RefinementCtx, code: PlanIssueCode, path: (string | number)[] = [], params: IssueParams = {}) {
  ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: planErrorKey(code), params: { code, ...params } });
}

/** The code and params of a zod issue; custom issues carry theirs. */
export function planIssueOf(issue: z.ZodIssueOptionalMessage): { code: PlanIssueCode; params: IssueParams } {
  switch (issue.code) {
    case z.ZodIssueCode.custom: {
      const { code, ...params } = (issue.params ?? {}) as { code?: PlanIssueCode } & IssueParams;
      return { code: code ?? "invalidFormat", params: params as IssueParams };
    }
    case z.ZodIssueCode.invalid_type:
      if (issue.received === "undefined") return { code: "required", params: {} };
      if (issue.expected === "integer") return { code: "notInteger", params: {} };
      return { code: "invalidType", params: { expected: String(issue.expected) } };
    case z.ZodIssueCode.too_small:
      return { code: "tooSmall", params: { min: Number(issue.minimum) } };
    case z.ZodIssueCode.too_big:
      return { code: "tooLarge", params: { max: Number(issue.maximum) } };
    case z.ZodIssueCode.not_multiple_of:
      return { code: "notInteger", params: {} };
    case z.ZodIssueCode.invalid_enum_value:
    case z.ZodIssueCode.invalid_union_discriminator:
    case z.ZodIssueCode.invalid_literal:
    case z.ZodIssueCode.invalid_union:
      return { code: "invalidOption", params: {} };
    case z.ZodIssueCode.invalid_string:
      return { code: "invalidFormat", params: {} };
    case z.ZodIssueCode.invalid_date:
      return { code: "invalidDate", params: {} };
    case z.ZodIssueCode.unrecognized_keys:
      return { code: "unknownField", params: { keys: issue.keys.join(",") } };
    default:
      return { code: "invalidFormat", params: {} };
  }
}

/**
 * Pass to safeParse (or conform's parseWithZod) so that built-in zod checks also yield locale keys
 * instead of English. Params travel in the key after "|" the way the queue forms do it.
 */
export const planErrorMap: z.ZodErrorMap = (issue) => {
  const { code, params } = planIssueOf(issue);
  const tail = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join("|");
  return { message: tail ? `${planErrorKey(code)}|${tail}` : planErrorKey(code) };
};

// ---------------------------------------------------------------------------------------------------
// Field schemas

/** The largest value of a Postgres bigint column: amounts must fit where they are stored. */
export const MAX_MINOR_UNITS = 9_223_372_036_854_775_807n;
/** A generous ceiling on plan quantities (minutes, counts): 10^9 minutes is ~1,900 years of talk. */
export const MAX_PLAN_QUANTITY = 1_000_000_000;
export const BASIS_POINTS_ONE = 10_000;

/**
 * A non-negative amount in minor units. Accepts a bigint, a safe integer, or a string of ASCII digits
 * (what pg returns for bigint and what a JSON API must send, since JSON has no bigint). The form
 * converts toman to rial before this runs (ADR 0004), so no unit guessing happens here.
 */
export const moneySchema = z.unknown().transform((value, ctx): bigint => {
  if (value === undefined || value === null || value === "") {
    custom(ctx, "required");
    return z.NEVER;
  }
  let amount: bigint | null = null;
  if (typeof value === "bigint") amount = value;
  else if (typeof value === "number" && Number.isSafeInteger(value)) amount = BigInt(value);
  else if (typeof value === "string" && /^\s*\d{1,19}\s*$/.test(value)) amount = BigInt(value.trim());
  if (amount === null) {
    custom(ctx, "invalidAmount");
    return z.NEVER;
  }
  if (amount < 0n) {
    custom(ctx, "tooSmall", [], { min: 0 });
    return z.NEVER;
  }
  if (amount > MAX_MINOR_UNITS) {
    custom(ctx, "tooLarge", [], { max: MAX_MINOR_UNITS.toString() });
    return z.NEVER;
  }
  return amount;
});

const planQuantity = z.number().int().min(0).max(MAX_PLAN_QUANTITY);
const basisPoints = z.number().int().min(0).max(BASIS_POINTS_ONE);

export const minuteRoundingSchema = z.discriminatedUnion("mode", [
  /** Every second billed as it is. */
  z.object({ mode: z.literal("per_second") }).strict(),
  /** Every started minute billed in full. */
  z.object({ mode: z.literal("per_started_minute") }).strict(),
  /** A minimum of 60 s, then every started 6 s ("60/6", common in Iranian and EU telecom tariffs). */
  z.object({ mode: z.literal("first_60_then_6") }).strict(),
  /** The general form of the three above: a first increment, then further increments. */
  z
    .object({
      mode: z.literal("increments"),
      firstIncrementSeconds: z.number().int().min(0).max(3600),
      incrementSeconds: z.number().int().min(1).max(3600),
    })
    .strict(),
]);
export type MinuteRounding = z.infer<typeof minuteRoundingSchema>;

/**
 * How wrap-up (the agent's after-call work, contact.ended -> contact.disposed) counts toward the
 * handled minutes of that contact: not at all, all of it, or at most maxSeconds per handling.
 */
export const wrapUpRuleSchema = z.discriminatedUnion("mode", [
  z.object({ mode: z.literal("none") }).strict(),
  z.object({ mode: z.literal("all") }).strict(),
  z.object({ mode: z.literal("capped"), maxSeconds: z.number().int().min(1).max(86_400) }).strict(),
]);
export type WrapUpRule = z.infer<typeof wrapUpRuleSchema>;

export const TIER_MODES = ["graduated", "volume"] as const;
export type TierMode = (typeof TIER_MODES)[number];

export const tierSchema = z
  .object({
    /** Upper bound in price units (inclusive: "up to 1,000 minutes"), null for the last, open tier. */
    upTo: planQuantity.nullable(),
    /** Minor units per price unit (rial per minute). */
    unitPrice: moneySchema,
  })
  .strict();
export type Tier = z.infer<typeof tierSchema>;

export const tieredPricingSchema = z
  .object({
    /**
     * graduated: each part of the usage is priced by the tier it falls in (the first 1,000 minutes at
     * one price, the next at another). volume: all billable usage is priced by the tier the total falls in.
     */
    mode: z.enum(TIER_MODES),
    tiers: z.array(tierSchema).max(20),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (t.tiers.length === 0) return custom(ctx, "tiersEmpty", ["tiers"]);
    t.tiers.forEach((tier, i) => {
      const last = i === t.tiers.length - 1;
      if (tier.upTo === null && !last) custom(ctx, "onlyLastTierUnbounded", ["tiers", i, "upTo"]);
      if (tier.upTo !== null && last) custom(ctx, "lastTierMustBeUnbounded", ["tiers", i, "upTo"]);
      const prev = i > 0 ? t.tiers[i - 1]!.upTo : 0;
      if (tier.upTo !== null && prev !== null && tier.upTo <= prev) custom(ctx, "tiersNotAscending", ["tiers", i, "upTo"], { after: prev });
    });
  });
export type TieredPricing = z.infer<typeof tieredPricingSchema>;

export const kindPricingSchema = z
  .object({
    /** Minor units per price unit, when the kind is not tiered. */
    unitPrice: moneySchema.optional(),
    /** Free quantity each period, in price units, consumed by the period's first usage. */
    included: planQuantity.default(0),
    tiers: tieredPricingSchema.optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.unitPrice === undefined && p.tiers === undefined) custom(ctx, "priceMissing", ["unitPrice"]);
    if (p.unitPrice !== undefined && p.tiers !== undefined) custom(ctx, "priceConflict", ["tiers"]);
  });
export type KindPricing = z.infer<typeof kindPricingSchema>;

export const pricingSchema = z
  .object(Object.fromEntries(USAGE_KINDS.map((k) => [k, kindPricingSchema.optional()])) as { [K in UsageKind]: z.ZodOptional<typeof kindPricingSchema> })
  .strict();
/** Only kinds present are billed; usage of any other kind is free under this version. */
export type Pricing = Partial<Record<UsageKind, KindPricing>>;

export const slaThresholdSchema = z
  .object({
    /** The credit applies when the month's service level is strictly below this (8000 = 80.00%). */
    belowBp: z.number().int().min(1).max(BASIS_POINTS_ONE),
    /** Credit as a share of the period's usage lines (500 = 5%). */
    creditBp: basisPoints,
  })
  .strict();

export const slaCommitmentSchema = z
  .object({
    /** The queue whose service level is committed (its key), or null for all the tenant's queues together. */
    queueKey: z.string().trim().min(1).max(40).nullable().default(null),
    /** Ordered from the mildest breach to the worst: belowBp descending, creditBp increasing. */
    thresholds: z.array(slaThresholdSchema).max(10),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.thresholds.length === 0) return custom(ctx, "thresholdsEmpty", ["thresholds"]);
    for (let i = 1; i < c.thresholds.length; i++) {
      const prev = c.thresholds[i - 1]!;
      const cur = c.thresholds[i]!;
      if (cur.belowBp >= prev.belowBp) custom(ctx, "thresholdsNotDescending", ["thresholds", i, "belowBp"], { before: prev.belowBp });
      if (cur.creditBp <= prev.creditBp) custom(ctx, "creditsNotIncreasing", ["thresholds", i, "creditBp"], { before: prev.creditBp });
    }
  });
export type SlaCommitment = z.infer<typeof slaCommitmentSchema>;

export const slaTermsSchema = z
  .object({
    commitments: z.array(slaCommitmentSchema).max(50).default([]),
    /** The most all SLA credits together may take, as a share of the usage lines. */
    maxCreditBp: basisPoints.default(BASIS_POINTS_ONE),
  })
  .strict()
  .superRefine((s, ctx) => {
    const seen = new Set<string | null>();
    s.commitments.forEach((c, i) => {
      if (seen.has(c.queueKey)) custom(ctx, "duplicateCommitment", ["commitments", i, "queueKey"]);
      seen.add(c.queueKey);
    });
  });
export type SlaTerms = z.infer<typeof slaTermsSchema>;

/**
 * How a version's fixed terms (base fee, included quantities, minimum commitment) are charged for a
 * period it covers only in part, i.e. when it starts or ends inside the period:
 * - by_days: in proportion to the days it is in force, counted in the tenant's time zone;
 * - full: in full, however few days it covers (a change costs a whole month of the new terms);
 * - none: no proration at all: a change *to* this version inside a period takes effect at the next
 *   period (usage included), and the version is charged in full for any period it rates. A tenant's
 *   first version has nothing to defer to and applies from its effective instant.
 */
export const PRORATION_RULES = ["by_days", "full", "none"] as const;
export type ProrationRule = (typeof PRORATION_RULES)[number];

export const ratePlanVersionSchema = z
  .object({
    /** The version number within the tenant's plan, for line parameters; optional. */
    version: z.number().int().min(1).optional(),
    /** ISO 4217 code. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/)
      .default("IRR"),
    /** Charged each period, in minor units. */
    baseFee: moneySchema.default(0n),
    pricing: pricingSchema.default({}),
    /** Usage lines below this are topped up to it, in minor units (0 = no commitment). */
    minimumCommitment: moneySchema.default(0n),
    /** VAT in basis points: 1000 = 10% (Iran). */
    vatRateBp: basisPoints.default(1000),
    minuteRounding: minuteRoundingSchema.default({ mode: "per_second" }),
    wrapUp: wrapUpRuleSchema.default({ mode: "none" }),
    sla: slaTermsSchema.default({}),
    proration: z.enum(PRORATION_RULES).default("by_days"),
    /** The instant the version takes over (normally a local midnight in the tenant's zone). */
    effectiveFrom: z.preprocess((v) => (typeof v === "string" || typeof v === "number" ? new Date(v) : v), z.date()),
  })
  .strict();

export type RatePlanVersionInput = z.input<typeof ratePlanVersionSchema>;
export type RatePlanVersion = z.output<typeof ratePlanVersionSchema>;

export type ParsePlanResult = { success: true; data: RatePlanVersion } | { success: false; issues: PlanIssue[] };

/** Validates a plan version; every problem comes back with its field path and code, none as text. */
export function parseRatePlanVersion(input: unknown): ParsePlanResult {
  const result = ratePlanVersionSchema.safeParse(input, { errorMap: planErrorMap });
  if (result.success) return { success: true, data: result.data };
  return {
    success: false,
    issues: result.error.issues.map((issue) => {
      const { code, params } = planIssueOf(issue);
      return { path: [...issue.path], field: issue.path.join("."), code, params };
    }),
  };
}
