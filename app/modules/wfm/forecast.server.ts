import { sql } from "kysely";
import { z } from "zod";
import { recordAudit } from "../auth/audit.server";
import { asBureau } from "../auth/bureau.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { NotFoundError } from "../bureau/errors";
import type { Executor } from "../platform/db.server";
import { logger } from "../platform/logger.server";
import { enqueue } from "../platform/queues.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { applyAdjustments } from "./adjust";
import { firstContactAt, forecastPoints, historyPoints, holidaysOf, queueRefs, type QueueRow } from "./data.server";
import { WfmError } from "./errors";
import { backtest, forecast, type BacktestResult, type ForecastAdjustment, type ForecastWarning } from "./forecast";
import { claimRun, createRun, patchRun } from "./runs.server";
import { wfmSettings } from "./settings.server";
import { addDays, iranWeekday, localParts, localToUtc, weekStartDate, DATE_RE } from "./time";
import { ADJUSTMENT_CODES, type AdjustmentCode, type BacktestView, type ForecastAdjustmentView, type ForecastRunResult, type ForecastSeriesView, type IntervalMinutes, type WfmQueueRef } from "./views";
import { isWeekStart, weekStartOf } from "./week";

/**
 * The forecast: a `wfm.forecast` job per run reads every queue's history (its tenant's zone and
 * holidays), forecasts 1-6 weeks from the horizon (default: the current roster week), backtests the
 * last complete week, and stores intervals and the model per queue in the tenant's own scope.
 * Planner adjustments live in their own table and are re-applied to the stored statistical figures.
 */

const HISTORY_WEEKS = 8;

export const forecastRunSchema = z.object({
  weeks: z.number().int().min(1).max(6).default(4),
  intervalMinutes: z.union([z.literal(15), z.literal(30)]).optional(),
  queueIds: z.array(z.string().uuid()).max(500).optional(),
  /** The first day forecast: a Saturday (the roster week); default the current week. */
  horizonStart: z.string().refine(isWeekStart, "wfm:errors.weekStart").optional(),
});
export type ForecastRunInput = z.input<typeof forecastRunSchema>;

/** Creates the run (wfm.manage) and queues its job. */
export async function startForecastRun(ctx: BureauCtx, raw: ForecastRunInput = {}, opts: { now?: Date } = {}): Promise<{ runId: string }> {
  const parsed = forecastRunSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError(parsed.error.issues[0]?.path[0] === "horizonStart" ? "weekStart" : "invalid", String(parsed.error.issues[0]?.path[0] ?? ""));
  const settings = await wfmSettings();
  const input = parsed.data;
  const horizonStart = input.horizonStart ?? weekStartOf(opts.now ?? new Date(), settings.timeZone);
  const runId = await asBureau(ctx, "wfm.manage", async (trx) => {
    const id = await createRun(trx, {
      kind: "forecast",
      weekStart: horizonStart,
      weeks: input.weeks,
      params: { weeks: input.weeks, intervalMinutes: input.intervalMinutes ?? settings.intervalMinutes, queueIds: input.queueIds ?? null, horizonStart, timeZone: settings.timeZone },
      startedBy: ctx.actor.userId,
    });
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.forecast.started", target: { type: "wfm_run", id }, data: { horizonStart, weeks: input.weeks } });
    return id;
  });
  await enqueue("wfm.forecast", { runId }, { jobId: `wfm-forecast-${runId}` });
  return { runId };
}

function backtestView(b: BacktestResult | null): BacktestView | null {
  if (!b) return null;
  return {
    heldOutWeekStart: b.heldOutWeekStart.toISOString(),
    intervals: b.intervals,
    intervalsWithContacts: b.intervalsWithContacts,
    mape: b.contacts.mape,
    wape: b.contacts.wape,
    bias: b.contacts.bias,
    dailyMape: b.dailyContacts.mape,
    dailyWape: b.dailyContacts.wape,
    ahtWape: b.ahtWape,
  };
}

type AdjustmentRow = { id: string; queue_id: string; day: string; from_minute: number | null; to_minute: number | null; contacts_percent: number; aht_percent: number; code: string; note: string; created_by_name: string | null; created_at: Date };

