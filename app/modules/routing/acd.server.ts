import { sql } from "kysely";
import { appendEvents } from "../interactions/events.server";
import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import { IllegalTransition, transition, type AgentEvent, type AgentState } from "./agent-state";
import { notifyAfterCommit, type RoutingNotice } from "./notify.server";
import { pickAgentForContact, pickContactForAgent, type AgentCandidate, type WaitingContact } from "./policy";

/**
 * The ACD in Postgres: contacts wait in routing_contacts, agents' live states are agent_states rows,
 * and every match claims both rows with FOR UPDATE SKIP LOCKED inside one transaction. Any number of
 * web and worker processes may run these functions at once: a contact row is offered by whoever
 * holds its lock, an agent row is given a contact by whoever holds its lock, and SKIP LOCKED means no
 * one waits on anyone, so there are no deadlocks either. A match a lock made someone skip is picked
 * up by the next trigger or the timer's sweep (workers/), within a second.
 *
 * Where a transaction must wait for a lock (accept, reject, hang-up, wrap-up), it takes the agent's
 * row before the contact's row, always; the matchers never wait at all (SKIP LOCKED on both sides).
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

/** How many candidates a match looks at; the SQL already orders by the policy, the rest is filtering. */
const CANDIDATES = 25;

interface ContactRow {
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

const CONTACT_COLUMNS = [
  "rc.id",
  "rc.tenant_id",
  "rc.interaction_id",
  "rc.queue_id",
  "rc.priority",
  "rc.enqueued_at",
  "rc.sl_threshold_seconds",
  "rc.required_skills",
  "rc.min_proficiency",
  "rc.language",
] as const;

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

interface AgentRow {
  agent_id: string;
  state: string;
  idle_since: Date | null;
  skills: string[];
  languages: string[];
  proficiency: unknown;
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
  };
}

/** Makes sure the agent has a live-state row (offline) so it can be locked. */
async function ensureAgentRow(trx: Trx, agentId: string) {
  await trx.insertInto("agent_states").values({ agent_id: agentId }).onConflict((oc) => oc.column("agent_id").doNothing()).execute();
}

