import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { DayChoice, DayIntervalsFigure, WeekPager } from "~/components/wfm/figures";
import { formatFigure, formatSeconds, formatShare, weekDays, weekTitle, wfmLinks } from "~/components/wfm/wfm-ui";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import { formatDateTime } from "~/modules/i18n/format";
import { portalStaffingPage } from "~/modules/wfm/pages.server";
import { wfmLoad } from "~/modules/wfm/pages-errors.server";
import { addDays } from "~/modules/wfm/time";

export const links: LinksFunction = () => [...wfmLinks()];

/**
 * The client's staffing plan for its own queues: per day and per interval, the agents its forecast
 * needs on the phones against the agents the bureau's published roster puts there, and the service
 * level that staffing is expected to reach against the contract. Numbers only: no agent's name,
 * shift or any other personal data reaches this page.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { tenant } = await requireTenantPermission(request, params.slug, "tenant.staffing.read");
  const url = new URL(request.url);
  const page = await wfmLoad(() =>
    portalStaffingPage({ id: tenant.id, timeZone: tenant.timeZone }, { week: url.searchParams.get("week"), day: url.searchParams.get("day"), queue: url.searchParams.get("queue") }),
  );
  return { slug: tenant.slug, ...page };
}

export default function TenantStaffing() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const days = weekDays(data.weekStart, lang);
  const queueParam = data.selected ? `&queue=${data.selected.queueId}` : "";
  const href = (week: string, day: number) => `/t/${data.slug}/staffing?week=${week}&day=${day}${queueParam}`;
  const selected = data.selected;
  const queue = selected ? data.queues.find((q) => q.queueId === selected.queueId) : null;
  const shown = days[data.day]!;
  const title = queue ? t("portal.dayTitle", { queue: queue.queueName, day: `${shown.weekday} ${shown.label}` }) : "";
  return (
    <div className="stack">
      <header>
        <h2>{t("portal.title")}</h2>
        <p className="field-hint">{t("portal.explain")}</p>
      </header>
      <WeekPager title={weekTitle(data.weekStart, lang)} prevHref={href(addDays(data.weekStart, -7), data.day)} nextHref={href(addDays(data.weekStart, 7), data.day)} />
      {data.published ? (
        <p className="muted" data-testid="plan-published">
          {t("portal.published", { at: data.publishedAt ? formatDateTime(data.publishedAt, lang, data.timeZone) : "" })}
        </p>
      ) : (
        <p className="alert alert--info" data-testid="plan-unpublished">
          {t("portal.notPublished")}
        </p>
      )}
      {data.queues.length === 0 ? <p className="muted">{t("portal.noQueues")}</p> : null}
      {data.queues.map((q) => (
        <section key={q.queueId} className="card stack" aria-labelledby={`plan-${q.queueId}`}>
          <h3 id={`plan-${q.queueId}`}>{q.queueName}</h3>
          <p className="field-hint">{t("portal.target", { sl: formatShare(q.slTarget, lang, 0), seconds: formatFigure(q.slThresholdSeconds, lang, 0) })}</p>
          <div className="table-wrap">
            <table data-testid={`plan-days-${q.queueId}`}>
              <thead>
                <tr>
                  <th scope="col">{t("console.common.date")}</th>
                  <th scope="col" className="num">
                    {t("portal.contacts")}
                  </th>
                  <th scope="col" className="num">
                    {t("portal.requiredHours")}
                  </th>
                  <th scope="col" className="num">
                    {t("portal.scheduledHours")}
                  </th>
                  <th scope="col" className="num">
                    {t("portal.expectedSl")}
                  </th>
                </tr>
              </thead>
              <tbody>
                {q.daily.map((d, i) => {
                  const sl = d.projectedServiceLevel;
                  return (
                    <tr key={d.date}>
                      <th scope="row">
                        {days[i]?.weekday} <span className="muted">{days[i]?.label}</span>
                      </th>
                      <td className="num">{formatFigure(d.contacts, lang, 0)}</td>
                      <td className="num">{formatFigure(d.requiredHours, lang, 1)}</td>
                      <td className="num">{formatFigure(d.scheduledHours, lang, 1)}</td>
                      <td className={`num${sl === null ? "" : sl < q.slTarget ? " wfm-sl-miss" : " wfm-sl-met"}`} data-short={sl !== null && sl < q.slTarget ? "true" : undefined}>
                        {formatShare(sl, lang)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {selected && queue ? (
        <section className="stack" aria-labelledby="plan-day">
          <h3 id="plan-day">{t("portal.intervalsTitle")}</h3>
          <DayChoice days={days} current={data.day} hrefFor={(d) => href(data.weekStart, d)} label={t("console.common.chooseDay")} />
          {data.queues.length > 1 ? (
            <Form method="get" className="wfm-toolbar">
              <input type="hidden" name="week" value={data.weekStart} />
              <input type="hidden" name="day" value={data.day} />
              <div className="field">
                <label htmlFor="plan-queue">{t("console.common.queue")}</label>
                <select id="plan-queue" name="queue" defaultValue={selected.queueId}>
                  {data.queues.map((q) => (
                    <option key={q.queueId} value={q.queueId}>
                      {q.queueName}
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
          ) : null}
          <DayIntervalsFigure
            testId="plan-intervals"
            title={title}
            caption={title}
            intervalMinutes={data.intervalMinutes}
            values={{
              contacts: selected.contacts,
              ahtSeconds: selected.ahtSeconds,
              required: selected.required,
              scheduled: selected.scheduled ?? [],
              sl: selected.projectedServiceLevel ?? [],
            }}
            columns={[
              { key: "contacts", label: t("portal.contacts"), format: (v) => formatFigure(v, lang, 1) },
              { key: "ahtSeconds", label: t("portal.aht"), format: (v) => (v ? formatSeconds(v, lang) : "–") },
              { key: "required", label: t("portal.required"), format: (v) => formatFigure(v, lang, 1), series: { kind: "area", step: true } },
              { key: "scheduled", label: t("portal.scheduled"), format: (v) => formatFigure(v, lang, 1), series: { step: true } },
              { key: "sl", label: t("portal.expectedSl"), format: (v) => formatShare(v, lang) },
            ]}
            shortWhen={(r) => r.scheduled != null && r.required != null && r.scheduled < r.required - 0.05}
          />
        </section>
      ) : null}
    </div>
  );
}
