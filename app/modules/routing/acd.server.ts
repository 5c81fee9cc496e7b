import { randomUUID } from "node:crypto";
import { sql, type RawBuilder } from "kysely";
import { appendEvents } from "../interactions/events.server";
import { logger } from "../platform/logger.server";
import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import { IllegalTransition, transition, type AgentEvent, type AgentState } from "./agent-state";
import { notifyAfterCommit, type RoutingNotice } from "./notify.server";
import { DEFAULT_PROFICIENCY, isEligible, type AgentCandidate, type WaitingContact } from "./policy";

/**
 * The ACD in Postgres: contacts wait in routing_contacts, agents' live states are agent_states rows,
 * and every match claims both rows with FOR UPDATE SKIP LOCKED inside one transaction. Any number of
 * web and worker processes may run these functions at once: a contact row is offered by whoever
 * holds its lock, an agent row is given a contact by whoever holds its lock, and SKIP LOCKED means no
 * matcher waits on anyone, so there are no deadlocks either. A match a lock made someone skip is
 * picked up by the next trigger or the timer's sweep (workers/), within a second.
 *
 * Where a transaction must wait for a lock (accept, reject, hang-up, wrap-up), it takes the agent's
 * row before the contact's row, always.
 *
 * The policy (policy.ts) is the definition of who gets what; the SQL here implements the same
 * eligibility and order so that a match locks exactly the one row it takes (locking a batch of
 * candidates costs a WAL record per row). tests/integration/routing.policy-sql.test.ts checks on
 * random floors that the SQL picks what the pure policy picks, and every match re-checks its pair
 * with the policy before offering.
 *
 * The hot path is a handful of statements per transaction: each writing step (offer, accept, end,
 * wrap-up) is one statement of data-modifying CTEs, the interaction numbering its events itself
 * (interactions.event_seq), and the enqueue and the wrap-up match in their own transaction.
 *
 * Routing is system work across tenants (a freed agent serves all its tenants), so it runs in bureau
 * scope; every function takes the tenant explicitly and filters on it.
 */

export type RoutingErrorKey = "unknownQueue" | "notFound" | "illegal" | "noOffer" | "notOnContact" | "dispositionRequired";

export class RoutingError extends Error {
  constructor(
    public readonly key: RoutingErrorKey,
    message?: string,
  ) {
    super(message ?? `routing: ${key}`);
  }
}

export interface Offer {
  contactId: string;
  tenantId: string;
  interactionId: string;
  queueId: string;
  agentId: string;
  expiresAt: Date;
  /** The agent answers offers automatically (read with the agent row the match already locked). */
  autoAnswer: boolean;
}

export interface ContactRow {
  id: string;
  tenant_id: string;
  interaction_id: string;
  queue_id: string;
  priority: number;
  enqueued_at: Date;
  sl_threshold_seconds: number;
  required_skills: string[];
  min_proficiency: number;
  language: string | null;
}

const CONTACT_COLUMNS = sql.raw(
  "rc.id, rc.tenant_id, rc.interaction_id, rc.queue_id, rc.priority, rc.enqueued_at, rc.sl_threshold_seconds, rc.required_skills, rc.min_proficiency, rc.language",
);

function toWaiting(r: ContactRow): WaitingContact {
  return {
    contactId: r.id,
    tenantId: r.tenant_id,
    queueId: r.queue_id,
    priority: r.priority,
    enqueuedAt: r.enqueued_at.getTime(),
    slThresholdSeconds: r.sl_threshold_seconds,
    requiredSkills: r.required_skills,
    minProficiency: r.min_proficiency,
    language: r.language,
  };
}

/** An agent as the matcher reads it, with its row locked. */
export interface AgentRow {
  agent_id: string;
  state: string;
  idle_since: Date | null;
  skills: string[];
  languages: string[];
  proficiency: unknown;
  auto_answer: boolean;
  /** The tenant the agent is a dedicated seat of, if any. */
  dedicated_to: string | null;
}

