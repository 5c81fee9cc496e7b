import { z } from "zod";
import { normalizeDigits } from "../i18n/format";

/**
 * Schema building blocks whose messages are i18n keys ("validation:required"), translated where
 * they are shown. Parameters ride after a "|" ("validation:tooLong|max=80").
 */
export const msg = {
  required: "validation:required",
  email: "validation:email",
  invalid: "validation:invalid",
  tooShort: (min: number) => `validation:tooShort|min=${min}`,
  tooLong: (max: number) => `validation:tooLong|max=${max}`,
};

export const requiredText = (max: number, min = 1) =>
  z
    .string({ required_error: msg.required, invalid_type_error: msg.required })
    .trim()
    .min(min, min === 1 ? msg.required : msg.tooShort(min))
    .max(max, msg.tooLong(max));

export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, msg.tooLong(max))
    .optional()
    .transform((v) => v ?? "");

export const emailField = z
  .string({ required_error: msg.required })
  .trim()
  .toLowerCase()
  .max(200, msg.tooLong(200))
  .email(msg.email);

/** Accepts Persian digits, spaces and dashes; stores E.164 ("+98 21 1234 5678" -> "+982112345678"). */
export const phoneE164 = z
  .string({ required_error: msg.required })
  .transform((v) => normalizeDigits(v).replace(/[\s()-]/g, ""))
  .transform((v) => (v.startsWith("00") ? `+${v.slice(2)}` : v.startsWith("0") ? `+98${v.slice(1)}` : v))
  .refine((v) => /^\+[1-9][0-9]{6,14}$/.test(v), "validation:phone");
