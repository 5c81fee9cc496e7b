import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { MailList } from "~/components/mail-list";
import { asBureau } from "~/modules/auth/bureau.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime, formatNumber } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { listOutbox, outboxEnabled } from "~/modules/mail/outbox.server";
import authCss from "~/styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Hamkal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "mail.outbox.read");
  const { t, lng } = await getT(request, "auth");
  const mails = await asBureau(auth, "mail.outbox.read", (trx) => listOutbox(trx));
  return {
    title: t("outbox.title"),
    enabled: outboxEnabled(),
    mails: mails.map((m) => ({
      id: m.id,
      to: m.to,
      subject: m.subject,
      text: m.text,
      sentAt: formatDateTime(m.createdAt, lng as Language),
      attachments: m.attachments.map((a) => ({
        filename: a.filename,
        size: t("outbox.attachmentSize", { size: formatNumber(Math.max(1, Math.round(a.size / 1024)), lng as Language) }),
        href: `/bureau/outbox/${m.id}/${a.index}`,
      })),
    })),
  };
}

export default function BureauOutbox() {
  const { t } = useTranslation("auth");
  const { mails, enabled } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>{t("outbox.title")}</h1>
      </header>
      <p className="muted">{t("outbox.intro")}</p>
      {enabled ? null : <Notice tone="info">{t("outbox.off")}</Notice>}
      <MailList mails={mails} />
    </>
  );
}
