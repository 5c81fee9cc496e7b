import { z } from "zod";
import type { Language } from "../i18n/config";
import { dayInput, parseDayInput } from "../i18n/calendar-month";
import { localizeDigits, normalizeDigits } from "../i18n/format";
import { instantOfLocal } from "../ivr/calendar";
import {
  BASIS_POINTS_ONE,
  parseRatePlanVersion,
  planErrorKey,
  PRORATION_RULES,
  USAGE_KINDS,
  type IssueParams,
  type PlanIssueCode,
  type RatePlanVersion,
  type UsageKind,
} from "./plan";
import { localIsoDate } from "./rating";

/**
 * The rate plan editor's form, both ways: what the page posts (strings, as typed, Persian digits
 * welcome) -> the plan schema's input, and a stored version -> the form's starting values. Pure, so
 * the browser validates with exactly what the action runs.
 *
 * Money is typed in the unit the form states (ADR 0004): rial or toman for IRR, the currency's major
 * unit (euros, with cents) otherwise, and converted here to integer minor units with string arithmetic,
 * never through a float. Percentages (VAT, SLA thresholds and credits) are typed as percents with up
 * to two decimals and become basis points the same way. Every problem is a plan issue code at the
 * *form's* field name, so the message (billing:plan.errors.<code>) appears next to what was typed.
 */

export const MONEY_UNITS = ["rial", "toman", "major"] as const;
export type MoneyUnit = (typeof MONEY_UNITS)[number];

/** How a kind is priced in the form: not billed, one unit price, or tiers of either mode. */
export const PRICING_MODES = ["off", "unit", "graduated", "volume"] as const;
export type PricingMode = (typeof PRICING_MODES)[number];

export const ROUNDING_MODES = ["per_second", "per_started_minute", "first_60_then_6", "increments"] as const;
export const WRAP_UP_MODES = ["none", "all", "capped"] as const;

export type TierRow = {
  upTo: string;
  unitPrice: string;
};
export type KindRow = {
  mode: PricingMode;
  unitPrice: string;
  included: string;
  tiers: TierRow[];
};
export type ThresholdRow = {
  belowPct: string;
  creditPct: string;
};
export type CommitmentRow = {
  /** "" = all the tenant's queues together. */
  queueKey: string;
  thresholds: ThresholdRow[];
};

/** The form's values, named the way conform names the inputs ("pricing.chats.tiers[1].upTo"). */
export type PlanFormValues = {
  effectiveDay: string;
  currency: string;
  moneyUnit: MoneyUnit;
  baseFee: string;
  minimumCommitment: string;
  vatPct: string;
  minuteRounding: { mode: string; firstIncrementSeconds: string; incrementSeconds: string };
  wrapUp: { mode: string; maxSeconds: string };
  proration: string;
  pricing: Record<UsageKind, KindRow>;
  sla: { maxCreditPct: string; commitments: CommitmentRow[] };
  note: string;
};

export interface FormIssue {
  /** The form field's path: ["pricing", "chats", "tiers", 1, "upTo"]. */
  path: (string | number)[];
  code: PlanIssueCode;
  params: IssueParams;
}

export interface PlanFormContext {
  /** The notation of the effective day: Jalali in Persian, ISO otherwise. */
  lang: Language;
  /** The tenant's zone: the effective day starts at its local midnight. */
  timeZone: string;
}

// ---------------------------------------------------------------------------------------------------
// Numbers as typed

