import type { LoaderFunctionArgs } from "@remix-run/node";
import { asBureau } from "~/modules/auth/bureau.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { attachmentResponse, outboxAttachment } from "~/modules/mail/outbox.server";

/** GET /bureau/outbox/<mail>/<n>: an attachment of an outbox mail, for those who may read the outbox. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "mail.outbox.read");
  const attachment = await asBureau(auth, "mail.outbox.read", (trx) => outboxAttachment(trx, params.mailId ?? "", Number(params.index)));
  if (!attachment) notFound();
  return attachmentResponse(attachment);
}
