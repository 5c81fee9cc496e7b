import { Form, Link, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from "react";
import { useLiveReload } from "~/components/live-reload";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, FormErrors, Notice } from "~/components/forms";
import type { Language } from "~/modules/i18n/config";
import { localizeDigits } from "~/modules/i18n/format";
import type { DesktopSnapshot } from "~/modules/desktop/desktop.server";
import { BREAK_REASONS, type AgentState } from "~/modules/routing/agent-state";
import { ContactPanel, EscalationList, OfferCard } from "./contact-panel";

export type DesktopData = DesktopSnapshot & { canHandleEscalations: boolean };
export interface DesktopActionData {
  intent: string;
  result: { error?: Record<string, string[] | null> | null } | undefined;
  notice: string | null;
  error: string | null;
}

/** "m:ss" or "h:mm:ss", in Persian digits in Persian. */
export function formatDuration(totalSeconds: number, lang: Language) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  const text = h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
  return localizeDigits(text, lang);
}

/**
 * The server's clock, ticking in the browser: timers are computed against the loader's `now` plus the
 * time elapsed since it arrived, so a browser with a wrong clock still shows the right wait times.
 */
export function useServerClock(serverNow: string) {
  const [offset] = useState(() => new Date(serverNow).getTime() - Date.now());
  const [now, setNow] = useState(() => new Date(serverNow).getTime());
  useEffect(() => {
    setNow(Date.now() + offset);
    const id = setInterval(() => setNow(Date.now() + offset), 1000);
    return () => clearInterval(id);
  }, [offset, serverNow]);
  return now;
}

const STATE_TONE: Record<AgentState, string> = {
  offline: "off",
  available: "ok",
  offered: "warn",
  busy: "busy",
  on_hold: "warn",
  wrap_up: "busy",
  break: "off",
  escalation: "warn",
  missed: "danger",
};

export function AgentDesktop({ data, actionData }: { data: DesktopData; actionData: DesktopActionData | null }) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  const now = useServerClock(data.now);
  // Any routing change for this agent reloads the snapshot; bursts (an offer with a queue change) cost one.
  const live = useLiveReload("/events/agent", 100);
  const { agent, contact } = data;
  const acceptRef = useRef<HTMLFormElement>(null);
  const holdRef = useRef<HTMLFormElement>(null);
  const endRef = useRef<HTMLFormElement>(null);

  // Shortcuts work anywhere on the page except while typing in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
      const form = e.key === "a" ? acceptRef.current : e.key === "h" ? holdRef.current : e.key === "e" ? endRef.current : null;
      if (form) {
        e.preventDefault();
        form.requestSubmit();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const formError = actionData?.error ? [actionData.error] : null;
  const sinceSeconds = (now - new Date(agent.since).getTime()) / 1000;

  return (
    <div className="desktop" data-state={agent.state}>
      <header className="desktop__bar">
        <h1 className="desktop__title">{t("title")}</h1>
        <Link to="/agent/schedule" className="button button--ghost button--small" data-testid="my-schedule-link">
          {t("wfm:agent.nav")}
        </Link>
        <span className={`desktop__state desktop__state--${STATE_TONE[agent.state]}`} data-testid="agent-state">
          {t(`state.${agent.state}`)}
          {agent.reason && agent.state === "break" ? ` · ${t(`reasons.${agent.reason}`, { defaultValue: agent.reason })}` : null}
        </span>
        <span className="muted" aria-live="off">
          {t("status.since", { duration: formatDuration(sinceSeconds, lang) })}
        </span>
        <span className={`desktop__live ${live ? "desktop__live--on" : ""}`} role="status">
          {live ? t("live.connected") : t("live.reconnecting")}
        </span>
        {agent.isAgent ? <StatusControl state={agent.state} /> : null}
      </header>

      {actionData?.notice ? <Notice>{t(`notice.${actionData.notice}`)}</Notice> : null}
      <FormErrors errors={formError} />
      {actionData && !actionData.error && actionData.result?.error ? (
        <FormErrors errors={Object.values(actionData.result.error).flatMap((e) => e ?? [])} />
      ) : null}
      {!agent.isAgent ? <p className="muted">{t("status.notAgent")}</p> : null}
      {agent.state === "missed" ? (
        <div className="alert alert--warning" role="alert">
          {t("status.missedHint")}
        </div>
      ) : null}

      <div className="desktop__grid">
        <aside className="desktop__side">
          <QueueList data={data} now={now} />
          <Shortcuts />
        </aside>
        <main className="desktop__main" aria-live="polite">
          {contact && agent.state === "offered" ? <OfferCard contact={contact} now={now} formRef={acceptRef} /> : null}
          {contact && agent.state !== "offered" ? (
            <ContactPanel contact={contact} agentId={agent.id} agentName={agent.name} agentState={agent.state} wrapupUntil={agent.wrapupUntil} now={now} holdRef={holdRef} endRef={endRef} actionData={actionData} />
          ) : null}
          {data.canHandleEscalations ? <EscalationList escalations={data.escalations} /> : null}
        </main>
      </div>
    </div>
  );
}

