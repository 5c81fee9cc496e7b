import { sql } from "kysely";
import { appendEvents } from "../interactions/events.server";
import { endCall } from "../interactions/calls.server";
import { isProviderEndStatus } from "../interactions/states";
import { logger } from "../platform/logger.server";
import type { Trx } from "../platform/db.server";
import { enqueueMany } from "../platform/queues.server";
import { insertContact, matchContact } from "../routing/acd.server";
import { notifyAfterCommit, type RoutingNotice } from "../routing/notify.server";
import { customerForNumber } from "../customers/customers.server";
import { twilioClientFromEnv, type TwilioClient } from "../telephony/twilio-client.server";
import { withBureauScope } from "../tenancy/scope.server";
import { campaignOf, finishAttempt, holidaysOf, type AttemptRef, type Caches } from "./attempts.server";
import { abandonMessage, campaignProvider, hangUpProviderCall, placeProviderCall, playAndHangUp, type CampaignProvider } from "./calls.server";
import { completeIn } from "./campaigns.server";
import { checkDnc } from "./dnc";
import { dncIndexFor } from "./dnc.server";
import { isMachineAnswer, outcomeOfUnansweredEnd, simulationSchema } from "./model";
import { dialsToPlace, estimateAnswerRate, type AbandonStats, type DialingMode, type PacingDecision } from "./pacing";
import { providerStatusOf, simulatedCallPlan, type SimulatedCallPlan } from "./simulated-call";
import { canCallAt, nextCallableAt } from "./window";
import type { AttemptJob } from "./jobs";

/**
 * The dialer (issue 7). A tick (the `campaigns.dial` repeatable job, every second, or a direct call)
 * plays out what is due and then decides the next dials:
 *
 * 1. simulated calls whose ring time is over take their planned result: a person answers (the call
 *    joins the campaign's queue in the ACD, kind "campaign"), or no answer / busy / voicemail / failed
 *    (the call ends, the attempt ends, the contact's retry is scheduled);
 * 2. answered calls that no agent took within the campaign's abandon time hear the message and are
 *    abandoned (counted against the abandon cap; the 72 h cool-down holds for the contact);
 * 3. simulated calls the agent has finished get their provider end (call.ended with its duration);
 * 4. answered attempts whose interaction is over are ended with the agent's disposition (complete,
 *    retry later, add to DNC, conversion) or as abandoned when nobody ever took them;
 * 5. preview reservations an agent accepted ("Dial") are dialed;
 * 6. anything stuck (a lost job, a worker killed mid-dial) is picked up again;
 * 7. campaigns past their end are completed;
 * 8. for every running campaign: free agents of its queue, calls in flight on that queue, the abandon
 *    rate of answered calls over 24 h and 30 days and the recent answer rate give dialsToPlace; due
 *    contacts are taken (SKIP LOCKED), checked against the calling window in the callee's zone and
 *    against the DNC lists at that moment, and an attempt row is written for each (unique per contact
 *    and attempt number) before its `campaigns.attempt` job is queued.
 *
 * An attempt job creates the attempt's interaction and places the call. The attempt row moves
 * queued -> dialing -> ringing -> answered -> final, each step under the row's lock, so a job run twice,
 * a tick and a job racing, or a worker killed and restarted never dial one attempt twice: a simulated
 * call is placed in the same transaction that records it; a provider call is recorded "dialing" before
 * the REST request, and a "dialing" attempt found without its provider id (the worker died during the
 * request) is ended as failed rather than risk a second call to the same person.
 *
 * Every step is a short transaction in bureau scope (system work across tenants, like the routing
 * sweep) with explicit tenant filters; several workers may tick at once.
 */

export interface DialerOptions {
  now?: Date;
  /** Restrict the tick to these tenants (a shard of tenants; tests that must not touch others' rows). */
  tenantIds?: readonly string[];
  provider?: CampaignProvider;
  client?: TwilioClient | null;
  /** Dials one campaign may decide per tick (keeps each decision's transaction short). */
  maxDialsPerCampaign?: number;
  /** Place new attempts in this process instead of queueing their jobs (tests, the benchmark's variant). */
  inline?: boolean;
}

export interface TickResult {
  answered: number;
  unanswered: number;
  abandoned: number;
  hungUp: number;
  finalized: number;
  previewsDialed: number;
  recovered: number;
  completedCampaigns: number;
  dialed: number;
  outsideWindow: number;
  blockedDnc: number;
}

const NO_TENANT = "00000000-0000-0000-0000-000000000000";
const tenantFilter = (column: string, tenantIds: readonly string[] | undefined) =>
  tenantIds ? sql`and ${sql.ref(column)} = any(${[...tenantIds, NO_TENANT]}::uuid[])` : sql``;

/** Seconds an attempt may sit queued (its job lost) or dialing (its worker gone) before the tick takes it over. */
const STUCK_QUEUED_SECONDS = 10;
const STUCK_DIALING_SECONDS = 30;
/** A provider call that never reported back (no status callback) is given up after this long. */
const PROVIDER_SILENT_SECONDS = 600;

export async function dialerTick(opts: DialerOptions = {}): Promise<TickResult> {
  const now = opts.now ?? new Date();
  const caches: Caches = { holidays: new Map(), campaigns: new Map() };
  const result: TickResult = {
    answered: 0,
    unanswered: 0,
    abandoned: 0,
    hungUp: 0,
    finalized: 0,
    previewsDialed: 0,
    recovered: 0,
    completedCampaigns: 0,
    dialed: 0,
    outsideWindow: 0,
    blockedDnc: 0,
  };
  const advanced = await advanceSimulatedCalls(now, opts, caches);
  result.answered = advanced.answered;
  result.unanswered = advanced.unanswered;
  result.abandoned = await abandonUnserved(now, opts, caches);
  result.hungUp = await hangUpSimulatedCalls(now, opts);
  result.finalized = await finalizeAnswered(now, opts, caches);
  result.previewsDialed = await dialAcceptedPreviews(opts);
  result.recovered = await recoverStuck(now, opts, caches);
  result.completedCampaigns = await completeEndedCampaigns(now, opts);
  const dialed = await dialRunningCampaigns(now, opts, caches);
  result.dialed = dialed.dialed;
  result.outsideWindow = dialed.outsideWindow;
  result.blockedDnc = dialed.blockedDnc;
  return result;
}

