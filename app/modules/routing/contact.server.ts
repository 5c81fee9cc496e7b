import { sql } from "kysely";
import { appendEvents, updateWithEvents } from "../interactions/events.server";
import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import { IllegalTransition, transition, type AgentEvent, type AgentState } from "./agent-state";
import { insertContact, matchAgent, matchContact, offerAgentIn, offerToAgent, RoutingError, type AgentRow, type Offer } from "./acd.server";
import { notifyAfterCommit, type RoutingNotice } from "./notify.server";

/**
 * A contact's life after an agent took it: hold, resume, escalate, transfer, end, wrap-up with a
 * disposition, and the caller hanging up at any point. Each function locks the agent's live state
 * (and the contact) in one transaction and moves both through their state machines together.
 */

export interface AgentContact {
  agentId: string;
  state: AgentState;
  tenantId: string;
  contactId: string;
  interactionId: string;
  queueId: string;
  /** The agent as the matcher reads it (skills, languages, proficiency), for the next offer. */
  agent: AgentRow;
}

/**
 * The agent's current contact, with the agent's row locked; RoutingError("notOnContact") when it has
 * none. Holding the agent row is what serializes changes to its contact: every transaction that waits
 * for routing locks takes the agent's row before the contact's (as in acd.server.ts), and the
 * contact's own updates below lock it in turn, so two transactions never wait on each other in
 * opposite orders. One statement: the agent, its profile (for the next match) and the contact.
 */
async function lockAgentContact(trx: Trx, agentId: string): Promise<AgentContact> {
  const read = () =>
    sql<{ state: string; contact_tenant_id: string | null; contact_id: string | null; rc_id: string | null; interaction_id: string | null; queue_id: string | null } & AgentRow>`/* hk:routing-agent-contact */
      select s.agent_id, s.state, s.idle_since, s.contact_tenant_id, s.contact_id, a.skills, a.languages, a.proficiency, a.auto_answer,
        (select d.tenant_id from agent_assignments d where d.agent_id = s.agent_id and d.dedicated) as dedicated_to,
        rc.id as rc_id, rc.interaction_id, rc.queue_id
      from agent_states s
      join agents a on a.user_id = s.agent_id
      left join routing_contacts rc on rc.tenant_id = s.contact_tenant_id and rc.id = s.contact_id
      where s.agent_id = ${agentId}
      for update of s`.execute(trx);
  let row = (await read()).rows[0];
  // After waiting for the lock, Postgres re-checks the agent's newest row against the contact row it
  // joined first; when the agent moved to another contact meanwhile, read again now that it is held.
  if (row && row.contact_id && row.rc_id !== row.contact_id) row = (await read()).rows[0];
  if (!row?.contact_id || !row.contact_tenant_id || !row.rc_id) throw new RoutingError("notOnContact");
  return {
    agentId,
    state: row.state as AgentState,
    tenantId: row.contact_tenant_id,
    contactId: row.rc_id,
    interactionId: row.interaction_id!,
    queueId: row.queue_id!,
    agent: row,
  };
}

function next(from: AgentState, event: AgentEvent): AgentState {
  try {
    return transition(from, event);
  } catch (error) {
    if (error instanceof IllegalTransition) throw new RoutingError("illegal", error.message);
    throw error;
  }
}

async function setAgent(
  trx: Trx,
  agentId: string,
  from: AgentState,
  to: AgentState,
  patch: Partial<{ contact_tenant_id: string | null; contact_id: string | null; wrapup_until: unknown; reason: string | null }>,
  notices: RoutingNotice[],
  data: Record<string, unknown> = {},
) {
  await trx
    .updateTable("agent_states")
    .set({
      state: to,
      since: sql`now()`,
      idle_since: to === "available" ? sql`now()` : null,
      version: sql`version + 1`,
      ...(patch as Record<string, never>),
    })
    .where("agent_id", "=", agentId)
    .execute();
  await trx
    .insertInto("agent_state_events")
    .values({ agent_id: agentId, state: to, previous: from, reason: patch.reason ?? null, data: JSON.stringify(data) })
    .execute();
  notices.push({ kind: "agent", agentId, state: to, reason: patch.reason ?? null });
}

