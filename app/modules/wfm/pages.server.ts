import type { BureauCtx } from "../bureau/context.server";
import { asaC, erlangA, occupancy, serviceLevelC, trafficIntensity } from "./erlang";
import { forecastQueues, forecastSeries } from "./forecast.server";
import { listLeaveRequests, listSwapRequests } from "./leave.server";
import { tenantStaffingPlan } from "./portal.server";
import { listRosters, rosterWeek } from "./roster.server";
import { listWfmRuns } from "./runs.server";
import { currentWeekStart, wfmSettings } from "./settings.server";
import { staffingWeek } from "./staffing.server";
import { addDays, DATE_RE, weekStartDate } from "./time";
import type { CoverageView, ForecastPointView, HistoryPointView, StaffingQueueRow, StaffingWeekView, WfmQueueRef } from "./views";

/**
 * What the WFM pages show, shaped from the backend's server functions (forecast, staffing, roster):
 * one function a page, so routes stay thin and the loaders send one day's slice instead of weeks of
 * intervals. Everything here reads; writes go straight to the backend's functions from the actions.
 */

/** A week from a query parameter (any day of it), else this week. */
export function weekParam(raw: string | null | undefined, timeZone?: string): string {
  if (raw && DATE_RE.test(raw) && !Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) return weekStartDate(raw);
  return currentWeekStart(new Date(), timeZone);
}