// ---------------------------------------------------------------------------------------------
// 1. Simulated calls whose ring time is over

async function advanceSimulatedCalls(now: Date, opts: DialerOptions, caches: Caches): Promise<{ answered: number; unanswered: number }> {
  const due = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string; interaction_id: string; sim_plan: SimulatedCallPlan }>`/* hk:campaign-sim-due */
      select tenant_id, id, interaction_id, sim_plan from campaign_attempts
      where state = 'ringing' and provider = 'simulator' and sim_due_at <= ${now} ${tenantFilter("tenant_id", opts.tenantIds)}
      order by sim_due_at limit 500`.execute(trx);
    return rows;
  });
  let answered = 0;
  let unanswered = 0;
  for (const a of due) {
    const ref = { tenantId: a.tenant_id, attemptId: a.id };
    try {
      if (a.sim_plan.result === "human") {
        if (await answerAttempt(ref, { answeredBy: "human", now })) answered++;
      } else {
        const status = providerStatusOf(a.sim_plan.result);
        await endCall(a.tenant_id, a.interaction_id, status, { at: now, durationSeconds: a.sim_plan.result === "voicemail" ? 20 : 0 });
        const done = await withBureauScope((trx) =>
          finishAttempt(trx, ref, { outcome: outcomeOfUnansweredEnd(status), at: now, endedAt: now }, caches),
        );
        if (done) unanswered++;
      }
    } catch (err) {
      logger.warn({ err, attemptId: a.id }, "campaign: advancing a simulated call failed");
    }
  }
  return { answered, unanswered };
}

/**
 * A person answered. Progressive and power calls join the campaign's queue (kind "campaign") and are
 * offered to the best free agent at once; a preview call already has its agent on the line.
 */
export async function answerAttempt(ref: AttemptRef, input: { answeredBy: string; now?: Date }): Promise<boolean> {
  const now = input.now ?? new Date();
  const routed = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ interaction_id: string; mode: string; queue_key: string; campaign_id: string }>`
      select a.interaction_id, a.mode, q.key as queue_key, a.campaign_id
      from campaign_attempts a
      join campaigns c on c.tenant_id = a.tenant_id and c.id = a.campaign_id
      join queues q on q.tenant_id = c.tenant_id and q.id = c.queue_id
      where a.tenant_id = ${ref.tenantId} and a.id = ${ref.attemptId} and a.state in ('dialing', 'ringing')
      for update of a skip locked`.execute(trx);
    const a = rows[0];
    if (!a) return null;
    const preview = a.mode === "preview";
    await trx
      .updateTable("campaign_attempts")
      .set({ state: "answered", answered_at: now, ...(preview ? { connected_at: now } : {}) })
      .where("tenant_id", "=", ref.tenantId)
      .where("id", "=", ref.attemptId)
      .execute();
    await appendEvents(trx, ref.tenantId, a.interaction_id, [
      { type: "campaign.answered", at: now, data: { campaignId: a.campaign_id, attemptId: ref.attemptId, answeredBy: input.answeredBy, mode: a.mode } },
    ]);
    if (preview) return { contactId: null };
    const inserted = await insertContact(trx, { tenantId: ref.tenantId, interactionId: a.interaction_id, queueKey: a.queue_key, kind: "campaign" });
    return { contactId: inserted.contactId };
  });
  if (!routed) return false;
  if (routed.contactId) await matchContact(ref.tenantId, routed.contactId);
  return true;
}

// ---------------------------------------------------------------------------------------------
// 2. Answered calls nobody took: the message, and an abandon

async function abandonUnserved(now: Date, opts: DialerOptions, caches: Caches): Promise<number> {
  const candidates = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string; interaction_id: string; rc_id: string }>`/* hk:campaign-abandon-due */
      select a.tenant_id, a.id, a.interaction_id, rc.id as rc_id
      from campaign_attempts a
      join campaigns c on c.tenant_id = a.tenant_id and c.id = a.campaign_id
      join routing_contacts rc on rc.tenant_id = a.tenant_id and rc.interaction_id = a.interaction_id and rc.status = 'waiting' and rc.kind = 'campaign'
      where a.state = 'answered' and a.mode <> 'preview' ${tenantFilter("a.tenant_id", opts.tenantIds)}
        and rc.enqueued_at + make_interval(secs => c.abandon_after_seconds) <= ${now}
      order by rc.enqueued_at limit 200`.execute(trx);
    return rows;
  });
  let abandoned = 0;
  for (const c of candidates) {
    try {
      if (await abandonAttempt({ tenantId: c.tenant_id, attemptId: c.id }, c.rc_id, now, opts, caches)) abandoned++;
    } catch (err) {
      logger.warn({ err, attemptId: c.id }, "campaign: abandoning an unserved call failed");
    }
  }
  return abandoned;
}

