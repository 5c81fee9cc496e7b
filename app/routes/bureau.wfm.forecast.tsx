import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CalendarPicker } from "~/components/calendar-picker";
import { CsrfInput, Field, FormErrors, Notice } from "~/components/forms";
import { RunsTable } from "~/components/wfm/runs";
import { ClockText, dayMonth, formatClock, formatClockRange, formatFigure, formatSeconds, formatShare, formatSignedPercent, fullDay, Stat, TimeChart, weekdayOf } from "~/components/wfm/wfm-ui";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { addForecastAdjustment, removeForecastAdjustment, startForecastRun } from "~/modules/wfm/forecast.server";
import { forecastPage } from "~/modules/wfm/pages.server";
import { wfmCall, wfmLoad } from "~/modules/wfm/pages-errors.server";
import { adjustmentSchema, forecastRunSchema } from "~/modules/wfm/pages-forms";
import { ADJUSTMENT_CODES } from "~/modules/wfm/views";

/**
 * The forecast of one queue: history against the statistical and the adjusted forecast by day and
 * by interval, the held-out week's error, the planner's adjustments (kept apart from the model) and
 * forecast runs. Reading needs "wfm.read"; adjusting and running "wfm.manage".
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.read");
  const url = new URL(request.url);
  const page = await wfmLoad(() => forecastPage(bureauCtx(auth, request), { queueId: url.searchParams.get("queue"), date: url.searchParams.get("date") }));
  return { ...page, canManage: can(auth.actor, "wfm.manage") };
}

type Reply = SubmissionResult<string[]>;
type ActionData = { intent: string; result?: Reply; notice?: string; error?: string };

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "wfm.manage");
  const ctx = bureauCtx(auth, request);
  const lang = (await i18nServer.getLocale(request)) as Language;
  const intent = String(formData.get("intent") ?? "");
  if (intent === "run") {
    const submission = parseWithZod(formData, { schema: forecastRunSchema });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    const done = await wfmCall(submission, () => startForecastRun(ctx, submission.value));
    return done.ok ? ({ intent, result: submission.reply({ resetForm: true }), notice: "runStarted" } satisfies ActionData) : ({ intent, result: done.reply } satisfies ActionData);
  }
  if (intent === "adjust") {
    const submission = parseWithZod(formData, { schema: adjustmentSchema(lang) });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    const done = await wfmCall(submission, () => addForecastAdjustment(ctx, submission.value), { fromMinute: "from", toMinute: "to" });
    return done.ok ? ({ intent, result: submission.reply({ resetForm: true }), notice: "adjustmentAdded" } satisfies ActionData) : ({ intent, result: done.reply } satisfies ActionData);
  }
  if (intent === "removeAdjustment") {
    const id = String(formData.get("id") ?? "");
    const done = await wfmCall(null, () => removeForecastAdjustment(ctx, id));
    return done.ok ? ({ intent, notice: "adjustmentRemoved" } satisfies ActionData) : ({ intent, error: done.message } satisfies ActionData);
  }
  return { intent, error: "validation:invalid" } satisfies ActionData;
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Series = NonNullable<Data["series"]>;

export default function ForecastTab() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const running = data.runs.some((r) => r.status === "queued" || r.status === "running");
  return (
    <div className="stack">
      {actionData?.notice ? <Notice>{t(`console.forecast.notice.${actionData.notice}`)}</Notice> : null}
      <FormErrors errors={actionData?.error ? [actionData.error] : null} />
      <QueuePicker />
      {!data.queue ? <p className="muted">{t("console.forecast.noQueues")}</p> : null}
      {data.queue && data.series ? (
        <>
          <p className="muted" data-testid="forecast-generated">
            {data.series.generatedAt ? t("console.forecast.generatedAt", { at: formatDateTime(data.series.generatedAt, lang) }) : t("console.forecast.never")}
          </p>
          <Backtest series={data.series} />
          <DaysFigure series={data.series} />
          <IntervalsFigure series={data.series} />
          <Adjustments series={data.series} queueId={data.queue.queueId} canManage={data.canManage} lastResult={actionData?.intent === "adjust" ? actionData.result : undefined} />
        </>
      ) : null}
      <section className="card stack" aria-labelledby="forecast-runs">
        <h2 id="forecast-runs">{t("console.forecast.runs.title")}</h2>
        {data.canManage ? <RunForecastForm lastResult={actionData?.intent === "run" ? actionData.result : undefined} /> : null}
        <RunsTable runs={data.runs} poll={running} />
      </section>
    </div>
  );
}

function QueuePicker() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const series = data.series;
  return (
    <Form method="get" className="wfm-toolbar" aria-label={t("console.forecast.pick")}>
      <div className="field">
        <label htmlFor="forecast-queue">{t("console.common.queue")}</label>
        <select id="forecast-queue" name="queue" defaultValue={data.queue?.queueId}>
          {data.queues.map((q) => (
            <option key={q.queueId} value={q.queueId}>
              {q.tenantName} › {q.queueName}
            </option>
          ))}
        </select>
      </div>
      {series && series.forecastDates.length > 0 ? (
        <div className="field">
          <label htmlFor="forecast-date">{t("console.forecast.day")}</label>
          <select id="forecast-date" name="date" defaultValue={series.date ?? undefined}>
            {series.forecastDates.map((d) => (
              <option key={d} value={d}>
                {weekdayOf(d, lang)} {fullDay(d, lang)}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div>
        <button type="submit" className="button button--ghost">
          {t("console.common.show")}
        </button>
      </div>
    </Form>
  );
}

function Backtest({ series }: { series: Series }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const b = series.backtest;
  return (
    <section aria-labelledby="backtest-title" className="stack">
      <h2 id="backtest-title">{t("console.forecast.backtest.title")}</h2>
      {b ? (
        <>
          <p className="field-hint">{t("console.forecast.backtest.explain", { week: fullDay(b.heldOutWeekStart.slice(0, 10), lang) })}</p>
          <div className="wfm-stats" data-testid="backtest">
            <Stat label={t("console.forecast.backtest.mape")} value={formatShare(b.mape, lang)} hint={t("console.forecast.backtest.mapeHint")} testId="backtest-mape" />
            <Stat label={t("console.forecast.backtest.wape")} value={formatShare(b.wape, lang)} hint={t("console.forecast.backtest.wapeHint")} testId="backtest-wape" />
            <Stat label={t("console.forecast.backtest.dailyWape")} value={formatShare(b.dailyWape, lang)} />
            <Stat label={t("console.forecast.backtest.bias")} value={formatShare(b.bias, lang)} hint={t("console.forecast.backtest.biasHint")} />
            <Stat label={t("console.forecast.backtest.ahtWape")} value={formatShare(b.ahtWape, lang)} />
          </div>
        </>
      ) : (
        <p className="muted">{t("console.forecast.backtest.none")}</p>
      )}
      {series.model && series.model.warnings.length > 0 ? (
        <ul className="alert alert--warning" data-testid="forecast-warnings">
          {series.model.warnings.map((w) => (
            <li key={w}>{t(`console.forecast.warnings.${w}`)}</li>
          ))}
        </ul>
      ) : null}
      {/* A signed figure inside a sentence: isolated (FSI…PDI) so its sign stays next to its digits in Persian. */}
      {series.model ? <p className="field-hint">{t("console.forecast.trend", { trend: `\u2068${formatShare(series.model.trendPerWeek, lang)}\u2069` })}</p> : null}
    </section>
  );
}

