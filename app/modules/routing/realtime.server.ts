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
      // Grouped per queue in one pass over each table (not four subqueries per queue): a burst that
      // touches hundreds of queues still costs one cheap statement.
      const { rows } = await sql<{ tenant_id: string; queue_id: string; waiting: number; longest: number; available: number; busy: number }>`/* hk:routing-queue-stats */
        with touched as (
          select * from unnest(${queues.map((q) => q.tenantId)}::uuid[], ${queues.map((q) => q.queueId)}::uuid[]) as t(tenant_id, queue_id)
        ), waiting as (
          select rc.tenant_id, rc.queue_id, count(*)::int as waiting, extract(epoch from now() - min(rc.enqueued_at))::int as longest
          from routing_contacts rc join touched t on t.tenant_id = rc.tenant_id and t.queue_id = rc.queue_id
          where rc.status = 'waiting'
          group by 1, 2
        ), agents as (
          select a.tenant_id, a.queue_id,
            (count(*) filter (where s.state = 'available'))::int as available,
            (count(*) filter (where s.state in ('offered', 'busy', 'on_hold', 'escalation', 'wrap_up')))::int as busy
          from agent_queue_assignments a join touched t on t.tenant_id = a.tenant_id and t.queue_id = a.queue_id
          join agent_states s on s.agent_id = a.agent_id
          group by 1, 2
        )
        select t.tenant_id, t.queue_id, coalesce(w.waiting, 0) as waiting, coalesce(w.longest, 0) as longest,
          coalesce(g.available, 0) as available, coalesce(g.busy, 0) as busy
        from touched t
        join queues q on q.tenant_id = t.tenant_id and q.id = t.queue_id
        left join waiting w on w.tenant_id = t.tenant_id and w.queue_id = t.queue_id
        left join agents g on g.tenant_id = t.tenant_id and g.queue_id = t.queue_id`.execute(trx);
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