async function setInteraction(trx: Trx, c: AgentContact, state: string, eventType: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  await updateWithEvents(
    trx,
    trx
      .updateTable("interactions")
      .set({ state, ...(extra as Record<string, never>) })
      .where("tenant_id", "=", c.tenantId)
      .where("id", "=", c.interactionId),
    c.tenantId,
    c.interactionId,
    [{ type: eventType, data }],
  );
}

async function withAgentContact<T>(agentId: string, fn: (trx: Trx, c: AgentContact, notices: RoutingNotice[]) => Promise<T>): Promise<T> {
  const notices: RoutingNotice[] = [];
  const result = await withBureauScope(async (trx) => fn(trx, await lockAgentContact(trx, agentId), notices));
  notifyAfterCommit(notices);
  return result;
}

export function holdContact(agentId: string) {
  return withAgentContact(agentId, async (trx, c, notices) => {
    await setAgent(trx, agentId, c.state, next(c.state, { type: "hold" }), {}, notices);
    await setInteraction(trx, c, "on_hold", "contact.held", { agentId });
  });
}

export function resumeContact(agentId: string) {
  return withAgentContact(agentId, async (trx, c, notices) => {
    await setAgent(trx, agentId, c.state, next(c.state, { type: "resume" }), {}, notices);
    await setInteraction(trx, c, "connected", "contact.resumed", { agentId });
  });
}

export async function addNote(trx: Trx, tenantId: string, interactionId: string, author: { userId: string; label: string }, body: string) {
  await trx
    .insertInto("interaction_notes")
    .values({ tenant_id: tenantId, interaction_id: interactionId, author_id: author.userId, author_label: author.label, body })
    .execute();
}

/** Escalates to the team leaders: the agent waits in "escalation" with the contact; the note travels with it. */
export function escalateContact(agentId: string, author: { userId: string; label: string }, note: string) {
  return withAgentContact(agentId, async (trx, c, notices) => {
    await setAgent(trx, agentId, c.state, next(c.state, { type: "escalate" }), {}, notices);
    if (note) await addNote(trx, c.tenantId, c.interactionId, author, note);
    await setInteraction(trx, c, "on_hold", "contact.escalated", { agentId, note });
    notices.push({ kind: "queue", tenantId: c.tenantId, queueId: c.queueId });
    return c;
  });
}

/**
 * A team leader answers an escalation: "return" hands the contact back to the agent (with advice in
 * a note); "takeOver" moves the contact to the team leader, and the agent goes to wrap-up.
 */
export async function resolveEscalation(
  leader: { userId: string; label: string },
  agentId: string,
  decision: "return" | "takeOver",
  note: string,
): Promise<AgentContact> {
  return withAgentContact(agentId, async (trx, c, notices) => {
    if (c.state !== "escalation") throw new RoutingError("illegal", "contact is not escalated");
    if (note) await addNote(trx, c.tenantId, c.interactionId, leader, note);
    if (decision === "return") {
      await setAgent(trx, agentId, c.state, next(c.state, { type: "returnEscalation" }), {}, notices);
      await setInteraction(trx, c, "connected", "contact.escalationReturned", { leaderId: leader.userId });
    } else {
      await setAgent(trx, agentId, c.state, next(c.state, { type: "end" }), { wrapup_until: await wrapupUntil(trx, c) }, notices);
      await setInteraction(trx, c, "connected", "contact.escalationTaken", { leaderId: leader.userId }, { escalated_to: leader.userId });
    }
    return c;
  });
}

async function wrapupUntil(trx: Trx, c: AgentContact) {
  const q = await trx.selectFrom("queues").select("wrapup_seconds").where("tenant_id", "=", c.tenantId).where("id", "=", c.queueId).executeTakeFirstOrThrow();
  return sql`now() + make_interval(secs => ${q.wrapup_seconds})`;
}

