import { execFileSync } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import ExcelJS from "exceljs";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { afterFinalize } from "~/modules/billing/after-finalize.server";
import { invoicePdfCached, renderInvoiceHtml, renderInvoicePdf } from "~/modules/billing/document.server";
import { documentBrowser, closeDocumentBrowser } from "~/modules/billing/document/browser.server";
import { enqueueInvoiceMail } from "~/modules/billing/document-steps.server";
import { invoiceCsv, invoiceXlsx } from "~/modules/billing/exports.server";
import type { InvoiceLineView, InvoiceView } from "~/modules/billing/invoice-view";
import { finalizeInvoiceIn, loadInvoiceView, recordPaymentIn } from "~/modules/billing/invoices.server";
import { listOutbox } from "~/modules/mail/outbox.server";
import { renderMail } from "~/modules/mail/templates.server";
import { closeMailTransport, deliverMail } from "~/modules/mail/transport.server";
import { resetEnvCache } from "~/modules/platform/env.server";
import { closeQueues, queue } from "~/modules/platform/queues.server";
import { withBureauScope, withTenant } from "~/modules/tenancy/scope.server";
import { loader as bureauAttachmentLoader } from "~/routes/bureau.outbox.$mailId.$index";
import { loader as outboxAttachmentLoader } from "~/routes/dev.mail.$mailId.$index";
import { loader as devMailLoader } from "~/routes/dev.mail";
import { loader as csvLoader } from "~/routes/t.$slug.invoices.$invoiceId[.]csv";
import { loader as pdfLoader } from "~/routes/t.$slug.invoices.$invoiceId[.]pdf";
import { loader as xlsxLoader } from "~/routes/t.$slug.invoices.$invoiceId[.]xlsx";
import { loader as htmlLoader } from "~/routes/t.$slug.invoices.$invoiceId.document";
import { processJob } from "../../workers/runner";
import { closeFactories, makeTenant, makeUser, uniq } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { englishView, invoiceLines, invoiceView, FARVARDIN_1405 } from "../unit/billing-document.fixtures";
import { args, get, signIn, thrownStatus } from "./portal.helpers";

/**
 * The invoice document end to end: printed by the machine's Chromium, stored once, exported, mailed
 * through the outbox with the PDF attached, and served by the tenant's routes behind their gate.
 * The first pages are written to test-results/billing-document/*.png to be looked at.
 */
const owner = ownerDb();
const OUT = path.resolve("test-results/billing-document");

afterAll(async () => {
  await queue("mail.send").obliterate({ force: true }).catch(() => undefined);
  await Promise.allSettled([closeDocumentBrowser(), closeQueues(), closeFactories(), owner.destroy()]);
});

beforeAll(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  // Legal details on the bureau, as the console would set them (only if another test has not).
  await owner
    .insertInto("bureau_settings")
    .values({ name: "همکال", legal_name: "شرکت همکال ارتباط پارس (سهامی خاص)", legal_address: "تهران، خیابان ولیعصر، پلاک ۱۲۳۴", tax_id: "411145678901" })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
});

type Tenant = Awaited<ReturnType<typeof makeTenant>>;

async function billedTenant(locale = "fa", email: string | null = `finance-${uniq()}@test.local`): Promise<Tenant> {
  const t = await makeTenant({ name: locale === "fa" ? "آوای همراه" : "Bazarche", default_locale: locale });
  await owner
    .updateTable("tenants")
    .set({ legal_name: locale === "fa" ? "شرکت آوای همراه نوین" : "Bazarche Online Co.", legal_address: "Tehran", tax_id: "10103456789", billing_email: email })
    .where("id", "=", t.id)
    .execute();
  return t;
}

