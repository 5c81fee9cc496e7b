import { z } from "zod";
import { LANGUAGES } from "../i18n/config";

/**
 * What the `mail.send` job carries: which template, to whom, in which language, and the template's
 * values. The message itself is rendered by the worker, in the recipient's language.
 */
export const MAIL_TEMPLATES = ["passwordReset"] as const;
export type MailTemplate = (typeof MAIL_TEMPLATES)[number];

export const passwordResetMailSchema = z.object({
  template: z.literal("passwordReset"),
  to: z.string().email(),
  locale: z.enum(LANGUAGES),
  name: z.string().min(1).max(120),
  /** The raw reset token (the database keeps only its SHA-256); the link is built from PUBLIC_URL. */
  token: z.string().regex(/^[a-z2-7]{32,64}$/),
  expiresMinutes: z.number().int().positive(),
});

export const mailJobSchema = z.discriminatedUnion("template", [passwordResetMailSchema]);
export type MailJob = z.infer<typeof mailJobSchema>;

export interface RenderedMail {
  kind: MailTemplate;
  to: string;
  subject: string;
  text: string;
  html: string;
}
