import { sql } from "kysely";
import { z } from "zod";
import { authenticateApiRequest, requireScope } from "./auth.server";
import { ApiError } from "./errors";
import { json, targetTenant } from "./handlers.server";
import { isUuid } from "./routing-schemas";
import { currentPeriodPreview, rateTenantPeriod } from "../billing/close.server";
import type { InvoiceView } from "../billing/invoice-view";
import { listInvoices, loadInvoiceView, type InvoiceSummary } from "../billing/invoices.server";
import { BILLING_CALENDARS, billingPeriod, isPeriodLabel, periodContaining, type BillingCalendar } from "../billing/periods";
import { USAGE_KIND_UNITS, USAGE_KINDS } from "../billing/plan";
import type { RatedInvoice } from "../billing/rating";
import { db, type Executor } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";

/**
 * The REST API's billing (issue 5): usage of a period (to date for the running one, with the
 * projected invoice) and the tenant's invoices. Amounts are integer minor units sent as strings
 * (JSON numbers lose precision past 2^53). A tenant key sees finalized invoices only; a bureau key
 * (which names the tenant) also sees drafts. Another tenant's invoice answers 404.
 */
const money = (v: bigint) => v.toString();

const usageQuery = z.object({
  period: z.string().refine(isPeriodLabel, "period must be YYYY-MM").optional(),
  calendar: z.enum(BILLING_CALENDARS).optional(),
});
const invoiceQuery = z.object({
  status: z.enum(["draft", "finalized", "sent", "paid", "void"]).optional(),
  period: z.string().refine(isPeriodLabel, "period must be YYYY-MM").optional(),
});

function parseQuery<S extends z.ZodTypeAny>(url: URL, schema: S): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [k, v] of url.searchParams) if (k !== "tenant") raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => ({ field: i.path.join(".") || "query", message: i.message }));
    throw new ApiError(422, "validation_failed", `Invalid query parameter(s): ${[...new Set(details.map((d) => d.field))].join(", ")}.`, details);
  }
  return parsed.data;
}

async function bureauCalendar(): Promise<BillingCalendar> {
  const row = await db().selectFrom("bureau_settings").select("billing_calendar").executeTakeFirst();
  return (row?.billing_calendar ?? "gregorian") as BillingCalendar;
}

function ratedJson(r: RatedInvoice) {
  return {
    lines: r.lines.map((l) => ({
      type: l.type,
      descriptionKey: l.descriptionKey,
      params: l.params,
      kind: l.kind,
      quantity: l.quantity,
      quantityUnit: l.quantityUnit,
      unitPrice: l.unitPrice === null ? null : money(l.unitPrice),
      amount: money(l.amount),
    })),
    subtotal: money(r.subtotal),
    slaCredit: money(r.slaCreditAmount),
    vatRateBp: r.vatRateBp,
    vat: money(r.vatAmount),
    total: money(r.total),
  };
}

async function usageByDay(trx: Executor, tenantId: string, timeZone: string, from: Date, to: Date) {
  const { rows } = await sql<{ day: string; kind: string; quantity: string }>`
    select to_char(occurred_at at time zone ${timeZone}, 'YYYY-MM-DD') as day, kind, sum(quantity)::text as quantity
    from usage_events where tenant_id = ${tenantId} and occurred_at >= ${from} and occurred_at < ${to}
    group by 1, 2 order by 1, 2`.execute(trx);
  return rows.map((r) => ({ day: r.day, kind: r.kind, quantity: Number(r.quantity) }));
}

