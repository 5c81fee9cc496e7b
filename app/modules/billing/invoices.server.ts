import { sql } from "kysely";
import { isLanguage, type Language } from "../i18n/config";
import type { CurrencyDisplay } from "../i18n/format";
import type { Executor, Trx } from "../platform/db.server";
import { BillingError } from "./errors";
import type { InvoiceLineView, InvoiceStatus, InvoiceView, PartyDetails, PaymentView } from "./invoice-view";
import type { BillingCalendar } from "./periods";
import { applyBasisPoints } from "./rounding";
import type { SlaOutcome, UsageTotals } from "./rating";

/**
 * Invoices as stored, and what may happen to them after the close made them:
 * draft -> finalized (numbered) -> sent -> paid, or void. A finalized invoice never changes (the
 * database refuses it: invoices_immutable); corrections are credit notes, numbered in the same
 * consecutive sequence. Every function takes a transaction the caller scoped (tenant or bureau).
 */

const big = (v: string | number | bigint | null | undefined): bigint => (v === null || v === undefined ? 0n : BigInt(v));
const bigOrNull = (v: string | number | bigint | null | undefined): bigint | null => (v === null || v === undefined ? null : BigInt(v));

interface BureauParty {
  name: string;
  legal_name: string;
  legal_address: string;
  tax_id: string;
  billing_email: string | null;
  currency_display: string;
  invoice_prefix: string;
  payment_terms_days: number;
}

async function bureauParty(trx: Executor): Promise<BureauParty> {
  const row = await trx
    .selectFrom("bureau_settings")
    .select(["name", "legal_name", "legal_address", "tax_id", "billing_email", "currency_display", "invoice_prefix", "payment_terms_days"])
    .executeTakeFirst();
  return row ?? { name: "", legal_name: "", legal_address: "", tax_id: "", billing_email: null, currency_display: "toman", invoice_prefix: "HK", payment_terms_days: 15 };
}

/** The printed number: the bureau's prefix and the consecutive number, zero-padded to six digits. */
export function formatInvoiceNumber(prefix: string, seq: bigint): string {
  return `${prefix}-${seq.toString().padStart(6, "0")}`;
}