async function abandonAttempt(ref: AttemptRef, routingContactId: string, now: Date, opts: DialerOptions, caches: Caches): Promise<boolean> {
  const notices: RoutingNotice[] = [];
  const done = await withBureauScope(async (trx) => {
    // The routing contact first: an ACD match holding it (an offer being made) wins, and we look again next tick.
    const rc = await trx
      .selectFrom("routing_contacts")
      .select(["id", "interaction_id", "queue_id"])
      .where("tenant_id", "=", ref.tenantId)
      .where("id", "=", routingContactId)
      .where("status", "=", "waiting")
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!rc) return null;
    const info = await trx
      .selectFrom("campaign_attempts as a")
      .innerJoin("interactions as i", (j) => j.onRef("i.tenant_id", "=", "a.tenant_id").onRef("i.id", "=", "a.interaction_id"))
      .innerJoin("tenants as t", "t.id", "a.tenant_id")
      .select(["a.campaign_id", "a.provider", "a.provider_call_id", "a.answered_at", "i.language", "t.name as tenant_name"])
      .where("a.tenant_id", "=", ref.tenantId)
      .where("a.id", "=", ref.attemptId)
      .executeTakeFirstOrThrow();
    const message = await abandonMessage(info.language, info.tenant_name);
    await trx.updateTable("routing_contacts").set({ status: "abandoned", ended_at: now }).where("tenant_id", "=", ref.tenantId).where("id", "=", rc.id).execute();
    await trx
      .updateTable("interactions")
      .set({ state: "abandoned", ended_at: sql`coalesce(ended_at, ${now}::timestamptz)` })
      .where("tenant_id", "=", ref.tenantId)
      .where("id", "=", rc.interaction_id)
      .execute();
    await appendEvents(trx, ref.tenantId, rc.interaction_id, [
      { type: "campaign.abandoned", at: now, data: { campaignId: info.campaign_id, attemptId: ref.attemptId, contactId: rc.id, message: message.text } },
    ]);
    const finished = await finishAttempt(trx, ref, { outcome: "abandoned", at: now }, caches);
    notices.push({ kind: "queue", tenantId: ref.tenantId, queueId: rc.queue_id });
    return finished ? { ...info, interactionId: rc.interaction_id, message } : null;
  });
  notifyAfterCommit(notices);
  if (!done) return false;
  const provider = opts.provider ?? campaignProvider();
  if (done.provider === "twilio" && done.provider_call_id && provider === "twilio") {
    // The provider's status callback then records the call's end and its duration.
    await playAndHangUp(done.provider_call_id, done.message, opts.client === undefined ? twilioClientFromEnv() : opts.client);
  } else {
    const talked = done.answered_at ? Math.max(0, Math.round((now.getTime() - done.answered_at.getTime()) / 1000)) : 0;
    await endCall(ref.tenantId, done.interactionId, "completed", { at: now, durationSeconds: talked + 5 });
    await markEnded(ref, now);
  }
  return true;
}

async function markEnded(ref: AttemptRef, at: Date) {
  await withBureauScope((trx) =>
    trx.updateTable("campaign_attempts").set({ ended_at: at }).where("tenant_id", "=", ref.tenantId).where("id", "=", ref.attemptId).where("ended_at", "is", null).execute(),
  );
}

// ---------------------------------------------------------------------------------------------
// 3. Simulated calls the agent finished

async function hangUpSimulatedCalls(now: Date, opts: DialerOptions): Promise<number> {
  const rows = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string; interaction_id: string; answered_at: Date }>`/* hk:campaign-sim-hangup */
      select a.tenant_id, a.id, a.interaction_id, a.answered_at
      from campaign_attempts a
      join interactions i on i.tenant_id = a.tenant_id and i.id = a.interaction_id
      where a.provider = 'simulator' and a.ended_at is null and a.answered_at is not null
        and a.state in ('answered', 'completed') and i.state in ('wrap_up', 'completed') ${tenantFilter("a.tenant_id", opts.tenantIds)}
      limit 500`.execute(trx);
    return rows;
  });
  for (const r of rows) {
    try {
      // The simulated callee hangs up with the agent: the provider's end of the call, with its length.
      await endCall(r.tenant_id, r.interaction_id, "completed", { at: now, durationSeconds: Math.max(0, Math.round((now.getTime() - r.answered_at.getTime()) / 1000)) });
      await markEnded({ tenantId: r.tenant_id, attemptId: r.id }, now);
    } catch (err) {
      logger.warn({ err, attemptId: r.id }, "campaign: ending a simulated call failed");
    }
  }
  return rows.length;
}

// ---------------------------------------------------------------------------------------------
// 4. Answered attempts whose interaction is over

async function finalizeAnswered(now: Date, opts: DialerOptions, caches: Caches): Promise<number> {
  const rows = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string; answered_at: Date | null; code: string | null }>`/* hk:campaign-finalize */
      select a.tenant_id, a.id, i.answered_at, d.code
      from campaign_attempts a
      join interactions i on i.tenant_id = a.tenant_id and i.id = a.interaction_id
      left join dispositions d on d.tenant_id = i.tenant_id and d.id = i.disposition_id
      where a.state = 'answered' and i.state in ('completed', 'abandoned', 'failed') ${tenantFilter("a.tenant_id", opts.tenantIds)}
      limit 500`.execute(trx);
    return rows;
  });
  let finalized = 0;
  for (const r of rows) {
    try {
      const ok = await withBureauScope((trx) =>
        finishAttempt(
          trx,
          { tenantId: r.tenant_id, attemptId: r.id },
          // An agent took it: the disposition decides. Nobody ever did: the callee hung up while waiting, an abandon.
          r.answered_at ? { outcome: "connected", at: now, dispositionCode: r.code, connectedAt: r.answered_at } : { outcome: "abandoned", at: now },
          caches,
        ),
      );
      if (ok) finalized++;
    } catch (err) {
      logger.warn({ err, attemptId: r.id }, "campaign: finalizing an attempt failed");
    }
  }
  return finalized;
}

// ---------------------------------------------------------------------------------------------
// 5. Preview reservations an agent accepted