/** The agent ends the contact (or the caller hung up): the contact completes and the agent wraps up. */
export function endContact(agentId: string, why: "agent" | "caller" = "agent") {
  return withAgentContact(agentId, async (trx, c, notices) => {
    await endConnected(trx, c, why, notices);
    return c;
  });
}

/**
 * The contact ends and the agent wraps up, in one statement: the agent's wrap-up clock from the
 * queue's setting, its state event, the contact completed, the interaction in wrap-up with its event.
 */
async function endConnected(trx: Trx, c: AgentContact, why: string, notices: RoutingNotice[]) {
  const to = next(c.state, { type: "end" });
  await sql`/* hk:routing-end */
    with q as (
      select wrapup_seconds from queues where tenant_id = ${c.tenantId} and id = ${c.queueId}
    ), agent as (
      update agent_states
      set state = ${to}, since = now(), idle_since = null, version = version + 1,
        wrapup_until = now() + make_interval(secs => coalesce((select wrapup_seconds from q), 0))
      where agent_id = ${c.agentId}
    ), agent_event as (
      insert into agent_state_events (agent_id, state, previous, data)
      values (${c.agentId}, ${to}, ${c.state}, jsonb_build_object('contactId', ${c.contactId}::text, 'why', ${why}::text))
    ), contact as (
      update routing_contacts set status = 'completed', ended_at = now() where tenant_id = ${c.tenantId} and id = ${c.contactId}
    ), moved as (
      update interactions set state = 'wrap_up', wrapup_at = now(), event_seq = event_seq + 1
      where tenant_id = ${c.tenantId} and id = ${c.interactionId}
      returning event_seq
    )
    insert into interaction_events (tenant_id, interaction_id, seq, type, data)
    select ${c.tenantId}, ${c.interactionId}, moved.event_seq, 'contact.ended', jsonb_build_object('agentId', ${c.agentId}::text, 'why', ${why}::text)
    from moved`.execute(trx);
  notices.push({ kind: "agent", agentId: c.agentId, state: to, reason: null }, { kind: "queue", tenantId: c.tenantId, queueId: c.queueId });
}

export interface WrapUpInput {
  dispositionId: string;
  notes: string;
  /** Schedule a callback to the customer at this time. */
  callbackAt?: Date | null;
}

/**
 * Closes the wrap-up: a disposition of the contact's tenant is required (an active outcome); notes are
 * kept on the interaction; an optional callback task is created. Then the agent is available again and
 * gets the next contact at once.
 */
export async function finishWrapUp(agentId: string, author: { userId: string; label: string }, input: WrapUpInput): Promise<{ offer: Offer | null }> {
  const notices: RoutingNotice[] = [];
  const offer = await withBureauScope(async (trx) => {
    const c = await lockAgentContact(trx, agentId);
    if (c.state !== "wrap_up") throw new RoutingError("illegal", "not in wrap-up");
    const to = next(c.state, { type: "finishWrapUp" });
    // One statement: nothing is written unless the disposition is an active one of the contact's tenant.
    const { rows } = await sql<{ from_number: string | null; to_number: string | null; direction: string; customer_id: string | null }>`/* hk:routing-wrap */
      with d as (
        select id, code, resolved from dispositions where tenant_id = ${c.tenantId} and id = ${input.dispositionId} and active
      ), moved as (
        update interactions i
        set state = 'completed', disposition_id = d.id, wrapup_notes = ${input.notes}, ended_at = coalesce(i.ended_at, now()), event_seq = i.event_seq + 1
        from d where i.tenant_id = ${c.tenantId} and i.id = ${c.interactionId}
        returning i.event_seq, i.from_number, i.to_number, i.direction, i.customer_id
      ), event as (
        insert into interaction_events (tenant_id, interaction_id, seq, type, data)
        select ${c.tenantId}, ${c.interactionId}, moved.event_seq, 'contact.disposed',
          jsonb_build_object('agentId', ${agentId}::text, 'dispositionId', d.id, 'code', d.code, 'resolved', d.resolved)
        from moved, d
      ), note as (
        insert into interaction_notes (tenant_id, interaction_id, author_id, author_label, body)
        select ${c.tenantId}, ${c.interactionId}, ${author.userId}, ${author.label}, ${input.notes}::text from d where ${input.notes}::text <> ''
      ), agent as (
        update agent_states
        set state = ${to}, since = now(), idle_since = now(), version = version + 1, contact_tenant_id = null, contact_id = null, wrapup_until = null
        where agent_id = ${agentId} and exists (select 1 from d)
      ), agent_event as (
        insert into agent_state_events (agent_id, state, previous) select ${agentId}, ${to}, ${c.state} from d
      )
      select from_number, to_number, direction, customer_id from moved`.execute(trx);
    const interaction = rows[0];
    if (!interaction) throw new RoutingError("dispositionRequired");
    if (input.callbackAt) {
      const number = interaction.direction === "inbound" ? interaction.from_number : interaction.to_number;
      if (number) {
        await trx
          .insertInto("callback_tasks")
          .values({
            tenant_id: c.tenantId,
            customer_id: interaction.customer_id,
            queue_id: c.queueId,
            number,
            reason: "agent",
            note: input.notes.slice(0, 1000),
            due_at: input.callbackAt,
          })
          .execute();
      }
    }
    notices.push({ kind: "agent", agentId, state: to, reason: null });
    // Available again: the next contact is offered in this same transaction.
    return offerAgentIn(trx, { ...c.agent, state: to, idle_since: new Date() }, notices);
  });
  notifyAfterCommit(notices);
  return { offer };
}

