import { sql } from "kysely";
import type { Language } from "../i18n/config";
import type { Executor } from "../platform/db.server";
import { logger } from "../platform/logger.server";
import { enqueue } from "../platform/queues.server";
import { withBureauScope } from "../tenancy/scope.server";
import { paramsFromSearch, reportParamsSchema, type ReportFormat } from "./catalog";
import { createReportJob, generateReport, getReportJob, runIn, scopeOf } from "./files.server";
import { deliverJobId, type DeliverJob } from "./jobs";
import type { ReportCalendar } from "./periods";
import { ReportError, type ReportScope } from "./reports.server";
import { nextRunAt, periodForRun, SPAN_OF, subscriptionSchema, type Frequency, type SubscriptionInput } from "./subscriptions";

/**
 * Subscriptions to scheduled reports, a tenant's own (RLS) or the bureau's. The `reports.schedule`
 * job (every minute) finds the ones due, queues one `reports.deliver` per subscription and period
 * (a deterministic job id: a second tick or worker queues nothing twice) and moves them to their
 * next period's end, in one transaction per subscription. Delivery renders the report into a
 * stored file (its progress visible like any generation) and mails it to each recipient, the file
 * attached (mail.send, template "report").
 */
export interface SubscriptionView {
  id: string;
  name: string;
  report: string;
  params: Record<string, string>;
  frequency: Frequency;
  calendar: ReportCalendar;
  format: ReportFormat;
  locale: Language;
  recipients: string[];
  timeZone: string;
  active: boolean;
  nextRunAt: Date;
  lastPeriodLabel: string | null;
  lastJobId: string | null;
  createdAt: Date;
}

const table = (scope: ReportScope) => sql.table(scope.kind === "tenant" ? "report_subscriptions" : "bureau_report_subscriptions");
const tenantWhere = (scope: ReportScope) => (scope.kind === "tenant" ? sql`tenant_id = ${scope.tenantId} and` : sql``);

interface Row {
  id: string;
  tenant_id?: string;
  name: string;
  report: string;
  params: Record<string, string>;
  frequency: Frequency;
  calendar: ReportCalendar;
  format: ReportFormat;
  locale: Language;
  recipients: string[];
  time_zone: string;
  active: boolean;
  next_run_at: Date;
  last_period_label: string | null;
  last_job_id: string | null;
  created_at: Date;
}

const view = (r: Row): SubscriptionView => ({
  id: r.id,
  name: r.name,
  report: r.report,
  params: r.params,
  frequency: r.frequency,
  calendar: r.calendar,
  format: r.format,
  locale: r.locale,
  recipients: r.recipients,
  timeZone: r.time_zone,
  active: r.active,
  nextRunAt: r.next_run_at,
  lastPeriodLabel: r.last_period_label,
  lastJobId: r.last_job_id,
  createdAt: r.created_at,
});

async function zoneOf(trx: Executor, scope: ReportScope): Promise<string> {
  if (scope.kind === "tenant") return (await trx.selectFrom("tenants").select("time_zone").where("id", "=", scope.tenantId).executeTakeFirstOrThrow()).time_zone;
  return (await trx.selectFrom("bureau_settings").select("time_zone").executeTakeFirst())?.time_zone ?? "Asia/Tehran";
}

export class SubscriptionInvalid extends Error {
  constructor(readonly fields: Record<string, string[]>) {
    super("invalid subscription");
  }
}

/**
 * Validates and stores a subscription. The report's filters are checked by the report schema (a
 * tenant's subscription always reports on that tenant). Returns its id.
 */
export async function createSubscription(scope: ReportScope, input: SubscriptionInput, actorUserId: string | null, now = new Date()): Promise<string> {
  const parsed = subscriptionSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fields[String(i.path[0] ?? "form")] ??= []).push(i.message);
    throw new SubscriptionInvalid(fields);
  }
  const s = parsed.data;
  const params = paramsFromSearch(new URLSearchParams(s.params));
  delete params.period;
  delete params.span;
  const check = reportParamsSchema.safeParse({ ...params, report: s.report, span: SPAN_OF[s.frequency], calendar: s.calendar });
  if (!check.success) throw new SubscriptionInvalid({ params: check.error.issues.map((i) => i.path.join(".")) });
  if (scope.kind === "tenant") params.tenant = scope.tenantId;
  return runIn(scope, async (trx) => {
    const zone = await zoneOf(trx, scope);
    const cols = scope.kind === "tenant" ? sql`tenant_id, ` : sql``;
    const vals = scope.kind === "tenant" ? sql`${scope.tenantId}, ` : sql``;
    const { rows } = await sql<{ id: string }>`
      insert into ${table(scope)} (${cols}name, report, params, frequency, calendar, format, locale, recipients, time_zone, next_run_at, created_by)
      values (${vals}${s.name}, ${s.report}, ${JSON.stringify(params)}::jsonb, ${s.frequency}, ${s.calendar}, ${s.format}, ${s.locale},
        ${s.recipients}::text[], ${zone}, ${nextRunAt(s.frequency, s.calendar, zone, now)}, ${actorUserId})
      returning id`.execute(trx);
    return rows[0]!.id;
  });
}

