import { sql } from "kysely";
import type { Executor } from "../platform/db.server";

/**
 * Checks the record after a traffic run (npm run simulate, the traffic test): what happened to every
 * call of the given tenants, from interaction_events, routing_contacts and agent_state_events, and
 * whether the ACD lost or duplicated a contact. Both must be 0.
 *
 * - lost: a call that reached a queue and then neither was answered, nor abandoned, nor left the
 *   queue (callback, IVR overflow, ACD overflow); a contact still live at the end; or a contact
 *   abandoned without ever being offered although an eligible agent sat available through
 *   `freeSeconds` of its wait (the ACD had someone and did not use them).
 * - duplicated: a contact offered again while its offer was still out, answered twice or by an agent
 *   it was not offered to; an agent offered a contact while not available (holding another one).
 *
 * The executor must see every tenant's rows: the owner connection, or a bureau-scope transaction.
 */

export interface AuditFinding {
  interactionId?: string;
  agentId?: string;
  why: string;
}

export interface RoutingAudit {
  placed: number;
  reachedQueue: number;
  offered: number;
  answered: number;
  abandoned: number;
  /** Left the queue without an agent: callback accepted, IVR overflow, ACD overflow or transfer. */
  overflowed: number;
  /** Answered calls whose wrap-up recorded a disposition. */
  disposed: number;
  /** Answered calls never disposed (the agent is still in wrap-up, or the record is broken). */
  undisposed: number;
  /** Calls lost (each counted once, whatever it was found for). */
  lost: number;
  duplicated: number;
  findings: { lost: AuditFinding[]; duplicated: AuditFinding[] };
}

type EventRow = { interaction_id: string; type: string; data: Record<string, unknown> };

const OUT_OF_QUEUE = new Set(["routing.left", "routing.overflow", "routing.transferExternal"]);

