import type { KpiKey, MeasureKey, RepeatMatch, SlVariant } from "./kpi";
import type { GroupBy, ReportKind, SlThreshold } from "./catalog";
import type { ReportCalendar, Span } from "./periods";

/**
 * A computed report as the pages, the exports and the API receive it: plain data (JSON-safe, no
 * Dates), language-neutral. Labels are specs, not text: each renderer formats them in its reader's
 * language (Jalali dates and Persian digits in fa) and states every figure's formula from
 * KPI_FORMULAS, so a page, a PDF and a spreadsheet of one report say the same thing. Pure types.
 */
export type LabelSpec =
  | { kind: "day"; iso: string }
  | { kind: "month"; label: string; calendar: ReportCalendar }
  | { kind: "slot"; hhmm: string }
  | { kind: "name"; text: string; sub?: string }
  | { kind: "total" };

/** A figure: its value as the formula gives it, and the formula's numerator and denominator. */
export interface Figure {
  value: number | null;
  numerator: number;
  denominator: number | null;
}

export interface ReportRow {
  key: string;
  label: LabelSpec;
  kpis: Partial<Record<KpiKey, Figure>>;
  measures: Partial<Record<MeasureKey, number>>;
}

export interface StatedThreshold {
  tenantName: string;
  queueName: string;
  slThresholdSeconds: number;
  shortAbandonSeconds: number;
  slTargetPct: number;
}

/** What the figures depend on besides the data, stated on the report. */
export interface Stated {
  slVariant: SlVariant;
  /** "queue": each queue's own threshold (listed in `queues`), else this many seconds for all. */
  slThreshold: SlThreshold;
  queues: StatedThreshold[];
  repeatWindowDays: number;
  repeatMatch: RepeatMatch;
  /** Occupancy and utilization are the agents' time across every tenant: stated, and left out of a single tenant's report. */
  agentTime: boolean;
  /** Minutes per row of a day's report. */
  interval: number;
  timeZone: string;
}

export interface HeatmapData {
  /** JS weekdays (0 = Sunday) in reading order. */
  weekdays: number[];
  /** Local start times of the rows ("08:00"). */
  slots: string[];
  /** offered[weekday index][slot index]: contacts offered in the period at that weekday and time. */
  offered: number[][];
  /** How many of each weekday (aligned with weekdays) the period has: a cell's average is offered / days. */
  days: number[];
}

export interface BreakdownRowView {
  tenantName: string;
  code: string;
  name: string;
  /** The reason a disposition belongs to (its parent's name); empty for reasons. */
  parent: string;
  resolved: boolean | null;
  count: number;
  /** count / handled x 100, one decimal (the denominator is the tenant's handled contacts). */
  sharePct: number | null;
}

export interface SlaQueueRow {
  key: string;
  tenantName: string;
  queueName: string;
  slTargetPct: number;
  slThresholdSeconds: number;
  /** Per bucket, then the whole period last. */
  cells: { bucket: LabelSpec; serviceLevel: number | null; met: boolean | null; answered: number; counted: number }[];
}

export interface SlaCommitmentRow {
  tenantName: string;
  /** null: all the tenant's queues together. */
  queueName: string | null;
  /** The promised level (the mildest threshold), percent. */
  committedPct: number;
  attainedPct: number | null;
  breached: boolean;
  creditPct: number;
}

export interface ReportData {
  kind: ReportKind;
  span: Span;
  calendar: ReportCalendar;
  periodLabel: string;
  startDay: string;
  endDay: string;
  groupBy: GroupBy;
  scope: { tenant: string | null; queue: string | null; agent: string | null; campaign: string | null; channel: string | null; direction: string | null };
  /** The names of what the filters pick (shown on the report), null where no filter is set. */
  names: { tenant: string | null; queue: string | null; agent: string | null; campaign: string | null };
  stated: Stated;
  kpiColumns: KpiKey[];
  measureColumns: MeasureKey[];
  rows: ReportRow[];
  total: ReportRow;
  heatmap?: HeatmapData;
  reasons?: BreakdownRowView[];
  dispositions?: BreakdownRowView[];
  slaQueues?: SlaQueueRow[];
  slaCommitments?: SlaCommitmentRow[];
  /** When the rollups were last brought up to date (ISO). */
  asOf: string | null;
  generatedAt: string;
}
