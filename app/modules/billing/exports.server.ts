import type { Worksheet } from "exceljs";
import { billingT } from "./document/i18n.server";
import {
  amountScale,
  amountUnitLabel,
  dateText,
  decimalString,
  documentKindLabel,
  kindName,
  lineQuantity,
  lineRateBp,
  lineText,
  periodRange,
  periodTitle,
  totalsRows,
  unitName,
  type DocContext,
} from "./document/format";
import type { InvoiceLineView, InvoiceView } from "./invoice-view";

/**
 * An invoice's line detail for spreadsheets, in the invoice's language: XLSX (a summary sheet and
 * the lines, right-to-left for Persian) and CSV (the lines, UTF-8 with a BOM so Excel reads Persian
 * as Persian). Amounts are in the unit the document shows them in (toman or rial for IRR, the main
 * unit otherwise), converted exactly from the bigint minor units; the column headers say which.
 */

interface ExportRow {
  lineNo: number;
  type: string;
  description: string;
  kind: string;
  /** In the unit the price is quoted in (minutes, not seconds). */
  quantity: number | null;
  quantityUnit: string;
  unitPrice: string | null;
  priceUnit: string;
  /** Percent, for credits and VAT. */
  rate: number | null;
  amount: string;
}

function context(view: InvoiceView): DocContext {
  return { view, lang: view.locale, t: billingT(view.locale) };
}

function scaleOf(view: InvoiceView) {
  const amounts = [view.total, view.subtotal, view.vatAmount, view.amountPaid, view.balance, view.slaCreditAmount, ...view.lines.flatMap((l) => [l.amount, l.unitPrice ?? 0n, l.baseAmount ?? 0n])];
  return amountScale(view, amounts);
}

function exportRows(ctx: DocContext): ExportRow[] {
  const scale = scaleOf(ctx.view);
  const dec = (minor: bigint) => decimalString(minor, scale.divisorDigits, scale.decimals);
  return ctx.view.lines.map((line: InvoiceLineView) => {
    const text = lineText(ctx, line);
    const q = lineQuantity(line);
    const rate = lineRateBp(line);
    return {
      lineNo: line.lineNo,
      type: ctx.t(`invoice.lineTypes.${line.type}`),
      description: text.detail ? `${text.description} (${text.detail})` : text.description,
      kind: kindName(ctx, line.kind),
      // Rounded for reading: the amount, not the quantity, is what was billed.
      quantity: q ? Math.round(q.value * 10_000) / 10_000 : null,
      quantityUnit: q ? unitName(ctx, q.unit) : "",
      unitPrice: line.unitPrice === null ? null : dec(line.unitPrice),
      priceUnit: line.unitPrice === null ? "" : unitName(ctx, line.priceUnit),
      rate: rate === null ? null : rate / 100,
      amount: dec(line.amount),
    };
  });
}

const COLUMNS = ["lineNo", "type", "description", "kind", "quantity", "quantityUnit", "unitPrice", "priceUnit", "rate", "amount"] as const;

function headers(ctx: DocContext): string[] {
  const unit = amountUnitLabel(ctx);
  return COLUMNS.map((c) => {
    const label = ctx.t(`export.columns.${c}`);
    return c === "unitPrice" || c === "amount" ? `${label} (${unit})` : label;
  });
}

// ---------------------------------------------------------------------------------------------------
// CSV

/**
 * RFC 4180 quoting, and text that a spreadsheet would run as a formula (=, +, -, @ first: a credit
 * note's reason is typed by a person) is prefixed with an apostrophe. Numbers stay bare.
 */
