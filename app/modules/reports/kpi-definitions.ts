/**
 * Every KPI the platform reports, as data: a key, the measures it is built from (each a sum of
 * counts or seconds), and how they combine. A report page renders the formula in the reader's
 * language from these keys ("reports:kpi.<key>", "reports:measure.<key>", "reports:param.<key>"),
 * and the value shown beside it is computed by evaluating that very formula, so the stated formula
 * and the number cannot drift apart. Pure, no I/O: shared by the wallboard, billing's SLA credits,
 * the reports and the campaign pacing.
 */

/** What a formula's value depends on besides the data (stated on the report: "T = 20 s"). */
export const KPI_PARAMS = ["slThresholdSeconds", "shortAbandonSeconds", "repeatWindowDays", "repeatMatch", "conversionCodes"] as const;
export type KpiParamKey = (typeof KPI_PARAMS)[number];

/**
 * The measures: additive quantities (counts, and durations in seconds) over a set of contacts or
 * agent intervals. Additive by construction, so a month's measure is the sum of its intervals'.
 */
export const MEASURES = {
  /** Inbound contacts that entered a queue (answered, abandoned, left with a callback, or still waiting). */
  offered: { unit: "contacts", params: [] },
  /** Offered contacts an agent connected to. */
  answered: { unit: "contacts", params: [] },
  /** Answered contacts whose wait (enqueue to answer) was at most T seconds. */
  answeredWithin: { unit: "contacts", params: ["slThresholdSeconds"] },
  /** Offered contacts whose caller hung up while waiting (short abandons included). */
  abandoned: { unit: "contacts", params: [] },
  /** Abandoned after waiting at most the short-abandon threshold (a misdial, a change of mind). */
  shortAbandoned: { unit: "contacts", params: ["shortAbandonSeconds"] },
  /** Abandoned after waiting longer than the short-abandon threshold. */
  abandonedAfterShort: { unit: "contacts", params: ["shortAbandonSeconds"] },
  /** Offered contacts that left the queue with a promised call back. */
  callbacksRequested: { unit: "contacts", params: [] },
  /** Sum of the answered contacts' waits. */
  answerWaitSeconds: { unit: "seconds", params: [] },
  /** Contacts an agent connected to, inbound or outbound. */
  handled: { unit: "contacts", params: [] },
  talkSeconds: { unit: "seconds", params: [] },
  holdSeconds: { unit: "seconds", params: [] },
  wrapSeconds: { unit: "seconds", params: [] },
  /** Handled contacts the agent transferred (to another queue, agent or number). */
  transferred: { unit: "contacts", params: [] },
  /** Handled contacts escalated (to a supervisor, a second line, a ticket). */
  escalated: { unit: "contacts", params: [] },
  /** Handled inbound contacts of a known customer (and, matching by reason, with a reason). */
  fcrEligible: { unit: "contacts", params: ["repeatMatch"] },
  /** Eligible contacts disposed as resolved with no repeat within N days after them. */
  fcrResolved: { unit: "contacts", params: ["repeatWindowDays", "repeatMatch"] },
  /** Inbound contacts of a known customer (and, matching by reason, with a reason). */
  repeatEligible: { unit: "contacts", params: ["repeatMatch"] },
  /** Eligible contacts preceded by one of the same customer (and reason) within N days. */
  repeatContacts: { unit: "contacts", params: ["repeatWindowDays", "repeatMatch"] },
  /** Agent time logged in (available, handling, and breaks or other not-ready states). */
  loggedInSeconds: { unit: "seconds", params: [] },
  /** Agent time ready and waiting for a contact. */
  availableSeconds: { unit: "seconds", params: [] },
  /** Agent time on contacts: talk, hold and wrap-up. */
  handlingSeconds: { unit: "seconds", params: [] },
  /** Outbound attempts placed (every dial, whatever its result). */
  outboundAttempts: { unit: "contacts", params: [] },
  /** Attempts a person answered (connected to an agent or not). */
  outboundHumanAnswered: { unit: "contacts", params: [] },
  /** Attempts a person answered and an agent spoke with. */
  outboundConnected: { unit: "contacts", params: [] },
  /** Attempts a person answered with no agent free (a message played): abandoned by the platform. */
  outboundAbandoned: { unit: "contacts", params: [] },
  /** Connected attempts disposed with one of the campaign's conversion codes. */
  outboundConversions: { unit: "contacts", params: ["conversionCodes"] },
} as const satisfies Record<string, { unit: "contacts" | "seconds"; params: readonly KpiParamKey[] }>;

export type MeasureKey = keyof typeof MEASURES;
export type Measures = Record<MeasureKey, number>;

export interface Term {
  measure: MeasureKey;
  sign: 1 | -1;
}

/**
 * count: the numerator alone. percent: numerator / denominator x 100, one decimal. seconds: the
 * mean, numerator (seconds) / denominator (contacts), one decimal. A ratio with a zero denominator
 * is null ("no data"), never 0 or 100.
 */
export type KpiUnit = "count" | "percent" | "seconds";

export interface KpiFormula {
  key: KpiKey;
  unit: KpiUnit;
  numerator: readonly Term[];
  /** null for a count. */
  denominator: readonly Term[] | null;
  /** The parameters the value depends on: the measures' own, gathered (a report states them). */
  params: readonly KpiParamKey[];
}

/** The service-level variants in common use; the report states which one a figure is. */
export const SL_VARIANTS = ["answeredAndAbandoned", "offered", "offeredLessShort", "answered"] as const;
export type SlVariant = (typeof SL_VARIANTS)[number];
/**
 * The platform's definition, the one the wallboard shows and clients sign SLAs on (routing/sla.ts):
 * answered within T / (answered + abandoned after the short threshold).
 */
