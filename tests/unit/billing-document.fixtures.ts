import type { InvoiceLineView, InvoiceView } from "~/modules/billing/invoice-view";
import type { Language } from "~/modules/i18n/config";

/**
 * InvoiceViews as loadInvoiceView returns them, for rendering the document without a database:
 * a Persian Jalali-month invoice in toman, an English Gregorian-month one in rial, and a credit note.
 * The figures add up the way the rating makes them (exact bigint rial).
 */
const TEHRAN = "Asia/Tehran";

interface PeriodFixture {
  calendar: "jalali" | "gregorian";
  label: string;
  start: Date;
  end: Date;
  firstDay: string;
  lastDay: string;
  days: number;
}

/** Farvardin 1405: 1 Farvardin (2026-03-21) to 31 Farvardin (2026-04-20), Tehran midnights. */
export const FARVARDIN_1405: PeriodFixture = {
  calendar: "jalali",
  label: "1405-01",
  start: new Date("2026-03-20T20:30:00Z"),
  end: new Date("2026-04-20T20:30:00Z"),
  firstDay: "2026-03-21",
  lastDay: "2026-04-20",
  days: 31,
};

/** March 2026 in Tehran. */
export const MARCH_2026: PeriodFixture = {
  calendar: "gregorian",
  label: "2026-03",
  start: new Date("2026-02-28T20:30:00Z"),
  end: new Date("2026-03-31T20:30:00Z"),
  firstDay: "2026-03-01",
  lastDay: "2026-03-31",
  days: 31,
};

const line = (l: Partial<InvoiceLineView> & Pick<InvoiceLineView, "lineNo" | "type" | "descriptionKey" | "amount">): InvoiceLineView => ({
  params: {},
  kind: null,
  quantity: null,
  quantityUnit: null,
  unitPrice: null,
  unitQuantity: null,
  priceUnit: null,
  rateBp: null,
  baseAmount: null,
  ...l,
});

export function invoiceLines(p: PeriodFixture): InvoiceLineView[] {
  const common = { from: p.firstDay, to: p.lastDay, version: 1 };
  return [
    line({
      lineNo: 1,
      type: "base_fee",
      descriptionKey: "billing:invoice.lines.baseFee",
      params: { ...common, days: p.days, periodDays: p.days, proration: "by_days" },
      quantity: p.days,
      quantityUnit: "day",
      unitPrice: 50_000_000n,
      unitQuantity: p.days,
      priceUnit: "period",
      amount: 50_000_000n,
    }),
    line({
      lineNo: 2,
      type: "usage",
      // A key with its prefix doubled (as an earlier close stored it): the renderer reads the last invoice.lines.<name>.
      descriptionKey: "billing:invoice.lines.billing:invoice.lines.usageTier",
      params: { ...common, kind: "inbound_minutes", used: 600_000, included: 60_000, mode: "graduated", tier: 1, tierFrom: 0, tierUpTo: 5000 },
      kind: "inbound_minutes",
      quantity: 240_000,
      quantityUnit: "second",
      unitPrice: 25_000n,
      unitQuantity: 60,
      priceUnit: "minute",
      amount: 100_000_000n,
    }),
    line({
      lineNo: 3,
      type: "usage",
      descriptionKey: "billing:invoice.lines.usageTier",
      params: { ...common, kind: "inbound_minutes", used: 600_000, included: 60_000, mode: "graduated", tier: 2, tierFrom: 5000 },
      kind: "inbound_minutes",
      quantity: 300_000,
      quantityUnit: "second",
      unitPrice: 20_000n,
      unitQuantity: 60,
      priceUnit: "minute",
      amount: 100_000_000n,
    }),
    line({
      lineNo: 4,
      type: "usage",
      descriptionKey: "billing:invoice.lines.usage",
      params: { ...common, kind: "ivr_minutes", used: 120_000, included: 0 },
      kind: "ivr_minutes",
      quantity: 120_000,
      quantityUnit: "second",
      unitPrice: 5_000n,
      unitQuantity: 60,
      priceUnit: "minute",
      amount: 10_000_000n,
    }),
    line({
      lineNo: 5,
      type: "usage",
      descriptionKey: "billing:invoice.lines.usageIncluded",
      params: { ...common, kind: "sms", used: 300, included: 500 },
      kind: "sms",
      quantity: 0,
      quantityUnit: "count",
      unitPrice: 2_000n,
      unitQuantity: 1,
      priceUnit: "count",
      amount: 0n,
    }),
    line({
      lineNo: 6,
      type: "minimum_topup",
      descriptionKey: "billing:invoice.lines.minimumTopUp",
      params: { from: p.firstDay, to: "2026-03-25", version: 2, minimum: "5000000", usageAmount: "0" },
      baseAmount: 0n,
      amount: 5_000_000n,
    }),
    line({
      lineNo: 7,
      type: "sla_credit",
      descriptionKey: "billing:invoice.lines.slaCreditTenant",
      params: { serviceLevelBp: 7650, belowBp: 8000, creditBp: 500 },
      rateBp: 500,
      baseAmount: 210_000_000n,
      amount: -10_500_000n,
    }),
    line({
      lineNo: 8,
      type: "sla_credit",
      descriptionKey: "billing:invoice.lines.slaCreditQueue",
      params: { queueKey: "support", serviceLevelBp: 6900, belowBp: 7000, creditBp: 1000, cappedFrom: "21000000" },
      rateBp: 1000,
      baseAmount: 210_000_000n,
      amount: -10_000_000n,
    }),
    line({
      lineNo: 9,
      type: "vat",
      descriptionKey: "billing:invoice.lines.vat",
      params: { rateBp: 1000 },
      rateBp: 1000,
      baseAmount: 244_500_000n,
      amount: 24_450_000n,
    }),
  ];
}

