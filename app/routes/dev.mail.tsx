import { type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LanguageSwitcher } from "~/components/language-switcher";
import { MailList } from "~/components/mail-list";
import { notFound } from "~/modules/auth/guards.server";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime, formatNumber } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { devMailboxEnabled, listOutbox } from "~/modules/mail/outbox.server";
import authCss from "~/styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Hamkal" }, { name: "referrer", content: "no-referrer" }];

/**
 * The demo's mailbox: mail kept by MAIL_TRANSPORT=outbox, readable without signing in so a demo user
 * can follow a password-reset link. It does not exist when mail really goes out (smtp), nor in
 * production unless DEV_MAILBOX=true (the demo).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  if (!devMailboxEnabled()) notFound();
  const { t, lng } = await getT(request, "auth");
  const mails = await listOutbox();
  return {
    title: t("outbox.title"),
    mails: mails.map((m) => ({
      id: m.id,
      to: m.to,
      subject: m.subject,
      text: m.text,
      sentAt: formatDateTime(m.createdAt, lng as Language),
      attachments: m.attachments.map((a) => ({
        filename: a.filename,
        size: t("outbox.attachmentSize", { size: formatNumber(Math.max(1, Math.round(a.size / 1024)), lng as Language) }),
        href: `/dev/mail/${m.id}/${a.index}`,
      })),
    })),
  };
}

export default function DevMail() {
  const { t } = useTranslation("auth");
  const { mails } = useLoaderData<typeof loader>();
  return (
    <main className="dev-page">
      <header className="page-header">
        <h1>{t("outbox.title")}</h1>
        <LanguageSwitcher />
      </header>
      <p className="muted">{t("outbox.intro")}</p>
      <MailList mails={mails} />
    </main>
  );
}
