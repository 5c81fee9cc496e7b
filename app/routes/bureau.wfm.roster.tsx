import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, Field, FormErrors, Notice } from "~/components/forms";
import { DayChoice, WeekPager } from "~/components/wfm/figures";
import { RosterGrid } from "~/components/wfm/roster-grid";
import { allShifts, CoverageFigure, EDIT_FETCHER, EditPanel, ganttAgents, ganttShifts, PublishForm, RosterReport, withPreview, type EditActionData } from "~/components/wfm/roster-ui";
import { RunsTable } from "~/components/wfm/runs";
import { formatFigure, formatShare, weekDays, weekTitle } from "~/components/wfm/wfm-ui";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { isUuid } from "~/modules/bureau/http.server";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { coverageDay, dayParam, rosterPage, todayIn } from "~/modules/wfm/pages.server";
import { wfmCall, wfmLoad } from "~/modules/wfm/pages-errors.server";
import { rosterEditSchema, rosterGenerateSchema } from "~/modules/wfm/pages-forms";
import { editRoster, publishRoster, startRosterRun } from "~/modules/wfm/roster.server";
import { addDays } from "~/modules/wfm/time";

/**
 * The roster of a week: generate it (a job with its phases and percent), its report, the week grid
 * per agent, coverage against requirement per interval, hand edits with live feedback, publish.
 * Reading needs "wfm.read"; generating, editing and publishing "wfm.manage".
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.read");
  const url = new URL(request.url);
  const rosterId = url.searchParams.get("roster");
  if (rosterId !== null && !isUuid(rosterId)) notFound();
  const page = await wfmLoad(() => rosterPage(bureauCtx(auth, request), { week: url.searchParams.get("week"), rosterId }));
  const { view, ...rest } = page;
  const queueParam = url.searchParams.get("queue");
  const queue = view?.queues.find((q) => q.queueId === queueParam)?.queueId ?? null;
  const day = dayParam(url.searchParams.get("day"), page.weekStart, todayIn(page.settings.timeZone));
  const { coverage, ...week } = view ?? { coverage: null };
  return {
    ...rest,
    view: view ? (week as Omit<NonNullable<typeof view>, "coverage">) : null,
    coverage: view && coverage ? coverageDay(coverage, queue, day, view.intervalMinutes) : null,
    queue,
    day,
    canManage: can(auth.actor, "wfm.manage"),
  };
}

// A preview changes nothing stored: the page keeps its data (and the fetcher its answer).
export const shouldRevalidate: ShouldRevalidateFunction = ({ formData, defaultShouldRevalidate }) =>
  formData?.get("intent") === "edit" && formData.get("mode") === "preview" ? false : defaultShouldRevalidate;

type ActionData = { intent: "generate" | "publish"; result?: SubmissionResult<string[]>; notice?: string; params?: Record<string, string>; error?: string } | EditActionData;

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "wfm.manage");
  const ctx = bureauCtx(auth, request);
  const intent = String(formData.get("intent") ?? "");
  if (intent === "generate") {
    const submission = parseWithZod(formData, { schema: rosterGenerateSchema });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    const done = await wfmCall(submission, () => startRosterRun(ctx, submission.value));
    return (done.ok ? { intent, result: submission.reply(), notice: "runStarted" } : { intent, result: done.reply }) satisfies ActionData;
  }
  const rosterId = String(formData.get("rosterId") ?? "");
  if (!isUuid(rosterId)) notFound();
  if (intent === "publish") {
    const done = await wfmCall(null, () => publishRoster(ctx, rosterId));
    return (done.ok ? { intent, notice: "published", params: { n: String(done.value.notified) } } : { intent, error: done.message }) satisfies ActionData;
  }
  if (intent === "edit") {
    const parsed = rosterEditSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) return { intent, ok: false, violations: [], errors: ["wfm:console.roster.edit.incomplete"] } satisfies ActionData;
    const preview = formData.get("mode") !== "apply";
    const done = await wfmCall(null, () => editRoster(ctx, rosterId, parsed.data, { preview }));
    if (!done.ok) return { intent, ok: false, violations: done.violations, errors: [done.message] } satisfies ActionData;
    const r = done.value;
    if (!r.ok) return { intent, ok: false, violations: r.violations } satisfies ActionData;
    const viewQueue = String(formData.get("viewQueue") ?? "") || null;
    const viewDay = Math.min(6, Math.max(0, Number(formData.get("viewDay") ?? 0) || 0));
    const intervalMinutes = Math.round((7 * 1440) / Math.max(1, r.coverage.intervals.length));
    return {
      intent,
      ok: true,
      preview: r.preview,
      report: r.report,
      coverage: coverageDay(r.coverage, viewQueue, viewDay, intervalMinutes),
      changed: r.changed,
      removed: r.removed,
    } satisfies ActionData;
  }
  notFound();
}

export default function RosterTab() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const edit = useFetcher<EditActionData>({ key: EDIT_FETCHER });
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const { view } = data;
  const weekRuns = data.runs.filter((r) => r.weekStart === data.weekStart);
  const running = weekRuns.some((r) => r.status === "queued" || r.status === "running");
  const base = (week: string) => `/bureau/wfm/roster?week=${week}`;
  const here = (extra: Record<string, string | number | null>) => {
    const p = new URLSearchParams({ week: data.weekStart });
    if (view) p.set("roster", view.roster.id);
    if (data.queue) p.set("queue", data.queue);
    p.set("day", String(data.day));
    for (const [k, v] of Object.entries(extra)) {
      if (v === null) p.delete(k);
      else p.set(k, String(v));
    }
    return `/bureau/wfm/roster?${p.toString()}`;
  };
  // A previewed (or, without JavaScript, posted) edit is drawn on the grid and the coverage chart.
  const editResult = edit.data ?? (actionData?.intent === "edit" ? actionData : undefined);
  const previewing = editResult?.ok && editResult.preview ? editResult : null;
  const shifts = view ? (previewing ? withPreview(allShifts(view.agents), previewing.changed, previewing.removed) : allShifts(view.agents)) : [];
  const days = weekDays(data.weekStart, lang);
  const shown = days[data.day]!;
  const queueName = data.queue ? view?.queues.find((q) => q.queueId === data.queue) : null;
  const coverage = previewing ? previewing.coverage : data.coverage;
  return (
    <div className="stack">
      {actionData && "notice" in actionData && actionData.notice ? <Notice>{t(`console.roster.notice.${actionData.notice}`, actionData.params ?? {})}</Notice> : null}
      <FormErrors errors={actionData && "error" in actionData && actionData.error ? [actionData.error] : null} />
      <WeekPager title={weekTitle(data.weekStart, lang)} prevHref={base(addDays(data.weekStart, -7))} nextHref={base(addDays(data.weekStart, 7))} />

      <section className="card stack" aria-labelledby="roster-generate">
        <h2 id="roster-generate">{t("console.roster.generate.title")}</h2>
        {data.canManage ? <GenerateForm lastResult={actionData?.intent === "generate" ? actionData.result : undefined} /> : null}
        <RunsTable runs={weekRuns} poll={running} />
      </section>

      {data.rosters.length > 0 ? <Versions /> : null}

      {!view ? (
        <p className="muted" data-testid="no-roster">
          {t("console.roster.none")}
        </p>
      ) : (
        <>
          <div className="page-header">
            <p className="muted" style={{ margin: 0 }}>
              <span className={`badge${view.roster.status === "published" ? " badge--ok" : view.roster.status === "draft" ? " badge--draft" : ""}`} data-testid="roster-status">
                {t(`console.roster.statuses.${view.roster.status}`)}
              </span>{" "}
              {t("console.roster.version", { n: formatFigure(view.roster.version, lang, 0) })}
              {view.roster.publishedAt ? ` · ${t("console.roster.publishedAt", { at: formatDateTime(view.roster.publishedAt, lang), by: view.roster.publishedByName ?? "" })}` : ""}
              {view.pendingLeave + view.pendingSwaps > 0 ? (
                <>
                  {" · "}
                  <Link to="/bureau/wfm/leave">{t("console.roster.pending", { n: formatFigure(view.pendingLeave + view.pendingSwaps, lang, 0) })}</Link>
                </>
              ) : null}
            </p>
            {data.canManage && view.roster.status === "draft" ? <PublishForm rosterId={view.roster.id} disabled={view.report.hardViolations.length > 0} /> : null}
          </div>
          <RosterReport report={view.report} title={t("console.roster.report.title")} />
          <RosterGrid
            weekStart={data.weekStart}
            agents={ganttAgents(view.agents)}
            shifts={ganttShifts(shifts)}
            caption={previewing ? t("console.roster.gridPreview") : t("console.roster.gridCaption")}
            highlight={previewing ? previewing.changed.map((c) => ({ agentId: c.agentId, day: c.day })) : undefined}
          />
          <section className="stack" aria-labelledby="roster-coverage">
            <h2 id="roster-coverage">{t("console.roster.coverage.title")}</h2>
            <p className="field-hint">{t("console.roster.coverage.explain")}</p>
            <DayChoice days={days} current={data.day} hrefFor={(d) => here({ day: d })} label={t("console.common.chooseDay")} />
            <Form method="get" className="wfm-toolbar">
              <input type="hidden" name="week" value={data.weekStart} />
              <input type="hidden" name="roster" value={view.roster.id} />
              <input type="hidden" name="day" value={data.day} />
              <div className="field">
                <label htmlFor="coverage-queue">{t("console.common.queue")}</label>
                <select id="coverage-queue" name="queue" defaultValue={data.queue ?? ""}>
                  <option value="">{t("console.common.allQueues")}</option>
                  {view.queues.map((q) => (
                    <option key={q.queueId} value={q.queueId}>
                      {q.tenantName} › {q.queueName}
                    </option>
                  ))}
                </select>
              </div>
              <div>
                <button type="submit" className="button button--ghost">
                  {t("console.common.show")}
                </button>
              </div>
            </Form>
            {coverage ? (
              <CoverageFigure
                coverage={coverage}
                intervalMinutes={view.intervalMinutes}
                preview={!!previewing}
                title={t(previewing ? "console.roster.coverage.chartPreview" : "console.roster.coverage.chart", {
                  queue: queueName ? `${queueName.tenantName} › ${queueName.queueName}` : t("console.common.allQueues"),
                  day: `${shown.weekday} ${shown.label}`,
                })}
              />
            ) : null}
          </section>
          {data.canManage && view.roster.status !== "superseded" ? (
            <EditPanel
              rosterId={view.roster.id}
              agents={view.agents}
              templates={view.templates}
              weekStart={data.weekStart}
              report={view.report}
              viewQueue={data.queue}
              viewDay={data.day}
              fallback={actionData?.intent === "edit" ? actionData : undefined}
            />
          ) : null}
        </>
      )}
    </div>
  );
}

function GenerateForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "roster-generate",
    lastResult,
    defaultValue: { weekStart: data.weekStart, timeLimitSeconds: localizeDigits(String(data.settings.rosterTimeLimitSeconds), lang) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: rosterGenerateSchema }),
  });
  return (
    <Form method="post" className="wfm-toolbar" {...getFormProps(form)}>
      <CsrfInput />
      <input type="hidden" name="intent" value="generate" />
      <input type="hidden" name={fields.weekStart.name} value={data.weekStart} />
      <FormErrors errors={[...(form.errors ?? []), ...(fields.weekStart.errors ?? [])]} />
      <Field label={t("console.roster.generate.timeLimit")} hint={t("console.roster.generate.timeLimitHint")} htmlFor={fields.timeLimitSeconds.id} errors={fields.timeLimitSeconds.errors} errorId={fields.timeLimitSeconds.errorId}>
        <input {...getInputProps(fields.timeLimitSeconds, { type: "text" })} key={fields.timeLimitSeconds.key} inputMode="numeric" dir="ltr" />
      </Field>
      <div>
        <button type="submit" className="button" disabled={navigation.state !== "idle"} data-testid="generate">
          {t("console.roster.generate.start", { week: weekTitle(data.weekStart, lang) })}
        </button>
      </div>
    </Form>
  );
}

function Versions() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  return (
    <details>
      <summary>{t("console.roster.versions.title", { n: formatFigure(data.rosters.length, lang, 0) })}</summary>
      <div className="table-wrap">
        <table data-testid="roster-versions">
          <thead>
            <tr>
              <th scope="col">{t("console.roster.versions.version")}</th>
              <th scope="col">{t("console.roster.versions.status")}</th>
              <th scope="col">{t("console.roster.versions.created")}</th>
              <th scope="col" className="num">
                {t("console.roster.versions.edits")}
              </th>
              <th scope="col" className="num">
                {t("console.roster.report.hardViolations")}
              </th>
              <th scope="col" className="num">
                {t("console.roster.report.gap")}
              </th>
            </tr>
          </thead>
          <tbody>
            {data.rosters.map((r) => (
              <tr key={r.id} aria-current={data.view?.roster.id === r.id ? "true" : undefined}>
                <th scope="row">
                  <Link to={`/bureau/wfm/roster?week=${r.weekStart}&roster=${r.id}`}>{t("console.roster.version", { n: formatFigure(r.version, lang, 0) })}</Link>
                </th>
                <td>{t(`console.roster.statuses.${r.status}`)}</td>
                <td>{formatDateTime(r.createdAt, lang)}</td>
                <td className="num">{formatFigure(r.edits, lang, 0)}</td>
                <td className="num">{formatFigure(r.hardViolations, lang, 0)}</td>
                <td className="num">{formatShare(r.gapToLpBound, lang, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