function toCandidate(r: AgentRow, queueIds: string[]): AgentCandidate {
  return {
    agentId: r.agent_id,
    state: r.state,
    idleSince: r.idle_since?.getTime() ?? 0,
    queueIds,
    skills: r.skills,
    languages: r.languages,
    proficiency: (r.proficiency ?? {}) as Record<string, number>,
    dedicatedTo: r.dedicated_to,
  };
}

/** The tenant an agent is dedicated to (at most one: a partial unique index), as a column of its row. */
const DEDICATED_TO = sql.raw("(select d.tenant_id from agent_assignments d where d.agent_id = s.agent_id and d.dedicated) as dedicated_to");

/** Makes sure the agent has a live-state row (offline) so it can be locked. */
async function ensureAgentRow(trx: Trx, agentId: string) {
  await trx.insertInto("agent_states").values({ agent_id: agentId }).onConflict((oc) => oc.column("agent_id").doNothing()).execute();
}

export async function recordAgentState(
  trx: Trx,
  agentId: string,
  previous: string | null,
  next: AgentState,
  opts: { reason?: string | null; actorUserId?: string | null; data?: Record<string, unknown> } = {},
) {
  await trx
    .insertInto("agent_state_events")
    .values({
      agent_id: agentId,
      state: next,
      previous,
      reason: opts.reason ?? null,
      actor_user_id: opts.actorUserId ?? null,
      data: JSON.stringify(opts.data ?? {}),
    })
    .execute();
}

/**
 * "Has every required skill at the minimum level": a skill without a level counts as
 * DEFAULT_PROFICIENCY (policy.ts). Levels are 1..5, so a minimum of 1 needs no check.
 */
function proficiencyOk(proficiency: RawBuilder<unknown>, skills: RawBuilder<unknown>, minimum: RawBuilder<unknown>) {
  return sql<boolean>`(${minimum} <= 1 or not exists (
    select 1 from unnest(${skills}) as r(skill) where coalesce((${proficiency} ->> r.skill)::int, ${sql.lit(DEFAULT_PROFICIENCY)}) < ${minimum}))`;
}

/**
 * The eligible available agent idle longest for a contact, locked (SKIP LOCKED: one another
 * transaction holds is passed over). Null when none is free right now.
 */
async function lockAgentFor(trx: Trx, contact: ContactRow): Promise<AgentRow | null> {
  const skills = sql`${contact.required_skills}::text[]`;
  const filters: RawBuilder<unknown>[] = [];
  if (contact.required_skills.length > 0) {
    filters.push(sql`a.skills @> ${skills}`);
    if (contact.min_proficiency > 1) filters.push(proficiencyOk(sql`a.proficiency`, skills, sql`${contact.min_proficiency}::int`));
  }
  if (contact.language !== null) filters.push(sql`${contact.language}::text = any(a.languages)`);
  const { rows } = await sql<AgentRow>`/* hk:routing-agent-for */
    select s.agent_id, s.state, s.idle_since, a.skills, a.languages, a.proficiency, a.auto_answer, ${DEDICATED_TO}
    from agent_queue_assignments q
    join agent_states s on s.agent_id = q.agent_id
    join agents a on a.user_id = q.agent_id
    where q.tenant_id = ${contact.tenant_id} and q.queue_id = ${contact.queue_id} and s.state = 'available'
      and not exists (select 1 from agent_assignments d where d.agent_id = q.agent_id and d.dedicated and d.tenant_id <> q.tenant_id)
      ${filters.length ? sql`and ${sql.join(filters, sql` and `)}` : sql``}
    order by s.idle_since asc nulls first, s.agent_id
    limit 1
    for update of s skip locked`.execute(trx);
  return rows[0] ?? null;
}

/**
 * The best waiting contact for an agent across every tenant and queue it serves (priority, then SLA
 * urgency, then age), locked with SKIP LOCKED. Null when nothing it may take is waiting.
 */