export async function listSubscriptions(scope: ReportScope): Promise<SubscriptionView[]> {
  return runIn(scope, async (trx) => {
    const { rows } = await sql<Row>`select * from ${table(scope)} where ${tenantWhere(scope)} true order by created_at`.execute(trx);
    return rows.map(view);
  });
}

/** Removes a subscription of this scope; false when it has none by that id (another tenant's included). */
export async function deleteSubscription(scope: ReportScope, id: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  return runIn(scope, async (trx) => {
    const r = await sql`delete from ${table(scope)} where ${tenantWhere(scope)} id = ${id}`.execute(trx);
    return Number(r.numAffectedRows ?? 0) > 0;
  });
}

/** The `reports.schedule` tick: every due subscription's period queued for delivery, once. */
export async function scheduleDue(now = new Date(), limit = 50): Promise<{ queued: number }> {
  let queued = 0;
  for (const kind of ["tenant", "bureau"] as const) {
    for (let i = 0; i < limit; i++) {
      const job = await withBureauScope(async (trx) => {
        const t = sql.table(kind === "tenant" ? "report_subscriptions" : "bureau_report_subscriptions");
        const { rows } = await sql<Row>`
          select * from ${t} where active and next_run_at <= ${now} order by next_run_at limit 1 for update skip locked`.execute(trx);
        const s = rows[0];
        if (!s) return null;
        const period = periodForRun(s.frequency, s.calendar, s.time_zone, s.next_run_at);
        // The next period's end: from this run, not from now, so a late tick sends each period once.
        const next = nextRunAt(s.frequency, s.calendar, s.time_zone, s.next_run_at);
        await sql`update ${t} set next_run_at = ${next}, last_period_label = ${period.label} where id = ${s.id}`.execute(trx);
        return { tenantId: kind === "tenant" ? s.tenant_id! : null, subscriptionId: s.id, periodLabel: period.label } satisfies DeliverJob;
      });
      if (!job) break;
      await enqueue("reports.deliver", job, { jobId: deliverJobId(job) });
      queued++;
    }
  }
  return { queued };
}

/**
 * A subscription's report for one period: generated into a stored file (the subscription's format
 * and language), then one mail per recipient with the file attached. Idempotent per period: a
 * retry finds the file already made and queues the same mail ids (mail.send ignores duplicates).
 */
export async function deliverSubscription(job: DeliverJob): Promise<{ jobId: string | null; mails: number }> {
  const scope = scopeOf(job.tenantId);
  const sub = await runIn(scope, async (trx) => {
    const { rows } = await sql<Row>`select * from ${table(scope)} where ${tenantWhere(scope)} id = ${job.subscriptionId}`.execute(trx);
    return rows[0] ?? null;
  });
  if (!sub) {
    logger.warn({ subscriptionId: job.subscriptionId }, "report subscription gone; nothing delivered");
    return { jobId: null, mails: 0 };
  }
  const existing = await runIn(scope, async (trx) => {
    const { rows } = await sql<{ id: string }>`
      select id from ${sql.table(scope.kind === "tenant" ? "report_jobs" : "bureau_report_jobs")}
      where ${tenantWhere(scope)} subscription_id = ${sub.id} and period_label = ${job.periodLabel} order by created_at desc limit 1`.execute(trx);
    return rows[0]?.id ?? null;
  });
  const params = { ...sub.params, report: sub.report, span: SPAN_OF[sub.frequency], calendar: sub.calendar, period: job.periodLabel };
  const jobId =
    existing ??
    (await createReportJob(scope, { params, format: sub.format, locale: sub.locale, subscriptionId: sub.id, periodLabel: job.periodLabel }, { enqueue: false }));
  const result = await generateReport({ tenantId: job.tenantId, jobId });
  const done = await getReportJob(scope, jobId);
  if (result.status !== "done" || done?.status !== "done") throw new ReportError("invalidParams", { jobId, status: done?.status });
  await runIn(scope, (trx) => sql`update ${table(scope)} set last_job_id = ${jobId} where ${tenantWhere(scope)} id = ${sub.id}`.execute(trx));
  for (const to of sub.recipients) {
    await enqueue("mail.send", { template: "report", tenantId: job.tenantId, jobId, subscriptionId: sub.id, to, locale: sub.locale });
  }
  return { jobId, mails: sub.recipients.length };
}
