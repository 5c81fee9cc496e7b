import { sql } from "kysely";
import { readCustomer360, type Customer360 } from "../customers/customers.server";
import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import type { AgentState } from "../routing/agent-state";
import { campaignForInteraction, type DesktopCampaign } from "../campaigns/desktop.server";

/**
 * What the agent desktop shows, read in one transaction: the agent's live state, its queues across
 * every tenant it serves, the offer ringing or the contact in hand with the tenant's script, the
 * customer's 360 view and the tenant's dispositions, and (for team leaders) escalations waiting.
 *
 * It is a bureau-scope read (an agent works for several tenants at once) restricted to what this
 * agent is assigned to or holds: queues through agent_queue_assignments, the contact through the
 * agent's own live-state row.
 */

export interface DesktopQueue {
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  brandColor: string;
  queueId: string;
  queueKey: string;
  queueName: string;
  waiting: number;
  longestWaitSeconds: number;
  slThresholdSeconds: number;
}

export interface DispositionOption {
  id: string;
  code: string;
  name: string;
  resolved: boolean;
  parentName: string | null;
}

export interface DesktopContact {
  contactId: string;
  interactionId: string;
  kind: string;
  status: string;
  tenant: { id: string; name: string; slug: string; brandColor: string };
  queue: { id: string; key: string; name: string; wrapupSeconds: number };
  direction: string;
  from: string | null;
  to: string | null;
  language: string;
  ivrPath: string[];
  variables: Record<string, string>;
  enqueuedAt: string;
  connectedAt: string | null;
  offerExpiresAt: string | null;
  notes: { body: string; author: string; at: string }[];
  customer: Customer360 | null;
  script: unknown | null;
  dispositions: DispositionOption[];
  transferQueues: { key: string; name: string }[];
  /** Colleagues available right now for the contact's queue (a transfer to a named agent). */
  transferAgents: { id: string; name: string }[];
  /** A campaign call: the campaign, the list's contact and its fields (kind "campaign"). */
  campaign: DesktopCampaign | null;
}

export interface Escalation {
  agentId: string;
  agentName: string;
  since: string;
  contact: DesktopContact;
}

export interface DesktopSnapshot {
  agent: { id: string; name: string; state: AgentState; reason: string | null; since: string; wrapupUntil: string | null; isAgent: boolean };
  queues: DesktopQueue[];
  contact: DesktopContact | null;
  escalations: Escalation[];
  now: string;
}

export async function desktopSnapshot(userId: string, opts: { withEscalations: boolean }): Promise<DesktopSnapshot> {
  return withBureauScope(async (trx) => {
    const user = await trx.selectFrom("users").select(["name"]).where("id", "=", userId).executeTakeFirstOrThrow();
    const isAgent = !!(await trx.selectFrom("agents").select("user_id").where("user_id", "=", userId).executeTakeFirst());
    const state = await trx.selectFrom("agent_states").selectAll().where("agent_id", "=", userId).executeTakeFirst();
    const { rows: nowRows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
    const queues = await agentQueues(trx, userId);
    const contact = state?.contact_id && state.contact_tenant_id ? await readContact(trx, state.contact_tenant_id, state.contact_id) : null;
    const escalations = opts.withEscalations ? await openEscalations(trx, userId) : [];
    return {
      agent: {
        id: userId,
        name: user.name,
        state: (state?.state ?? "offline") as AgentState,
        reason: state?.reason ?? null,
        since: (state?.since ?? nowRows[0]!.now).toISOString(),
        wrapupUntil: state?.wrapup_until?.toISOString() ?? null,
        isAgent,
      },
      queues,
      contact,
      escalations,
      now: nowRows[0]!.now.toISOString(),
    };
  });
}

async function agentQueues(trx: Trx, agentId: string): Promise<DesktopQueue[]> {
  const rows = await trx
    .selectFrom("agent_queue_assignments as a")
    .innerJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "a.tenant_id").onRef("q.id", "=", "a.queue_id"))
    .innerJoin("tenants as t", "t.id", "a.tenant_id")
    .leftJoin("routing_contacts as rc", (j) => j.onRef("rc.tenant_id", "=", "q.tenant_id").onRef("rc.queue_id", "=", "q.id").on("rc.status", "=", "waiting"))
    .select([
      "q.tenant_id",
      "t.name as tenant_name",
      "t.slug as tenant_slug",
      "t.brand_color",
      "q.id",
      "q.key",
      "q.name",
      "q.sl_threshold_seconds",
      sql<number>`count(rc.id)::int`.as("waiting"),
      sql<number>`coalesce(extract(epoch from now() - min(rc.enqueued_at)), 0)::int`.as("longest"),
    ])
    .where("a.agent_id", "=", agentId)
    .where("t.status", "=", "active")
    .groupBy(["q.tenant_id", "t.name", "t.slug", "t.brand_color", "q.id", "q.key", "q.name", "q.sl_threshold_seconds"])
    .orderBy("t.name")
    .orderBy("q.name")
    .execute();
  return rows.map((r) => ({
    tenantId: r.tenant_id,
    tenantName: r.tenant_name,
    tenantSlug: r.tenant_slug,
    brandColor: r.brand_color,
    queueId: r.id,
    queueKey: r.key,
    queueName: r.name,
    waiting: r.waiting,
    longestWaitSeconds: r.longest,
    slThresholdSeconds: r.sl_threshold_seconds,
  }));
}

