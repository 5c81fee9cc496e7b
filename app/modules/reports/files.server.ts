import { sql } from "kysely";
import type { Language } from "../i18n/config";
import type { Executor } from "../platform/db.server";
import { logger } from "../platform/logger.server";
import { enqueue } from "../platform/queues.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { FORMATS, type ReportFormat, type ReportParams } from "./catalog";
import { renderReportFile, reportsT } from "./exports.server";
import type { GenerateJob } from "./jobs";
import { buildReport, normalizeParams, ReportError, type ReportScope } from "./reports.server";
import type { ReportsT } from "./render";
import type { ReportData } from "./view";

/**
 * Report files: a report generated into XLSX, CSV or PDF by the `reports.generate` worker, with its
 * progress written as it goes (the page polls it) and the file kept as bytea to download. A tenant's
 * files live in report_jobs under its RLS; the bureau's (all tenants) in bureau_report_jobs. Asking
 * for another tenant's file finds nothing: the route answers 404.
 */
export const PHASES = ["queued", "collecting", "rendering", "storing", "done"] as const;
export type Phase = (typeof PHASES)[number];

export interface ReportJobView {
  id: string;
  report: string;
  params: ReportParams;
  format: ReportFormat;
  locale: Language;
  status: "queued" | "running" | "done" | "failed";
  phase: string | null;
  progress: number;
  filename: string | null;
  sizeBytes: number | null;
  error: string | null;
  periodLabel: string | null;
  subscriptionId: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const table = (scope: ReportScope) => sql.table(scope.kind === "tenant" ? "report_jobs" : "bureau_report_jobs");
const tenantWhere = (scope: ReportScope) => (scope.kind === "tenant" ? sql`tenant_id = ${scope.tenantId} and` : sql``);

export function runIn<T>(scope: ReportScope, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return scope.kind === "tenant" ? withTenant(scope.tenantId, fn) : withBureauScope(fn);
}

export const scopeOf = (tenantId: string | null): ReportScope => (tenantId ? { kind: "tenant", tenantId } : { kind: "bureau" });

export interface CreateJobInput {
  params: unknown;
  format: ReportFormat;
  locale: Language;
  requestedBy?: string | null;
  subscriptionId?: string | null;
  periodLabel?: string | null;
}

/** Stores a report job (its parameters validated and normalized) and queues its generation. */
export async function createReportJob(scope: ReportScope, input: CreateJobInput, opts: { enqueue?: boolean } = {}): Promise<string> {
  if (!(FORMATS as readonly string[]).includes(input.format)) throw new ReportError("invalidParams", { field: "format" });
  const params = normalizeParams(scope, input.params as never);
  const id = await runIn(scope, async (trx) => {
    const cols = scope.kind === "tenant" ? sql`tenant_id, ` : sql``;
    const vals = scope.kind === "tenant" ? sql`${scope.tenantId}, ` : sql``;
    const { rows } = await sql<{ id: string }>`
      insert into ${table(scope)} (${cols}report, params, format, locale, requested_by, subscription_id, period_label)
      values (${vals}${params.report}, ${JSON.stringify(params)}::jsonb, ${input.format}, ${input.locale}, ${input.requestedBy ?? null}, ${input.subscriptionId ?? null}, ${input.periodLabel ?? null})
      returning id`.execute(trx);
    return rows[0]!.id;
  });
  if (opts.enqueue !== false) await enqueue("reports.generate", { tenantId: scope.kind === "tenant" ? scope.tenantId : null, jobId: id });
  return id;
}

interface JobRow {
  id: string;
  report: string;
  params: ReportParams;
  format: ReportFormat;
  locale: Language;
  status: ReportJobView["status"];
  phase: string | null;
  progress: number;
  filename: string | null;
  size_bytes: number | null;
  error: string | null;
  period_label: string | null;
  subscription_id: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const VIEW_COLUMNS = sql.raw("id, report, params, format, locale, status, phase, progress, filename, size_bytes, error, period_label, subscription_id, created_at, finished_at");

function view(r: JobRow): ReportJobView {
  return {
    id: r.id,
    report: r.report,
    params: r.params,
    format: r.format,
    locale: r.locale,
    status: r.status,
    phase: r.phase,
    progress: r.progress,
    filename: r.filename,
    sizeBytes: r.size_bytes,
    error: r.error,
    periodLabel: r.period_label,
    subscriptionId: r.subscription_id,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getReportJob(scope: ReportScope, id: string): Promise<ReportJobView | null> {
  if (!UUID.test(id)) return null;
  return runIn(scope, async (trx) => {
    const { rows } = await sql<JobRow>`select ${VIEW_COLUMNS} from ${table(scope)} where ${tenantWhere(scope)} id = ${id}`.execute(trx);
    return rows[0] ? view(rows[0]) : null;
  });
}

export async function listReportJobs(scope: ReportScope, limit = 15): Promise<ReportJobView[]> {
  return runIn(scope, async (trx) => {
    const { rows } = await sql<JobRow>`select ${VIEW_COLUMNS} from ${table(scope)} where ${tenantWhere(scope)} true order by created_at desc limit ${limit}`.execute(trx);
    return rows.map(view);
  });
}

/** A finished job's file, or null (no such job in this scope, or not done). */
export async function reportJobFile(scope: ReportScope, id: string): Promise<{ filename: string; contentType: string; content: Buffer } | null> {
  if (!UUID.test(id)) return null;
  return runIn(scope, async (trx) => {
    const { rows } = await sql<{ filename: string; content_type: string; content: Buffer }>`
      select filename, content_type, content from ${table(scope)} where ${tenantWhere(scope)} id = ${id} and status = 'done'`.execute(trx);
    const r = rows[0];
    return r ? { filename: r.filename, contentType: r.content_type, content: r.content } : null;
  });
}

async function setProgress(scope: ReportScope, id: string, patch: { status?: string; phase?: string | null; progress?: number; error?: string | null; started?: boolean }) {
  // Outside the generation's work, on purpose: the page sees each phase as it starts.
  await runIn(scope, (trx) =>
    sql`update ${table(scope)} set
      status = coalesce(${patch.status ?? null}, status),
      phase = ${patch.phase === undefined ? sql`phase` : sql`${patch.phase}`},
      progress = coalesce(${patch.progress ?? null}::double precision, progress),
      error = ${patch.error === undefined ? sql`error` : sql`${patch.error}`},
      started_at = ${patch.started ? sql`coalesce(started_at, now())` : sql`started_at`}
      where ${tenantWhere(scope)} id = ${id}`.execute(trx),
  );
}

/** "Monthly performance report" in the reader's language. */
export function reportTitle(report: Pick<ReportData, "kind" | "span">, t: ReportsT): string {
  return t("heading.full", { span: t(`spanAdjective.${report.span}`), kind: t(`kind.${report.kind}`) });
}

/** What the figures cover, in words: the tenant (or all), the queue, agent, campaign, channel and direction chosen. */
export function scopeText(report: ReportData, t: ReportsT): string {
  const parts = [report.names.tenant ?? t("scope.allTenants")];
  if (report.names.queue) parts.push(report.names.queue);
  if (report.names.agent) parts.push(report.names.agent);
  if (report.names.campaign) parts.push(report.names.campaign);
  if (report.scope.channel) parts.push(t(`channel.${report.scope.channel}`));
  if (report.scope.direction) parts.push(t(`direction.${report.scope.direction}`));
  return parts.join(" · ");
}

/** The `reports.generate` job: collect from the rollups, render, store. A retry repeats it harmlessly. */
export async function generateReport(job: GenerateJob, ctx: { attempt?: number; maxAttempts?: number } = {}): Promise<{ status: string }> {
  const scope = scopeOf(job.tenantId);
  const row = await getReportJob(scope, job.jobId);
  if (!row) return { status: "missing" };
  if (row.status === "done") return { status: "done" };
  try {
    await setProgress(scope, job.jobId, { status: "running", phase: "collecting", progress: 0.1, error: null, started: true });
    const report = await buildReport(scope, row.params, { lang: row.locale });
    await setProgress(scope, job.jobId, { phase: "rendering", progress: 0.45 });
    const t = reportsT(row.locale);
    const file = await renderReportFile({ report, lang: row.locale, title: reportTitle(report, t), scopeText: scopeText(report, t) }, row.format);
    await setProgress(scope, job.jobId, { phase: "storing", progress: 0.9 });
    await runIn(scope, (trx) =>
      sql`update ${table(scope)} set status = 'done', phase = null, progress = 1, filename = ${file.filename}, content_type = ${file.contentType},
        content = ${file.content}, size_bytes = ${file.content.length}, period_label = coalesce(period_label, ${report.periodLabel}), finished_at = now()
        where ${tenantWhere(scope)} id = ${job.jobId}`.execute(trx),
    );
    return { status: "done" };
  } catch (err) {
    const known = err instanceof ReportError;
    const last = known || (ctx.attempt ?? 1) >= (ctx.maxAttempts ?? 1);
    logger.warn({ err, jobId: job.jobId }, "report generation failed");
    await setProgress(scope, job.jobId, { status: last ? "failed" : "queued", error: known ? err.code : "error", phase: null });
    if (known) return { status: "failed" };
    throw err;
  }
}