async function dialAcceptedPreviews(opts: DialerOptions): Promise<number> {
  const rows = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string }>`/* hk:campaign-preview-accepted */
      select a.tenant_id, a.id from campaign_attempts a
      join routing_contacts rc on rc.tenant_id = a.tenant_id and rc.interaction_id = a.interaction_id and rc.status = 'connected'
      where a.mode = 'preview' and a.state = 'queued' and a.interaction_id is not null ${tenantFilter("a.tenant_id", opts.tenantIds)}
      limit 200`.execute(trx);
    return rows;
  });
  let dialed = 0;
  for (const r of rows) if (await dialPreview({ tenantId: r.tenant_id, attemptId: r.id }, opts)) dialed++;
  return dialed;
}

/** The agent pressed Dial on a preview: the call is placed with the agent already on the line. */
export async function dialPreview(ref: AttemptRef, opts: DialerOptions = {}): Promise<boolean> {
  const provider = opts.provider ?? campaignProvider();
  const placed = await withBureauScope(async (trx) => {
    const a = await lockAttempt(trx, ref, { skipLocked: true });
    if (!a || a.state !== "queued" || a.mode !== "preview" || !a.interaction_id) return null;
    return placeIn(trx, a, a.interaction_id, provider, new Date());
  });
  if (!placed) return false;
  await afterPlacing(ref, placed, opts);
  return true;
}

// ---------------------------------------------------------------------------------------------
// 6. Stuck attempts

async function recoverStuck(now: Date, opts: DialerOptions, caches: Caches): Promise<number> {
  const rows = await withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string; state: string; provider: string | null }>`/* hk:campaign-stuck */
      select tenant_id, id, state, provider from campaign_attempts
      where ((state = 'queued' and interaction_id is null and created_at < ${now}::timestamptz - make_interval(secs => ${STUCK_QUEUED_SECONDS}))
          or (state = 'dialing' and provider_call_id is null and dialed_at < ${now}::timestamptz - make_interval(secs => ${STUCK_DIALING_SECONDS}))
          or (state = 'ringing' and provider = 'twilio' and dialed_at < ${now}::timestamptz - make_interval(secs => ${PROVIDER_SILENT_SECONDS})))
        ${tenantFilter("tenant_id", opts.tenantIds)}
      limit 200`.execute(trx);
    return rows;
  });
  let recovered = 0;
  for (const r of rows) {
    const ref = { tenantId: r.tenant_id, attemptId: r.id };
    try {
      if (r.state === "ringing") {
        // The provider never reported back: give the call up (and make sure it is not ringing on).
        const a = await withBureauScope((trx) => trx.selectFrom("campaign_attempts").select(["provider_call_id", "interaction_id"]).where("tenant_id", "=", r.tenant_id).where("id", "=", r.id).executeTakeFirst());
        if (a?.provider_call_id) await hangUpProviderCall(a.provider_call_id, opts.client === undefined ? twilioClientFromEnv() : opts.client);
        if (a?.interaction_id) await endCall(r.tenant_id, a.interaction_id, "failed", { at: now });
        if (await withBureauScope((trx) => finishAttempt(trx, ref, { outcome: "failed", at: now, failure: "providerSilent", endedAt: now }, caches))) recovered++;
      } else {
        await handleAttemptJob(ref, opts);
        recovered++;
      }
    } catch (err) {
      logger.warn({ err, attemptId: r.id }, "campaign: recovering an attempt failed");
    }
  }
  return recovered;
}

// ---------------------------------------------------------------------------------------------
// 7. Campaigns past their end

async function completeEndedCampaigns(now: Date, opts: DialerOptions): Promise<number> {
  return withBureauScope(async (trx) => {
    const { rows } = await sql<{ tenant_id: string; id: string }>`
      select tenant_id, id from campaigns
      where status in ('running', 'paused') and ends_at is not null and ends_at <= ${now} ${tenantFilter("tenant_id", opts.tenantIds)}
      for update skip locked`.execute(trx);
    for (const c of rows) await completeIn(trx, c.tenant_id, c.id, "completed", "failed");
    return rows.length;
  });
}

// ---------------------------------------------------------------------------------------------
// 8. New dials

interface RunningCampaign {
  tenant_id: string;
  id: string;
  queue_id: string;
  dialing_mode: DialingMode;
  power_ratio: string;
  abandon_cap_bp: number;
  required_skills: string[];
  queue_language: string | null;
}

/** The 30-day abandon window changes slowly; read it at most this often per campaign. */
const STATS_30D_TTL_MS = 10_000;
const stats30dCache = new Map<string, { at: number; stats: AbandonStats }>();

async function dialRunningCampaigns(now: Date, opts: DialerOptions, caches: Caches): Promise<{ dialed: number; outsideWindow: number; blockedDnc: number }> {
  const campaigns = await withBureauScope(async (trx) => {
    const { rows } = await sql<RunningCampaign>`/* hk:campaign-running */
      select c.tenant_id, c.id, c.queue_id, c.dialing_mode, c.power_ratio::text as power_ratio, c.abandon_cap_bp, q.required_skills, q.language as queue_language
      from campaigns c
      join queues q on q.tenant_id = c.tenant_id and q.id = c.queue_id
      join tenants t on t.id = c.tenant_id and t.status = 'active'
      where c.status = 'running' and (c.starts_at is null or c.starts_at <= ${now}) and (c.ends_at is null or c.ends_at > ${now})
        ${tenantFilter("c.tenant_id", opts.tenantIds)}
      order by c.priority desc, c.started_at, c.id`.execute(trx);
    return rows;
  });
  let dialed = 0;
  let outsideWindow = 0;
  let blockedDnc = 0;
  const jobs: AttemptJob[] = [];
  for (const c of campaigns) {
    try {
      const r = await dialCampaign(c, now, opts, caches);
      dialed += r.attemptIds.length;
      outsideWindow += r.outsideWindow;
      blockedDnc += r.blockedDnc;
      for (const id of r.attemptIds) jobs.push({ tenantId: c.tenant_id, attemptId: id });
    } catch (err) {
      logger.warn({ err, campaignId: c.id }, "campaign: dialing decision failed");
    }
  }
  if (jobs.length) {
    if (opts.inline) {
      for (const j of jobs) await handleAttemptJob(j, opts);
    } else {
      try {
        await enqueueMany("campaigns.attempt", jobs);
      } catch (err) {
        // The attempts are recorded; the next ticks place them themselves (recoverStuck).
        logger.warn({ err, jobs: jobs.length }, "campaign: queueing attempt jobs failed");
      }
    }
  }
  return { dialed, outsideWindow, blockedDnc };
}