export function csvText(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const csvNumber = (v: number | string | null) => (v === null ? "" : String(v));

export function invoiceCsv(view: InvoiceView): string {
  const ctx = context(view);
  const number = view.number ?? ctx.t("export.filename.draft");
  const head = [ctx.t("export.columns.invoiceNumber"), ...headers(ctx)].map(csvText).join(",");
  const body = exportRows(ctx).map((r) =>
    [
      csvText(number),
      csvNumber(r.lineNo),
      csvText(r.type),
      csvText(r.description),
      csvText(r.kind),
      csvNumber(r.quantity),
      csvText(r.quantityUnit),
      csvNumber(r.unitPrice),
      csvText(r.priceUnit),
      csvNumber(r.rate),
      csvNumber(r.amount),
    ].join(","),
  );
  // The BOM is what makes Excel open the file as UTF-8 instead of the system code page.
  return `\uFEFF${[head, ...body].join("\r\n")}\r\n`;
}

// ---------------------------------------------------------------------------------------------------
// XLSX

function numberFormat(decimals: number): string {
  const base = decimals > 0 ? `#,##0.${"0".repeat(decimals)}` : "#,##0";
  return `${base};-${base}`;
}

function summaryRows(ctx: DocContext): [string, string | number | null, boolean][] {
  const { view, t, lang } = ctx;
  const scale = scaleOf(view);
  const amount = (minor: bigint) => Number(decimalString(minor, scale.divisorDigits, scale.decimals));
  const rows: [string, string | number | null, boolean][] = [
    [t("invoice.number"), view.number ?? t("invoice.draftNumber"), false],
    [t("invoice.status"), t(`invoice.statuses.${view.status}`), false],
  ];
  if (view.kind === "credit_note") rows.push([t("invoice.creditNoteFor", { number: view.creditForNumber ?? "–" }), view.reason, false]);
  rows.push(
    [t("invoice.period"), `${periodTitle(view, lang)} – ${periodRange(ctx)}`, false],
    [t("invoice.issued"), dateText(view.issuedAt, lang, view.timeZone) ?? t("invoice.notIssued"), false],
  );
  if (view.dueAt && view.kind === "invoice") rows.push([t("invoice.due"), dateText(view.dueAt, lang, view.timeZone), false]);
  rows.push(
    [t("invoice.seller"), view.seller.legalName || view.seller.name, false],
    [`${t("invoice.seller")} – ${t("invoice.taxId")}`, view.seller.taxId, false],
    [t("invoice.buyer"), view.buyer.legalName || view.buyer.name, false],
    [`${t("invoice.buyer")} – ${t("invoice.taxId")}`, view.buyer.taxId, false],
  );
  for (const row of totalsRows(ctx)) rows.push([row.label, amount(row.amount), true]);
  rows.push([t("export.columns.unit"), amountUnitLabel(ctx), false]);
  return rows;
}

function fitColumns(sheet: Worksheet, min = 8, max = 70) {
  sheet.columns.forEach((col) => {
    let width = min;
    col.eachCell?.({ includeEmpty: false }, (cell) => {
      width = Math.max(width, Math.min(max, String(cell.value ?? "").length + 2));
    });
    col.width = width;
  });
}

export async function invoiceXlsx(view: InvoiceView): Promise<Buffer> {
  // exceljs is large and only exports need it: loaded on first use.
  const { default: ExcelJS } = await import("exceljs");
  const ctx = context(view);
  const rtl = view.locale === "fa";
  const scale = scaleOf(view);
  const fmt = numberFormat(scale.decimals);
  const wb = new ExcelJS.Workbook();
  wb.creator = view.seller.name || "Hamkal";
  wb.created = view.issuedAt ?? view.createdAt;
  wb.title = `${documentKindLabel(ctx)} ${view.number ?? ""}`.trim();

  const summary = wb.addWorksheet(ctx.t("export.sheetSummary").slice(0, 31), { views: [{ rightToLeft: rtl }] });
  summary.addRow([ctx.t("export.field"), ctx.t("export.value")]).font = { bold: true };
  for (const [label, value, isAmount] of summaryRows(ctx)) {
    const row = summary.addRow([label, value]);
    if (isAmount) row.getCell(2).numFmt = fmt;
  }
  fitColumns(summary);

  const lines = wb.addWorksheet(ctx.t("export.sheetLines").slice(0, 31), { views: [{ rightToLeft: rtl, state: "frozen", ySplit: 1 }] });
  lines.addRow(headers(ctx)).font = { bold: true };
  for (const r of exportRows(ctx)) {
    const row = lines.addRow([
      r.lineNo,
      r.type,
      r.description,
      r.kind,
      r.quantity,
      r.quantityUnit,
      r.unitPrice === null ? null : Number(r.unitPrice),
      r.priceUnit,
      r.rate,
      Number(r.amount),
    ]);
    row.getCell(7).numFmt = fmt;
    row.getCell(10).numFmt = fmt;
    // A whole number keeps no decimal point (Excel prints "62." for "#,##0.##" otherwise).
    if (r.quantity !== null) row.getCell(5).numFmt = Number.isInteger(r.quantity) ? "#,##0" : "#,##0.00##";
  }
  fitColumns(lines);
  lines.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: COLUMNS.length } };

  return Buffer.from(await wb.xlsx.writeBuffer());
}
