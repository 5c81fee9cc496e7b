import type { Workbook } from "exceljs";
import { createInstance, type i18n } from "i18next";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { documentBrowser } from "../billing/document/browser.server";
import { vazirmatnFontCss } from "../billing/document.server";
import { csvText } from "../billing/exports.server";
import { i18nOptions, type Language } from "../i18n/config";
import { loadResourcesFromDisk } from "../i18n/resources.node.server";
import { logger } from "../platform/logger.server";
import type { ReportFormat } from "./catalog";
import { ReportDocument } from "./document/ReportDocument";
import { periodText, statedLines, type ReportsT } from "./render";
import { reportTables, summaryLines, type Table } from "./tables";
import type { ReportData } from "./view";

/**
 * A report as a file: XLSX (a summary sheet with every figure's formula, then one sheet per table,
 * right to left for Persian), CSV (the main table, UTF-8 with a BOM so Excel reads Persian), and PDF
 * (the report document printed by headless Chromium, as invoices are). The workers render these
 * (reports.generate), outside Vite, so the strings come from locales/ on disk.
 */
const KEY = Symbol.for("hamkal.reportsI18n");
type Holder = { [KEY]?: i18n };

export function reportsT(lang: Language): ReportsT {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const created = createInstance();
    void created.init({ ...i18nOptions, resources: loadResourcesFromDisk(), initImmediate: false });
    holder[KEY] = created;
  }
  const fixed = holder[KEY].getFixedT(lang, "reports");
  return (key, options) => String(fixed(key, options as never));
}

export interface RenderInput {
  report: ReportData;
  lang: Language;
  /** "Performance report", stated on the document. */
  title: string;
  /** "آوای همراه · all queues": what the figures cover. */
  scopeText: string;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  csv: "text/csv; charset=utf-8",
  pdf: "application/pdf",
};

/** "گزارش-عملکرد-۱۴۰۵-۰۸.xlsx" in the reader's language, with an ASCII one for old clients. */
export function reportFilename(input: RenderInput, format: ReportFormat): { localized: string; ascii: string } {
  const t = reportsT(input.lang);
  const base = `${t(`file.${input.report.kind}`)}-${input.report.periodLabel}`;
  const localized = `${base.replace(/[\\/:*?"<>|\s]+/g, "-")}.${format}`;
  const ascii = `report-${input.report.kind}-${input.report.periodLabel}.${format}`;
  return { localized, ascii };
}

// ---------------------------------------------------------------------------------------------
// CSV

const csvValue = (v: string | number | null) => (v === null ? "" : typeof v === "number" ? String(v) : csvText(v));

export function reportCsv(input: RenderInput): Buffer {
  const t = reportsT(input.lang);
  const table = reportTables(input.report, input.lang, t)[0]!;
  const lines = [table.columns.map((c) => csvText(c.header)).join(",")];
  for (const row of [...table.rows, ...(table.total ? [table.total] : [])]) lines.push(row.map((c) => csvValue(c.value)).join(","));
  return Buffer.from(`\uFEFF${lines.join("\r\n")}\r\n`, "utf8");
}

// ---------------------------------------------------------------------------------------------
// XLSX

const FORMATS: Record<string, string> = { count: "#,##0", percent: "0.0", seconds: "0.0", hours: "#,##0.0", text: "@" };

export async function reportXlsx(input: RenderInput): Promise<Buffer> {
  // exceljs is large and only exports need it: loaded on first use.
  const { default: ExcelJS } = await import("exceljs");
  const t = reportsT(input.lang);
  const rtl = input.lang === "fa";
  const wb = new ExcelJS.Workbook();
  wb.creator = "Hamkal";
  wb.created = new Date(input.report.generatedAt);
  wb.title = input.title;

  const summary = wb.addWorksheet(t("export.sheetSummary").slice(0, 31), { views: [{ rightToLeft: rtl }] });
  summary.addRow([input.title]).font = { bold: true, size: 14 };
  summary.addRow([periodText(input.report, input.lang, t)]);
  summary.addRow([input.scopeText]);
  for (const line of statedLines(input.report, input.lang, t)) summary.addRow([line]);
  summary.addRow([]);
  summary.addRow([t("export.figure"), t("export.value"), t("export.formula")]).font = { bold: true };
  for (const s of summaryLines(input.report, input.lang, t)) summary.addRow([s.name, s.value, s.formula]);
  summary.getColumn(1).width = 34;
  summary.getColumn(2).width = 18;
  summary.getColumn(3).width = 90;

  for (const table of reportTables(input.report, input.lang, t)) addTableSheet(wb, table, rtl);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function addTableSheet(wb: Workbook, table: Table, rtl: boolean) {
  const sheet = wb.addWorksheet(table.title.replace(/[\\/?*[\]:]/g, " ").slice(0, 31), { views: [{ rightToLeft: rtl, state: "frozen", ySplit: 1, xSplit: 1 }] });
  sheet.addRow(table.columns.map((c) => c.header)).font = { bold: true };
  const add = (cells: Table["rows"][number], bold = false) => {
    const row = sheet.addRow(cells.map((c) => c.value));
    table.columns.forEach((col, i) => {
      if (col.unit !== "text") row.getCell(i + 1).numFmt = FORMATS[col.unit]!;
    });
    if (bold) row.font = { bold: true };
  };
  for (const r of table.rows) add(r);
  if (table.total) add(table.total, true);
  // The formulas under the table: a spreadsheet read on its own still says what each column is.
  const formulas = table.columns.filter((c) => c.formula);
  if (formulas.length) {
    sheet.addRow([]);
    for (const c of formulas) sheet.addRow([c.formula]).font = { italic: true, color: { argb: "FF4B5563" } };
  }
  table.columns.forEach((c, i) => {
    const width = Math.max(10, Math.min(40, c.header.length + 2, ...table.rows.map((r) => String(r[i]?.text ?? "").length + 2)));
    sheet.getColumn(i + 1).width = i === 0 ? Math.max(width, 18) : width;
  });
}

// ---------------------------------------------------------------------------------------------
// PDF

export function reportHtml(input: RenderInput): string {
  const t = reportsT(input.lang);
  return `<!doctype html>${renderToStaticMarkup(createElement(ReportDocument, { report: input.report, lang: input.lang, t, title: input.title, scopeText: input.scopeText, fontCss: vazirmatnFontCss() }))}`;
}

/** Printed in a fresh offline context, once the embedded font is ready (as invoices are). */
export async function reportPdf(input: RenderInput): Promise<Buffer> {
  const html = reportHtml(input);
  const browser = await documentBrowser();
  const context = await browser.newContext({ offline: true, locale: input.lang === "fa" ? "fa-IR" : input.lang === "nl" ? "nl-NL" : "en-GB" });
  try {
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await page.evaluate(async () => {
      await document.fonts.ready;
    });
    const started = Date.now();
    const pdf = await page.pdf({ format: "A4", landscape: true, printBackground: true, preferCSSPageSize: true });
    logger.debug({ kind: input.report.kind, bytes: pdf.length, ms: Date.now() - started }, "report printed");
    return pdf;
  } finally {
    await context.close().catch(() => undefined);
  }
}

export async function renderReportFile(input: RenderInput, format: ReportFormat): Promise<{ content: Buffer; contentType: string; filename: string }> {
  const content = format === "csv" ? reportCsv(input) : format === "xlsx" ? await reportXlsx(input) : await reportPdf(input);
  return { content, contentType: CONTENT_TYPES[format], filename: reportFilename(input, format).localized };
}
