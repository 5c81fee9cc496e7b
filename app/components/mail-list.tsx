import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { Ltr } from "./forms";

export interface MailListAttachment {
  filename: string;
  /** Already formatted for the reader ("۱۲۳ کیلوبایت"). */
  size: string;
  /** The guarded download route of the page showing the list. */
  href: string;
}

export interface MailListItem {
  id: string;
  to: string;
  subject: string;
  text: string;
  sentAt: string;
  attachments?: MailListAttachment[];
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
            {m.attachments?.length ? (
              <>
                <dt>{t("outbox.attachments")}</dt>
                <dd>
                  <ul className="mail-list__attachments">
                    {m.attachments.map((a) => (
                      <li key={a.href}>
                        <a href={a.href} download={a.filename} aria-label={t("outbox.download", { filename: a.filename })} data-testid="outbox-attachment">
                          <bdi>{a.filename}</bdi>
                        </a>{" "}
                        <span className="muted">({a.size})</span>
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : null}
          </dl>
          <pre className="mail-list__body" dir="auto">
            <Linkified text={m.text} />
          </pre>
        </li>
      ))}
    </ol>
  );
}