async function lockContactFor(trx: Trx, agent: AgentRow): Promise<ContactRow | null> {
  const { rows } = await sql<ContactRow>`/* hk:routing-contact-for */
    select ${CONTACT_COLUMNS}
    from agent_queue_assignments q
    join routing_contacts rc on rc.tenant_id = q.tenant_id and rc.queue_id = q.queue_id and rc.status = 'waiting'
    where q.agent_id = ${agent.agent_id}
      and (${agent.dedicated_to}::uuid is null or rc.tenant_id = ${agent.dedicated_to}::uuid)
      and rc.required_skills <@ ${agent.skills}::text[]
      and (rc.language is null or rc.language = any(${agent.languages}::text[]))
      and (cardinality(rc.required_skills) = 0 or ${proficiencyOk(sql`${JSON.stringify(agent.proficiency ?? {})}::jsonb`, sql`rc.required_skills`, sql`rc.min_proficiency`)})
    order by rc.priority desc,
      greatest(0, extract(epoch from now() - rc.enqueued_at)) / greatest(1, rc.sl_threshold_seconds) desc,
      rc.enqueued_at, rc.id
    limit 1
    for update of rc skip locked`.execute(trx);
  return rows[0] ?? null;
}

/**
 * The policy's word on a pair the SQL chose. They are the same rules; a disagreement is a bug, and
 * offering nothing (the sweep retries) is safer than an offer the policy forbids.
 */
function policyAgrees(agent: AgentRow, contact: ContactRow): boolean {
  const ok = isEligible(toCandidate({ ...agent, state: "available" }, [contact.queue_id]), toWaiting(contact));
  if (!ok) logger.error({ agentId: agent.agent_id, contactId: contact.id }, "routing: the matcher's SQL chose a pair the policy refuses");
  return ok;
}

/**
 * Puts the pair together in one statement: the contact is offered, the agent rings, the agent's
 * state event and the interaction's event are written. Both rows are locked by the caller.
 */
async function makeOffer(trx: Trx, contact: ContactRow, agent: AgentRow, notices: RoutingNotice[], previous: AgentState = "available"): Promise<Offer> {
  const { rows } = await sql<{ offer_expires_at: Date }>`/* hk:routing-offer */
    with offered as (
      update routing_contacts rc
      set status = 'offered', offered_agent_id = ${agent.agent_id}, offered_at = now(),
        offer_expires_at = now() + make_interval(secs => q.offer_timeout_seconds)
      from queues q
      where q.tenant_id = rc.tenant_id and q.id = rc.queue_id and rc.tenant_id = ${contact.tenant_id} and rc.id = ${contact.id}
      returning rc.offer_expires_at, q.offer_timeout_seconds
    ), ringing as (
      update agent_states
      set state = 'offered', since = now(), contact_tenant_id = ${contact.tenant_id}, contact_id = ${contact.id}, version = version + 1
      where agent_id = ${agent.agent_id}
    ), agent_event as (
      insert into agent_state_events (agent_id, state, previous, data)
      values (${agent.agent_id}, 'offered', ${previous}, ${JSON.stringify({ contactId: contact.id, tenantId: contact.tenant_id })}::jsonb)
    ), moved as (
      update interactions set state = 'offered', agent_id = ${agent.agent_id}, event_seq = event_seq + 1
      where tenant_id = ${contact.tenant_id} and id = ${contact.interaction_id}
      returning event_seq
    ), event as (
      insert into interaction_events (tenant_id, interaction_id, seq, type, data)
      select ${contact.tenant_id}, ${contact.interaction_id}, moved.event_seq, 'routing.offered',
        jsonb_build_object('contactId', ${contact.id}::text, 'agentId', ${agent.agent_id}::text, 'timeoutSeconds', offered.offer_timeout_seconds)
      from moved, offered
    )
    select offer_expires_at from offered`.execute(trx);
  if (!rows[0]) throw new RoutingError("notFound", "the contact's queue is gone");
  const offer: Offer = {
    contactId: contact.id,
    tenantId: contact.tenant_id,
    interactionId: contact.interaction_id,
    queueId: contact.queue_id,
    agentId: agent.agent_id,
    expiresAt: rows[0].offer_expires_at,
    autoAnswer: agent.auto_answer,
  };
  notices.push({ kind: "offer", offer }, { kind: "queue", tenantId: contact.tenant_id, queueId: contact.queue_id });
  return offer;
}

