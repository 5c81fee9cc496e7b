import { sql } from "kysely";
import { db, type Executor } from "../platform/db.server";
import { logger } from "../platform/logger.server";
import { enqueue } from "../platform/queues.server";
import { withBureauScope } from "../tenancy/scope.server";
import { closeTenantPeriod, type CloseStep } from "./close.server";
import { BillingError } from "./errors";
import type { CloseJob } from "./jobs";
import { isPeriodLabel, periodContaining, previousPeriod, type BillingCalendar } from "./periods";

/**
 * A billing run: the close of one period for many tenants, one BullMQ job per tenant
 * (`billing.close`), with each tenant's step recorded as it starts so the console shows progress.
 * Runs are started by a manager, by the API, or by the schedule on the first day of a month (the
 * Gregorian or the Jalali one, as the bureau bills).
 */
export interface StartRunInput {
  periodLabel: string;
  calendar: BillingCalendar;
  finalize: boolean;
  tenantIds?: readonly string[];
  trigger?: "manual" | "schedule" | "api";
  actorUserId?: string | null;
}

/** Creates the run and its items (in bureau scope: the caller checked billing.manage) and queues a job per tenant. */
export async function startBillingRun(input: StartRunInput): Promise<{ runId: string; tenants: number }> {
  if (!isPeriodLabel(input.periodLabel)) throw new BillingError("invalidPeriod", { period: input.periodLabel });
  const { runId, tenantIds } = await withBureauScope(async (trx) => {
    const tenants = await trx
      .selectFrom("tenants")
      .select("id")
      .where("status", "=", "active")
      .$if(input.tenantIds !== undefined, (qb) => qb.where("id", "in", [...input.tenantIds!, "00000000-0000-0000-0000-000000000000"]))
      // Only tenants with a contract: the others have nothing to invoice.
      .where((eb) => eb.exists(eb.selectFrom("rate_plan_versions as v").select("v.version").whereRef("v.tenant_id", "=", "tenants.id")))
      .orderBy("name")
      .execute();
    const run = await trx
      .insertInto("billing_runs")
      .values({
        period_label: input.periodLabel,
        calendar: input.calendar,
        finalize: input.finalize,
        status: tenants.length ? "running" : "done",
        tenants_total: tenants.length,
        trigger: input.trigger ?? "manual",
        started_by: input.actorUserId ?? null,
        finished_at: tenants.length ? null : new Date(),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (tenants.length) await trx.insertInto("billing_run_items").values(tenants.map((t) => ({ tenant_id: t.id, run_id: run.id }))).execute();
    return { runId: run.id, tenantIds: tenants.map((t) => t.id) };
  });
  for (const tenantId of tenantIds) {
    await enqueue(
      "billing.close",
      { runId, tenantId, periodLabel: input.periodLabel, calendar: input.calendar, finalize: input.finalize, actorUserId: input.actorUserId ?? null },
      { jobId: `close-${runId}-${tenantId}` },
    );
  }
  return { runId, tenants: tenantIds.length };
}

async function setItem(runId: string, tenantId: string, patch: { status?: string; step?: CloseStep | null; invoice_id?: string | null; error?: string | null }) {
  // Outside the close's transaction, on purpose: the console sees each step as it starts.
  await withBureauScope((trx) =>
    trx
      .updateTable("billing_run_items")
      .set({ ...patch, updated_at: new Date() })
      .where("run_id", "=", runId)
      .where("tenant_id", "=", tenantId)
      .execute(),
  );
}

/** One tenant's close, as the worker runs it. A retry after a crash repeats it harmlessly. */
export async function handleCloseJob(job: CloseJob, ctx: { attempt: number; maxAttempts?: number }): Promise<void> {
  await setItem(job.runId, job.tenantId, { status: "running", step: null, error: null });
  try {
    const result = await closeTenantPeriod(job.tenantId, job.calendar, job.periodLabel, {
      finalize: job.finalize,
      actorUserId: job.actorUserId,
      onStep: (step) => setItem(job.runId, job.tenantId, { step }),
    });
    await setItem(job.runId, job.tenantId, { status: result.status === "skipped" ? "skipped" : "done", step: null, invoice_id: result.invoiceId });
    if (result.invoiceId && (result.status === "finalized" || result.status === "unchanged")) {
      const { queueAfterFinalize } = await import("./after-finalize.server");
      await queueAfterFinalize(job.tenantId, result.invoiceId);
    }
    await finishItem(job.runId, "done");
  } catch (err) {
    const code = err instanceof BillingError ? err.code : "error";
    logger.warn({ err, runId: job.runId, tenantId: job.tenantId }, "billing close failed");
    const last = ctx.attempt >= (ctx.maxAttempts ?? 3);
    await setItem(job.runId, job.tenantId, { status: last || err instanceof BillingError ? "failed" : "queued", error: code });
    if (err instanceof BillingError) {
      await finishItem(job.runId, "failed");
      return; // bad data, not a transient fault: retrying would fail the same way
    }
    if (last) await finishItem(job.runId, "failed");
    throw err;
  }
}

async function finishItem(runId: string, outcome: "done" | "failed") {
  await withBureauScope(async (trx) => {
    await sql`
      update billing_runs r set
        tenants_done = (select count(*) from billing_run_items i where i.run_id = r.id and i.status in ('done', 'skipped')),
        tenants_failed = (select count(*) from billing_run_items i where i.run_id = r.id and i.status = 'failed')
      where r.id = ${runId}`.execute(trx);
    await sql`
      update billing_runs set status = case when tenants_failed > 0 then 'failed' else 'done' end, finished_at = now()
      where id = ${runId} and status = 'running' and tenants_done + tenants_failed >= tenants_total`.execute(trx);
  });
  void outcome;
}

export interface RunView {
  id: string;
  periodLabel: string;
  calendar: BillingCalendar;
  finalize: boolean;
  status: string;
  trigger: string;
  tenantsTotal: number;
  tenantsDone: number;
  tenantsFailed: number;
  createdAt: Date;
  finishedAt: Date | null;
  items: { tenantId: string; tenantName: string; tenantSlug: string; status: string; step: string | null; invoiceId: string | null; error: string | null; total: bigint | null; number: string | null }[];
}

export async function listRuns(trx: Executor, limit = 20): Promise<Omit<RunView, "items">[]> {
  const rows = await trx.selectFrom("billing_runs").selectAll().orderBy("created_at", "desc").limit(limit).execute();
  return rows.map((r) => ({
    id: r.id,
    periodLabel: r.period_label,
    calendar: r.calendar as BillingCalendar,
    finalize: r.finalize,
    status: r.status,
    trigger: r.trigger,
    tenantsTotal: r.tenants_total,
    tenantsDone: r.tenants_done,
    tenantsFailed: r.tenants_failed,
    createdAt: r.created_at,
    finishedAt: r.finished_at,
  }));
}

export async function runView(trx: Executor, runId: string): Promise<RunView | null> {
  const run = await trx.selectFrom("billing_runs").selectAll().where("id", "=", runId).executeTakeFirst();
  if (!run) return null;
  const items = await trx
    .selectFrom("billing_run_items as i")
    .innerJoin("tenants as t", "t.id", "i.tenant_id")
    .leftJoin("invoices as inv", (j) => j.onRef("inv.tenant_id", "=", "i.tenant_id").onRef("inv.id", "=", "i.invoice_id"))
    .select(["i.tenant_id", "t.name", "t.slug", "i.status", "i.step", "i.invoice_id", "i.error", "inv.total", "inv.number"])
    .where("i.run_id", "=", runId)
    .orderBy("t.name")
    .execute();
  return {
    id: run.id,
    periodLabel: run.period_label,
    calendar: run.calendar as BillingCalendar,
    finalize: run.finalize,
    status: run.status,
    trigger: run.trigger,
    tenantsTotal: run.tenants_total,
    tenantsDone: run.tenants_done,
    tenantsFailed: run.tenants_failed,
    createdAt: run.created_at,
    finishedAt: run.finished_at,
    items: items.map((i) => ({
      tenantId: i.tenant_id,
      tenantName: i.name,
      tenantSlug: i.slug,
      status: i.status,
      step: i.step,
      invoiceId: i.invoice_id,
      error: i.error,
      total: i.total === null ? null : BigInt(i.total),
      number: i.number,
    })),
  };
}

/**
 * The schedule (a daily job at 00:30 Asia/Tehran): on the first day of the bureau's billing month,
 * close and finalize the month that just ended, once (a second scheduled run of the same period
 * is not started).
 */
export async function scheduledClose(at = new Date()): Promise<{ runId: string } | null> {
  const settings = await db().selectFrom("bureau_settings").select(["billing_calendar", "time_zone"]).executeTakeFirst();
  const calendar = (settings?.billing_calendar ?? "gregorian") as BillingCalendar;
  const zone = settings?.time_zone ?? "Asia/Tehran";
  const current = periodContaining(at, calendar, zone);
  // Only on the period's first local day.
  if (at.getTime() - current.start.getTime() >= 86_400_000) return null;
  const ended = previousPeriod(current, zone);
  const already = await withBureauScope((trx) =>
    trx.selectFrom("billing_runs").select("id").where("period_label", "=", ended.label).where("calendar", "=", calendar).where("trigger", "=", "schedule").executeTakeFirst(),
  );
  if (already) return null;
  const run = await startBillingRun({ periodLabel: ended.label, calendar, finalize: true, trigger: "schedule" });
  return { runId: run.runId };
}
