import { describe, expect, it } from "vitest";
import { invoiceFilename, renderInvoiceHtml } from "~/modules/billing/document.server";
import { billingT } from "~/modules/billing/document/i18n.server";
import { contentDisposition, decimalString, lineKeyOf, lineText, periodTitle, type DocContext } from "~/modules/billing/document/format";
import { csvText, invoiceCsv } from "~/modules/billing/exports.server";
import type { BillingErrorCode } from "~/modules/billing/errors";
import { INVOICE_STATUSES, type InvoiceView, type PaymentView } from "~/modules/billing/invoice-view";
import { PLAN_ISSUE_CODES, USAGE_KIND_UNITS, USAGE_KINDS } from "~/modules/billing/plan";
import { LINE_KEYS, LINE_TYPES } from "~/modules/billing/rating";
import { LANGUAGES, type Language } from "~/modules/i18n/config";
import { renderMail } from "~/modules/mail/templates.server";
import { creditNoteView, englishView, FARVARDIN_1405, invoiceView, MARCH_2026 } from "./billing-document.fixtures";

/**
 * The invoice document rendered to HTML without a browser or a database: direction, digits, the
 * Jalali month, toman vs rial, every line's text resolved from the locales, the credit note header.
 */
const PERSIAN_DIGIT = /[۰-۹]/;
const text = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z]+;|&#\d+;/g, " ");

const ctxOf = (view: InvoiceView, lang: Language = view.locale): DocContext => ({ view, lang, t: billingT(lang) });

/**
 * Every code the billing module can produce, spelled out so that a new one fails typecheck here
 * until it has its text (a type union cannot be listed at run time).
 */
const BILLING_ERROR_CODES: Record<BillingErrorCode, true> = {
  invalidQuantity: true,
  invalidPeriod: true,
  unknownTimeZone: true,
  noPlanForPeriod: true,
  currencyMismatch: true,
  duplicateEffectiveFrom: true,
  usageOutsidePeriod: true,
  usageWithoutPlan: true,
  usageNeedsTimestamps: true,
  asOfOutsidePeriod: true,
  usageAfterAsOf: true,
  invalidStoredPlan: true,
  periodClosed: true,
  invoiceNotFound: true,
  invoiceState: true,
  overpayment: true,
  creditTooLarge: true,
  periodNotEnded: true,
};
const PAYMENT_METHODS: Record<PaymentView["method"], true> = { bank_transfer: true, card: true, cash: true, stripe: true, other: true };

describe("billing locale keys", () => {
  it("has a text for every code, kind, unit, status and payment method, in every language", () => {
    const units = new Set(["day", "period", ...Object.values(USAGE_KIND_UNITS).flatMap((u) => [u.quantityUnit, u.priceUnit])]);
    const keys = [
      ...PLAN_ISSUE_CODES.map((c) => `plan.errors.${c}`),
      ...Object.keys(BILLING_ERROR_CODES).map((c) => `errors.${c}`),
      ...USAGE_KINDS.map((k) => `kinds.${k}`),
      ...[...units].map((u) => `units.price.${u}`),
      ...INVOICE_STATUSES.map((st) => `invoice.statuses.${st}`),
      ...Object.keys(PAYMENT_METHODS).map((m) => `invoice.paymentMethods.${m}`),
      ...[...LINE_TYPES, "credit"].map((lt) => `invoice.lineTypes.${lt}`),
    ];
    for (const lang of LANGUAGES) {
      const t = billingT(lang);
      for (const key of keys) expect(t(key), `${lang}: ${key}`).not.toBe(key);
      for (const u of units) expect(t(`units.quantity.${u}`, { count: 2, n: "2" }), `${lang}: units.quantity.${u}`).toContain("2");
    }
    expect(billingT("fa")("plan.errors.tooSmall", { min: "۱" })).toBe("دست‌کم ۱ وارد کنید.");
    expect(billingT("en")("plan.errors.tooLarge", { max: 10000 })).toBe("Enter at most 10000.");
  });
});

