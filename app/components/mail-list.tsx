import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { Ltr } from "./forms";

export interface MailListItem {
  id: string;
  to: string;
  subject: string;
  text: string;
  sentAt: string;
}

/** Plain-text mail bodies with their links made clickable (the demo follows reset links from here). */
function Linkified({ text }: { text: string }) {
  const parts = text.split(/(https?:\/\/[^\s<>"]+)/g);
  return (
    <>
      {parts.map((part, i) =>
        /^https?:\/\//.test(part) ? (
          <a key={i} href={part} dir="ltr">
            {part}
          </a>
        ) : (
          <Fragment key={i}>{part}</Fragment>
        ),
      )}
    </>
  );
}

export function MailList({ mails }: { mails: MailListItem[] }) {
  const { t } = useTranslation("auth");
  if (!mails.length) return <p className="muted">{t("outbox.empty")}</p>;
  return (
    <ol className="mail-list">
      {mails.map((m) => (
        <li key={m.id} className="card mail-list__item" data-testid="outbox-mail">
          <dl className="mail-list__meta">
            <dt>{t("outbox.subject")}</dt>
            <dd>{m.subject}</dd>
            <dt>{t("outbox.to")}</dt>
            <dd>
              <Ltr>{m.to}</Ltr>
            </dd>
            <dt>{t("outbox.sentAt")}</dt>
            <dd>{m.sentAt}</dd>
          </dl>
          <pre className="mail-list__body" dir="auto">
            <Linkified text={m.text} />
          </pre>
        </li>
      ))}
    </ol>
  );
}
