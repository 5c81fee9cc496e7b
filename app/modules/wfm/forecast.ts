import {
  addDays,
  assertTimeZone,
  daysBetween,
  DEFAULT_TIME_ZONE,
  FRIDAY,
  iranWeekday,
  localParts,
  localToUtc,
  weekStartDate,
  type IranWeekday,
} from "./time";

/**
 * Volume and handle-time forecast per queue per interval, for 1-6 weeks. Pure: history in, numbers
 * out; the caller reads the interactions and stores the result.
 *
 * Method (chosen to be explainable to a planner, line by line):
 *  1. History is bucketed by local date and local interval (the tenant's time zone).
 *  2. Each day has a type: its Iranian weekday (Saturday 0 … Friday 6), or "holiday" when it is in the
 *     holiday list. Holidays are taken out of the weekday histories, so a Nowruz Monday does not drag
 *     down every Monday.
 *  3. Base = the recency-weighted average of the same interval on past days of the same type
 *     (weight halves every `halfLifeWeeks`): a level and an intraday shape in one.
 *  4. Trend = a weekly growth rate: the least-squares slope of log(day total) against time with one
 *     intercept per weekday (so the weekly pattern, a missing day or a holiday cannot fake a trend),
 *     clamped to ±maxTrendPerWeek. History is moved to the horizon's level by it before averaging,
 *     and each forecast day moved on from there: exact when volume grows geometrically.
 *  5. A holiday in the horizon is forecast from past holidays when there are any, else like a Friday
 *     (the weekend: the usual proxy for an official holiday in Iran).
 *  6. AHT = handle seconds / contacts of the same weighted history, shrunk towards the day type's own
 *     AHT where an interval has few contacts (a quiet 04:00 slot would otherwise swing wildly).
 *  7. Planner adjustments (+/- % on a day or a time range) are applied on top and reported beside the
 *     statistical numbers, never folded into them, so a backtest always judges the model alone.
 */

export interface HistoryPoint {
  /** Start of the interval, UTC. Any alignment: points are bucketed by local interval. */
  start: Date;
  contacts: number;
  /** Total handle seconds of the interval's contacts (talk + hold + wrap-up). */
  handleSeconds: number;
}

export interface ForecastAdjustment {
  /** Local date the adjustment applies to. */
  date: string;
  /** Local minute range [from, to); the whole day when omitted. */
  fromMinute?: number;
  toMinute?: number;
  /** +20 for +20%; −100 zeroes the volume. */
  contactsPercent?: number;
  ahtPercent?: number;
  /** Planner's reason code (e.g. "campaign"), echoed on every interval it touches. */
  code?: string;
}

export interface ForecastOptions {
  /** How far back history is used. */
  historyWeeks?: number;
  /** A day `halfLifeWeeks` older than another weighs half as much. */
  halfLifeWeeks?: number;
  trend?: boolean;
  /** Cap on |trend| as a share of volume per week, so a short or noisy history cannot explode. */
  maxTrendPerWeek?: number;
  /** Pseudo-contacts of the day type's AHT mixed into each interval's AHT. */
  ahtPriorContacts?: number;
}

export interface ForecastInput {
  history: readonly HistoryPoint[];
  /** First interval forecast (UTC), on a local interval boundary; history from here on is ignored. */
  horizonStart: Date;
  weeks: number;
  intervalMinutes?: 15 | 30 | 60;
  timeZone?: string;
  /** Local dates (YYYY-MM-DD) that are holidays, in the history and in the horizon. */
  holidays?: readonly string[];
  /**
   * The span the history covers. Inside it a day without any point is a real zero (a closed day),
   * outside it an unknown. Without it only days with at least one point count as observed.
   */
  observedFrom?: Date;
  observedTo?: Date;
  adjustments?: readonly ForecastAdjustment[];
  options?: ForecastOptions;
}

export type DayType = "normal" | "holiday";
/** Where an interval's number comes from (a code; the page explains it). */
export type ForecastBasis = "sameWeekday" | "holidayHistory" | "fridayProxy" | "none";

export interface ForecastFigures {
  contacts: number;
  ahtSeconds: number;
}

