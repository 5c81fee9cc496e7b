import { z } from "zod";
import type { Language } from "../i18n/config";
import { PLATFORM_SL_VARIANT, SL_VARIANTS, slKpiKey, type KpiKey, type MeasureKey, type SlVariant } from "./kpi-definitions";
import { isPeriodLabelFor, REPORT_CALENDARS, SPANS, type ReportCalendar, type Span } from "./periods";

/**
 * The reports a person can open, export or subscribe to, and their parameters: one schema for the
 * pages' query strings, the API, generated files and subscriptions, so a report asked for in any of
 * those ways is the same report. Pure.
 */
export const REPORT_KINDS = ["performance", "volume", "sla", "agents", "dispositions", "campaigns"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** How a performance report's rows are cut: by the period's intervals, days or months, or by tenant or queue (agents have their own report). */
export const GROUP_BYS = ["period", "tenant", "queue"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export const ROW_INTERVALS = [15, 30, 60] as const;
export type RowInterval = (typeof ROW_INTERVALS)[number];
export const CHANNELS = ["voice", "chat", "email", "sms"] as const;
export const DIRECTIONS = ["inbound", "outbound"] as const;
export const FORMATS = ["xlsx", "csv", "pdf"] as const;
export type ReportFormat = (typeof FORMATS)[number];

/**
 * The wait thresholds every rollup row counts besides the queues' own (seconds): the service level
 * a report asks for at another threshold than the queue's is one of these.
 */
export const STANDARD_THRESHOLDS = [5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300] as const;
export const QUEUE_THRESHOLD = "queue" as const;
export type SlThreshold = typeof QUEUE_THRESHOLD | number;

const uuid = z.string().uuid();
const optional = <T extends z.ZodTypeAny>(s: T) => z.preprocess((v) => (v === "" || v === null ? undefined : v), s.optional());

export const reportParamsSchema = z
  .object({
    report: z.enum(REPORT_KINDS).default("performance"),
    span: z.enum(SPANS).default("month"),
    /** The period's label in its calendar ("1405-08", "2026-11", "1405", a day); default the running one. */
    period: optional(z.string().max(10)),
    calendar: optional(z.enum(REPORT_CALENDARS)),
    groupBy: z.enum(GROUP_BYS).default("period"),
    interval: z.coerce.number().int().refine((n) => (ROW_INTERVALS as readonly number[]).includes(n), { message: "interval" }).default(30),
    tenant: optional(uuid),
    queue: optional(uuid),
    agent: optional(uuid),
    campaign: optional(uuid),
    channel: optional(z.enum(CHANNELS)),
    direction: optional(z.enum(DIRECTIONS)),
    slVariant: z.enum(SL_VARIANTS).default(PLATFORM_SL_VARIANT),
    slThreshold: z
      .union([z.literal(QUEUE_THRESHOLD), z.coerce.number().int()])
      .refine((v) => v === QUEUE_THRESHOLD || (STANDARD_THRESHOLDS as readonly number[]).includes(v), { message: "slThreshold" })
      .default(QUEUE_THRESHOLD),
  })
  .superRefine((p, ctx) => {
    if (p.period !== undefined && !isPeriodLabelFor(p.span, p.period)) ctx.addIssue({ code: "custom", path: ["period"], message: "period" });
  });
export type ReportParamsInput = z.input<typeof reportParamsSchema>;
export type ReportParams = z.output<typeof reportParamsSchema>;

/** Persian readers get the Solar Hijri calendar, English and Dutch readers the Gregorian one. */
export function calendarFor(lang: Language): ReportCalendar {
  return lang === "fa" ? "jalali" : "gregorian";
}

/** Query-string values of a form or URL, to the schema (unknown keys dropped). */
export function paramsFromSearch(search: URLSearchParams): Record<string, string> {
  const keys = Object.keys(reportParamsSchema._def.schema.shape);
  const out: Record<string, string> = {};
  for (const [k, v] of search) if (keys.includes(k) && v !== "") out[k] = v;
  return out;
}

/** The query string of params (defaults left out), for links, exports and subscriptions. */
export function searchOf(p: Partial<ReportParams>): string {
  const defaults = reportParamsSchema.parse({});
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(p)) {
    if (v === undefined || v === null) continue;
    if ((defaults as Record<string, unknown>)[k] === v && k !== "report") continue;
    q.set(k, String(v));
  }
  return q.toString();
}

export function isSpan(v: unknown): v is Span {
  return typeof v === "string" && (SPANS as readonly string[]).includes(v);
}

/** The KPI columns of each report (the value shown is the formula's, evaluated over the rows' measures). */
export function kpiColumns(kind: ReportKind, variant: SlVariant, opts: { agentTime: boolean }): KpiKey[] {
  const sl = slKpiKey(variant);
  switch (kind) {
    case "performance":
      return [
        "offered",
        "answered",
        "abandoned",
        "shortAbandoned",
        "abandonRate",
        sl,
        "asa",
        "aht",
        "transferRate",
        "escalationRate",
        "callbacks",
        "fcr",
        "repeatContactRate",
        ...(opts.agentTime ? (["occupancy"] as const) : []),
      ];
    case "volume":
      return ["offered", "answered", "abandoned", sl, "asa", "aht"];
    case "sla":
      return ["offered", "answered", "abandoned", sl, "abandonRate", "asa"];
    case "agents":
      return ["answered", "aht", "transferRate", "escalationRate", "fcr", "repeatContactRate", ...(opts.agentTime ? (["occupancy", "utilization"] as const) : [])];
    case "dispositions":
      return ["answered", "fcr", "repeatContactRate"];
    case "campaigns":
      return ["outboundAttempts", "outboundAnswerRate", "contactRate", "outboundAbandonRate", "conversionRate"];
  }
}

/** Measures shown beside the KPIs as totals (sums over the period), with their own formula: the sum. */
export function measureColumns(kind: ReportKind, opts: { agentTime: boolean }): MeasureKey[] {
  if (kind === "agents") return ["talkSeconds", "holdSeconds", "wrapSeconds", ...(opts.agentTime ? (["loggedInSeconds"] as const) : [])];
  if (kind === "campaigns") return ["outboundHumanAnswered", "outboundConnected", "outboundAbandoned", "outboundConversions"];
  return [];
}
