import { sql } from "kysely";
import type { Trx } from "../platform/db.server";
import { recordAudit } from "../auth/audit.server";
import { RoutingError } from "../routing/acd.server";
import { slCountColumns } from "../routing/sla.server";
import { AGENT_STATES, type AgentState } from "../routing/agent-state";
import { serviceLevelFromCounts, type SlResult } from "../routing/sla";
import { withBureauScope, withTenant } from "../tenancy/scope.server";

/**
 * The live floor: per tenant and queue, contacts waiting, longest wait, today's service level and
 * abandons (today in each tenant's own zone), and agents by state; the agent list with state and time
 * in state. The bureau wallboard reads every tenant; a client's live view reads its own tenant only,
 * under RLS, and sees agents by display name only.
 */
export interface QueueLive {
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  brandColor: string;
  queueId: string;
  queueKey: string;
  queueName: string;
  slTargetPct: number;
  slThresholdSeconds: number;
  shortAbandonSeconds: number;
  waiting: number;
  longestWaitSeconds: number;
  today: SlResult;
  agents: Record<AgentState, number>;
}

export interface AgentLive {
  agentId: string;
  name: string;
  state: AgentState;
  reason: string | null;
  sinceSeconds: number;
  queues: { tenantId: string; queueId: string; queueName: string; tenantName: string }[];
  contactTenant: string | null;
}

export interface FloorSnapshot {
  queues: QueueLive[];
  agents: AgentLive[];
  now: string;
}

function emptyStates(): Record<AgentState, number> {
  return Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;
}

async function readQueues(trx: Trx, tenantId: string | null): Promise<QueueLive[]> {
  // Today starts at midnight in the tenant's zone, so a Tehran tenant's day is not cut at UTC midnight.
  const rows = await sql<{
    tenant_id: string;
    tenant_name: string;
    tenant_slug: string;
    brand_color: string;
    id: string;
    key: string;
    name: string;
    sl_target_pct: number;
    sl_threshold_seconds: number;
    short_abandon_seconds: number;
    waiting: number;
    longest: number;
    answered: number;
    answered_within: number;
    abandoned: number;
    short_abandoned: number;
  }>`
    select t.id as tenant_id, t.name as tenant_name, t.slug as tenant_slug, t.brand_color,
      q.id, q.key, q.name, q.sl_target_pct, q.sl_threshold_seconds, q.short_abandon_seconds,
      count(*) filter (where rc.status = 'waiting')::int as waiting,
      coalesce(extract(epoch from now() - min(rc.enqueued_at) filter (where rc.status = 'waiting')), 0)::int as longest,
      ${slCountColumns(sql<boolean>`rc.enqueued_at >= day.start`)}
    from queues q
    join tenants t on t.id = q.tenant_id
    cross join lateral (select (date_trunc('day', now() at time zone t.time_zone) at time zone t.time_zone) as start) day
    left join routing_contacts rc on rc.tenant_id = q.tenant_id and rc.queue_id = q.id
      and (rc.status = 'waiting' or rc.enqueued_at >= day.start)
    where t.status = 'active' ${tenantId ? sql`and q.tenant_id = ${tenantId}` : sql``}
    group by t.id, t.name, t.slug, t.brand_color, q.id, q.key, q.name, q.sl_target_pct, q.sl_threshold_seconds, q.short_abandon_seconds
    order by t.name, q.name`.execute(trx);
  const states = await trx
    .selectFrom("agent_queue_assignments as a")
    .innerJoin("agent_states as s", "s.agent_id", "a.agent_id")
    .select(["a.queue_id", "s.state", sql<number>`count(*)::int`.as("n")])
    .$if(tenantId !== null, (qb) => qb.where("a.tenant_id", "=", tenantId!))
    .groupBy(["a.queue_id", "s.state"])
    .execute();
  return rows.rows.map((r) => {
    const agents = emptyStates();
    for (const s of states) if (s.queue_id === r.id) agents[s.state as AgentState] = s.n;
    return {
      tenantId: r.tenant_id,
      tenantName: r.tenant_name,
      tenantSlug: r.tenant_slug,
      brandColor: r.brand_color,
      queueId: r.id,
      queueKey: r.key,
      queueName: r.name,
      slTargetPct: r.sl_target_pct,
      slThresholdSeconds: r.sl_threshold_seconds,
      shortAbandonSeconds: r.short_abandon_seconds,
      waiting: r.waiting,
      longestWaitSeconds: r.longest,
      today: serviceLevelFromCounts({ answered: r.answered, answeredWithin: r.answered_within, abandoned: r.abandoned, shortAbandoned: r.short_abandoned }),
      agents,
    };
  });
}

