import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CalendarPicker } from "~/components/calendar-picker";
import { formatFigure, formatShare, fullDay, weekdayOf } from "~/components/wfm/wfm-ui";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits, parseCalendarDay } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { adherenceDay, outOfAdherenceNow } from "~/modules/wfm/adherence.server";
import { todayIn } from "~/modules/wfm/pages.server";
import { wfmLoad } from "~/modules/wfm/pages-errors.server";
import { wfmSettings } from "~/modules/wfm/settings.server";
import { addDays, DATE_RE } from "~/modules/wfm/time";
import type { OutOfAdherenceView } from "~/modules/wfm/views";

/**
 * Adherence: per agent and day, the minutes doing what the published roster scheduled (adherence %)
 * and the minutes worked against the scheduled work (conformance %); and, live, who is out of
 * adherence now. A day is picked in the reader's calendar (Jalali in Persian).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.read");
  const ctx = bureauCtx(auth, request);
  const url = new URL(request.url);
  const lang = (await i18nServer.getLocale(request)) as Language;
  const settings = await wfmSettings();
  const iso = url.searchParams.get("date");
  const typed = url.searchParams.get("day");
  const date = iso && DATE_RE.test(iso) ? iso : typed ? (parseCalendarDay(typed, lang) ?? todayIn(settings.timeZone)) : todayIn(settings.timeZone);
  const [day, now] = await wfmLoad(() => Promise.all([adherenceDay(ctx, date), outOfAdherenceNow(ctx)]));
  return { date, today: todayIn(settings.timeZone), day, now };
}

const hm = (minutes: number, lang: Language) => localizeDigits(`${Math.floor(minutes / 60)}:${String(Math.round(minutes % 60)).padStart(2, "0")}`, lang);

export default function AdherenceTab() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const { day } = data;
  return (
    <div className="stack">
      <LiveOutOfAdherence initial={data.now} />
      <section className="stack" aria-labelledby="adherence-day">
        <div className="wfm-pager">
          <Link to={`/bureau/wfm/adherence?date=${addDays(data.date, -1)}`} className="button button--ghost button--small" rel="prev">
            {t("console.adherence.prevDay")}
          </Link>
          <h2 id="adherence-day">
            {weekdayOf(data.date, lang)} {fullDay(data.date, lang)}
          </h2>
          <Link to={`/bureau/wfm/adherence?date=${addDays(data.date, 1)}`} className="button button--ghost button--small" rel="next">
            {t("console.adherence.nextDay")}
          </Link>
        </div>
        {/* The month grid is large; the day links above are the usual way, the picker is for a jump. */}
        <details>
          <summary>{t("console.adherence.pickDate")}</summary>
          <Form method="get" className="wfm-toolbar">
            <div className="field">
              <label htmlFor="adherence-pick">{t("console.common.date")}</label>
              <CalendarPicker lang={lang} name="day" id="adherence-pick" value={data.date} today={data.today} />
            </div>
            <div>
              <button type="submit" className="button button--ghost">
                {t("console.common.show")}
              </button>
            </div>
          </Form>
        </details>
        <p className="field-hint">{t("console.adherence.definitions")}</p>
        {!day.published ? <p className="alert alert--info">{t("console.adherence.notPublished")}</p> : null}
        <div className="table-wrap">
          <table data-testid="adherence">
            <thead>
              <tr>
                <th scope="col">{t("console.grid.agent")}</th>
                <th scope="col" className="num">
                  {t("console.adherence.scheduled")}
                </th>
                <th scope="col" className="num">
                  {t("console.adherence.inAdherence")}
                </th>
                <th scope="col" className="num">
                  {t("console.adherence.adherence")}
                </th>
                <th scope="col" className="num">
                  {t("console.adherence.worked")}
                </th>
                <th scope="col" className="num">
                  {t("console.adherence.conformance")}
                </th>
                <th scope="col">{t("console.adherence.timeline")}</th>
              </tr>
            </thead>
            <tbody>
              {day.agents.length === 0 ? (
                <tr>
                  <td colSpan={7} className="muted">
                    {t("console.adherence.none")}
                  </td>
                </tr>
              ) : null}
              {day.agents.map((a) => (
                <tr key={a.agentId} data-agent={a.agentId}>
                  <th scope="row">{a.agentName}</th>
                  <td className="num">{hm(a.scheduledMinutes, lang)}</td>
                  <td className="num">{hm(a.inAdherenceMinutes, lang)}</td>
                  <td className="num">{formatShare(a.adherence, lang)}</td>
                  <td className="num">{hm(a.workedMinutes, lang)}</td>
                  <td className="num">{formatShare(a.conformance, lang)}</td>
                  <td>
                    <Timeline intervals={a.intervals} />
                  </td>
                </tr>
              ))}
            </tbody>
            {day.agents.length > 0 ? (
              <tfoot>
                <tr>
                  <th scope="row">{t("console.adherence.total")}</th>
                  <td className="num">{hm(day.totals.scheduledMinutes, lang)}</td>
                  <td className="num">{hm(day.totals.inAdherenceMinutes, lang)}</td>
                  <td className="num">{formatShare(day.totals.adherence, lang)}</td>
                  <td />
                  <td className="num">{formatShare(day.totals.conformance, lang)}</td>
                  <td />
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      </section>
    </div>
  );
}

