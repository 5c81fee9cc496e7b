import type { Language } from "../i18n/config";
import { KPI_FORMULAS, MEASURES } from "./kpi-definitions";
import { formatCount, formatKpi, formatMeasure, formatPct, formulaText, labelText, measureFormulaText, NO_DATA, weekdayTitle, type ReportsT } from "./render";
import type { ReportData, ReportRow } from "./view";

/**
 * A report's tables in a language, each cell with its text (what a page or a PDF shows) and its
 * value (what a spreadsheet keeps: a number in the unit the header names). One builder for every
 * output, so the page, the PDF, the XLSX and the CSV of a report have the same columns. Pure.
 */
export type CellUnit = "text" | "count" | "percent" | "seconds" | "hours";

export interface Column {
  id: string;
  header: string;
  unit: CellUnit;
  /** The column's formula in words (KPI and measure columns). */
  formula?: string;
}

export interface Cell {
  text: string;
  value: string | number | null;
}

export interface Table {
  id: string;
  title: string;
  columns: Column[];
  rows: Cell[][];
  /** A total row (the whole period or selection), when the table has one. */
  total?: Cell[];
}

const unitOfKpi = (u: "count" | "percent" | "seconds"): CellUnit => u;

function header(name: string, unit: CellUnit, t: ReportsT): string {
  return unit === "percent" || unit === "seconds" || unit === "hours" ? t("table.withUnit", { name, unit: t(`unit.${unit}`) }) : name;
}

export function mainTable(r: ReportData, lang: Language, t: ReportsT): Table {
  const labelHeader = t(`table.label.${r.kind === "performance" ? (r.groupBy === "period" ? (r.span === "day" ? "slot" : r.span === "year" ? "month" : "day") : r.groupBy) : r.kind === "volume" ? "slot" : r.kind === "sla" ? (r.span === "year" ? "month" : "day") : r.kind === "agents" ? "agent" : r.kind === "campaigns" ? "campaign" : "tenant"}`);
  const columns: Column[] = [{ id: "label", header: labelHeader, unit: "text" }];
  for (const k of r.kpiColumns) {
    const unit = unitOfKpi(KPI_FORMULAS[k].unit);
    columns.push({ id: k, header: header(t(`kpi.${k}`), unit, t), unit, formula: formulaText(k, t) });
  }
  for (const m of r.measureColumns) {
    const unit: CellUnit = MEASURES[m].unit === "seconds" ? "hours" : "count";
    columns.push({ id: m, header: header(t(`measure.${m}`), unit, t), unit, formula: measureFormulaText(m, t) });
  }
  const cells = (row: ReportRow): Cell[] => [
    { text: labelText(row.label, r.calendar, lang, t), value: labelText(row.label, r.calendar, lang, t) },
    ...r.kpiColumns.map((k) => {
      const v = row.kpis[k]?.value ?? null;
      return { text: formatKpi(k, v, lang), value: v };
    }),
    ...r.measureColumns.map((m) => {
      const v = row.measures[m] ?? 0;
      return { text: formatMeasure(m, v, lang), value: MEASURES[m].unit === "seconds" ? Math.round((v / 3600) * 10) / 10 : v };
    }),
  ];
  return { id: "rows", title: t(`kind.${r.kind}`), columns, rows: r.rows.map(cells), total: cells(r.total) };
}

/** The volume heatmap as a table: weekdays down, times of day across, the average offered per day in each cell. */
export function heatmapTable(r: ReportData, lang: Language, t: ReportsT): Table | null {
  const h = r.heatmap;
  if (!h) return null;
  const columns: Column[] = [{ id: "weekday", header: t("heatmap.weekday"), unit: "text" }, ...h.slots.map((s) => ({ id: s, header: labelText({ kind: "slot", hhmm: s }, r.calendar, lang, t), unit: "count" as const }))];
  const rows = h.weekdays.map((w, wi) => [
    { text: weekdayTitle(w, lang), value: weekdayTitle(w, lang) },
    ...h.slots.map((_, si) => {
      const days = h.days[wi]!;
      const avg = days > 0 ? Math.round((h.offered[wi]![si]! / days) * 10) / 10 : null;
      return { text: avg === null ? NO_DATA : formatCount(avg, lang), value: avg };
    }),
  ]);
  return { id: "heatmap", title: t("heatmap.title"), columns, rows };
}