export function invoiceView(over: Partial<InvoiceView> & { period?: PeriodFixture } = {}): InvoiceView {
  const { period = FARVARDIN_1405, ...rest } = over;
  const lines = rest.lines ?? invoiceLines(period);
  const locale: Language = rest.locale ?? "fa";
  return {
    id: "0b7c3f7e-3c1a-4e55-9a51-5b1d8a0e0001",
    tenantId: "0b7c3f7e-3c1a-4e55-9a51-5b1d8a0e00aa",
    tenantSlug: "avaye-hamrah",
    kind: "invoice",
    status: "finalized",
    number: "HK-000042",
    numberSeq: 42n,
    periodLabel: period.label,
    calendar: period.calendar,
    periodStart: period.start,
    periodEnd: period.end,
    currency: "IRR",
    currencyDisplay: "toman",
    timeZone: TEHRAN,
    locale,
    baseFeeAmount: 50_000_000n,
    usageAmount: 210_000_000n,
    minimumTopUpAmount: 5_000_000n,
    slaCreditAmount: -20_500_000n,
    subtotal: 244_500_000n,
    vatRateBp: 1000,
    vatAmount: 24_450_000n,
    total: 268_950_000n,
    amountPaid: 0n,
    balance: 268_950_000n,
    usage: { inbound_minutes: 600_000, ivr_minutes: 120_000, sms: 300 },
    sla: [
      {
        queueKey: null,
        result: { answered: 900, answeredWithin: 720, abandoned: 41, shortAbandoned: 12, serviceLevel: 76.5, abandonRate: 4.4 },
        serviceLevelBp: 7650,
        breachedBelowBp: 8000,
        creditBp: 500,
      },
      {
        queueKey: "support",
        result: { answered: 300, answeredWithin: 210, abandoned: 4, shortAbandoned: 1, serviceLevel: 69, abandonRate: 1.3 },
        serviceLevelBp: 6900,
        breachedBelowBp: 7000,
        creditBp: 1000,
      },
      {
        queueKey: "sales",
        result: { answered: 200, answeredWithin: 180, abandoned: 2, shortAbandoned: 0, serviceLevel: 89.1, abandonRate: 1 },
        serviceLevelBp: 8910,
        breachedBelowBp: null,
        creditBp: 0,
      },
    ],
    usageEventsCount: 1234,
    creditForInvoiceId: null,
    creditForNumber: null,
    reason: "",
    issuedAt: new Date("2026-04-21T06:00:00Z"),
    dueAt: new Date("2026-05-06T06:00:00Z"),
    finalizedAt: new Date("2026-04-21T06:00:00Z"),
    sentAt: null,
    paidAt: null,
    voidedAt: null,
    stripeInvoiceId: null,
    lines,
    payments: [],
    seller: {
      name: "همکال",
      legalName: "شرکت همکال ارتباط پارس (سهامی خاص)",
      address: "تهران، خیابان ولیعصر، بالاتر از میدان ونک، پلاک ۱۲۳۴، طبقهٔ ۵",
      taxId: "411145678901",
      email: "billing@hamkal.demo",
    },
    buyer: {
      name: "آوای همراه",
      legalName: "شرکت آوای همراه نوین",
      address: "تهران، خیابان شریعتی، کوچهٔ بهار، پلاک ۷",
      taxId: "10103456789",
      email: "finance@avaye-hamrah.demo",
    },
    createdAt: new Date("2026-04-21T05:59:00Z"),
    updatedAt: new Date("2026-04-21T06:00:00Z"),
    ...rest,
  };
}

export function englishView(over: Partial<InvoiceView> = {}): InvoiceView {
  return invoiceView({
    period: MARCH_2026,
    locale: "en",
    currencyDisplay: "rial",
    seller: { name: "Hamkal", legalName: "Hamkal Ertebat Pars Ltd.", address: "1234 Valiasr St, Tehran", taxId: "411145678901", email: "billing@hamkal.demo" },
    buyer: { name: "Bazarche", legalName: "Bazarche Online Co.", address: "7 Bahar Alley, Shariati St, Tehran", taxId: "10103456789", email: "finance@bazarche.demo" },
    ...over,
  });
}

export function creditNoteView(over: Partial<InvoiceView> = {}): InvoiceView {
  return invoiceView({
    id: "0b7c3f7e-3c1a-4e55-9a51-5b1d8a0e0002",
    kind: "credit_note",
    number: "HK-000043",
    numberSeq: 43n,
    creditForInvoiceId: "0b7c3f7e-3c1a-4e55-9a51-5b1d8a0e0001",
    creditForNumber: "HK-000042",
    reason: "اصلاح کارکرد IVR فروردین",
    baseFeeAmount: 0n,
    usageAmount: 0n,
    minimumTopUpAmount: 0n,
    slaCreditAmount: 0n,
    subtotal: -1_000_000n,
    vatAmount: -100_000n,
    total: -1_100_000n,
    balance: 0n,
    usage: {},
    sla: [],
    usageEventsCount: 0,
    dueAt: null,
    lines: [
      line({ lineNo: 1, type: "credit", descriptionKey: "billing:invoice.lines.credit", params: { reason: "اصلاح کارکرد IVR فروردین" }, amount: -1_000_000n }),
      line({ lineNo: 2, type: "vat", descriptionKey: "billing:invoice.lines.vat", params: { rate: 10 }, rateBp: 1000, baseAmount: -1_000_000n, amount: -100_000n }),
    ],
    ...over,
  });
}
