import { sql } from "kysely";
import type { ContactTotals } from "~/modules/reports/kpi";
import { emptyTotals, type AggregationSpec } from "~/modules/reports/kpi";
import type { RawAgentEvent, RawAttempt, RawInteraction, RawVisit } from "~/modules/reports/records";
import { owner } from "./routing.helpers";

/**
 * The raw record of a tenant, read plainly (no rollup SQL), for the pure reference in records.ts and
 * kpi-totals.ts; and rollup rows read back as ContactTotals.
 */
export async function loadRaw(tenantId: string): Promise<{ visits: RawVisit[]; interactions: Map<string, RawInteraction> }> {
  const visits = await owner
    .selectFrom("routing_contacts")
    .select(["id", "interaction_id", "queue_id", "kind", "status", "enqueued_at", "connected_at", "ended_at", "offered_agent_id"])
    .where("tenant_id", "=", tenantId)
    .execute();
  const rows = await owner
    .selectFrom("interactions as i")
    .leftJoin("dispositions as d", (j) => j.onRef("d.tenant_id", "=", "i.tenant_id").onRef("d.id", "=", "i.disposition_id"))
    .leftJoin("dispositions as p", (j) => j.onRef("p.tenant_id", "=", "d.tenant_id").onRef("p.id", "=", "d.parent_id"))
    .select(["i.id", "i.channel", "i.direction", "i.started_at", "i.customer_id", "d.code as d_code", "p.code as p_code", "d.resolved"])
    .select(
      sql<boolean>`exists (select 1 from callback_tasks ct where ct.tenant_id = i.tenant_id and ct.interaction_id = i.id and ct.reason in ('ivr_offer', 'overflow', 'voicemail'))`.as(
        "promised",
      ),
    )
    .where("i.tenant_id", "=", tenantId)
    .execute();
  const events = await owner.selectFrom("interaction_events").select(["interaction_id", "seq", "type", "at", "data"]).where("tenant_id", "=", tenantId).execute();
  const byInteraction = new Map<string, RawInteraction["events"][number][]>();
  for (const e of events) {
    const list = byInteraction.get(e.interaction_id) ?? [];
    list.push({ seq: e.seq, type: e.type, at: e.at, data: e.data as Record<string, unknown> });
    byInteraction.set(e.interaction_id, list);
  }
  const interactions = new Map<string, RawInteraction>();
  for (const r of rows) {
    interactions.set(r.id, {
      id: r.id,
      channel: r.channel as RawInteraction["channel"],
      direction: r.direction as RawInteraction["direction"],
      startedAt: r.started_at,
      customerId: r.customer_id,
      dispositionCode: r.d_code,
      reasonCode: r.p_code ?? r.d_code,
      resolved: r.resolved,
      callbackPromised: r.promised,
      events: byInteraction.get(r.id) ?? [],
    });
  }
  return {
    visits: visits.map((v) => ({
      id: v.id,
      interactionId: v.interaction_id,
      queueId: v.queue_id,
      kind: v.kind,
      status: v.status,
      enqueuedAt: v.enqueued_at,
      connectedAt: v.connected_at,
      endedAt: v.ended_at,
      agentId: v.offered_agent_id,
    })),
    interactions,
  };
}

export async function loadAgentEvents(agentIds: readonly string[]): Promise<RawAgentEvent[]> {
  const rows = await owner.selectFrom("agent_state_events").select(["id", "agent_id", "state", "at", "data"]).where("agent_id", "in", agentIds).execute();
  return rows.map((r) => ({ id: Number(r.id), agentId: r.agent_id, state: r.state, at: r.at, data: r.data as Record<string, unknown> }));
}

export async function loadAttempts(tenantId: string): Promise<RawAttempt[]> {
  const rows = await owner
    .selectFrom("campaign_attempts")
    .select(["id", "campaign_id", "outcome", "created_at", "dialed_at", "answered_at", "connected_at", "disposition_code"])
    .where("tenant_id", "=", tenantId)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    campaignId: r.campaign_id,
    outcome: r.outcome,
    createdAt: r.created_at,
    dialedAt: r.dialed_at,
    answeredAt: r.answered_at,
    connectedAt: r.connected_at,
    dispositionCode: r.disposition_code,
  }));
}

type MeasureRow = {
  offered: number;
  answered: number;
  abandoned: number;
  callbacks_requested: number;
  answer_wait_ms: string | number;
  answered_within: Record<string, number>;
  abandoned_within: Record<string, number>;
  handled: number;
  talk_ms: string | number;
  hold_ms: string | number;
  wrap_ms: string | number;
  transferred: number;
  escalated: number;
  by_reason: Record<string, number>;
  by_disposition: Record<string, number>;
  fcr_eligible: number;
  fcr_resolved: number;
  repeat_eligible: number;
  repeat_contacts: number;
};

/** A rollup row as ContactTotals under a spec (its thresholds picked from the row's maps). */
export function totalsOfRow(r: MeasureRow, spec: AggregationSpec): ContactTotals {
  const t = emptyTotals(spec);
  t.offered = r.offered;
  t.answered = r.answered;
  t.abandoned = r.abandoned;
  t.callbacksRequested = r.callbacks_requested;
  t.answerWaitMs = Number(r.answer_wait_ms);
  for (const k of Object.keys(t.answeredWithin)) {
    t.answeredWithin[k] = r.answered_within[k] ?? 0;
    t.abandonedWithin[k] = r.abandoned_within[k] ?? 0;
  }
  t.handled = r.handled;
  t.talkMs = Number(r.talk_ms);
  t.holdMs = Number(r.hold_ms);
  t.wrapMs = Number(r.wrap_ms);
  t.transferred = r.transferred;
  t.escalated = r.escalated;
  t.byReason = { ...r.by_reason };
  t.byDisposition = { ...r.by_disposition };
  t.fcrEligible = r.fcr_eligible;
  t.fcrResolved = r.fcr_resolved;
  t.repeatEligible = r.repeat_eligible;
  t.repeatContacts = r.repeat_contacts;
  return t;
}