/** An invoice row and its lines as the close writes them (a draft), from a view fixture. */
async function storeInvoice(tenantId: string, fixture: InvoiceView, opts: { finalize?: boolean } = {}): Promise<string> {
  const row = await owner
    .insertInto("invoices")
    .values({
      tenant_id: tenantId,
      kind: "invoice",
      period_start: fixture.periodStart,
      period_end: fixture.periodEnd,
      period_label: fixture.periodLabel,
      calendar: fixture.calendar,
      currency: fixture.currency,
      time_zone: fixture.timeZone,
      locale: fixture.locale,
      base_fee_amount: fixture.baseFeeAmount.toString(),
      usage_amount: fixture.usageAmount.toString(),
      minimum_topup_amount: fixture.minimumTopUpAmount.toString(),
      sla_credit_amount: fixture.slaCreditAmount.toString(),
      subtotal: fixture.subtotal.toString(),
      vat_rate_bp: fixture.vatRateBp,
      vat_amount: fixture.vatAmount.toString(),
      total: fixture.total.toString(),
      rated: JSON.stringify({ usage: fixture.usage, sla: fixture.sla }),
      usage_events_count: fixture.usageEventsCount,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("invoice_lines")
    .values(
      fixture.lines.map((l: InvoiceLineView) => ({
        tenant_id: tenantId,
        invoice_id: row.id,
        line_no: l.lineNo,
        type: l.type,
        description_key: l.descriptionKey,
        params: JSON.stringify(l.params),
        kind: l.kind,
        quantity: l.quantity === null ? null : String(l.quantity),
        quantity_unit: l.quantityUnit,
        unit_price: l.unitPrice?.toString() ?? null,
        unit_quantity: l.unitQuantity,
        price_unit: l.priceUnit,
        rate_bp: l.rateBp,
        base_amount: l.baseAmount?.toString() ?? null,
        amount: l.amount.toString(),
      })),
    )
    .execute();
  if (opts.finalize !== false) await withBureauScope((trx) => finalizeInvoiceIn(trx, tenantId, row.id, new Date("2026-04-21T06:00:00Z")));
  return row.id;
}

const view = (tenantId: string, invoiceId: string) => withTenant(tenantId, async (trx) => (await loadInvoiceView(trx, tenantId, invoiceId))!);
const pageCount = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

function hasPdftoppm(): boolean {
  try {
    execFileSync("pdftoppm", ["-v"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The first page as a PNG: poppler when installed, else Chromium's own screenshot of the HTML. */
async function firstPagePng(pdf: Buffer, html: string, name: string): Promise<string> {
  const file = path.join(OUT, `${name}.png`);
  if (hasPdftoppm()) {
    const pdfFile = path.join(OUT, `${name}.pdf`);
    fs.writeFileSync(pdfFile, pdf);
    execFileSync("pdftoppm", ["-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", pdfFile, path.join(OUT, name)]);
  } else {
    const browser = await documentBrowser();
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    await page.setContent(html, { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    await page.screenshot({ path: file });
    await page.close();
  }
  return file;
}

describe("the PDF", () => {
  it("is printed by Chromium with the embedded font, and the first page renders", async () => {
    const fa = invoiceView();
    const pdf = await renderInvoicePdf(fa);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(1);
    // The font travels in the file (subset, so "ABCDEF+Vazirmatn-Regular").
    expect(pdf.toString("latin1")).toMatch(/\/FontName\s*\/[A-Z]{6}\+Vazirmatn-Regular/);
    const png = await firstPagePng(pdf, renderInvoiceHtml(fa), "invoice-fa");
    expect(fs.statSync(png).size).toBeGreaterThan(20_000);

    const en = englishView();
    const enPdf = await renderInvoicePdf(en);
    expect(enPdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    await firstPagePng(enPdf, renderInvoiceHtml(en), "invoice-en");
  });

  it("runs onto more pages when the lines do, repeating the table header", async () => {
    const base = invoiceLines(FARVARDIN_1405);
    const many: InvoiceLineView[] = Array.from({ length: 60 }, (_, i) => ({ ...base[3]!, lineNo: i + 1 }));
    const long = invoiceView({ lines: many, status: "draft", number: null, numberSeq: null });
    const pdf = await renderInvoicePdf(long);
    expect(pageCount(pdf)).toBeGreaterThan(1);
    await firstPagePng(pdf, renderInvoiceHtml(long), "invoice-fa-long-draft");
  });
});

describe("the document store", () => {
  it("prints a finalized invoice once and serves it from invoice_documents afterwards", async () => {
    const t = await billedTenant();
    const id = await storeInvoice(t.id, invoiceView());
    const v = await view(t.id, id);
    expect(v.status).toBe("finalized");

    const first = await withTenant(t.id, (trx) => invoicePdfCached(trx, v));
    const stored = await owner.selectFrom("invoice_documents").selectAll().where("tenant_id", "=", t.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.locale).toBe("fa");
    expect(Buffer.compare(stored[0]!.pdf, first)).toBe(0);

    const started = Date.now();
    const second = await withTenant(t.id, (trx) => invoicePdfCached(trx, v));
    expect(Date.now() - started).toBeLessThan(300);
    expect(Buffer.compare(second, first)).toBe(0);
    const again = await owner.selectFrom("invoice_documents").select("created_at").where("tenant_id", "=", t.id).execute();
    expect(again).toHaveLength(1);
    expect(again[0]!.created_at.getTime()).toBe(stored[0]!.created_at.getTime());
  });

  it("prints again once a payment moved the balance, and never stores a draft", async () => {
    const t = await billedTenant();
    const id = await storeInvoice(t.id, invoiceView());
    const before = await withTenant(t.id, async (trx) => invoicePdfCached(trx, (await loadInvoiceView(trx, t.id, id))!));
    await withTenant(t.id, (trx) => recordPaymentIn(trx, t.id, id, { amount: 100_000_000n, method: "bank_transfer", reference: "PAYA-123", receivedAt: new Date() }));
    const paid = await view(t.id, id);
    const after = await withTenant(t.id, (trx) => invoicePdfCached(trx, paid));
    expect(Buffer.compare(after, before)).not.toBe(0);
    const rows = await owner.selectFrom("invoice_documents").select("pdf").where("tenant_id", "=", t.id).execute();
    expect(rows).toHaveLength(1);
    expect(Buffer.compare(rows[0]!.pdf, after)).toBe(0);

    const draftTenant = await billedTenant();
    const draftId = await storeInvoice(draftTenant.id, invoiceView(), { finalize: false });
    const draft = await view(draftTenant.id, draftId);
    expect(draft.status).toBe("draft");
    const pdf = await withTenant(draftTenant.id, (trx) => invoicePdfCached(trx, draft));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(await owner.selectFrom("invoice_documents").select("invoice_id").where("tenant_id", "=", draftTenant.id).execute()).toEqual([]);
  });
});

describe("exports", () => {
  it("XLSX: a right-to-left summary and lines sheet, amounts as numbers in toman", async () => {
    const v = invoiceView();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await invoiceXlsx(v)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(["صورتحساب", "اقلام صورتحساب"]);
    const lines = wb.getWorksheet("اقلام صورتحساب")!;
    expect(lines.views[0]?.rightToLeft).toBe(true);
    expect(lines.getRow(1).getCell(3).value).toBe("شرح");
    expect(lines.getRow(1).getCell(10).value).toBe("مبلغ (تومان)");
    expect(lines.rowCount).toBe(1 + v.lines.length);
    const first = lines.getRow(2);
    expect(first.getCell(3).value).toBe("هزینهٔ ثابت ماهانه (از ۱ فروردین ۱۴۰۵ تا ۳۱ فروردین ۱۴۰۵، نسخهٔ ۱ طرح تعرفه)");
    expect(first.getCell(10).value).toBe(5_000_000);
    expect(first.getCell(10).numFmt).toBe("#,##0;-#,##0");
    const tier = lines.getRow(3);
    expect(tier.getCell(5).value).toBe(4000);
    expect(tier.getCell(6).value).toBe("دقیقه");
    expect(tier.getCell(7).value).toBe(2500);
    const amounts = v.lines.map((_, i) => lines.getRow(i + 2).getCell(10).value as number);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(26_895_000);
    const summary = wb.getWorksheet("صورتحساب")!;
    const values = summary.getSheetValues().flatMap((r) => (Array.isArray(r) ? [r.slice(1)] : []));
    expect(values).toContainEqual(["مبلغ کل", 26_895_000]);
    expect(values).toContainEqual(["شماره", "HK-000042"]);

    const en = new ExcelJS.Workbook();
    await en.xlsx.load((await invoiceXlsx(englishView())) as unknown as ArrayBuffer);
    expect(en.worksheets[1]!.views[0]?.rightToLeft).toBe(false);
    expect(en.worksheets[1]!.getRow(1).getCell(10).value).toBe("Amount (rial)");
    expect(en.worksheets[1]!.getRow(2).getCell(10).value).toBe(50_000_000);
  });

  it("CSV: BOM, localized header, one row per line, exact decimals", () => {
    const v = invoiceView();
    const csv = invoiceCsv(v);
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const rows = csv.slice(1).trimEnd().split("\r\n");
    expect(rows).toHaveLength(1 + v.lines.length);
    expect(rows[0]).toBe("شمارهٔ صورتحساب,ردیف,نوع,شرح,خدمت,مقدار,واحد مقدار,بهای واحد (تومان),به ازای هر,نرخ (٪),مبلغ (تومان)");
    // The Persian comma (،) needs no quoting; only "," and quotes and line breaks do.
    expect(rows[1]).toBe("HK-000042,1,هزینهٔ ثابت,هزینهٔ ثابت ماهانه (از ۱ فروردین ۱۴۰۵ تا ۳۱ فروردین ۱۴۰۵، نسخهٔ ۱ طرح تعرفه),,31,روز,5000000,ماه,,5000000");
    expect(rows[7]).toMatch(/,کسر بابت سطح خدمت,.*,5,-1050000$/);
    expect(rows[9]).toMatch(/^HK-000042,9,مالیات بر ارزش افزوده,.*,10,2445000$/);
  });
});

describe("the invoice mail", () => {
  it("goes out once through the outbox with the PDF attached, and marks the invoice sent", async () => {
    const email = `finance-${uniq()}@test.local`;
    const t = await billedTenant("fa", email);
    const id = await storeInvoice(t.id, invoiceView());

    await afterFinalize(t.id, id);
    // The document step stored the PDF; the mail step queued one job for this invoice.
    expect(await owner.selectFrom("invoice_documents").select("locale").where("tenant_id", "=", t.id).execute()).toEqual([{ locale: "fa" }]);
    const job = await queue("mail.send").getJob(`invoice-${id}`);
    expect(job?.data).toEqual({ template: "invoice", tenantId: t.id, invoiceId: id, to: email, locale: "fa" });
    expect(await enqueueInvoiceMail(t.id, id)).toBe(`invoice-${id}`);

    await processJob("mail.send", job!);
    const sent = await view(t.id, id);
    expect(sent.status).toBe("sent");
    expect(sent.sentAt).not.toBeNull();
    // Sent: a re-run of the close finds nothing more to mail.
    expect(await enqueueInvoiceMail(t.id, id)).toBeNull();

    const mine = (await listOutbox()).filter((m) => m.to === email);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.subject).toBe(`صورتحساب ${sent.number} – فروردین ۱۴۰۵`);
    expect(mine[0]!.text).toContain("مبلغ کل: ۲۶٬۸۹۵٬۰۰۰ تومان");
    expect(mine[0]!.attachments).toEqual([{ index: 0, filename: `صورتحساب-${sent.number}.pdf`, contentType: "application/pdf", size: expect.any(Number) }]);
    const stored = await owner.selectFrom("mail_outbox").select("attachments").where("id", "=", mine[0]!.id).executeTakeFirstOrThrow();
    const [attachment] = stored.attachments as { contentBase64: string; size: number }[];
    const bytes = Buffer.from(attachment!.contentBase64, "base64");
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.length).toBe(attachment!.size);

    // The demo mailbox offers it for download.
    const res = (await outboxAttachmentLoader(args(get(`/dev/mail/${mine[0]!.id}/0`), { mailId: mine[0]!.id, index: "0" }))) as Response;
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="/);
    expect(Buffer.compare(Buffer.from(await res.arrayBuffer()), bytes)).toBe(0);
    expect(await thrownStatus(outboxAttachmentLoader(args(get(`/dev/mail/${mine[0]!.id}/5`), { mailId: mine[0]!.id, index: "5" })))).toBe(404);
    expect(await thrownStatus(outboxAttachmentLoader(args(get(`/dev/mail/nope/0`), { mailId: "nope", index: "0" })))).toBe(404);

    // Both mailbox pages list it with its download link; the bureau's link is behind its permission.
    // No one signed in, no language cookie: the page is in the bureau's default, Persian.
    const dev = (await devMailLoader(args(get("/dev/mail")))) as { mails: { id: string; attachments: { filename: string; href: string; size: string }[] }[] };
    const listed = dev.mails.find((m) => m.id === mine[0]!.id)!;
    expect(listed.attachments).toEqual([{ filename: `صورتحساب-${sent.number}.pdf`, href: `/dev/mail/${listed.id}/0`, size: expect.stringMatching(/^[۰-۹]+ کیلوبایت$/) }]);
    const params = { mailId: listed.id, index: "0" };
    const asAdmin = (await bureauAttachmentLoader(args(get(`/bureau/outbox/${listed.id}/0`, await signIn((await makeUser({ staffRoles: ["bureau_admin"] })).id)), params))) as Response;
    expect(asAdmin.headers.get("content-type")).toBe("application/pdf");
    const managerCookie = await signIn((await makeUser({ staffRoles: ["manager"] })).id);
    expect(await thrownStatus(bureauAttachmentLoader(args(get(`/bureau/outbox/${listed.id}/0`, managerCookie), params)))).toBe(403);
  });

  it("carries the PDF as a MIME attachment through SMTP", async () => {
    const received: string[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS", "AUTH"],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on("data", (c: Buffer) => chunks.push(c));
        stream.on("end", () => {
          received.push(Buffer.concat(chunks).toString("utf8"));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
    const saved = { transport: process.env.MAIL_TRANSPORT, url: process.env.SMTP_URL };
    process.env.MAIL_TRANSPORT = "smtp";
    process.env.SMTP_URL = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    resetEnvCache();
    try {
      const v = englishView();
      const pdf = await renderInvoicePdf(v);
      const mail = await renderMail({ template: "invoice", tenantId: v.tenantId, invoiceId: v.id, to: "finance@bazarche.test", locale: "en" }, { invoice: { view: v, pdf } });
      expect((await deliverMail(mail)).transport).toBe("smtp");
      expect(received).toHaveLength(1);
      const raw = received[0]!;
      expect(raw).toMatch(/Content-Type: application\/pdf; name=invoice-HK-000042\.pdf/);
      expect(raw).toMatch(/Content-Disposition: attachment; filename=invoice-HK-000042\.pdf/);
      // base64 of "%PDF-".
      expect(raw).toContain("JVBERi0");
    } finally {
      // Assigning undefined would store the string "undefined".
      for (const [name, value] of [["MAIL_TRANSPORT", saved.transport], ["SMTP_URL", saved.url]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      resetEnvCache();
      closeMailTransport();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it("is not queued without a billing address", async () => {
    const t = await billedTenant("fa", null);
    const id = await storeInvoice(t.id, invoiceView());
    expect(await enqueueInvoiceMail(t.id, id)).toBeNull();
  });
});

describe("the document routes", () => {
  let a: Tenant;
  let b: Tenant;
  let invoiceA: string;
  let draftA: string;
  let invoiceB: string;
  let admin: string;
  let viewer: string;
  let manager: string;

  beforeAll(async () => {
    a = await billedTenant("fa");
    b = await billedTenant("en");
    invoiceA = await storeInvoice(a.id, invoiceView());
    draftA = await storeInvoice(a.id, invoiceView({ period: { ...FARVARDIN_1405, label: "1405-02", start: new Date("2026-04-20T20:30:00Z"), end: new Date("2026-05-21T20:30:00Z") } }), { finalize: false });
    invoiceB = await storeInvoice(b.id, englishView({ locale: "en" }));
    admin = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] })).id);
    viewer = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
    manager = await signIn((await makeUser({ staffRoles: ["manager"] })).id);
  });

  const call = (loader: typeof pdfLoader, cookie: string, slug: string, invoiceId: string) =>
    loader(args(get(`/t/${slug}/invoices/${invoiceId}`, cookie), { slug, invoiceId })) as Promise<Response>;

  it("serves the client its invoice as PDF, HTML, XLSX and CSV", async () => {
    const pdf = await call(pdfLoader, admin, a.slug, invoiceA);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const number = (await view(a.id, invoiceA)).number!;
    expect(pdf.headers.get("content-disposition")).toBe(`inline; filename="invoice-${number}.pdf"; filename*=UTF-8''${encodeURIComponent(`صورتحساب-${number}.pdf`)}`);
    expect(pdf.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString("latin1")).toBe("%PDF-");

    const html = await call(htmlLoader, admin, a.slug, invoiceA);
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(await html.text()).toContain('<html lang="fa" dir="rtl">');

    const xlsx = await call(xlsxLoader, admin, a.slug, invoiceA);
    expect(xlsx.headers.get("content-type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(xlsx.headers.get("content-disposition")).toMatch(new RegExp(`^attachment; filename="invoice-${number}\\.xlsx"`));
    const csv = await call(csvLoader, admin, a.slug, invoiceA);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    // Response.text() drops a leading BOM (it decodes as UTF-8), so look at the bytes.
    expect([...new Uint8Array(await csv.arrayBuffer()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  it("answers 404 for another tenant's invoice, a draft asked for by a client, or a bad id; 403 without billing access", async () => {
    expect(await thrownStatus(call(pdfLoader, admin, a.slug, invoiceB))).toBe(404);
    expect(await thrownStatus(call(csvLoader, admin, a.slug, invoiceB))).toBe(404);
    expect(await thrownStatus(call(pdfLoader, admin, b.slug, invoiceB))).toBe(404);
    expect(await thrownStatus(call(pdfLoader, admin, a.slug, draftA))).toBe(404);
    expect(await thrownStatus(call(htmlLoader, admin, a.slug, draftA))).toBe(404);
    expect(await thrownStatus(call(pdfLoader, admin, a.slug, "not-a-uuid"))).toBe(404);
    expect(await thrownStatus(call(pdfLoader, viewer, a.slug, invoiceA))).toBe(403);
  });

  it("lets bureau staff with billing access look at a draft, named as a draft", async () => {
    const res = await call(pdfLoader, manager, a.slug, draftA);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(new RegExp(`^inline; filename="invoice-draft-${a.slug}-1405-02\\.pdf"`));
    const html = await (await call(htmlLoader, manager, a.slug, draftA)).text();
    expect(html).toContain('class="watermark"');
    expect(await owner.selectFrom("invoice_documents").select("invoice_id").where("invoice_id", "=", draftA).execute()).toEqual([]);
  });
});
