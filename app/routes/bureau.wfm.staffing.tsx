import type { SubmissionResult } from "@conform-to/react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { DayChoice, DayIntervalsFigure, WeekPager } from "~/components/wfm/figures";
import { StaffingCalculator } from "~/components/wfm/staffing-calculator";
import { formatFigure, formatSeconds, formatShare, weekDays, weekTitle } from "~/components/wfm/wfm-ui";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { addDays } from "~/modules/wfm/time";
import { staffingPage } from "~/modules/wfm/pages.server";
import { wfmLoad } from "~/modules/wfm/pages-errors.server";
import { calculatorMessage, parseCalculator } from "~/modules/wfm/pages-forms";
import { calculateStaffing } from "~/modules/wfm/staffing.server";
import type { StaffingCalcView } from "~/modules/wfm/views";

/**
 * Staffing: per queue (or all queues) and interval of a chosen day, the forecast contacts and AHT,
 * the agents the queue alone needs, its share of the pooled requirement, the heads to schedule
 * after shrinkage, and the service level, ASA and occupancy at that staffing; the week per queue;
 * and the planner's calculator (the same inputs and rules as POST /api/v1/wfm/staffing).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.read");
  const url = new URL(request.url);
  return wfmLoad(() => staffingPage(bureauCtx(auth, request), { week: url.searchParams.get("week"), day: url.searchParams.get("day"), queue: url.searchParams.get("queue") }));
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  // The calculator changes nothing: whoever may read staffing may use it.
  await requireBureauPermission(request, "wfm.read");
  const submission = parseCalculator(formData);
  if (submission.status !== "success") return { result: submission.reply(), calc: null };
  const answer = calculateStaffing(submission.value);
  if (!answer.ok) return { result: submission.reply({ fieldErrors: { [answer.field]: [calculatorMessage(answer.messageKey)] } }), calc: null };
  return { result: submission.reply(), calc: answer.result };
}

export default function StaffingTab() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { result: SubmissionResult<string[]>; calc: StaffingCalcView | null } | undefined;
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const days = weekDays(data.weekStart, lang);
  const queueParam = data.selected ? `&queue=${data.selected.queue.queueId}` : "";
  const href = (week: string, day: number) => `/bureau/wfm/staffing?week=${week}&day=${day}${queueParam}`;
  const shown = days[data.day]!;
  const dayTitle = `${shown.weekday} ${shown.label}`;
  return (
    <div className="stack">
      <WeekPager title={weekTitle(data.weekStart, lang)} prevHref={href(addDays(data.weekStart, -7), data.day)} nextHref={href(addDays(data.weekStart, 7), data.day)} />
      <DayChoice days={days} current={data.day} hrefFor={(d) => href(data.weekStart, d)} label={t("console.common.chooseDay")} />
      <Form method="get" className="wfm-toolbar">
        <input type="hidden" name="week" value={data.weekStart} />
        <input type="hidden" name="day" value={data.day} />
        <div className="field">
          <label htmlFor="staffing-queue">{t("console.common.queue")}</label>
          <select id="staffing-queue" name="queue" defaultValue={data.selected?.queue.queueId ?? ""}>
            <option value="">{t("console.common.allQueues")}</option>
            {data.queues.map((q) => (
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
      {data.missingForecast.length > 0 ? (
        <div className="alert alert--warning" role="status" data-testid="missing-forecast">
          {t("console.staffing.missingForecast", { count: data.missingForecast.length, n: formatFigure(data.missingForecast.length, lang) })}
        </div>
      ) : null}
      <p className="field-hint">
        {t("console.staffing.settings", { shrinkage: formatShare(data.settings.shrinkage, lang), occupancy: formatShare(data.settings.maxOccupancy, lang) })}
      </p>
      {data.selected ? <QueueDay dayTitle={dayTitle} /> : <AllQueuesDay dayTitle={dayTitle} />}
      <WeekSummary />
      <StaffingCalculator
        defaults={{ shrinkage: data.settings.shrinkage, maxOccupancy: data.settings.maxOccupancy, intervalSeconds: data.intervalMinutes * 60 }}
        lastResult={actionData?.result}
        result={actionData?.calc ?? null}
      />
    </div>
  );
}

function QueueDay({ dayTitle }: { dayTitle: string }) {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const sel = data.selected!;
  const rows = sel.rows;
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k] as number | null);
  const title = t("console.staffing.queueTitle", { queue: `${sel.queue.tenantName} › ${sel.queue.queueName}`, day: dayTitle });
  return (
    <section className="stack" aria-label={title}>
      <p className="field-hint">
        {t("console.staffing.target", { sl: formatShare(sel.queue.slTarget, lang, 0), seconds: formatFigure(sel.queue.slThresholdSeconds, lang, 0) })} · {t(`staffing.model.${sel.model}`)}
      </p>
      <DayIntervalsFigure
        testId="staffing-queue"
        title={title}
        caption={title}
        intervalMinutes={data.intervalMinutes}
        values={{
          contacts: col("contacts"),
          ahtSeconds: col("ahtSeconds"),
          standalone: col("standalone"),
          agents: col("agents"),
          heads: col("heads"),
          serviceLevel: col("serviceLevel"),
          asaSeconds: col("asaSeconds"),
          occupancy: col("occupancy"),
        }}
        columns={[
          { key: "contacts", label: t("console.staffing.columns.contacts"), format: (v) => formatFigure(v, lang, 1) },
          { key: "ahtSeconds", label: t("console.staffing.columns.aht"), format: (v) => (v ? formatSeconds(v, lang) : "–") },
          { key: "standalone", label: t("console.staffing.columns.required"), format: (v) => formatFigure(v, lang, 0), series: { kind: "area", step: true } },
          { key: "agents", label: t("console.staffing.columns.pooled"), format: (v) => formatFigure(v, lang, 1), series: { dashed: true, step: true } },
          { key: "heads", label: t("console.staffing.columns.heads"), format: (v) => formatFigure(v, lang, 0), series: { step: true } },
          { key: "serviceLevel", label: t("console.staffing.columns.serviceLevel"), format: (v) => formatShare(v, lang) },
          { key: "asaSeconds", label: t("console.staffing.columns.asa"), format: (v) => formatSeconds(v, lang) },
          { key: "occupancy", label: t("console.staffing.columns.occupancy"), format: (v) => formatShare(v, lang) },
        ]}
      />
    </section>
  );
}

function AllQueuesDay({ dayTitle }: { dayTitle: string }) {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const title = t("console.staffing.allTitle", { day: dayTitle });
  return (
    <DayIntervalsFigure
      testId="staffing-all"
      title={title}
      caption={title}
      intervalMinutes={data.intervalMinutes}
      values={{ contacts: data.totals.map((r) => r.contacts), agents: data.totals.map((r) => r.agents), heads: data.totals.map((r) => r.heads) }}
      columns={[
        { key: "contacts", label: t("console.staffing.columns.contacts"), format: (v) => formatFigure(v, lang, 1) },
        { key: "agents", label: t("console.staffing.columns.pooledAll"), format: (v) => formatFigure(v, lang, 1), series: { kind: "area", step: true } },
        { key: "heads", label: t("console.staffing.columns.heads"), format: (v) => formatFigure(v, lang, 0), series: { step: true } },
      ]}
    />
  );
}

function WeekSummary() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const days = weekDays(data.weekStart, lang);
  return (
    <section className="stack" aria-labelledby="staffing-week">
      <h2 id="staffing-week">{t("console.staffing.weekTitle")}</h2>
      <p className="field-hint">{t("console.staffing.weekExplain")}</p>
      <div className="table-wrap">
        <table data-testid="staffing-week">
          <thead>
            <tr>
              <th scope="col">{t("console.common.queue")}</th>
              {days.map((d) => (
                <th key={d.day} scope="col" className="num">
                  {d.weekday} <span className="muted">{d.label}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.summary.map((s) => {
              const q = data.queues.find((x) => x.queueId === s.queueId);
              return (
                <tr key={s.queueId}>
                  <th scope="row">{q ? `${q.tenantName} › ${q.queueName}` : s.queueId}</th>
                  {s.days.map((d, i) => (
                    <td key={i} className="num">
                      {t("console.staffing.weekCell", { contacts: formatFigure(d.contacts, lang, 0), heads: formatFigure(d.peakHeads, lang, 0) })}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}
