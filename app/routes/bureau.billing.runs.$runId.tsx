import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Money, periodTitle, RUN_STEPS, RunStatusBadge, usePoll } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { runDetail } from "~/modules/billing/console.server";
import { toWire } from "~/modules/billing/wire";
import { bureauCtx } from "~/modules/bureau/context.server";
import { NotFoundError } from "~/modules/bureau/errors";
import { isUuid } from "~/modules/bureau/http.server";
import { formatDateTime, formatNumber } from "~/modules/i18n/format";

/** One billing run: each tenant's step as its close goes collect -> rate -> lines -> SLA credit -> VAT -> totals -> finalize, live. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "billing.read");
  if (!isUuid(params.runId)) notFound();
  try {
    const { run, settings } = await runDetail(bureauCtx(auth, request), params.runId);
    return { run: toWire(run), display: settings.currencyDisplay, timeZone: settings.timeZone };
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

type Item = ReturnType<typeof useLoaderData<typeof loader>>["run"]["items"][number];

function stepState(item: Item, step: (typeof RUN_STEPS)[number]): "done" | "active" | "todo" {
  if (item.status === "done") return "done";
  if (item.status !== "running" || !item.step) return "todo";
  const at = RUN_STEPS.indexOf(item.step as (typeof RUN_STEPS)[number]);
  const i = RUN_STEPS.indexOf(step);
  return i < at ? "done" : i === at ? "active" : "todo";
}

export default function RunPage() {
  const { run, display, timeZone } = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  const lang = useLang();
  const live = run.status === "running" || run.status === "queued";
  usePoll(live, 1000);
  const steps = run.finalize ? RUN_STEPS : RUN_STEPS.filter((s) => s !== "finalize");
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="muted" style={{ margin: 0 }}>
            <Link to="/bureau/billing/runs">{t("console.runs.back")}</Link>
          </p>
          <h2>{t("console.runs.runTitle", { period: periodTitle(run.periodLabel, run.calendar, lang) })}</h2>
        </div>
        <RunStatusBadge status={run.status} />
      </div>
      <p aria-live="polite" data-testid="run-progress">
        {t("console.runs.progressValue", { done: formatNumber(run.tenantsDone, lang), failed: formatNumber(run.tenantsFailed, lang), total: formatNumber(run.tenantsTotal, lang) })}
        {live ? ` ${t("console.runs.live")}` : ""}
      </p>
      <p className="muted">
        {run.finalize ? t("console.runs.finalizeYes") : t("console.runs.finalizeNo")} · {formatDateTime(run.createdAt, lang, timeZone)}
        {run.finishedAt ? ` – ${formatDateTime(run.finishedAt, lang, timeZone)}` : ""}
      </p>
      <div className="table-wrap">
        <table data-testid="run-items">
          <thead>
            <tr>
              <th scope="col">{t("console.runs.tenant")}</th>
              <th scope="col">{t("console.runs.status")}</th>
              <th scope="col">{t("console.runs.steps")}</th>
              <th scope="col">{t("console.runs.invoice")}</th>
              <th scope="col" className="num">
                {t("invoice.total")}
              </th>
            </tr>
          </thead>
          <tbody>
            {run.items.map((item) => (
              <tr key={item.tenantId} data-status={item.status}>
                <th scope="row">{item.tenantName}</th>
                <td>
                  <RunStatusBadge status={item.status} />
                  {item.error ? <p className="field-errors">{t(`errors.${item.error}`, { defaultValue: t("console.runs.failedUnknown") })}</p> : null}
                </td>
                <td>
                  <ol className="billing-steps" aria-label={t("console.runs.steps")}>
                    {steps.map((s) => (
                      <li key={s} data-state={stepState(item, s)}>
                        {t(`console.runs.step.${s}`)}
                      </li>
                    ))}
                  </ol>
                </td>
                <td>
                  {item.invoiceId ? (
                    <Link to={`/bureau/billing/invoices/${item.tenantId}/${item.invoiceId}`}>{item.number ?? t("invoice.statuses.draft")}</Link>
                  ) : item.status === "skipped" ? (
                    t("console.runs.skipped")
                  ) : (
                    "–"
                  )}
                </td>
                <td className="num">{item.total !== null ? <Money value={item.total} currency={item.currency} display={display} /> : "–"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