export interface CampaignDecision {
  attemptIds: string[];
  outsideWindow: number;
  blockedDnc: number;
  pacing: PacingDecision | null;
  freeAgents: number;
}

/** One campaign's dialing decision, in one transaction that holds the campaign row (SKIP LOCKED). */
async function dialCampaign(c: RunningCampaign, now: Date, opts: DialerOptions, caches: Caches): Promise<CampaignDecision> {
  const maxDials = opts.maxDialsPerCampaign ?? 200;
  return withBureauScope(async (trx) => {
    const none: CampaignDecision = { attemptIds: [], outsideWindow: 0, blockedDnc: 0, pacing: null, freeAgents: 0 };
    const locked = await sql<{ id: string }>`select id from campaigns where tenant_id = ${c.tenant_id} and id = ${c.id} and status = 'running' for update skip locked`.execute(trx);
    if (!locked.rows[0]) return none;
    const freeAgents = await countFreeAgents(trx, c);
    if (freeAgents === 0) return { ...none, freeAgents };
    const inFlight = await countInFlight(trx, c);
    let want: number;
    let pacing: PacingDecision | null = null;
    if (c.dialing_mode === "preview") {
      // One reservation per free agent: each waits in the queue as an offer the agent reads and dials.
      want = Math.max(0, freeAgents - inFlight);
    } else {
      const stats = await pacingStats(trx, c, now);
      pacing = dialsToPlace({
        mode: c.dialing_mode,
        ratio: Number(c.power_ratio),
        freeAgents,
        dialingNow: inFlight,
        answerRate: estimateAnswerRate(stats.lastHour),
        abandonStats24h: stats.day,
        abandonStats30d: stats.month,
        cap: c.abandon_cap_bp / 10_000,
      });
      want = pacing.dials;
    }
    want = Math.min(want, maxDials);
    if (want <= 0) return { ...none, pacing, freeAgents };

    const campaign = await campaignOf(trx, c.tenant_id, c.id, caches.campaigns);
    if (!campaign) return none;
    const holidays = await holidaysOf(trx, c.tenant_id, caches.holidays);
    let outsideWindow = 0;
    let blockedDnc = 0;
    const chosen: { id: string; e164: string }[] = [];
    // A few more than needed, since some may be outside their window or on a DNC list now.
    const batch = await trx
      .selectFrom("campaign_contacts")
      .select(["id", "e164", "callee_zone"])
      .where("tenant_id", "=", c.tenant_id)
      .where("campaign_id", "=", c.id)
      .where("status", "=", "pending")
      .where("next_attempt_at", "<=", now)
      .orderBy("next_attempt_at")
      .orderBy("id")
      .limit(Math.min(want * 2 + 10, 1000))
      .forUpdate()
      .skipLocked()
      .execute();
    if (batch.length === 0) return { ...none, pacing, freeAgents };
    const open: typeof batch = [];
    const later: { id: string; at: Date | null }[] = [];
    for (const contact of batch) {
      if (canCallAt(campaign.callingWindow, now, contact.callee_zone, holidays)) open.push(contact);
      else later.push({ id: contact.id, at: nextCallableAt(campaign.callingWindow, now, contact.callee_zone, holidays) });
    }
    for (const l of later) {
      outsideWindow++;
      // Outside the callee's window now: due again when it next opens (never, within a month: given up).
      await trx
        .updateTable("campaign_contacts")
        .set(l.at ? { next_attempt_at: l.at, updated_at: now } : { status: "failed", done_reason: "noWindow", updated_at: now })
        .where("tenant_id", "=", c.tenant_id)
        .where("id", "=", l.id)
        .execute();
    }
    if (open.length) {
      const index = await dncIndexFor(trx, c.tenant_id, open.map((o) => o.e164), now);
      const blocked: string[] = [];
      for (const contact of open) {
        if (index.size > 0 && checkDnc(index, contact.e164, c.tenant_id, now).status === "blocked") blocked.push(contact.id);
        else if (chosen.length < want) chosen.push(contact);
      }
      if (blocked.length) {
        blockedDnc = blocked.length;
        await trx
          .updateTable("campaign_contacts")
          .set({ status: "dnc", done_reason: "dnc", updated_at: now })
          .where("tenant_id", "=", c.tenant_id)
          .where("id", "in", blocked)
          .execute();
      }
    }
    if (chosen.length === 0) return { ...none, outsideWindow, blockedDnc, pacing, freeAgents };
    // The attempt number follows the contact's last attempt; the unique key makes a repeat a no-op.
    const { rows: created } = await sql<{ id: string; contact_id: string }>`/* hk:campaign-new-attempts */
      insert into campaign_attempts (tenant_id, campaign_id, contact_id, attempt_no, mode, state)
      select ${c.tenant_id}::uuid, ${c.id}::uuid, cc.id,
        greatest(cc.attempts, coalesce((select max(x.attempt_no) from campaign_attempts x where x.tenant_id = cc.tenant_id and x.contact_id = cc.id), 0)) + 1,
        ${c.dialing_mode}, 'queued'
      from campaign_contacts cc
      where cc.tenant_id = ${c.tenant_id} and cc.id = any(${chosen.map((x) => x.id)}::uuid[])
      on conflict on constraint campaign_attempts_once_key do nothing
      returning id, contact_id`.execute(trx);
    if (created.length) {
      await trx
        .updateTable("campaign_contacts")
        .set({ status: "in_progress", updated_at: now })
        .where("tenant_id", "=", c.tenant_id)
        .where("id", "in", created.map((r) => r.contact_id))
        .execute();
    }
    return { attemptIds: created.map((r) => r.id), outsideWindow, blockedDnc, pacing, freeAgents };
  });
}

