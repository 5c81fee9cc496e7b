import { Form, useFetcher, useNavigation } from "@remix-run/react";
import type { FormEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, ErrorList, FormErrors } from "~/components/forms";
import type { Language } from "~/modules/i18n/config";
import type { RosterAgentRow, RosterReportView, RosterShiftView, RosterViolationView, ShiftTemplateView } from "~/modules/wfm/views";
import { DayIntervalsFigure } from "./figures";
import type { GanttAgent, GanttShift } from "./roster-grid";
import { formatClockRange, formatFigure, formatShare, fullDay, Stat, weekDays } from "./wfm-ui";

/** The roster tab's panels: the report, refused rules, coverage against requirement, hand edits. */

export function reportTone(n: number): "ok" | "bad" {
  return n === 0 ? "ok" : "bad";
}

export function RosterReport({ report, title }: { report: RosterReportView; title: string }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const hard = report.hardViolations.length;
  return (
    <section className="stack" aria-labelledby="roster-report">
      <h2 id="roster-report">{title}</h2>
      <div className="wfm-stats" data-testid="roster-report">
        <Stat label={t("console.roster.report.hardViolations")} value={formatFigure(hard, lang, 0)} tone={reportTone(hard)} hint={t("console.roster.report.hardHint")} testId="report-hard" />
        <Stat label={t("console.roster.report.under")} value={formatFigure(report.underStaffedAgentIntervals, lang, 1)} hint={t("console.roster.report.underHint", { n: formatFigure(report.underStaffedQueueIntervals, lang, 0) })} testId="report-under" />
        <Stat label={t("console.roster.report.over")} value={formatFigure(report.overStaffedAgentIntervals, lang, 1)} testId="report-over" />
        <Stat
          label={t("console.roster.report.gap")}
          value={formatShare(report.gapToLpBound, lang, 2)}
          hint={t("console.roster.report.gapHint", { objective: formatFigure(report.objective, lang, 1), bound: formatFigure(report.lpBound, lang, 1) })}
          testId="report-gap"
        />
        <Stat label={t("console.roster.report.shifts")} value={formatFigure(report.shifts, lang, 0)} hint={t("console.roster.report.agents", { n: formatFigure(report.agentsScheduled, lang, 0) })} />
        <Stat
          label={t("console.roster.report.belowTarget")}
          value={formatFigure(report.agentsBelowTarget, lang, 0)}
          hint={t("console.roster.report.hoursShort", { n: formatFigure(report.hoursBelowTarget, lang, 1) })}
        />
      </div>
      <p className="field-hint">
        {t(`roster.status.${report.status}`)} · {t(`roster.solver.${report.solver}`)}
        {report.warnings.map((w) => ` · ${t(`roster.warnings.${w}`, { defaultValue: w })}`).join("")}
      </p>
      {hard > 0 ? <Violations violations={report.hardViolations} title={t("console.roster.report.violationsTitle")} /> : null}
    </section>
  );
}

/** Rules a roster (or an edit) breaks, each in words: the rule, whose shift, which day. */
export function Violations({ violations, title }: { violations: readonly RosterViolationView[]; title: string }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  return (
    <div className="alert alert--error" role="alert" data-testid="violations">
      <p>{title}</p>
      <ul className="wfm-refusals">
        {violations.map((v, i) => (
          <li key={i} data-code={v.code}>
            {t(v.messageKey, { defaultValue: t("console.roster.edit.ruleUnknown") })}
            {v.agentName ? ` · ${v.agentName}` : ""}
            {v.date ? ` · ${fullDay(v.date, lang)}` : ""}
          </li>
        ))}
      </ul>
    </div>
  );
}

export interface CoverageDayData {
  queueId: string | null;
  required: number[];
  inSeat: number[];
  atWork: number[];
  staffed: number[];
}

export function CoverageFigure({ coverage, intervalMinutes, title, preview }: { coverage: CoverageDayData; intervalMinutes: number; title: string; preview?: boolean }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const f = (v: number | null) => formatFigure(v, lang, 1);
  return (
    <DayIntervalsFigure
      testId={preview ? "coverage-preview" : "coverage"}
      title={title}
      caption={title}
      intervalMinutes={intervalMinutes}
      values={{ required: coverage.required, inSeat: coverage.inSeat, atWork: coverage.atWork, staffed: coverage.staffed, gap: coverage.staffed.map((s, i) => s - (coverage.inSeat[i] ?? 0)) }}
      columns={[
        { key: "required", label: t("console.roster.coverage.required"), format: f, series: { kind: "area", step: true } },
        { key: "inSeat", label: t("console.roster.coverage.inSeat"), format: f, series: { dashed: true, step: true } },
        { key: "atWork", label: t("console.roster.coverage.atWork"), format: f },
        { key: "staffed", label: t("console.roster.coverage.staffed"), format: f, series: { step: true } },
        { key: "gap", label: t("console.roster.coverage.gap"), format: (v) => (v === null ? "–" : `${v > 0.05 ? "+" : ""}${formatFigure(Math.abs(v) < 0.05 ? 0 : v, lang, 1)}`) },
      ]}
      shortWhen={(r) => (r.staffed ?? 0) < (r.inSeat ?? 0) - 0.05}
    />
  );
}