/** Inside a transaction that holds the contact: offers it to the best free agent, if any. */
async function offerContactIn(trx: Trx, contact: ContactRow, notices: RoutingNotice[]): Promise<Offer | null> {
  const agent = await lockAgentFor(trx, contact);
  if (!agent || !policyAgrees(agent, contact)) return null;
  return makeOffer(trx, contact, agent, notices);
}

/**
 * Inside a transaction that holds the agent's row, now available: gives it the best waiting contact.
 * `previous` is the state the agent's offer event records it coming from (the state it was in
 * before this transaction made it available, when it did).
 */
export async function offerAgentIn(trx: Trx, agent: AgentRow, notices: RoutingNotice[]): Promise<Offer | null> {
  const contact = await lockContactFor(trx, agent);
  if (!contact || !policyAgrees(agent, contact)) return null;
  return makeOffer(trx, contact, agent, notices);
}

/**
 * Tries to offer one waiting contact to the eligible available agent idle longest. Null when the
 * contact is no longer waiting, is being handled by another process, or no agent fits right now.
 */
export async function matchContact(tenantId: string, contactId: string): Promise<Offer | null> {
  const notices: RoutingNotice[] = [];
  const offer = await withBureauScope(async (trx) => {
    const { rows } = await sql<ContactRow>`/* hk:routing-lock-contact */
      select ${CONTACT_COLUMNS} from routing_contacts rc
      where rc.tenant_id = ${tenantId} and rc.id = ${contactId} and rc.status = 'waiting'
      for update skip locked`.execute(trx);
    return rows[0] ? offerContactIn(trx, rows[0], notices) : null;
  });
  notifyAfterCommit(notices);
  return offer;
}

const AGENT_COLUMNS = sql.join([sql.raw("s.agent_id, s.state, s.idle_since, a.skills, a.languages, a.proficiency, a.auto_answer"), DEDICATED_TO]);

/**
 * Gives an available agent the best waiting contact across every tenant and queue it serves: highest
 * priority, then SLA urgency, then oldest. Null when the agent is not available (or another process
 * holds it) or nothing it may take is waiting.
 */
export async function matchAgent(agentId: string): Promise<Offer | null> {
  const notices: RoutingNotice[] = [];
  const offer = await withBureauScope(async (trx) => {
    const { rows } = await sql<AgentRow>`/* hk:routing-lock-agent */
      select ${AGENT_COLUMNS} from agent_states s join agents a on a.user_id = s.agent_id
      where s.agent_id = ${agentId} and s.state = 'available'
      for update of s skip locked`.execute(trx);
    return rows[0] ? offerAgentIn(trx, rows[0], notices) : null;
  });
  notifyAfterCommit(notices);
  return offer;
}

export interface EnqueueInput {
  tenantId: string;
  interactionId: string;
  /** The queue's key, as an IVR queue node names it. */
  queueKey: string;
  /** "campaign": an answered outbound campaign call (or a preview reservation), abandoned by the dialer, never overflowed. */
  kind?: "call" | "callback" | "campaign";
  /** Keep the original wait when a contact moves (overflow, transfer): the enqueue time to carry over. */
  enqueuedAt?: Date;
}

/**
 * Puts an interaction in a queue (idempotent: a repeated enqueue of a live contact returns it) and
 * offers it at once in the same transaction when an agent is free.
 */