export interface ForecastInterval {
  start: Date;
  localDate: string;
  minuteOfDay: number;
  weekday: IranWeekday;
  dayType: DayType;
  basis: ForecastBasis;
  statistical: ForecastFigures;
  /** statistical × the planner's adjustments; equal to it when none apply. */
  adjusted: ForecastFigures;
  /** Codes (or "manual") of the adjustments applied to this interval. */
  adjustments: string[];
}

export type ForecastWarning = "noHistory" | "shortHistory" | "trendClamped" | "weekdayWithoutHistory" | "holidayUsesFriday";

export interface ForecastModel {
  intervalMinutes: number;
  timeZone: string;
  /** Relative volume change per week applied (0 when disabled or not estimable). */
  trendPerWeek: number;
  /** Observed history days used per day type: "0".."6" (Saturday…Friday) and "holiday". */
  daysUsed: Record<string, number>;
  warnings: ForecastWarning[];
}

export interface ForecastResult {
  intervals: ForecastInterval[];
  model: ForecastModel;
}

const DEFAULTS: Required<ForecastOptions> = { historyWeeks: 8, halfLifeWeeks: 4, trend: true, maxTrendPerWeek: 0.1, ahtPriorContacts: 5 };

interface DayHistory {
  date: string;
  /** Weeks from the horizon start (negative: the past). */
  t: number;
  contacts: Float64Array;
  handle: Float64Array;
  total: number;
}

interface TypeProfile {
  days: number;
  /** Σ weight × contacts per slot, moved to the horizon's level by the trend. */
  contacts: Float64Array;
  /** The same without the trend: the AHT's weights (handle time is not trended). */
  rawContacts: Float64Array;
  handle: Float64Array;
  weightSum: number;
  dayAht: number;
}

function typeKey(date: string, holidays: ReadonlySet<string>): string {
  return holidays.has(date) ? "holiday" : String(iranWeekday(date));
}

