import { sql } from "kysely";
import { customerForNumber } from "../customers/customers.server";
import { isLanguage } from "../i18n/config";
import { diskT } from "../i18n/disk-t.server";
import { appendEvents } from "../interactions/events.server";
import { isOpenAt, nextOpening, type BusinessCalendar } from "../ivr/calendar";
import type { IvrAction } from "../ivr/interpreter";
import { logger } from "../platform/logger.server";
import { moveOverflowedCall } from "../telephony/call-control.server";
import { voiceFor } from "../telephony/twiml";
import { readBusinessCalendar } from "../tenancy/calendar.server";
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
  /**
   * The queue was closed and took its after-hours action instead: the caller has been told (TwiML
   * provider) and the platform's own (simulated) call should now end.
   */
  afterHours: { action: AfterHours; endSimulatedCall: boolean } | null;
}

type AfterHours = "callback" | "voicemail" | "message";

/** What the IVR step decided with: its calendar and clock (the after-hours check must agree with it). */
export interface BridgeEnv {
  calendar?: BusinessCalendar;
  now?: Date;
}

export async function applyIvrActions(tenantId: string, interactionId: string, actions: readonly IvrAction[], env: BridgeEnv = {}): Promise<BridgeResult> {
  let result: BridgeResult = { contactId: null, offer: null, afterHours: null };
  for (const action of actions) {
    if (action.type === "leaveQueue") await leaveQueue(tenantId, interactionId);
    else if (action.type === "createCallbackTask") await createCallback(tenantId, interactionId, action);
    else if (action.type === "enqueue") {
      const closed = await afterHours(tenantId, interactionId, action.queueId, env);
      if (closed) {
        result = { ...result, afterHours: closed };
        continue;
      }
      try {
        const r = await enqueue({ tenantId, interactionId, queueKey: action.queueId });
        result = { ...result, contactId: r.contactId, offer: r.offer };
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

/**
 * A call that reaches a queue while the tenant is closed (its calendar: hours, special days,
 * holidays) gets the queue's after-hours behaviour instead of waiting: "queue" keeps it queueing (a
 * line staffed around the clock), "callback" and "voicemail" keep the number as a callback task due
 * when the tenant next opens, "message" says the closed message. The caller hears why and the call
 * ends. Null: open, or the queue keeps queueing, or the queue is unknown (enqueue reports that).
 */
async function afterHours(tenantId: string, interactionId: string, queueKey: string, env: BridgeEnv): Promise<BridgeResult["afterHours"]> {
  const now = env.now ?? new Date();
  const decided = await withTenant(tenantId, async (trx) => {
    const queue = await trx.selectFrom("queues").select(["id", "after_hours"]).where("tenant_id", "=", tenantId).where("key", "=", queueKey).executeTakeFirst();
    if (!queue || queue.after_hours === "queue") return null;
    const calendar = env.calendar ?? (await readBusinessCalendar(trx, tenantId));
    if (isOpenAt(calendar, now)) return null;
    const action = queue.after_hours as AfterHours;
    const call = await trx
      .selectFrom("interactions")
      .select(["from_number", "to_number", "direction", "customer_id", "provider", "language", "state"])
      .where("tenant_id", "=", tenantId)
      .where("id", "=", interactionId)
      .forUpdate()
      .executeTakeFirst();
    if (!call || ["completed", "abandoned", "failed", "callback"].includes(call.state)) return null;
    const number = call.direction === "inbound" ? call.from_number : call.to_number;
    const opensAt = nextOpening(calendar, now);
    const keepsNumber = action !== "message" && number !== null;
    if (keepsNumber) {
      await trx
        .insertInto("callback_tasks")
        .values({
          tenant_id: tenantId,
          interaction_id: interactionId,
          customer_id: call.customer_id,
          queue_id: queue.id,
          number: number!,
          reason: action === "voicemail" ? "voicemail" : "after_hours",
          due_at: opensAt ?? now,
        })
        .onConflict((oc) => oc.columns(["tenant_id", "interaction_id"]).where("interaction_id", "is not", null).doNothing())
        .execute();
    }
    await trx
      .updateTable("interactions")
      .set({ state: keepsNumber ? "callback" : "completed", queue_id: queue.id })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", interactionId)
      .execute();
    await appendEvents(trx, tenantId, interactionId, [
      { type: "routing.afterHours", data: { queueId: queue.id, queueKey, action, callbackDueAt: keepsNumber ? (opensAt ?? now).toISOString() : null } },
    ]);
    return { action, keepsNumber, provider: call.provider, language: call.language };
  });
  if (!decided) return null;
  const lng = isLanguage(decided.language) ? decided.language : "fa";
  const t = await diskT(lng, "telephony");
  const text = t(decided.keepsNumber ? "call.afterHoursCallback" : "call.closedMessage");
  await moveOverflowedCall(tenantId, interactionId, decided.action === "message" ? "message" : decided.action, null, {
    text,
    language: voiceFor(lng).language ?? lng,
  });
  return { action: decided.action, endSimulatedCall: decided.provider === "simulator" };
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
