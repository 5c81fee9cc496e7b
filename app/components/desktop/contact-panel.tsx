import { Form, useNavigation } from "@remix-run/react";
import type { CSSProperties, RefObject } from "react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, Ltr } from "~/components/forms";
import type { DesktopContact, Escalation } from "~/modules/desktop/desktop.server";
import { CALLBACK_OFFSETS } from "~/modules/desktop/schemas";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import type { AgentState } from "~/modules/routing/agent-state";
import { CustomerPanel } from "./customer-panel";
import { formatDuration, TenantBadge, type DesktopActionData } from "./desktop";
import { ScriptPanel } from "./script-panel";

const tenantStyle = (color: string) => ({ "--tenant-color": color }) as CSSProperties;

function Facts({ contact, now }: { contact: DesktopContact; now: number }) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  const digits = Object.entries(contact.variables);
  const waited = ((contact.connectedAt ? new Date(contact.connectedAt).getTime() : now) - new Date(contact.enqueuedAt).getTime()) / 1000;
  return (
    <dl className="definition-list">
      <dt>{contact.direction === "outbound" ? t("contact.calling") : t("contact.caller")}</dt>
      <dd>
        <Ltr>{(contact.direction === "outbound" ? contact.to : contact.from) ?? t("contact.none")}</Ltr>
      </dd>
      <dt>{t("contact.queue")}</dt>
      <dd>{contact.queue.name}</dd>
      <dt>{t("contact.language")}</dt>
      <dd>{t(`common:languages.${contact.language}`, { defaultValue: contact.language })}</dd>
      <dt>{t("offer.waited")}</dt>
      <dd>{formatDuration(waited, lang)}</dd>
      <dt>{t("contact.ivrPath")}</dt>
      <dd>
        {contact.ivrPath.length ? (
          <bdi>
            <Ltr>{contact.ivrPath.join(" › ")}</Ltr>
          </bdi>
        ) : (
          t("contact.none")
        )}
      </dd>
      <dt>{t("contact.digits")}</dt>
      <dd>
        {digits.length
          ? digits.map(([k, v]) => (
              <span key={k} className="desktop__digit">
                {k}: <Ltr>{v}</Ltr>
              </span>
            ))
          : t("contact.none")}
      </dd>
    </dl>
  );
}

