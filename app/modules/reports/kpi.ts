import {
  KPI_FORMULAS,
  KPI_KEYS,
  MEASURES,
  evaluateFormula,
  percentOf,
  slKpiKey,
  type KpiKey,
  type KpiValue,
  type Measures,
  type SlVariant,
} from "./kpi-definitions";
import { REPEAT_WINDOW_DAYS } from "../customers/repeat";
import type { RepeatMatch } from "./kpi-repeat";
import {
  KpiInputError,
  NO_CODE,
  aggregateAgents,
  aggregateContacts,
  emptyAgentTotals,
  type AgentIntervalRecord,
  type AgentTotals,
  type AggregateOptions,
  type AggregationSpec,
  type CodeCounts,
  type ContactRecord,
  type ContactTotals,
} from "./kpi-totals";

/**
 * The reports' one definition of every KPI (issue 7). Formulas live in kpi-definitions.ts as data;
 * this file turns totals (from raw records or from summed rollup rows: the same type) into measures
 * and evaluates the formulas over them. Pure.
 *
 * The platform's service level (routing/sla.ts re-exports serviceLevel and serviceLevelFromCounts
 * from here) is the "answeredAndAbandoned" variant.
 */
export * from "./kpi-definitions";
export * from "./kpi-repeat";
export * from "./kpi-totals";

export interface KpiParams {
  /** T: an answer within T seconds counts for the service level. */
  slThresholdSeconds: number;
  /** Abandons within this many seconds are short abandons. */
  shortAbandonSeconds: number;
  /** Disposition codes that count as a conversion (a sale, a promise to pay); none: no conversion rate. */
  conversionCodes?: readonly string[];
}

/** The parameters as a report states them, the repeat definition taken from the totals. */
export interface KpiStatedParams extends KpiParams {
  repeatWindowDays: number;
  repeatMatch: RepeatMatch;
}

function within(counts: Record<string, number>, seconds: number, which: "sl" | "shortAbandon"): number {
  const v = counts[String(seconds)];
  if (v === undefined) throw new KpiInputError("thresholdNotAggregated", { threshold: seconds, which });
  return v;
}

/** The measures of totals under the given thresholds. Throws thresholdNotAggregated for a threshold the totals did not count. */
export function measuresOf(contacts: ContactTotals, agents: AgentTotals, params: KpiParams): Measures {
  const shortAbandoned = within(contacts.abandonedWithin, params.shortAbandonSeconds, "shortAbandon");
  const codes = new Set(params.conversionCodes ?? []);
  let conversions = 0;
  for (const [code, n] of Object.entries(contacts.outboundByDisposition)) if (code !== NO_CODE && codes.has(code)) conversions += n;
  return {
    offered: contacts.offered,
    answered: contacts.answered,
    answeredWithin: within(contacts.answeredWithin, params.slThresholdSeconds, "sl"),
    abandoned: contacts.abandoned,
    shortAbandoned,
    abandonedAfterShort: contacts.abandoned - shortAbandoned,
    callbacksRequested: contacts.callbacksRequested,
    answerWaitSeconds: contacts.answerWaitMs / 1000,
    handled: contacts.handled,
    talkSeconds: contacts.talkMs / 1000,
    holdSeconds: contacts.holdMs / 1000,
    wrapSeconds: contacts.wrapMs / 1000,
    transferred: contacts.transferred,
    escalated: contacts.escalated,
    fcrEligible: contacts.fcrEligible,
    fcrResolved: contacts.fcrResolved,
    repeatEligible: contacts.repeatEligible,
    repeatContacts: contacts.repeatContacts,
    loggedInSeconds: agents.loggedInMs / 1000,
    availableSeconds: agents.availableMs / 1000,
    handlingSeconds: agents.handlingMs / 1000,
    outboundAttempts: contacts.outboundAttempts,
    outboundHumanAnswered: contacts.outboundHumanAnswered,
    outboundConnected: contacts.outboundConnected,
    outboundAbandoned: contacts.outboundAbandoned,
    outboundConversions: conversions,
  };
}

