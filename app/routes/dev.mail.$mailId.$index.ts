import type { LoaderFunctionArgs } from "@remix-run/node";
import { notFound } from "~/modules/auth/guards.server";
import { attachmentResponse, devMailboxEnabled, outboxAttachment } from "~/modules/mail/outbox.server";

/** GET /dev/mail/<mail>/<n>: an attachment of an outbox mail, under the same condition as /dev/mail itself. */
export async function loader({ params }: LoaderFunctionArgs) {
  if (!devMailboxEnabled()) notFound();
  const attachment = await outboxAttachment(undefined, params.mailId ?? "", Number(params.index));
  if (!attachment) notFound();
  return attachmentResponse(attachment);
}