async function adjustmentRows(trx: Executor, queueId: string, from?: string, to?: string): Promise<AdjustmentRow[]> {
  return trx
    .selectFrom("wfm_forecast_adjustments as a")
    .leftJoin("users as u", "u.id", "a.created_by")
    .select(["a.id", "a.queue_id", sql<string>`to_char(a.day, 'YYYY-MM-DD')`.as("day"), "a.from_minute", "a.to_minute", "a.contacts_percent", "a.aht_percent", "a.code", "a.note", "u.name as created_by_name", "a.created_at"])
    .where("a.queue_id", "=", queueId)
    .$if(from !== undefined, (q) => q.where("a.day", ">=", sql<Date>`${from}::date`))
    .$if(to !== undefined, (q) => q.where("a.day", "<", sql<Date>`${to}::date`))
    .orderBy("a.day")
    .orderBy("a.created_at")
    .execute();
}

const toEngineAdjustment = (a: AdjustmentRow): ForecastAdjustment => ({
  date: a.day,
  ...(a.from_minute !== null ? { fromMinute: a.from_minute, toMinute: a.to_minute! } : {}),
  contactsPercent: a.contacts_percent,
  ahtPercent: a.aht_percent,
  code: a.code,
});

const adjustmentView = (a: AdjustmentRow): ForecastAdjustmentView => ({
  id: a.id,
  queueId: a.queue_id,
  date: a.day,
  fromMinute: a.from_minute,
  toMinute: a.to_minute,
  contactsPercent: a.contacts_percent,
  ahtPercent: a.aht_percent,
  code: a.code as AdjustmentCode,
  note: a.note,
  createdByName: a.created_by_name,
  createdAt: a.created_at.toISOString(),
});

/** Forecast one queue and store it (in its tenant's scope); returns what the run reports. */
function forecastQueue(q: QueueRow, horizon: Date, weeks: number, intervalMinutes: IntervalMinutes, runId: string | null) {
  return withTenant(q.tenantId, (trx) => forecastQueueIn(trx, q, horizon, weeks, intervalMinutes, runId));
}

/**
 * The same inside a caller's transaction (the demo seed's; RLS scope is the caller's business):
 * history, forecast and backtest, the queue's intervals from the horizon on replaced.
 */
