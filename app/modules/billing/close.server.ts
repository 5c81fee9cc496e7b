import { sql } from "kysely";
import { isLanguage } from "../i18n/config";
import type { Executor, Trx } from "../platform/db.server";
import { slCountsByQueue } from "../routing/sla.server";
import { withBureauScope } from "../tenancy/scope.server";
import { BillingError } from "./errors";
import { finalizeInvoiceIn } from "./invoices.server";
import { billingPeriod, type BillingCalendar, type BillingPeriod } from "./periods";
import { listPlanVersions } from "./plans.server";
import { periodSegments, ratePeriod, type RatedInvoice, type UsageItem } from "./rating";
import { USAGE_KINDS, type UsageKind } from "./plan";
import { previewInvoice, type InvoicePreview } from "./preview";

/**
 * The monthly close of one tenant, in one transaction: collect usage -> rate -> lines -> SLA credit
 * -> VAT -> totals (-> finalize and number). Concurrent closes of the same tenant and period queue on
 * the invoice row; a re-run refreshes a draft and leaves a finalized invoice as it is (idempotent).
 */
export const CLOSE_STEPS = ["collect", "rate", "lines", "slaCredit", "vat", "totals", "finalize"] as const;
export type CloseStep = (typeof CLOSE_STEPS)[number];

export interface CloseOptions {
  finalize: boolean;
  actorUserId?: string | null;
  /** Progress: called as each step starts (the BullMQ job reports it to the console). */
  onStep?: (step: CloseStep) => void | Promise<void>;
  now?: Date;
}

export interface CloseResult {
  tenantId: string;
  invoiceId: string | null;
  status: "draft" | "finalized" | "unchanged" | "skipped";
  number: string | null;
  total: bigint;
  /** Why a tenant was skipped: it has no plan for the period. */
  reason?: "noPlan";
}

interface TenantRow {
  id: string;
  time_zone: string;
  default_locale: string;
  currency: string;
}

/** Usage of [from, to) per kind, split at the plan's version changes (one item per kind and segment). */
async function collectUsage(trx: Executor, tenantId: string, boundaries: readonly Date[], to: Date): Promise<{ items: UsageItem[]; count: number }> {
  const { rows } = await sql<{ kind: string; segment: number; quantity: string; n: number }>`/* hk:billing-collect */
    select kind, width_bucket(extract(epoch from occurred_at), ${boundaries.map((b) => b.getTime() / 1000)}::float8[]) as segment,
      sum(quantity)::text as quantity, count(*)::int as n
    from usage_events
    where tenant_id = ${tenantId} and occurred_at >= ${boundaries[0]!} and occurred_at < ${to}
    group by 1, 2`.execute(trx);
  let count = 0;
  const items: UsageItem[] = [];
  for (const r of rows) {
    count += r.n;
    const q = Number(r.quantity);
    if (!Number.isSafeInteger(q)) throw new BillingError("invalidQuantity", { kind: r.kind, quantity: r.quantity });
    if (q === 0 || !(USAGE_KINDS as readonly string[]).includes(r.kind)) continue;
    // Stamped at its segment's start: inside the segment, which is all rating needs to know.
    items.push({ kind: r.kind as UsageKind, quantity: q, occurredAt: boundaries[r.segment - 1]! });
  }
  return { items, count };
}

/** Everything the rating needs for a tenant and period, read in the caller's transaction. */
export async function rateTenantPeriod(trx: Executor, tenant: TenantRow, period: BillingPeriod): Promise<{ rated: RatedInvoice; usageEvents: number } | null> {
  const versions = (await listPlanVersions(trx, tenant.id)).map((v) => v.plan);
  if (versions.length === 0 || versions.every((v) => v.effectiveFrom >= period.end)) return null;
  const segments = periodSegments(versions, period.start, period.end, tenant.time_zone);
  const usage = await collectUsage(
    trx,
    tenant.id,
    segments.map((s) => s.from),
    period.end,
  );
  const sla = await slCountsByQueue(trx, tenant.id, period.start, period.end);
  const rated = ratePeriod({
    versions,
    usage: usage.items,
    sla: sla.map((q) => ({ queueKey: q.queueKey, counts: q.counts })),
    periodStart: period.start,
    periodEnd: period.end,
    timeZone: tenant.time_zone,
  });
  return { rated, usageEvents: usage.count };
}

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x));

async function tenantRow(trx: Executor, tenantId: string): Promise<TenantRow> {
  const t = await trx.selectFrom("tenants").select(["id", "time_zone", "default_locale", "currency"]).where("id", "=", tenantId).executeTakeFirst();
  if (!t) throw new BillingError("invoiceNotFound");
  return t;
}

export async function closeTenantPeriod(tenantId: string, calendar: BillingCalendar, periodLabel: string, opts: CloseOptions): Promise<CloseResult> {
  return withBureauScope((trx) => closeTenantPeriodIn(trx, tenantId, calendar, periodLabel, opts));
}

