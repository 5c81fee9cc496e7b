import { z } from "zod";
import type { Language } from "../i18n/config";
import { parseDayInput } from "../i18n/calendar-month";
import { instantOfLocal } from "../ivr/calendar";
import { msg, optionalText, requiredText } from "../platform/validation";
import { isPeriodLabel } from "./periods";
import { parseMoneyInput, type MoneyUnit } from "./plan-form";

/**
 * The console's billing forms other than the plan editor (runs, payments, credit notes, voids), shared
 * by the browser (conform) and the actions. Messages are locale keys. Money is typed in the unit the
 * form states and arrives here with it (moneyUnit), so the schema converts it to minor units exactly.
 */

export const PAYMENT_METHODS = ["bank_transfer", "card", "cash", "other"] as const;

/** A positive amount in the form's unit -> bigint minor units. */
export function moneyField(currency: string, unit: MoneyUnit) {
  return z.string({ required_error: "billing:plan.errors.required" }).transform((raw, ctx): bigint => {
    const r = parseMoneyInput(raw, currency, unit);
    if (!r.ok) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `billing:plan.errors.${r.code}` });
      return z.NEVER;
    }
    const amount = BigInt(r.value);
    if (amount <= 0n) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "billing:console.invoice.errors.positive" });
      return z.NEVER;
    }
    return amount;
  });
}

/** A calendar day typed in the reader's calendar -> that day's local midnight in the tenant's zone. */
export function dayField(lang: Language, timeZone: string) {
  return z.string({ required_error: msg.required }).transform((raw, ctx): Date => {
    const iso = parseDayInput(raw, lang);
    if (!iso) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "billing:plan.errors.invalidDate" });
      return z.NEVER;
    }
    return instantOfLocal(iso, 0, timeZone);
  });
}

export function paymentSchema(opts: { currency: string; unit: MoneyUnit; lang: Language; timeZone: string; now?: Date }) {
  const now = opts.now ?? new Date();
  return z.object({
    intent: z.literal("payment"),
    amount: moneyField(opts.currency, opts.unit),
    method: z.enum(PAYMENT_METHODS, { errorMap: () => ({ message: msg.required }) }),
    reference: optionalText(120),
    // A payment is recorded after it arrived: a date in the future is a typo.
    receivedAt: dayField(opts.lang, opts.timeZone).refine((d) => d.getTime() <= now.getTime(), "billing:console.invoice.errors.futureDate"),
    note: optionalText(500),
  });
}

export function creditNoteSchema(opts: { currency: string; unit: MoneyUnit }) {
  return z.object({
    intent: z.literal("credit"),
    netAmount: moneyField(opts.currency, opts.unit),
    reason: requiredText(1000),
  });
}

export const finalizeSchema = z.object({ intent: z.literal("finalize") });

export const voidSchema = z.object({ intent: z.literal("void"), reason: requiredText(1000) });

export const startRunSchema = z
  .object({
    periodLabel: z.string({ required_error: msg.required }).refine(isPeriodLabel, msg.invalid),
    finalize: z
      .string()
      .optional()
      .transform((v) => v === "on" || v === "true"),
    scope: z.enum(["all", "chosen"], { errorMap: () => ({ message: msg.required }) }),
    tenantIds: z.array(z.string().uuid(msg.invalid)).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.scope === "chosen" && !v.tenantIds?.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["tenantIds"], message: "billing:console.runs.errors.noTenants" });
  });
