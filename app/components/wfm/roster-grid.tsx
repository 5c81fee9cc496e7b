import type { CSSProperties } from "react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import type { Language } from "~/modules/i18n/config";
import { localizeDigits } from "~/modules/i18n/format";
import { ClockText, DAYS_PER_WEEK, formatClock, formatClockRange, formatHours, MINUTES_PER_DAY, weekDays } from "./wfm-ui";

/**
 * The roster as a Gantt-style week grid: one row per agent, one column per day of the roster week
 * (Saturday first), each cell a 24-hour track with the shift's worked time, its breaks cut out,
 * and the part of a night shift after midnight drawn at the start of the next day's track. Bars are
 * placed with inset-inline-start, so in Persian the whole grid mirrors with the page: days run right
 * to left and so does time inside a day, and a night shift flows on into the next column. The bars
 * are aria-hidden; every cell also says in text what the bar shows (times, night, breaks, leave).
 */

export interface GanttAgent {
  id: string;
  name: string;
  /** Roster days (0 = Saturday) on approved leave. */
  leaveDays?: readonly number[];
  /** Hours of leave inside a day (hourly leave), in minutes of that day. */
  leaveWindows?: readonly { day: number; fromMinute: number; toMinute: number }[];
  /** Paid minutes rostered this week, shown beside the name. */
  paidMinutes?: number;
}

export interface GanttShift {
  agentId: string;
  /** The day the shift starts on (0 = Saturday); it may run past midnight. */
  day: number;
  /** Week minutes from Saturday 00:00 local, [start, end) per worked segment. */
  segments: readonly { start: number; end: number }[];
  breaks: readonly { kind: "meal" | "short"; start: number; end: number }[];
  night: boolean;
  /** The template's name, when the page has one ("07-15"). */
  label?: string;
}

export interface RosterGridProps {
  /** The Saturday that starts the roster week (YYYY-MM-DD, local). */
  weekStart: string;
  agents: readonly GanttAgent[];
  shifts: readonly GanttShift[];
  caption: string;
  /** Cells an edit touches, outlined so a planner sees what a preview changed. */
  highlight?: readonly { agentId: string; day: number }[];
  testId?: string;
}

interface Piece {
  from: number;
  to: number;
  kind: "work" | "break" | "leave";
  night: boolean;
  continued: boolean;
}

const pct = (minutes: number) => `${((minutes / MINUTES_PER_DAY) * 100).toFixed(3)}%`;
const place = (from: number, to: number): CSSProperties => ({ insetInlineStart: pct(from), inlineSize: pct(Math.max(0, to - from)) });

/** The parts of a week-minute range that fall inside `day`, in minutes of that day. */
function clip(start: number, end: number, day: number): { from: number; to: number } | null {
  const dayStart = day * MINUTES_PER_DAY;
  const from = Math.max(start, dayStart);
  const to = Math.min(end, dayStart + MINUTES_PER_DAY);
  return to > from ? { from: from - dayStart, to: to - dayStart } : null;
}

/** Each cell's pieces: worked time, breaks over it and hourly leave, for one agent. */
export function cellPieces(shifts: readonly GanttShift[], agent: GanttAgent, day: number): Piece[] {
  const out: Piece[] = [];
  for (const s of shifts) {
    if (s.agentId !== agent.id) continue;
    // A shift starts on its day and can reach into the next; beyond Friday it leaves this week.
    if (s.day !== day && s.day !== day - 1) continue;
    const continued = s.day !== day;
    for (const seg of s.segments) {
      const c = clip(seg.start, seg.end, day);
      if (c) out.push({ ...c, kind: "work", night: s.night, continued });
    }
    for (const b of s.breaks) {
      const c = clip(b.start, b.end, day);
      if (c) out.push({ ...c, kind: "break", night: s.night, continued });
    }
  }
  for (const w of agent.leaveWindows ?? []) {
    if (w.day === day) out.push({ from: w.fromMinute, to: w.toMinute, kind: "leave", night: false, continued: false });
  }
  return out;
}

/** The shift's times; a split shift as its parts ("07:00–11:00، 17:00–21:00"), each kept on one line. */
export function ShiftTimes({ shift, lang }: { shift: Pick<GanttShift, "segments">; lang: Language }) {
  const parts = shift.segments.map((seg) => formatClockRange(seg.start, seg.end, lang));
  return (
    <>
      {parts.map((p, i) => (
        <ClockText key={i} lang={lang} text={i < parts.length - 1 ? `${p}${lang === "fa" ? "،" : ","}` : p} />
      ))}
    </>
  );
}

