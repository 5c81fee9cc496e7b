import { directionOf, type Language } from "../../i18n/config";
import { formatDateTime } from "../../i18n/format";
import { periodText, statedLines, type ReportsT } from "../render";
import { reportTables, summaryLines, type Table } from "../tables";
import type { ReportData } from "../view";

/**
 * A report as a complete A4 (landscape) HTML document in the reader's language: Persian right to
 * left with Jalali dates and Persian digits, English and Dutch left to right. Printed by the same
 * headless Chromium as invoices (Persian shaped by a real text engine, Vazirmatn embedded). Every
 * figure's formula is printed with it. Pure: no data loading, no hooks.
 */
export interface ReportDocumentProps {
  report: ReportData;
  lang: Language;
  t: ReportsT;
  title: string;
  scopeText: string;
  fontCss: string;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:";

const CSS = `
@page { size: A4 landscape; margin: 12mm 11mm 14mm; }
*, *::before, *::after { box-sizing: border-box; }
html { font-family: Vazirmatn, "DejaVu Sans", sans-serif; font-size: 8.5pt; line-height: 1.5; color: #1f2937; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; }
h1, h2, p { margin: 0; }
header { border-block-end: 2pt solid #0f766e; padding-block-end: 3mm; margin-block-end: 4mm; }
h1 { font-size: 15pt; color: #0f766e; }
.sub { color: #374151; margin-block-start: 1mm; }
.stated { margin: 0 0 4mm; padding-inline-start: 5mm; color: #4b5563; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 2.5mm; margin-block-end: 5mm; }
.kpi { border: 0.75pt solid #d1d5db; border-radius: 2mm; padding: 2mm 3mm; break-inside: avoid; }
.kpi .name { color: #6b7280; }
.kpi .value { font-size: 12pt; font-weight: 700; }
.kpi .formula { color: #6b7280; font-size: 7pt; }
section { margin-block-end: 5mm; }
h2 { font-size: 10.5pt; color: #0f766e; margin-block-end: 1.5mm; }
table { border-collapse: collapse; inline-size: 100%; }
thead { display: table-header-group; }
th { background: #0f766e; color: #fff; font-weight: 700; text-align: start; padding: 1.2mm 1.5mm; vertical-align: bottom; }
td { padding: 1mm 1.5mm; border-block-end: 0.5pt solid #e5e7eb; }
tr { break-inside: avoid; }
tfoot td { font-weight: 700; border-block-start: 1pt solid #1f2937; }
.num { text-align: end; white-space: nowrap; font-variant-numeric: tabular-nums; }
.heat td.num { text-align: center; }
.formulas { color: #4b5563; font-size: 7.5pt; }
.formulas li { margin-block-end: 0.5mm; }
footer { color: #9ca3af; font-size: 7pt; margin-block-start: 4mm; }
`;

function heatColor(value: number | null, max: number): string | undefined {
  if (value === null || max <= 0) return undefined;
  const a = Math.min(1, value / max);
  return `rgba(15, 118, 110, ${(0.08 + a * 0.72).toFixed(3)})`;
}

function TableView({ table }: { table: Table }) {
  const heat = table.id === "heatmap";
  const max = heat ? Math.max(0, ...table.rows.flatMap((r) => r.slice(1).map((c) => (typeof c.value === "number" ? c.value : 0)))) : 0;
  return (
    <section>
      <h2>{table.title}</h2>
      <table className={heat ? "heat" : undefined}>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.id} className={c.unit === "text" ? undefined : "num"} scope="col">
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td
                  key={j}
                  className={table.columns[j]!.unit === "text" ? undefined : "num"}
                  style={heat && j > 0 ? { background: heatColor(typeof cell.value === "number" ? cell.value : null, max), color: typeof cell.value === "number" && cell.value > max * 0.6 ? "#fff" : undefined } : undefined}
                >
                  {cell.text}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {table.total ? (
          <tfoot>
            <tr>
              {table.total.map((cell, j) => (
                <td key={j} className={table.columns[j]!.unit === "text" ? undefined : "num"}>
                  {cell.text}
                </td>
              ))}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </section>
  );
}

export function ReportDocument({ report, lang, t, title, scopeText, fontCss }: ReportDocumentProps) {
  const dir = directionOf(lang);
  const tables = reportTables(report, lang, t);
  const summary = summaryLines(report, lang, t);
  return (
    <html lang={lang} dir={dir}>
      <head>
        <meta charSet="utf-8" />
        <meta httpEquiv="Content-Security-Policy" content={CSP} />
        <title>{title}</title>
        <style dangerouslySetInnerHTML={{ __html: fontCss + CSS }} />
      </head>
      <body>
        <header>
          <h1>{title}</h1>
          <p className="sub">
            {periodText(report, lang, t)} · {scopeText}
          </p>
        </header>
        <ul className="stated">
          {statedLines(report, lang, t).map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
        <div className="kpis">
          {summary.map((s) => (
            <div className="kpi" key={s.key}>
              <p className="name">{s.name}</p>
              <p className="value">{s.value}</p>
              <p className="formula">{s.formula}</p>
            </div>
          ))}
        </div>
        {tables.map((table) => (
          <TableView key={table.id} table={table} />
        ))}
        <footer>{t("document.generated", { at: formatDateTime(report.generatedAt, lang, report.stated.timeZone) })}</footer>
      </body>
    </html>
  );
}