export interface BreakdownRow {
  /** The reason or disposition code; "" (NO_CODE) for contacts without one. */
  code: string;
  count: number;
  /** count / total x 100, one decimal. */
  sharePct: number | null;
}

/** Contacts split by a code: share = contacts with the code / the denominator measure. */
export interface Breakdown {
  key: "contactsByReason" | "contactsByDisposition" | "outboundByDisposition";
  dimension: "reason" | "disposition";
  denominator: "handled" | "outboundConnected";
  total: number;
  rows: BreakdownRow[];
}

function breakdown(key: Breakdown["key"], dimension: Breakdown["dimension"], denominator: Breakdown["denominator"], counts: CodeCounts, total: number): Breakdown {
  const rows = Object.entries(counts)
    .map(([code, count]) => ({ code, count, sharePct: percentOf(count, total) }))
    // Largest first; ties by code so the order is the same from raw records and from rollups.
    .sort((a, b) => b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  return { key, dimension, denominator, total, rows };
}

export interface KpiReport {
  params: KpiStatedParams;
  measures: Measures;
  values: Record<KpiKey, KpiValue>;
  breakdowns: {
    contactsByReason: Breakdown;
    contactsByDisposition: Breakdown;
    /** Campaign outcomes: connected attempts by disposition (conversion by disposition). */
    outboundByDisposition: Breakdown;
  };
}

/** Every KPI of totals. The same call serves raw aggregates and merged rollups: the types are one. */
export function computeKpis(contacts: ContactTotals, agents: AgentTotals | null, params: KpiParams): KpiReport {
  const measures = measuresOf(contacts, agents ?? emptyAgentTotals(), params);
  const values = {} as Record<KpiKey, KpiValue>;
  for (const key of KPI_KEYS) values[key] = evaluateFormula(KPI_FORMULAS[key], measures);
  // Without conversion codes there is no conversion to count: "no data", not 0%.
  if (!params.conversionCodes) values.conversionRate = { ...values.conversionRate, value: null };
  return {
    params: { ...params, repeatWindowDays: contacts.repeatWindowDays, repeatMatch: contacts.repeatMatch },
    measures,
    values,
    breakdowns: {
      contactsByReason: breakdown("contactsByReason", "reason", "handled", contacts.byReason, contacts.handled),
      contactsByDisposition: breakdown("contactsByDisposition", "disposition", "handled", contacts.byDisposition, contacts.handled),
      outboundByDisposition: breakdown("outboundByDisposition", "disposition", "outboundConnected", contacts.outboundByDisposition, contacts.outboundConnected),
    },
  };
}

export interface RecordKpiOptions extends AggregateOptions {
  repeatWindowDays?: number;
  repeatMatch?: RepeatMatch;
}

/** The aggregation spec a set of parameters needs (the thresholds they name). */
export function specFor(params: KpiParams, options: { repeatWindowDays?: number; repeatMatch?: RepeatMatch } = {}): AggregationSpec {
  return {
    waitThresholdsSeconds: [params.slThresholdSeconds, params.shortAbandonSeconds],
    repeatWindowDays: options.repeatWindowDays ?? REPEAT_WINDOW_DAYS,
    repeatMatch: options.repeatMatch ?? "customerAndReason",
  };
}

/** Every KPI straight from raw records (the reference the rollup path is tested against). */
export function kpisFromRecords(
  records: readonly ContactRecord[],
  agentIntervals: readonly AgentIntervalRecord[],
  params: KpiParams,
  options: RecordKpiOptions = {},
): KpiReport {
  const totals = aggregateContacts(records, specFor(params, options), options);
  return computeKpis(totals, aggregateAgents(agentIntervals), params);
}

// ---------------------------------------------------------------------------------------------
// The platform's service level, in the shape routing/sla.ts has always exported.

export interface SlSample {
  outcome: "answered" | "abandoned";
  /** Seconds from entering the queue to answer or abandon. */
  waitSeconds: number;
}

export interface SlCounts {
  answered: number;
  answeredWithin: number;
  /** Abandoned after the short-abandon threshold (what SL and abandon rate count). */
  abandoned: number;
  shortAbandoned: number;
}

export interface SlResult extends SlCounts {
  /** Percentage 0-100 rounded to one decimal, or null when no contact counts yet. */
  serviceLevel: number | null;
  /** Abandoned (after the short threshold) / (answered + abandoned), percentage, or null. */
  abandonRate: number | null;
}

const ZERO_MEASURES = Object.freeze(Object.fromEntries(Object.keys(MEASURES).map((k) => [k, 0])) as Measures);

function slMeasures(c: SlCounts): Measures {
  return {
    ...ZERO_MEASURES,
    offered: c.answered + c.abandoned + c.shortAbandoned,
    answered: c.answered,
    answeredWithin: c.answeredWithin,
    abandoned: c.abandoned + c.shortAbandoned,
    shortAbandoned: c.shortAbandoned,
    abandonedAfterShort: c.abandoned,
  };
}

/** The platform SL and abandon rate from counts already split by threshold (the wallboard's SQL). */
export function serviceLevelFromCounts(c: SlCounts): SlResult {
  const m = slMeasures(c);
  return {
    ...c,
    serviceLevel: evaluateFormula(KPI_FORMULAS[slKpiKey("answeredAndAbandoned")], m).value,
    abandonRate: evaluateFormula(KPI_FORMULAS.abandonRate, m).value,
  };
}

/**
 * The platform SL from wait samples. Waits compare in seconds as given (<= T is within, <= short is
 * a short abandon), exactly as routing/sla.ts always did; contacts still waiting are not samples.
 */
export function serviceLevel(samples: readonly SlSample[], thresholdSeconds: number, shortAbandonSeconds: number): SlResult {
  return serviceLevelFromCounts(slCountsOfSamples(samples, thresholdSeconds, shortAbandonSeconds));
}

export function slCountsOfSamples(samples: readonly SlSample[], thresholdSeconds: number, shortAbandonSeconds: number): SlCounts {
  let answered = 0;
  let answeredWithin = 0;
  let abandoned = 0;
  let shortAbandoned = 0;
  for (const s of samples) {
    if (s.outcome === "answered") {
      answered++;
      if (s.waitSeconds <= thresholdSeconds) answeredWithin++;
    } else if (s.waitSeconds <= shortAbandonSeconds) {
      shortAbandoned++;
    } else {
      abandoned++;
    }
  }
  return { answered, answeredWithin, abandoned, shortAbandoned };
}

/** The SlCounts of totals (for the wallboard or billing reading rollups). */
export function slCountsOfTotals(t: ContactTotals, params: Pick<KpiParams, "slThresholdSeconds" | "shortAbandonSeconds">): SlCounts {
  const m = measuresOf(t, emptyAgentTotals(), params);
  return { answered: m.answered, answeredWithin: m.answeredWithin, abandoned: m.abandonedAfterShort, shortAbandoned: m.shortAbandoned };
}

/** Any SL variant from totals, as a formula-carrying value. */
export function serviceLevelVariant(t: ContactTotals, variant: SlVariant, params: Pick<KpiParams, "slThresholdSeconds" | "shortAbandonSeconds">): KpiValue {
  return evaluateFormula(KPI_FORMULAS[slKpiKey(variant)], measuresOf(t, emptyAgentTotals(), params));
}

// ---------------------------------------------------------------------------------------------
// Outbound abandon rate, the pacing controller's input.

export interface OutboundAbandonStats {
  /** Attempts a person answered in the window. */
  humanAnswered: number;
  /** Of those, the ones no agent took (abandoned by the platform). */
  abandoned: number;
}

/** abandoned / humanAnswered as a fraction (0-1), the outboundAbandonRate formula unrounded; 0 with no answers. */
export function outboundAbandonFraction(s: OutboundAbandonStats): number {
  return s.humanAnswered <= 0 ? 0 : s.abandoned / s.humanAnswered;
}
