import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import type { CoverageHoleView, LeaveRequestView, RosterShiftView } from "~/modules/wfm/views";
import { ClockText, formatClockRange, formatFigure, fullDay, weekdayOf } from "./wfm-ui";
import { formatDateTime } from "~/modules/i18n/format";

/** Pieces shared by the planner's request list and the agent's own: when, which shift, what status. */

export function RequestStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation("wfm");
  const tone = status === "approved" ? " badge--ok" : status === "rejected" ? " badge--off" : status === "pending" ? " badge--draft" : "";
  return (
    <span className={`badge${tone}`} data-status={status}>
      {t(`requests.status.${status}`)}
    </span>
  );
}

/** "شنبه ۱ آذر ۱۴۰۵ – دوشنبه ۳ آذر ۱۴۰۵", or one day with its hours. */
export function LeaveWhen({ request }: { request: Pick<LeaveRequestView, "fromDate" | "toDate" | "fromMinute" | "toMinute"> }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const day = (d: string) => `${weekdayOf(d, lang)} ${fullDay(d, lang)}`;
  if (request.fromMinute !== null && request.toMinute !== null) {
    return (
      <>
        {day(request.fromDate)} <ClockText lang={lang} text={formatClockRange(request.fromMinute, request.toMinute, lang)} />
      </>
    );
  }
  if (request.fromDate === request.toDate) return <>{day(request.fromDate)}</>;
  const days = Math.round((Date.parse(`${request.toDate}T00:00:00Z`) - Date.parse(`${request.fromDate}T00:00:00Z`)) / 86_400_000) + 1;
  return (
    <>
      {day(request.fromDate)} – {day(request.toDate)} <span className="muted">({t("console.common.days", { count: days, n: formatFigure(days, lang, 0) })})</span>
    </>
  );
}

/** "شنبه ۱ آذر، ۰۷:۰۰–۱۵:۰۰ (شب)" */
export function ShiftLabel({ shift }: { shift: Pick<RosterShiftView, "date" | "segments" | "night" | "templateName"> }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const first = shift.segments[0];
  const last = shift.segments[shift.segments.length - 1];
  return (
    <span className="nowrap">
      {weekdayOf(shift.date, lang)} {fullDay(shift.date, lang)} {first && last ? <ClockText lang={lang} text={formatClockRange(first.start, last.end, lang)} /> : null}
      {shift.night ? <span className="wfm-mark wfm-mark--night"> {t("console.grid.night")}</span> : null}
    </span>
  );
}

/** The intervals a decision left short in the published roster, per queue: a warning, not a refusal. */
export function HolesWarning({ holes, queueName }: { holes: readonly CoverageHoleView[]; queueName: (id: string) => string }) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  if (holes.length === 0) return null;
  const shown = holes.slice(0, 12);
  return (
    <div className="alert alert--warning" role="status" data-testid="coverage-holes">
      <p>{t("console.leave.holes", { count: holes.length, n: formatFigure(holes.length, lang, 0) })}</p>
      <ul className="wfm-refusals">
        {shown.map((h, i) => (
          <li key={i}>
            {queueName(h.queueId)} · <bdi>{formatDateTime(h.startsAt, lang)}</bdi> · {t("console.leave.holeShort", { short: formatFigure(h.short, lang, 1), required: formatFigure(h.required, lang, 1) })}
          </li>
        ))}
      </ul>
      {holes.length > shown.length ? <p>{t("console.leave.holesMore", { n: formatFigure(holes.length - shown.length, lang, 0) })}</p> : null}
    </div>
  );
}
