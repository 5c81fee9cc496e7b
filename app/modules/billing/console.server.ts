import { sql } from "kysely";
import { recordAudit } from "../auth/audit.server";
import { asBureau, PermissionDenied } from "../auth/bureau.server";
import { can } from "../auth/permissions";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { NotFoundError } from "../bureau/errors";
import type { Executor, Trx } from "../platform/db.server";
import { listQueues } from "../queues/queues.server";
import { slCountsByQueue } from "../routing/sla.server";
import { queueAfterFinalize } from "./after-finalize.server";
import { BillingError } from "./errors";
import type { InvoiceStatus, InvoiceView, PaymentView } from "./invoice-view";
import { finalizeInvoiceIn, issueCreditNoteIn, listInvoices, loadInvoiceView, recordPaymentIn, voidInvoiceIn, type InvoiceSummary } from "./invoices.server";
import { billingPeriod, nextPeriod, periodContaining, previousPeriod, type BillingCalendar, type BillingPeriod } from "./periods";
import { USAGE_KINDS, type RatePlanVersion, type UsageKind } from "./plan";
import { addPlanVersion, listPlanVersions, versionAt, type StoredPlanVersion } from "./plans.server";
import { previewInvoice, type InvoicePreview } from "./preview";
import { periodSegments, type UsageItem } from "./rating";
import { listRuns, runView, startBillingRun, type RunView } from "./runs.server";
import { billingSettings, type BillingSettings } from "./settings.server";

/**
 * The bureau console's billing section: every function checks its bureau permission (asBureau:
 * "billing.read" to look, "billing.manage" to change) and every change is audited in the same
 * transaction as the change. Routes only parse, call these and render.
 */

export interface TenantRef {
  id: string;
  name: string;
  slug: string;
  status: string;
  timeZone: string;
  currency: string;
}

async function tenantRef(trx: Executor, tenantId: string): Promise<TenantRef> {
  const row = await trx.selectFrom("tenants").select(["id", "name", "slug", "status", "time_zone", "currency"]).where("id", "=", tenantId).executeTakeFirst();
  if (!row) throw new NotFoundError("tenant");
  return { id: row.id, name: row.name, slug: row.slug, status: row.status, timeZone: row.time_zone, currency: row.currency };
}

async function allTenants(trx: Executor): Promise<TenantRef[]> {
  const rows = await trx.selectFrom("tenants").select(["id", "name", "slug", "status", "time_zone", "currency"]).orderBy("name").execute();
  return rows.map((r) => ({ id: r.id, name: r.name, slug: r.slug, status: r.status, timeZone: r.time_zone, currency: r.currency }));
}

