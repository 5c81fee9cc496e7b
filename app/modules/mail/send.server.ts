import type { MailJob } from "./messages";
import { renderMail } from "./templates.server";
import { deliverMail } from "./transport.server";

/** The `mail.send` job: render in the recipient's language, then hand to the configured transport. */
export async function handleMailSend(job: MailJob): Promise<{ transport: "smtp" | "outbox" | "skipped"; id: string }> {
  // The invoice mail loads its invoice and PDF first, and marks the invoice sent once delivered.
  if (job.template === "invoice") return (await import("../billing/invoice-mail.server")).sendInvoiceMail(job);
  // A scheduled report attaches its stored file.
  if (job.template === "report") return (await import("../reports/mail.server")).sendReportMail(job);
  const mail = await renderMail(job);
  return deliverMail(mail);
}