export const PLATFORM_SL_VARIANT: SlVariant = "answeredAndAbandoned";

export const KPI_KEYS = [
  "offered",
  "answered",
  "abandoned",
  "shortAbandoned",
  "abandonRate",
  "serviceLevel.answeredAndAbandoned",
  "serviceLevel.offered",
  "serviceLevel.offeredLessShort",
  "serviceLevel.answered",
  "asa",
  "aht",
  "occupancy",
  "utilization",
  "transferRate",
  "escalationRate",
  "callbacks",
  "callbackRate",
  "fcr",
  "repeatContactRate",
  "outboundAttempts",
  "contactRate",
  "outboundAnswerRate",
  "outboundAbandonRate",
  "conversionRate",
] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export function slKpiKey(variant: SlVariant): KpiKey {
  return `serviceLevel.${variant}`;
}

const plus = (...measures: MeasureKey[]): Term[] => measures.map((measure) => ({ measure, sign: 1 }));
const minus = (measure: MeasureKey): Term => ({ measure, sign: -1 });

type Shape = Omit<KpiFormula, "key" | "params">;
const count = (m: MeasureKey): Shape => ({ unit: "count", numerator: plus(m), denominator: null });
const percent = (num: Term[], den: Term[]): Shape => ({ unit: "percent", numerator: num, denominator: den });
const mean = (num: Term[], den: Term[]): Shape => ({ unit: "seconds", numerator: num, denominator: den });

const SHAPES: Record<KpiKey, Shape> = {
  offered: count("offered"),
  answered: count("answered"),
  abandoned: count("abandoned"),
  shortAbandoned: count("shortAbandoned"),
  // The same denominator as the platform's SL, so SL and abandon rate read against one base.
  abandonRate: percent(plus("abandonedAfterShort"), plus("answered", "abandonedAfterShort")),
  "serviceLevel.answeredAndAbandoned": percent(plus("answeredWithin"), plus("answered", "abandonedAfterShort")),
  "serviceLevel.offered": percent(plus("answeredWithin"), plus("offered")),
  "serviceLevel.offeredLessShort": percent(plus("answeredWithin"), [...plus("offered"), minus("shortAbandoned")]),
  "serviceLevel.answered": percent(plus("answeredWithin"), plus("answered")),
  asa: mean(plus("answerWaitSeconds"), plus("answered")),
  aht: mean(plus("talkSeconds", "holdSeconds", "wrapSeconds"), plus("handled")),
  occupancy: percent(plus("handlingSeconds"), plus("availableSeconds", "handlingSeconds")),
  utilization: percent(plus("handlingSeconds"), plus("loggedInSeconds")),
  transferRate: percent(plus("transferred"), plus("handled")),
  escalationRate: percent(plus("escalated"), plus("handled")),
  callbacks: count("callbacksRequested"),
  callbackRate: percent(plus("callbacksRequested"), plus("offered")),
  fcr: percent(plus("fcrResolved"), plus("fcrEligible")),
  repeatContactRate: percent(plus("repeatContacts"), plus("repeatEligible")),
  outboundAttempts: count("outboundAttempts"),
  contactRate: percent(plus("outboundConnected"), plus("outboundAttempts")),
  outboundAnswerRate: percent(plus("outboundHumanAnswered"), plus("outboundAttempts")),
  // Regulators' definition: abandoned over calls a person answered, answering machines excluded.
  outboundAbandonRate: percent(plus("outboundAbandoned"), plus("outboundHumanAnswered")),
  conversionRate: percent(plus("outboundConversions"), plus("outboundConnected")),
};

function paramsOf(shape: Shape): KpiParamKey[] {
  const terms = [...shape.numerator, ...(shape.denominator ?? [])];
  const used = new Set<KpiParamKey>(terms.flatMap((t) => MEASURES[t.measure].params));
  return KPI_PARAMS.filter((p) => used.has(p));
}

export const KPI_FORMULAS: Readonly<Record<KpiKey, KpiFormula>> = Object.freeze(
  Object.fromEntries(KPI_KEYS.map((key) => [key, Object.freeze({ key, ...SHAPES[key], params: paramsOf(SHAPES[key]) })])) as unknown as Record<KpiKey, KpiFormula>,
);

export interface KpiValue {
  key: KpiKey;
  unit: KpiUnit;
  /** The figure as reported: a count, a percentage 0-100 or seconds, one decimal; null without data. */
  value: number | null;
  numerator: number;
  denominator: number | null;
  formula: KpiFormula;
}

function sum(terms: readonly Term[], m: Measures): number {
  let s = 0;
  for (const t of terms) s += t.sign * m[t.measure];
  return s;
}

/**
 * A percentage rounded to one decimal. Written exactly as routing/sla.ts always computed it
 * (round(n / d x 1000) / 10): (n / d x 100) x 10 differs from it in the last bit for some counts,
 * and a contract compares at this precision.
 */
export function percentOf(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 10;
}

/** A mean in seconds, one decimal. */
export function meanOf(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 10) / 10;
}

/** The value of a formula over measures: the single place any KPI figure is computed. */
export function evaluateFormula(formula: KpiFormula, m: Measures): KpiValue {
  const numerator = sum(formula.numerator, m);
  const denominator = formula.denominator ? sum(formula.denominator, m) : null;
  let value: number | null;
  if (formula.unit === "count" || denominator === null) value = numerator;
  else if (formula.unit === "percent") value = percentOf(numerator, denominator);
  else value = meanOf(numerator, denominator);
  return { key: formula.key, unit: formula.unit, value, numerator, denominator, formula };
}
