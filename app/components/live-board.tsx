import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { useLiveReload } from "~/components/live-reload";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { formatDuration, TenantBadge, useServerClock } from "~/components/desktop/desktop";
import { CsrfInput } from "~/components/forms";
import { localizeDigits } from "~/modules/i18n/format";
import type { AgentLive, FloorSnapshot, QueueLive } from "~/modules/wallboard/wallboard.server";

/**
 * The live floor shared by the bureau wallboard and the client's live view: queue figures with the
 * service-level formula stated, and agents by state.
 */
function SlCell({ q }: { q: QueueLive }) {
  const { t } = useTranslation("wallboard");
  const lang = useLang();
  const sl = q.today.serviceLevel;
  const ok = sl !== null && sl >= q.slTargetPct;
  return (
    <td data-testid="sl">
      {sl === null ? (
        <span className="muted">{t("queues.noData")}</span>
      ) : (
        <strong className={ok ? "live__ok" : "live__bad"}>{localizeDigits(`${sl}%`, lang)}</strong>
      )}
      <br />
      <small className="muted">{t("queues.target", { pct: localizeDigits(String(q.slTargetPct), lang), seconds: localizeDigits(String(q.slThresholdSeconds), lang) })}</small>
    </td>
  );
}

export function QueueTable({ queues, now, loadedAt }: { queues: QueueLive[]; now: number; loadedAt: number }) {
  const { t } = useTranslation("wallboard");
  const lang = useLang();
  const n = (v: number) => localizeDigits(String(v), lang);
  if (queues.length === 0) return <p className="muted">{t("queues.empty")}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="live-queues">
        <caption className="visually-hidden">{t("queues.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("queues.tenant")}</th>
            <th scope="col">{t("queues.queue")}</th>
            <th scope="col">{t("queues.waiting")}</th>
            <th scope="col">{t("queues.longest")}</th>
            <th scope="col">{t("queues.sl")}</th>
            <th scope="col">{t("queues.answered")}</th>
            <th scope="col">{t("queues.abandoned")}</th>
            <th scope="col">{t("queues.agents")}</th>
          </tr>
        </thead>
        <tbody>
          {queues.map((q) => {
            const longest = q.waiting > 0 ? q.longestWaitSeconds + (now - loadedAt) / 1000 : 0;
            const a = q.agents;
            return (
              <tr key={q.queueId} data-queue={q.queueKey}>
                <td>
                  <TenantBadge name={q.tenantName} color={q.brandColor} />
                </td>
                <td>{q.queueName}</td>
                <td data-testid="waiting">{n(q.waiting)}</td>
                <td className={longest > q.slThresholdSeconds ? "live__bad" : undefined}>{q.waiting > 0 ? formatDuration(longest, lang) : "—"}</td>
                <SlCell q={q} />
                <td>{n(q.today.answered)}</td>
                <td>{n(q.today.abandoned)}</td>
                <td>
                  <small>
                    {t("byState", {
                      available: n(a.available),
                      busy: n(a.offered + a.busy + a.on_hold + a.escalation),
                      wrap: n(a.wrap_up),
                      away: n(a.break + a.missed),
                    })}
                  </small>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function AgentTable({ agents, now, loadedAt, actions }: { agents: AgentLive[]; now: number; loadedAt: number; actions?: (a: AgentLive) => ReactNode }) {
  const { t } = useTranslation("wallboard");
  const lang = useLang();
  if (agents.length === 0) return <p className="muted">{t("agents.empty")}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="live-agents">
        <caption className="visually-hidden">{t("agents.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("agents.name")}</th>
            <th scope="col">{t("agents.state")}</th>
            <th scope="col">{t("agents.since")}</th>
            <th scope="col">{t("agents.queues")}</th>
            {actions ? <th scope="col">{t("agents.actions")}</th> : null}
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr key={a.agentId} data-agent-state={a.state}>
              <td>{a.name}</td>
              <td>
                {t(`agent:state.${a.state}`)}
                {a.reason ? ` · ${t(`agent:reasons.${a.reason}`, { defaultValue: a.reason })}` : ""}
                {a.contactTenant ? ` · ${t("agents.onContactFor", { tenant: a.contactTenant })}` : ""}
              </td>
              <td>{formatDuration(a.sinceSeconds + (now - loadedAt) / 1000, lang)}</td>
              <td>
                <small>{a.queues.map((q) => `${q.tenantName} › ${q.queueName}`).join(lang === "fa" ? "، " : ", ")}</small>
              </td>
              {actions ? <td>{actions(a)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function LiveBoard({ snapshot, eventsUrl, title, agentActions }: { snapshot: FloorSnapshot; eventsUrl: string; title: string; agentActions?: (a: AgentLive) => ReactNode }) {
  const { t } = useTranslation("wallboard");
  const live = useLiveReload(eventsUrl, 300);
  const now = useServerClock(snapshot.now);
  const loadedAt = new Date(snapshot.now).getTime();
  return (
    <div className="stack live">
      <div className="page-header">
        <h2>{title}</h2>
        <span className={`desktop__live ${live ? "desktop__live--on" : ""}`} role="status">
          {live ? t("live.connected") : t("live.reconnecting")}
        </span>
      </div>
      <p className="muted">{t("intro")}</p>
      <section className="card" aria-labelledby="live-queues-title">
        <h3 id="live-queues-title">{t("queues.title")}</h3>
        <QueueTable queues={snapshot.queues} now={now} loadedAt={loadedAt} />
        <p className="muted live__formula" data-testid="sl-formula">
          {t("slFormula")}
        </p>
      </section>
      <section className="card" aria-labelledby="live-agents-title">
        <h3 id="live-agents-title">{t("agents.title")}</h3>
        <AgentTable agents={snapshot.agents} now={now} loadedAt={loadedAt} actions={agentActions} />
      </section>
    </div>
  );
}

/** The supervisor's controls for one agent on the bureau wallboard. */
export function SupervisorActions({ agent, queues }: { agent: AgentLive; queues: { queueId: string; label: string; tenantId: string }[] }) {
  const { t } = useTranslation("wallboard");
  const servedTenants = new Set(agent.queues.map((q) => q.tenantId));
  const addable = queues.filter((q) => servedTenants.has(q.tenantId) && !agent.queues.some((m) => m.queueId === q.queueId));
  return (
    <div className="live__actions">
      <Form method="post" className="inline-form">
        <CsrfInput />
        <input type="hidden" name="intent" value="state" />
        <input type="hidden" name="agentId" value={agent.agentId} />
        <label className="visually-hidden" htmlFor={`state-${agent.agentId}`}>
          {t("agents.setState")}
        </label>
        <select id={`state-${agent.agentId}`} name="state" defaultValue="">
          <option value="" disabled>
            {t("agents.setState")}
          </option>
          <option value="available">{t("agent:state.available")}</option>
          <option value="break">{t("agent:state.break")}</option>
          <option value="offline">{t("agent:state.offline")}</option>
        </select>
        <button type="submit" className="button button--ghost button--small">
          {t("agents.apply")}
        </button>
      </Form>
      {addable.length ? (
        <Form method="post" className="inline-form">
          <CsrfInput />
          <input type="hidden" name="intent" value="addQueue" />
          <input type="hidden" name="agentId" value={agent.agentId} />
          <label className="visually-hidden" htmlFor={`add-${agent.agentId}`}>
            {t("agents.addToQueue")}
          </label>
          <select id={`add-${agent.agentId}`} name="queueId" defaultValue="">
            <option value="" disabled>
              {t("agents.chooseQueue")}
            </option>
            {addable.map((q) => (
              <option key={q.queueId} value={q.queueId}>
                {q.label}
              </option>
            ))}
          </select>
          <button type="submit" className="button button--ghost button--small">
            {t("agents.add")}
          </button>
        </Form>
      ) : null}
      {agent.queues.map((q) => (
        <Form method="post" className="inline-form" key={q.queueId}>
          <CsrfInput />
          <input type="hidden" name="intent" value="removeQueue" />
          <input type="hidden" name="agentId" value={agent.agentId} />
          <input type="hidden" name="queueId" value={q.queueId} />
          <button type="submit" className="button button--ghost button--small">
            {t("agents.removeFromQueue", { queue: `${q.tenantName} › ${q.queueName}` })}
          </button>
        </Form>
      ))}
    </div>
  );
}
