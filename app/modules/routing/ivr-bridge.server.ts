import { sql } from "kysely";
import { customerForNumber } from "../customers/customers.server";
import { appendEvents } from "../interactions/events.server";
import type { IvrAction } from "../ivr/interpreter";
import { logger } from "../platform/logger.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { enqueue, matchAgent, RoutingError, type Offer } from "./acd.server";
import { callerHungUp } from "./contact.server";
import { notifyAfterCommit, type RoutingNotice } from "./notify.server";

/**
 * Where a call's IVR meets the ACD. Every telephony adapter (TwiML webhooks, the simulator, the
 * traffic generator) hands the actions of each IVR step here after the step committed:
 * - enqueue: the call waits in the tenant's queue of that key and is offered to an agent;
 * - leaveQueue: the caller left the queue (overflow branch, accepted callback): the contact is cancelled;
 * - createCallbackTask: a callback the caller asked for (queue offer) or a voicemail, kept with the
 *   number and the reason, routed later like a contact.
 * The ACD's own state is idempotent per interaction (one live contact), so a repeated webhook that
 * replays the same actions adds nothing.
 */
export interface BridgeResult {
  contactId: string | null;
  offer: Offer | null;
}

export async function applyIvrActions(tenantId: string, interactionId: string, actions: readonly IvrAction[]): Promise<BridgeResult> {
  let result: BridgeResult = { contactId: null, offer: null };
  for (const action of actions) {
    if (action.type === "leaveQueue") await leaveQueue(tenantId, interactionId);
    else if (action.type === "createCallbackTask") await createCallback(tenantId, interactionId, action);
    else if (action.type === "enqueue") {
      try {
        const r = await enqueue({ tenantId, interactionId, queueKey: action.queueId });
        result = { contactId: r.contactId, offer: r.offer };
      } catch (error) {
        // A flow published before its queue was deleted: the caller stays on hold music and the
        // event says why; the publish-time validator normally prevents it.
        if (error instanceof RoutingError && error.key === "unknownQueue") {
          logger.warn({ tenantId, interactionId, queue: action.queueId }, "IVR sent a call to an unknown queue");
          await withTenant(tenantId, (trx) => appendEvents(trx, tenantId, interactionId, [{ type: "routing.unknownQueue", data: { queueKey: action.queueId } }]));
        } else throw error;
      }
    }
  }
  return result;
}

/** Links the call to the tenant's customer with the caller's number (the 360 view's key). */
export async function attachCustomer(tenantId: string, interactionId: string): Promise<string | null> {
  return withTenant(tenantId, async (trx) => {
    const call = await trx.selectFrom("interactions").select(["from_number", "to_number", "direction", "customer_id"]).where("tenant_id", "=", tenantId).where("id", "=", interactionId).executeTakeFirst();
    if (!call) return null;
    if (call.customer_id) return call.customer_id;
    const customerId = await customerForNumber(trx, tenantId, call.direction === "inbound" ? call.from_number : call.to_number);
    if (customerId) await trx.updateTable("interactions").set({ customer_id: customerId }).where("tenant_id", "=", tenantId).where("id", "=", interactionId).execute();
    return customerId;
  });
}

/** The call ended at the provider (hang-up, status callback): whatever routing held for it ends too. */
export function callEnded(tenantId: string, interactionId: string): Promise<void> {
  return callerHungUp(tenantId, interactionId);
}

async function leaveQueue(tenantId: string, interactionId: string) {
  const notices: RoutingNotice[] = [];
  let freed: string | null = null;
  await withBureauScope(async (trx) => {
    const peek = await trx
      .selectFrom("routing_contacts")
      .select(["offered_agent_id"])
      .where("tenant_id", "=", tenantId)
      .where("interaction_id", "=", interactionId)
      .where("status", "in", ["waiting", "offered"])
      .executeTakeFirst();
    // Agent row first, then the contact: the lock order of every waiting routing transaction.
    if (peek?.offered_agent_id) await trx.selectFrom("agent_states").select("state").where("agent_id", "=", peek.offered_agent_id).forUpdate().execute();
    const rc = await trx
      .updateTable("routing_contacts")
      .set({ status: "cancelled", ended_at: sql`now()` })
      .where("tenant_id", "=", tenantId)
      .where("interaction_id", "=", interactionId)
      .where("status", "in", ["waiting", "offered"])
      .returning(["id", "queue_id", "status", "offered_agent_id"])
      .executeTakeFirst();
    if (!rc) return;
    await trx.selectFrom("interactions").select("id").where("tenant_id", "=", tenantId).where("id", "=", interactionId).forUpdate().execute();
    await appendEvents(trx, tenantId, interactionId, [{ type: "routing.left", data: { contactId: rc.id } }]);
    notices.push({ kind: "queue", tenantId, queueId: rc.queue_id });
    if (rc.offered_agent_id) {
      const agent = await trx
        .updateTable("agent_states")
        .set({ state: "available", since: sql`now()`, idle_since: sql`now()`, contact_id: null, contact_tenant_id: null, version: sql`version + 1` })
        .where("agent_id", "=", rc.offered_agent_id)
        .where("state", "=", "offered")
        .where("contact_id", "=", rc.id)
        .returning("agent_id")
        .executeTakeFirst();
      if (agent) {
        await trx.insertInto("agent_state_events").values({ agent_id: agent.agent_id, state: "available", previous: "offered", reason: "withdrawn" }).execute();
        notices.push({ kind: "withdrawn", agentId: agent.agent_id, contactId: rc.id }, { kind: "agent", agentId: agent.agent_id, state: "available", reason: null });
        freed = agent.agent_id;
      }
    }
  });
  notifyAfterCommit(notices);
  if (freed) await matchAgent(freed);
}

async function createCallback(tenantId: string, interactionId: string, action: Extract<IvrAction, { type: "createCallbackTask" }>) {
  if (!action.number) return;
  await withTenant(tenantId, async (trx) => {
    const call = await trx.selectFrom("interactions").select(["queue_id", "customer_id"]).where("tenant_id", "=", tenantId).where("id", "=", interactionId).executeTakeFirst();
    // A voicemail left before any queue goes to the company's first queue, so someone calls back.
    const queueId =
      call?.queue_id ??
      (await trx.selectFrom("queues").select("id").where("tenant_id", "=", tenantId).orderBy("priority", "desc").orderBy("name").executeTakeFirst())?.id ??
      null;
    const note = [action.recording ? `recording ${action.recording.url} (${action.recording.seconds}s)` : "", ...Object.entries(action.variables).map(([k, v]) => `${k}=${v}`)]
      .filter(Boolean)
      .join("; ")
      .slice(0, 1000);
    await trx
      .insertInto("callback_tasks")
      .values({
        tenant_id: tenantId,
        interaction_id: interactionId,
        customer_id: call?.customer_id ?? null,
        queue_id: queueId,
        number: action.number!,
        reason: action.reason === "voicemail" ? "voicemail" : "ivr_offer",
        note,
      })
      .onConflict((oc) => oc.columns(["tenant_id", "interaction_id"]).where("interaction_id", "is not", null).doNothing())
      .execute();
    await trx.updateTable("interactions").set({ state: "callback" }).where("tenant_id", "=", tenantId).where("id", "=", interactionId).where("state", "not in", ["completed", "abandoned", "failed"]).execute();
  });
}