/** A roster day 0-6 from a query parameter; default: today's when the week is this week, else Saturday. */
export function dayParam(raw: string | null | undefined, weekStart: string, today: string): number {
  const n = raw === null || raw === undefined || raw === "" ? Number.NaN : Number(raw);
  if (Number.isInteger(n) && n >= 0 && n <= 6) return n;
  const offset = Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${weekStart}T00:00:00Z`)) / 86_400_000);
  return offset >= 0 && offset <= 6 ? offset : 0;
}

/** Today's local date in a zone (YYYY-MM-DD). */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

const slotsOf = (intervalMinutes: number) => Math.round(1440 / intervalMinutes);

// ---------------------------------------------------------------------------------------------
// Forecast

export interface ForecastIntervalRow {
  minute: number;
  /** Actual contacts of the reference history day (the same weekday, latest week with data). */
  history: number | null;
  historyAht: number | null;
  statistical: number | null;
  adjusted: number | null;
  statisticalAht: number | null;
  adjustedAht: number | null;
  adjustments: string[];
  special: boolean;
}

/** The forecast tab of one queue: days overview, one day's intervals, adjustments, backtest, runs. */
export async function forecastPage(ctx: BureauCtx, q: { queueId?: string | null; date?: string | null }) {
  const [queues, runs] = await Promise.all([forecastQueues(ctx), listWfmRuns(ctx, { kind: "forecast", limit: 6 })]);
  const queue: WfmQueueRef | null = queues.find((x) => x.queueId === q.queueId) ?? queues[0] ?? null;
  if (!queue) return { queues, queue: null, runs, series: null };
  const series = await forecastSeries(ctx, queue.queueId);
  const forecastDates = [...new Set(series.forecast.map((p) => p.localDate))];
  const historyDates = new Set(series.history.map((p) => p.localDate));
  const date = q.date && (forecastDates.includes(q.date) || historyDates.has(q.date)) ? q.date : (forecastDates[0] ?? [...historyDates].at(-1) ?? null);
  // History to compare a forecast day with: the latest earlier same weekday that has history.
  let historyDate: string | null = null;
  if (date) {
    if (historyDates.has(date)) historyDate = date;
    else for (let k = 1; k <= 12 && !historyDate; k++) if (historyDates.has(addDays(date, -7 * k))) historyDate = addDays(date, -7 * k);
  }
  const slots = slotsOf(series.intervalMinutes);
  const byMinute = <T extends { localDate: string; minuteOfDay: number }>(points: readonly T[], day: string | null) => {
    const m = new Map<number, T>();
    if (day) for (const p of points) if (p.localDate === day) m.set(p.minuteOfDay, p);
    return m;
  };
  const f = byMinute<ForecastPointView>(series.forecast, date);
  const h = byMinute<HistoryPointView>(series.history, historyDate);
  const intervals: ForecastIntervalRow[] = Array.from({ length: slots }, (_, i) => {
    const minute = i * series.intervalMinutes;
    const fp = f.get(minute);
    const hp = h.get(minute);
    return {
      minute,
      history: historyDate ? (hp?.contacts ?? 0) : null,
      historyAht: hp && hp.contacts > 0 ? hp.ahtSeconds : null,
      statistical: fp ? fp.statistical.contacts : null,
      adjusted: fp ? fp.adjusted.contacts : null,
      statisticalAht: fp ? fp.statistical.ahtSeconds : null,
      adjustedAht: fp ? fp.adjusted.ahtSeconds : null,
      adjustments: fp?.adjustments ?? [],
      special: fp ? fp.dayType !== "normal" : false,
    };
  });
  return {
    queues,
    queue,
    runs,
    series: {
      intervalMinutes: series.intervalMinutes,
      run: series.run,
      generatedAt: series.generatedAt,
      days: series.days,
      forecastDates,
      date,
      historyDate,
      dayType: date ? (series.forecast.find((p) => p.localDate === date)?.dayType ?? null) : null,
      basis: date ? (series.forecast.find((p) => p.localDate === date)?.basis ?? null) : null,
      intervals,
      adjustments: series.adjustments,
      backtest: series.backtest,
      model: series.model,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Staffing

export interface StaffingIntervalRow {
  minute: number;
  contacts: number;
  ahtSeconds: number;
  /** Agents the queue alone needs on the phones (Erlang C/A). */
  standalone: number;
  /** Its share of its pool (ADR 0008). */
  agents: number;
  heads: number;
  serviceLevel: number | null;
  asaSeconds: number | null;
  occupancy: number | null;
  limitedBy: string | null;
}

/**
 * ASA and occupancy at the agents the queue alone needs: the staffing view carries the service
 * level, and these two follow from the same model (Erlang A with the queue's patience, else C).
 */
export function measuresAt(queue: Pick<WfmQueueRef, "slThresholdSeconds" | "patienceSeconds">, agents: number, contacts: number, ahtSeconds: number, intervalSeconds: number) {
  if (!(contacts > 0) || !(ahtSeconds > 0)) return { serviceLevel: null, asaSeconds: null, occupancy: null };
  const erlangs = trafficIntensity(contacts, intervalSeconds, ahtSeconds);
  if (queue.patienceSeconds) {
    const r = erlangA(agents, { contacts, intervalSeconds, ahtSeconds, patienceSeconds: queue.patienceSeconds, thresholdSeconds: queue.slThresholdSeconds });
    return { serviceLevel: r.serviceLevel, asaSeconds: r.asaSeconds, occupancy: r.occupancy };
  }
  const asa = asaC(agents, erlangs, ahtSeconds);
  return { serviceLevel: serviceLevelC(agents, erlangs, ahtSeconds, queue.slThresholdSeconds), asaSeconds: Number.isFinite(asa) ? asa : null, occupancy: occupancy(agents, erlangs) };
}

function queueDayRows(row: StaffingQueueRow, day: number, intervalMinutes: number): StaffingIntervalRow[] {
  const slots = slotsOf(intervalMinutes);
  return Array.from({ length: slots }, (_, i) => {
    const k = day * slots + i;
    const contacts = row.contacts[k] ?? 0;
    const aht = row.ahtSeconds[k] ?? 0;
    const standalone = row.standalone[k] ?? 0;
    const m = measuresAt(row.queue, standalone, contacts, aht, intervalMinutes * 60);
    return {
      minute: i * intervalMinutes,
      contacts,
      ahtSeconds: aht,
      standalone,
      agents: row.agents[k] ?? 0,
      heads: row.heads[k] ?? 0,
      serviceLevel: contacts > 0 ? (row.serviceLevel[k] ?? m.serviceLevel) : null,
      asaSeconds: m.asaSeconds,
      occupancy: m.occupancy,
      limitedBy: contacts > 0 ? (row.limitedBy[k] ?? null) : null,
    };
  });
}

function sum(a: readonly number[], from = 0, to = a.length) {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] ?? 0;
  return s;
}
function max(a: readonly number[], from = 0, to = a.length) {
  let m = 0;
  for (let i = from; i < to; i++) m = Math.max(m, a[i] ?? 0);
  return m;
}

/** Per queue per day: contacts, peak heads, agent-hours of heads: the week at a glance. */
function weekSummary(view: StaffingWeekView) {
  const slots = slotsOf(view.intervalMinutes);
  const hours = view.intervalMinutes / 60;
  const perDay = (a: readonly number[]) =>
    Array.from({ length: 7 }, (_, d) => ({ contacts: sum(a, d * slots, (d + 1) * slots) }));
  return view.queues.map((q) => ({
    queueId: q.queue.queueId,
    days: perDay(q.contacts).map((x, d) => ({ ...x, peakHeads: max(q.heads, d * slots, (d + 1) * slots), headHours: sum(q.heads, d * slots, (d + 1) * slots) * hours })),
  }));
}

/** The staffing tab: the chosen queue's (or all queues') intervals on the chosen day, and the week per queue. */
export async function staffingPage(ctx: BureauCtx, q: { week?: string | null; day?: string | null; queue?: string | null }) {
  const settings = await wfmSettings();
  const weekStart = weekParam(q.week, settings.timeZone);
  const view = await staffingWeek(ctx, weekStart);
  const day = dayParam(q.day, view.weekStart, todayIn(view.timeZone));
  const selected = view.queues.find((r) => r.queue.queueId === q.queue) ?? null;
  const slots = slotsOf(view.intervalMinutes);
  const totals = Array.from({ length: slots }, (_, i) => {
    const k = day * slots + i;
    return { minute: i * view.intervalMinutes, contacts: view.totals.contacts[k] ?? 0, agents: view.totals.agents[k] ?? 0, heads: view.totals.heads[k] ?? 0 };
  });
  return {
    weekStart: view.weekStart,
    timeZone: view.timeZone,
    intervalMinutes: view.intervalMinutes,
    days: view.days,
    day,
    settings: view.settings,
    queues: view.queues.map((r) => ({ ...r.queue, model: r.model })),
    selected: selected ? { queue: selected.queue, model: selected.model, rows: queueDayRows(selected, day, view.intervalMinutes) } : null,
    totals,
    summary: weekSummary(view),
    pools: view.pools.map((p) => ({ queueIds: p.queueIds })),
    missingForecast: view.missingForecast,
  };
}

// ---------------------------------------------------------------------------------------------
// Roster

/** The roster tab: the chosen (or the week's newest) roster, the week's versions and the roster runs. */
export async function rosterPage(ctx: BureauCtx, q: { week?: string | null; rosterId?: string | null }) {
  const settings = await wfmSettings();
  const weekStart = weekParam(q.week, settings.timeZone);
  const [view, rosters, runs] = await Promise.all([
    rosterWeek(ctx, q.rosterId ? { rosterId: q.rosterId } : { weekStart }),
    listRosters(ctx, { weekStart, limit: 10 }),
    listWfmRuns(ctx, { kind: "roster", limit: 8 }),
  ]);
  return { weekStart: view?.roster.weekStart ?? weekStart, settings, view, rosters, runs };
}

export interface CoverageDay {
  queueId: string | null;
  required: number[];
  inSeat: number[];
  atWork: number[];
  staffed: number[];
}

/** One day of the coverage (one queue, or every queue summed): what the coverage chart and table show. */
export function coverageDay(coverage: CoverageView, queueId: string | null, day: number, intervalMinutes: number): CoverageDay {
  const slots = slotsOf(intervalMinutes);
  const from = day * slots;
  const source = queueId ? coverage.queues.find((q) => q.queueId === queueId) : null;
  const pick = source ?? coverage.totals;
  const slice = (a: readonly number[]) => Array.from({ length: slots }, (_, i) => a[from + i] ?? 0);
  return { queueId: source ? source.queueId : null, required: slice(pick.required), inSeat: slice(pick.inSeat), atWork: slice(pick.atWork), staffed: slice(pick.staffed) };
}

// ---------------------------------------------------------------------------------------------
// Leave and swaps

/** Leave and swap requests, pending or decided, with the queue names their coverage holes refer to. */
export async function leavePage(ctx: BureauCtx, show: "pending" | "decided") {
  const [leave, swaps, queues, settings] = await Promise.all([
    listLeaveRequests(ctx, show === "pending" ? { status: "pending" } : {}),
    listSwapRequests(ctx, show === "pending" ? { status: "pending" } : {}),
    forecastQueues(ctx),
    wfmSettings(),
  ]);
  const decided = (s: string) => (show === "pending" ? s === "pending" : s !== "pending");
  return {
    show,
    timeZone: settings.timeZone,
    leave: leave.filter((r) => decided(r.status)),
    swaps: swaps.filter((r) => decided(r.status)),
    queues: queues.map((q) => ({ queueId: q.queueId, name: `${q.tenantName} › ${q.queueName}` })),
  };
}

// ---------------------------------------------------------------------------------------------
// The client portal

/**
 * The client's staffing plan for one week: every queue's days against its SLA, and one queue's
 * intervals on one day. Built from tenantStaffingPlan, which carries no agent data at all; this
 * only slices it.
 */
export async function portalStaffingPage(tenant: { id: string; timeZone: string }, q: { week?: string | null; day?: string | null; queue?: string | null }) {
  const plan = await tenantStaffingPlan(tenant, q.week ? weekParam(q.week, tenant.timeZone) : undefined);
  const day = dayParam(q.day, plan.weekStart, todayIn(plan.timeZone));
  const selected = plan.queues.find((x) => x.queueId === q.queue) ?? plan.queues[0] ?? null;
  const slots = slotsOf(plan.intervalMinutes);
  const slice = <T>(a: readonly T[] | null) => (a ? a.slice(day * slots, (day + 1) * slots) : null);
  return {
    weekStart: plan.weekStart,
    timeZone: plan.timeZone,
    intervalMinutes: plan.intervalMinutes,
    days: plan.days,
    day,
    published: plan.published,
    publishedAt: plan.publishedAt,
    queues: plan.queues.map((x) => ({ queueId: x.queueId, queueName: x.queueName, slTarget: x.slTarget, slThresholdSeconds: x.slThresholdSeconds, daily: x.daily })),
    selected: selected
      ? {
          queueId: selected.queueId,
          contacts: slice(selected.contacts)!,
          ahtSeconds: slice(selected.ahtSeconds)!,
          required: slice(selected.required)!,
          scheduled: slice(selected.scheduled),
          projectedServiceLevel: slice(selected.projectedServiceLevel),
        }
      : null,
  };
}
