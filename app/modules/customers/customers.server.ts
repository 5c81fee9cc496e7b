import { sql } from "kysely";
import type { Trx } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import { isRepeatContact, normalizePhone } from "./repeat";

/**
 * Customers of a tenant, known by phone number, and the 360 view the agent desktop shows: every past
 * contact with this tenant across channels, the notes and dispositions, open callbacks, and whether
 * this contact repeats one within seven days. Customers never cross tenants: the same number calling
 * two tenants is two customers.
 */

/** The tenant's customer with this number, created on first contact. Null for a withheld number. */
export async function customerForNumber(trx: Trx, tenantId: string, phone: string | null): Promise<string | null> {
  const normalized = phone ? normalizePhone(phone) : null;
  if (!normalized) return null;
  const row = await trx
    .insertInto("customers")
    .values({ tenant_id: tenantId, phone: normalized })
    // A no-op update so the existing row's id comes back from the same statement.
    .onConflict((oc) => oc.columns(["tenant_id", "phone"]).where("phone", "is not", null).doUpdateSet({ phone: normalized }))
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface PastContact {
  interactionId: string;
  channel: string;
  direction: string;
  state: string;
  startedAt: Date;
  queueName: string | null;
  agentName: string | null;
  disposition: { code: string; name: string; resolved: boolean } | null;
  wrapupNotes: string;
  notes: { body: string; author: string; at: Date }[];
}

export interface Customer360 {
  customer: { id: string; phone: string | null; name: string; email: string | null; notes: string; since: Date };
  contacts: PastContact[];
  openCallbacks: { id: string; number: string; reason: string; dueAt: Date; note: string }[];
  repeatContact: boolean;
  totals: { contacts: number; resolved: number };
}

export function customer360(tenantId: string, customerId: string, opts: { currentInteractionId?: string; limit?: number } = {}) {
  return withTenant(tenantId, (trx) => readCustomer360(trx, tenantId, customerId, opts));
}

export async function readCustomer360(
  trx: Trx,
  tenantId: string,
  customerId: string,
  opts: { currentInteractionId?: string; limit?: number } = {},
): Promise<Customer360 | null> {
  const customer = await trx
    .selectFrom("customers")
    .select(["id", "phone", "name", "email", "notes", "created_at"])
    .where("tenant_id", "=", tenantId)
    .where("id", "=", customerId)
    .executeTakeFirst();
  if (!customer) return null;
  const rows = await trx
    .selectFrom("interactions as i")
    .leftJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "i.tenant_id").onRef("q.id", "=", "i.queue_id"))
    .leftJoin("dispositions as d", (j) => j.onRef("d.tenant_id", "=", "i.tenant_id").onRef("d.id", "=", "i.disposition_id"))
    .leftJoin("users as u", "u.id", "i.agent_id")
    .select([
      "i.id",
      "i.channel",
      "i.direction",
      "i.state",
      "i.started_at",
      "i.wrapup_notes",
      "q.name as queue_name",
      "u.name as agent_name",
      "d.code as disposition_code",
      "d.name as disposition_name",
      "d.resolved as disposition_resolved",
    ])
    .where("i.tenant_id", "=", tenantId)
    .where("i.customer_id", "=", customerId)
    .orderBy("i.started_at", "desc")
    .limit(opts.limit ?? 50)
    .execute();
  const ids = rows.map((r) => r.id);
  const notes = ids.length
    ? await trx
        .selectFrom("interaction_notes")
        .select(["interaction_id", "body", "author_label", "created_at"])
        .where("tenant_id", "=", tenantId)
        .where("interaction_id", "in", ids)
        .orderBy("created_at")
        .execute()
    : [];
  const callbacks = await trx
    .selectFrom("callback_tasks")
    .select(["id", "number", "reason", "due_at", "note"])
    .where("tenant_id", "=", tenantId)
    .where("customer_id", "=", customerId)
    .where("status", "in", ["open", "queued"])
    .orderBy("due_at")
    .execute();
  const current = rows.find((r) => r.id === opts.currentInteractionId);
  const past = rows.filter((r) => r.id !== opts.currentInteractionId);
  const [{ resolved } = { resolved: 0 }] = (
    await sql<{ resolved: number }>`
      select count(*)::int as resolved from interactions i join dispositions d on d.tenant_id = i.tenant_id and d.id = i.disposition_id
      where i.tenant_id = ${tenantId} and i.customer_id = ${customerId} and d.resolved`.execute(trx)
  ).rows;
  return {
    customer: { id: customer.id, phone: customer.phone, name: customer.name, email: customer.email, notes: customer.notes, since: customer.created_at },
    contacts: past.map((r) => ({
      interactionId: r.id,
      channel: r.channel,
      direction: r.direction,
      state: r.state,
      startedAt: r.started_at,
      queueName: r.queue_name,
      agentName: r.agent_name,
      disposition: r.disposition_code ? { code: r.disposition_code, name: r.disposition_name!, resolved: !!r.disposition_resolved } : null,
      wrapupNotes: r.wrapup_notes,
      notes: notes.filter((n) => n.interaction_id === r.id).map((n) => ({ body: n.body, author: n.author_label, at: n.created_at })),
    })),
    openCallbacks: callbacks.map((c) => ({ id: c.id, number: c.number, reason: c.reason, dueAt: c.due_at, note: c.note })),
    repeatContact: isRepeatContact(
      past.map((r) => r.started_at),
      current?.started_at ?? new Date(),
    ),
    totals: { contacts: rows.length, resolved },
  };
}