describe("invoice document (fa)", () => {
  const html = renderInvoiceHtml(invoiceView());
  const body = text(html);

  it("is a right-to-left Persian document with the font embedded", () => {
    expect(html.startsWith("<!doctype html><html")).toBe(true);
    expect(html).toContain('<html lang="fa" dir="rtl">');
    expect(html).toMatch(/@font-face\{font-family:"Vazirmatn";[^}]*font-weight:400;[^}]*src:url\(data:font\/woff2;base64,/);
    expect(html).toMatch(/font-weight:700;[^}]*src:url\(data:font\/woff2;base64,/);
    // Nothing is fetched: no http(s) URL anywhere in the document.
    expect(html).not.toMatch(/(src|href)=["']?https?:/);
    expect(html).not.toMatch(/url\(["']?https?:/);
  });

  it("names the Jalali month and says the period's dates in Persian digits", () => {
    expect(body).toContain("فروردین ۱۴۰۵");
    expect(body).toContain("از ۱ فروردین ۱۴۰۵ تا ۳۱ فروردین ۱۴۰۵");
    // Issued 2026-04-21 and due 2026-05-06 in Tehran: 1 and 16 Ordibehesht 1405.
    expect(body).toContain("۱ اردیبهشت ۱۴۰۵");
    expect(body).toContain("۱۶ اردیبهشت ۱۴۰۵");
  });

  it("shows amounts in toman with Persian digits, and the VAT rate", () => {
    // 268,950,000 rial = 26,895,000 toman.
    expect(body).toContain("۲۶٬۸۹۵٬۰۰۰ تومان");
    expect(body).toContain("مالیات بر ارزش افزوده (۱۰٪)");
    expect(body).not.toContain("ریال");
    expect(body).toContain("مبالغ به تومان");
    // The only ASCII digits left are codes: the invoice number, tax ids, e-mail addresses.
    const asciiNumbers = body.match(/[0-9][0-9,.]*/g) ?? [];
    expect(asciiNumbers.every((n) => ["000042", "411145678901", "10103456789"].some((code) => code.includes(n.replace(/[,.]$/, ""))))).toBe(true);
  });

  it("isolates codes left-to-right inside the Persian text", () => {
    expect(html).toContain('<bdi dir="ltr" class="ltr">HK-000042</bdi>');
    expect(html).toContain('<bdi dir="ltr" class="ltr">finance@avaye-hamrah.demo</bdi>');
    expect(html).toContain('<bdi dir="ltr" class="ltr">411145678901</bdi>');
    // A queue key inside a translated sentence: LRI ... PDI.
    expect(body).toContain("صف \u2066support\u2069");
  });

  it("resolves every line's description: no raw keys, no unfilled placeholders", () => {
    expect(html).not.toContain("invoice.lines");
    expect(html).not.toContain("billing:");
    expect(html).not.toContain("{{");
    expect(body).toContain("هزینهٔ ثابت ماهانه");
    expect(body).toContain("کارکرد پاسخگویی به تماس‌های ورودی، پلهٔ ۱ تعرفهٔ پلکانی (۰ تا ۵٬۰۰۰ دقیقه)");
    expect(body).toContain("کارکرد پاسخگویی به تماس‌های ورودی، پلهٔ ۲ تعرفهٔ پلکانی (بیش از ۵٬۰۰۰ دقیقه)");
    expect(body).toContain("کسر بابت سطح خدمت: سطح خدمت ۷۶٫۵٪، کمتر از ۸۰٪؛ ۵٪ از کارکرد");
    // Quantities in the unit of the price: 240,000 s at a price per minute is 4,000 minutes.
    expect(body).toContain("۴٬۰۰۰ دقیقه");
    expect(body).toContain("هر دقیقه ۲٬۵۰۰ تومان");
  });

  it("shows SLA attainment per queue against the commitment, and the usage summary", () => {
    expect(body).toContain("تحقق سطح خدمت");
    expect(body).toContain("همهٔ صف‌ها");
    expect(body).toContain("کمتر از ۸۰٪: ۵٪ کسر");
    expect(body).toContain("تعهد محقق شد");
    expect(body).toContain("۷۲۰ از ۹۴۱");
    expect(body).toContain("خلاصهٔ کارکرد");
    expect(body).toContain("۱۰٬۰۰۰ دقیقه");
  });

  it("has no watermark when finalized, and one for a draft or a voided invoice", () => {
    expect(html).not.toContain('class="watermark"');
    const draft = renderInvoiceHtml(invoiceView({ status: "draft", number: null, numberSeq: null, issuedAt: null, dueAt: null }));
    expect(draft).toContain('class="watermark"');
    expect(text(draft)).toContain("پیش‌نویس، هنوز شماره نگرفته");
    const voided = renderInvoiceHtml(invoiceView({ status: "void" }));
    expect(voided).toMatch(/class="watermark"[^>]*><span>باطل<\/span>/);
  });

  it("shows rial when the bureau reads amounts in rial", () => {
    const rial = text(renderInvoiceHtml(invoiceView({ currencyDisplay: "rial" })));
    expect(rial).toContain("۲۶۸٬۹۵۰٬۰۰۰ ریال");
    expect(rial).not.toContain("تومان ");
  });

  it("escapes what people typed", () => {
    const html2 = renderInvoiceHtml(invoiceView({ buyer: { name: "<script>alert(1)</script>", legalName: "", address: "", taxId: "", email: null } }));
    expect(html2).not.toContain("<script>alert");
    expect(html2).toContain("&lt;script&gt;");
  });
});

describe("invoice document (en, nl)", () => {
  const html = renderInvoiceHtml(englishView());
  const body = text(html);

  it("is left-to-right, Gregorian, in rial, with Latin digits", () => {
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(body).toContain("March 2026");
    expect(body).toContain("1 March 2026 to 31 March 2026");
    expect(body).toContain("21 April 2026");
    expect(body).toContain("268,950,000 rial");
    expect(body).toContain("VAT (10%)");
    expect(body).not.toMatch(PERSIAN_DIGIT);
  });

  it("resolves every line in English", () => {
    expect(html).not.toContain("invoice.lines");
    expect(html).not.toContain("{{");
    expect(body).toContain("Monthly base fee");
    expect(body).toContain("Inbound call handling, graduated tier 1 (0 to 5,000 minutes)");
    expect(body).toContain("SLA credit, queue \u2066support\u2069: service level 69%, below 70%; 10% of usage, capped (would have been 21,000,000 rial)");
    expect(body).toContain("4,000 minutes");
    expect(body).toContain("25,000 rial per minute");
  });

  it("writes Dutch too", () => {
    const nl = text(renderInvoiceHtml(englishView({ locale: "nl" })));
    expect(nl).toContain("maart 2026");
    expect(nl).toContain("Maandelijkse basisvergoeding");
    expect(nl).toContain("Btw (10%)");
    expect(nl).not.toContain("{{");
  });

  it("names a Jalali month in English and a Gregorian month in Persian", () => {
    expect(periodTitle(invoiceView({ period: FARVARDIN_1405 }), "en")).toBe("Farvardin 1405");
    expect(periodTitle(invoiceView({ period: MARCH_2026 }), "fa")).toBe("مارس ۲۰۲۶");
  });
});

describe("line texts", () => {
  it("resolves every line key of the rating, the credit and VAT, in every language", () => {
    const keys = [...Object.values(LINE_KEYS), "billing:invoice.lines.credit"];
    const lines = [...invoiceView().lines, ...creditNoteView().lines];
    expect(new Set(lines.map((l) => lineKeyOf(l.descriptionKey)))).toEqual(new Set(keys.map((k) => lineKeyOf(k))));
    for (const lang of LANGUAGES) {
      for (const line of lines) {
        const { description, detail } = lineText(ctxOf(invoiceView(), lang), line);
        expect(description, `${lang} ${line.descriptionKey}`).not.toMatch(/invoice\.|\{\{|billing:/);
        expect(description.trim()).not.toBe("");
        if (detail) expect(detail).not.toMatch(/invoice\.|\{\{/);
      }
    }
  });

  it("reads the stored key whatever its prefix", () => {
    expect(lineKeyOf("billing:invoice.lines.vat")).toBe("invoice.lines.vat");
    expect(lineKeyOf("billing:invoice.lines.billing:invoice.lines.usageTier")).toBe("invoice.lines.usageTier");
    expect(lineKeyOf("something.else")).toBeNull();
  });

  it("falls back to the line type for a key it does not know", () => {
    const line = { ...invoiceView().lines[0]!, descriptionKey: "billing:invoice.lines.somethingNew" };
    expect(lineText(ctxOf(invoiceView(), "en"), line).description).toBe("Base fee");
  });
});

describe("credit note", () => {
  it("says which invoice it credits, and what", () => {
    const html = renderInvoiceHtml(creditNoteView());
    const body = text(html);
    expect(body).toContain("اعلامیهٔ بستانکاری");
    expect(body).toContain("اعلامیهٔ بستانکاری برای صورتحساب شمارهٔ \u2066HK-000042\u2069");
    expect(body).toContain("بستانکاری: اصلاح کارکرد IVR فروردین");
    expect(body).toContain("جمع بستانکاری");
    // −1,100,000 rial = −110,000 toman, isolated in the document's direction so the unit follows it.
    expect(html).toMatch(/<bdi dir="rtl" class="neg">\u200e?−۱۱۰٬۰۰۰ تومان<\/bdi>/);
    expect(body).not.toContain("ماندهٔ قابل پرداخت");
    const en = text(renderInvoiceHtml(creditNoteView({ locale: "en", currencyDisplay: "rial" })));
    expect(en).toContain("Credit note for invoice \u2066HK-000042\u2069");
  });
});

describe("file names and exact amounts", () => {
  it("names files by number, or as a draft", () => {
    expect(invoiceFilename(invoiceView(), "pdf")).toEqual({ ascii: "invoice-HK-000042.pdf", localized: "صورتحساب-HK-000042.pdf" });
    expect(invoiceFilename(creditNoteView(), "pdf", "en").ascii).toBe("credit-note-HK-000043.pdf");
    const draft = invoiceView({ status: "draft", number: null });
    expect(invoiceFilename(draft, "xlsx", "en")).toEqual({ ascii: "invoice-draft-avaye-hamrah-1405-01.xlsx", localized: "invoice-draft-avaye-hamrah-1405-01.xlsx" });
    expect(contentDisposition("inline", invoiceFilename(invoiceView(), "pdf"))).toBe(
      `inline; filename="invoice-HK-000042.pdf"; filename*=UTF-8''${encodeURIComponent("صورتحساب-HK-000042.pdf")}`,
    );
  });

  it("turns minor units into decimals on the bigint", () => {
    expect(decimalString(268_950_005n, 1, 1)).toBe("26895000.5");
    expect(decimalString(-1_100_000n, 1, 0)).toBe("-110000");
    expect(decimalString(12_345n, 2, 2)).toBe("123.45");
    expect(decimalString(9_007_199_254_740_993n, 0, 0)).toBe("9007199254740993");
    expect(decimalString(0n, 1, 1)).toBe("0.0");
  });

  it("writes CSV a spreadsheet reads as text, not as formulas", () => {
    const csv = invoiceCsv(creditNoteView({ lines: [{ ...creditNoteView().lines[0]!, params: { reason: 'x "quoted", and =1+1' } }] }));
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv).toContain('"بستانکاری: x ""quoted"", and =1+1"');
    expect(csvText("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvText("+98 21")).toBe("'+98 21");
    expect(csvText("plain")).toBe("plain");
  });
});

describe("invoice mail", () => {
  it("renders in the recipient's language with total, due date and the PDF attached", async () => {
    const view = invoiceView();
    const pdf = Buffer.from("%PDF-1.4 test");
    const job = { template: "invoice" as const, tenantId: view.tenantId, invoiceId: view.id, to: "finance@avaye-hamrah.demo", locale: "fa" as const };
    const mail = await renderMail(job, { invoice: { view, pdf } });
    expect(mail.subject).toBe("صورتحساب HK-000042 – فروردین ۱۴۰۵");
    expect(mail.text).toContain("مبلغ کل: ۲۶٬۸۹۵٬۰۰۰ تومان");
    expect(mail.text).toContain("۱۶ اردیبهشت ۱۴۰۵");
    expect(mail.html).toContain('lang="fa" dir="rtl"');
    expect(mail.attachments).toEqual([{ filename: "صورتحساب-HK-000042.pdf", contentType: "application/pdf", content: pdf }]);

    const en = await renderMail({ ...job, locale: "en" }, { invoice: { view, pdf } });
    expect(en.subject).toBe("Invoice HK-000042 for Farvardin 1405");
    expect(en.text).toContain("Total: 26,895,000 toman");
    expect(en.text).toContain("Please pay by 6 May 2026");
    expect(en.attachments?.[0]?.filename).toBe("invoice-HK-000042.pdf");

    await expect(renderMail(job)).rejects.toThrow(/invoice/);
  });
});