export async function enqueue(input: EnqueueInput): Promise<{ contactId: string; duplicate: boolean; offer: Offer | null }> {
  const notices: RoutingNotice[] = [];
  const result = await withBureauScope(async (trx) => {
    const inserted = await insertContact(trx, input);
    if (inserted.duplicate) return { contactId: inserted.contactId, duplicate: true, offer: null };
    notices.push({ kind: "queue", tenantId: input.tenantId, queueId: inserted.queueId });
    const offer = await offerContactIn(trx, inserted.contact!, notices);
    return { contactId: inserted.contactId, duplicate: false, offer };
  });
  notifyAfterCommit(notices);
  return result;
}

/**
 * Offers a contact to one named agent (a transfer to a colleague) inside the caller's transaction,
 * which holds the contact. The agent row is claimed with SKIP LOCKED and must be available and serve
 * the contact's queue; otherwise RoutingError("illegal") and nothing is offered.
 */
export async function offerToAgent(trx: Trx, tenantId: string, contactId: string, agentId: string, notices: RoutingNotice[]): Promise<Offer> {
  const { rows: contacts } = await sql<ContactRow>`select ${CONTACT_COLUMNS} from routing_contacts rc where rc.tenant_id = ${tenantId} and rc.id = ${contactId}`.execute(trx);
  const contact = contacts[0];
  if (!contact) throw new RoutingError("notFound");
  const { rows } = await sql<AgentRow>`
    select ${AGENT_COLUMNS}
    from agent_states s
    join agent_queue_assignments q on q.agent_id = s.agent_id and q.tenant_id = ${tenantId} and q.queue_id = ${contact.queue_id}
    join agents a on a.user_id = s.agent_id
    where s.agent_id = ${agentId} and s.state = 'available'
      and not exists (select 1 from agent_assignments d where d.agent_id = s.agent_id and d.dedicated and d.tenant_id <> ${tenantId})
    for update of s skip locked`.execute(trx);
  if (!rows[0]) throw new RoutingError("illegal", "that agent is not available for this queue");
  return makeOffer(trx, contact, rows[0], notices);
}

/**
 * Inserts the contact with its interaction moved to "queued" and the routing.queued event, in one
 * statement; or finds the interaction's live contact (duplicate). `contact` is the new row.
 */
export async function insertContact(
  trx: Trx,
  input: EnqueueInput,
): Promise<{ contactId: string; duplicate: boolean; queueId: string; contact: ContactRow | null }> {
  const id = randomUUID();
  const kind = input.kind ?? "call";
  const enqueuedAt = input.enqueuedAt ?? null;
  const { rows } = await sql<{ queue_found: string | null; call_found: string | null } & Partial<ContactRow>>`/* hk:routing-enqueue */
    with q as (
      select id, priority, language, required_skills, min_proficiency, sl_threshold_seconds from queues
      where tenant_id = ${input.tenantId} and key = ${input.queueKey}
    ), ix as (
      select id, language from interactions where tenant_id = ${input.tenantId} and id = ${input.interactionId}
    ), ins as (
      insert into routing_contacts (tenant_id, id, interaction_id, queue_id, kind, priority, language, required_skills, min_proficiency, sl_threshold_seconds, enqueued_at)
      -- The queue's language when it has one, else the caller's (chosen in the IVR).
      select ${input.tenantId}, ${id}, ix.id, q.id, ${kind}, q.priority, coalesce(q.language, ix.language), q.required_skills, q.min_proficiency,
        q.sl_threshold_seconds, coalesce(${enqueuedAt}::timestamptz, now())
      from q, ix
      on conflict (tenant_id, interaction_id) where status in ('waiting', 'offered', 'connected') do nothing
      returning *
    ), moved as (
      update interactions set state = 'queued', queue_id = ins.queue_id, queued_at = ins.enqueued_at, event_seq = event_seq + 1
      from ins where interactions.tenant_id = ${input.tenantId} and interactions.id = ${input.interactionId}
      returning event_seq
    ), event as (
      insert into interaction_events (tenant_id, interaction_id, seq, type, data)
      select ${input.tenantId}, ${input.interactionId}, moved.event_seq, 'routing.queued',
        jsonb_build_object('contactId', ${id}::text, 'queueId', ins.queue_id, 'queueKey', ${input.queueKey}::text, 'kind', ${kind}::text)
      from moved, ins
    )
    select (select id from q) as queue_found, (select id from ix) as call_found,
      ins.id, ins.tenant_id, ins.interaction_id, ins.queue_id, ins.priority, ins.enqueued_at, ins.sl_threshold_seconds, ins.required_skills, ins.min_proficiency, ins.language
    from (select 1) as one left join ins on true`.execute(trx);
  const row = rows[0]!;
  if (!row.queue_found) throw new RoutingError("unknownQueue", `unknown queue ${input.queueKey}`);
  if (!row.call_found) throw new RoutingError("notFound");
  if (row.id) return { contactId: row.id, duplicate: false, queueId: row.queue_id!, contact: row as ContactRow };
  const live = await trx
    .selectFrom("routing_contacts")
    .select(["id", "queue_id"])
    .where("tenant_id", "=", input.tenantId)
    .where("interaction_id", "=", input.interactionId)
    .where("status", "in", ["waiting", "offered", "connected"])
    .executeTakeFirstOrThrow();
  return { contactId: live.id, duplicate: true, queueId: live.queue_id, contact: null };
}