/** Statistical forecast plus adjustments. Throws RangeError on a bad time zone, interval or horizon. */
export function forecast(input: ForecastInput): ForecastResult {
  const opts = { ...DEFAULTS, ...input.options };
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const intervalMinutes = input.intervalMinutes ?? 30;
  assertTimeZone(timeZone);
  if (![15, 30, 60].includes(intervalMinutes)) throw new RangeError("forecast: intervalMinutes");
  if (!(Number.isInteger(input.weeks) && input.weeks >= 1 && input.weeks <= 6)) throw new RangeError("forecast: weeks");
  const slots = 1440 / intervalMinutes;
  const holidays = new Set(input.holidays ?? []);
  const horizon = localParts(input.horizonStart, timeZone);
  if (horizon.minuteOfDay % intervalMinutes !== 0) throw new RangeError("forecast: horizonStart is not on an interval boundary");
  const horizonDate = horizon.date;
  const warnings = new Set<ForecastWarning>();

  // 1. Bucket history by local day and slot.
  const earliest = addDays(horizonDate, -7 * opts.historyWeeks);
  const days = new Map<string, DayHistory>();
  const dayOf = (date: string) => {
    let d = days.get(date);
    if (!d) {
      d = { date, t: daysBetween(horizonDate, date) / 7, contacts: new Float64Array(slots), handle: new Float64Array(slots), total: 0 };
      days.set(date, d);
    }
    return d;
  };
  const horizonMs = input.horizonStart.getTime();
  for (const p of input.history) {
    if (p.start.getTime() >= horizonMs) continue;
    const local = localParts(p.start, timeZone);
    if (local.date < earliest) continue;
    const d = dayOf(local.date);
    const slot = Math.floor(local.minuteOfDay / intervalMinutes);
    d.contacts[slot]! += p.contacts;
    d.handle[slot]! += p.handleSeconds;
    d.total += p.contacts;
  }
  if (input.observedFrom && input.observedTo) {
    // Whole local days inside the observed span count even without a single contact.
    let date = localParts(input.observedFrom, timeZone).date;
    if (localToUtc(date, 0, timeZone).getTime() < input.observedFrom.getTime()) date = addDays(date, 1);
    if (date < earliest) date = earliest;
    const until = Math.min(input.observedTo.getTime(), horizonMs);
    while (localToUtc(addDays(date, 1), 0, timeZone).getTime() <= until) {
      dayOf(date);
      date = addDays(date, 1);
    }
  }
  if (days.size === 0) warnings.add("noHistory");
  else if (days.size < 14) warnings.add("shortHistory");

  // 2. Day types; holidays leave the weekday histories.
  const byType = new Map<string, DayHistory[]>();
  for (const d of days.values()) {
    const key = typeKey(d.date, holidays);
    const list = byType.get(key) ?? [];
    list.push(d);
    byType.set(key, list);
  }

  // 4 (first, the profiles need it). Multiplicative trend: log(day total) = log(level of the
  // weekday) + g·t, one g pooled over weekdays with an intercept each: ordinary least squares on
  // values centred per weekday. Normal days with contacts only; holidays and closed days say nothing
  // about growth.
  let growth = 0; // g, per week, in log units
  if (opts.trend) {
    let sxy = 0;
    let sxx = 0;
    let minT = Infinity;
    let maxT = -Infinity;
    for (const [key, list] of byType) {
      if (key === "holiday") continue;
      const open = list.filter((d) => d.total > 0);
      if (open.length < 2) continue;
      const meanLog = open.reduce((s, d) => s + Math.log(d.total), 0) / open.length;
      const meanT = open.reduce((s, d) => s + d.t, 0) / open.length;
      for (const d of open) {
        sxy += (Math.log(d.total) - meanLog) * (d.t - meanT);
        sxx += (d.t - meanT) ** 2;
        minT = Math.min(minT, d.t);
        maxT = Math.max(maxT, d.t);
      }
    }
    // Less than two weeks between the oldest and newest day cannot tell a trend from one odd week.
    if (sxx > 0 && maxT - minT >= 2) {
      growth = sxy / sxx;
      const cap = Math.log1p(opts.maxTrendPerWeek);
      if (Math.abs(growth) > cap) {
        growth = Math.sign(growth) * cap;
        warnings.add("trendClamped");
      }
    }
  }

  // 3. Weighted same-type profiles, each past day first moved to the horizon's level by the trend
  // (× e^{−g·t}), so averaging recent and older weeks does not lag behind a growing queue.
  let allHandle = 0;
  let allContacts = 0;
  for (const d of days.values()) {
    allContacts += d.total;
    for (let s = 0; s < slots; s++) allHandle += d.handle[s]!;
  }
  const globalAht = allContacts > 0 ? allHandle / allContacts : 0;
  const profiles = new Map<string, TypeProfile>();
  for (const [key, list] of byType) {
    const contacts = new Float64Array(slots);
    const handle = new Float64Array(slots);
    const rawContacts = new Float64Array(slots);
    let weightSum = 0;
    let dayHandle = 0;
    let dayContacts = 0;
    for (const d of list) {
      // d.t ≤ 0 is the age in weeks: the weight halves every halfLife weeks.
      const w = 2 ** (d.t / opts.halfLifeWeeks);
      const level = Math.exp(-growth * d.t);
      weightSum += w;
      for (let s = 0; s < slots; s++) {
        contacts[s]! += w * level * d.contacts[s]!;
        rawContacts[s]! += w * d.contacts[s]!;
        handle[s]! += w * d.handle[s]!;
        dayHandle += w * d.handle[s]!;
        dayContacts += w * d.contacts[s]!;
      }
    }
    const dayAht = dayContacts > 0 ? dayHandle / dayContacts : globalAht;
    profiles.set(key, { days: list.length, contacts, rawContacts, handle, weightSum, dayAht });
  }
  const trendPerWeek = Math.expm1(growth);

  const daysUsed: Record<string, number> = {};
  for (const [key, p] of profiles) daysUsed[key] = p.days;

  // 5-7. The horizon, interval by interval in UTC, labelled with local date and slot.
  const adjustments = input.adjustments ?? [];
  const endDate = addDays(horizonDate, 7 * input.weeks);
  const intervals: ForecastInterval[] = [];
  const stepMs = intervalMinutes * 60_000;
  for (let ms = horizonMs; ; ms += stepMs) {
    const start = new Date(ms);
    const local = localParts(start, timeZone);
    if (local.date >= endDate) break;
    const weekday = iranWeekday(local.date);
    const isHoliday = holidays.has(local.date);
    let profile: TypeProfile | undefined;
    let basis: ForecastBasis;
    if (isHoliday && profiles.has("holiday")) {
      profile = profiles.get("holiday");
      basis = "holidayHistory";
    } else if (isHoliday) {
      profile = profiles.get(String(FRIDAY));
      basis = profile ? "fridayProxy" : "none";
      warnings.add("holidayUsesFriday");
    } else {
      profile = profiles.get(String(weekday));
      basis = profile ? "sameWeekday" : "none";
    }
    if (!profile && !isHoliday) warnings.add("weekdayWithoutHistory");
    const slot = Math.floor(local.minuteOfDay / intervalMinutes);
    const statistical = profile ? figures(profile, slot, daysBetween(horizonDate, local.date) / 7, growth, opts.ahtPriorContacts) : { contacts: 0, ahtSeconds: globalAht };
    let contactsFactor = 1;
    let ahtFactor = 1;
    const applied: string[] = [];
    for (const a of adjustments) {
      if (a.date !== local.date) continue;
      if (a.fromMinute !== undefined && local.minuteOfDay < a.fromMinute) continue;
      if (a.toMinute !== undefined && local.minuteOfDay >= a.toMinute) continue;
      contactsFactor *= 1 + (a.contactsPercent ?? 0) / 100;
      ahtFactor *= 1 + (a.ahtPercent ?? 0) / 100;
      applied.push(a.code ?? "manual");
    }
    intervals.push({
      start,
      localDate: local.date,
      minuteOfDay: local.minuteOfDay,
      weekday,
      dayType: isHoliday ? "holiday" : "normal",
      basis,
      statistical,
      adjusted: { contacts: Math.max(0, statistical.contacts * contactsFactor), ahtSeconds: Math.max(0, statistical.ahtSeconds * ahtFactor) },
      adjustments: applied,
    });
  }
  return { intervals, model: { intervalMinutes, timeZone, trendPerWeek, daysUsed, warnings: [...warnings] } };
}