export function breakdownTables(r: ReportData, lang: Language, t: ReportsT): Table[] {
  const out: Table[] = [];
  const multi = new Set([...(r.reasons ?? []), ...(r.dispositions ?? [])].map((x) => x.tenantName)).size > 1;
  const tenantCol: Column[] = multi ? [{ id: "tenant", header: t("table.label.tenant"), unit: "text" }] : [];
  const tenantCell = (name: string): Cell[] => (multi ? [{ text: name, value: name }] : []);
  const code = (c: string, name: string) => (c === "" ? t("breakdown.none") : name ? `${name} (${c})` : c);
  if (r.reasons) {
    out.push({
      id: "reasons",
      title: t("breakdown.reasons"),
      columns: [...tenantCol, { id: "reason", header: t("breakdown.reason"), unit: "text" }, { id: "count", header: t("breakdown.count"), unit: "count" }, { id: "share", header: header(t("breakdown.share"), "percent", t), unit: "percent", formula: t("breakdown.shareFormula") }],
      rows: r.reasons.map((x) => [...tenantCell(x.tenantName), { text: code(x.code, x.name), value: code(x.code, x.name) }, { text: formatCount(x.count, lang), value: x.count }, { text: x.sharePct === null ? NO_DATA : formatPct(x.sharePct, lang), value: x.sharePct }]),
    });
  }
  if (r.dispositions) {
    out.push({
      id: "dispositions",
      title: t("breakdown.dispositions"),
      columns: [
        ...tenantCol,
        { id: "disposition", header: t("breakdown.disposition"), unit: "text" },
        { id: "reason", header: t("breakdown.reason"), unit: "text" },
        { id: "resolved", header: t("breakdown.resolved"), unit: "text" },
        { id: "count", header: t("breakdown.count"), unit: "count" },
        { id: "share", header: header(t("breakdown.share"), "percent", t), unit: "percent", formula: t("breakdown.shareFormula") },
      ],
      rows: r.dispositions.map((x) => {
        const resolved = x.resolved === null ? NO_DATA : t(x.resolved ? "breakdown.yes" : "breakdown.no");
        return [
          ...tenantCell(x.tenantName),
          { text: code(x.code, x.name), value: code(x.code, x.name) },
          { text: x.parent, value: x.parent },
          { text: resolved, value: resolved },
          { text: formatCount(x.count, lang), value: x.count },
          { text: x.sharePct === null ? NO_DATA : formatPct(x.sharePct, lang), value: x.sharePct },
        ];
      }),
    });
  }
  return out;
}

export function slaTables(r: ReportData, lang: Language, t: ReportsT): Table[] {
  const out: Table[] = [];
  if (r.slaQueues && r.slaQueues.length) {
    const buckets = r.slaQueues[0]!.cells.map((c) => c.bucket);
    out.push({
      id: "slaQueues",
      title: t("sla.queuesTitle"),
      columns: [
        { id: "queue", header: t("table.label.queue"), unit: "text" },
        { id: "target", header: t("sla.target"), unit: "text" },
        ...buckets.map((b, i) => ({ id: `b${i}`, header: labelText(b, r.calendar, lang, t, "short"), unit: "percent" as const })),
      ],
      rows: r.slaQueues.map((q) => [
        { text: `${q.queueName} — ${q.tenantName}`, value: `${q.queueName} — ${q.tenantName}` },
        { text: t("sla.targetText", { pct: formatPct(q.slTargetPct, lang), seconds: formatCount(q.slThresholdSeconds, lang) }), value: t("sla.targetText", { pct: formatPct(q.slTargetPct, lang), seconds: formatCount(q.slThresholdSeconds, lang) }) },
        ...q.cells.map((c) => ({ text: c.serviceLevel === null ? NO_DATA : `${formatPct(c.serviceLevel, lang)}${c.met === false ? ` ${t("sla.belowMark")}` : ""}`, value: c.serviceLevel })),
      ]),
    });
  }
  if (r.slaCommitments && r.slaCommitments.length) {
    out.push({
      id: "slaContract",
      title: t("sla.contractTitle"),
      columns: [
        { id: "tenant", header: t("table.label.tenant"), unit: "text" },
        { id: "scope", header: t("sla.scope"), unit: "text" },
        { id: "committed", header: header(t("sla.committed"), "percent", t), unit: "percent" },
        { id: "attained", header: header(t("sla.attained"), "percent", t), unit: "percent" },
        { id: "outcome", header: t("sla.outcome"), unit: "text" },
        { id: "credit", header: header(t("sla.credit"), "percent", t), unit: "percent" },
      ],
      rows: r.slaCommitments.map((c) => {
        const outcome = c.attainedPct === null ? NO_DATA : t(c.breached ? "sla.breached" : "sla.met");
        return [
          { text: c.tenantName, value: c.tenantName },
          { text: c.queueName ?? t("sla.allQueues"), value: c.queueName ?? t("sla.allQueues") },
          { text: formatPct(c.committedPct, lang), value: c.committedPct },
          { text: c.attainedPct === null ? NO_DATA : formatPct(c.attainedPct, lang), value: c.attainedPct },
          { text: outcome, value: outcome },
          { text: formatPct(c.creditPct, lang), value: c.creditPct },
        ];
      }),
    });
  }
  return out;
}

/** Every table of a report, in reading order. */
export function reportTables(r: ReportData, lang: Language, t: ReportsT): Table[] {
  const heat = heatmapTable(r, lang, t);
  return [mainTable(r, lang, t), ...(heat ? [heat] : []), ...slaTables(r, lang, t), ...breakdownTables(r, lang, t)];
}

/** The KPI summary: each KPI column's value over the whole report with its formula. */
export function summaryLines(r: ReportData, lang: Language, t: ReportsT): { key: string; name: string; value: string; formula: string }[] {
  return [
    ...r.kpiColumns.map((k) => ({ key: k, name: t(`kpi.${k}`), value: formatKpi(k, r.total.kpis[k]?.value ?? null, lang), formula: formulaText(k, t) })),
    ...r.measureColumns.map((m) => ({ key: m, name: t(`measure.${m}`), value: formatMeasure(m, r.total.measures[m] ?? 0, lang), formula: measureFormulaText(m, t) })),
  ];
}