/**
 * Moves an agent through the state machine (the desktop's status control, a supervisor). Going
 * available starts the idle clock and offers the agent a waiting contact in the same transaction.
 */
export async function changeAgentState(
  agentId: string,
  event: Extract<AgentEvent, { type: "goAvailable" | "goBreak" | "goOffline" | "finishWrapUp" }>,
  actorUserId: string | null,
): Promise<{ state: AgentState; offer: Offer | null }> {
  const notices: RoutingNotice[] = [];
  const result = await withBureauScope(async (trx) => {
    await ensureAgentRow(trx, agentId);
    const { rows } = await sql<AgentRow>`
      select ${AGENT_COLUMNS} from agent_states s join agents a on a.user_id = s.agent_id
      where s.agent_id = ${agentId} for update of s`.execute(trx);
    const row = rows[0];
    if (!row) throw new RoutingError("notFound");
    const from = row.state as AgentState;
    let next: AgentState;
    try {
      next = transition(from, event);
    } catch (error) {
      if (error instanceof IllegalTransition) throw new RoutingError("illegal", error.message);
      throw error;
    }
    const reason = event.type === "goBreak" ? event.reason : null;
    await trx
      .updateTable("agent_states")
      .set({
        state: next,
        reason,
        since: sql`now()`,
        idle_since: next === "available" ? sql`now()` : null,
        contact_tenant_id: null,
        contact_id: null,
        wrapup_until: null,
        version: sql`version + 1`,
      })
      .where("agent_id", "=", agentId)
      .execute();
    await recordAgentState(trx, agentId, from, next, { reason, actorUserId });
    notices.push({ kind: "agent", agentId, state: next, reason });
    const offer = next === "available" ? await offerAgentIn(trx, { ...row, state: "available", idle_since: new Date() }, notices) : null;
    return { state: next, offer };
  });
  notifyAfterCommit(notices);
  return result;
}

