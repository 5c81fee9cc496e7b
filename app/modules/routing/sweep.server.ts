import { sql } from "kysely";
import { appendEvents } from "../interactions/events.server";
import { withBureauScope } from "../tenancy/scope.server";
import { expireOffers, insertContact, matchableContacts, matchContact } from "./acd.server";
import { notifyAfterCommit, type RoutingNotice } from "./notify.server";
import { diskT } from "../i18n/disk-t.server";
import { isLanguage } from "../i18n/config";
import { moveOverflowedCall } from "../telephony/call-control.server";
import { voiceFor } from "../telephony/twiml";

async function callbackPromise(language: string): Promise<string> {
  const lng = isLanguage(language) ? language : "fa";
  const t = await diskT(lng, "telephony");
  return t("call.callbackPromise");
}

/**
 * The routing timer (run every second by the workers process): expires offers, overflows contacts
 * that waited past their queue's maximum, turns due callback tasks into contacts, and retries matching
 * for contacts a lock made some trigger skip. Each step is its own short transaction with SKIP
 * LOCKED, so several workers may sweep at once.
 */
export interface SweepResult {
  expired: number;
  overflowed: number;
  callbacksQueued: number;
  matched: number;
}

/** Restricts a sweep to some tenants (a sweeper per shard of tenants; tests that must not touch others' rows). */
export interface SweepScope {
  tenantIds?: readonly string[];
}

export async function sweep(now?: Date, scope: SweepScope = {}): Promise<SweepResult> {
  const expired = await expireOffers();
  const overflowed = await overflowDue(100, scope);
  const callbacksQueued = await queueDueCallbacks(now, 50, scope);
  const matched = await retryWaiting(200, scope);
  return { expired, overflowed, callbacksQueued, matched };
}

/**
 * Contacts waiting longer than their queue's max wait take the queue's overflow action:
 * - queue: moved to the overflow queue, keeping their original wait;
 * - callback / voicemail: the caller is promised a call back: a callback task keeps the number and
 *   the reason, and the interaction leaves the queue (state "callback");
 * - external: the interaction is marked for transfer to the queue's external number (the telephony
 *   adapter dials it);
 * - none: the contact keeps waiting.
 */
export async function overflowDue(limit = 100, scope: SweepScope = {}): Promise<number> {
  const notices: RoutingNotice[] = [];
  const moved: { tenantId: string; contactId: string }[] = [];
  const redirects: { tenantId: string; interactionId: string; action: "external" | "callback" | "voicemail"; number: string | null; language: string }[] = [];
  const count = await withBureauScope(async (trx) => {
    const rows = await trx
      .selectFrom("routing_contacts as rc")
      .innerJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "rc.tenant_id").onRef("q.id", "=", "rc.queue_id"))
      .leftJoin("queues as oq", (j) => j.onRef("oq.tenant_id", "=", "q.tenant_id").onRef("oq.id", "=", "q.overflow_queue_id"))
      .innerJoin("interactions as i", (j) => j.onRef("i.tenant_id", "=", "rc.tenant_id").onRef("i.id", "=", "rc.interaction_id"))
      .select([
        "rc.id",
        "rc.tenant_id",
        "rc.interaction_id",
        "rc.queue_id",
        "rc.enqueued_at",
        "rc.kind",
        "q.overflow_action",
        "q.overflow_number",
        "oq.key as overflow_key",
        "i.from_number",
        "i.to_number",
        "i.direction",
        "i.customer_id",
        "i.language",
      ])
      .where("rc.status", "=", "waiting")
      // An answered campaign call waits seconds, not minutes: the dialer abandons it (campaigns/dialer.server.ts).
      .where("rc.kind", "<>", "campaign")
      .$if(scope.tenantIds !== undefined, (qb) => qb.where("rc.tenant_id", "in", [...scope.tenantIds!, "00000000-0000-0000-0000-000000000000"]))
      .where("q.overflow_action", "<>", "none")
      .where(sql<boolean>`rc.enqueued_at + make_interval(secs => q.max_wait_seconds) < now()`)
      .orderBy("rc.enqueued_at")
      .limit(limit)
      .forUpdate("rc")
      .skipLocked()
      .execute();
    for (const r of rows) {
      // The interaction first, as a webhook step on the same call takes it: the two never cross.
      await trx.selectFrom("interactions").select("id").where("tenant_id", "=", r.tenant_id).where("id", "=", r.interaction_id).forUpdate().execute();
      await trx.updateTable("routing_contacts").set({ status: "overflowed", ended_at: sql`now()` }).where("tenant_id", "=", r.tenant_id).where("id", "=", r.id).execute();
      await appendEvents(trx, r.tenant_id, r.interaction_id, [{ type: "routing.overflow", data: { contactId: r.id, action: r.overflow_action } }]);
      notices.push({ kind: "queue", tenantId: r.tenant_id, queueId: r.queue_id });
      if (r.overflow_action === "queue" && r.overflow_key) {
        const { contactId } = await insertContact(trx, {
          tenantId: r.tenant_id,
          interactionId: r.interaction_id,
          queueKey: r.overflow_key,
          kind: r.kind as "call" | "callback" | "campaign",
          enqueuedAt: r.enqueued_at,
        });
        moved.push({ tenantId: r.tenant_id, contactId });
      } else if (r.overflow_action === "callback" || r.overflow_action === "voicemail") {
        const number = r.direction === "inbound" ? r.from_number : r.to_number;
        if (number) {
          await trx
            .insertInto("callback_tasks")
            .values({
              tenant_id: r.tenant_id,
              interaction_id: r.interaction_id,
              customer_id: r.customer_id,
              queue_id: r.queue_id,
              number,
              reason: r.overflow_action === "voicemail" ? "voicemail" : "overflow",
            })
            .onConflict((oc) => oc.columns(["tenant_id", "interaction_id"]).where("interaction_id", "is not", null).doNothing())
            .execute();
        }
        await trx.updateTable("interactions").set({ state: "callback" }).where("tenant_id", "=", r.tenant_id).where("id", "=", r.interaction_id).execute();
        redirects.push({ tenantId: r.tenant_id, interactionId: r.interaction_id, action: r.overflow_action, number: null, language: r.language });
      } else if (r.overflow_action === "external") {
        redirects.push({ tenantId: r.tenant_id, interactionId: r.interaction_id, action: "external", number: r.overflow_number, language: r.language });
        await appendEvents(trx, r.tenant_id, r.interaction_id, [{ type: "routing.transferExternal", data: { number: r.overflow_number } }]);
        await trx
          .updateTable("interactions")
          .set({ state: "completed", ended_at: sql`coalesce(ended_at, now())` })
          .where("tenant_id", "=", r.tenant_id)
          .where("id", "=", r.interaction_id)
          .execute();
      }
    }
    return rows.length;
  });
  notifyAfterCommit(notices);
  for (const m of moved) await matchContact(m.tenantId, m.contactId);
  // The live calls follow: dialled onwards, or told about the callback and ended (TwiML provider).
  for (const r of redirects) {
    const promise = r.action === "external" ? null : { text: await callbackPromise(r.language), language: voiceFor(r.language).language ?? r.language };
    await moveOverflowedCall(r.tenantId, r.interactionId, r.action, r.number, promise);
  }
  return count;
}