async function recordAgentState(
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

/** Puts the pair together: the contact is offered, the agent rings. Both rows are locked by the caller. */
async function makeOffer(trx: Trx, contact: ContactRow, agentId: string, autoAnswer: boolean, notices: RoutingNotice[]): Promise<Offer> {
  // The queue's ring time is read in the same statement (UPDATE ... FROM): one round trip less per offer.
  const offered = await trx
    .updateTable("routing_contacts as rc")
    .from("queues as q")
    .set({
      status: "offered",
      offered_agent_id: agentId,
      offered_at: sql`now()`,
      offer_expires_at: sql`now() + make_interval(secs => q.offer_timeout_seconds)`,
    })
    .whereRef("q.tenant_id", "=", "rc.tenant_id")
    .whereRef("q.id", "=", "rc.queue_id")
    .where("rc.tenant_id", "=", contact.tenant_id)
    .where("rc.id", "=", contact.id)
    .returning(["rc.offer_expires_at", "q.offer_timeout_seconds"])
    .executeTakeFirstOrThrow();
  await trx
    .updateTable("agent_states")
    .set({ state: "offered", since: sql`now()`, contact_tenant_id: contact.tenant_id, contact_id: contact.id, version: sql`version + 1` })
    .where("agent_id", "=", agentId)
    .execute();
  await recordAgentState(trx, agentId, "available", "offered", { data: { contactId: contact.id, tenantId: contact.tenant_id } });
  await trx
    .updateTable("interactions")
    .set({ state: "offered", agent_id: agentId })
    .where("tenant_id", "=", contact.tenant_id)
    .where("id", "=", contact.interaction_id)
    .execute();
  await appendEvents(trx, contact.tenant_id, contact.interaction_id, [
    { type: "routing.offered", data: { contactId: contact.id, agentId, timeoutSeconds: offered.offer_timeout_seconds } },
  ]);
  const offer: Offer = {
    contactId: contact.id,
    tenantId: contact.tenant_id,
    interactionId: contact.interaction_id,
    queueId: contact.queue_id,
    agentId,
    expiresAt: offered.offer_expires_at!,
    autoAnswer,
  };
  notices.push({ kind: "offer", offer }, { kind: "queue", tenantId: contact.tenant_id, queueId: contact.queue_id });
  return offer;
}

/**
 * Tries to offer one waiting contact to the eligible available agent idle longest. Null when the
 * contact is no longer waiting, is being handled by another process, or no agent fits right now.
 */
export async function matchContact(tenantId: string, contactId: string): Promise<Offer | null> {
  const notices: RoutingNotice[] = [];
  const offer = await withBureauScope(async (trx) => {
    const contact = await trx
      .selectFrom("routing_contacts as rc")
      .select(CONTACT_COLUMNS)
      .where("rc.tenant_id", "=", tenantId)
      .where("rc.id", "=", contactId)
      .where("rc.status", "=", "waiting")
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!contact) return null;
    const waiting = toWaiting(contact);
    const rows = await trx
      .selectFrom("agent_states as s")
      .innerJoin("agents as a", "a.user_id", "s.agent_id")
      .innerJoin("agent_queue_assignments as q", (j) =>
        j.onRef("q.agent_id", "=", "s.agent_id").on("q.tenant_id", "=", tenantId).on("q.queue_id", "=", contact.queue_id),
      )
      .select(["s.agent_id", "s.state", "s.idle_since", "a.skills", "a.languages", "a.proficiency", "a.auto_answer"])
      .where("s.state", "=", "available")
      .$if(contact.required_skills.length > 0, (qb) => qb.where("a.skills", "@>", sql<string[]>`${contact.required_skills}::text[]`))
      .$if(contact.language !== null, (qb) => qb.where(sql<boolean>`${contact.language} = any(a.languages)`))
      .orderBy("s.idle_since")
      .orderBy("s.agent_id")
      .limit(CANDIDATES)
      .forUpdate("s")
      .skipLocked()
      .execute();
    const agent = pickAgentForContact(
      waiting,
      rows.map((r) => toCandidate(r, [contact.queue_id])),
    );
    if (!agent) return null;
    const autoAnswer = rows.find((r) => r.agent_id === agent.agentId)?.auto_answer ?? false;
    return makeOffer(trx, contact, agent.agentId, autoAnswer, notices);
  });
  notifyAfterCommit(notices);
  return offer;
}

/**
 * Gives an available agent the best waiting contact across every tenant and queue it serves: highest
 * priority, then SLA urgency, then oldest. Null when the agent is not available (or another process
 * holds it) or nothing it may take is waiting.
 */
export async function matchAgent(agentId: string): Promise<Offer | null> {
  const notices: RoutingNotice[] = [];
  const offer = await withBureauScope(async (trx) => {
    const agent = await trx
      .selectFrom("agent_states as s")
      .innerJoin("agents as a", "a.user_id", "s.agent_id")
      // The database's clock with it (no extra round trip): urgency must be computed on the clock the SQL orders by.
      .select(["s.agent_id", "s.state", "s.idle_since", "a.skills", "a.languages", "a.proficiency", "a.auto_answer", sql<Date>`now()`.as("now")])
      .where("s.agent_id", "=", agentId)
      .where("s.state", "=", "available")
      .forUpdate("s")
      .skipLocked()
      .executeTakeFirst();
    if (!agent) return null;
    const contacts = await trx
      .selectFrom("routing_contacts as rc")
      .innerJoin("agent_queue_assignments as q", (j) =>
        j.onRef("q.tenant_id", "=", "rc.tenant_id").onRef("q.queue_id", "=", "rc.queue_id").on("q.agent_id", "=", agentId),
      )
      .select(CONTACT_COLUMNS)
      .where("rc.status", "=", "waiting")
      .where(sql<boolean>`rc.required_skills <@ ${agent.skills}::text[]`)
      .where((eb) => eb.or([eb("rc.language", "is", null), eb(sql`rc.language`, "=", sql`any(${agent.languages}::text[])`)]))
      .orderBy("rc.priority", "desc")
      .orderBy(sql`extract(epoch from now() - rc.enqueued_at) / rc.sl_threshold_seconds`, "desc")
      .orderBy("rc.enqueued_at")
      .orderBy("rc.id")
      .limit(CANDIDATES)
      .forUpdate("rc")
      .skipLocked()
      .execute();
    const queueIds = [...new Set(contacts.map((c) => c.queue_id))];
    const best = pickContactForAgent(toCandidate(agent, queueIds), contacts.map(toWaiting), agent.now.getTime());
    if (!best) return null;
    const row = contacts.find((c) => c.id === best.contactId)!;
    return makeOffer(trx, row, agentId, agent.auto_answer, notices);
  });
  notifyAfterCommit(notices);
  return offer;
}

