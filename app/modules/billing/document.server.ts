import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { sql } from "kysely";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { Executor } from "../platform/db.server";
import { logger } from "../platform/logger.server";
import { documentBrowser } from "./document/browser.server";
import { documentFilename, type DocContext } from "./document/format";
import { billingT } from "./document/i18n.server";
import { InvoiceDocument } from "./document/InvoiceDocument";
import type { InvoiceView } from "./invoice-view";

/**
 * The invoice document: HTML from the InvoiceDocument component, PDF from headless Chromium's print
 * of that same HTML (so Persian is shaped by a real text engine, with the embedded Vazirmatn), and a
 * store of finalized invoices' PDFs so a document is printed once, not on every download.
 */

// ---------------------------------------------------------------------------------------------------
// Font

/**
 * Vazirmatn, embedded as data: URLs. Static Regular and Bold rather than the variable font: PDF
 * output embeds a static face as it is, where a variable one depends on the printer's instancing.
 * Read once per process (~140 KB of base64).
 */
let fontCss: string | undefined;

function vazirmatnDir(): string {
  try {
    return path.dirname(createRequire(import.meta.url).resolve("vazirmatn/package.json"));
  } catch {
    return path.resolve(process.cwd(), "node_modules/vazirmatn");
  }
}

export function vazirmatnFontCss(): string {
  if (fontCss !== undefined) return fontCss;
  const dir = path.join(vazirmatnDir(), "fonts", "webfonts");
  const face = (file: string, weight: number) => {
    const data = fs.readFileSync(path.join(dir, file)).toString("base64");
    return `@font-face{font-family:"Vazirmatn";font-style:normal;font-weight:${weight};font-display:block;src:url(data:font/woff2;base64,${data}) format("woff2");}`;
  };
  fontCss = face("Vazirmatn-Regular.woff2", 400) + face("Vazirmatn-Bold.woff2", 700);
  return fontCss;
}

// ---------------------------------------------------------------------------------------------------
// HTML and PDF

/** The complete, self-contained HTML document in the invoice's language. */
export function renderInvoiceHtml(view: InvoiceView): string {
  const t = billingT(view.locale);
  return `<!doctype html>${renderToStaticMarkup(createElement(InvoiceDocument, { view, t, fontCss: vazirmatnFontCss() }))}`;
}

/** The document's file name in its own language ("صورتحساب-HK-000042.pdf"), with an ASCII fallback. */
export function invoiceFilename(view: InvoiceView, ext: "pdf" | "html" | "xlsx" | "csv", lang = view.locale): { ascii: string; localized: string } {
  const ctx: DocContext = { view, lang, t: billingT(lang) };
  return documentFilename(ctx, ext);
}

/**
 * Prints the HTML to an A4 PDF in a fresh, offline browser context (nothing is fetched, nothing is
 * shared between documents). Waits for the embedded font before printing, or the first PDF of a
 * process could come out in a fallback face.
 */
export async function renderInvoicePdf(view: InvoiceView): Promise<Buffer> {
  const html = renderInvoiceHtml(view);
  const browser = await documentBrowser();
  const context = await browser.newContext({ offline: true, locale: view.locale === "fa" ? "fa-IR" : view.locale === "nl" ? "nl-NL" : "en-GB" });
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    const started = Date.now();
    const pdf = await page.pdf({ format: "A4", printBackground: true, preferCSSPageSize: true });
    logger.debug({ invoiceId: view.id, bytes: pdf.length, ms: Date.now() - started }, "invoice printed");
    return pdf;
  } finally {
    await context.close().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------------
// The store

/**
 * The instant of the printed state: a finalized invoice's lines and totals never change, but its
 * status (sent, paid, void), its payments and its balance (credit notes against it) do, and the
 * document prints them. So the stored PDF serves as long as neither the invoice nor a credit note
 * for it was updated after it was printed.
 */
async function printedStateAt(trx: Executor, view: InvoiceView): Promise<Date> {
  const row = await trx
    .selectFrom("invoices")
    .select((eb) => eb.fn.max("updated_at").as("at"))
    .where("tenant_id", "=", view.tenantId)
    .where("credit_for_invoice_id", "=", view.id)
    .executeTakeFirst();
  const credits = row?.at ? new Date(row.at as unknown as string | Date) : null;
  return credits && credits > view.updatedAt ? credits : view.updatedAt;
}

/**
 * The PDF of an invoice in its language. A draft is printed fresh every time and never stored (it
 * changes with every re-run of the close). Anything else is printed once into invoice_documents and
 * served from there, printed again only when its status, payments or credits moved on since.
 * `trx` is scoped by the caller (the tenant's, or the bureau's).
 */
export async function invoicePdfCached(trx: Executor, view: InvoiceView): Promise<Buffer> {
  if (view.status === "draft") return renderInvoicePdf(view);
  const stateAt = await printedStateAt(trx, view);
  const stored = await trx
    .selectFrom("invoice_documents")
    .select(["pdf", "created_at"])
    .where("tenant_id", "=", view.tenantId)
    .where("invoice_id", "=", view.id)
    .where("locale", "=", view.locale)
    .executeTakeFirst();
  if (stored && stored.created_at.getTime() >= stateAt.getTime()) return stored.pdf;

  const pdf = await renderInvoicePdf(view);
  // Stamped no earlier than the state it prints, so it stays fresh until the invoice moves again.
  // Two printers racing write the same document; the later stamp wins.
  const createdAt = sql<Date>`greatest(now(), ${stateAt}::timestamptz)`;
  await trx
    .insertInto("invoice_documents")
    .values({ tenant_id: view.tenantId, invoice_id: view.id, locale: view.locale, pdf, created_at: createdAt })
    .onConflict((oc) =>
      oc
        .columns(["tenant_id", "invoice_id", "locale"])
        .doUpdateSet((eb) => ({ pdf: eb.ref("excluded.pdf"), created_at: eb.ref("excluded.created_at") }))
        .whereRef("invoice_documents.created_at", "<", "excluded.created_at"),
    )
    .execute();
  return pdf;
}
