import type { LinksFunction } from "@remix-run/node";
import { useRevalidator } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, chartAxes } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { directionOf, type Language } from "~/modules/i18n/config";
import { intlLocale, localizeDigits } from "~/modules/i18n/format";
import { addDays } from "~/modules/wfm/time";
import wfmCss from "~/styles/wfm.css?url";

/** Pieces shared by the WFM console, the agent's schedule and the client's staffing page. */
export const wfmLinks: LinksFunction = () => [{ rel: "stylesheet", href: wfmCss }];

export const MINUTES_PER_DAY = 1440;
export const DAYS_PER_WEEK = 7;

/** "07:30" (Persian digits in Persian) for a minute of the day; 1440 reads "24:00", a closing time. */
export function formatClock(minuteOfDay: number, lang: Language): string {
  const m = Math.round(minuteOfDay);
  const h = Math.floor(m / 60);
  return localizeDigits(`${String(h).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`, lang);
}

/** A clock range of week minutes as wall-clock times: "23:00–07:00" (the end wraps past midnight). */
export function formatClockRange(start: number, end: number, lang: Language): string {
  const endOfDay = end % MINUTES_PER_DAY === 0 && end > start ? MINUTES_PER_DAY : end % MINUTES_PER_DAY;
  return `${formatClock(start % MINUTES_PER_DAY, lang)}–${formatClock(endOfDay, lang)}`;
}

/**
 * A clock time or range in the reading direction of the language: in Persian the start stands at
 * the right like the grid's time axis ("۰۷:۰۰–۱۵:۰۰" read from the right). An isolate of digits
 * alone would resolve left-to-right, so the direction is set, not left to "auto".
 */
export function ClockText({ text, lang, className = "wfm-gantt__time" }: { text: string; lang: Language; className?: string }) {
  return (
    <bdi dir={directionOf(lang)} className={className}>
      {text}
    </bdi>
  );
}

/** A share 0-1 as a percent: "۸۰٪", "80%". Null (no contacts, nothing scheduled) reads as a dash. */
export function formatShare(share: number | null | undefined, lang: Language, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "–";
  return new Intl.NumberFormat(intlLocale(lang), { style: "percent", maximumFractionDigits: digits }).format(share);
}

/** A planner's adjustment: "+۲۰٪", "−10%", "–" for none. */
export function formatSignedPercent(percent: number, lang: Language): string {
  if (percent === 0) return "–";
  return new Intl.NumberFormat(intlLocale(lang), { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 1 }).format(percent / 100);
}

/** A decimal figure (Erlangs, agents, contacts) in the reader's digits. */
export function formatFigure(n: number | null | undefined, lang: Language, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  return new Intl.NumberFormat(intlLocale(lang), { maximumFractionDigits: digits }).format(n);
}