function StatusControl({ state }: { state: AgentState }) {
  const { t } = useTranslation("agent");
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const onContact = ["offered", "busy", "on_hold", "escalation"].includes(state);
  return (
    <div className="desktop__status" role="group" aria-label={t("status.label")}>
      <Form method="post" className="inline-form">
        <CsrfInput />
        <input type="hidden" name="intent" value="available" />
        <button type="submit" className="button button--small" disabled={busy || onContact || state === "available"}>
          {t("status.goAvailable")}
        </button>
      </Form>
      <Form method="post" className="inline-form">
        <CsrfInput />
        <input type="hidden" name="intent" value="break" />
        <label className="visually-hidden" htmlFor="break-reason">
          {t("status.reason")}
        </label>
        <select id="break-reason" name="reason" defaultValue="rest" disabled={busy || onContact}>
          {BREAK_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`reasons.${r}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="button button--ghost button--small" disabled={busy || onContact}>
          {t("status.goBreak")}
        </button>
      </Form>
      <Form method="post" className="inline-form">
        <CsrfInput />
        <input type="hidden" name="intent" value="offline" />
        <button type="submit" className="button button--ghost button--small" disabled={busy || onContact || state === "offline"}>
          {t("status.goOffline")}
        </button>
      </Form>
    </div>
  );
}

export function TenantBadge({ name, color, children }: { name: string; color: string; children?: ReactNode }) {
  return (
    <span className="tenant-badge" style={{ "--tenant-color": color } as CSSProperties}>
      <span className="tenant-badge__swatch" aria-hidden="true" />
      {name}
      {children}
    </span>
  );
}

function QueueList({ data, now }: { data: DesktopData; now: number }) {
  const { t } = useTranslation("agent");
  const lang = useLang();
  const loadedAt = new Date(data.now).getTime();
  return (
    <section className="card" aria-labelledby="my-queues">
      <h2 id="my-queues">{t("queues.title")}</h2>
      {data.queues.length === 0 ? (
        <p className="muted">{t("queues.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="agent-queues">
            <thead>
              <tr>
                <th scope="col">{t("queues.tenant")}</th>
                <th scope="col">{t("queues.queue")}</th>
                <th scope="col">{t("queues.waiting")}</th>
                <th scope="col">{t("queues.longest")}</th>
              </tr>
            </thead>
            <tbody>
              {data.queues.map((q) => {
                const longest = q.waiting > 0 ? q.longestWaitSeconds + (now - loadedAt) / 1000 : 0;
                return (
                  <tr key={q.queueId} className={longest > q.slThresholdSeconds ? "desktop__queue--late" : undefined}>
                    <td>
                      <TenantBadge name={q.tenantName} color={q.brandColor} />
                    </td>
                    <td>{q.queueName}</td>
                    <td>{localizeDigits(String(q.waiting), lang)}</td>
                    <td>{q.waiting > 0 ? formatDuration(longest, lang) : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Shortcuts() {
  const { t } = useTranslation("agent");
  return (
    <section className="card desktop__shortcuts" aria-labelledby="shortcuts-title">
      <h2 id="shortcuts-title">{t("shortcuts.title")}</h2>
      <dl>
        <dt>
          <kbd>A</kbd>
        </dt>
        <dd>{t("shortcuts.accept")}</dd>
        <dt>
          <kbd>H</kbd>
        </dt>
        <dd>{t("shortcuts.hold")}</dd>
        <dt>
          <kbd>E</kbd>
        </dt>
        <dd>{t("shortcuts.end")}</dd>
      </dl>
    </section>
  );
}