export async function readContact(trx: Trx, tenantId: string, contactId: string): Promise<DesktopContact | null> {
  const row = await trx
    .selectFrom("routing_contacts as rc")
    .innerJoin("interactions as i", (j) => j.onRef("i.tenant_id", "=", "rc.tenant_id").onRef("i.id", "=", "rc.interaction_id"))
    .innerJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "rc.tenant_id").onRef("q.id", "=", "rc.queue_id"))
    .innerJoin("tenants as t", "t.id", "rc.tenant_id")
    .select([
      "rc.id",
      "rc.kind",
      "rc.status",
      "rc.enqueued_at",
      "rc.connected_at",
      "rc.offer_expires_at",
      "i.id as interaction_id",
      "i.direction",
      "i.from_number",
      "i.to_number",
      "i.language",
      "i.ivr_state",
      "i.variables",
      "i.customer_id",
      "q.id as queue_id",
      "q.key as queue_key",
      "q.name as queue_name",
      "q.wrapup_seconds",
      "t.name as tenant_name",
      "t.slug as tenant_slug",
      "t.brand_color",
    ])
    .where("rc.tenant_id", "=", tenantId)
    .where("rc.id", "=", contactId)
    .executeTakeFirst();
  if (!row) return null;
  const ivr = row.ivr_state as { path?: { nodeId: string }[] } | null;
  const notes = await trx
    .selectFrom("interaction_notes")
    .select(["body", "author_label", "created_at"])
    .where("tenant_id", "=", tenantId)
    .where("interaction_id", "=", row.interaction_id)
    .orderBy("created_at")
    .execute();
  const script = await trx
    .selectFrom("scripts as s")
    .innerJoin("script_versions as v", (j) => j.onRef("v.tenant_id", "=", "s.tenant_id").onRef("v.script_id", "=", "s.id").on("v.status", "=", "published"))
    .select(["v.definition"])
    .where("s.tenant_id", "=", tenantId)
    .where("s.queue_id", "=", row.queue_id)
    .executeTakeFirst();
  const dispositions = await trx
    .selectFrom("dispositions as d")
    .leftJoin("dispositions as p", (j) => j.onRef("p.tenant_id", "=", "d.tenant_id").onRef("p.id", "=", "d.parent_id"))
    .select(["d.id", "d.code", "d.name", "d.resolved", "p.name as parent_name", "d.parent_id"])
    .where("d.tenant_id", "=", tenantId)
    .where("d.active", "=", true)
    .orderBy(sql`coalesce(p.sort, d.sort)`)
    .orderBy(sql`coalesce(p.name, d.name)`)
    .orderBy("d.sort")
    .orderBy("d.name")
    .execute();
  const campaign = row.kind === "campaign" ? await campaignForInteraction(trx, tenantId, row.interaction_id) : null;
  // Only outcomes are chosen: a reason with outcomes under it is a group, not an answer.
  const parents = new Set(dispositions.map((d) => d.parent_id).filter(Boolean));
  const transferQueues = await trx
    .selectFrom("queues")
    .select(["key", "name"])
    .where("tenant_id", "=", tenantId)
    .where("id", "<>", row.queue_id)
    .orderBy("name")
    .execute();
  const transferAgents = await trx
    .selectFrom("agent_queue_assignments as a")
    .innerJoin("agent_states as s", "s.agent_id", "a.agent_id")
    .innerJoin("users as u", "u.id", "a.agent_id")
    .select(["u.id", "u.name"])
    .where("a.tenant_id", "=", tenantId)
    .where("a.queue_id", "=", row.queue_id)
    .where("s.state", "=", "available")
    .orderBy("u.name")
    .limit(50)
    .execute();
  return {
    contactId: row.id,
    interactionId: row.interaction_id,
    kind: row.kind,
    status: row.status,
    tenant: { id: tenantId, name: row.tenant_name, slug: row.tenant_slug, brandColor: row.brand_color },
    queue: { id: row.queue_id, key: row.queue_key, name: row.queue_name, wrapupSeconds: row.wrapup_seconds },
    direction: row.direction,
    from: row.from_number,
    to: row.to_number,
    language: row.language,
    ivrPath: ivr?.path?.map((p) => p.nodeId) ?? [],
    variables: (row.variables ?? {}) as Record<string, string>,
    enqueuedAt: row.enqueued_at.toISOString(),
    connectedAt: row.connected_at?.toISOString() ?? null,
    offerExpiresAt: row.offer_expires_at?.toISOString() ?? null,
    notes: notes.map((n) => ({ body: n.body, author: n.author_label, at: n.created_at.toISOString() })),
    customer: row.customer_id ? await readCustomer360(trx, tenantId, row.customer_id, { currentInteractionId: row.interaction_id }) : null,
    // A campaign brings its own script; without one the queue's plays.
    script: campaign?.script ?? script?.definition ?? null,
    dispositions: dispositions
      .filter((d) => !parents.has(d.id))
      .map((d) => ({ id: d.id, code: d.code, name: d.name, resolved: d.resolved, parentName: d.parent_name })),
    transferQueues,
    transferAgents,
    campaign,
  };
}

async function openEscalations(trx: Trx, leaderId: string): Promise<Escalation[]> {
  const rows = await trx
    .selectFrom("agent_states as s")
    .innerJoin("users as u", "u.id", "s.agent_id")
    .select(["s.agent_id", "u.name", "s.since", "s.contact_tenant_id", "s.contact_id"])
    .where("s.state", "=", "escalation")
    .where("s.agent_id", "<>", leaderId)
    .orderBy("s.since")
    .limit(20)
    .execute();
  const result: Escalation[] = [];
  for (const r of rows) {
    if (!r.contact_id || !r.contact_tenant_id) continue;
    const contact = await readContact(trx, r.contact_tenant_id, r.contact_id);
    if (contact) result.push({ agentId: r.agent_id, agentName: r.name, since: r.since.toISOString(), contact });
  }
  return result;
}