/** Seconds as "m:ss" (ASA, AHT), or "h:mm:ss" past an hour. */
export function formatSeconds(seconds: number | null | undefined, lang: Language): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "–";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return localizeDigits(h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`, lang);
}

/** Hours from minutes: "۴۴ ساعت" is the caller's string; this gives the number ("44", "7.5"). */
export function formatHours(minutes: number, lang: Language): string {
  return formatFigure(minutes / 60, lang, 1);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();
function dayFormatter(lang: Language, options: Intl.DateTimeFormatOptions) {
  const key = `${lang}|${JSON.stringify(options)}`;
  let f = dayFormatters.get(key);
  if (!f) {
    // A calendar day has no zone: format its noon in UTC, so no zone can move it to a neighbour.
    f = new Intl.DateTimeFormat(intlLocale(lang), { ...options, timeZone: "UTC" });
    dayFormatters.set(key, f);
  }
  return f;
}
const noon = (isoDay: string) => new Date(`${isoDay}T12:00:00Z`);

/** "شنبه", "Saturday" for an ISO day. */
export function weekdayOf(isoDay: string, lang: Language, width: "long" | "short" = "long"): string {
  return dayFormatter(lang, { weekday: width }).format(noon(isoDay));
}

/** "۱ آبان", "22 Nov": the day and month in the reader's calendar (Jalali in Persian). */
export function dayMonth(isoDay: string, lang: Language): string {
  return dayFormatter(lang, { day: "numeric", month: "short" }).format(noon(isoDay));
}

/** "۱ آبان ۱۴۰۵", "22 November 2026". */
export function fullDay(isoDay: string, lang: Language): string {
  return dayFormatter(lang, { day: "numeric", month: "long", year: "numeric" }).format(noon(isoDay));
}

/** "۱–۷ آبان ۱۴۰۵" style title of a roster week from its Saturday. */
export function weekTitle(weekStart: string, lang: Language): string {
  return `${fullDay(weekStart, lang)} – ${fullDay(addDays(weekStart, 6), lang)}`;
}

export interface ShownDay {
  /** Day of the roster week: 0 = Saturday … 6 = Friday. */
  day: number;
  date: string;
  weekday: string;
  label: string;
  friday: boolean;
}

/**
 * The days of a roster week in the order they are shown. The roster week is the bureau's (Iranian)
 * week, Saturday 00:00 to Friday 24:00, in every language: the engine plans it that way and a night
 * shift's hours after midnight belong next to the day it started. Persian reads it right to left
 * (Saturday at the right edge) through the page's direction; nothing is reordered by hand.
 */
export function weekDays(weekStart: string, lang: Language): ShownDay[] {
  return Array.from({ length: DAYS_PER_WEEK }, (_, day) => {
    const date = addDays(weekStart, day);
    return { day, date, weekday: weekdayOf(date, lang), label: dayMonth(date, lang), friday: day === 6 };
  });
}

/** Reloads the route's loaders every `ms` while `active`, skipping a tick while hidden or busy. */
export function usePolling(active: boolean, ms: number) {
  const revalidator = useRevalidator();
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && revalidator.state === "idle") revalidator.revalidate();
    }, ms);
    return () => clearInterval(timer);
  }, [active, ms, revalidator]);
}

/** True after hydration: recharts draws nothing on the server, so charts mount in the browser only. */
export function useMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

export interface TimeSeries {
  key: string;
  label: string;
  /** line: a figure over time; area: a requirement to cover; dashed: a derived or planned figure. */
  kind?: "line" | "area";
  dashed?: boolean;
  /** Step lines for per-interval counts (heads), smooth for rates. */
  step?: boolean;
}

/**
 * A time chart that reads right in both directions: in Persian the time axis runs right to left and
 * the value axis stands on the right (chartAxes), drawn inside an LTR box so SVG text is not
 * mirrored. It decorates data a person can read without it: `summary` (a table) is always in the
 * HTML, the chart itself is aria-hidden and drawn only after hydration.
 */
export function TimeChart({
  title,
  data,
  xKey,
  series,
  formatX,
  formatValue,
  height = 260,
  summary,
  testId,
}: {
  title: string;
  data: Record<string, string | number | null>[];
  xKey: string;
  series: TimeSeries[];
  formatX: (v: string) => string;
  formatValue: (v: number) => string;
  height?: number;
  summary: ReactNode;
  testId?: string;
}) {
  const mounted = useMounted();
  return (
    <figure className="wfm-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <ChartCanvas data={data} xKey={xKey} series={series} formatX={formatX} formatValue={formatValue} height={height} mounted={mounted} />
      {summary}
    </figure>
  );
}

function ChartCanvas({
  data,
  xKey,
  series,
  formatX,
  formatValue,
  height,
  mounted,
}: {
  data: Record<string, string | number | null>[];
  xKey: string;
  series: TimeSeries[];
  formatX: (v: string) => string;
  formatValue: (v: number) => string;
  height: number;
  mounted: boolean;
}) {
  const lang = useLang();
  const axes = chartAxes(lang);
  return (
    <div className="wfm-chart__canvas" dir="ltr" style={{ blockSize: height }} aria-hidden="true">
      {mounted && data.length > 0 ? (
        <ResponsiveContainer width="100%" height={height}>
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey={xKey} reversed={axes.xReversed} tickFormatter={formatX} tick={{ fontSize: 12 }} minTickGap={16} />
            <YAxis orientation={axes.yOrientation} tickFormatter={formatValue} width={56} tick={{ fontSize: 12 }} />
            <Tooltip formatter={(v) => formatValue(Number(v))} labelFormatter={(l) => formatX(String(l))} wrapperStyle={{ direction: axes.textDirection }} />
            <Legend wrapperStyle={{ direction: axes.textDirection }} />
            {series.map((s, i) => {
              const color = CHART_COLORS[i % CHART_COLORS.length];
              const type = s.step ? "stepAfter" : "monotone";
              return s.kind === "area" ? (
                <Area key={s.key} dataKey={s.key} name={s.label} type={type} stroke={color} fill={color} fillOpacity={0.15} isAnimationActive={false} connectNulls={false} />
              ) : (
                <Line key={s.key} dataKey={s.key} name={s.label} type={type} stroke={color} strokeWidth={2} strokeDasharray={s.dashed ? "5 4" : undefined} dot={false} isAnimationActive={false} connectNulls={false} />
              );
            })}
          </ComposedChart>
        </ResponsiveContainer>
      ) : null}
    </div>
  );
}

/** A figure with a caption: a label and a value, for report summaries. */
export function Stat({ label, value, hint, testId, tone }: { label: string; value: ReactNode; hint?: ReactNode; testId?: string; tone?: "ok" | "bad" }) {
  return (
    <div className="card wfm-stat" data-testid={testId} data-tone={tone}>
      <p className="muted">{label}</p>
      <p className="stat">{value}</p>
      {hint ? <p className="field-hint">{hint}</p> : null}
    </div>
  );
}

/** Phases and a percent bar of a running job (forecast or roster), announced politely as it moves. */
export function JobProgress({
  phases,
  current,
  fraction,
  label,
  phaseLabel,
  testId,
}: {
  phases: readonly string[];
  current: string | null;
  fraction: number;
  label: string;
  phaseLabel: (phase: string) => string;
  testId?: string;
}) {
  const at = current ? phases.indexOf(current) : -1;
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return (
    <div className="wfm-progress" data-testid={testId}>
      <progress max={100} value={pct} aria-label={label} />
      <ol className="wfm-steps" aria-label={label}>
        {phases.map((p, i) => (
          <li key={p} data-state={i < at || fraction >= 1 ? "done" : i === at ? "active" : "todo"}>
            {phaseLabel(p)}
          </li>
        ))}
      </ol>
    </div>
  );
}