/**
 * Transfers the agent's connected contact to another queue of the same tenant: the note goes with
 * it, the contact keeps its original wait for SLA urgency, and the agent wraps up.
 */
export async function transferToQueue(agentId: string, author: { userId: string; label: string }, queueKey: string, note: string) {
  const notices: RoutingNotice[] = [];
  const moved = await withBureauScope(async (trx) => {
    const c = await lockAgentContact(trx, agentId);
    if (c.state !== "busy" && c.state !== "on_hold") throw new RoutingError("illegal", "no connected contact");
    const old = await trx.selectFrom("routing_contacts").select("enqueued_at").where("tenant_id", "=", c.tenantId).where("id", "=", c.contactId).executeTakeFirstOrThrow();
    await trx.updateTable("routing_contacts").set({ status: "completed", ended_at: sql`now()` }).where("tenant_id", "=", c.tenantId).where("id", "=", c.contactId).execute();
    await setAgent(trx, agentId, c.state, next(c.state, { type: "end" }), { wrapup_until: await wrapupUntil(trx, c) }, notices, { transferredTo: queueKey });
    if (note) await addNote(trx, c.tenantId, c.interactionId, author, note);
    await appendEvents(trx, c.tenantId, c.interactionId, [{ type: "contact.transferred", data: { fromAgentId: agentId, toQueue: queueKey } }]);
    const { contactId } = await insertContact(trx, { tenantId: c.tenantId, interactionId: c.interactionId, queueKey, enqueuedAt: old.enqueued_at });
    notices.push({ kind: "queue", tenantId: c.tenantId, queueId: c.queueId });
    return { tenantId: c.tenantId, contactId };
  });
  notifyAfterCommit(notices);
  return { ...moved, offer: await matchContact(moved.tenantId, moved.contactId) };
}

/**
 * Transfers the agent's connected contact to a named colleague who is available and serves the same
 * queue: the colleague is offered it at once (ringing as usual), the note goes with it, and this agent
 * wraps up. Refused (nothing changes) when the colleague is not available for that queue.
 */
