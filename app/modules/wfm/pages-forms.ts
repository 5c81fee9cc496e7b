import { parseWithZod } from "@conform-to/zod";
import { z } from "zod";
import type { Language } from "../i18n/config";
import { normalizeDigits } from "../i18n/format";
import { msg, optionalText, requiredText } from "../platform/validation";
import { CLOSING_TIME_RE, minutesOf, TIME_RE } from "../tenancy/business-hours";
import { calendarDayField, choice } from "../tenancy/schemas";
import { staffingInputSchema } from "./erlang";
import { ADJUSTMENT_CODES, LEAVE_KINDS } from "./views";

/**
 * Form schemas of the WFM pages. No server imports, so the browser validates the same way before a
 * post. Messages are translation keys; the field a message names is the issue's path, which conform
 * shows next to that field.
 */

const err = (key: string) => `wfm:console.errors.${key}`;

/** "۱٬۲۰۰٫۵" or "1,200.5" -> 1200.5; empty -> undefined; anything else -> NaN (a type error downstream). */
export function parseLocalNumber(raw: unknown): number | undefined {
  if (typeof raw === "number") return raw;
  if (typeof raw !== "string") return undefined;
  const s = normalizeDigits(raw).replace(/[\s٬,]/g, "").replace("٫", ".").replace(/^−/, "-");
  if (s === "") return undefined;
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : Number.NaN;
}

// ---------------------------------------------------------------------------------------------
// The staffing calculator

export const CALCULATOR_FIELDS = ["contacts", "intervalSeconds", "ahtSeconds", "targetServiceLevel", "thresholdSeconds", "shrinkage", "maxOccupancy", "patienceSeconds"] as const;
/** Typed as percents on the page (80 for 80%), sent as shares to the engine and the API (0.8). */
export const PERCENT_FIELDS = new Set<string>(["targetServiceLevel", "shrinkage", "maxOccupancy"]);

/**
 * The calculator's fields as typed (Persian digits, percents) turned into the API's input, then
 * checked by the API's own schema (erlang.ts staffingInputSchema): one set of rules for both, and
 * each issue names its field. Auto-coercion is off where it is parsed (see calculatorSubmission).
 */
export const calculatorFormSchema = z.preprocess((raw) => {
  const source = (raw ?? {}) as Record<string, unknown>;
  const out: Record<string, number> = {};
  for (const field of CALCULATOR_FIELDS) {
    const n = parseLocalNumber(source[field]);
    if (n === undefined) continue;
    out[field] = PERCENT_FIELDS.has(field) ? n / 100 : n;
  }
  return out;
}, staffingInputSchema);

/**
 * The engine's messages for shares say "from 0 up to 1" (the API's units); the page takes percents,
 * so those fields get messages in percents. Every other message is the API's own.
 */
export function calculatorMessage(message: string): string {
  const field = /^wfm:staffing\.errors\.(\w+)$/.exec(message)?.[1];
  return field && PERCENT_FIELDS.has(field) ? `wfm:console.staffing.calc.errors.${field}` : message;
}

/** The calculator's post, parsed the same way in the browser and in the action. */
export function parseCalculator(formData: FormData | URLSearchParams) {
  return parseWithZod(formData, {
    schema: calculatorFormSchema,
    // The preprocess reads the raw strings itself (Persian digits, percents).
    disableAutoCoercion: true,
    formatError: (issues: z.ZodIssue[]) => issues.map((i) => calculatorMessage(i.message)),
  });
}

// ---------------------------------------------------------------------------------------------
// Forecast

/** The backend's bounds (forecast.server adjustmentSchema): volume −100…+1000%, AHT −90…+500%. */
const percentField = (min: number, max: number) =>
  z.preprocess(
    (v) => parseLocalNumber(v) ?? 0,
    z.number({ message: err("percentInvalid") }).finite({ message: err("percentInvalid") }).min(min, { message: "wfm:errors.adjustmentRange" }).max(max, { message: "wfm:errors.adjustmentRange" }),
  );

const timeText = z
  .string({ required_error: msg.required })
  .transform((v) => normalizeDigits(v).trim().replace(/^(\d):/, "0$1:"));

/** A planner's +/- % on a day or a time range of it, kept beside the statistical forecast. */
export function adjustmentSchema(lang: Language) {
  return z
    .object({
      queueId: z.string({ required_error: msg.required }).uuid(msg.invalid),
      date: calendarDayField(lang),
      scope: choice(["day", "range"] as const),
      from: timeText.optional(),
      to: timeText.optional(),
      contactsPercent: percentField(-100, 1000),
      ahtPercent: percentField(-90, 500),
      code: choice(ADJUSTMENT_CODES),
      note: optionalText(300),
    })
    .superRefine((v, ctx) => {
      if (v.contactsPercent === 0 && v.ahtPercent === 0) ctx.addIssue({ code: "custom", path: ["contactsPercent"], message: err("adjustmentEmpty") });
      if (v.scope !== "range") return;
      if (!v.from || !TIME_RE.test(v.from)) ctx.addIssue({ code: "custom", path: ["from"], message: "validation:time" });
      if (!v.to || !CLOSING_TIME_RE.test(v.to)) ctx.addIssue({ code: "custom", path: ["to"], message: "validation:time" });
      else if (v.from && TIME_RE.test(v.from) && minutesOf(v.to) <= minutesOf(v.from)) ctx.addIssue({ code: "custom", path: ["to"], message: "validation:closesAfterOpens" });
    })
    .transform((v) => ({
      queueId: v.queueId,
      date: v.date,
      fromMinute: v.scope === "range" && v.from ? minutesOf(v.from) : undefined,
      toMinute: v.scope === "range" && v.to ? minutesOf(v.to) : undefined,
      contactsPercent: v.contactsPercent,
      ahtPercent: v.ahtPercent,
      code: v.code,
      note: v.note,
    }));
}

