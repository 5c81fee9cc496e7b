import { z } from "zod";
import { LANGUAGES } from "../i18n/config";
import { emailField, msg, requiredText } from "../platform/validation";
import { normalizeTotpCode } from "./totp-code";

/**
 * The forms of the sign-in and account pages. Shared by server actions and the browser (conform
 * validates on the client with the same schema); messages are i18n keys.
 */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

const password = z
  .string({ required_error: msg.required })
  .min(1, msg.required)
  .max(PASSWORD_MAX, msg.tooLong(PASSWORD_MAX));

const newPassword = z
  .string({ required_error: msg.required })
  .min(PASSWORD_MIN, msg.tooShort(PASSWORD_MIN))
  .max(PASSWORD_MAX, msg.tooLong(PASSWORD_MAX));

export const totpCodeField = z
  .string({ required_error: msg.required })
  .transform((v, ctx) => {
    const code = normalizeTotpCode(v);
    if (!code) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "validation:otpCode" });
      return z.NEVER;
    }
    return code;
  });

export const loginSchema = z.object({
  email: emailField,
  password,
  redirectTo: z.string().optional(),
});

export const twoFactorSchema = z.object({
  code: totpCodeField,
  redirectTo: z.string().optional(),
});

export const forgotPasswordSchema = z.object({ email: emailField });

export const resetPasswordSchema = z
  .object({ password: newPassword, confirm: z.string({ required_error: msg.required }) })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "validation:passwordMismatch" });

export const profileSchema = z.object({
  intent: z.literal("profile"),
  name: requiredText(120),
  locale: z.enum(LANGUAGES, { errorMap: () => ({ message: msg.invalid }) }),
});

export const changePasswordSchema = z
  .object({
    intent: z.literal("password"),
    currentPassword: password,
    newPassword,
    confirm: z.string({ required_error: msg.required }),
  })
  .refine((v) => v.newPassword === v.confirm, { path: ["confirm"], message: "validation:passwordMismatch" });

export const totpStartSchema = z.object({ intent: z.literal("totp-start") });
export const totpCancelSchema = z.object({ intent: z.literal("totp-cancel") });
export const totpEnableSchema = z.object({ intent: z.literal("totp-enable"), code: totpCodeField });
export const totpDisableSchema = z.object({ intent: z.literal("totp-disable"), code: totpCodeField });