/** Thousands separators people type or paste: comma, Persian comma, spaces, underscore, apostrophe. */
const SEPARATORS = /[\s,\u066C_'\u2009\u202F]/g;

function cleanNumber(raw: unknown): string {
  if (typeof raw !== "string") return "";
  // The Persian decimal separator (U+066B) is a dot.
  return normalizeDigits(raw).replace(/\u066B/g, ".").replace(SEPARATORS, "");
}

/** The minor units per major unit the form's money is typed in (toman: 10 rial). */
export function fractionDigitsOf(currency: string, unit: MoneyUnit): number {
  if (currency === "IRR") return unit === "toman" ? 1 : 0;
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** The unit a currency's amounts are typed in: IRR as the bureau shows it, others in their major unit. */
export function moneyUnitFor(currency: string, display: "rial" | "toman"): MoneyUnit {
  return currency === "IRR" ? display : "major";
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: PlanIssueCode; params?: IssueParams };

/**
 * "۱۲٬۵۰۰" toman -> "125000" rial; "12.5" toman -> "125"; "19.99" EUR -> "1999" cents. Exact: digits
 * are shifted as text. Empty -> required.
 */
export function parseMoneyInput(raw: unknown, currency: string, unit: MoneyUnit): Parsed<string> {
  const s = cleanNumber(raw);
  if (s === "") return { ok: false, code: "required" };
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m) return { ok: false, code: "invalidAmount" };
  const digits = fractionDigitsOf(currency, unit === "major" && currency === "IRR" ? "rial" : unit);
  const fraction = (m[2] ?? "").replace(/0+$/, "");
  if (fraction.length > digits) return { ok: false, code: "invalidAmount" };
  const minor = `${m[1]}${fraction.padEnd(digits, "0")}`.replace(/^0+(?=\d)/, "");
  return { ok: true, value: minor };
}

/** Minor units -> what the form shows for them in its unit (the inverse of parseMoneyInput). */
export function formatMoneyInput(minor: bigint | string, currency: string, unit: MoneyUnit, lang: Language): string {
  const digits = fractionDigitsOf(currency, unit);
  const s = BigInt(minor).toString();
  if (digits === 0) return localizeDigits(s, lang);
  const padded = s.padStart(digits + 1, "0");
  const whole = padded.slice(0, -digits);
  const fraction = padded.slice(-digits).replace(/0+$/, "");
  return localizeDigits(fraction ? `${whole}.${fraction}` : whole, lang);
}

/** "10" -> 1000 bp, "9.5" -> 950, "12.25%" -> 1225. At most two decimals (a basis point). */
export function parsePercentBp(raw: unknown): Parsed<number> {
  const s = cleanNumber(raw).replace(/[%\u066A]$/, "");
  if (s === "") return { ok: false, code: "required" };
  const m = /^(\d{1,7})(?:\.(\d+))?$/.exec(s);
  if (!m) return { ok: false, code: "invalidFormat" };
  const fraction = (m[2] ?? "").replace(/0+$/, "");
  if (fraction.length > 2) return { ok: false, code: "invalidFormat" };
  return { ok: true, value: Number(m[1]) * 100 + Number(fraction.padEnd(2, "0")) };
}

export function formatPercentInput(bp: number, lang: Language): string {
  const whole = Math.floor(bp / 100);
  const rest = bp % 100;
  const s = rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, "0").replace(/0$/, "")}`;
  return localizeDigits(s, lang);
}

/** A whole number as typed; empty -> required. */
export function parseIntegerInput(raw: unknown): Parsed<number> {
  const s = cleanNumber(raw);
  if (s === "") return { ok: false, code: "required" };
  if (/^\d+\.\d+$/.test(s)) return { ok: false, code: "notInteger" };
  if (!/^\d+$/.test(s)) return { ok: false, code: "invalidFormat" };
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return { ok: false, code: "tooLarge", params: { max: Number.MAX_SAFE_INTEGER } };
  return { ok: true, value: n };
}

// ---------------------------------------------------------------------------------------------------
// Form -> plan input

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const isBlank = (v: unknown) => cleanNumber(v) === "";
const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : []);

export interface ConvertedPlanForm {
  /** The plan schema's input: money as digit strings, the effective instant as ISO text. */
  input: Record<string, unknown>;
  note: string;
}

/**
 * The posted form (conform's nested object) -> plan input, with the issues of what could not even be
 * read as a number or a date. The plan schema then judges the rest (parsePlanForm).
 */
export function convertPlanForm(raw: unknown, ctx: PlanFormContext): { value: ConvertedPlanForm; issues: FormIssue[] } {
  const form = obj(raw);
  const issues: FormIssue[] = [];
  const fail = (path: (string | number)[], r: { code: PlanIssueCode; params?: IssueParams }) => issues.push({ path, code: r.code, params: r.params ?? {} });

  const currency = (str(form.currency).trim().toUpperCase() || "IRR").slice(0, 3);
  const unitRaw = str(form.moneyUnit);
  const unit: MoneyUnit = currency !== "IRR" ? "major" : unitRaw === "toman" ? "toman" : "rial";
  const money = (path: (string | number)[], v: unknown, opts: { optional?: boolean } = {}): string | undefined => {
    if (opts.optional && isBlank(v)) return undefined;
    const r = parseMoneyInput(v, currency, unit);
    if (r.ok) return r.value;
    fail(path, r);
    return undefined;
  };
  const integer = (path: (string | number)[], v: unknown, opts: { optional?: boolean; blank?: number } = {}): number | undefined => {
    if (isBlank(v)) {
      if (opts.blank !== undefined) return opts.blank;
      if (opts.optional) return undefined;
    }
    const r = parseIntegerInput(v);
    if (r.ok) return r.value;
    fail(path, r);
    return undefined;
  };
  const percent = (path: (string | number)[], v: unknown): number | undefined => {
    const r = parsePercentBp(v);
    if (r.ok) return r.value;
    fail(path, r);
    return undefined;
  };

  const input: Record<string, unknown> = { currency };

  const day = str(form.effectiveDay);
  const iso = day.trim() === "" ? null : parseDayInput(day, ctx.lang);
  if (day.trim() === "") fail(["effectiveDay"], { code: "required" });
  else if (!iso) fail(["effectiveDay"], { code: "invalidDate" });
  else input.effectiveFrom = instantOfLocal(iso, 0, ctx.timeZone).toISOString();

  input.baseFee = isBlank(form.baseFee) ? "0" : money(["baseFee"], form.baseFee);
  input.minimumCommitment = isBlank(form.minimumCommitment) ? "0" : money(["minimumCommitment"], form.minimumCommitment);
  input.vatRateBp = percent(["vatPct"], form.vatPct);

  const rounding = obj(form.minuteRounding);
  const roundingMode = str(rounding.mode) || "per_second";
  input.minuteRounding =
    roundingMode === "increments"
      ? {
          mode: roundingMode,
          firstIncrementSeconds: integer(["minuteRounding", "firstIncrementSeconds"], rounding.firstIncrementSeconds),
          incrementSeconds: integer(["minuteRounding", "incrementSeconds"], rounding.incrementSeconds),
        }
      : { mode: roundingMode };

  const wrapUp = obj(form.wrapUp);
  const wrapMode = str(wrapUp.mode) || "none";
  input.wrapUp = wrapMode === "capped" ? { mode: wrapMode, maxSeconds: integer(["wrapUp", "maxSeconds"], wrapUp.maxSeconds) } : { mode: wrapMode };

  input.proration = str(form.proration) || "by_days";

  const pricingForm = obj(form.pricing);
  const pricing: Record<string, unknown> = {};
  for (const kind of USAGE_KINDS) {
    const row = obj(pricingForm[kind]);
    const mode = str(row.mode) || "off";
    if (mode === "off") continue;
    const base = ["pricing", kind];
    const included = integer([...base, "included"], row.included, { blank: 0 });
    if (mode === "unit") {
      pricing[kind] = { unitPrice: money([...base, "unitPrice"], row.unitPrice), included };
      continue;
    }
    const tiers = arr(row.tiers).map((t, i) => {
      const tier = obj(t);
      return {
        // An empty bound is the open last tier ("and above").
        upTo: isBlank(tier.upTo) ? null : (integer([...base, "tiers", i, "upTo"], tier.upTo) ?? null),
        unitPrice: money([...base, "tiers", i, "unitPrice"], tier.unitPrice),
      };
    });
    pricing[kind] = { included, tiers: { mode, tiers } };
  }
  input.pricing = pricing;

  const slaForm = obj(form.sla);
  const commitments = arr(slaForm.commitments).map((c, i) => {
    const row = obj(c);
    const key = str(row.queueKey).trim();
    return {
      queueKey: key === "" ? null : key,
      thresholds: arr(row.thresholds).map((th, j) => {
        const t = obj(th);
        return {
          belowBp: percent(["sla", "commitments", i, "thresholds", j, "belowPct"], t.belowPct),
          creditBp: percent(["sla", "commitments", i, "thresholds", j, "creditPct"], t.creditPct),
        };
      }),
    };
  });
  input.sla = { commitments, maxCreditBp: isBlank(slaForm.maxCreditPct) ? BASIS_POINTS_ONE : percent(["sla", "maxCreditPct"], slaForm.maxCreditPct) };

  const note = str(form.note).trim();
  if (note.length > 500) fail(["note"], { code: "tooLarge", params: { max: 500 } });
  return { value: { input, note }, issues };
}

/** Fields typed as percents: the schema's bp bounds are shown as percents there. */
const PERCENT_FIELDS = new Set(["vatPct", "maxCreditPct", "belowPct", "creditPct"]);

/**
 * A plan schema issue path -> the form field that caused it. The schema nests tiers one level deeper
 * (pricing.k.tiers.tiers[i]) than the form (pricing.k.tiers[i]) and speaks basis points where the
 * form speaks percents.
 */
export function formPathOf(path: readonly (string | number)[]): (string | number)[] {
  const p = [...path];
  if (p.length === 0) return p;
  if (p[0] === "effectiveFrom") return ["effectiveDay"];
  if (p[0] === "vatRateBp") return ["vatPct"];
  if (p[0] === "pricing" && p.length >= 2) {
    const [, kind, field, ...rest] = p;
    if (field === undefined) return ["pricing", kind!, "mode"];
    if (field === "tiers") {
      // priceConflict sits on "tiers" itself; "mode" of tiers is the form's pricing mode.
      if (rest.length === 0 || rest[0] === "mode") return ["pricing", kind!, "mode"];
      if (rest[0] === "tiers") return ["pricing", kind!, "tiers", ...rest.slice(1)];
    }
    return p;
  }
  if (p[0] === "sla") {
    return p.map((x) => (x === "maxCreditBp" ? "maxCreditPct" : x === "belowBp" ? "belowPct" : x === "creditBp" ? "creditPct" : x));
  }
  return p;
}

function formParams(path: readonly (string | number)[], params: IssueParams): IssueParams {
  const last = path[path.length - 1];
  if (typeof last !== "string" || !PERCENT_FIELDS.has(last)) return params;
  const out: IssueParams = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === "number" ? v / 100 : v;
  return out;
}

/** "billing:plan.errors.tooSmall|min=0": a key with its params the way the forms translate errors. */
export function issueMessage(code: PlanIssueCode, params: IssueParams): string {
  const tail = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join("|");
  return tail ? `${planErrorKey(code)}|${tail}` : planErrorKey(code);
}

export type PlanFormResult = { success: true; plan: RatePlanVersion; input: Record<string, unknown>; note: string } | { success: false; issues: FormIssue[] };

/** The whole way: form -> plan input -> the plan schema; issues at form field paths. */
export function parsePlanForm(raw: unknown, ctx: PlanFormContext): PlanFormResult {
  const { value, issues } = convertPlanForm(raw, ctx);
  const parsed = parseRatePlanVersion(value.input);
  const schemaIssues: FormIssue[] = parsed.success
    ? []
    : parsed.issues.map((i) => {
        const path = formPathOf(i.path);
        return { path, code: i.code, params: formParams(path, i.params) };
      });
  // A field the form could not read also fails the schema (as "required"): keep the form's reason.
  const seen = new Set(issues.map((i) => i.path.join(".")));
  const all = [...issues, ...schemaIssues.filter((i) => !seen.has(i.path.join(".")))];
  if (all.length || !parsed.success) return { success: false, issues: all };
  return { success: true, plan: parsed.data, input: value.input, note: value.note };
}

/**
 * The form's zod schema for conform (parseWithZod in the browser and in the action): one transform
 * that runs parsePlanForm and reports each issue at its form path with its locale key.
 */
export function planFormSchema(ctx: PlanFormContext) {
  return z.any().transform((raw, zctx) => {
    const r = parsePlanForm(raw, ctx);
    if (!r.success) {
      for (const issue of r.issues) zctx.addIssue({ code: z.ZodIssueCode.custom, path: issue.path, message: issueMessage(issue.code, issue.params) });
      return z.NEVER;
    }
    return { plan: r.plan, input: r.input, note: r.note };
  });
}

// ---------------------------------------------------------------------------------------------------
// Plan -> form

export const emptyKindRow = (): KindRow => ({ mode: "off", unitPrice: "", included: "", tiers: [] });
export const emptyTierRow = (): TierRow => ({ upTo: "", unitPrice: "" });
export const emptyThresholdRow = (): ThresholdRow => ({ belowPct: "", creditPct: "" });

/**
 * The form's starting values: the version in force (so a change starts from the contract as it is),
 * or a blank plan with Iran's defaults (VAT 10%).
 */
export function planToFormValues(plan: RatePlanVersion | null, opts: { lang: Language; unit: MoneyUnit; effectiveDay: string; currency: string }): PlanFormValues {
  const currency = plan?.currency ?? opts.currency;
  const unit = currency === "IRR" ? (opts.unit === "major" ? "rial" : opts.unit) : "major";
  const m = (v: bigint) => formatMoneyInput(v, currency, unit, opts.lang);
  const n = (v: number) => localizeDigits(String(v), opts.lang);
  const pct = (bp: number) => formatPercentInput(bp, opts.lang);
  const pricing = Object.fromEntries(
    USAGE_KINDS.map((kind): [UsageKind, KindRow] => {
      const p = plan?.pricing[kind];
      if (!p) return [kind, emptyKindRow()];
      if (p.tiers) {
        return [
          kind,
          {
            mode: p.tiers.mode,
            unitPrice: "",
            included: p.included ? n(p.included) : "",
            tiers: p.tiers.tiers.map((t) => ({ upTo: t.upTo === null ? "" : n(t.upTo), unitPrice: m(t.unitPrice) })),
          },
        ];
      }
      return [kind, { mode: "unit", unitPrice: m(p.unitPrice ?? 0n), included: p.included ? n(p.included) : "", tiers: [] }];
    }),
  ) as Record<UsageKind, KindRow>;
  const rounding = plan?.minuteRounding ?? { mode: "per_second" as const };
  const wrapUp = plan?.wrapUp ?? { mode: "none" as const };
  return {
    effectiveDay: dayInput(opts.effectiveDay, opts.lang),
    currency,
    moneyUnit: unit,
    baseFee: m(plan?.baseFee ?? 0n),
    minimumCommitment: m(plan?.minimumCommitment ?? 0n),
    vatPct: pct(plan?.vatRateBp ?? 1000),
    minuteRounding: {
      mode: rounding.mode,
      firstIncrementSeconds: rounding.mode === "increments" ? n(rounding.firstIncrementSeconds) : "",
      incrementSeconds: rounding.mode === "increments" ? n(rounding.incrementSeconds) : "",
    },
    wrapUp: { mode: wrapUp.mode, maxSeconds: wrapUp.mode === "capped" ? n(wrapUp.maxSeconds) : "" },
    proration: plan?.proration ?? PRORATION_RULES[0],
    pricing,
    sla: {
      maxCreditPct: pct(plan?.sla.maxCreditBp ?? BASIS_POINTS_ONE),
      commitments: (plan?.sla.commitments ?? []).map((c) => ({
        queueKey: c.queueKey ?? "",
        thresholds: c.thresholds.map((t) => ({ belowPct: pct(t.belowBp), creditPct: pct(t.creditBp) })),
      })),
    },
    note: "",
  };
}

/** The local day (ISO) an instant falls on in a zone, for the effective-day field. */
export const effectiveDayOf = (at: Date, timeZone: string) => localIsoDate(at, timeZone);
