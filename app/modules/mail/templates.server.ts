import type { TFunction } from "i18next";
import { directionOf, type Language } from "../i18n/config";
import { localizeDigits } from "../i18n/format";
import { diskT } from "../i18n/disk-t.server";
import { publicUrl } from "../platform/env.server";
import type { MailJob, RenderedMail } from "./messages";

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

export async function renderMail(job: MailJob): Promise<RenderedMail> {
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