export interface EnqueueInput {
  tenantId: string;
  interactionId: string;
  /** The queue's key, as an IVR queue node names it. */
  queueKey: string;
  kind?: "call" | "callback";
  /** Keep the original wait when a contact moves (overflow, transfer): the enqueue time to carry over. */
  enqueuedAt?: Date;
}

/**
 * Puts an interaction in a queue (idempotent: a repeated enqueue of a live contact returns it) and
 * tries to match it at once.
 */
export async function enqueue(input: EnqueueInput): Promise<{ contactId: string; duplicate: boolean; offer: Offer | null }> {
  const notices: RoutingNotice[] = [];
  const result = await withBureauScope(async (trx) => {
    const { contactId, duplicate, queueId } = await insertContact(trx, input);
    if (!duplicate) notices.push({ kind: "queue", tenantId: input.tenantId, queueId });
    return { contactId, duplicate };
  });
  notifyAfterCommit(notices);
  const offer = result.duplicate ? null : await matchContact(input.tenantId, result.contactId);
  return { ...result, offer };
}

/** Inserts the contact (or finds the interaction's live one: duplicate); queueId is the returned contact's queue. */
/**
 * Offers a contact to one named agent (a transfer to a colleague) inside the caller's transaction,
 * which holds the contact. The agent row is claimed with SKIP LOCKED and must be available and serve
 * the contact's queue; otherwise RoutingError("illegal") and nothing is offered.
 */
export async function offerToAgent(trx: Trx, tenantId: string, contactId: string, agentId: string, notices: RoutingNotice[]): Promise<Offer> {
  const contact = await trx.selectFrom("routing_contacts as rc").select(CONTACT_COLUMNS).where("rc.tenant_id", "=", tenantId).where("rc.id", "=", contactId).executeTakeFirstOrThrow();
  const agent = await trx
    .selectFrom("agent_states as s")
    .innerJoin("agent_queue_assignments as q", (j) => j.onRef("q.agent_id", "=", "s.agent_id").on("q.tenant_id", "=", tenantId).on("q.queue_id", "=", contact.queue_id))
    .innerJoin("agents as a", "a.user_id", "s.agent_id")
    .select(["s.agent_id", "a.auto_answer"])
    .where("s.agent_id", "=", agentId)
    .where("s.state", "=", "available")
    .forUpdate("s")
    .skipLocked()
    .executeTakeFirst();
  if (!agent) throw new RoutingError("illegal", "that agent is not available for this queue");
  return makeOffer(trx, contact, agentId, agent.auto_answer, notices);
}