/** Available agents of the campaign's queue who could take its calls (the matcher's own eligibility). */
async function countFreeAgents(trx: Trx, c: RunningCampaign): Promise<number> {
  const { rows } = await sql<{ n: number }>`/* hk:campaign-free-agents */
    select count(*)::int as n
    from agent_queue_assignments q
    join agent_states s on s.agent_id = q.agent_id
    join agents a on a.user_id = q.agent_id
    where q.tenant_id = ${c.tenant_id} and q.queue_id = ${c.queue_id} and s.state = 'available'
      and a.skills @> ${c.required_skills}::text[]
      and (${c.queue_language}::text is null or ${c.queue_language}::text = any(a.languages))
      and not exists (select 1 from agent_assignments d where d.agent_id = q.agent_id and d.dedicated and d.tenant_id <> q.tenant_id)`.execute(trx);
  return rows[0]?.n ?? 0;
}

/**
 * Calls that may still need an agent of this queue, across every campaign dialing into it: queued,
 * dialing and ringing attempts, and answered ones no agent has taken yet.
 */
async function countInFlight(trx: Trx, c: RunningCampaign): Promise<number> {
  const { rows } = await sql<{ n: number }>`/* hk:campaign-in-flight */
    select count(*)::int as n
    from campaign_attempts a
    join campaigns k on k.tenant_id = a.tenant_id and k.id = a.campaign_id
    left join routing_contacts rc on rc.tenant_id = a.tenant_id and rc.interaction_id = a.interaction_id and rc.status = 'waiting'
    where a.tenant_id = ${c.tenant_id} and k.queue_id = ${c.queue_id}
      and (a.state in ('queued', 'dialing', 'ringing') or (a.state = 'answered' and rc.id is not null))`.execute(trx);
  return rows[0]?.n ?? 0;
}

interface PacingStats {
  day: AbandonStats;
  month: AbandonStats;
  lastHour: { attempts: number; humanAnswered: number };
}

/**
 * The campaign's abandon windows (answered by a person; abandoned of those) and its recent answer
 * rate (dials ended in the last hour, and how many a person answered): what the pacing reads.
 */
async function pacingStats(trx: Trx, c: RunningCampaign, now: Date): Promise<PacingStats> {
  const { rows } = await sql<{ h24: number; a24: number; dials1h: number; human1h: number }>`/* hk:campaign-pacing-day */
    select
      count(*) filter (where answered_at >= ${now}::timestamptz - interval '24 hours')::int as h24,
      count(*) filter (where state = 'abandoned' and answered_at >= ${now}::timestamptz - interval '24 hours')::int as a24,
      count(*) filter (where dialed_at >= ${now}::timestamptz - interval '1 hour' and state not in ('queued', 'dialing', 'ringing'))::int as dials1h,
      count(*) filter (where dialed_at >= ${now}::timestamptz - interval '1 hour' and answered_at is not null)::int as human1h
    from campaign_attempts
    where tenant_id = ${c.tenant_id} and campaign_id = ${c.id} and created_at >= ${now}::timestamptz - interval '24 hours'`.execute(trx);
  const r = rows[0] ?? { h24: 0, a24: 0, dials1h: 0, human1h: 0 };
  const key = `${c.tenant_id}:${c.id}`;
  let month = stats30dCache.get(key);
  if (!month || now.getTime() - month.at > STATS_30D_TTL_MS || now.getTime() < month.at) {
    const m = await sql<{ h: number; a: number }>`/* hk:campaign-pacing-month */
      select count(*)::int as h, count(*) filter (where state = 'abandoned')::int as a
      from campaign_attempts
      where tenant_id = ${c.tenant_id} and campaign_id = ${c.id} and answered_at >= ${now}::timestamptz - interval '30 days'`.execute(trx);
    month = { at: now.getTime(), stats: { humanAnswered: m.rows[0]?.h ?? 0, abandoned: m.rows[0]?.a ?? 0 } };
    stats30dCache.set(key, month);
  }
  // The month window always holds the day's: never read it smaller than the day (a stale cache).
  const monthStats = { humanAnswered: Math.max(month.stats.humanAnswered, r.h24), abandoned: Math.max(month.stats.abandoned, r.a24) };
  return { day: { humanAnswered: r.h24, abandoned: r.a24 }, month: monthStats, lastHour: { attempts: r.dials1h, humanAnswered: r.human1h } };
}

// ---------------------------------------------------------------------------------------------
// The attempt job

interface LockedAttempt {
  tenant_id: string;
  id: string;
  campaign_id: string;
  contact_id: string;
  attempt_no: number;
  mode: string;
  state: string;
  interaction_id: string | null;
  provider: string | null;
  provider_call_id: string | null;
  e164: string;
  campaign_status: string;
  queue_key: string;
  caller_id: string | null;
  simulation: unknown;
  default_locale: string;
}