// ---------------------------------------------------------------------------------------------
// Grid data

/** Rows of the grid from the roster's agent rows (leave days, weekly hours). */
export function ganttAgents(agents: readonly RosterAgentRow[]): GanttAgent[] {
  return agents.map((a) => ({ id: a.agentId, name: a.name, leaveDays: a.leaveDays, paidMinutes: a.paidMinutes }));
}

export function ganttShifts(shifts: readonly RosterShiftView[]): GanttShift[] {
  return shifts.map((s) => ({ agentId: s.agentId, day: s.day, segments: s.segments, breaks: s.breaks, night: s.night, label: s.templateName }));
}

export function allShifts(agents: readonly RosterAgentRow[]): RosterShiftView[] {
  return agents.flatMap((a) => a.days.filter((d): d is RosterShiftView => d !== null));
}

/** The roster with a previewed edit applied: removed and changed shifts out, the changed ones in. */
export function withPreview(shifts: readonly RosterShiftView[], changed: readonly RosterShiftView[], removed: readonly string[]): RosterShiftView[] {
  const gone = new Set([...removed, ...changed.map((c) => c.id)]);
  return [...shifts.filter((s) => !gone.has(s.id)), ...changed];
}

function shiftTime(s: { segments: readonly { start: number; end: number }[] }, lang: Language) {
  const first = s.segments[0];
  const last = s.segments[s.segments.length - 1];
  return first && last ? formatClockRange(first.start, last.end, lang) : "";
}

export function templateLabel(tpl: ShiftTemplateView, lang: Language) {
  const segs = tpl.segments.map((s) => formatClockRange(s.startMinute, s.startMinute + s.durationMinutes, lang)).join(lang === "fa" ? "، " : ", ");
  return `${tpl.name} (${segs})`;
}

// ---------------------------------------------------------------------------------------------
// Hand edits

export type EditActionData =
  | { intent: "edit"; ok: true; preview: boolean; report: RosterReportView; coverage: CoverageDayData; changed: RosterShiftView[]; removed: string[] }
  | { intent: "edit"; ok: false; violations: RosterViolationView[]; errors?: string[] };

export const EDIT_FETCHER = "roster-edit";

/** "12 → 10 (−2)": a report figure before and after an edit, marked better or worse. */
function Delta({ before, after, lowerIsBetter = true }: { before: number; after: number; lowerIsBetter?: boolean }) {
  const lang = useLang();
  const d = after - before;
  const sign = Math.abs(d) < 1e-9 ? "same" : (d < 0) === lowerIsBetter ? "better" : "worse";
  return (
    <span className="wfm-delta" data-sign={sign}>
      <bdi>
        {formatFigure(before, lang, 1)} → {formatFigure(after, lang, 1)}
      </bdi>
    </span>
  );
}

/**
 * Hand edits with live coverage feedback: every complete change of a form previews the edit through
 * the backend (nothing stored) and shows what it does to coverage and the rules; "apply" stores it.
 * One fetcher shared by the forms (by key), so the route can draw the previewed roster too. Without
 * JavaScript the forms post normally and the page shows the same answer.
 */
