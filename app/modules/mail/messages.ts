import { z } from "zod";
import { LANGUAGES } from "../i18n/config";

/**
 * What the `mail.send` job carries: which template, to whom, in which language, and the template's
 * values. The message itself is rendered by the worker, in the recipient's language.
 */
export const MAIL_TEMPLATES = ["passwordReset", "invoice", "schedulePublished", "report"] as const;
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

/**
 * An invoice (or credit note) to the tenant's billing address. Only ids travel: the worker loads the
 * invoice when it sends (so the mail shows it as it is then) and attaches its PDF.
 */
export const invoiceMailSchema = z.object({
  template: z.literal("invoice"),
  tenantId: z.string().uuid(),
  invoiceId: z.string().uuid(),
  to: z.string().email(),
  locale: z.enum(LANGUAGES),
});

/**
 * An agent's week as published (wfm/roster.server.ts): the shifts travel with the job, so the mail
 * shows the roster as it was published even if it changes before the worker sends it.
 */
export const schedulePublishedMailSchema = z.object({
  template: z.literal("schedulePublished"),
  to: z.string().email(),
  locale: z.enum(LANGUAGES),
  name: z.string().min(1).max(120),
  rosterId: z.string().uuid(),
  agentId: z.string().uuid(),
  weekStart: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  timeZone: z.string().min(1).max(64),
  shifts: z.array(z.object({ startsAt: z.string().datetime(), endsAt: z.string().datetime(), template: z.string().max(120), night: z.boolean() })).max(7),
  paidMinutes: z.number().int().min(0),
});

/**
 * A scheduled report (reports/subscriptions.server.ts): only ids travel; the worker attaches the
 * report file already generated and stored for the subscription's period.
 */
export const reportMailSchema = z.object({
  template: z.literal("report"),
  /** null: a bureau report. */
  tenantId: z.string().uuid().nullable(),
  jobId: z.string().uuid(),
  subscriptionId: z.string().uuid(),
  to: z.string().email(),
  locale: z.enum(LANGUAGES),
});

export const mailJobSchema = z.discriminatedUnion("template", [passwordResetMailSchema, invoiceMailSchema, schedulePublishedMailSchema, reportMailSchema]);
export type ReportMailJob = z.infer<typeof reportMailSchema>;
export type SchedulePublishedMailJob = z.infer<typeof schedulePublishedMailSchema>;
export type MailJob = z.infer<typeof mailJobSchema>;
export type InvoiceMailJob = z.infer<typeof invoiceMailSchema>;

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface RenderedMail {
  kind: MailTemplate;
  to: string;
  subject: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
}
