import type { MailJob } from "./messages";
import { renderMail } from "./templates.server";
import { deliverMail } from "./transport.server";

/** The `mail.send` job: render in the recipient's language, then hand to the configured transport. */
export async function handleMailSend(job: MailJob) {
  const mail = await renderMail(job);
  return deliverMail(mail);
}
