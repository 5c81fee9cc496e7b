import type { Language } from "../i18n/config";
import type { CurrencyDisplay } from "../i18n/format";
import type { BillingCalendar } from "./periods";
import type { LineParams, LineType, SlaOutcome } from "./rating";
import type { UsageTotals } from "./rating";

/**
 * An invoice as every reader of it sees it (the console, the client portal, the document, the PDF,
 * the XLSX/CSV export, the e-mail, the Stripe mirror, the API): one shape, built by
 * invoices.server.ts from the stored invoice, its lines, the tenant and the bureau. Money is bigint
 * minor units (ADR 0004); dates are instants, shown in `timeZone`.
 */
export const INVOICE_STATUSES = ["draft", "finalized", "sent", "paid", "void"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export type InvoiceKind = "invoice" | "credit_note";

export interface PartyDetails {
  /** Trading name (the tenant's or the bureau's display name). */
  name: string;
  legalName: string;
  address: string;
  taxId: string;
  email: string | null;
}

export interface InvoiceLineView {
  lineNo: number;
  type: LineType | "credit";
  /** A key under the billing namespace (billing:invoice.lines.*) with `params` for it. */
  descriptionKey: string;
  params: LineParams;
  kind: string | null;
  quantity: number | null;
  quantityUnit: string | null;
  unitPrice: bigint | null;
  unitQuantity: number | null;
  priceUnit: string | null;
  rateBp: number | null;
  baseAmount: bigint | null;
  amount: bigint;
}

export interface PaymentView {
  id: string;
  amount: bigint;
  method: "bank_transfer" | "card" | "cash" | "stripe" | "other";
  reference: string;
  receivedAt: Date;
  note: string;
}

export interface InvoiceView {
  id: string;
  tenantId: string;
  tenantSlug: string;
  kind: InvoiceKind;
  status: InvoiceStatus;
  /** The printed number ("HK-000042"), null while a draft. */
  number: string | null;
  numberSeq: bigint | null;
  periodLabel: string;
  calendar: BillingCalendar;
  periodStart: Date;
  periodEnd: Date;
  currency: string;
  /** How the bureau shows IRR amounts (rial or toman). */
  currencyDisplay: CurrencyDisplay;
  timeZone: string;
  /** The tenant's language: the document is written in it. */
  locale: Language;
  baseFeeAmount: bigint;
  usageAmount: bigint;
  minimumTopUpAmount: bigint;
  slaCreditAmount: bigint;
  subtotal: bigint;
  vatRateBp: number;
  vatAmount: bigint;
  total: bigint;
  amountPaid: bigint;
  /** total - amountPaid, never below 0. */
  balance: bigint;
  usage: UsageTotals;
  sla: SlaOutcome[];
  usageEventsCount: number;
  creditForInvoiceId: string | null;
  creditForNumber: string | null;
  reason: string;
  issuedAt: Date | null;
  dueAt: Date | null;
  finalizedAt: Date | null;
  sentAt: Date | null;
  paidAt: Date | null;
  voidedAt: Date | null;
  stripeInvoiceId: string | null;
  lines: InvoiceLineView[];
  payments: PaymentView[];
  seller: PartyDetails;
  buyer: PartyDetails;
  createdAt: Date;
  updatedAt: Date;
}
