import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { formatDateTime } from "~/modules/i18n/format";
import type { WfmRunView } from "~/modules/wfm/views";
import { formatFigure, formatShare, fullDay, JobProgress, usePolling } from "./wfm-ui";

/** The phases a run goes through, in order: what the progress strip shows. */
export const RUN_PHASES = {
  forecast: ["history", "forecast", "backtest", "store"],
  roster: ["prepare", "lowerBound", "optimise", "assign", "breaks", "report"],
} as const;

/** Roster phases are the engine's (wfm:roster.phases), forecast phases the job's (wfm:runs.phases). */
function phaseName(t: (k: string) => string, kind: WfmRunView["kind"], phase: string) {
  return t(kind === "roster" ? `roster.phases.${phase}` : `runs.phases.${phase}`);
}

export function RunStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation("wfm");
  const tone = status === "done" ? " badge--ok" : status === "failed" ? " badge--off" : " badge--draft";
  return <span className={`badge${tone}`}>{t(`runs.status.${status}`)}</span>;
}

/** One run's progress: phases, percent, and while optimising the best objective and the solver's gap. */
export function RunProgress({ run }: { run: WfmRunView }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const phases = RUN_PHASES[run.kind];
  const live = run.status === "queued" || run.status === "running";
  return (
    <div className="stack" data-testid="run-progress" data-status={run.status}>
      <JobProgress
        phases={phases}
        current={run.phase}
        fraction={run.status === "done" ? 1 : run.progress}
        label={t("console.runs.progressLabel", { pct: formatShare(run.status === "done" ? 1 : run.progress, lang, 0) })}
        phaseLabel={(p) => phaseName(t, run.kind, p)}
      />
      <p aria-live="polite" className="muted">
        {formatShare(run.status === "done" ? 1 : run.progress, lang, 0)}
        {run.phase && live ? ` · ${phaseName(t, run.kind, run.phase)}` : ""}
        {live && run.objective !== null ? ` · ${t("console.runs.objective", { value: formatFigure(run.objective, lang, 1) })}` : ""}
        {live && run.mipGap !== null ? ` · ${t("console.runs.mipGap", { gap: formatShare(run.mipGap, lang, 2) })}` : ""}
      </p>
      {run.error ? <p className="field-errors">{t(`runs.errors.${run.error}`, { defaultValue: t("console.runs.failed") })}</p> : null}
    </div>
  );
}

/** Runs of one kind, newest first; reloads the page every 1.5 s while one is queued or running. */
export function RunsTable({ runs, poll }: { runs: readonly WfmRunView[]; poll: boolean }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  usePolling(poll, 1500);
  if (runs.length === 0) return <p className="muted">{t("console.runs.none")}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="runs">
        <thead>
          <tr>
            <th scope="col">{t("console.runs.started")}</th>
            <th scope="col">{t("console.runs.week")}</th>
            <th scope="col">{t("console.runs.status")}</th>
            <th scope="col">{t("console.runs.progress")}</th>
            <th scope="col">{t("console.runs.result")}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id} data-status={run.status}>
              <th scope="row">
                {formatDateTime(run.createdAt, lang)}
                {run.startedByName ? <span className="muted"> · {run.startedByName}</span> : null}
              </th>
              <td>{run.weekStart ? fullDay(run.weekStart, lang) : "–"}</td>
              <td>
                <RunStatusBadge status={run.status} />
              </td>
              <td>
                <RunProgress run={run} />
              </td>
              <td>
                <RunResult run={run} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunResult({ run }: { run: WfmRunView }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const r = run.result;
  if (!r) return <>–</>;
  if (r.kind === "forecast") {
    return <>{t("console.runs.forecastResult", { count: r.queues.length, n: formatFigure(r.queues.length, lang), weeks: formatFigure(r.weeks, lang) })}</>;
  }
  return (
    <div>
      <Link to={`/bureau/wfm/roster?roster=${r.rosterId}${run.weekStart ? `&week=${run.weekStart}` : ""}`}>{t("console.runs.openRoster")}</Link>
      <p className="muted">
        {t("console.runs.rosterResult", {
          violations: formatFigure(r.hardViolations, lang),
          under: formatFigure(r.underStaffedAgentIntervals, lang),
          gap: formatShare(r.gapToLpBound, lang, 2),
        })}
      </p>
    </div>
  );
}
