import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { formatClock, formatFigure, TimeChart, type ShownDay, type TimeSeries } from "./wfm-ui";

/**
 * Figures over the intervals of one day (coverage against requirement, staffing, the client's plan):
 * a chart drawn in the browser and, always in the HTML, the table with the same numbers.
 */

export interface IntervalColumn {
  key: string;
  label: string;
  format?: (v: number | null) => string;
  /** Drawn in the chart too (otherwise a table-only column). */
  series?: Omit<TimeSeries, "key" | "label">;
}

export function DayIntervalsFigure({
  title,
  caption,
  intervalMinutes,
  values,
  columns,
  shortWhen,
  testId,
}: {
  title: string;
  caption: string;
  intervalMinutes: number;
  /** Per column key, one value per interval of the day. */
  values: Record<string, readonly (number | null)[]>;
  columns: IntervalColumn[];
  /** Marks a row (and its cells) as short: e.g. staffed below required. */
  shortWhen?: (row: Record<string, number | null>) => boolean;
  testId?: string;
}) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const slots = Math.round(1440 / intervalMinutes);
  const rows = Array.from({ length: slots }, (_, i) => {
    const row: Record<string, number | null> = { minute: i * intervalMinutes };
    for (const c of columns) row[c.key] = values[c.key]?.[i] ?? null;
    return row;
  });
  const fmt = (c: IntervalColumn) => c.format ?? ((v: number | null) => formatFigure(v, lang));
  const charted = columns.filter((c) => c.series);
  return (
    <TimeChart
      title={title}
      testId={testId}
      data={rows.map((r) => ({ ...r, minute: String(r.minute) }))}
      xKey="minute"
      series={charted.map((c) => ({ key: c.key, label: c.label, ...c.series }))}
      formatX={(v) => formatClock(Number(v), lang)}
      formatValue={(v) => formatFigure(v, lang)}
      summary={
        <details open>
          <summary>{t("console.common.showTable")}</summary>
          <div className="table-wrap">
            <table data-testid={testId ? `${testId}-table` : undefined}>
              <caption className="visually-hidden">{caption}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("console.common.interval")}</th>
                  {columns.map((c) => (
                    <th key={c.key} scope="col" className="num">
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => {
                  const short = shortWhen?.(r) ?? false;
                  return (
                    <tr key={r.minute} data-short={short ? "true" : undefined}>
                      <th scope="row">
                        <bdi>{formatClock(r.minute!, lang)}</bdi>
                      </th>
                      {columns.map((c) => (
                        <td key={c.key} className="num" data-short={short ? "true" : undefined}>
                          {fmt(c)(r[c.key] ?? null)}
                        </td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </details>
      }
    />
  );
}

/** Day chips (Saturday first) linking to the same page with another day; the current one marked. */
export function DayChoice({ days, current, hrefFor, label }: { days: readonly ShownDay[]; current: number; hrefFor: (day: number) => string; label: string }) {
  return (
    <nav aria-label={label}>
      <ul className="wfm-choice">
        {days.map((d) => (
          <li key={d.day}>
            <Link to={hrefFor(d.day)} aria-current={d.day === current ? "true" : undefined} preventScrollReset>
              {d.weekday} <span className="visually-hidden">{d.label}</span>
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Previous/next week links around the week's title. */
export function WeekPager({ title, prevHref, nextHref, thisWeekHref }: { title: string; prevHref: string; nextHref: string; thisWeekHref?: string }) {
  const { t } = useTranslation("wfm");
  return (
    <div className="wfm-pager">
      <Link to={prevHref} className="button button--ghost button--small" rel="prev">
        {t("console.common.prevWeek")}
      </Link>
      <h2 aria-live="polite">{title}</h2>
      <Link to={nextHref} className="button button--ghost button--small" rel="next">
        {t("console.common.nextWeek")}
      </Link>
      {thisWeekHref ? (
        <Link to={thisWeekHref} className="button button--ghost button--small">
          {t("console.common.thisWeek")}
        </Link>
      ) : null}
    </div>
  );
}

/** The slice of a week-long per-interval array that belongs to roster day `day`. */
export function daySlice<T>(week: readonly T[], day: number, intervalMinutes: number): T[] {
  const slots = Math.round(1440 / intervalMinutes);
  return week.slice(day * slots, (day + 1) * slots);
}

/** Σ of arrays element-wise (the "all queues" line). */
export function sumArrays(arrays: readonly (readonly number[])[], length: number): number[] {
  const out = new Array<number>(length).fill(0);
  for (const a of arrays) for (let i = 0; i < length; i++) out[i]! += a[i] ?? 0;
  return out;
}
