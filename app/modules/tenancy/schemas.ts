import { z } from "zod";
import { LANGUAGES, type Language } from "../i18n/config";
import { isValidTimeZone, normalizeDigits, parseCalendarDay } from "../i18n/format";
import { msg, optionalText, phoneE164, requiredText } from "../platform/validation";
import { CLOSING_TIME_RE, hoursIssues, TIME_RE } from "./business-hours";

/** Form schemas for the bureau's tenant pages; no server imports, so the browser validates too. */
export const CURRENCIES = ["IRR", "USD", "EUR", "AED", "TRY", "GBP"] as const;
export const CHANNELS = ["voice", "sms"] as const;
export const LOGO_MAX_BYTES = 200 * 1024;
export const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp", "image/gif"] as const;
export const COMMON_TIME_ZONES = [
  "Asia/Tehran",
  "Asia/Dubai",
  "Asia/Baku",
  "Europe/Istanbul",
  "Europe/Amsterdam",
  "Europe/London",
  "Europe/Berlin",
  "UTC",
] as const;

/** A choice from a fixed list: "required" when missing, "invalid" for anything else. */
export function choice<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values as unknown as [T[number], ...T[number][]], {
    errorMap: (issue, ctx) => ({ message: issue.code === "invalid_type" && ctx.data === undefined ? msg.required : msg.invalid }),
  });
}

export const slugField = z
  .string({ required_error: msg.required })
  .trim()
  .toLowerCase()
  .min(2, msg.tooShort(2))
  .max(40, msg.tooLong(40))
  .regex(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/, "validation:slug");

export const timeZoneField = z
  .string({ required_error: msg.required })
  .trim()
  .refine((v) => isValidTimeZone(v), "validation:timeZone");

export const brandColorField = z
  .string({ required_error: msg.required })
  .trim()
  .toLowerCase()
  .regex(/^#[0-9a-f]{6}$/, "validation:color");

const fileLike = z.custom<File>((v) => typeof File !== "undefined" && v instanceof File, msg.invalid);

export const logoField = fileLike
  .refine((f) => (LOGO_TYPES as readonly string[]).includes(f.type), "validation:logoType")
  .refine((f) => f.size <= LOGO_MAX_BYTES, `validation:logoSize|max=${LOGO_MAX_BYTES / 1024}`)
  .optional();

const tenantFields = {
  name: requiredText(120),
  defaultLocale: choice(LANGUAGES),
  timeZone: timeZoneField,
  currency: choice(CURRENCIES),
  brandColor: brandColorField,
  logo: logoField,
};

export const tenantCreateSchema = z.object({ ...tenantFields, slug: slugField });
export type TenantCreateInput = z.infer<typeof tenantCreateSchema>;

export const tenantSettingsSchema = z.object({ ...tenantFields, removeLogo: z.boolean().optional() });
export type TenantSettingsInput = z.infer<typeof tenantSettingsSchema>;

export const suspendSchema = z.object({
  confirm: z.boolean({ required_error: "validation:confirm" }).refine((v) => v, "validation:confirm"),
  reason: optionalText(300),
});

export const phoneNumberSchema = z.object({
  e164: phoneE164,
  label: optionalText(60),
  channels: z.array(choice(CHANNELS), { required_error: "validation:chooseOne" }).min(1, "validation:chooseOne"),
});
export type PhoneNumberInput = z.infer<typeof phoneNumberSchema>;

// Typed as text so Persian digits and "24:00" are accepted; "8:30" is padded to "08:30".
const timeText = z
  .string({ required_error: msg.required })
  .transform((v) => normalizeDigits(v).trim().replace(/^(\d):/, "0$1:"));
const timeField = timeText.pipe(z.string().regex(TIME_RE, "validation:time"));
const closingTimeField = timeText.pipe(z.string().regex(CLOSING_TIME_RE, "validation:time"));

export const businessHoursSchema = z
  .object({
    ranges: z
      .array(z.object({ weekday: z.coerce.number().int().min(0).max(6), opens: timeField, closes: closingTimeField }))
      .max(70)
      .default([]),
  })
  .superRefine((value, ctx) => {
    for (const issue of hoursIssues(value.ranges)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["ranges", issue.index, issue.field], message: issue.message });
    }
  });
export type BusinessHoursInput = z.infer<typeof businessHoursSchema>;

/** A calendar day typed as Jalali in Persian ("1405/01/01", Persian digits welcome), ISO elsewhere. */
export function calendarDayField(lang: Language) {
  return z.string({ required_error: msg.required }).transform((v, ctx) => {
    const iso = parseCalendarDay(v, lang);
    // In Persian an ISO date would read as a Jalali year ~2026 (Gregorian ~2647): refuse far-off years.
    const year = iso ? Number(iso.slice(0, 4)) : 0;
    if (!iso || year < 1900 || year > 2200) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: lang === "fa" ? "validation:jalaliDate" : "validation:isoDate" });
      return z.NEVER;
    }
    return iso;
  });
}

export function holidaySchema(lang: Language) {
  return z.object({ day: calendarDayField(lang), name: requiredText(120) });
}
export type HolidayInput = z.infer<ReturnType<typeof holidaySchema>>;

/** Special hours for one date: one or more ranges that replace that weekday's hours for the day. */
export function specialHoursSchema(lang: Language) {
  return z
    .object({
      day: calendarDayField(lang),
      note: optionalText(120),
      ranges: z
        .array(z.object({ opens: timeField, closes: closingTimeField }), { required_error: "validation:specialNeedsRange" })
        .min(1, "validation:specialNeedsRange")
        .max(10),
    })
    .superRefine((value, ctx) => {
      for (const issue of hoursIssues(value.ranges.map((r) => ({ ...r, weekday: 0 })))) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["ranges", issue.index, issue.field], message: issue.message });
      }
    });
}
export type SpecialHoursInput = z.infer<ReturnType<typeof specialHoursSchema>>;