export async function forecastQueueIn(trx: Executor, q: QueueRow, horizon: Date, weeks: number, intervalMinutes: IntervalMinutes, runId: string | null) {
  const from = new Date(horizon.getTime() - HISTORY_WEEKS * 7 * 86_400_000);
  const history = await historyPoints(trx, q.tenantId, q.queueId, from, horizon);
  const holidays = await holidaysOf(trx, q.tenantId);
  const first = await firstContactAt(trx, q.tenantId);
  const observed = first ? { observedFrom: first, observedTo: horizon } : {};
  const adjustments = (await adjustmentRows(trx, q.queueId)).map(toEngineAdjustment);
  const result = forecast({ history, horizonStart: horizon, weeks, intervalMinutes, timeZone: q.timeZone, holidays, adjustments, ...observed });
  let bt: BacktestResult | null = null;
  try {
    // The held-out week is the tenant's last local week before the horizon: the history is complete
    // up to the horizon even when its last contact came on Friday afternoon.
    const heldOutWeekStart = localToUtc(addDays(weekStartDate(localParts(horizon, q.timeZone).date), -7), 0, q.timeZone);
    bt = first && first.getTime() <= heldOutWeekStart.getTime() ? backtest({ history, intervalMinutes, timeZone: q.timeZone, holidays, heldOutWeekStart, ...observed }) : null;
  } catch {
    bt = null; // less than one complete week of history: nothing to hold out
  }
  await trx.deleteFrom("wfm_forecasts").where("tenant_id", "=", q.tenantId).where("queue_id", "=", q.queueId).where("interval_start", ">=", horizon).execute();
  const now = new Date();
  const rows = result.intervals.map((iv) => ({
    tenant_id: q.tenantId,
    queue_id: q.queueId,
    interval_start: iv.start,
    interval_minutes: intervalMinutes,
    local_date: iv.localDate,
    minute_of_day: iv.minuteOfDay,
    day_type: iv.dayType,
    basis: iv.basis,
    contacts: iv.statistical.contacts,
    aht_seconds: iv.statistical.ahtSeconds,
    adjusted_contacts: iv.adjusted.contacts,
    adjusted_aht_seconds: iv.adjusted.ahtSeconds,
    adjustments: iv.adjustments,
    run_id: runId,
    generated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 1000) await trx.insertInto("wfm_forecasts").values(rows.slice(i, i + 1000)).execute();
  const model = { trendPerWeek: result.model.trendPerWeek, daysUsed: result.model.daysUsed, warnings: result.model.warnings };
  const backtestJson = backtestView(bt);
  await trx
    .insertInto("wfm_forecast_models")
    .values({ tenant_id: q.tenantId, queue_id: q.queueId, run_id: runId, horizon_start: horizon, weeks, interval_minutes: intervalMinutes, model: JSON.stringify(model), backtest: backtestJson ? JSON.stringify(backtestJson) : null, generated_at: now })
    .onConflict((oc) =>
      oc.columns(["tenant_id", "queue_id"]).doUpdateSet({ run_id: runId, horizon_start: horizon, weeks, interval_minutes: intervalMinutes, model: JSON.stringify(model), backtest: backtestJson ? JSON.stringify(backtestJson) : null, generated_at: now }),
    )
    .execute();
  return { intervals: rows.length, backtest: backtestJson, warnings: result.model.warnings as ForecastWarning[] };
}

/** The `wfm.forecast` job. A retry starts the run over (every queue's store replaces its own rows). */
export async function handleForecastRun(runId: string, opts: { attempt?: number } = {}): Promise<void> {
  const run = await claimRun(runId, "forecast", opts.attempt);
  if (!run) return;
  const params = run.params as { weeks: number; intervalMinutes: IntervalMinutes; queueIds: string[] | null; horizonStart: string; timeZone: string };
  await patchRun(runId, { phase: "history", progress: 0.01 });
  try {
    const queues = await withBureauScope((trx) => queueRefs(trx, params.queueIds ? { queueIds: params.queueIds } : {}));
    if (queues.length === 0) throw new WfmError("noQueues");
    const result: ForecastRunResult = { kind: "forecast", horizonStart: "", weeks: params.weeks, intervalMinutes: params.intervalMinutes, queues: [] };
    for (const [i, q] of queues.entries()) {
      // The horizon is the roster week's Saturday 00:00 in the bureau's zone: the same instant for
      // every tenant, so all queues' forecasts line up on the roster's grid.
      const horizon = localToUtc(params.horizonStart, 0, params.timeZone);
      result.horizonStart = horizon.toISOString();
      await patchRun(runId, { phase: "forecast", progress: 0.05 + (0.9 * i) / queues.length });
      try {
        const r = await forecastQueue(q, horizon, params.weeks, params.intervalMinutes, runId);
        result.queues.push({ queueId: q.queueId, queueName: q.queueName, tenantName: q.tenantName, intervals: r.intervals, backtest: r.backtest, warnings: r.warnings });
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        // A zone whose offset is off the interval grid: that queue is skipped and reported.
        logger.warn({ err, queueId: q.queueId }, "forecast skipped a queue");
        result.queues.push({ queueId: q.queueId, queueName: q.queueName, tenantName: q.tenantName, intervals: 0, backtest: null, warnings: ["noHistory"] });
      }
    }
    await patchRun(runId, { status: "done", phase: "store", progress: 1, result });
  } catch (err) {
    logger.warn({ err, runId }, "forecast run failed");
    await patchRun(runId, { status: "failed", error: err instanceof WfmError ? err.code : "error" });
    if (!(err instanceof WfmError)) throw err;
  }
}

export async function forecastQueues(ctx: BureauCtx): Promise<WfmQueueRef[]> {
  return asBureau(ctx, "wfm.read", async (trx) => (await queueRefs(trx)).map(({ priority: _p, ...ref }) => ref));
}

/** History (local intervals of the tenant's zone) with the average handle time per interval. */
async function historySeries(trx: Executor, q: WfmQueueRef, from: Date, to: Date, intervalMinutes: number) {
  const points = await historyPoints(trx, q.tenantId, q.queueId, from, to);
  const byStart = new Map<number, { contacts: number; handle: number; localDate: string; minuteOfDay: number; start: Date }>();
  for (const p of points) {
    const local = localParts(p.start, q.timeZone);
    const minute = Math.floor(local.minuteOfDay / intervalMinutes) * intervalMinutes;
    const start = localToUtc(local.date, minute, q.timeZone);
    const b = byStart.get(start.getTime()) ?? { contacts: 0, handle: 0, localDate: local.date, minuteOfDay: minute, start };
    b.contacts += p.contacts;
    b.handle += p.handleSeconds;
    byStart.set(start.getTime(), b);
  }
  return [...byStart.values()].sort((a, b) => a.start.getTime() - b.start.getTime());
}

export async function forecastSeries(ctx: BureauCtx, queueId: string, opts: { weekStart?: string; weeks?: number; historyWeeks?: number; now?: Date } = {}): Promise<ForecastSeriesView> {
  const settings = await wfmSettings();
  const weekStart = opts.weekStart ?? weekStartOf(opts.now ?? new Date(), settings.timeZone);
  if (!isWeekStart(weekStart)) throw new WfmError("weekStart", "week");
  const weeks = Math.min(6, Math.max(1, opts.weeks ?? 2));
  const historyWeeks = Math.min(8, Math.max(0, opts.historyWeeks ?? 4));
  return asBureau(ctx, "wfm.read", async (trx) => {
    const [queue] = await queueRefs(trx, { queueIds: [queueId] });
    if (!queue) throw new NotFoundError("queue");
    const { priority: _priority, ...ref } = queue;
    const start = localToUtc(weekStart, 0, settings.timeZone);
    const end = localToUtc(addDays(weekStart, 7 * weeks), 0, settings.timeZone);
    const points = await forecastPoints(trx, [queueId], start, end);
    const intervalMinutes = (points[0]?.intervalMinutes ?? settings.intervalMinutes) as IntervalMinutes;
    const historyFrom = new Date(start.getTime() - historyWeeks * 7 * 86_400_000);
    const history = await historySeries(trx, ref, historyFrom, start, intervalMinutes);
    const adjustments = await adjustmentRows(trx, queueId, addDays(weekStart, -7 * historyWeeks), addDays(weekStart, 7 * weeks));
    const model = await trx.selectFrom("wfm_forecast_models").selectAll().where("queue_id", "=", queueId).executeTakeFirst();
    const holidays = new Set(await holidaysOf(trx, queue.tenantId));
    const days = new Map<string, { history: number | null; statistical: number | null; adjusted: number | null }>();
    const day = (d: string) => {
      let v = days.get(d);
      if (!v) days.set(d, (v = { history: null, statistical: null, adjusted: null }));
      return v;
    };
    for (const h of history) {
      const v = day(h.localDate);
      v.history = (v.history ?? 0) + h.contacts;
    }
    for (const p of points) {
      const v = day(p.localDate);
      v.statistical = (v.statistical ?? 0) + p.contacts;
      v.adjusted = (v.adjusted ?? 0) + p.adjustedContacts;
    }
    // Every local date of the history window appears, a closed day with 0.
    for (let d = addDays(weekStart, -7 * historyWeeks); d < weekStart; d = addDays(d, 1)) {
      const v = day(d);
      v.history ??= 0;
    }
    const modelJson = model?.model as ForecastSeriesView["model"] | undefined;
    return {
      queue: ref,
      intervalMinutes,
      run: model?.run_id ? { id: model.run_id, finishedAt: model.generated_at.toISOString() } : null,
      generatedAt: model?.generated_at.toISOString() ?? null,
      history: history.map((h) => ({ start: h.start.toISOString(), localDate: h.localDate, minuteOfDay: h.minuteOfDay, contacts: h.contacts, ahtSeconds: h.contacts > 0 ? h.handle / h.contacts : 0 })),
      forecast: points.map((p) => ({
        start: p.start.toISOString(),
        localDate: p.localDate,
        minuteOfDay: p.minuteOfDay,
        weekday: iranWeekday(p.localDate),
        dayType: p.dayType as "normal" | "holiday",
        basis: p.basis as ForecastSeriesView["forecast"][number]["basis"],
        statistical: { contacts: p.contacts, ahtSeconds: p.ahtSeconds },
        adjusted: { contacts: p.adjustedContacts, ahtSeconds: p.adjustedAhtSeconds },
        adjustments: p.adjustments,
      })),
      days: [...days.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([date, v]) => ({ date, weekday: iranWeekday(date), holiday: holidays.has(date), ...v })),
      adjustments: adjustments.map(adjustmentView),
      backtest: (model?.backtest ?? null) as BacktestView | null,
      model: modelJson ?? null,
    };
  });
}

export const adjustmentSchema = z
  .object({
    queueId: z.string().uuid(),
    date: z.string().regex(DATE_RE, "wfm:errors.date"),
    fromMinute: z.number().int().min(0).max(1439).optional(),
    toMinute: z.number().int().min(1).max(1440).optional(),
    contactsPercent: z.number().finite().min(-100).max(1000).default(0),
    ahtPercent: z.number().finite().min(-90).max(500).default(0),
    code: z.enum(ADJUSTMENT_CODES).default("manual"),
    note: z.string().trim().max(500).default(""),
  })
  .superRefine((v, ctx) => {
    if ((v.fromMinute === undefined) !== (v.toMinute === undefined) || (v.fromMinute !== undefined && v.toMinute! <= v.fromMinute)) {
      ctx.addIssue({ code: "custom", path: ["toMinute"], message: "wfm:errors.adjustmentMinutes" });
    }
  });

/** Re-applies every adjustment of the day to the queue's stored statistical figures of that day. */
async function reapplyDay(trx: Executor, tenantId: string, queueId: string, date: string) {
  const adjustments = (await adjustmentRows(trx, queueId, date, addDays(date, 1))).map(toEngineAdjustment);
  const rows = await trx
    .selectFrom("wfm_forecasts")
    .select(["interval_start", "minute_of_day", "contacts", "aht_seconds"])
    .where("tenant_id", "=", tenantId)
    .where("queue_id", "=", queueId)
    .where("local_date", "=", sql<Date>`${date}::date`)
    .execute();
  if (rows.length === 0) return;
  const next = rows.map((r) => ({ at: r.interval_start, ...applyAdjustments({ localDate: date, minuteOfDay: r.minute_of_day, statistical: { contacts: r.contacts, ahtSeconds: r.aht_seconds } }, adjustments) }));
  // One statement for the day's intervals (codes travel as a JSON array per row: text[][] cannot be ragged).
  await sql`
    update wfm_forecasts f set adjusted_contacts = v.contacts, adjusted_aht_seconds = v.aht,
      adjustments = array(select jsonb_array_elements_text(v.codes))
    from unnest(${next.map((n) => n.at)}::timestamptz[], ${next.map((n) => n.adjusted.contacts)}::float8[], ${next.map((n) => n.adjusted.ahtSeconds)}::float8[], ${next.map((n) => JSON.stringify(n.codes))}::jsonb[])
      as v(at, contacts, aht, codes)
    where f.tenant_id = ${tenantId} and f.queue_id = ${queueId} and f.interval_start = v.at`.execute(trx);
}

export async function addForecastAdjustment(ctx: BureauCtx, raw: unknown): Promise<ForecastAdjustmentView> {
  const parsed = adjustmentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "");
    throw new WfmError(issue.message.startsWith("wfm:errors.") ? issue.message.slice("wfm:errors.".length) : field.endsWith("Percent") ? "adjustmentRange" : "invalid", field);
  }
  const input = parsed.data;
  return asBureau(ctx, "wfm.manage", async (trx) => {
    const [queue] = await queueRefs(trx, { queueIds: [input.queueId] });
    if (!queue) throw new NotFoundError("queue");
    const row = await trx
      .insertInto("wfm_forecast_adjustments")
      .values({
        tenant_id: queue.tenantId,
        queue_id: input.queueId,
        day: input.date,
        from_minute: input.fromMinute ?? null,
        to_minute: input.toMinute ?? null,
        contacts_percent: input.contactsPercent,
        aht_percent: input.ahtPercent,
        code: input.code,
        note: input.note,
        created_by: ctx.actor.userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await reapplyDay(trx, queue.tenantId, input.queueId, input.date);
    // The tenant's own audit log: it is its queue's plan that changed.
    await recordAudit(trx, { tenantId: queue.tenantId, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.forecast.adjusted", target: { type: "queue", id: input.queueId }, data: { ...input } });
    const [created] = (await adjustmentRows(trx, input.queueId, input.date, addDays(input.date, 1))).filter((a) => a.id === row.id);
    return adjustmentView(created!);
  });
}

export async function removeForecastAdjustment(ctx: BureauCtx, adjustmentId: string): Promise<void> {
  await asBureau(ctx, "wfm.manage", async (trx) => {
    const row = await trx
      .deleteFrom("wfm_forecast_adjustments")
      .where("id", "=", adjustmentId)
      .returning(["tenant_id", "queue_id", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
      .executeTakeFirst();
    if (!row) throw new NotFoundError("adjustment");
    await reapplyDay(trx, row.tenant_id, row.queue_id, row.day);
    await recordAudit(trx, { tenantId: row.tenant_id, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.forecast.adjustment_removed", target: { type: "queue", id: row.queue_id }, data: { adjustmentId, day: row.day } });
  });
}