export async function insertContact(trx: Trx, input: EnqueueInput): Promise<{ contactId: string; duplicate: boolean; queueId: string }> {
  const queue = await trx
    .selectFrom("queues")
    .select(["id", "priority", "language", "required_skills", "min_proficiency", "sl_threshold_seconds"])
    .where("tenant_id", "=", input.tenantId)
    .where("key", "=", input.queueKey)
    .executeTakeFirst();
  if (!queue) throw new RoutingError("unknownQueue", `unknown queue ${input.queueKey}`);
  const call = await trx
    .selectFrom("interactions")
    .select(["id", "language", "state"])
    .where("tenant_id", "=", input.tenantId)
    .where("id", "=", input.interactionId)
    .forUpdate()
    .executeTakeFirst();
  if (!call) throw new RoutingError("notFound");
  const inserted = await trx
    .insertInto("routing_contacts")
    .values({
      tenant_id: input.tenantId,
      interaction_id: input.interactionId,
      queue_id: queue.id,
      kind: input.kind ?? "call",
      priority: queue.priority,
      // The queue's language when it has one, else the caller's (chosen in the IVR).
      language: queue.language ?? call.language,
      required_skills: queue.required_skills,
      min_proficiency: queue.min_proficiency,
      sl_threshold_seconds: queue.sl_threshold_seconds,
      enqueued_at: input.enqueuedAt ?? sql<Date>`now()`,
    })
    .onConflict((oc) => oc.columns(["tenant_id", "interaction_id"]).where("status", "in", ["waiting", "offered", "connected"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) {
    const live = await trx
      .selectFrom("routing_contacts")
      .select(["id", "queue_id"])
      .where("tenant_id", "=", input.tenantId)
      .where("interaction_id", "=", input.interactionId)
      .where("status", "in", ["waiting", "offered", "connected"])
      .executeTakeFirstOrThrow();
    return { contactId: live.id, duplicate: true, queueId: live.queue_id };
  }
  await trx
    .updateTable("interactions")
    .set({ state: "queued", queue_id: queue.id, queued_at: input.enqueuedAt ?? sql<Date>`now()` })
    .where("tenant_id", "=", input.tenantId)
    .where("id", "=", input.interactionId)
    .execute();
  await appendEvents(trx, input.tenantId, input.interactionId, [
    { type: "routing.queued", data: { contactId: inserted.id, queueId: queue.id, queueKey: input.queueKey, kind: input.kind ?? "call" } },
  ]);
  return { contactId: inserted.id, duplicate: false, queueId: queue.id };
}

/**
 * Moves an agent through the state machine (the desktop's status control, a supervisor). Going
 * available starts the idle clock and looks for a waiting contact at once.
 */
export async function changeAgentState(
  agentId: string,
  event: Extract<AgentEvent, { type: "goAvailable" | "goBreak" | "goOffline" | "finishWrapUp" }>,
  actorUserId: string | null,
): Promise<{ state: AgentState; offer: Offer | null }> {
  const notices: RoutingNotice[] = [];
  const state = await withBureauScope(async (trx) => {
    await ensureAgentRow(trx, agentId);
    const row = await trx.selectFrom("agent_states").select(["state"]).where("agent_id", "=", agentId).forUpdate().executeTakeFirstOrThrow();
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
    return next;
  });
  notifyAfterCommit(notices);
  const offer = state === "available" ? await matchAgent(agentId) : null;
  return { state, offer };
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
    await trx.selectFrom("agent_states").select("state").where("agent_id", "=", agentId).forUpdate().execute();
    const r = await trx
      .selectFrom("routing_contacts")
      .select(["id", "tenant_id", "interaction_id", "queue_id", "offered_agent_id"])
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
 * answered and when. The telephony bridge happens after this commits (the caller is the adapter).
 */
export async function acceptOffer(agentId: string, contactId: string): Promise<{ tenantId: string; interactionId: string; queueId: string }> {
  const notices: RoutingNotice[] = [];
  const accepted = await withBureauScope(async (trx) => {
    const agent = await trx.selectFrom("agent_states").select(["state", "contact_id"]).where("agent_id", "=", agentId).forUpdate().executeTakeFirst();
    if (!agent || agent.state !== "offered" || agent.contact_id !== contactId) throw new RoutingError("noOffer");
    const contact = await trx
      .updateTable("routing_contacts")
      .set({ status: "connected", connected_at: sql`now()` })
      .where("id", "=", contactId)
      .where("status", "=", "offered")
      .where("offered_agent_id", "=", agentId)
      .returning(["tenant_id", "interaction_id", "queue_id"])
      .executeTakeFirst();
    if (!contact) throw new RoutingError("noOffer");
    await trx
      .updateTable("agent_states")
      .set({ state: "busy", since: sql`now()`, version: sql`version + 1` })
      .where("agent_id", "=", agentId)
      .execute();
    await recordAgentState(trx, agentId, "offered", "busy", { data: { contactId } });
    await trx
      .updateTable("interactions")
      .set({ state: "connected", answered_at: sql`now()`, agent_id: agentId })
      .where("tenant_id", "=", contact.tenant_id)
      .where("id", "=", contact.interaction_id)
      .execute();
    await appendEvents(trx, contact.tenant_id, contact.interaction_id, [{ type: "routing.connected", data: { contactId, agentId } }]);
    notices.push({ kind: "agent", agentId, state: "busy", reason: null }, { kind: "queue", tenantId: contact.tenant_id, queueId: contact.queue_id });
    return { tenantId: contact.tenant_id, interactionId: contact.interaction_id, queueId: contact.queue_id };
  });
  notifyAfterCommit(notices);
  return accepted;
}