/** A campaign call: the campaign, and the list's contact with its custom fields (what the script fills in). */
export function CampaignFacts({ campaign }: { campaign: NonNullable<DesktopContact["campaign"]> }) {
  const { t } = useTranslation("campaigns");
  const lang = useLang();
  return (
    <section className="desktop__campaign" aria-label={t("desktop.campaign")} data-testid="desktop-campaign">
      <p>
        <span className="badge">{t(`types.${campaign.type}`)}</span> <strong>{campaign.name}</strong>{" "}
        <span className="muted">{t("desktop.attempt", { n: localizeDigits(String(campaign.attemptNo), lang) })}</span>
      </p>
      <dl className="definition-list">
        <dt>{t("desktop.contactName")}</dt>
        <dd>{campaign.contact.name ?? t("desktop.noName")}</dd>
        <dt>{t("desktop.number")}</dt>
        <dd>
          <Ltr>{campaign.contact.e164}</Ltr>
        </dd>
        {campaign.contact.fields.map((f) => (
          <div key={f.key} className="definition-list__row">
            <dt>{f.label}</dt>
            <dd dir="auto">{f.value || "—"}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function OfferCard({ contact, now, formRef }: { contact: DesktopContact; now: number; formRef: RefObject<HTMLFormElement> }) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  const navigation = useNavigation();
  const left = contact.offerExpiresAt ? Math.max(0, (new Date(contact.offerExpiresAt).getTime() - now) / 1000) : 0;
  return (
    <section className="card desktop__offer" style={tenantStyle(contact.tenant.brandColor)} aria-labelledby="offer-title" data-testid="offer">
      <div className="desktop__tenant-band">
        <TenantBadge name={contact.tenant.name} color={contact.tenant.brandColor} />
      </div>
      <h2 id="offer-title">
        {contact.campaign
          ? t(contact.campaign.preview ? "campaigns:desktop.previewTitle" : "campaigns:desktop.offerTitle", { campaign: contact.campaign.name })
          : contact.kind === "callback"
            ? t("offer.callback")
            : t("offer.title")}
      </h2>
      <p className="desktop__offer-for">{t("offer.for", { tenant: contact.tenant.name })}</p>
      {contact.campaign ? <CampaignFacts campaign={contact.campaign} /> : null}
      {contact.campaign?.preview ? <ScriptPanel script={contact.script} contact={contact} agentName="" /> : null}
      <Facts contact={contact} now={now} />
      <p className="muted" role="timer">
        {t("offer.expires", { seconds: localizeDigits(String(Math.ceil(left)), lang) })}
      </p>
      <div className="desktop__actions">
        <Form method="post" ref={formRef} className="inline-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="accept" />
          <input type="hidden" name="contactId" value={contact.contactId} />
          <button type="submit" className="button" disabled={navigation.state !== "idle"} aria-keyshortcuts="a" data-testid={contact.campaign?.preview ? "preview-dial" : undefined}>
            {contact.campaign?.preview ? t("campaigns:desktop.dial") : t("offer.accept")} <kbd>A</kbd>
          </button>
        </Form>
        <Form method="post" className="inline-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="reject" />
          <input type="hidden" name="contactId" value={contact.contactId} />
          <button type="submit" className="button button--ghost" disabled={navigation.state !== "idle"}>
            {t("offer.reject")}
          </button>
        </Form>
      </div>
    </section>
  );
}

export function ContactPanel({
  contact,
  agentId,
  agentName,
  agentState,
  wrapupUntil,
  now,
  holdRef,
  endRef,
  actionData,
}: {
  contact: DesktopContact;
  agentId: string;
  agentName: string;
  agentState: AgentState;
  wrapupUntil: string | null;
  now: number;
  holdRef: RefObject<HTMLFormElement>;
  endRef: RefObject<HTMLFormElement>;
  actionData: DesktopActionData | null;
}) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const talking = contact.connectedAt ? (now - new Date(contact.connectedAt).getTime()) / 1000 : 0;
  const inCall = agentState === "busy" || agentState === "on_hold";
  return (
    <section className="desktop__contact" style={tenantStyle(contact.tenant.brandColor)} aria-labelledby="contact-title" data-testid="contact">
      <div className="desktop__tenant-band">
        <TenantBadge name={contact.tenant.name} color={contact.tenant.brandColor} />
        {agentState !== "wrap_up" ? <span className="muted">{t("contact.talking", { duration: formatDuration(talking, lang) })}</span> : null}
      </div>
      <h2 id="contact-title">{t("contact.title", { tenant: contact.tenant.name })}</h2>

      <div className="desktop__contact-grid">
        <div className="stack">
          <section className="card">
            {contact.campaign ? <CampaignFacts campaign={contact.campaign} /> : null}
            <Facts contact={contact} now={now} />
            {inCall ? (
              <div className="desktop__actions">
                <Form method="post" ref={holdRef} className="inline-form">
                  <CsrfInput />
                  <input type="hidden" name="intent" value={agentState === "on_hold" ? "resume" : "hold"} />
                  <button type="submit" className="button button--ghost" disabled={busy} aria-keyshortcuts="h">
                    {agentState === "on_hold" ? t("contact.resume") : t("contact.hold")} <kbd>H</kbd>
                  </button>
                </Form>
                <Form method="post" ref={endRef} className="inline-form">
                  <CsrfInput />
                  <input type="hidden" name="intent" value="end" />
                  <button type="submit" className="button button--danger" disabled={busy} aria-keyshortcuts="e">
                    {t("contact.end")} <kbd>E</kbd>
                  </button>
                </Form>
              </div>
            ) : null}
            {agentState === "escalation" ? (
              <div className="alert alert--info" role="status">
                {t("contact.escalatedWait")}
              </div>
            ) : null}
          </section>

          {inCall ? <TransferAndEscalate contact={contact} busy={busy} agentId={agentId} /> : null}
          {agentState === "wrap_up" ? <WrapUpForm contact={contact} wrapupUntil={wrapupUntil} now={now} actionData={actionData} busy={busy} /> : null}
          <NotesCard contact={contact} busy={busy} />
        </div>
        <div className="stack">
          <ScriptPanel script={contact.script} contact={contact} agentName={agentName} />
          <CustomerPanel contact={contact} />
        </div>
      </div>
    </section>
  );
}

function TransferAndEscalate({ contact, busy, agentId }: { contact: DesktopContact; busy: boolean; agentId: string }) {
  const { t } = useTranslation("agent");
  return (
    <section className="card" aria-labelledby="transfer-title">
      <h3 id="transfer-title">{t("contact.transfer")}</h3>
      {contact.transferQueues.length === 0 ? (
        <p className="muted">{t("contact.noTransferQueues")}</p>
      ) : (
        <Form method="post" className="form">
          <CsrfInput />
          <input type="hidden" name="intent" value="transfer" />
          <label htmlFor="transfer-queue">{t("contact.transferTo")}</label>
          <select id="transfer-queue" name="queueKey" required>
            {contact.transferQueues.map((q) => (
              <option key={q.key} value={q.key}>
                {q.name}
              </option>
            ))}
          </select>
          <label htmlFor="transfer-note">{t("contact.transferNote")}</label>
          <textarea id="transfer-note" name="note" rows={2} maxLength={1000} />
          <div>
            <button type="submit" className="button button--ghost" disabled={busy}>
              {t("contact.transferSubmit")}
            </button>
          </div>
        </Form>
      )}
      {contact.transferAgents.filter((a) => a.id !== agentId).length === 0 ? (
        <p className="muted">{t("contact.noTransferAgents")}</p>
      ) : (
        <Form method="post" className="form">
          <CsrfInput />
          <input type="hidden" name="intent" value="transferAgent" />
          <label htmlFor="transfer-agent">{t("contact.transferToAgent")}</label>
          <select id="transfer-agent" name="agentId" required>
            {contact.transferAgents
              .filter((a) => a.id !== agentId)
              .map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
          </select>
          <label htmlFor="transfer-agent-note">{t("contact.transferNote")}</label>
          <textarea id="transfer-agent-note" name="note" rows={2} maxLength={1000} />
          <div>
            <button type="submit" className="button button--ghost" disabled={busy}>
              {t("contact.transferSubmit")}
            </button>
          </div>
        </Form>
      )}
      <h3>{t("contact.escalate")}</h3>
      <Form method="post" className="form">
        <CsrfInput />
        <input type="hidden" name="intent" value="escalate" />
        <label htmlFor="escalate-note">{t("contact.escalateNote")}</label>
        <textarea id="escalate-note" name="note" rows={2} maxLength={1000} />
        <div>
          <button type="submit" className="button button--ghost" disabled={busy}>
            {t("contact.escalateSubmit")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function WrapUpForm({
  contact,
  wrapupUntil,
  now,
  actionData,
  busy,
}: {
  contact: DesktopContact;
  wrapupUntil: string | null;
  now: number;
  actionData: DesktopActionData | null;
  busy: boolean;
}) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  const left = wrapupUntil ? (new Date(wrapupUntil).getTime() - now) / 1000 : null;
  const dispositionError = actionData?.intent === "wrapup" ? (actionData.result?.error?.dispositionId ?? null) : null;
  const groups = new Map<string, typeof contact.dispositions>();
  for (const d of contact.dispositions) {
    const key = d.parentName ?? "";
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return (
    <section className="card desktop__wrapup" aria-labelledby="wrapup-title" data-testid="wrapup">
      <h3 id="wrapup-title">{t("wrapup.title")}</h3>
      {left !== null ? (
        <p className={left < 0 ? "desktop__overdue" : "muted"} role="timer">
          {left >= 0 ? t("wrapup.timer", { duration: formatDuration(left, lang) }) : t("wrapup.overdue", { duration: formatDuration(-left, lang) })}
        </p>
      ) : null}
      {contact.dispositions.length === 0 ? <p className="alert alert--warning">{t("wrapup.noDispositions")}</p> : null}
      <Form method="post" className="form">
        <CsrfInput />
        <input type="hidden" name="intent" value="wrapup" />
        <label htmlFor="disposition">{t("wrapup.disposition")}</label>
        <select id="disposition" name="dispositionId" required defaultValue="" aria-invalid={dispositionError ? true : undefined}>
          <option value="" disabled>
            {t("wrapup.chooseDisposition")}
          </option>
          {[...groups.entries()].map(([group, items]) =>
            group ? (
              <optgroup key={group} label={group}>
                {items.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                    {d.resolved ? ` (${t("wrapup.resolved")})` : ""}
                  </option>
                ))}
              </optgroup>
            ) : (
              items.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                  {d.resolved ? ` (${t("wrapup.resolved")})` : ""}
                </option>
              ))
            ),
          )}
        </select>
        {dispositionError ? (
          <p className="field__error" role="alert">
            {t(dispositionError[0]!)}
          </p>
        ) : null}
        <label htmlFor="wrapup-notes">{t("wrapup.notes")}</label>
        <textarea id="wrapup-notes" name="notes" rows={3} maxLength={4000} />
        {contact.campaign ? (
          // A campaign call's next try is the campaign's (its disposition rules and retry delays).
          <p className="field-hint">{t("campaigns:desktop.wrapupHint")}</p>
        ) : (
          <>
            <label htmlFor="callback-in">{t("wrapup.callback")}</label>
            <select id="callback-in" name="callbackIn" defaultValue="">
              <option value="">{t("wrapup.noCallback")}</option>
              {CALLBACK_OFFSETS.map((o) => (
                <option key={o} value={o}>
                  {t(`wrapup.in.${o}`)}
                </option>
              ))}
            </select>
          </>
        )}
        <div>
          <button type="submit" className="button" disabled={busy || contact.dispositions.length === 0}>
            {t("wrapup.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function NotesCard({ contact, busy }: { contact: DesktopContact; busy: boolean }) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  return (
    <section className="card" aria-labelledby="notes-title">
      <h3 id="notes-title">{t("contact.notes")}</h3>
      {contact.notes.length === 0 ? (
        <p className="muted">{t("contact.noNotes")}</p>
      ) : (
        <ul className="desktop__notes">
          {contact.notes.map((n, i) => (
            <li key={i}>
              <p>{n.body}</p>
              <small className="muted">
                {n.author} · <time dateTime={n.at}>{formatDateTime(n.at, lang)}</time>
              </small>
            </li>
          ))}
        </ul>
      )}
      <Form method="post" className="form" key={contact.notes.length}>
        <CsrfInput />
        <input type="hidden" name="intent" value="note" />
        <label htmlFor="note-body">{t("contact.noteBody")}</label>
        <textarea id="note-body" name="body" rows={2} maxLength={4000} required />
        <div>
          <button type="submit" className="button button--ghost button--small" disabled={busy}>
            {t("contact.addNote")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function EscalationList({ escalations }: { escalations: Escalation[] }) {
  const { t } = useTranslation("agent");
  const navigation = useNavigation();
  return (
    <section className="card" aria-labelledby="escalations-title" data-testid="escalations">
      <h2 id="escalations-title">{t("escalations.title")}</h2>
      {escalations.length === 0 ? <p className="muted">{t("escalations.empty")}</p> : null}
      {escalations.map((e) => (
        <article key={e.agentId} className="desktop__escalation" style={tenantStyle(e.contact.tenant.brandColor)}>
          <TenantBadge name={e.contact.tenant.name} color={e.contact.tenant.brandColor} />
          <p>{t("escalations.from", { agent: e.agentName, tenant: e.contact.tenant.name })}</p>
          <ul className="desktop__notes">
            {e.contact.notes.map((n, i) => (
              <li key={i}>
                {n.body} <small className="muted">— {n.author}</small>
              </li>
            ))}
          </ul>
          <Form method="post" className="form">
            <CsrfInput />
            <input type="hidden" name="intent" value="resolveEscalation" />
            <input type="hidden" name="agentId" value={e.agentId} />
            <label htmlFor={`esc-note-${e.agentId}`}>{t("escalations.note")}</label>
            <textarea id={`esc-note-${e.agentId}`} name="note" rows={2} maxLength={1000} />
            <div className="desktop__actions">
              <button type="submit" name="decision" value="return" className="button button--ghost" disabled={navigation.state !== "idle"}>
                {t("escalations.return")}
              </button>
              <button type="submit" name="decision" value="takeOver" className="button" disabled={navigation.state !== "idle"}>
                {t("escalations.takeOver")}
              </button>
            </div>
          </Form>
        </article>
      ))}
    </section>
  );
}