async function lockAttempt(trx: Trx, ref: AttemptRef, opts: { skipLocked?: boolean } = {}): Promise<LockedAttempt | null> {
  const { rows } = await sql<LockedAttempt>`/* hk:campaign-lock-attempt */
    select a.tenant_id, a.id, a.campaign_id, a.contact_id, a.attempt_no, a.mode, a.state, a.interaction_id, a.provider, a.provider_call_id,
      cc.e164, c.status as campaign_status, q.key as queue_key, c.caller_id, c.simulation, t.default_locale
    from campaign_attempts a
    join campaign_contacts cc on cc.tenant_id = a.tenant_id and cc.id = a.contact_id
    join campaigns c on c.tenant_id = a.tenant_id and c.id = a.campaign_id
    join queues q on q.tenant_id = c.tenant_id and q.id = c.queue_id
    join tenants t on t.id = a.tenant_id
    where a.tenant_id = ${ref.tenantId} and a.id = ${ref.attemptId}
    for update of a ${opts.skipLocked ? sql`skip locked` : sql``}`.execute(trx);
  return rows[0] ?? null;
}

type Placed =
  | { kind: "simulated" }
  | { kind: "provider"; interactionId: string; to: string; from: string | null }
  | { kind: "preview"; contactId: string };

/**
 * One dial (the `campaigns.attempt` job; the tick runs it itself for attempts whose job was lost).
 * Idempotent by the attempt's state under its row lock: only a queued attempt is dialed.
 */
