import { sql } from "kysely";
import { logger } from "../platform/logger.server";
import { publishMany } from "../realtime/bus.server";
import { agentChannel, eventTime, FLOOR, tenantChannel, type Channel, type EventOn } from "../realtime/channels";
import { withBureauScope } from "../tenancy/scope.server";
import type { RoutingNotice } from "./notify.server";

/**
 * Routing's committed changes, pushed to the desktops, the wallboard and the client live views over
 * Redis pub/sub (so a worker's match reaches the web process holding the agent's connection).
 *
 * Queue figures cost a query, so queue notices are coalesced per queue for a short window: a burst
 * of arrivals publishes one `queue.stats` per queue, carrying the state at that moment.
 */
type Item = { [C in Channel]: { channel: C; event: EventOn<C> } }[Channel];

const COALESCE_MS = 150;
const pendingQueues = new Map<string, { tenantId: string; queueId: string }>();
let flushTimer: ReturnType<typeof setTimeout> | null = null;

export function publishRoutingNotices(notices: readonly RoutingNotice[]): void {
  const items: Item[] = [];
  const at = eventTime();
  for (const n of notices) {
    if (n.kind === "offer") {
      items.push({
        channel: agentChannel(n.offer.agentId),
        event: {
          type: "offer.new",
          at,
          offerId: n.offer.contactId,
          interactionId: n.offer.interactionId,
          tenantId: n.offer.tenantId,
          queueId: n.offer.queueId,
          medium: "voice",
          expiresAt: n.offer.expiresAt.toISOString(),
        },
      });
      items.push({ channel: FLOOR, event: { type: "floor.agent", at, agentId: n.offer.agentId, state: "offered", since: at, tenantId: n.offer.tenantId, interactionId: n.offer.interactionId } });
    } else if (n.kind === "withdrawn") {
      if (n.agentId) {
        items.push({ channel: agentChannel(n.agentId), event: { type: "offer.withdrawn", at, offerId: n.contactId, interactionId: n.contactId, reason: "reassigned" } });
      }
    } else if (n.kind === "agent") {
      items.push({ channel: agentChannel(n.agentId), event: { type: "agent.state", at, agentId: n.agentId, state: n.state, since: at, reason: n.reason } });
      items.push({ channel: FLOOR, event: { type: "floor.agent", at, agentId: n.agentId, state: n.state, since: at, reason: n.reason } });
    } else {
      pendingQueues.set(`${n.tenantId}:${n.queueId}`, { tenantId: n.tenantId, queueId: n.queueId });
      flushTimer ??= setTimeout(() => void flushQueues(), COALESCE_MS);
    }
  }
  if (items.length) publishMany(items).catch((err: unknown) => logger.warn({ err }, "realtime publish failed"));
}

async function flushQueues() {
  flushTimer = null;
  const queues = [...pendingQueues.values()];
  pendingQueues.clear();
  if (queues.length === 0) return;
  try {
    const rows = await withBureauScope(async (trx) => {
      const { rows } = await sql<{ tenant_id: string; queue_id: string; waiting: number; longest: number; available: number; busy: number }>`
        select q.tenant_id, q.id as queue_id,
          (select count(*) from routing_contacts rc where rc.tenant_id = q.tenant_id and rc.queue_id = q.id and rc.status = 'waiting')::int as waiting,
          coalesce((select extract(epoch from now() - min(rc.enqueued_at)) from routing_contacts rc
            where rc.tenant_id = q.tenant_id and rc.queue_id = q.id and rc.status = 'waiting'), 0)::int as longest,
          (select count(*) from agent_queue_assignments a join agent_states s on s.agent_id = a.agent_id
            where a.tenant_id = q.tenant_id and a.queue_id = q.id and s.state = 'available')::int as available,
          (select count(*) from agent_queue_assignments a join agent_states s on s.agent_id = a.agent_id
            where a.tenant_id = q.tenant_id and a.queue_id = q.id and s.state in ('offered','busy','on_hold','escalation','wrap_up'))::int as busy
        from queues q
        where q.id = any(${queues.map((q) => q.queueId)}::uuid[])`.execute(trx);
      return rows;
    });
    const at = eventTime();
    const items: Item[] = [];
    for (const r of rows) {
      const event = {
        type: "queue.stats" as const,
        at,
        tenantId: r.tenant_id,
        queueId: r.queue_id,
        waiting: r.waiting,
        longestWaitSeconds: r.longest,
        agentsAvailable: r.available,
        agentsBusy: r.busy,
        // Today's service level is the wallboard's query; the push says "changed", the page reloads it.
        serviceLevel: null,
        abandonRate: null,
      };
      items.push({ channel: tenantChannel(r.tenant_id), event }, { channel: FLOOR, event });
    }
    await publishMany(items);
  } catch (err) {
    logger.warn({ err }, "realtime queue stats failed");
  }
}