/**
 * Callback tasks that are due become outbound interactions waiting in their queue (kind "callback"),
 * routed like any contact; the agent who accepts one has the adapter place the call.
 */
export async function queueDueCallbacks(now?: Date, limit = 50, scope: SweepScope = {}): Promise<number> {
  const queued: { tenantId: string; contactId: string }[] = [];
  await withBureauScope(async (trx) => {
    const due = await trx
      .selectFrom("callback_tasks as c")
      .innerJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "c.tenant_id").onRef("q.id", "=", "c.queue_id"))
      .select(["c.id", "c.tenant_id", "c.number", "c.customer_id", "c.reason", "q.key as queue_key"])
      .where("c.status", "=", "open")
      .$if(scope.tenantIds !== undefined, (qb) => qb.where("c.tenant_id", "in", [...scope.tenantIds!, "00000000-0000-0000-0000-000000000000"]))
      .where("c.due_at", "<=", now ?? sql<Date>`now()`)
      .orderBy("c.due_at")
      .limit(limit)
      .forUpdate("c")
      .skipLocked()
      .execute();
    for (const task of due) {
      const call = await trx
        .insertInto("interactions")
        .values({
          tenant_id: task.tenant_id,
          direction: "outbound",
          state: "queued",
          provider: "simulator",
          to_number: task.number,
          customer_id: task.customer_id,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await appendEvents(trx, task.tenant_id, call.id, [{ type: "callback.queued", data: { callbackId: task.id, reason: task.reason } }]);
      const { contactId } = await insertContact(trx, { tenantId: task.tenant_id, interactionId: call.id, queueKey: task.queue_key, kind: "callback" });
      await trx
        .updateTable("callback_tasks")
        .set({ status: "queued", attempts: sql`attempts + 1` })
        .where("tenant_id", "=", task.tenant_id)
        .where("id", "=", task.id)
        .execute();
      queued.push({ tenantId: task.tenant_id, contactId });
    }
  });
  for (const q of queued) await matchContact(q.tenantId, q.contactId);
  return queued.length;
}

/** Matching for waiting contacts whose triggers found every candidate locked at that moment. */
export async function retryWaiting(limit = 200, scope: SweepScope = {}): Promise<number> {
  let matched = 0;
  for (const w of await matchableContacts(limit, scope.tenantIds)) if (await matchContact(w.tenant_id, w.id)) matched++;
  return matched;
}