export function EditPanel({
  rosterId,
  agents,
  templates,
  weekStart,
  report,
  viewQueue,
  viewDay,
  fallback,
}: {
  rosterId: string;
  agents: readonly RosterAgentRow[];
  templates: readonly ShiftTemplateView[];
  weekStart: string;
  report: RosterReportView;
  viewQueue: string | null;
  viewDay: number;
  /** The action's answer after a post without JavaScript. */
  fallback?: EditActionData;
}) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const fetcher = useFetcher<EditActionData>({ key: EDIT_FETCHER });
  const navigation = useNavigation();
  const days = weekDays(weekStart, lang);
  const shifts = allShifts(agents);
  const nameOf = new Map(agents.map((a) => [a.agentId, a.name]));
  const active = templates.filter((x) => x.active);
  const result = fetcher.data ?? fallback;

  const onChange = (e: FormEvent<HTMLFormElement>) => {
    const form = e.currentTarget;
    const fd = new FormData(form);
    // Preview only a complete edit: every select of the form chosen.
    const complete = [...form.querySelectorAll("select")].every((s) => s.value !== "");
    if (!complete) return;
    fd.set("mode", "preview");
    fetcher.submit(fd, { method: "post", preventScrollReset: true });
  };

  const shiftSelect = (id: string, name: string, label: string) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue="">
        <option value="">{t("console.common.choose")}</option>
        {shifts.map((s) => (
          <option key={s.id} value={s.id}>
            {nameOf.get(s.agentId)} · {days[s.day]?.weekday} {shiftTime(s, lang)}
          </option>
        ))}
      </select>
    </div>
  );
  const agentSelect = (id: string, label: string) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name="agentId" defaultValue="">
        <option value="">{t("console.common.choose")}</option>
        {agents.map((a) => (
          <option key={a.agentId} value={a.agentId}>
            {a.name}
          </option>
        ))}
      </select>
    </div>
  );
  const daySelect = (id: string) => (
    <div className="field">
      <label htmlFor={id}>{t("console.common.day")}</label>
      <select id={id} name="day" defaultValue="">
        <option value="">{t("console.common.choose")}</option>
        {days.map((d) => (
          <option key={d.day} value={d.day}>
            {d.weekday} {d.label}
          </option>
        ))}
      </select>
    </div>
  );
  const templateSelect = (id: string) => (
    <div className="field">
      <label htmlFor={id}>{t("console.roster.edit.template")}</label>
      <select id={id} name="templateId" defaultValue="">
        <option value="">{t("console.common.choose")}</option>
        {active.map((tpl) => (
          <option key={tpl.id} value={tpl.id}>
            {templateLabel(tpl, lang)}
          </option>
        ))}
      </select>
    </div>
  );
  const editForm = (kind: string, title: string, body: ReactNode) => (
    <fetcher.Form method="post" className="card form" onChange={onChange} preventScrollReset data-edit={kind} aria-label={title}>
      <h3>{title}</h3>
      <CsrfInput />
      <input type="hidden" name="intent" value="edit" />
      <input type="hidden" name="rosterId" value={rosterId} />
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="viewQueue" value={viewQueue ?? ""} />
      <input type="hidden" name="viewDay" value={viewDay} />
      {body}
      <div className="inline-form">
        <button type="submit" name="mode" value="preview" className="button button--ghost button--small" disabled={fetcher.state !== "idle"}>
          {t("console.roster.edit.preview")}
        </button>
        <button type="submit" name="mode" value="apply" className="button button--small" disabled={fetcher.state !== "idle" || navigation.state !== "idle"}>
          {t("console.roster.edit.apply")}
        </button>
      </div>
    </fetcher.Form>
  );

  return (
    <section className="stack" aria-labelledby="roster-edit">
      <h2 id="roster-edit">{t("console.roster.edit.title")}</h2>
      <p className="field-hint">{t("console.roster.edit.explain")}</p>
      <div aria-live="polite" data-testid="edit-result">
        {fetcher.state !== "idle" ? <p className="muted">{t("console.roster.edit.checking")}</p> : null}
        {result && result.ok ? (
          <div className={`alert ${result.preview ? "alert--info" : "alert--success"}`}>
            <p>{result.preview ? t("console.roster.edit.previewed") : t("console.roster.edit.applied")}</p>
            <ul className="wfm-refusals">
              <li>
                {t("console.roster.report.hardViolations")}: <Delta before={report.hardViolations.length} after={result.report.hardViolations.length} />
              </li>
              <li>
                {t("console.roster.report.under")}: <Delta before={report.underStaffedAgentIntervals} after={result.report.underStaffedAgentIntervals} />
              </li>
              <li>
                {t("console.roster.report.over")}: <Delta before={report.overStaffedAgentIntervals} after={result.report.overStaffedAgentIntervals} />
              </li>
            </ul>
          </div>
        ) : null}
        {result && !result.ok ? (
          result.violations.length > 0 ? (
            <Violations violations={result.violations} title={t("console.roster.edit.refused")} />
          ) : (
            <FormErrors errors={result.errors ?? ["validation:invalid"]} />
          )
        ) : null}
      </div>
      <div className="wfm-edit-forms">
        {editForm(
          "swap",
          t("console.roster.edit.swap"),
          <>
            {shiftSelect("swap-a", "shiftId", t("console.roster.edit.shiftA"))}
            {shiftSelect("swap-b", "otherShiftId", t("console.roster.edit.shiftB"))}
          </>,
        )}
        {editForm(
          "move",
          t("console.roster.edit.move"),
          <>
            {shiftSelect("move-shift", "shiftId", t("console.roster.edit.shift"))}
            {daySelect("move-day")}
            {templateSelect("move-template")}
          </>,
        )}
        {editForm(
          "add",
          t("console.roster.edit.add"),
          <>
            {agentSelect("add-agent", t("console.grid.agent"))}
            {daySelect("add-day")}
            {templateSelect("add-template")}
          </>,
        )}
        {editForm(
          "reassign",
          t("console.roster.edit.reassign"),
          <>
            {shiftSelect("reassign-shift", "shiftId", t("console.roster.edit.shift"))}
            {agentSelect("reassign-agent", t("console.roster.edit.toAgent"))}
          </>,
        )}
        {editForm("remove", t("console.roster.edit.remove"), shiftSelect("remove-shift", "shiftId", t("console.roster.edit.shift")))}
      </div>
    </section>
  );
}

/** Publish a draft: agents see it and are notified; refused while a hard rule is broken. */
export function PublishForm({ rosterId, disabled }: { rosterId: string; disabled: boolean }) {
  const { t } = useTranslation("wfm");
  const navigation = useNavigation();
  return (
    <Form method="post" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="publish" />
      <input type="hidden" name="rosterId" value={rosterId} />
      <button type="submit" className="button" disabled={disabled || navigation.state !== "idle"} data-testid="publish">
        {t("console.roster.publish")}
      </button>
      {disabled ? <ErrorList errors={["wfm:console.roster.publishBlocked"]} /> : null}
    </Form>
  );
}
