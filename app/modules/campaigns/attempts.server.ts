import { sql } from "kysely";
import type { Executor, Trx } from "../platform/db.server";
import { readHolidays } from "../tenancy/calendar.server";
import { getCampaignIn, type Campaign } from "./campaigns.server";
import { addDncEntriesIn } from "./dnc.server";
import { attemptStateOf, contactAfterAttempt, dispositionRule } from "./model";
import type { AttemptOutcome } from "./window";

/**
 * Ending an attempt: its final state and outcome, and the contact's next step (window.ts nextAttempt
 * over the contact's history, moved into the callee's calling window, stopped by the campaign's end),
 * what the agent's disposition says for a connected call (retry later, add to DNC, a conversion), in
 * the caller's transaction. Every path that ends an attempt (a simulated or provider result, the
 * abandon rule, a disposition) comes through here, so the contact is moved the same way by all.
 */

export interface AttemptRef {
  tenantId: string;
  attemptId: string;
}

/** Holiday days per tenant, read once per dialer pass (they change rarely). */
export type HolidayCache = Map<string, Promise<Set<string>>>;

export function holidaysOf(trx: Trx, tenantId: string, cache?: HolidayCache): Promise<Set<string>> {
  const cached = cache?.get(tenantId);
  if (cached) return cached;
  const p = readHolidays(trx, tenantId).then((rows) => new Set(rows.map((r) => r.day)));
  cache?.set(tenantId, p);
  return p;
}

/** Campaigns per id, read once per dialer pass. */
export type CampaignCache = Map<string, Promise<Campaign | null>>;

export function campaignOf(trx: Executor, tenantId: string, campaignId: string, cache?: CampaignCache): Promise<Campaign | null> {
  const key = `${tenantId}:${campaignId}`;
  const cached = cache?.get(key);
  if (cached) return cached;
  const p = getCampaignIn(trx, tenantId, campaignId);
  cache?.set(key, p);
  return p;
}

export interface FinishInput {
  outcome: AttemptOutcome;
  at: Date;
  /** Connected calls: the agent's disposition code. */
  dispositionCode?: string | null;
  /** Why the attempt failed (provider error, not dialed), for the attempt log. */
  failure?: string | null;
  /** When the provider's call ended, if it has. */
  endedAt?: Date | null;
  connectedAt?: Date | null;
}

export interface Caches {
  holidays?: HolidayCache;
  campaigns?: CampaignCache;
}

/**
 * Ends a live attempt with its outcome and moves its contact. Returns false (nothing written) when
 * the attempt was not live any more: another process ended it first.
 */
export async function finishAttempt(trx: Trx, ref: AttemptRef, input: FinishInput, caches: Caches = {}): Promise<boolean> {
  const attempt = await trx
    .selectFrom("campaign_attempts")
    .select(["campaign_id", "contact_id", "state"])
    .where("tenant_id", "=", ref.tenantId)
    .where("id", "=", ref.attemptId)
    .forUpdate()
    .executeTakeFirst();
  if (!attempt || !["queued", "dialing", "ringing", "answered"].includes(attempt.state)) return false;
  const campaign = await campaignOf(trx, ref.tenantId, attempt.campaign_id, caches.campaigns);
  if (!campaign) return false;
  const contact = await trx
    .selectFrom("campaign_contacts")
    .select(["id", "e164", "callee_zone", "attempts", "outcomes", "last_attempt_at", "last_abandoned_at", "status", "converted"])
    .where("tenant_id", "=", ref.tenantId)
    .where("id", "=", attempt.contact_id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const rule = dispositionRule(campaign.dispositionRules, input.dispositionCode);
  const holidays = await holidaysOf(trx, ref.tenantId, caches.holidays);
  const update = contactAfterAttempt(
    contact,
    input.outcome,
    campaign.retryRules,
    input.at,
    { window: campaign.callingWindow, calleeZone: contact.callee_zone, holidays, endsAt: campaign.endsAt },
    { dispositionAction: rule.action, callbackDelayMinutes: campaign.callbackDelayMinutes },
  );
  let status = update.status;
  let doneReason = update.doneReason;
  // The campaign ended while this call was under way: nothing more is dialed for it.
  if (status === "pending" && campaign.status === "completed") {
    status = "cancelled";
    doneReason = "campaignCompleted";
  }
  const converted = contact.converted || (input.outcome === "connected" && rule.conversion);
  await trx
    .updateTable("campaign_contacts")
    .set({
      status,
      attempts: update.attempts,
      outcomes: JSON.stringify(update.outcomes),
      last_attempt_at: update.lastAttemptAt,
      last_abandoned_at: update.lastAbandonedAt,
      last_outcome: update.lastOutcome,
      ...(update.nextAttemptAt ? { next_attempt_at: update.nextAttemptAt } : {}),
      done_reason: doneReason,
      converted,
      ...(input.dispositionCode !== undefined ? { last_disposition: input.dispositionCode } : {}),
      updated_at: sql`now()`,
    })
    .where("tenant_id", "=", ref.tenantId)
    .where("id", "=", contact.id)
    .execute();
  await trx
    .updateTable("campaign_attempts")
    .set({
      state: attemptStateOf(input.outcome),
      outcome: input.outcome,
      disposition_code: input.dispositionCode ?? null,
      failure: input.failure ?? null,
      ...(input.endedAt ? { ended_at: input.endedAt } : {}),
      ...(input.connectedAt ? { connected_at: input.connectedAt } : {}),
    })
    .where("tenant_id", "=", ref.tenantId)
    .where("id", "=", ref.attemptId)
    .execute();
  if (update.status === "dnc") {
    // "Do not call me again": the tenant's list, so no campaign of this client calls the number again.
    await addDncEntriesIn(
      trx,
      { kind: "tenant", tenantId: ref.tenantId },
      [{ kind: "number", value: contact.e164, valueTo: null, expiresAt: null, note: input.dispositionCode ? `disposition ${input.dispositionCode}` : "" }],
      "disposition",
      { userId: null, label: "system (campaign disposition)" },
      { campaignId: campaign.id },
    );
  }
  return true;
}