/** Offers whose ring time ran out go back to their queue at their original position; the agent is "missed". */
export async function expireOffers(limit = 100): Promise<number> {
  const notices: RoutingNotice[] = [];
  const expired = await withBureauScope(async (trx) => {
    const due = await trx
      .selectFrom("routing_contacts as rc")
      .select(["rc.offered_agent_id"])
      .where("rc.status", "=", "offered")
      .where("rc.offer_expires_at", "<", sql<Date>`now()`)
      .orderBy("rc.offer_expires_at")
      .limit(limit)
      .execute();
    const agentIds = [...new Set(due.map((d) => d.offered_agent_id).filter((id): id is string => id !== null))];
    if (agentIds.length === 0) return 0;
    // Agent rows first (the lock order everywhere); an agent another process holds is left for the next sweep.
    const held = await trx.selectFrom("agent_states").select("agent_id").where("agent_id", "in", agentIds).forUpdate().skipLocked().execute();
    if (held.length === 0) return 0;
    const rows = await trx
      .selectFrom("routing_contacts as rc")
      .select(["rc.id", "rc.tenant_id", "rc.interaction_id", "rc.queue_id", "rc.offered_agent_id"])
      .where("rc.status", "=", "offered")
      .where("rc.offer_expires_at", "<", sql<Date>`now()`)
      .where("rc.offered_agent_id", "in", held.map((h) => h.agent_id))
      .forUpdate()
      .skipLocked()
      .execute();
    for (const r of rows) await returnToQueue(trx, r, "timeout", notices);
    return rows.length;
  });
  notifyAfterCommit(notices);
  return expired;
}

async function returnToQueue(
  trx: Trx,
  r: { id: string; tenant_id: string; interaction_id: string; queue_id: string; offered_agent_id: string | null },
  why: "timeout" | "rejected",
  notices: RoutingNotice[],
) {
  // enqueued_at is untouched: the contact goes back to its original position.
  await trx
    .updateTable("routing_contacts")
    .set({ status: "waiting", offered_agent_id: null, offered_at: null, offer_expires_at: null, missed_count: sql`missed_count + 1` })
    .where("tenant_id", "=", r.tenant_id)
    .where("id", "=", r.id)
    .execute();
  await trx.updateTable("interactions").set({ state: "queued", agent_id: null }).where("tenant_id", "=", r.tenant_id).where("id", "=", r.interaction_id).execute();
  await appendEvents(trx, r.tenant_id, r.interaction_id, [{ type: "routing.offerMissed", data: { contactId: r.id, agentId: r.offered_agent_id, why } }]);
  if (r.offered_agent_id) {
    const agent = await trx
      .updateTable("agent_states")
      .set({ state: "missed", since: sql`now()`, idle_since: null, contact_tenant_id: null, contact_id: null, version: sql`version + 1` })
      .where("agent_id", "=", r.offered_agent_id)
      .where("state", "=", "offered")
      .where("contact_id", "=", r.id)
      .returning("agent_id")
      .executeTakeFirst();
    if (agent) {
      await recordAgentState(trx, r.offered_agent_id, "offered", "missed", { reason: why, data: { contactId: r.id } });
      notices.push({ kind: "agent", agentId: r.offered_agent_id, state: "missed", reason: why });
    }
  }
  notices.push({ kind: "withdrawn", agentId: r.offered_agent_id, contactId: r.id }, { kind: "queue", tenantId: r.tenant_id, queueId: r.queue_id });
}

/** The agent turns an offer down: same as a timeout, at once. */
export async function rejectOffer(agentId: string, contactId: string): Promise<void> {
  const notices: RoutingNotice[] = [];
  await withBureauScope(async (trx) => {
    const agent = await trx.selectFrom("agent_states").select(["state", "contact_tenant_id"]).where("agent_id", "=", agentId).forUpdate().executeTakeFirst();
    if (!agent?.contact_tenant_id) throw new RoutingError("noOffer");
    const r = await trx
      .selectFrom("routing_contacts")
      .select(["id", "tenant_id", "interaction_id", "queue_id", "offered_agent_id"])
      .where("tenant_id", "=", agent.contact_tenant_id)
      .where("id", "=", contactId)
      .where("status", "=", "offered")
      .where("offered_agent_id", "=", agentId)
      .forUpdate()
      .executeTakeFirst();
    if (!r) throw new RoutingError("noOffer");
    await returnToQueue(trx, r, "rejected", notices);
  });
  notifyAfterCommit(notices);
}