export async function transferToAgent(agentId: string, author: { userId: string; label: string }, targetAgentId: string, note: string): Promise<Offer> {
  if (targetAgentId === agentId) throw new RoutingError("illegal", "cannot transfer to oneself");
  const notices: RoutingNotice[] = [];
  const offer = await withBureauScope(async (trx) => {
    const c = await lockAgentContact(trx, agentId);
    if (c.state !== "busy" && c.state !== "on_hold") throw new RoutingError("illegal", "no connected contact");
    const old = await trx
      .selectFrom("routing_contacts as rc")
      .innerJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "rc.tenant_id").onRef("q.id", "=", "rc.queue_id"))
      .select(["rc.enqueued_at", "q.key"])
      .where("rc.tenant_id", "=", c.tenantId)
      .where("rc.id", "=", c.contactId)
      .executeTakeFirstOrThrow();
    await trx.updateTable("routing_contacts").set({ status: "completed", ended_at: sql`now()` }).where("tenant_id", "=", c.tenantId).where("id", "=", c.contactId).execute();
    await setAgent(trx, agentId, c.state, next(c.state, { type: "end" }), { wrapup_until: await wrapupUntil(trx, c) }, notices, { transferredToAgent: targetAgentId });
    if (note) await addNote(trx, c.tenantId, c.interactionId, author, note);
    await appendEvents(trx, c.tenantId, c.interactionId, [{ type: "contact.transferred", data: { fromAgentId: agentId, toAgentId: targetAgentId } }]);
    const { contactId } = await insertContact(trx, { tenantId: c.tenantId, interactionId: c.interactionId, queueKey: old.key, enqueuedAt: old.enqueued_at });
    return offerToAgent(trx, c.tenantId, contactId, targetAgentId, notices);
  });
  notifyAfterCommit(notices);
  return offer;
}

/**
 * The caller hung up. Waiting: the contact is abandoned (counted in SL unless within the short-abandon
 * threshold). Offered: the offer is withdrawn and the agent is available again. Connected: the agent's
 * contact ends and the agent wraps up. Idempotent: a call with no live contact changes nothing.
 */
export async function callerHungUp(tenantId: string, interactionId: string): Promise<void> {
  const notices: RoutingNotice[] = [];
  let freedAgent: string | null = null;
  await withBureauScope(async (trx) => {
    const live = () =>
      trx
        .selectFrom("routing_contacts")
        .select(["id", "status", "queue_id", "offered_agent_id"])
        .where("tenant_id", "=", tenantId)
        .where("interaction_id", "=", interactionId)
        .where("status", "in", ["waiting", "offered", "connected"]);
    // Agent row first, then the contact (the lock order everywhere), re-reading the contact under both locks.
    const peek = await live().executeTakeFirst();
    if (peek?.offered_agent_id) await trx.selectFrom("agent_states").select("state").where("agent_id", "=", peek.offered_agent_id).forUpdate().execute();
    const rc = await live().forUpdate().executeTakeFirst();
    if (!rc) return;
    if (rc.status === "connected" && rc.offered_agent_id) {
      const c = await lockAgentContact(trx, rc.offered_agent_id);
      if (c.contactId === rc.id && (c.state === "busy" || c.state === "on_hold" || c.state === "escalation")) {
        await endConnected(trx, c, "caller", notices);
        return;
      }
    }
    await trx.updateTable("routing_contacts").set({ status: "abandoned", ended_at: sql`now()` }).where("tenant_id", "=", tenantId).where("id", "=", rc.id).execute();
    await trx.updateTable("interactions").set({ state: "abandoned", ended_at: sql`coalesce(ended_at, now())` }).where("tenant_id", "=", tenantId).where("id", "=", interactionId).execute();
    await appendEvents(trx, tenantId, interactionId, [{ type: "routing.abandoned", data: { contactId: rc.id, status: rc.status } }]);
    if (rc.status === "offered" && rc.offered_agent_id) {
      const agent = await trx.selectFrom("agent_states").select("state").where("agent_id", "=", rc.offered_agent_id).forUpdate().executeTakeFirst();
      if (agent?.state === "offered") {
        await setAgent(trx, rc.offered_agent_id, "offered", next("offered", { type: "withdraw" }), { contact_tenant_id: null, contact_id: null }, notices);
        notices.push({ kind: "withdrawn", agentId: rc.offered_agent_id, contactId: rc.id });
        freedAgent = rc.offered_agent_id;
      }
    }
    notices.push({ kind: "queue", tenantId, queueId: rc.queue_id });
  });
  notifyAfterCommit(notices);
  if (freedAgent) await matchAgent(freedAgent);
}