/** The periods ending before `now`'s, newest first: what a close or a revenue chart is about. */
export function recentPeriods(calendar: BillingCalendar, timeZone: string, now: Date, count: number, opts: { includeCurrent?: boolean } = {}): BillingPeriod[] {
  const out: BillingPeriod[] = [];
  let p = periodContaining(now, calendar, timeZone);
  if (opts.includeCurrent) out.push(p);
  while (out.length < count) {
    p = previousPeriod(p, timeZone);
    out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Overview

export interface RevenueCell {
  periodLabel: string;
  /** Net of VAT and of credit notes (minor units). */
  net: bigint;
}

export interface RevenueByCurrency {
  currency: string;
  /** Oldest first, as a chart reads. */
  periods: string[];
  tenants: { tenantId: string; tenantName: string; cells: RevenueCell[]; total: bigint }[];
  totals: RevenueCell[];
  outstanding: bigint;
  overdue: bigint;
  outstandingCount: number;
  overdueCount: number;
}

export interface BillingOverview {
  settings: BillingSettings;
  currencies: RevenueByCurrency[];
  drafts: number;
  runningRuns: number;
}

/**
 * Revenue by tenant and month over the last twelve closed periods of the bureau's calendar: the
 * subtotals (before VAT, which is the state's) of finalized, sent and paid invoices, less their
 * credit notes, in the period the invoice covers. Outstanding: what finalized and sent invoices still
 * wait for (total less payments and credit notes); overdue: those past their due date.
 */
export async function billingOverview(ctx: BureauCtx, now = new Date()): Promise<BillingOverview> {
  const settings = await billingSettings();
  const periods = recentPeriods(settings.calendar, settings.timeZone, now, 12).reverse();
  const labels = periods.map((p) => p.label);
  return asBureau(ctx, "billing.read", async (trx) => {
    const revenue = await trx
      .selectFrom("invoices as i")
      .innerJoin("tenants as t", "t.id", "i.tenant_id")
      .select(["i.tenant_id", "t.name", "i.currency", "i.period_label", sql<string>`sum(i.subtotal)::text`.as("net")])
      .where("i.calendar", "=", settings.calendar)
      .where("i.period_label", "in", labels)
      .where("i.status", "in", ["finalized", "sent", "paid"])
      .groupBy(["i.tenant_id", "t.name", "i.currency", "i.period_label"])
      .execute();
    const open = await sql<{ currency: string; balance: string; overdue: boolean }>`
      select i.currency, (i.total - i.amount_paid - coalesce(c.credited, 0))::text as balance,
        (i.due_at is not null and i.due_at < ${now}) as overdue
      from invoices i
      left join lateral (
        select -sum(n.total) as credited from invoices n
        where n.tenant_id = i.tenant_id and n.credit_for_invoice_id = i.id and n.status <> 'void'
      ) c on true
      where i.kind = 'invoice' and i.status in ('finalized', 'sent')`.execute(trx);
    const drafts = await trx.selectFrom("invoices").select(sql<number>`count(*)::int`.as("n")).where("status", "=", "draft").executeTakeFirstOrThrow();
    const running = await trx.selectFrom("billing_runs").select(sql<number>`count(*)::int`.as("n")).where("status", "in", ["queued", "running"]).executeTakeFirstOrThrow();

    const byCurrency = new Map<string, RevenueByCurrency>();
    const bucket = (currency: string) => {
      let b = byCurrency.get(currency);
      if (!b) {
        b = { currency, periods: labels, tenants: [], totals: labels.map((l) => ({ periodLabel: l, net: 0n })), outstanding: 0n, overdue: 0n, outstandingCount: 0, overdueCount: 0 };
        byCurrency.set(currency, b);
      }
      return b;
    };
    for (const r of revenue) {
      const b = bucket(r.currency);
      let tenant = b.tenants.find((x) => x.tenantId === r.tenant_id);
      if (!tenant) {
        tenant = { tenantId: r.tenant_id, tenantName: r.name, cells: labels.map((l) => ({ periodLabel: l, net: 0n })), total: 0n };
        b.tenants.push(tenant);
      }
      const i = labels.indexOf(r.period_label);
      const net = BigInt(r.net);
      tenant.cells[i]!.net += net;
      tenant.total += net;
      b.totals[i]!.net += net;
    }
    for (const r of open.rows) {
      const balance = BigInt(r.balance);
      if (balance <= 0n) continue;
      const b = bucket(r.currency);
      b.outstanding += balance;
      b.outstandingCount++;
      if (r.overdue) {
        b.overdue += balance;
        b.overdueCount++;
      }
    }
    const currencies = [...byCurrency.values()].sort((a, b) => (a.currency === "IRR" ? -1 : b.currency === "IRR" ? 1 : a.currency.localeCompare(b.currency)));
    for (const c of currencies) c.tenants.sort((a, b) => (b.total > a.total ? 1 : b.total < a.total ? -1 : a.tenantName.localeCompare(b.tenantName)));
    return { settings, currencies, drafts: drafts.n, runningRuns: running.n };
  });
}

// ---------------------------------------------------------------------------------------------------
// Plans

export interface TenantPlanRow {
  tenant: TenantRef;
  current: { version: number; effectiveFrom: Date; currency: string; baseFee: bigint } | null;
  next: { version: number; effectiveFrom: Date } | null;
  versions: number;
}

/** Every tenant with the plan version in force now and the next one scheduled, if any. */
export async function tenantPlans(ctx: BureauCtx, now = new Date()): Promise<TenantPlanRow[]> {
  return asBureau(ctx, "billing.read", async (trx) => {
    const tenants = await allTenants(trx);
    const rows = await trx
      .selectFrom("rate_plan_versions")
      .select(["tenant_id", "version", "effective_from", sql<string | null>`definition->>'currency'`.as("currency"), sql<string | null>`definition->>'baseFee'`.as("base_fee")])
      .orderBy("effective_from")
      .execute();
    return tenants.map((tenant) => {
      const mine = rows.filter((r) => r.tenant_id === tenant.id);
      const past = mine.filter((r) => r.effective_from.getTime() <= now.getTime());
      const cur = past[past.length - 1];
      const nxt = mine.find((r) => r.effective_from.getTime() > now.getTime());
      return {
        tenant,
        current: cur ? { version: cur.version, effectiveFrom: cur.effective_from, currency: cur.currency ?? "IRR", baseFee: BigInt(cur.base_fee ?? "0") } : null,
        next: nxt ? { version: nxt.version, effectiveFrom: nxt.effective_from } : null,
        versions: mine.length,
      };
    });
  });
}

export interface PlanEditorData {
  tenant: TenantRef;
  settings: BillingSettings;
  versions: StoredPlanVersion[];
  current: StoredPlanVersion | null;
  /** The last version by effective date (possibly scheduled): a new version starts from its terms. */
  latest: StoredPlanVersion | null;
  period: BillingPeriod;
  /** The end of the last finalized period: a new version may not take effect before it. */
  closedThrough: Date | null;
  /** The first local day a new version may sensibly start: the next period's first day. */
  suggestedStart: Date;
  queues: { key: string; name: string }[];
  canManage: boolean;
}

async function closedThrough(trx: Executor, tenantId: string): Promise<Date | null> {
  const row = await trx
    .selectFrom("invoices")
    .select(sql<Date | null>`max(period_end)`.as("end"))
    .where("tenant_id", "=", tenantId)
    .where("kind", "=", "invoice")
    .where("status", "not in", ["draft", "void"])
    .executeTakeFirst();
  return row?.end ?? null;
}

/** The tenant a billing page is about (404 when there is none). */
export async function billingTenant(ctx: BureauCtx, tenantId: string): Promise<TenantRef> {
  return asBureau(ctx, "billing.read", (trx) => tenantRef(trx, tenantId));
}

export async function planEditor(ctx: BureauCtx, tenantId: string, now = new Date()): Promise<PlanEditorData> {
  const settings = await billingSettings();
  const data = await asBureau(ctx, "billing.read", async (trx) => {
    const tenant = await tenantRef(trx, tenantId);
    const versions = await listPlanVersions(trx, tenantId);
    const period = periodContaining(now, settings.calendar, tenant.timeZone);
    return { tenant, versions, period, closed: await closedThrough(trx, tenantId) };
  });
  const queues = (await listQueues(tenantId)).map((q) => ({ key: q.key, name: q.name }));
  const zone = data.tenant.timeZone;
  const latest = data.versions[data.versions.length - 1] ?? null;
  // The next period's first day, or the one after the latest scheduled version's if that is later.
  let suggested = nextPeriod(data.period, zone);
  if (latest && latest.effectiveFrom.getTime() >= suggested.start.getTime()) suggested = nextPeriod(periodContaining(latest.effectiveFrom, settings.calendar, zone), zone);
  return {
    tenant: data.tenant,
    settings,
    versions: data.versions,
    current: versionAt(data.versions, now),
    latest,
    period: data.period,
    closedThrough: data.closed,
    suggestedStart: suggested.start,
    queues,
    canManage: can(ctx.actor, "billing.manage"),
  };
}

/**
 * Usage of [from, to) per kind, summed in buckets cut at `bounds` (ascending, bounds[0] = from), each
 * stamped at its bucket's start: inside whatever plan segment the bucket belongs to, as long as every
 * segment start is one of the bounds. The same sums the close collects, cut finer.
 */
async function usageInBuckets(trx: Executor, tenantId: string, bounds: readonly Date[], to: Date): Promise<UsageItem[]> {
  if (bounds.length === 0 || to.getTime() <= bounds[0]!.getTime()) return [];
  const { rows } = await sql<{ kind: string; bucket: number; quantity: string }>`
    select kind, width_bucket(extract(epoch from occurred_at), ${bounds.map((b) => b.getTime() / 1000)}::float8[]) as bucket,
      sum(quantity)::text as quantity
    from usage_events
    where tenant_id = ${tenantId} and occurred_at >= ${bounds[0]!} and occurred_at < ${to}
    group by 1, 2`.execute(trx);
  const items: UsageItem[] = [];
  for (const r of rows) {
    const quantity = Number(r.quantity);
    if (!(USAGE_KINDS as readonly string[]).includes(r.kind) || quantity === 0) continue;
    if (!Number.isSafeInteger(quantity)) throw new BillingError("invalidQuantity", { kind: r.kind, quantity: r.quantity });
    items.push({ kind: r.kind as UsageKind, quantity, occurredAt: bounds[r.bucket - 1]! });
  }
  return items;
}

export interface PlanPreview {
  period: BillingPeriod;
  asOf: Date;
  /** The period as the stored versions rate it; null when the tenant has no plan for it yet. */
  current: InvoicePreview | null;
  proposed: InvoicePreview;
  /** The proposed version starts after this period: it is shown as if it had been in force all of it. */
  asIfWholePeriod: boolean;
}

/**
 * The running period rated with the proposed version beside the stored ones: usage so far, the
 * invoice if the period ended now, and at the pace so far. A refusal the save would make (a closed
 * period, an effective instant already taken) comes back as the BillingError the save would throw.
 */
export async function previewPlanVersion(ctx: BureauCtx, tenantId: string, proposed: RatePlanVersion, now = new Date()): Promise<PlanPreview> {
  const settings = await billingSettings();
  return asBureau(ctx, "billing.read", async (trx) => {
    const tenant = await tenantRef(trx, tenantId);
    const stored = (await listPlanVersions(trx, tenantId)).map((v) => v.plan);
    const closed = await closedThrough(trx, tenantId);
    if (closed && proposed.effectiveFrom.getTime() < closed.getTime()) throw new BillingError("periodClosed", { effectiveFrom: proposed.effectiveFrom.toISOString() });
    if (stored.some((v) => v.effectiveFrom.getTime() === proposed.effectiveFrom.getTime())) {
      throw new BillingError("duplicateEffectiveFrom", { effectiveFrom: proposed.effectiveFrom.toISOString() });
    }
    const zone = tenant.timeZone;
    const period = periodContaining(now, settings.calendar, zone);
    const asIfWholePeriod = proposed.effectiveFrom.getTime() >= period.end.getTime();
    const next = { ...proposed, version: Math.max(0, ...stored.map((v) => v.version ?? 0)) + 1 };
    // A version that starts after this period says nothing about it: rate the period with it alone.
    const proposedSet = asIfWholePeriod ? [{ ...next, effectiveFrom: period.start }] : [...stored, next];
    const inForce = (set: readonly RatePlanVersion[]) => set.length > 0 && !set.every((v) => v.effectiveFrom.getTime() >= period.end.getTime());
    const currentSet = inForce(stored) ? stored : null;
    const segmentStarts = [
      ...periodSegments(proposedSet, period.start, period.end, zone).map((s) => s.from),
      ...(currentSet ? periodSegments(currentSet, period.start, period.end, zone).map((s) => s.from) : []),
    ];
    const bounds = [...new Set(segmentStarts.map((d) => d.getTime()))].sort((a, b) => a - b).map((t) => new Date(t));
    const usage = await usageInBuckets(trx, tenantId, bounds, now);
    const sla = (await slCountsByQueue(trx, tenantId, period.start, now)).map((q) => ({ queueKey: q.queueKey, counts: q.counts }));
    const rate = (set: readonly RatePlanVersion[]) => {
      const from = periodSegments(set, period.start, period.end, zone)[0]!.from.getTime();
      return previewInvoice({
        versions: set,
        usage: usage.filter((u) => u.occurredAt.getTime() >= from),
        sla,
        periodStart: period.start,
        periodEnd: period.end,
        timeZone: zone,
        asOf: now,
      });
    };
    return { period, asOf: now, current: currentSet ? rate(currentSet) : null, proposed: rate(proposedSet), asIfWholePeriod };
  });
}

/** Adds the version (audited with the tenant's log); PlanInvalid / BillingError propagate to the form. */
export async function savePlanVersion(ctx: BureauCtx, tenantId: string, input: unknown, note: string): Promise<StoredPlanVersion> {
  return asBureau(ctx, "billing.manage", async (trx) => {
    await tenantRef(trx, tenantId);
    const saved = await addPlanVersion(trx, tenantId, input, { note, actorUserId: ctx.actor.userId });
    await recordAudit(trx, {
      tenantId,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "billing.plan.version_added",
      target: { type: "rate_plan_version", id: String(saved.version) },
      data: { version: saved.version, effectiveFrom: saved.effectiveFrom.toISOString(), currency: saved.plan.currency, note },
    });
    return saved;
  });
}

// ---------------------------------------------------------------------------------------------------
// Runs

export interface RunsPage {
  settings: BillingSettings;
  /** Choosable periods, newest first: the running one (drafts only) and the last twelve. */
  periods: BillingPeriod[];
  /** The period a month-end close is normally about: the last one that ended. */
  defaultPeriod: string;
  runs: Omit<RunView, "items">[];
  tenants: { id: string; name: string; hasPlan: boolean }[];
  canManage: boolean;
}

export async function runsPage(ctx: BureauCtx, now = new Date()): Promise<RunsPage> {
  const settings = await billingSettings();
  const periods = recentPeriods(settings.calendar, settings.timeZone, now, 13, { includeCurrent: true });
  return asBureau(ctx, "billing.read", async (trx) => {
    const runs = await listRuns(trx, 30);
    const tenants = await allTenants(trx);
    const withPlan = new Set((await trx.selectFrom("rate_plan_versions").select("tenant_id").distinct().execute()).map((r) => r.tenant_id));
    return {
      settings,
      periods,
      defaultPeriod: periods[1]!.label,
      runs,
      tenants: tenants.filter((t) => t.status === "active").map((t) => ({ id: t.id, name: t.name, hasPlan: withPlan.has(t.id) })),
      canManage: can(ctx.actor, "billing.manage"),
    };
  });
}

export class RunRefused extends Error {
  constructor(
    public readonly field: "periodLabel" | "tenantIds",
    public readonly code: "periodNotEnded" | "noTenants",
  ) {
    super(`run refused: ${code}`);
  }
}

/**
 * Starts a close of one period in the bureau's calendar for all active tenants with a plan, or the
 * chosen ones. Finalizing a period that has not ended is refused here, before any job is queued,
 * rather than failing tenant by tenant in the worker.
 */
export async function startRun(ctx: BureauCtx, input: { periodLabel: string; finalize: boolean; tenantIds?: string[] }, now = new Date()): Promise<{ runId: string; tenants: number }> {
  if (!can(ctx.actor, "billing.manage")) throw new PermissionDenied("billing.manage");
  const settings = await billingSettings();
  const period = billingPeriod(settings.calendar, input.periodLabel, settings.timeZone);
  if (input.finalize && period.end.getTime() > now.getTime()) throw new RunRefused("periodLabel", "periodNotEnded");
  if (input.tenantIds && input.tenantIds.length === 0) throw new RunRefused("tenantIds", "noTenants");
  const run = await startBillingRun({ periodLabel: input.periodLabel, calendar: settings.calendar, finalize: input.finalize, tenantIds: input.tenantIds, trigger: "manual", actorUserId: ctx.actor.userId });
  // startBillingRun commits its own transaction before queueing the jobs; the record follows it.
  await asBureau(ctx, "billing.manage", (trx) =>
    recordAudit(trx, {
      tenantId: null,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "billing.run.started",
      target: { type: "billing_run", id: run.runId },
      data: { periodLabel: input.periodLabel, calendar: settings.calendar, finalize: input.finalize, tenants: run.tenants, chosen: input.tenantIds ?? null },
    }),
  );
  return run;
}

export type RunDetail = Omit<RunView, "items"> & { items: (RunView["items"][number] & { currency: string })[] };

export async function runDetail(ctx: BureauCtx, runId: string): Promise<{ run: RunDetail; settings: BillingSettings }> {
  const settings = await billingSettings();
  const run = await asBureau(ctx, "billing.read", async (trx) => {
    const view = await runView(trx, runId);
    if (!view) return null;
    // runView leaves out the currency each total is in; the tenant's is the invoice's.
    const currencies = new Map((await allTenants(trx)).map((t) => [t.id, t.currency]));
    return { ...view, items: view.items.map((i) => ({ ...i, currency: currencies.get(i.tenantId) ?? "IRR" })) };
  });
  if (!run) throw new NotFoundError("billing run");
  return { run, settings };
}

// ---------------------------------------------------------------------------------------------------
// Invoices

export interface InvoiceListFilter {
  tenantId?: string;
  status?: InvoiceStatus;
  periodLabel?: string;
}

export async function consoleInvoices(ctx: BureauCtx, filter: InvoiceListFilter): Promise<{ invoices: InvoiceSummary[]; tenants: { id: string; name: string }[]; periodLabels: string[]; settings: BillingSettings }> {
  const settings = await billingSettings();
  return asBureau(ctx, "billing.read", async (trx) => {
    const invoices = await listInvoices(trx, { ...filter, limit: 300 });
    const tenants = (await allTenants(trx)).map((t) => ({ id: t.id, name: t.name }));
    const labels = await trx.selectFrom("invoices").select("period_label").distinct().orderBy("period_label", "desc").limit(36).execute();
    return { invoices, tenants, periodLabels: labels.map((l) => l.period_label), settings };
  });
}

export interface InvoiceDetail {
  invoice: InvoiceView;
  creditNotes: { id: string; number: string | null; status: InvoiceStatus; total: bigint; reason: string; issuedAt: Date | null }[];
  canManage: boolean;
}

/** One tenant's invoice; another tenant's id, or none, is NotFound (the route answers 404). */
export async function consoleInvoice(ctx: BureauCtx, tenantId: string, invoiceId: string): Promise<InvoiceDetail> {
  return asBureau(ctx, "billing.read", async (trx) => {
    const invoice = await loadInvoiceView(trx, tenantId, invoiceId);
    if (!invoice) throw new NotFoundError("invoice");
    const notes = await trx
      .selectFrom("invoices")
      .select(["id", "number", "status", "total", "reason", "issued_at"])
      .where("tenant_id", "=", tenantId)
      .where("credit_for_invoice_id", "=", invoiceId)
      .orderBy("created_at")
      .execute();
    return {
      invoice,
      creditNotes: notes.map((n) => ({ id: n.id, number: n.number, status: n.status as InvoiceStatus, total: BigInt(n.total), reason: n.reason, issuedAt: n.issued_at })),
      canManage: can(ctx.actor, "billing.manage"),
    };
  });
}

/** Runs one invoice change with its audit record; a missing invoice is NotFound, not a BillingError. */
async function invoiceWrite<T>(ctx: BureauCtx, tenantId: string, invoiceId: string, action: string, fn: (trx: Trx) => Promise<{ result: T; data: Record<string, unknown> }>): Promise<T> {
  try {
    return await asBureau(ctx, "billing.manage", async (trx) => {
      const { result, data } = await fn(trx);
      await recordAudit(trx, { tenantId, actor: auditActor(ctx), ip: ctx.ip, action, target: { type: "invoice", id: invoiceId }, data });
      return result;
    });
  } catch (error) {
    if (error instanceof BillingError && error.code === "invoiceNotFound") throw new NotFoundError("invoice");
    throw error;
  }
}

export async function finalizeInvoice(ctx: BureauCtx, tenantId: string, invoiceId: string): Promise<{ number: string }> {
  const result = await invoiceWrite(ctx, tenantId, invoiceId, "billing.invoice.finalized", async (trx) => {
    const r = await finalizeInvoiceIn(trx, tenantId, invoiceId);
    return { result: r, data: { number: r.number } };
  });
  // What follows a finalization (document, mail, Stripe) is queued after the commit, as after a close.
  await queueAfterFinalize(tenantId, invoiceId);
  return result;
}

export async function voidInvoice(ctx: BureauCtx, tenantId: string, invoiceId: string, reason: string): Promise<{ deleted: boolean }> {
  return invoiceWrite(ctx, tenantId, invoiceId, "billing.invoice.voided", async (trx) => {
    const before = await trx.selectFrom("invoices").select(["status", "number"]).where("tenant_id", "=", tenantId).where("id", "=", invoiceId).executeTakeFirst();
    if (!before) throw new BillingError("invoiceNotFound");
    await voidInvoiceIn(trx, tenantId, invoiceId, reason);
    // A draft is removed rather than voided: it never had a number to account for.
    return { result: { deleted: before.status === "draft" }, data: { reason, status: before.status, number: before.number } };
  });
}

export interface PaymentEntry {
  amount: bigint;
  method: PaymentView["method"];
  reference: string;
  receivedAt: Date;
  note: string;
}

export async function recordPayment(ctx: BureauCtx, tenantId: string, invoiceId: string, entry: PaymentEntry): Promise<{ status: InvoiceStatus }> {
  return invoiceWrite(ctx, tenantId, invoiceId, "billing.payment.recorded", async (trx) => {
    const r = await recordPaymentIn(trx, tenantId, invoiceId, { ...entry, actorUserId: ctx.actor.userId });
    return {
      result: { status: r.status },
      data: { paymentId: r.paymentId, amount: entry.amount.toString(), method: entry.method, reference: entry.reference, receivedAt: entry.receivedAt.toISOString(), status: r.status },
    };
  });
}

export async function issueCreditNote(ctx: BureauCtx, tenantId: string, invoiceId: string, entry: { netAmount: bigint; reason: string }): Promise<{ creditNoteId: string; number: string }> {
  const note = await invoiceWrite(ctx, tenantId, invoiceId, "billing.credit_note.issued", async (trx) => {
    const r = await issueCreditNoteIn(trx, tenantId, invoiceId, { ...entry, actorUserId: ctx.actor.userId });
    return { result: { creditNoteId: r.creditNoteId, number: r.number }, data: { creditNoteId: r.creditNoteId, number: r.number, netAmount: entry.netAmount.toString(), total: r.total.toString(), reason: entry.reason } };
  });
  // A credit note is finalized when issued: its document and mail follow, like an invoice's.
  await queueAfterFinalize(tenantId, note.creditNoteId);
  return note;
}