/**
 * The day as a strip of intervals: scheduled and in adherence, scheduled and out, or not scheduled.
 * The figures beside it say the same in numbers, so the strip itself is hidden from screen readers.
 */
function Timeline({ intervals }: { intervals: readonly { scheduled: string; adherentMinutes: number; scheduledMinutes: number }[] }) {
  return (
    <span className="wfm-timeline" aria-hidden="true">
      {intervals.map((i, k) => (
        <span key={k} data-state={i.scheduledMinutes === 0 ? "off" : i.adherentMinutes >= i.scheduledMinutes ? "in" : i.adherentMinutes > 0 ? "part" : "out"} />
      ))}
    </span>
  );
}

/**
 * Who is out of adherence now. It changes with agents' states (pushed on the floor channel) and with
 * the clock (a shift or a break starting), so the list reloads on each floor event, at most every
 * 3 s, and every 20 s regardless.
 */
function LiveOutOfAdherence({ initial }: { initial: OutOfAdherenceView }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const [view, setView] = useState(initial);
  const [live, setLive] = useState(false);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => setView(initial), [initial]);
  useEffect(() => {
    let stopped = false;
    const reload = async () => {
      try {
        const res = await fetch("/bureau/wfm/adherence-now", { headers: { accept: "application/json" } });
        if (res.ok && !stopped) setView((await res.json()) as OutOfAdherenceView);
      } catch {
        // The next tick or event tries again.
      }
    };
    const source = new EventSource("/events/floor");
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    source.onmessage = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        void reload();
      }, 3000);
    };
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void reload();
    }, 20_000);
    return () => {
      stopped = true;
      source.close();
      clearInterval(timer);
      if (pending.current) clearTimeout(pending.current);
    };
  }, []);
  return (
    <section className="card stack" aria-labelledby="out-now">
      <div className="wfm-pager">
        <h2 id="out-now">{t("console.adherence.nowTitle")}</h2>
        <span className="wfm-live muted" data-on={live ? "true" : "false"} role="status">
          {live ? t("console.adherence.live") : t("console.adherence.polling")} · {formatDateTime(view.at, lang)}
        </span>
      </div>
      <p className="field-hint">
        {t("console.adherence.nowExplain", { n: formatFigure(view.scheduledNow, lang, 0), tolerance: formatFigure(view.toleranceMinutes, lang, 0) })}
      </p>
      {view.rows.length === 0 ? (
        <p className="muted" data-testid="out-of-adherence-none">
          {t("console.adherence.allIn")}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="wfm-out" data-testid="out-of-adherence">
            <thead>
              <tr>
                <th scope="col">{t("console.grid.agent")}</th>
                <th scope="col">{t("console.adherence.shouldBe")}</th>
                <th scope="col">{t("console.adherence.is")}</th>
                <th scope="col" className="num">
                  {t("console.adherence.forMinutes")}
                </th>
              </tr>
            </thead>
            <tbody>
              {view.rows.map((r) => (
                <tr key={r.agentId}>
                  <th scope="row">{r.agentName}</th>
                  <td>{t(`adherence.scheduled.${r.scheduled}`)}</td>
                  <td>{t(`adherence.actual.${r.actual}`)}</td>
                  <td className="num">{formatFigure(r.minutes, lang, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