export async function getUsageApi(request: Request): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, "billing:read");
  const url = new URL(request.url);
  const tenant = await targetTenant(principal, url);
  const query = parseQuery(url, usageQuery);
  const calendar = query.calendar ?? (await bureauCalendar());
  const now = new Date();
  const running = periodContaining(now, calendar, tenant.timeZone);
  const period = query.period ? billingPeriod(calendar, query.period, tenant.timeZone) : running;
  if (period.start.getTime() > now.getTime()) throw new ApiError(422, "validation_failed", "The period has not begun.", [{ field: "period", message: "in the future" }]);
  const isRunning = period.label === running.label;
  const body = await withTenant(tenant.id, async (trx) => {
    const to = isRunning ? now : period.end;
    const byDay = await usageByDay(trx, tenant.id, tenant.timeZone, period.start, to);
    const totals = Object.fromEntries(USAGE_KINDS.map((k) => [k, 0])) as Record<string, number>;
    for (const d of byDay) totals[d.kind] = (totals[d.kind] ?? 0) + d.quantity;
    const usage = USAGE_KINDS.map((kind) => ({ kind, quantity: totals[kind] ?? 0, unit: USAGE_KIND_UNITS[kind].quantityUnit }));
    let invoice: Record<string, unknown> | null = null;
    if (isRunning) {
      const preview = await currentPeriodPreview(trx, tenant.id, calendar, now);
      if (preview) invoice = { accrued: ratedJson(preview.preview.accrued), projected: ratedJson(preview.preview.projected) };
    } else {
      const rated = await rateTenantPeriod(trx, { id: tenant.id, time_zone: tenant.timeZone, default_locale: tenant.defaultLocale, currency: tenant.currency }, period);
      if (rated) invoice = { rated: ratedJson(rated.rated) };
    }
    return {
      period: { label: period.label, calendar, start: period.start.toISOString(), end: period.end.toISOString(), running: isRunning, asOf: to.toISOString() },
      currency: tenant.currency,
      usage,
      byDay,
      invoice,
    };
  });
  return json({ data: body });
}

function summaryJson(s: InvoiceSummary) {
  return {
    id: s.id,
    kind: s.kind,
    status: s.status,
    number: s.number,
    period: s.periodLabel,
    calendar: s.calendar,
    currency: s.currency,
    total: money(s.total),
    amountPaid: money(s.amountPaid),
    issuedAt: s.issuedAt?.toISOString() ?? null,
    dueAt: s.dueAt?.toISOString() ?? null,
    creditForInvoiceId: s.creditForInvoiceId,
  };
}

function invoiceJson(v: InvoiceView) {
  return {
    id: v.id,
    kind: v.kind,
    status: v.status,
    number: v.number,
    period: v.periodLabel,
    calendar: v.calendar,
    periodStart: v.periodStart.toISOString(),
    periodEnd: v.periodEnd.toISOString(),
    currency: v.currency,
    baseFee: money(v.baseFeeAmount),
    usageAmount: money(v.usageAmount),
    minimumTopUp: money(v.minimumTopUpAmount),
    slaCredit: money(v.slaCreditAmount),
    subtotal: money(v.subtotal),
    vatRateBp: v.vatRateBp,
    vat: money(v.vatAmount),
    total: money(v.total),
    amountPaid: money(v.amountPaid),
    balance: money(v.balance),
    usage: v.usage,
    issuedAt: v.issuedAt?.toISOString() ?? null,
    dueAt: v.dueAt?.toISOString() ?? null,
    paidAt: v.paidAt?.toISOString() ?? null,
    creditForInvoiceId: v.creditForInvoiceId,
    reason: v.reason,
    lines: v.lines.map((l) => ({
      lineNo: l.lineNo,
      type: l.type,
      descriptionKey: l.descriptionKey,
      params: l.params,
      kind: l.kind,
      quantity: l.quantity,
      quantityUnit: l.quantityUnit,
      unitPrice: l.unitPrice === null ? null : money(l.unitPrice),
      amount: money(l.amount),
    })),
    payments: v.payments.map((p) => ({ id: p.id, amount: money(p.amount), method: p.method, reference: p.reference, receivedAt: p.receivedAt.toISOString() })),
  };
}

export async function listInvoicesApi(request: Request): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, "billing:read");
  const url = new URL(request.url);
  const tenant = await targetTenant(principal, url);
  const query = parseQuery(url, invoiceQuery);
  const rows = await withTenant(tenant.id, (trx) =>
    listInvoices(trx, { tenantId: tenant.id, status: query.status, periodLabel: query.period, finalizedOnly: principal.kind === "tenant" }),
  );
  return json({ data: rows.map(summaryJson) });
}

export async function getInvoiceApi(request: Request, invoiceId: string | undefined): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, "billing:read");
  const tenant = await targetTenant(principal, new URL(request.url));
  const notFound = new ApiError(404, "not_found", "No such invoice for this tenant.");
  if (!invoiceId || !isUuid(invoiceId)) throw notFound;
  const view = await withTenant(tenant.id, (trx) => loadInvoiceView(trx, tenant.id, invoiceId.toLowerCase()));
  if (!view || (principal.kind === "tenant" && view.status === "draft")) throw notFound;
  return json({ data: invoiceJson(view) });
}