function figures(p: TypeProfile, slot: number, t: number, growth: number, prior: number): ForecastFigures {
  const contacts = (p.contacts[slot]! / p.weightSum) * Math.exp(growth * t);
  // The prior is in the same weighted units as the sums (a day of the latest week weighs about 1).
  const ahtSeconds = (p.handle[slot]! + prior * p.dayAht) / (p.rawContacts[slot]! + prior);
  return { contacts: Math.max(0, contacts), ahtSeconds };
}

// ---------------------------------------------------------------------------------------------
// Backtest

export interface ErrorMeasures {
  /** Mean absolute percentage error over intervals with actual > 0 (undefined for zeros). */
  mape: number | null;
  /** Σ|forecast − actual| / Σ actual: the volume-weighted error planners trust. */
  wape: number | null;
  /** Σ(forecast − actual) / Σ actual: positive means the model over-forecasts. */
  bias: number | null;
}

export interface BacktestResult {
  heldOutWeekStart: Date;
  intervals: number;
  /** Intervals with actual contacts > 0: the ones MAPE is taken over. */
  intervalsWithContacts: number;
  contacts: ErrorMeasures;
  /** Errors of the daily totals (interval noise averages out). */
  dailyContacts: ErrorMeasures;
  /** Contact-weighted AHT error: Σ actual contacts·|forecast AHT − actual AHT| / Σ actual handle seconds. */
  ahtWape: number | null;
  model: ForecastModel;
}

export type BacktestInput = Omit<ForecastInput, "horizonStart" | "weeks" | "adjustments"> & {
  /** Local-week start (Saturday 00:00) to hold out; default the last complete week of history. */
  heldOutWeekStart?: Date;
};

/**
 * Forecast a past week from the history before it and compare with what happened. The planner's
 * adjustments are left out on purpose: this measures the statistical model.
 */
