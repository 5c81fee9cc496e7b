import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { calendarPickerLinks, CalendarPicker } from "~/components/calendar-picker";
import { CsrfInput, Field, FormErrors, Notice } from "~/components/forms";
import { titleMeta } from "~/components/meta";
import { WeekPager } from "~/components/wfm/figures";
import { LeaveWhen, RequestStatusBadge, ShiftLabel } from "~/components/wfm/requests";
import { RosterGrid, ShiftTimes } from "~/components/wfm/roster-grid";
import { ganttShifts } from "~/components/wfm/roster-ui";
import { ClockText, formatClockRange, formatHours, weekDays, weekTitle, wfmLinks } from "~/components/wfm/wfm-ui";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { cancelLeave, cancelSwap, requestLeave, requestSwap, respondSwap } from "~/modules/wfm/leave.server";
import { weekParam } from "~/modules/wfm/pages.server";
import { wfmCall } from "~/modules/wfm/pages-errors.server";
import { leaveRequestSchema, swapRequestSchema } from "~/modules/wfm/pages-forms";
import { WfmError } from "~/modules/wfm/errors";
import { mySchedule } from "~/modules/wfm/schedule.server";
import { addDays } from "~/modules/wfm/time";
import { LEAVE_KINDS, type MyScheduleView } from "~/modules/wfm/views";

export const links: LinksFunction = () => [...calendarPickerLinks(), ...wfmLinks()];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

/**
 * The agent's own week from the published roster (a draft is never shown), the weeks around it, the
 * calendar download, leave requests (whole days or hours) and shift swaps with colleagues, and the
 * agent's requests with their status.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.schedule.own");
  const { t } = await getT(request, "wfm");
  const raw = new URL(request.url).searchParams.get("week");
  try {
    // Without a week the backend picks this week in the bureau's zone.
    const view = await mySchedule(bureauCtx(auth, request), raw ? weekParam(raw) : undefined);
    return { title: t("agent.title"), view, error: null };
  } catch (error) {
    // A team leader without an agent profile has no schedule: say so instead of failing.
    if (error instanceof WfmError) return { title: t("agent.title"), view: null, error: error.messageKey };
    throw error;
  }
}

type Reply = SubmissionResult<string[]>;
type ActionData = { intent: string; result?: Reply; notice?: string; error?: string };

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "wfm.schedule.own");
  const ctx = bureauCtx(auth, request);
  const { lng } = await getT(request, "wfm");
  const intent = String(formData.get("intent") ?? "");
  const id = String(formData.get("id") ?? "");
  if (intent === "leave") {
    const submission = parseWithZod(formData, { schema: leaveRequestSchema(lng) });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    const done = await wfmCall(submission, () => requestLeave(ctx, submission.value), { fromMinute: "from", toMinute: "to" });
    return (done.ok ? { intent, result: submission.reply({ resetForm: true }), notice: "leaveRequested" } : { intent, result: done.reply }) satisfies ActionData;
  }
  if (intent === "swap") {
    const submission = parseWithZod(formData, { schema: swapRequestSchema });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    const done = await wfmCall(submission, () => requestSwap(ctx, submission.value), { colleagueShiftId: "target", colleagueId: "target" });
    return (done.ok ? { intent, result: submission.reply({ resetForm: true }), notice: "swapRequested" } : { intent, result: done.reply }) satisfies ActionData;
  }
  const small: Record<string, () => Promise<unknown>> = {
    cancelLeave: () => cancelLeave(ctx, id),
    cancelSwap: () => cancelSwap(ctx, id),
    acceptSwap: () => respondSwap(ctx, id, true),
    declineSwap: () => respondSwap(ctx, id, false),
  };
  const run = small[intent];
  if (!run) return { intent, error: "validation:invalid" } satisfies ActionData;
  const done = await wfmCall(null, run);
  return (done.ok ? { intent, notice: intent } : { intent, error: done.message }) satisfies ActionData;
}

export default function MySchedulePage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  if (!data.view) {
    return (
      <div className="stack">
        <h1>{t("agent.title")}</h1>
        <FormErrors errors={data.error ? [data.error] : null} />
      </div>
    );
  }
  return <MySchedule view={data.view} />;
}

function MySchedule({ view }: { view: MyScheduleView }) {
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const href = (week: string) => `/agent/schedule?week=${week}`;
  return (
    <div className="stack">
      <header className="page-header">
        <div>
          <p className="muted" style={{ margin: 0 }}>
            <Link to="/agent">{t("agent.backToDesktop")}</Link>
          </p>
          <h1>{t("agent.title")}</h1>
        </div>
        <ul className="wfm-choice" aria-label={t("agent.calendar")}>
          <li>
            {/* The session's download; the tokened feed below is what a calendar app subscribes to. */}
            <a href={view.feedPath} download data-testid="ical-download">
              {t("agent.download")}
            </a>
          </li>
          <li>
            <a href={view.icalPath} data-testid="ical-feed">
              {t("agent.subscribe")}
            </a>
          </li>
        </ul>
      </header>
      {actionData?.notice ? <Notice>{t(`agent.notice.${actionData.notice}`)}</Notice> : null}
      <FormErrors errors={actionData?.error ? [actionData.error] : null} />
      <WeekPager title={weekTitle(view.weekStart, lang)} prevHref={href(addDays(view.weekStart, -7))} nextHref={href(addDays(view.weekStart, 7))} thisWeekHref="/agent/schedule" />
      {view.published ? (
        <p className="muted" data-testid="schedule-published">
          {t("agent.published", { at: view.publishedAt ? formatDateTime(view.publishedAt, lang) : "", hours: formatHours(view.paidMinutes, lang) })}
        </p>
      ) : (
        <p className="alert alert--info" data-testid="schedule-unpublished">
          {t("agent.notPublished")}
        </p>
      )}
      <Week view={view} />
      <div className="wfm-columns">
        <LeaveForm view={view} lastResult={actionData?.intent === "leave" ? actionData.result : undefined} />
        <SwapForm view={view} lastResult={actionData?.intent === "swap" ? actionData.result : undefined} />
      </div>
      <MyRequests view={view} />
    </div>
  );
}