/** One invoice with its lines, payments, the two parties and what the rating saw; null if absent. */
export async function loadInvoiceView(trx: Executor, tenantId: string, invoiceId: string): Promise<InvoiceView | null> {
  const row = await trx
    .selectFrom("invoices as i")
    .innerJoin("tenants as t", "t.id", "i.tenant_id")
    .leftJoin("invoices as c", (j) => j.onRef("c.tenant_id", "=", "i.tenant_id").onRef("c.id", "=", "i.credit_for_invoice_id"))
    .selectAll("i")
    .select(["t.slug", "t.name as tenant_name", "t.legal_name as tenant_legal_name", "t.legal_address as tenant_address", "t.tax_id as tenant_tax_id", "t.billing_email as tenant_email", "c.number as credit_for_number"])
    .where("i.tenant_id", "=", tenantId)
    .where("i.id", "=", invoiceId)
    .executeTakeFirst();
  if (!row) return null;
  const [lines, payments, bureau, credited] = await Promise.all([
    trx.selectFrom("invoice_lines").selectAll().where("tenant_id", "=", tenantId).where("invoice_id", "=", invoiceId).orderBy("line_no").execute(),
    trx.selectFrom("payments").selectAll().where("tenant_id", "=", tenantId).where("invoice_id", "=", invoiceId).orderBy("received_at").execute(),
    bureauParty(trx),
    creditedAmount(trx, tenantId, invoiceId),
  ]);
  const rated = (row.rated ?? {}) as { usage?: UsageTotals; sla?: SlaOutcome[] };
  const total = big(row.total);
  const paid = big(row.amount_paid);
  const balance = row.kind === "invoice" ? total - paid - credited : 0n;
  const seller: PartyDetails = { name: bureau.name, legalName: bureau.legal_name, address: bureau.legal_address, taxId: bureau.tax_id, email: bureau.billing_email };
  const buyer: PartyDetails = { name: row.tenant_name, legalName: row.tenant_legal_name, address: row.tenant_address, taxId: row.tenant_tax_id, email: row.tenant_email };
  return {
    id: row.id,
    tenantId: row.tenant_id,
    tenantSlug: row.slug,
    kind: row.kind as InvoiceView["kind"],
    status: row.status as InvoiceStatus,
    number: row.number,
    numberSeq: bigOrNull(row.number_seq),
    periodLabel: row.period_label,
    calendar: row.calendar as BillingCalendar,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    currency: row.currency,
    currencyDisplay: (bureau.currency_display === "rial" ? "rial" : "toman") as CurrencyDisplay,
    timeZone: row.time_zone,
    locale: (isLanguage(row.locale) ? row.locale : "fa") as Language,
    baseFeeAmount: big(row.base_fee_amount),
    usageAmount: big(row.usage_amount),
    minimumTopUpAmount: big(row.minimum_topup_amount),
    slaCreditAmount: big(row.sla_credit_amount),
    subtotal: big(row.subtotal),
    vatRateBp: row.vat_rate_bp,
    vatAmount: big(row.vat_amount),
    total,
    amountPaid: paid,
    balance: balance < 0n ? 0n : balance,
    usage: rated.usage ?? {},
    sla: rated.sla ?? [],
    usageEventsCount: row.usage_events_count,
    creditForInvoiceId: row.credit_for_invoice_id,
    creditForNumber: row.credit_for_number,
    reason: row.reason,
    issuedAt: row.issued_at,
    dueAt: row.due_at,
    finalizedAt: row.finalized_at,
    sentAt: row.sent_at,
    paidAt: row.paid_at,
    voidedAt: row.voided_at,
    stripeInvoiceId: row.stripe_invoice_id,
    lines: lines.map(
      (l): InvoiceLineView => ({
        lineNo: l.line_no,
        type: l.type as InvoiceLineView["type"],
        descriptionKey: l.description_key,
        params: (l.params ?? {}) as InvoiceLineView["params"],
        kind: l.kind,
        quantity: l.quantity === null ? null : Number(l.quantity),
        quantityUnit: l.quantity_unit,
        unitPrice: bigOrNull(l.unit_price),
        unitQuantity: l.unit_quantity,
        priceUnit: l.price_unit,
        rateBp: l.rate_bp,
        baseAmount: bigOrNull(l.base_amount),
        amount: big(l.amount),
      }),
    ),
    payments: payments.map(
      (p): PaymentView => ({ id: p.id, amount: big(p.amount), method: p.method as PaymentView["method"], reference: p.reference, receivedAt: p.received_at, note: p.note }),
    ),
    seller,
    buyer,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What credit notes have taken off an invoice so far (a positive amount). */
async function creditedAmount(trx: Executor, tenantId: string, invoiceId: string): Promise<bigint> {
  const row = await trx
    .selectFrom("invoices")
    .select(sql<string>`coalesce(-sum(total), 0)`.as("credited"))
    .where("tenant_id", "=", tenantId)
    .where("credit_for_invoice_id", "=", invoiceId)
    .where("status", "<>", "void")
    .executeTakeFirstOrThrow();
  return BigInt(row.credited);
}

export interface InvoiceSummary {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  kind: InvoiceView["kind"];
  status: InvoiceStatus;
  number: string | null;
  periodLabel: string;
  calendar: BillingCalendar;
  periodStart: Date;
  currency: string;
  total: bigint;
  amountPaid: bigint;
  issuedAt: Date | null;
  dueAt: Date | null;
  creditForInvoiceId: string | null;
}

export interface InvoiceFilter {
  tenantId?: string;
  status?: InvoiceStatus;
  periodLabel?: string;
  /** Client views: drafts are the bureau's working copies and stay out of the portal. */
  finalizedOnly?: boolean;
  limit?: number;
}

export async function listInvoices(trx: Executor, filter: InvoiceFilter = {}): Promise<InvoiceSummary[]> {
  const rows = await trx
    .selectFrom("invoices as i")
    .innerJoin("tenants as t", "t.id", "i.tenant_id")
    .select([
      "i.id",
      "i.tenant_id",
      "t.name as tenant_name",
      "t.slug",
      "i.kind",
      "i.status",
      "i.number",
      "i.period_label",
      "i.calendar",
      "i.period_start",
      "i.currency",
      "i.total",
      "i.amount_paid",
      "i.issued_at",
      "i.due_at",
      "i.credit_for_invoice_id",
    ])
    .$if(filter.tenantId !== undefined, (qb) => qb.where("i.tenant_id", "=", filter.tenantId!))
    .$if(filter.status !== undefined, (qb) => qb.where("i.status", "=", filter.status!))
    .$if(filter.periodLabel !== undefined, (qb) => qb.where("i.period_label", "=", filter.periodLabel!))
    .$if(filter.finalizedOnly === true, (qb) => qb.where("i.status", "<>", "draft"))
    .orderBy("i.period_start", "desc")
    .orderBy("i.created_at", "desc")
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    tenantSlug: r.slug,
    kind: r.kind as InvoiceView["kind"],
    status: r.status as InvoiceStatus,
    number: r.number,
    periodLabel: r.period_label,
    calendar: r.calendar as BillingCalendar,
    periodStart: r.period_start,
    currency: r.currency,
    total: big(r.total),
    amountPaid: big(r.amount_paid),
    issuedAt: r.issued_at,
    dueAt: r.due_at,
    creditForInvoiceId: r.credit_for_invoice_id,
  }));
}