export function backtest(input: BacktestInput): BacktestResult {
  const timeZone = input.timeZone ?? DEFAULT_TIME_ZONE;
  const intervalMinutes = input.intervalMinutes ?? 30;
  const held = input.heldOutWeekStart ?? lastCompleteWeekStart(input.history, timeZone, intervalMinutes);
  if (!held) throw new RangeError("backtest: no complete week in the history");
  const result = forecast({ ...input, horizonStart: held, weeks: 1, adjustments: [] });
  const endMs = result.intervals.length ? result.intervals[result.intervals.length - 1]!.start.getTime() + intervalMinutes * 60_000 : held.getTime();
  const actualContacts = new Map<number, number>();
  const actualHandle = new Map<number, number>();
  const stepMs = intervalMinutes * 60_000;
  for (const p of input.history) {
    const ms = p.start.getTime();
    if (ms < held.getTime() || ms >= endMs) continue;
    const key = held.getTime() + Math.floor((ms - held.getTime()) / stepMs) * stepMs;
    actualContacts.set(key, (actualContacts.get(key) ?? 0) + p.contacts);
    actualHandle.set(key, (actualHandle.get(key) ?? 0) + p.handleSeconds);
  }
  const pairs: { f: number; a: number; fAht: number; aHandle: number; date: string }[] = result.intervals.map((iv) => ({
    f: iv.statistical.contacts,
    a: actualContacts.get(iv.start.getTime()) ?? 0,
    fAht: iv.statistical.ahtSeconds,
    aHandle: actualHandle.get(iv.start.getTime()) ?? 0,
    date: iv.localDate,
  }));
  const daily = new Map<string, { f: number; a: number }>();
  for (const p of pairs) {
    const d = daily.get(p.date) ?? { f: 0, a: 0 };
    d.f += p.f;
    d.a += p.a;
    daily.set(p.date, d);
  }
  let ahtErr = 0;
  let ahtBase = 0;
  for (const p of pairs) {
    if (p.a <= 0) continue;
    ahtErr += Math.abs(p.fAht * p.a - p.aHandle);
    ahtBase += p.aHandle;
  }
  return {
    heldOutWeekStart: held,
    intervals: pairs.length,
    intervalsWithContacts: pairs.filter((p) => p.a > 0).length,
    contacts: errorMeasures(pairs),
    dailyContacts: errorMeasures([...daily.values()]),
    ahtWape: ahtBase > 0 ? ahtErr / ahtBase : null,
    model: result.model,
  };
}

export function errorMeasures(pairs: readonly { f: number; a: number }[]): ErrorMeasures {
  let absSum = 0;
  let signedSum = 0;
  let actualSum = 0;
  let apeSum = 0;
  let apeCount = 0;
  for (const { f, a } of pairs) {
    absSum += Math.abs(f - a);
    signedSum += f - a;
    actualSum += a;
    if (a > 0) {
      apeSum += Math.abs(f - a) / a;
      apeCount++;
    }
  }
  return {
    mape: apeCount > 0 ? apeSum / apeCount : null,
    wape: actualSum > 0 ? absSum / actualSum : null,
    bias: actualSum > 0 ? signedSum / actualSum : null,
  };
}

/** Start (UTC) of the last Saturday-to-Friday local week the history covers completely. */
export function lastCompleteWeekStart(history: readonly HistoryPoint[], timeZone = DEFAULT_TIME_ZONE, intervalMinutes = 30): Date | null {
  if (history.length === 0) return null;
  let first = Infinity;
  let last = -Infinity;
  for (const p of history) {
    first = Math.min(first, p.start.getTime());
    last = Math.max(last, p.start.getTime());
  }
  const coveredTo = last + intervalMinutes * 60_000;
  const lastDate = localParts(new Date(last), timeZone).date;
  for (let saturday = weekStartDate(lastDate); ; saturday = addDays(saturday, -7)) {
    const start = localToUtc(saturday, 0, timeZone);
    if (start.getTime() < first) return null;
    if (localToUtc(addDays(saturday, 7), 0, timeZone).getTime() <= coveredTo) return start;
  }
}