export async function closeTenantPeriodIn(trx: Trx, tenantId: string, calendar: BillingCalendar, periodLabel: string, opts: CloseOptions): Promise<CloseResult> {
  const now = opts.now ?? new Date();
  const tenant = await tenantRow(trx, tenantId);
  const period = billingPeriod(calendar, periodLabel, tenant.time_zone);
  if (opts.finalize && period.end.getTime() > now.getTime()) throw new BillingError("periodNotEnded", { period: periodLabel });
  const step = async (s: CloseStep) => opts.onStep?.(s);

  // The period's live invoice, created as an empty draft if there is none. Two closes at once: the
  // second waits on the first's uncommitted row (unique index), then on its lock.
  await trx
    .insertInto("invoices")
    .values({
      tenant_id: tenantId,
      kind: "invoice",
      period_start: period.start,
      period_end: period.end,
      period_label: period.label,
      calendar,
      currency: tenant.currency,
      time_zone: tenant.time_zone,
      locale: isLanguage(tenant.default_locale) ? tenant.default_locale : "fa",
      created_by: opts.actorUserId ?? null,
    })
    .onConflict((oc) => oc.columns(["tenant_id", "period_start"]).where("kind", "=", "invoice").where("status", "<>", "void").doNothing())
    .execute();
  const invoice = await trx
    .selectFrom("invoices")
    .select(["id", "status", "number", "total"])
    .where("tenant_id", "=", tenantId)
    .where("period_start", "=", period.start)
    .where("kind", "=", "invoice")
    .where("status", "<>", "void")
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (invoice.status !== "draft") {
    return { tenantId, invoiceId: invoice.id, status: "unchanged", number: invoice.number, total: BigInt(invoice.total) };
  }

  await step("collect");
  const result = await rateTenantPeriod(trx, tenant, period);
  if (!result) {
    await trx.deleteFrom("invoices").where("tenant_id", "=", tenantId).where("id", "=", invoice.id).execute();
    return { tenantId, invoiceId: null, status: "skipped", number: null, total: 0n, reason: "noPlan" };
  }
  await step("rate");
  const { rated, usageEvents } = result;

  await step("lines");
  await trx.deleteFrom("invoice_lines").where("tenant_id", "=", tenantId).where("invoice_id", "=", invoice.id).execute();
  const lines = rated.lines.map((l, i) => ({
    tenant_id: tenantId,
    invoice_id: invoice.id,
    line_no: i + 1,
    type: l.type,
    description_key: l.descriptionKey,
    params: JSON.stringify(l.params),
    kind: l.kind,
    quantity: l.quantity === null ? null : String(l.quantity),
    quantity_unit: l.quantityUnit,
    unit_price: l.unitPrice === null ? null : l.unitPrice.toString(),
    unit_quantity: l.unitQuantity,
    price_unit: l.priceUnit,
    rate_bp: l.rateBp,
    base_amount: l.baseAmount === null ? null : l.baseAmount.toString(),
    amount: l.amount.toString(),
  }));
  if (lines.length) await trx.insertInto("invoice_lines").values(lines).execute();
  await step("slaCredit");
  await step("vat");
  await step("totals");
  await trx
    .updateTable("invoices")
    .set({
      currency: rated.currency,
      base_fee_amount: rated.baseFeeAmount.toString(),
      usage_amount: rated.usageAmount.toString(),
      minimum_topup_amount: rated.minimumTopUpAmount.toString(),
      sla_credit_amount: rated.slaCreditAmount.toString(),
      subtotal: rated.subtotal.toString(),
      vat_rate_bp: rated.vatRateBp,
      vat_amount: rated.vatAmount.toString(),
      total: rated.total.toString(),
      rated: json({ usage: rated.usage, sla: rated.sla, segments: rated.segments.map((s) => ({ version: s.version.version ?? null, from: s.from, to: s.to, days: s.days, chargedDays: s.chargedDays })) }),
      usage_events_count: usageEvents,
      updated_at: now,
    })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", invoice.id)
    .execute();
  if (!opts.finalize) return { tenantId, invoiceId: invoice.id, status: "draft", number: null, total: rated.total };
  await step("finalize");
  const { number } = await finalizeInvoiceIn(trx, tenantId, invoice.id, now);
  return { tenantId, invoiceId: invoice.id, status: "finalized", number, total: rated.total };
}

/**
 * The running period as the client sees it: usage so far, the invoice if the period ended now
 * (accrued) and at the pace so far (projected). Null without a plan.
 */
export async function currentPeriodPreview(trx: Executor, tenantId: string, calendar: BillingCalendar, now = new Date()): Promise<{ period: BillingPeriod; preview: InvoicePreview } | null> {
  const tenant = await tenantRow(trx, tenantId);
  const { periodContaining } = await import("./periods");
  const period = periodContaining(now, calendar, tenant.time_zone);
  const versions = (await listPlanVersions(trx, tenantId)).map((v) => v.plan);
  if (versions.length === 0 || versions.every((v) => v.effectiveFrom >= period.end)) return null;
  const segments = periodSegments(versions, period.start, period.end, tenant.time_zone);
  const usage = await collectUsage(
    trx,
    tenantId,
    segments.map((s) => s.from),
    now,
  );
  const sla = await slCountsByQueue(trx, tenantId, period.start, now);
  // Items are stamped at their segment's start, which is never after now inside the running period.
  const preview = previewInvoice({
    versions,
    usage: usage.items,
    sla: sla.map((q) => ({ queueKey: q.queueKey, counts: q.counts })),
    periodStart: period.start,
    periodEnd: period.end,
    timeZone: tenant.time_zone,
    asOf: now,
  });
  return { period, preview };
}
