import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { Ltr } from "~/components/forms";
import type { DesktopContact } from "~/modules/desktop/desktop.server";
import { formatDate, formatDateTime, localizeDigits } from "~/modules/i18n/format";

/** The customer's 360 view with this tenant: who, history across channels, notes, open callbacks. */
export function CustomerPanel({ contact }: { contact: DesktopContact }) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  const c = contact.customer;
  return (
    <section className="card" aria-labelledby="customer-title" data-testid="customer-360">
      <h3 id="customer-title">{t("customer.title")}</h3>
      {!c ? (
        <p className="muted">{t("customer.unknown")}</p>
      ) : (
        <>
          <p>
            {c.customer.name ? <strong>{c.customer.name} </strong> : null}
            <Ltr>{c.customer.phone ?? ""}</Ltr>
          </p>
          <p className="muted">
            {t("customer.since", { date: formatDate(c.customer.since, lang) })} ·{" "}
            {t("customer.totals", { contacts: localizeDigits(String(c.totals.contacts), lang), resolved: localizeDigits(String(c.totals.resolved), lang) })}
          </p>
          {c.repeatContact ? (
            <p className="alert alert--warning" data-testid="repeat-contact">
              {t("customer.repeat", { tenant: contact.tenant.name })}
            </p>
          ) : null}
          {c.openCallbacks.length ? (
            <>
              <h4>{t("customer.callbacks")}</h4>
              <ul className="desktop__notes">
                {c.openCallbacks.map((cb) => (
                  <li key={cb.id}>
                    <time dateTime={new Date(cb.dueAt).toISOString()}>{formatDateTime(cb.dueAt, lang)}</time> {cb.note}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <h4>{t("customer.history")}</h4>
          {c.contacts.length === 0 ? (
            <p className="muted">{t("customer.noHistory")}</p>
          ) : (
            <ol className="desktop__history" data-testid="customer-history">
              {c.contacts.map((p) => (
                <li key={p.interactionId}>
                  <div>
                    <time dateTime={new Date(p.startedAt).toISOString()}>{formatDateTime(p.startedAt, lang)}</time> ·{" "}
                    {t(`customer.channel.${p.channel}`, { defaultValue: p.channel })} · {t(`customer.direction.${p.direction}`, { defaultValue: p.direction })}
                    {p.queueName ? ` · ${p.queueName}` : ""}
                    {p.agentName ? ` · ${p.agentName}` : ""}
                  </div>
                  <div>
                    {p.disposition ? (
                      <span className={`badge ${p.disposition.resolved ? "badge--ok" : "badge--off"}`}>{p.disposition.name}</span>
                    ) : (
                      <span className="badge badge--off">{t("customer.unresolved")}</span>
                    )}
                  </div>
                  {p.wrapupNotes ? <p>{p.wrapupNotes}</p> : null}
                  {p.notes
                    .filter((n) => n.body !== p.wrapupNotes)
                    .map((n, i) => (
                      <p key={i} className="muted">
                        {n.body} — {n.author}
                      </p>
                    ))}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