export async function auditRouting(db: Executor, tenantIds: readonly string[], opts: { freeSeconds?: number } = {}): Promise<RoutingAudit> {
  const tenants = [...tenantIds];
  const freeSeconds = opts.freeSeconds ?? 3;
  const [calls, events, live, abandonedWhileFree] = await Promise.all([
    sql<{ id: string; direction: string }>`
      select id, direction from interactions where tenant_id = any(${tenants}::uuid[]) and channel = 'voice'`.execute(db),
    sql<EventRow>`
      select interaction_id, type, data from interaction_events
      where tenant_id = any(${tenants}::uuid[]) and (type like 'routing.%' or type like 'contact.%')
      order by interaction_id, seq`.execute(db),
    sql<{ interaction_id: string; status: string }>`
      select interaction_id, status from routing_contacts
      where tenant_id = any(${tenants}::uuid[]) and status in ('waiting', 'offered', 'connected')`.execute(db),
    // Availability intervals from the agents' own transition log (ordered by id: an agent's rows are
    // written under its row lock, so id order is the order things happened to it).
    sql<{ interaction_id: string }>`
      with iv as (
        select agent_id, state, at as from_at, coalesce(lead(at) over (partition by agent_id order by id), now()) as to_at
        from agent_state_events
        where agent_id in (select agent_id from agent_queue_assignments where tenant_id = any(${tenants}::uuid[]))
      )
      select rc.interaction_id from routing_contacts rc
      where rc.tenant_id = any(${tenants}::uuid[]) and rc.status = 'abandoned' and rc.missed_count = 0
        and not exists (select 1 from interaction_events e where e.tenant_id = rc.tenant_id and e.interaction_id = rc.interaction_id
                        and e.type = 'routing.offered' and e.data->>'contactId' = rc.id::text)
        and exists (
          select 1 from agent_queue_assignments q
            join agents a on a.user_id = q.agent_id
            join iv on iv.agent_id = q.agent_id and iv.state = 'available'
          where q.tenant_id = rc.tenant_id and q.queue_id = rc.queue_id
            and a.skills @> rc.required_skills
            and (rc.language is null or rc.language = any(a.languages))
            and not exists (select 1 from unnest(rc.required_skills) s where coalesce((a.proficiency->>s)::int, 3) < rc.min_proficiency)
            and not exists (select 1 from agent_assignments d where d.agent_id = q.agent_id and d.dedicated and d.tenant_id <> q.tenant_id)
            and least(iv.to_at, rc.ended_at) - greatest(iv.from_at, rc.enqueued_at) > make_interval(secs => ${freeSeconds}))`.execute(db),
  ]);

  const byCall = new Map<string, EventRow[]>();
  for (const e of events.rows) {
    const list = byCall.get(e.interaction_id) ?? [];
    list.push(e);
    byCall.set(e.interaction_id, list);
  }
  const lost: AuditFinding[] = [];
  const duplicated: AuditFinding[] = [];
  const counts = { placed: 0, reachedQueue: 0, offered: 0, answered: 0, abandoned: 0, overflowed: 0, disposed: 0, undisposed: 0 };

  for (const call of calls.rows) {
    const list = byCall.get(call.id) ?? [];
    const has = (type: string) => list.some((e) => e.type === type);
    const inbound = call.direction === "inbound";
    if (inbound) {
      counts.placed++;
      const queued = has("routing.queued");
      if (queued) counts.reachedQueue++;
      if (has("routing.offered")) counts.offered++;
      const answered = has("routing.connected");
      if (answered) {
        counts.answered++;
        if (has("contact.disposed")) counts.disposed++;
        else counts.undisposed++;
      }
      if (has("routing.abandoned")) counts.abandoned++;
      if (list.some((e) => OUT_OF_QUEUE.has(e.type))) counts.overflowed++;
      if (queued && !answered && !has("routing.abandoned") && !list.some((e) => OUT_OF_QUEUE.has(e.type))) {
        lost.push({ interactionId: call.id, why: "reached a queue, then nothing: neither answered, abandoned nor moved on" });
      }
    }
    // Offers of this call, in the order they happened.
    const out = new Map<string, string | null>();
    const connected = new Set<string>();
    for (const e of list) {
      const contactId = String(e.data.contactId ?? "");
      const agentId = typeof e.data.agentId === "string" ? e.data.agentId : null;
      if (e.type === "routing.offered") {
        if (out.has(contactId)) duplicated.push({ interactionId: call.id, agentId: agentId ?? undefined, why: `offered to a second agent while offered to ${out.get(contactId)}` });
        out.set(contactId, agentId);
      } else if (e.type === "routing.connected") {
        if (connected.has(contactId)) duplicated.push({ interactionId: call.id, agentId: agentId ?? undefined, why: "answered twice" });
        else if (out.get(contactId) !== agentId) duplicated.push({ interactionId: call.id, agentId: agentId ?? undefined, why: "answered by an agent it was not offered to" });
        connected.add(contactId);
        out.delete(contactId);
      } else if (e.type === "routing.offerMissed" || e.type === "routing.abandoned" || OUT_OF_QUEUE.has(e.type)) {
        out.delete(contactId);
      }
    }
  }

  for (const r of live.rows) lost.push({ interactionId: r.interaction_id, why: `still ${r.status} at the end` });
  for (const r of abandonedWhileFree.rows) lost.push({ interactionId: r.interaction_id, why: `abandoned unoffered while an eligible agent was available for over ${freeSeconds} s` });

  // Every agent that serves these tenants: was it ever offered a contact while not free?
  const agentEvents = await sql<{ agent_id: string; state: string; data: Record<string, unknown> }>`
    select agent_id, state, data from agent_state_events
    where agent_id in (select agent_id from agent_queue_assignments where tenant_id = any(${tenants}::uuid[]))
    order by agent_id, id`.execute(db);
  let previous: { agent_id: string; state: string; data: Record<string, unknown> } | null = null;
  for (const ev of agentEvents.rows) {
    const prev = previous?.agent_id === ev.agent_id ? previous : null;
    if (ev.state === "offered" && prev && prev.state !== "available") {
      duplicated.push({ agentId: ev.agent_id, why: `offered contact ${String(ev.data.contactId)} while ${prev.state}` });
    }
    if (ev.state === "busy" && prev?.state === "offered" && ev.data.contactId !== prev.data.contactId) {
      duplicated.push({ agentId: ev.agent_id, why: `took contact ${String(ev.data.contactId)} while offered ${String(prev.data.contactId)}` });
    }
    previous = ev;
  }

  // A call can show up under more than one finding (forgotten and still waiting); it is one lost call.
  return { ...counts, lost: new Set(lost.map((f) => f.interactionId)).size, duplicated: duplicated.length, findings: { lost, duplicated } };
}