export function RosterGrid({ weekStart, agents, shifts, caption, highlight, testId }: RosterGridProps) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const days = weekDays(weekStart, lang);
  const marked = new Set((highlight ?? []).map((h) => `${h.agentId}:${h.day}`));
  const scale = [0, 6, 12, 18];
  return (
    <div className="table-wrap wfm-gantt-wrap">
      <table className="wfm-gantt" data-testid={testId ?? "roster-grid"}>
        <caption className="wfm-gantt__caption">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="wfm-gantt__agent-col">
              {t("console.grid.agent")}
            </th>
            {days.map((d) => (
              <th key={d.day} scope="col" data-day={d.day} data-date={d.date} data-weekend={d.friday ? "true" : undefined}>
                <span className="wfm-gantt__weekday">{d.weekday}</span> <span className="wfm-gantt__date muted">{d.label}</span>
                <span className="wfm-gantt__scale" aria-hidden="true">
                  {scale.map((h) => (
                    <span key={h} style={{ insetInlineStart: pct(h * 60) }}>
                      {localizeDigits(String(h).padStart(2, "0"), lang)}
                    </span>
                  ))}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {agents.length === 0 ? (
            <tr>
              <td colSpan={DAYS_PER_WEEK + 1} className="muted">
                {t("console.grid.empty")}
              </td>
            </tr>
          ) : null}
          {agents.map((agent) => (
            <tr key={agent.id} data-agent={agent.id}>
              <th scope="row" className="wfm-gantt__agent">
                <span>{agent.name}</span>
                {agent.paidMinutes !== undefined ? <span className="muted wfm-gantt__hours">{t("console.grid.hours", { n: formatHours(agent.paidMinutes, lang) })}</span> : null}
              </th>
              {days.map((d) => {
                const own = shifts.find((s) => s.agentId === agent.id && s.day === d.day);
                const leave = agent.leaveDays?.includes(d.day) ?? false;
                const partLeave = agent.leaveWindows?.filter((w) => w.day === d.day) ?? [];
                const pieces = cellPieces(shifts, agent, d.day);
                const changed = marked.has(`${agent.id}:${d.day}`);
                const carried = pieces.filter((p) => p.continued && p.kind === "work").reduce((m, p) => Math.max(m, p.to), 0);
                const classes = ["wfm-gantt__cell", leave ? "wfm-gantt__cell--leave" : "", own?.night ? "wfm-gantt__cell--night" : "", changed ? "wfm-gantt__cell--changed" : ""].filter(Boolean).join(" ");
                return (
                  <td
                    key={d.day}
                    className={classes}
                    data-day={d.day}
                    data-leave={leave ? "true" : undefined}
                    data-night={own?.night ? "true" : undefined}
                    data-shift={own ? "true" : undefined}
                    data-changed={changed ? "true" : undefined}
                  >
                    <div className="wfm-gantt__track" aria-hidden="true">
                      {pieces.map((p, i) => (
                        <span
                          key={i}
                          className={`wfm-gantt__${p.kind}${p.kind === "work" && p.night ? " wfm-gantt__work--night" : ""}${p.continued ? " wfm-gantt__piece--continued" : ""}`}
                          style={place(p.from, p.to)}
                        />
                      ))}
                    </div>
                    <div className="wfm-gantt__text">
                      {leave ? <span className="wfm-mark wfm-mark--leave">{t("console.grid.leave")}</span> : null}
                      {own ? <ShiftTimes shift={own} lang={lang} /> : null}
                      {own?.night ? (
                        <span className="wfm-mark wfm-mark--night">
                          <span aria-hidden="true">☾ </span>
                          {t("console.grid.night")}
                        </span>
                      ) : null}
                      {partLeave.map((w, i) => (
                        <span key={i} className="wfm-mark wfm-mark--leave">
                          {t("console.grid.leaveHours", { range: formatClockRange(w.fromMinute, w.toMinute, lang) })}
                        </span>
                      ))}
                      {own && own.breaks.length > 0 ? (
                        <span className="visually-hidden">
                          {t("console.grid.breaks", {
                            list: own.breaks.map((b) => `${t(`console.grid.breakKinds.${b.kind}`)} ${formatClockRange(b.start, b.end, lang)}`).join(lang === "fa" ? "، " : ", "),
                          })}
                        </span>
                      ) : null}
                      {/* The morning after a night shift is not a day off: say until when the night runs. */}
                      {!own && carried ? <span className="muted">{t("console.grid.continued", { time: formatClock(carried, lang) })}</span> : null}
                      {!own && !carried && !leave && partLeave.length === 0 ? <span className="muted">{t("console.grid.off")}</span> : null}
                    </div>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="wfm-legend" aria-label={t("console.grid.legend")}>
        <li>
          <span className="wfm-legend__swatch wfm-gantt__work" aria-hidden="true" />
          {t("console.grid.legendWork")}
        </li>
        <li>
          <span className="wfm-legend__swatch wfm-gantt__work wfm-gantt__work--night" aria-hidden="true" />
          {t("console.grid.legendNight")}
        </li>
        <li>
          <span className="wfm-legend__swatch wfm-gantt__break" aria-hidden="true" />
          {t("console.grid.legendBreak")}
        </li>
        <li>
          <span className="wfm-legend__swatch wfm-gantt__leave" aria-hidden="true" />
          {t("console.grid.legendLeave")}
        </li>
      </ul>
    </div>
  );
}
