import nodemailer, { type Transporter } from "nodemailer";
import { db } from "../platform/db.server";
import { loadEnv } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import type { RenderedMail } from "./messages";

/**
 * Where rendered mail goes. MAIL_TRANSPORT=smtp sends through SMTP_URL (nodemailer);
 * MAIL_TRANSPORT=outbox keeps it in mail_outbox (shown at /dev/mail and /bureau/outbox) for demos.
 */
const KEY = Symbol.for("hamkal.smtp");
type Holder = { [KEY]?: { url: string; transporter: Transporter } };

function smtpTransport(url: string): Transporter {
  const holder = globalThis as Holder;
  if (holder[KEY]?.url !== url) {
    holder[KEY]?.transporter.close();
    holder[KEY] = { url, transporter: nodemailer.createTransport(url) };
  }
  return holder[KEY].transporter;
}

/** Attachments as mail_outbox keeps them (jsonb): the bytes base64-encoded, with their size. */
function outboxAttachments(mail: RenderedMail) {
  return (mail.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length, contentBase64: a.content.toString("base64") }));
}

export async function deliverMail(mail: RenderedMail): Promise<{ transport: "smtp" | "outbox"; id: string }> {
  const env = loadEnv();
  if (env.MAIL_TRANSPORT === "smtp") {
    const info = await smtpTransport(env.SMTP_URL!).sendMail({
      from: env.MAIL_FROM,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      attachments: mail.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
    logger.info({ to: mail.to, subject: mail.subject, kind: mail.kind, attachments: mail.attachments?.length ?? 0, messageId: info.messageId }, "mail sent");
    return { transport: "smtp", id: String(info.messageId) };
  }
  const row = await db()
    .insertInto("mail_outbox")
    .values({ to_address: mail.to, subject: mail.subject, text_body: mail.text, html_body: mail.html, kind: mail.kind, attachments: JSON.stringify(outboxAttachments(mail)) })
    .returning("id")
    .executeTakeFirstOrThrow();
  logger.info({ to: mail.to, subject: mail.subject, kind: mail.kind, attachments: mail.attachments?.length ?? 0, outboxId: row.id }, "mail stored in outbox");
  return { transport: "outbox", id: row.id };
}

export function closeMailTransport() {
  const holder = globalThis as Holder;
  holder[KEY]?.transporter.close();
  holder[KEY] = undefined;
}