export const forecastRunSchema = z.object({
  weeks: z.coerce.number({ message: err("weeks") }).int({ message: err("weeks") }).min(1, { message: err("weeks") }).max(6, { message: err("weeks") }),
  intervalMinutes: z.coerce.number().pipe(z.union([z.literal(15), z.literal(30)], { errorMap: () => ({ message: msg.invalid }) })),
});

// ---------------------------------------------------------------------------------------------
// Roster

const uuid = z.string({ required_error: msg.required }).uuid(msg.invalid);
const dayField = z.coerce.number({ message: msg.required }).int().min(0, { message: msg.invalid }).max(6, { message: msg.invalid });

export const rosterGenerateSchema = z.object({
  weekStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, msg.invalid),
  timeLimitSeconds: z.preprocess(
    (v) => parseLocalNumber(v),
    z.number({ message: err("timeLimit") }).int({ message: err("timeLimit") }).min(2, { message: err("timeLimit") }).max(600, { message: err("timeLimit") }).optional(),
  ),
});

/** A hand edit of a roster as a form posts it; `mode` says whether it is a preview or applied. */
export const rosterEditSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("swap"), shiftId: uuid, otherShiftId: uuid }),
  z.object({ kind: z.literal("reassign"), shiftId: uuid, agentId: uuid }),
  z.object({ kind: z.literal("move"), shiftId: uuid, day: dayField, templateId: uuid }),
  z.object({ kind: z.literal("add"), agentId: uuid, day: dayField, templateId: uuid }),
  z.object({ kind: z.literal("remove"), shiftId: uuid }),
]);
export const EDIT_KINDS = ["swap", "move", "add", "remove", "reassign"] as const;

// ---------------------------------------------------------------------------------------------
// Leave and swaps

export const decisionSchema = z
  .object({
    requestId: uuid,
    requestKind: choice(["leave", "swap"] as const),
    decision: choice(["approve", "reject"] as const),
    reason: optionalText(300),
  })
  // A rejection says why; an approval may.
  .refine((v) => v.decision === "approve" || v.reason.length > 0, { path: ["reason"], message: "wfm:errors.reasonRequired" });

/** An agent's leave request: whole days (a range) or hours on one day. */
export function leaveRequestSchema(lang: Language) {
  return z
    .object({
      kind: choice(LEAVE_KINDS),
      span: choice(["days", "hours"] as const),
      fromDate: calendarDayField(lang),
      toDate: calendarDayField(lang).optional(),
      from: timeText.optional(),
      to: timeText.optional(),
      reason: requiredText(300),
    })
    .superRefine((v, ctx) => {
      if (v.span === "days") {
        if (v.toDate && v.toDate < v.fromDate) ctx.addIssue({ code: "custom", path: ["toDate"], message: err("toBeforeFrom") });
        return;
      }
      if (!v.from || !TIME_RE.test(v.from)) ctx.addIssue({ code: "custom", path: ["from"], message: "validation:time" });
      if (!v.to || !CLOSING_TIME_RE.test(v.to)) ctx.addIssue({ code: "custom", path: ["to"], message: "validation:time" });
      else if (v.from && TIME_RE.test(v.from) && minutesOf(v.to) <= minutesOf(v.from)) ctx.addIssue({ code: "custom", path: ["to"], message: "validation:closesAfterOpens" });
    })
    .transform((v) => ({
      kind: v.kind,
      fromDate: v.fromDate,
      toDate: v.span === "days" ? (v.toDate ?? v.fromDate) : v.fromDate,
      fromMinute: v.span === "hours" && v.from ? minutesOf(v.from) : undefined,
      toMinute: v.span === "hours" && v.to ? minutesOf(v.to) : undefined,
      reason: v.reason,
    }));
}

/** A swap: my shift for a colleague's ("swap:<shiftId>") or my shift given to a colleague ("give:<agentId>"). */
export const swapRequestSchema = z
  .object({
    shiftId: uuid,
    target: z.string({ required_error: msg.required }).regex(/^(swap|give):[0-9a-f-]{36}$/i, msg.required),
    reason: requiredText(300),
  })
  .transform((v) => {
    const [how, id] = v.target.split(":") as ["swap" | "give", string];
    return how === "swap" ? { shiftId: v.shiftId, colleagueShiftId: id, reason: v.reason } : { shiftId: v.shiftId, colleagueId: id, reason: v.reason };
  });