async function readAgents(trx: Trx, tenantId: string | null): Promise<AgentLive[]> {
  const rows = await trx
    .selectFrom("agents as ag")
    .innerJoin("users as u", "u.id", "ag.user_id")
    .leftJoin("agent_states as s", "s.agent_id", "ag.user_id")
    .leftJoin("tenants as ct", "ct.id", "s.contact_tenant_id")
    .select([
      "ag.user_id",
      "u.name",
      "s.state",
      "s.reason",
      sql<number>`coalesce(extract(epoch from now() - s.since), 0)::int`.as("since_seconds"),
      "ct.name as contact_tenant",
      "s.contact_tenant_id",
    ])
    .$if(tenantId !== null, (qb) =>
      qb.where((eb) => eb.exists(eb.selectFrom("agent_queue_assignments as x").select("x.agent_id").whereRef("x.agent_id", "=", "ag.user_id").where("x.tenant_id", "=", tenantId!))),
    )
    .orderBy("u.name")
    .execute();
  const queues = await trx
    .selectFrom("agent_queue_assignments as a")
    .innerJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "a.tenant_id").onRef("q.id", "=", "a.queue_id"))
    .innerJoin("tenants as t", "t.id", "a.tenant_id")
    .select(["a.agent_id", "a.tenant_id", "a.queue_id", "q.name as queue_name", "t.name as tenant_name"])
    .$if(tenantId !== null, (qb) => qb.where("a.tenant_id", "=", tenantId!))
    .orderBy("t.name")
    .orderBy("q.name")
    .execute();
  return rows.map((r) => ({
    agentId: r.user_id,
    name: r.name,
    state: (r.state ?? "offline") as AgentState,
    reason: r.reason ?? null,
    sinceSeconds: r.since_seconds,
    queues: queues
      .filter((q) => q.agent_id === r.user_id)
      .map((q) => ({ tenantId: q.tenant_id, queueId: q.queue_id, queueName: q.queue_name, tenantName: q.tenant_name })),
    // A client sees that an agent is busy, not with which other company.
    contactTenant: tenantId === null ? (r.contact_tenant ?? null) : r.contact_tenant_id === tenantId ? (r.contact_tenant ?? null) : null,
  }));
}

/** The bureau's wallboard: every tenant. The caller has checked "wallboard.view". */
export function floorSnapshot(): Promise<FloorSnapshot> {
  return withBureauScope(async (trx) => ({ queues: await readQueues(trx, null), agents: await readAgents(trx, null), now: new Date().toISOString() }));
}

/**
 * One tenant's queues with their live figures, under that tenant's RLS only: the REST API joins them
 * to the queue settings without reading any agent or any other tenant.
 */
export function tenantQueueFigures(tenantId: string): Promise<QueueLive[]> {
  return withTenant(tenantId, (trx) => readQueues(trx, tenantId));
}

/**
 * A client's live view of its own queues. Agents appear by display name and state only; the agent
 * list itself is read in bureau scope (agents are bureau-wide) but restricted to this tenant's queues.
 */
export async function tenantLiveSnapshot(tenantId: string): Promise<FloorSnapshot> {
  const queues = await withTenant(tenantId, (trx) => readQueues(trx, tenantId));
  const agents = await withBureauScope((trx) => readAgents(trx, tenantId));
  return {
    queues,
    agents: agents.map((a) => ({ ...a, reason: null, queues: a.queues.filter((q) => q.tenantId === tenantId) })),
    now: new Date().toISOString(),
  };
}

/**
 * Puts an agent in a tenant's queue or takes it out (the supervisor's "move between queues"). The agent
 * must already serve that tenant: assigning agents to companies is the bureau console's decision.
 */
export async function setQueueMembership(
  actor: { userId: string; label: string; ip: string | null },
  agentId: string,
  queueId: string,
  member: boolean,
): Promise<void> {
  await withBureauScope(async (trx) => {
    const queue = await trx.selectFrom("queues").select(["tenant_id", "name"]).where("id", "=", queueId).executeTakeFirst();
    if (!queue) throw new RoutingError("notFound");
    const serves = await trx
      .selectFrom("agent_assignments")
      .select("agent_id")
      .where("tenant_id", "=", queue.tenant_id)
      .where("agent_id", "=", agentId)
      .executeTakeFirst();
    if (!serves) throw new RoutingError("illegal", "agent does not serve this tenant");
    if (member) {
      await trx
        .insertInto("agent_queue_assignments")
        .values({ tenant_id: queue.tenant_id, queue_id: queueId, agent_id: agentId })
        .onConflict((oc) => oc.columns(["tenant_id", "queue_id", "agent_id"]).doNothing())
        .execute();
    } else {
      await trx.deleteFrom("agent_queue_assignments").where("tenant_id", "=", queue.tenant_id).where("queue_id", "=", queueId).where("agent_id", "=", agentId).execute();
    }
    await recordAudit(trx, {
      tenantId: queue.tenant_id,
      actor,
      ip: actor.ip,
      action: member ? "queue.agent.added" : "queue.agent.removed",
      target: { type: "queue", id: queueId },
      data: { agentId, queue: queue.name },
    });
  });
}