async function lockInvoice(trx: Trx, tenantId: string, invoiceId: string) {
  const row = await trx
    .selectFrom("invoices")
    .select(["id", "kind", "status", "total", "amount_paid", "vat_rate_bp", "currency", "period_start", "period_end", "period_label", "calendar", "time_zone", "locale"])
    .where("tenant_id", "=", tenantId)
    .where("id", "=", invoiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new BillingError("invoiceNotFound");
  return row;
}

/**
 * The next consecutive number, taken inside the caller's transaction: if it rolls back, so does the
 * number, and the next finalization takes it. Gap-free by construction; finalizations queue on the
 * counter row for the instant of their commit.
 */
async function takeNumber(trx: Trx): Promise<bigint> {
  const row = await sql<{ n: string }>`update invoice_number_counter set last_number = last_number + 1 returning last_number as n`.execute(trx);
  return BigInt(row.rows[0]!.n);
}

/** draft -> finalized: numbered, issued now, due after the bureau's payment terms. */
export async function finalizeInvoiceIn(trx: Trx, tenantId: string, invoiceId: string, now = new Date()): Promise<{ number: string }> {
  const inv = await lockInvoice(trx, tenantId, invoiceId);
  if (inv.status !== "draft") throw new BillingError("invoiceState", { status: inv.status });
  const bureau = await bureauParty(trx);
  const seq = await takeNumber(trx);
  const number = formatInvoiceNumber(bureau.invoice_prefix, seq);
  await trx
    .updateTable("invoices")
    .set({
      status: "finalized",
      number_seq: seq.toString(),
      number,
      issued_at: now,
      finalized_at: now,
      due_at: new Date(now.getTime() + bureau.payment_terms_days * 86_400_000),
      updated_at: now,
    })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", invoiceId)
    .execute();
  return { number };
}

export async function markInvoiceSentIn(trx: Trx, tenantId: string, invoiceId: string, now = new Date()): Promise<void> {
  const inv = await lockInvoice(trx, tenantId, invoiceId);
  if (inv.status === "finalized") {
    await trx.updateTable("invoices").set({ status: "sent", sent_at: now, updated_at: now }).where("tenant_id", "=", tenantId).where("id", "=", invoiceId).execute();
  } else if (inv.status !== "sent" && inv.status !== "paid") {
    throw new BillingError("invoiceState", { status: inv.status });
  }
}

/**
 * Voids an unpaid invoice (a mistake caught before payment): it keeps its number (the sequence has
 * no gaps, a voided number is still accounted for) and the period may be closed again.
 */
export async function voidInvoiceIn(trx: Trx, tenantId: string, invoiceId: string, reason: string, now = new Date()): Promise<void> {
  const inv = await lockInvoice(trx, tenantId, invoiceId);
  if (inv.status === "void") return;
  if (inv.status === "paid" || big(inv.amount_paid) > 0n) throw new BillingError("invoiceState", { status: inv.status });
  if (inv.status === "draft") {
    await trx.deleteFrom("invoices").where("tenant_id", "=", tenantId).where("id", "=", invoiceId).execute();
    return;
  }
  await trx
    .updateTable("invoices")
    .set({ status: "void", voided_at: now, reason: reason.slice(0, 1000), updated_at: now })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", invoiceId)
    .execute();
}

export interface PaymentInput {
  amount: bigint;
  method: PaymentView["method"];
  reference: string;
  receivedAt: Date;
  note?: string;
  stripeEventId?: string | null;
  actorUserId?: string | null;
}

/**
 * Records a payment against a finalized (or sent) invoice; paid in full -> "paid". A Stripe event
 * id is unique, so the same event recorded twice is a no-op (returns duplicate). More than the
 * balance is refused: an overpayment is a bookkeeping error to correct, not to keep.
 */
export async function recordPaymentIn(trx: Trx, tenantId: string, invoiceId: string, input: PaymentInput, now = new Date()): Promise<{ paymentId: string | null; duplicate: boolean; status: InvoiceStatus }> {
  const inv = await lockInvoice(trx, tenantId, invoiceId);
  if (input.stripeEventId) {
    const seen = await trx.selectFrom("payments").select("id").where("stripe_event_id", "=", input.stripeEventId).executeTakeFirst();
    if (seen) return { paymentId: seen.id, duplicate: true, status: inv.status as InvoiceStatus };
  }
  if (inv.kind !== "invoice" || !["finalized", "sent"].includes(inv.status)) throw new BillingError("invoiceState", { status: inv.status });
  if (input.amount <= 0n) throw new BillingError("invalidQuantity", { amount: input.amount.toString() });
  const credited = await creditedAmount(trx, tenantId, invoiceId);
  const balance = big(inv.total) - big(inv.amount_paid) - credited;
  if (input.amount > balance) throw new BillingError("overpayment", { balance: balance.toString() });
  const payment = await trx
    .insertInto("payments")
    .values({
      tenant_id: tenantId,
      invoice_id: invoiceId,
      amount: input.amount.toString(),
      method: input.method,
      reference: input.reference,
      received_at: input.receivedAt,
      note: input.note ?? "",
      stripe_event_id: input.stripeEventId ?? null,
      recorded_by: input.actorUserId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const paidInFull = input.amount === balance;
  const status: InvoiceStatus = paidInFull ? "paid" : (inv.status as InvoiceStatus);
  await trx
    .updateTable("invoices")
    .set({ amount_paid: sql`amount_paid + ${input.amount.toString()}::bigint`, status, ...(paidInFull ? { paid_at: input.receivedAt } : {}), updated_at: now })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", invoiceId)
    .execute();
  return { paymentId: payment.id, duplicate: false, status };
}

/**
 * A credit note against a finalized invoice: the net amount credited and its VAT at the invoice's
 * rate, as negative lines, numbered at once. Never more than what is still creditable (the invoice's
 * total less earlier credit notes).
 */
export async function issueCreditNoteIn(
  trx: Trx,
  tenantId: string,
  invoiceId: string,
  input: { netAmount: bigint; reason: string; actorUserId?: string | null },
  now = new Date(),
): Promise<{ creditNoteId: string; number: string; total: bigint }> {
  const inv = await lockInvoice(trx, tenantId, invoiceId);
  if (inv.kind !== "invoice" || inv.status === "draft" || inv.status === "void") throw new BillingError("invoiceState", { status: inv.status });
  if (input.netAmount <= 0n) throw new BillingError("invalidQuantity", { amount: input.netAmount.toString() });
  const vat = applyBasisPoints(input.netAmount, inv.vat_rate_bp);
  const credited = await creditedAmount(trx, tenantId, invoiceId);
  const creditable = big(inv.total) - credited;
  if (input.netAmount + vat > creditable) throw new BillingError("creditTooLarge", { creditable: creditable.toString() });
  const bureau = await bureauParty(trx);
  const seq = await takeNumber(trx);
  const number = formatInvoiceNumber(bureau.invoice_prefix, seq);
  const total = -(input.netAmount + vat);
  const note = await trx
    .insertInto("invoices")
    .values({
      tenant_id: tenantId,
      kind: "credit_note",
      status: "draft",
      period_start: inv.period_start,
      period_end: inv.period_end,
      period_label: inv.period_label,
      calendar: inv.calendar,
      currency: inv.currency,
      time_zone: inv.time_zone,
      locale: inv.locale,
      subtotal: (-input.netAmount).toString(),
      vat_rate_bp: inv.vat_rate_bp,
      vat_amount: (-vat).toString(),
      total: total.toString(),
      credit_for_invoice_id: invoiceId,
      reason: input.reason.slice(0, 1000),
      created_by: input.actorUserId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("invoice_lines")
    .values([
      { tenant_id: tenantId, invoice_id: note.id, line_no: 1, type: "credit", description_key: "billing:invoice.lines.credit", params: JSON.stringify({ reason: input.reason.slice(0, 200) }), amount: (-input.netAmount).toString() },
      {
        tenant_id: tenantId,
        invoice_id: note.id,
        line_no: 2,
        type: "vat",
        description_key: "billing:invoice.lines.vat",
        params: JSON.stringify({ rate: inv.vat_rate_bp / 100 }),
        rate_bp: inv.vat_rate_bp,
        base_amount: (-input.netAmount).toString(),
        amount: (-vat).toString(),
      },
    ])
    .execute();
  await trx
    .updateTable("invoices")
    .set({ status: "finalized", number_seq: seq.toString(), number, issued_at: now, finalized_at: now, updated_at: now })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", note.id)
    .execute();
  // Credited in full: nothing is left to pay on the invoice.
  if (big(inv.total) - big(inv.amount_paid) - credited - (input.netAmount + vat) <= 0n && inv.status !== "paid") {
    await trx.updateTable("invoices").set({ status: "paid", paid_at: now, updated_at: now }).where("tenant_id", "=", tenantId).where("id", "=", invoiceId).execute();
  }
  return { creditNoteId: note.id, number, total };
}