/**
 * The agent takes the offered contact: contact connected, agent busy, the interaction records who
 * answered and when; one statement, agent row first (the contact's update joins the agent's). The
 * telephony bridge happens after this commits (the caller is the adapter).
 */
export async function acceptOffer(agentId: string, contactId: string): Promise<{ tenantId: string; interactionId: string; queueId: string }> {
  const notices: RoutingNotice[] = [];
  const accepted = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; interaction_id: string; queue_id: string }>`/* hk:routing-accept */
      with agent as (
        update agent_states set state = 'busy', since = now(), version = version + 1
        where agent_id = ${agentId} and state = 'offered' and contact_id = ${contactId}
        returning contact_tenant_id
      ), contact as (
        update routing_contacts rc set status = 'connected', connected_at = now()
        from agent
        where rc.tenant_id = agent.contact_tenant_id and rc.id = ${contactId} and rc.status = 'offered' and rc.offered_agent_id = ${agentId}
        returning rc.tenant_id, rc.interaction_id, rc.queue_id
      ), agent_event as (
        insert into agent_state_events (agent_id, state, previous, data)
        select ${agentId}, 'busy', 'offered', jsonb_build_object('contactId', ${contactId}::text) from contact
      ), moved as (
        update interactions i set state = 'connected', answered_at = now(), agent_id = ${agentId}, event_seq = event_seq + 1
        from contact where i.tenant_id = contact.tenant_id and i.id = contact.interaction_id
        returning i.tenant_id, i.id, i.event_seq
      ), event as (
        insert into interaction_events (tenant_id, interaction_id, seq, type, data)
        select moved.tenant_id, moved.id, moved.event_seq, 'routing.connected', jsonb_build_object('contactId', ${contactId}::text, 'agentId', ${agentId}::text)
        from moved
      )
      select tenant_id, interaction_id, queue_id from contact`.execute(trx);
    // Nothing matched (no such offer, or not this agent's): the transaction rolls back whatever did.
    const contact = rows[0];
    if (!contact) throw new RoutingError("noOffer");
    notices.push({ kind: "agent", agentId, state: "busy", reason: null }, { kind: "queue", tenantId: contact.tenant_id, queueId: contact.queue_id });
    return { tenantId: contact.tenant_id, interactionId: contact.interaction_id, queueId: contact.queue_id };
  });
  notifyAfterCommit(notices);
  return accepted;
}

/**
 * Waiting contacts that some eligible agent is free for right now (policy order): the only ones a
 * retry can offer. A floor with a long queue and no one free costs the sweep one query, not a
 * transaction per waiting contact.
 */
export async function matchableContacts(limit: number, tenantIds?: readonly string[]): Promise<{ tenant_id: string; id: string }[]> {
  return withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string }>`/* hk:routing-matchable */
      select rc.tenant_id, rc.id from routing_contacts rc
      where rc.status = 'waiting'
        ${tenantIds ? sql`and rc.tenant_id = any(${[...tenantIds]}::uuid[])` : sql``}
        and exists (
          select 1 from agent_queue_assignments q
          join agent_states s on s.agent_id = q.agent_id
          join agents a on a.user_id = q.agent_id
          where q.tenant_id = rc.tenant_id and q.queue_id = rc.queue_id and s.state = 'available'
            and not exists (select 1 from agent_assignments d where d.agent_id = q.agent_id and d.dedicated and d.tenant_id <> q.tenant_id)
            and a.skills @> rc.required_skills
            and (rc.language is null or rc.language = any(a.languages))
            and (cardinality(rc.required_skills) = 0 or ${proficiencyOk(sql`a.proficiency`, sql`rc.required_skills`, sql`rc.min_proficiency`)}))
      order by rc.priority desc, rc.enqueued_at, rc.id
      limit ${limit}`.execute(trx);
    return rows;
  });
}