/** Whole days and hours of approved leave in the week, as the grid marks them. */
function leaveMarks(view: MyScheduleView) {
  const leaveDays: number[] = [];
  const leaveWindows: { day: number; fromMinute: number; toMinute: number }[] = [];
  for (const r of view.leave) {
    if (r.status !== "approved") continue;
    for (let d = 0; d < 7; d++) {
      const date = addDays(view.weekStart, d);
      if (date < r.fromDate || date > r.toDate) continue;
      if (r.fromMinute !== null && r.toMinute !== null) leaveWindows.push({ day: d, fromMinute: r.fromMinute, toMinute: r.toMinute });
      else leaveDays.push(d);
    }
  }
  return { leaveDays, leaveWindows };
}

function Week({ view }: { view: MyScheduleView }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const days = weekDays(view.weekStart, lang);
  const marks = leaveMarks(view);
  const holiday = new Set(view.days.filter((d) => d.holiday).map((d) => d.day));
  return (
    <section className="stack" aria-labelledby="my-week">
      <h2 id="my-week" className="visually-hidden">
        {t("agent.weekTitle")}
      </h2>
      <RosterGrid
        testId="my-week-grid"
        weekStart={view.weekStart}
        agents={[{ id: view.agentId, name: t("agent.me"), ...marks, paidMinutes: view.paidMinutes }]}
        shifts={ganttShifts(view.shifts)}
        caption={t("agent.gridCaption", { week: weekTitle(view.weekStart, lang) })}
      />
      <ol className="wfm-days" data-testid="my-days">
        {days.map((d) => {
          const shift = view.shifts.find((s) => s.day === d.day);
          const leave = marks.leaveDays.includes(d.day);
          return (
            <li key={d.day} data-day={d.day} data-date={d.date} className="card">
              <h3>
                {d.weekday} <span className="muted">{d.label}</span>
                {holiday.has(d.day) ? <span className="badge"> {t("console.common.holiday")}</span> : null}
              </h3>
              {leave ? <p className="wfm-mark wfm-mark--leave">{t("console.grid.leave")}</p> : null}
              {shift ? (
                <>
                  <p>
                    <ShiftTimes shift={shift} lang={lang} /> · {shift.templateName}
                    {shift.night ? <span className="wfm-mark wfm-mark--night"> {t("console.grid.night")}</span> : null}
                  </p>
                  {shift.breaks.length > 0 ? (
                    <ul className="wfm-refusals">
                      {shift.breaks.map((b, i) => (
                        <li key={i}>
                          {t(`console.grid.breakKinds.${b.kind}`)} <ClockText lang={lang} text={formatClockRange(b.start, b.end, lang)} />
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </>
              ) : !leave ? (
                <p className="muted">{t("console.grid.off")}</p>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

function LeaveForm({ view, lastResult }: { view: MyScheduleView; lastResult: Reply | undefined }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const navigation = useNavigation();
  const schema = leaveRequestSchema(lang as Language);
  const [form, fields] = useForm({
    id: "leave-request",
    lastResult,
    defaultValue: { kind: "annual", span: "days" },
    constraint: getZodConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const span = String(fields.span.value ?? "days");
  const { key: _kindKey, ...kindProps } = getSelectProps(fields.kind);
  const { key: _reasonKey, ...reasonProps } = getTextareaProps(fields.reason);
  const day = (f: typeof fields.fromDate, label: string) => (
    <Field label={label} htmlFor={f.id} errors={f.errors} errorId={f.errorId}>
      <CalendarPicker lang={lang} name={f.name} id={f.id} invalid={!!f.errors} describedBy={f.errors ? f.errorId : undefined} timeZone={view.timeZone} />
    </Field>
  );
  return (
    <section className="card stack" aria-labelledby="leave-form">
      <h2 id="leave-form">{t("agent.leave.title")}</h2>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="leave" />
        <FormErrors errors={form.errors} />
        <Field label={t("agent.leave.kind")} htmlFor={fields.kind.id} errors={fields.kind.errors} errorId={fields.kind.errorId}>
          <select {...kindProps}>
            {LEAVE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`leave.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="scope-list">
          <legend>{t("agent.leave.span")}</legend>
          <label className="checkbox">
            <input type="radio" name={fields.span.name} value="days" defaultChecked={fields.span.initialValue !== "hours"} />
            {t("agent.leave.days")}
          </label>
          <label className="checkbox">
            <input type="radio" name={fields.span.name} value="hours" defaultChecked={fields.span.initialValue === "hours"} />
            {t("agent.leave.hours")}
          </label>
        </fieldset>
        {day(fields.fromDate, span === "hours" ? t("agent.leave.day") : t("agent.leave.fromDate"))}
        {span === "hours" ? (
          <div className="form-row">
            <Field label={t("console.common.from")} htmlFor={fields.from.id} errors={fields.from.errors} errorId={fields.from.errorId}>
              <input {...getInputProps(fields.from, { type: "text" })} key={fields.from.key} inputMode="numeric" placeholder="10:00" dir="ltr" />
            </Field>
            <Field label={t("console.common.to")} htmlFor={fields.to.id} errors={fields.to.errors} errorId={fields.to.errorId}>
              <input {...getInputProps(fields.to, { type: "text" })} key={fields.to.key} inputMode="numeric" placeholder="12:00" dir="ltr" />
            </Field>
          </div>
        ) : (
          day(fields.toDate, t("agent.leave.toDate"))
        )}
        <Field label={t("agent.leave.reason")} htmlFor={fields.reason.id} errors={fields.reason.errors} errorId={fields.reason.errorId}>
          <textarea {...reasonProps} rows={2} />
        </Field>
        <div>
          <button type="submit" className="button" disabled={navigation.state !== "idle"}>
            {t("agent.leave.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function SwapForm({ view, lastResult }: { view: MyScheduleView; lastResult: Reply | undefined }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const navigation = useNavigation();
  const days = weekDays(view.weekStart, lang);
  const [form, fields] = useForm({
    id: "swap-request",
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: swapRequestSchema }),
  });
  const colleagues = [...new Map(view.swapCandidates.map((c) => [c.agentId, c.agentName])).entries()];
  const { key: _shiftKey, ...shiftProps } = getSelectProps(fields.shiftId);
  const { key: _targetKey, ...targetProps } = getSelectProps(fields.target);
  const { key: _reasonKey, ...reasonProps } = getTextareaProps(fields.reason);
  const time = (s: { segments: { start: number; end: number }[] }) => formatClockRange(s.segments[0]!.start, s.segments[s.segments.length - 1]!.end, lang);
  return (
    <section className="card stack" aria-labelledby="swap-form">
      <h2 id="swap-form">{t("agent.swap.title")}</h2>
      {view.shifts.length === 0 || !view.published ? (
        <p className="muted">{t("agent.swap.nothing")}</p>
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <CsrfInput />
          <input type="hidden" name="intent" value="swap" />
          <FormErrors errors={form.errors} />
          <Field label={t("agent.swap.myShift")} htmlFor={fields.shiftId.id} errors={fields.shiftId.errors} errorId={fields.shiftId.errorId}>
            <select {...shiftProps} defaultValue="">
              <option value="">{t("console.common.choose")}</option>
              {view.shifts.map((s) => (
                <option key={s.id} value={s.id}>
                  {days[s.day]?.weekday} {days[s.day]?.label} {time(s)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("agent.swap.with")} htmlFor={fields.target.id} errors={fields.target.errors} errorId={fields.target.errorId}>
            <select {...targetProps} defaultValue="">
              <option value="">{t("console.common.choose")}</option>
              <optgroup label={t("agent.swap.swapWith")}>
                {view.swapCandidates.map((c) => (
                  <option key={c.shift.id} value={`swap:${c.shift.id}`}>
                    {c.agentName} · {days[c.shift.day]?.weekday} {time(c.shift)}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t("agent.swap.giveTo")}>
                {colleagues.map(([id, name]) => (
                  <option key={id} value={`give:${id}`}>
                    {name}
                  </option>
                ))}
              </optgroup>
            </select>
          </Field>
          <Field label={t("agent.leave.reason")} htmlFor={fields.reason.id} errors={fields.reason.errors} errorId={fields.reason.errorId}>
            <textarea {...reasonProps} rows={2} />
          </Field>
          <p className="field-hint">{t("agent.swap.explain")}</p>
          <div>
            <button type="submit" className="button" disabled={navigation.state !== "idle"}>
              {t("agent.swap.submit")}
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}

function RowButton({ intent, id, label }: { intent: string; id: string; label: string }) {
  return (
    <Form method="post" className="inline-form" preventScrollReset>
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="button button--ghost button--small">
        {label}
      </button>
    </Form>
  );
}

function MyRequests({ view }: { view: MyScheduleView }) {
  const { t } = useTranslation("wfm");
  const mine = view.swaps.filter((s) => s.requesterId === view.agentId);
  const askedOfMe = view.swaps.filter((s) => s.colleagueId === view.agentId);
  return (
    <section className="stack" aria-labelledby="my-requests">
      <h2 id="my-requests">{t("agent.requests.title")}</h2>
      {view.leave.length === 0 && view.swaps.length === 0 ? <p className="muted">{t("agent.requests.none")}</p> : null}
      {view.leave.length > 0 ? (
        <div className="table-wrap">
          <table className="wfm-requests" data-testid="my-leave">
            <caption className="visually-hidden">{t("agent.requests.leave")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("console.leave.when")}</th>
                <th scope="col">{t("console.leave.kind")}</th>
                <th scope="col">{t("agent.leave.reason")}</th>
                <th scope="col">{t("console.leave.status")}</th>
                <th scope="col">{t("console.leave.decision")}</th>
              </tr>
            </thead>
            <tbody>
              {view.leave.map((r) => (
                <tr key={r.id} data-request={r.id}>
                  <th scope="row">
                    <LeaveWhen request={r} />
                  </th>
                  <td>{t(`leave.kinds.${r.kind}`)}</td>
                  <td>{r.reason}</td>
                  <td>
                    <RequestStatusBadge status={r.status} />
                  </td>
                  <td>{r.status === "pending" ? <RowButton intent="cancelLeave" id={r.id} label={t("agent.requests.cancel")} /> : (r.decisionReason ?? "")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {mine.length + askedOfMe.length > 0 ? (
        <div className="table-wrap">
          <table className="wfm-requests" data-testid="my-swaps">
            <caption className="visually-hidden">{t("agent.requests.swaps")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("agent.swap.myShift")}</th>
                <th scope="col">{t("console.leave.colleague")}</th>
                <th scope="col">{t("console.leave.takes")}</th>
                <th scope="col">{t("console.leave.status")}</th>
                <th scope="col">
                  <span className="visually-hidden">{t("agent.requests.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.map((s) => (
                <tr key={s.id} data-request={s.id}>
                  <th scope="row">
                    <ShiftLabel shift={s.shift} />
                  </th>
                  <td>
                    {s.colleagueName}
                    <p className="muted">{s.colleagueAcceptedAt ? t("console.leave.accepted") : t("console.leave.notAccepted")}</p>
                  </td>
                  <td>{s.colleagueShift ? <ShiftLabel shift={s.colleagueShift} /> : <span className="muted">{t("console.leave.takeOver")}</span>}</td>
                  <td>
                    <RequestStatusBadge status={s.status} />
                  </td>
                  <td>{s.status === "pending" ? <RowButton intent="cancelSwap" id={s.id} label={t("agent.requests.cancel")} /> : (s.decisionReason ?? "")}</td>
                </tr>
              ))}
              {askedOfMe.map((s) => (
                <tr key={s.id} data-request={s.id} data-asked="true">
                  <th scope="row">{s.colleagueShift ? <ShiftLabel shift={s.colleagueShift} /> : <span className="muted">{t("agent.swap.noneInReturn")}</span>}</th>
                  <td>
                    {t("agent.swap.askedBy", { name: s.requesterName })}
                  </td>
                  <td>
                    <ShiftLabel shift={s.shift} />
                  </td>
                  <td>
                    <RequestStatusBadge status={s.status} />
                  </td>
                  <td>
                    {s.status === "pending" && !s.colleagueAcceptedAt ? (
                      <>
                        <RowButton intent="acceptSwap" id={s.id} label={t("agent.swap.accept")} />
                        <RowButton intent="declineSwap" id={s.id} label={t("agent.swap.decline")} />
                      </>
                    ) : s.colleagueAcceptedAt && s.status === "pending" ? (
                      <span className="muted">{t("agent.swap.waitingPlanner")}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
