import { sql } from "kysely";
import type { ReportMailJob } from "../mail/messages";
import { renderMail } from "../mail/templates.server";
import { deliverMail } from "../mail/transport.server";
import { publicUrl } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { reportsT } from "./exports.server";
import { reportJobFile, reportTitle, runIn, scopeOf } from "./files.server";
import { reportPeriod, type ReportCalendar, type Span } from "./periods";
import { periodText } from "./render";

/**
 * The `mail.send` job of a scheduled report: the stored file of the subscription's period attached,
 * the mail in the subscription's language. A file that is gone (deleted) sends nothing.
 */
export async function sendReportMail(job: ReportMailJob): Promise<{ transport: "smtp" | "outbox" | "skipped"; id: string }> {
  const scope = scopeOf(job.tenantId);
  const file = await reportJobFile(scope, job.jobId);
  const meta = await runIn(scope, async (trx) => {
    const jobs = sql.table(job.tenantId ? "report_jobs" : "bureau_report_jobs");
    const subs = sql.table(job.tenantId ? "report_subscriptions" : "bureau_report_subscriptions");
    const { rows } = await sql<{ params: { report: string; span: Span; calendar: ReportCalendar; period: string }; name: string | null; slug: string | null; tenant_name: string | null }>`
      select j.params, s.name, t.slug, t.name as tenant_name from ${jobs} j
      left join ${subs} s on s.id = j.subscription_id
      left join tenants t on t.id = ${job.tenantId}
      where j.id = ${job.jobId}`.execute(trx);
    return rows[0] ?? null;
  });
  if (!file || !meta) {
    logger.warn({ jobId: job.jobId }, "report mail not sent: no such report file");
    return { transport: "skipped", id: "" };
  }
  const t = reportsT(job.locale);
  const p = meta.params;
  const period = reportPeriod(p.span, p.period, p.calendar);
  const mail = await renderMail(job, {
    report: {
      title: reportTitle({ kind: p.report as never, span: p.span }, t),
      period: periodText({ span: p.span, calendar: p.calendar, periodLabel: period.label, startDay: period.startDay, endDay: period.endDay }, job.locale, t),
      scope: meta.tenant_name ?? t("scope.allTenants"),
      subscription: meta.name ?? "",
      file,
      url: `${publicUrl()}${meta.slug ? `/t/${meta.slug}/reports` : "/bureau/reports"}`,
    },
  });
  return deliverMail(mail);
}
