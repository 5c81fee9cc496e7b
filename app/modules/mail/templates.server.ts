import type { TFunction } from "i18next";
import { documentFilename, ltrIsolate, money, periodTitle, type BillingT, type DocContext } from "../billing/document/format";
import type { InvoiceView } from "../billing/invoice-view";
import { directionOf, type Language } from "../i18n/config";
import { formatDate, formatNumber, formatWeekdayDate, localizeDigits } from "../i18n/format";
import { diskT } from "../i18n/disk-t.server";
import { publicUrl } from "../platform/env.server";
import type { InvoiceMailJob, MailJob, RenderedMail, ReportMailJob, SchedulePublishedMailJob } from "./messages";

/** Mail is rendered in the workers, outside Vite: namespace `mail`, in the recipient's language, from disk. */
export function mailT(lang: Language): Promise<TFunction> {
  return diskT(lang, "mail");
}

export function passwordResetUrl(token: string) {
  return `${publicUrl()}/reset-password/${token}`;
}

function escapeHtml(s: string) {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

interface Layout {
  lang: Language;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer: string[];
}

function layoutText({ paragraphs, action, footer }: Layout) {
  return [...paragraphs, ...(action ? [`${action.label}:\n${action.url}`] : []), ...footer].join("\n\n") + "\n";
}

function layoutHtml({ lang, paragraphs, action, footer }: Layout) {
  const dir = directionOf(lang);
  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const button = action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#0f766e;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#555"><span dir="ltr" style="unicode-bidi:isolate;word-break:break-all">${escapeHtml(action.url)}</span></p>`
    : "";
  return (
    `<!doctype html><html lang="${lang}" dir="${dir}"><body style="font-family:Vazirmatn,Tahoma,Arial,sans-serif;line-height:1.7;color:#1f2937">` +
    `<div dir="${dir}" style="max-width:560px;margin:0 auto;padding:24px">` +
    paragraphs.map(p).join("") +
    button +
    footer.map((s) => `<p style="margin:0 0 8px;font-size:13px;color:#6b7280">${escapeHtml(s)}</p>`).join("") +
    `</div></body></html>`
  );
}

/** What a template needs besides its job: the invoice mail is rendered from the invoice and its PDF. */
export interface MailData {
  invoice?: { view: InvoiceView; pdf: Buffer };
  /** A scheduled report: its title and period in the recipient's language, and the file to attach. */
  report?: { title: string; period: string; scope: string; subscription: string; file: { filename: string; contentType: string; content: Buffer }; url: string };
}

/** A scheduled report: what it is and for which period, with its file attached (reports namespace). */
async function renderReportMail(job: ReportMailJob, report: NonNullable<MailData["report"]>): Promise<RenderedMail> {
  const t = await diskT(job.locale, "reports");
  const layout: Layout = {
    lang: job.locale,
    paragraphs: [
      t("mail.intro", { title: report.title, period: report.period, scope: report.scope }),
      t("mail.attachment", { filename: report.file.filename }),
      t("mail.subscription", { name: report.subscription }),
    ],
    action: { label: t("mail.action"), url: report.url },
    footer: [t("mail.signature")],
  };
  return {
    kind: job.template,
    to: job.to,
    subject: t("mail.subject", { title: report.title, period: report.period }),
    text: layoutText(layout),
    html: layoutHtml(layout),
    attachments: [report.file],
  };
}

/**
 * The invoice mail, in the recipient's language (the PDF itself is in the invoice's): what it is,
 * the total and when it is due, with the PDF attached under the name the text gives it.
 */
async function renderInvoiceMail(job: InvoiceMailJob, view: InvoiceView, pdf: Buffer): Promise<RenderedMail> {
  const billing = await diskT(job.locale, "billing");
  const t: BillingT = (key, options) => String(billing(key, options as never));
  const ctx: DocContext = { view, lang: job.locale, t };
  // Codes inside Persian sentences keep their own order (the subject stays plain: some clients show
  // isolation marks there as boxes, and a bare code already reads right in a one-line subject).
  const code = (s: string) => (job.locale === "fa" ? ltrIsolate(s) : s);
  const credit = view.kind === "credit_note";
  const context = credit ? "creditNote" : undefined;
  const number = view.number ?? t("invoice.draftNumber");
  const period = periodTitle(view, job.locale);
  const seller = view.seller.name || view.seller.legalName;
  const filename = documentFilename(ctx, "pdf").localized;
  const paragraphs = [
    t("mail.greeting", { name: view.buyer.legalName || view.buyer.name }),
    t("mail.intro", { context, number: code(number), seller, period, invoice: code(view.creditForNumber ?? "") }),
    t("mail.total", { total: money(ctx, view.total) }),
  ];
  if (!credit && view.balance !== view.total) paragraphs.push(t("mail.balance", { balance: money(ctx, view.balance) }));
  if (!credit && view.dueAt && view.balance > 0n) paragraphs.push(t("mail.due", { due: formatDate(view.dueAt, job.locale, view.timeZone) }));
  paragraphs.push(t("mail.attachment", { filename: code(filename) }));
  const layout: Layout = { lang: job.locale, paragraphs, footer: [t("mail.questions"), t("mail.signature", { seller })] };
  return {
    kind: job.template,
    to: job.to,
    subject: t("mail.subject", { context, number, period }),
    text: layoutText(layout),
    html: layoutHtml(layout),
    attachments: [{ filename, contentType: "application/pdf", content: pdf }],
  };
}

/** An agent's published week: one line per shift (weekday, date, times in the bureau's zone), in the agent's language. */
async function renderScheduleMail(job: SchedulePublishedMailJob): Promise<RenderedMail> {
  const t = await diskT(job.locale, "wfm");
  const tz = job.timeZone;
  const time = (iso: string) => new Intl.DateTimeFormat(job.locale === "fa" ? "fa-IR" : job.locale === "nl" ? "nl-NL" : "en-GB", { timeZone: tz, hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
  const week = formatDate(`${job.weekStart}T12:00:00Z`, job.locale, "UTC");
  const hours = formatNumber(Math.round((job.paidMinutes / 60) * 10) / 10, job.locale);
  const lines = job.shifts.map((s) => `${formatWeekdayDate(s.startsAt, job.locale, tz)}: ${time(s.startsAt)}–${time(s.endsAt)} (${s.template})`);
  const layout: Layout = {
    lang: job.locale,
    paragraphs: [
      t("mail.schedulePublished.greeting", { name: job.name }),
      t("mail.schedulePublished.intro", { week, shifts: formatNumber(job.shifts.length, job.locale), hours }),
      ...(lines.length ? lines : [t("mail.schedulePublished.off")]),
    ],
    action: { label: t("mail.schedulePublished.action"), url: `${publicUrl()}/agent/schedule?week=${job.weekStart}` },
    footer: [t("mail.schedulePublished.signature")],
  };
  return { kind: job.template, to: job.to, subject: t("mail.schedulePublished.subject", { week }), text: layoutText(layout), html: layoutHtml(layout) };
}

export async function renderMail(job: MailJob, data: MailData = {}): Promise<RenderedMail> {
  if (job.template === "invoice") {
    if (!data.invoice) throw new Error("the invoice mail is rendered with its invoice and PDF (billing/invoice-mail.server.ts)");
    return renderInvoiceMail(job, data.invoice.view, data.invoice.pdf);
  }
  if (job.template === "schedulePublished") return renderScheduleMail(job);
  if (job.template === "report") {
    if (!data.report) throw new Error("the report mail is rendered with its file (reports/mail.server.ts)");
    return renderReportMail(job, data.report);
  }
  const t = await mailT(job.locale);
  switch (job.template) {
    case "passwordReset": {
      const url = passwordResetUrl(job.token);
      const minutes = localizeDigits(String(job.expiresMinutes), job.locale);
      const layout: Layout = {
        lang: job.locale,
        paragraphs: [t("greeting", { name: job.name }), t("passwordReset.intro")],
        action: { label: t("passwordReset.action"), url },
        footer: [t("passwordReset.expiry", { minutes }), t("passwordReset.ignore"), t("signature")],
      };
      return { kind: job.template, to: job.to, subject: t("passwordReset.subject"), text: layoutText(layout), html: layoutHtml(layout) };
    }
  }
}