export async function handleAttemptJob(ref: AttemptJob, opts: DialerOptions = {}): Promise<void> {
  const provider = opts.provider ?? campaignProvider();
  const now = new Date();
  const placed = await withBureauScope(async (trx): Promise<Placed | null> => {
    const a = await lockAttempt(trx, ref);
    if (!a) return null;
    if (a.state === "dialing" && !a.provider_call_id) {
      // A worker died while placing this call. The simulator placed nothing outside this database,
      // so placing it now is the first and only time; a provider may have taken the request, so
      // rather than risk ringing the person twice the attempt ends as failed (its retry rule applies).
      if (a.provider === "simulator") return placeSimulated(trx, a, a.interaction_id!, now);
      await finishAttempt(trx, ref, { outcome: "failed", at: now, failure: "providerUnknown" });
      return null;
    }
    if (a.state !== "queued" || (a.mode === "preview" && a.interaction_id)) return null;
    if (a.campaign_status === "completed") {
      await releaseAttempt(trx, a, "campaignCompleted");
      return null;
    }
    // DNC again at the moment of dialing: a number added since the tick's check is not called.
    const index = await dncIndexFor(trx, a.tenant_id, [a.e164], now);
    if (index.size > 0 && checkDnc(index, a.e164, a.tenant_id, now).status === "blocked") {
      await releaseAttempt(trx, a, "dnc");
      return null;
    }
    const customerId = await customerForNumber(trx, a.tenant_id, a.e164);
    const from = a.caller_id ?? (await trx.selectFrom("tenant_phone_numbers").select("e164").where("tenant_id", "=", a.tenant_id).orderBy("e164").executeTakeFirst())?.e164 ?? null;
    const preview = a.mode === "preview";
    const interaction = await trx
      .insertInto("interactions")
      .values({
        tenant_id: a.tenant_id,
        channel: "voice",
        direction: "outbound",
        // Not in any IVR: "ivr" is the state of a call the platform handles before a queue or an agent
        // has it (the interaction states have no "ringing"); it ends like one when nobody answers.
        state: "ivr",
        // A preview lives only in the platform until the agent presses Dial (and is not a callback to
        // place when accepted): its provider is set when the call is placed.
        provider: preview ? "simulator" : provider,
        to_number: a.e164,
        from_number: from,
        customer_id: customerId,
        language: a.default_locale,
        started_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendEvents(trx, a.tenant_id, interaction.id, [
      {
        type: preview ? "campaign.preview" : "campaign.dialing",
        at: now,
        data: { campaignId: a.campaign_id, attemptId: a.id, attemptNo: a.attempt_no, contactId: a.contact_id, mode: a.mode, to: a.e164, from },
      },
    ]);
    if (preview) {
      await trx.updateTable("campaign_attempts").set({ interaction_id: interaction.id }).where("tenant_id", "=", a.tenant_id).where("id", "=", a.id).execute();
      const inserted = await insertContact(trx, { tenantId: a.tenant_id, interactionId: interaction.id, queueKey: a.queue_key, kind: "campaign" });
      return { kind: "preview", contactId: inserted.contactId };
    }
    return placeIn(trx, a, interaction.id, provider, now);
  });
  if (!placed) return;
  if (placed.kind === "preview") {
    await matchContact(ref.tenantId, placed.contactId);
    return;
  }
  await afterPlacing(ref, placed, opts);
}

/** Marks the attempt dialing; a simulated call is placed right here, in the same transaction. */
async function placeIn(trx: Trx, a: LockedAttempt, interactionId: string, provider: CampaignProvider, now: Date): Promise<Placed> {
  await trx
    .updateTable("campaign_attempts")
    .set({ state: "dialing", interaction_id: interactionId, provider, dialed_at: now })
    .where("tenant_id", "=", a.tenant_id)
    .where("id", "=", a.id)
    .execute();
  if (a.mode === "preview") {
    await appendEvents(trx, a.tenant_id, interactionId, [{ type: "campaign.dialing", at: now, data: { campaignId: a.campaign_id, attemptId: a.id, attemptNo: a.attempt_no, mode: a.mode, to: a.e164 } }]);
  }
  if (provider === "simulator") return placeSimulated(trx, a, interactionId, now);
  const to = a.e164;
  return { kind: "provider", interactionId, to, from: a.caller_id };
}

async function placeSimulated(trx: Trx, a: LockedAttempt, interactionId: string, now: Date): Promise<Placed> {
  const profile = simulationSchema.safeParse(a.simulation);
  const plan = simulatedCallPlan(profile.success ? profile.data : simulationSchema.parse({}), a.id);
  const providerCallId = `sim-camp-${a.id}`;
  await trx
    .updateTable("campaign_attempts")
    .set({
      state: "ringing",
      provider: "simulator",
      provider_call_id: providerCallId,
      sim_plan: JSON.stringify(plan),
      sim_due_at: new Date(now.getTime() + plan.ringSeconds * 1000),
    })
    .where("tenant_id", "=", a.tenant_id)
    .where("id", "=", a.id)
    .execute();
  await trx.updateTable("interactions").set({ provider_call_id: providerCallId }).where("tenant_id", "=", a.tenant_id).where("id", "=", interactionId).execute();
  await appendEvents(trx, a.tenant_id, interactionId, [{ type: "call.placed", at: now, data: { provider: "simulator", providerCallId, to: a.e164, attemptId: a.id } }]);
  return { kind: "simulated" };
}

/** After the dialing commit: a provider call is requested, its id recorded, or the attempt failed. */
async function afterPlacing(ref: AttemptRef, placed: Placed, opts: DialerOptions) {
  if (placed.kind !== "provider") return;
  const client = opts.client === undefined ? twilioClientFromEnv() : opts.client;
  const now = new Date();
  try {
    if (!client) throw new Error("notConfigured");
    if (!placed.from) throw new Error("noCallerId");
    const call = await placeProviderCall(client, { tenantId: ref.tenantId, attemptId: ref.attemptId, to: placed.to, from: placed.from });
    await withBureauScope(async (trx) => {
      await trx
        .updateTable("campaign_attempts")
        .set({ state: "ringing", provider_call_id: call.providerCallId })
        .where("tenant_id", "=", ref.tenantId)
        .where("id", "=", ref.attemptId)
        .where("state", "=", "dialing")
        .execute();
      await trx.updateTable("interactions").set({ provider: "twilio", provider_call_id: call.providerCallId }).where("tenant_id", "=", ref.tenantId).where("id", "=", placed.interactionId).execute();
      await appendEvents(trx, ref.tenantId, placed.interactionId, [{ type: "call.placed", at: now, data: { provider: "twilio", providerCallId: call.providerCallId, to: placed.to, attemptId: ref.attemptId } }]);
    });
  } catch (err) {
    logger.warn({ err, attemptId: ref.attemptId }, "campaign: placing the call failed");
    const reason = err instanceof Error ? err.message.slice(0, 200) : "error";
    await withBureauScope(async (trx) => {
      await appendEvents(trx, ref.tenantId, placed.interactionId, [{ type: "call.placeFailed", at: now, data: { reason, attemptId: ref.attemptId } }]);
    });
    await endCall(ref.tenantId, placed.interactionId, "failed", { at: now });
    await withBureauScope((trx) => finishAttempt(trx, ref, { outcome: "failed", at: now, failure: reason, endedAt: now }));
  }
}

/** An attempt that will not be dialed after all (DNC since, the campaign ended): it ends without a call. */
async function releaseAttempt(trx: Trx, a: LockedAttempt, why: "dnc" | "campaignCompleted") {
  await trx.updateTable("campaign_attempts").set({ state: "failed", failure: why === "dnc" ? "dnc" : "notDialed" }).where("tenant_id", "=", a.tenant_id).where("id", "=", a.id).execute();
  await trx
    .updateTable("campaign_contacts")
    .set({ status: why === "dnc" ? "dnc" : "cancelled", done_reason: why, updated_at: sql`now()` })
    .where("tenant_id", "=", a.tenant_id)
    .where("id", "=", a.contact_id)
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Provider reports (the campaign webhook)

/** The provider says the callee's line was answered: by a person (into the ACD) or by a machine (voicemail). */
export async function providerAnswered(ref: AttemptRef, answeredBy: string | null): Promise<{ mode: string; interactionId: string } | null> {
  const info = await withBureauScope((trx) =>
    trx.selectFrom("campaign_attempts").select(["mode", "interaction_id", "state"]).where("tenant_id", "=", ref.tenantId).where("id", "=", ref.attemptId).executeTakeFirst(),
  );
  if (!info?.interaction_id) return null;
  if (isMachineAnswer(answeredBy)) {
    await withBureauScope(async (trx) => {
      await trx.updateTable("campaign_attempts").set({ sim_plan: JSON.stringify({ answeredBy }) }).where("tenant_id", "=", ref.tenantId).where("id", "=", ref.attemptId).execute();
      await appendEvents(trx, ref.tenantId, info.interaction_id!, [{ type: "campaign.machine", data: { attemptId: ref.attemptId, answeredBy } }]);
    });
    return { mode: info.mode, interactionId: info.interaction_id };
  }
  await answerAttempt(ref, { answeredBy: answeredBy ?? "human" });
  return { mode: info.mode, interactionId: info.interaction_id };
}

/** The provider's final status: the interaction's end, and for a call nobody answered, the attempt's outcome. */
export async function providerEnded(ref: AttemptRef, status: string, durationSeconds: number | null): Promise<void> {
  const info = await withBureauScope((trx) =>
    trx.selectFrom("campaign_attempts").select(["interaction_id", "state", "sim_plan"]).where("tenant_id", "=", ref.tenantId).where("id", "=", ref.attemptId).executeTakeFirst(),
  );
  if (!info?.interaction_id) return;
  const now = new Date();
  if (isProviderEndStatus(status)) await endCall(ref.tenantId, info.interaction_id, status, { at: now, durationSeconds });
  if (info.state === "ringing" || info.state === "dialing") {
    const machine = isMachineAnswer((info.sim_plan as { answeredBy?: string } | null)?.answeredBy);
    const outcome = machine ? "voicemail" : outcomeOfUnansweredEnd(status);
    await withBureauScope((trx) => finishAttempt(trx, ref, { outcome, at: now, endedAt: now }));
  } else {
    // Answered: the ACD and the agent's disposition end it (the call's end reached routing through endCall).
    await markEnded(ref, now);
  }
}