function DaysFigure({ series }: { series: Series }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const rows = series.days.map((d) => ({ date: d.date, history: d.history, statistical: d.statistical, adjusted: d.adjusted }));
  return (
    <TimeChart
      testId="forecast-days"
      title={t("console.forecast.daysTitle")}
      data={rows}
      xKey="date"
      series={[
        { key: "history", label: t("console.forecast.history") },
        { key: "statistical", label: t("console.forecast.statistical"), dashed: true },
        { key: "adjusted", label: t("console.forecast.adjusted") },
      ]}
      formatX={(v) => dayMonth(v, lang)}
      formatValue={(v) => formatFigure(v, lang, 0)}
      summary={
        <details>
          <summary>{t("console.common.showTable")}</summary>
          <div className="table-wrap">
            <table data-testid="forecast-days-table">
              <caption className="visually-hidden">{t("console.forecast.daysTitle")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("console.common.date")}</th>
                  <th scope="col" className="num">
                    {t("console.forecast.history")}
                  </th>
                  <th scope="col" className="num">
                    {t("console.forecast.statistical")}
                  </th>
                  <th scope="col" className="num">
                    {t("console.forecast.adjusted")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {series.days.map((d) => (
                  <tr key={d.date} data-special={d.holiday ? "true" : undefined}>
                    <th scope="row">
                      {weekdayOf(d.date, lang)} {dayMonth(d.date, lang)}
                      {d.holiday ? ` (${t("console.common.holiday")})` : ""}
                    </th>
                    <td className="num">{formatFigure(d.history, lang, 0)}</td>
                    <td className="num">{formatFigure(d.statistical, lang, 0)}</td>
                    <td className="num">{formatFigure(d.adjusted, lang, 0)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      }
    />
  );
}

function IntervalsFigure({ series }: { series: Series }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  if (!series.date) return null;
  const rows = series.intervals.map((r) => ({ minute: String(r.minute), history: r.history, statistical: r.statistical, adjusted: r.adjusted }));
  const title = t("console.forecast.intervalsTitle", { day: `${weekdayOf(series.date, lang)} ${fullDay(series.date, lang)}` });
  return (
    <TimeChart
      testId="forecast-intervals"
      title={title}
      data={rows}
      xKey="minute"
      series={[
        { key: "history", label: series.historyDate ? t("console.forecast.historyOf", { day: dayMonth(series.historyDate, lang) }) : t("console.forecast.history") },
        { key: "statistical", label: t("console.forecast.statistical"), dashed: true },
        { key: "adjusted", label: t("console.forecast.adjusted") },
      ]}
      formatX={(v) => formatClock(Number(v), lang)}
      formatValue={(v) => formatFigure(v, lang, 1)}
      summary={
        <>
          {series.dayType && series.dayType !== "normal" ? <p className="field-hint">{t("console.forecast.specialDay", { basis: t(`console.forecast.basis.${series.basis ?? "none"}`) })}</p> : null}
          <details>
            <summary>{t("console.common.showTable")}</summary>
            <div className="table-wrap">
              <table data-testid="forecast-intervals-table">
                <caption className="visually-hidden">{title}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("console.common.interval")}</th>
                    <th scope="col" className="num">
                      {t("console.forecast.history")}
                    </th>
                    <th scope="col" className="num">
                      {t("console.forecast.statistical")}
                    </th>
                    <th scope="col" className="num">
                      {t("console.forecast.adjusted")}
                    </th>
                    <th scope="col" className="num">
                      {t("console.forecast.ahtStatistical")}
                    </th>
                    <th scope="col" className="num">
                      {t("console.forecast.ahtAdjusted")}
                    </th>
                    <th scope="col">{t("console.forecast.adjustmentsApplied")}</th>
                  </tr>
                </thead>
                <tbody>
                  {series.intervals.map((r) => (
                    <tr key={r.minute}>
                      <th scope="row">
                        <bdi>{formatClock(r.minute, lang)}</bdi>
                      </th>
                      <td className="num">{formatFigure(r.history, lang)}</td>
                      <td className="num">{formatFigure(r.statistical, lang)}</td>
                      <td className="num">{formatFigure(r.adjusted, lang)}</td>
                      <td className="num">{formatSeconds(r.statisticalAht, lang)}</td>
                      <td className="num">{formatSeconds(r.adjustedAht, lang)}</td>
                      <td>{r.adjustments.map((c) => t(`adjustments.codes.${c}`, { defaultValue: c })).join(lang === "fa" ? "، " : ", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      }
    />
  );
}

function Adjustments({ series, queueId, canManage, lastResult }: { series: Series; queueId: string; canManage: boolean; lastResult: Reply | undefined }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  return (
    <section className="card stack" aria-labelledby="adjustments-title">
      <h2 id="adjustments-title">{t("console.forecast.adjustments.title")}</h2>
      <p className="field-hint">{t("console.forecast.adjustments.explain")}</p>
      {series.adjustments.length === 0 ? (
        <p className="muted">{t("console.forecast.adjustments.none")}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="adjustments">
            <thead>
              <tr>
                <th scope="col">{t("console.common.date")}</th>
                <th scope="col">{t("console.forecast.adjustments.when")}</th>
                <th scope="col" className="num">
                  {t("console.forecast.adjustments.contacts")}
                </th>
                <th scope="col" className="num">
                  {t("console.forecast.adjustments.aht")}
                </th>
                <th scope="col">{t("console.forecast.adjustments.code")}</th>
                <th scope="col">{t("console.forecast.adjustments.note")}</th>
                {canManage ? (
                  <th scope="col">
                    <span className="visually-hidden">{t("console.forecast.adjustments.remove")}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {series.adjustments.map((a) => (
                <tr key={a.id}>
                  <th scope="row">
                    {weekdayOf(a.date, lang)} {fullDay(a.date, lang)}
                  </th>
                  <td>
                    {a.fromMinute === null || a.toMinute === null ? t("console.forecast.adjustments.wholeDay") : <ClockText lang={lang} text={formatClockRange(a.fromMinute, a.toMinute, lang)} />}
                  </td>
                  <td className="num">
                    <bdi>{formatSignedPercent(a.contactsPercent, lang)}</bdi>
                  </td>
                  <td className="num">
                    <bdi>{formatSignedPercent(a.ahtPercent, lang)}</bdi>
                  </td>
                  <td>{t(`adjustments.codes.${a.code}`)}</td>
                  <td>
                    {a.note}
                    {a.createdByName ? <span className="muted"> · {a.createdByName}</span> : null}
                  </td>
                  {canManage ? (
                    <td>
                      <Form method="post" className="inline-form" preventScrollReset>
                        <CsrfInput />
                        <input type="hidden" name="intent" value="removeAdjustment" />
                        <input type="hidden" name="id" value={a.id} />
                        <button type="submit" className="button button--ghost button--small" aria-label={t("console.forecast.adjustments.removeLabel", { date: fullDay(a.date, lang) })}>
                          {t("console.forecast.adjustments.remove")}
                        </button>
                      </Form>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage ? <AdjustmentForm queueId={queueId} defaultDate={series.date} lastResult={lastResult} /> : null}
    </section>
  );
}

function AdjustmentForm({ queueId, defaultDate, lastResult }: { queueId: string; defaultDate: string | null; lastResult: Reply | undefined }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const navigation = useNavigation();
  const schema = adjustmentSchema(lang);
  const [form, fields] = useForm({
    id: `adjust-${queueId}`,
    lastResult,
    defaultValue: { queueId, scope: "day", contactsPercent: "", ahtPercent: "", code: "manual" },
    constraint: getZodConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const scope = String(fields.scope.value ?? "day");
  const { key: _codeKey, ...codeProps } = getSelectProps(fields.code);
  const { key: _noteKey, ...noteProps } = getTextareaProps(fields.note);
  return (
    <Form method="post" className="form form--wide" {...getFormProps(form)} preventScrollReset>
      <h3>{t("console.forecast.adjustments.add")}</h3>
      <CsrfInput />
      <input type="hidden" name="intent" value="adjust" />
      <input {...getInputProps(fields.queueId, { type: "hidden" })} key={fields.queueId.key} />
      <FormErrors errors={form.errors} />
      <div className="form-row">
        <Field label={t("console.common.date")} htmlFor={fields.date.id} errors={fields.date.errors} errorId={fields.date.errorId}>
          <CalendarPicker lang={lang} name={fields.date.name} id={fields.date.id} value={defaultDate} invalid={!!fields.date.errors} describedBy={fields.date.errors ? fields.date.errorId : undefined} />
        </Field>
        <fieldset className="scope-list">
          <legend>{t("console.forecast.adjustments.when")}</legend>
          <label className="checkbox">
            <input type="radio" name={fields.scope.name} value="day" defaultChecked={fields.scope.initialValue !== "range"} />
            {t("console.forecast.adjustments.wholeDay")}
          </label>
          <label className="checkbox">
            <input type="radio" name={fields.scope.name} value="range" defaultChecked={fields.scope.initialValue === "range"} />
            {t("console.forecast.adjustments.timeRange")}
          </label>
        </fieldset>
      </div>
      {scope === "range" ? (
        <div className="form-row">
          <Field label={t("console.common.from")} htmlFor={fields.from.id} errors={fields.from.errors} errorId={fields.from.errorId}>
            <input {...getInputProps(fields.from, { type: "text" })} key={fields.from.key} inputMode="numeric" placeholder="09:00" dir="ltr" />
          </Field>
          <Field label={t("console.common.to")} htmlFor={fields.to.id} errors={fields.to.errors} errorId={fields.to.errorId}>
            <input {...getInputProps(fields.to, { type: "text" })} key={fields.to.key} inputMode="numeric" placeholder="12:00" dir="ltr" />
          </Field>
        </div>
      ) : null}
      <div className="form-row">
        <Field label={t("console.forecast.adjustments.contacts")} hint={t("console.forecast.adjustments.percentHint")} htmlFor={fields.contactsPercent.id} errors={fields.contactsPercent.errors} errorId={fields.contactsPercent.errorId}>
          <input {...getInputProps(fields.contactsPercent, { type: "text" })} key={fields.contactsPercent.key} inputMode="decimal" dir="ltr" placeholder="+20" />
        </Field>
        <Field label={t("console.forecast.adjustments.aht")} hint={t("console.forecast.adjustments.percentHint")} htmlFor={fields.ahtPercent.id} errors={fields.ahtPercent.errors} errorId={fields.ahtPercent.errorId}>
          <input {...getInputProps(fields.ahtPercent, { type: "text" })} key={fields.ahtPercent.key} inputMode="decimal" dir="ltr" placeholder="-10" />
        </Field>
        <Field label={t("console.forecast.adjustments.code")} htmlFor={fields.code.id} errors={fields.code.errors} errorId={fields.code.errorId}>
          <select {...codeProps}>
            {ADJUSTMENT_CODES.map((c) => (
              <option key={c} value={c}>
                {t(`adjustments.codes.${c}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label={t("console.forecast.adjustments.note")} htmlFor={fields.note.id} errors={fields.note.errors} errorId={fields.note.errorId}>
        <textarea {...noteProps} rows={2} />
      </Field>
      <div>
        <button type="submit" className="button" disabled={navigation.state !== "idle"}>
          {t("console.forecast.adjustments.save")}
        </button>
      </div>
    </Form>
  );
}

function RunForecastForm({ lastResult }: { lastResult: Reply | undefined }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "forecast-run",
    lastResult,
    defaultValue: { weeks: "2", intervalMinutes: String(data.series?.intervalMinutes ?? 30) },
    constraint: getZodConstraint(forecastRunSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forecastRunSchema }),
  });
  const { key: _wk, ...weeksProps } = getSelectProps(fields.weeks);
  const { key: _ik, ...intervalProps } = getSelectProps(fields.intervalMinutes);
  return (
    <Form method="post" className="wfm-toolbar" {...getFormProps(form)}>
      <CsrfInput />
      <input type="hidden" name="intent" value="run" />
      <FormErrors errors={form.errors} />
      <Field label={t("console.forecast.runs.weeks")} htmlFor={fields.weeks.id} errors={fields.weeks.errors} errorId={fields.weeks.errorId}>
        <select {...weeksProps}>
          {[1, 2, 3, 4, 5, 6].map((w) => (
            <option key={w} value={w}>
              {t("console.forecast.runs.weeksValue", { count: w, n: formatFigure(w, lang) })}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("console.forecast.runs.interval")} htmlFor={fields.intervalMinutes.id} errors={fields.intervalMinutes.errors} errorId={fields.intervalMinutes.errorId}>
        <select {...intervalProps}>
          {[15, 30].map((m) => (
            <option key={m} value={m}>
              {t("console.common.minutes", { count: m, n: formatFigure(m, lang) })}
            </option>
          ))}
        </select>
      </Field>
      <div>
        <button type="submit" className="button" disabled={navigation.state !== "idle"}>
          {t("console.forecast.runs.start")}
        </button>
      </div>
    </Form>
  );
}
