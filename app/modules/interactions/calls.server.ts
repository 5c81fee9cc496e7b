import { isLanguage, type Language } from "../i18n/config";
import type { BusinessCalendar } from "../ivr/calendar";
import { initialCallState, step, type CallState, type CallStatus, type IvrAction, type IvrEvent } from "../ivr/interpreter";
import { flowSchema, type Flow } from "../ivr/model";
import type { Trx } from "../platform/db.server";
import { customerForNumber } from "../customers/customers.server";
import { applyIvrActions, callEnded } from "../routing/ivr-bridge.server";
import { readBusinessCalendar } from "../tenancy/calendar.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { appendEvents, updateWithEvents, type NewEvent } from "./events.server";
import { isTerminalState, stateAfterIvrStep, stateOnProviderEnd, type InteractionState, type ProviderEndStatus } from "./states";

/**
 * Voice calls as interactions (issue 3): one row per call with its pinned IVR flow version and the
 * interpreter's state, and an append-only event list (call.started, ivr.step, state.changed,
 * call.ended) from which reports and billing count.
 *
 * Every change locks the interaction row and appends its events in the same transaction, so two
 * webhooks for one call are applied one after the other, and a repeated webhook carrying the same
 * idempotency key returns what the first one answered and writes nothing.
 */

export type CallProvider = "simulator" | "twilio";
export type CallDirection = "inbound" | "outbound";

export interface ResolvedNumber {
  tenantId: string;
  numberId: string;
  /** The flow that answers the number; null when none is assigned. */
  flowId: string | null;
}

export interface Call {
  id: string;
  tenantId: string;
  state: InteractionState;
  direction: CallDirection;
  provider: CallProvider;
  providerCallId: string | null;
  from: string | null;
  to: string | null;
  numberId: string | null;
  flowId: string | null;
  flowVersion: number | null;
  language: Language;
  ivr: CallState | null;
  variables: Record<string, string>;
  /** Node ids the caller went through, in order. */
  ivrPath: string[];
  startedAt: Date;
  endedAt: Date | null;
}

export interface CallEvent {
  seq: number;
  type: string;
  at: Date;
  data: Record<string, unknown>;
  idempotencyKey: string | null;
}

export type CallErrorKey = "notFound" | "noFlow" | "notPublished" | "noIvr" | "callIdTaken";

/**
 * notFound: no such call for the tenant (404). noFlow: the number has no flow assigned. notPublished:
 * the flow has no published version. noIvr: the call runs no IVR. callIdTaken: the provider call id
 * belongs to another tenant's call. Adapters answer the caller politely for noFlow/notPublished.
 */
export class CallError extends Error {
  constructor(public readonly key: CallErrorKey) {
    super(`call: ${key}`);
  }
}

const E164_RE = /^\+[1-9][0-9]{6,14}$/;

/**
 * The tenant owning a dialled number: a system lookup in bureau scope, before any user or tenant
 * is known (ADR 0001). Unknown or malformed numbers, and numbers of a suspended tenant, give null.
 */
export async function resolveNumber(e164: string): Promise<ResolvedNumber | null> {
  const number = e164.trim();
  if (!E164_RE.test(number)) return null;
  const row = await withBureauScope((trx) =>
    trx
      .selectFrom("tenant_phone_numbers as n")
      .innerJoin("tenants as t", "t.id", "n.tenant_id")
      .select(["n.tenant_id", "n.id", "n.ivr_flow_id"])
      .where("n.e164", "=", number)
      .where("t.status", "=", "active")
      .executeTakeFirst(),
  );
  return row ? { tenantId: row.tenant_id, numberId: row.id, flowId: row.ivr_flow_id } : null;
}

export interface CallOwner {
  tenantId: string;
  interactionId: string;
}

/**
 * Owners of calls this process started or looked up, so a webhook step needs no transaction of its own
 * to find its call. An entry cannot go stale: a stored provider call id never moves to another
 * interaction or tenant (the application neither updates nor deletes it). Only committed calls are
 * remembered. Bounded; oldest out first.
 */
const callOwners = new Map<string, CallOwner>();
const CALL_OWNERS_MAX = 10_000;

function rememberCallOwner(provider: CallProvider, providerCallId: string, owner: CallOwner) {
  const key = `${provider}:${providerCallId}`;
  if (callOwners.has(key)) return;
  if (callOwners.size >= CALL_OWNERS_MAX) callOwners.delete(callOwners.keys().next().value!);
  callOwners.set(key, owner);
}

/**
 * Which tenant's interaction a provider call id belongs to: a system lookup in bureau scope (ADR 0001)
 * for provider callbacks on a call already under way, which carry nothing but the call id we can trust.
 * Unlike resolveNumber it ignores the tenant's status, so a call taken before a suspension still
 * steps and ends. It returns the two ids and nothing else; all further work runs in withTenant.
 */
export async function findCallOwner(provider: CallProvider, providerCallId: string): Promise<CallOwner | null> {
  const known = callOwners.get(`${provider}:${providerCallId}`);
  if (known) return known;
  const row = await withBureauScope((trx) =>
    trx
      .selectFrom("interactions")
      .select(["tenant_id", "id"])
      .where("provider", "=", provider)
      .where("provider_call_id", "=", providerCallId)
      .executeTakeFirst(),
  );
  if (!row) return null;
  const owner = { tenantId: row.tenant_id, interactionId: row.id };
  rememberCallOwner(provider, providerCallId, owner);
  return owner;
}

const CALL_COLUMNS = [
  "id",
  "tenant_id",
  "state",
  "direction",
  "provider",
  "provider_call_id",
  "from_number",
  "to_number",
  "phone_number_id",
  "flow_id",
  "flow_version",
  "language",
  "ivr_state",
  "variables",
  "started_at",
  "ended_at",
] as const;

type CallRow = {
  id: string;
  tenant_id: string;
  state: string;
  direction: string;
  provider: string;
  provider_call_id: string | null;
  from_number: string | null;
  to_number: string | null;
  phone_number_id: string | null;
  flow_id: string | null;
  flow_version: number | null;
  language: string;
  ivr_state: unknown;
  variables: unknown;
  started_at: Date;
  ended_at: Date | null;
};

function toCall(r: CallRow): Call {
  const ivr = (r.ivr_state ?? null) as CallState | null;
  return {
    id: r.id,
    tenantId: r.tenant_id,
    state: r.state as InteractionState,
    direction: r.direction as CallDirection,
    provider: r.provider as CallProvider,
    providerCallId: r.provider_call_id,
    from: r.from_number,
    to: r.to_number,
    numberId: r.phone_number_id,
    flowId: r.flow_id,
    flowVersion: r.flow_version,
    language: isLanguage(r.language) ? r.language : "fa",
    ivr,
    variables: (r.variables ?? {}) as Record<string, string>,
    ivrPath: ivr?.path.map((p) => p.nodeId) ?? [],
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

async function lockCall(trx: Trx, tenantId: string, interactionId: string): Promise<CallRow> {
  const row = await trx
    .selectFrom("interactions")
    .select(CALL_COLUMNS)
    .where("tenant_id", "=", tenantId)
    .where("id", "=", interactionId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new CallError("notFound");
  return row;
}

/**
 * A call's pinned version was published when the call started, and a published version is never
 * edited (a change is a new version), so its parsed form is kept per process: every IVR step of
 * every call would otherwise re-read and re-validate the same definition. Bounded; oldest out first.
 */
const pinnedFlows = new Map<string, Flow>();
const PINNED_FLOWS_MAX = 500;

async function pinnedFlow(trx: Trx, tenantId: string, flowId: string, version: number): Promise<Flow> {
  const key = `${tenantId}:${flowId}:${version}`;
  const cached = pinnedFlows.get(key);
  if (cached) return cached;
  const row = await trx
    .selectFrom("ivr_flow_versions")
    .select(["definition", "status"])
    .where("tenant_id", "=", tenantId)
    .where("flow_id", "=", flowId)
    .where("version", "=", version)
    .executeTakeFirstOrThrow();
  const flow = flowSchema.parse(row.definition);
  if (row.status !== "draft") {
    if (pinnedFlows.size >= PINNED_FLOWS_MAX) pinnedFlows.delete(pinnedFlows.keys().next().value!);
    pinnedFlows.set(key, flow);
  }
  return flow;
}

export interface StartCallInput {
  tenantId: string;
  provider: CallProvider;
  /** Twilio's CallSid; a repeated start with the same id returns the existing call. */
  providerCallId?: string | null;
  from?: string | null;
  to?: string | null;
  numberId?: string | null;
  /** Defaults to the flow assigned to `numberId`. */
  flowId?: string | null;
  direction?: CallDirection;
  /** The call's language until the caller picks one; defaults to the tenant's default language. */
  language?: Language;
  at?: Date;
}

/**
 * Creates the interaction (state "ivr") on the flow's published version, pinned for the whole call,
 * with the interpreter's initial state, and appends "call.started". The IVR itself starts with
 * applyStep({ type: "start", ... }), or in the same transaction through startCallWithIvr. Throws
 * CallError noFlow / notPublished when there is nothing to run.
 */
export function startCall(input: StartCallInput): Promise<{ call: Call; duplicate: boolean }> {
  return withTenant(input.tenantId, (trx) => startCallIn(trx, input));
}

/** startCall inside a transaction already scoped to input.tenantId. */
async function startCallIn(trx: Trx, input: StartCallInput): Promise<{ call: Call; duplicate: boolean }> {
  const { tenantId } = input;
  const providerCallId = input.providerCallId ?? null;
  if (providerCallId !== null) {
    const existing = await trx
      .selectFrom("interactions")
      .select(CALL_COLUMNS)
      .where("tenant_id", "=", tenantId)
      .where("provider", "=", input.provider)
      .where("provider_call_id", "=", providerCallId)
      .executeTakeFirst();
    if (existing) return { call: toCall(existing), duplicate: true };
  }
  let flowId = input.flowId ?? null;
  if (flowId === null && input.numberId) {
    const number = await trx
      .selectFrom("tenant_phone_numbers")
      .select("ivr_flow_id")
      .where("tenant_id", "=", tenantId)
      .where("id", "=", input.numberId)
      .executeTakeFirst();
    flowId = number?.ivr_flow_id ?? null;
  }
  if (flowId === null) throw new CallError("noFlow");
  const published = await trx
    .selectFrom("ivr_flow_versions")
    .select("version")
    .where("tenant_id", "=", tenantId)
    .where("flow_id", "=", flowId)
    .where("status", "=", "published")
    .executeTakeFirst();
  if (!published) throw new CallError("notPublished");
  let language = input.language;
  if (!language) {
    const tenant = await trx.selectFrom("tenants").select("default_locale").where("id", "=", tenantId).executeTakeFirst();
    language = tenant && isLanguage(tenant.default_locale) ? tenant.default_locale : "fa";
  }
  const ivr: CallState = { ...initialCallState(`${flowId}@${published.version}`), language, caller: input.from ?? null };
  // The caller's number is the tenant's customer (created on first contact) for the 360 view.
  const customerId = await customerForNumber(trx, tenantId, (input.direction ?? "inbound") === "inbound" ? (input.from ?? null) : (input.to ?? null));
  const row = await trx
    .insertInto("interactions")
    .values({
      tenant_id: tenantId,
      channel: "voice",
      direction: input.direction ?? "inbound",
      state: "ivr",
      provider: input.provider,
      provider_call_id: providerCallId,
      from_number: input.from ?? null,
      to_number: input.to ?? null,
      phone_number_id: input.numberId ?? null,
      customer_id: customerId,
      flow_id: flowId,
      flow_version: published.version,
      language,
      ivr_state: JSON.stringify(ivr),
      ...(input.at ? { started_at: input.at } : {}),
    })
    .onConflict((oc) => oc.columns(["provider", "provider_call_id"]).where("provider_call_id", "is not", null).doNothing())
    .returning(CALL_COLUMNS)
    .executeTakeFirst();
  if (!row) throw new CallError("callIdTaken");
  await appendEvents(trx, tenantId, row.id, [
    {
      type: "call.started",
      at: input.at,
      data: {
        provider: row.provider,
        providerCallId,
        direction: row.direction,
        from: row.from_number,
        to: row.to_number,
        numberId: row.phone_number_id,
        flowId,
        flowVersion: published.version,
        language,
        state: "ivr",
      },
    },
  ]);
  return { call: toCall(row), duplicate: false };
}

export interface StepOutcome {
  actions: IvrAction[];
  /**
   * What the actions are rendered with: the IVR status and language right after the step, and the hold
   * music of the queue node the call then waits in (null outside a queue). A duplicate gets those of
   * the first delivery, so an adapter answers it with the same document.
   */
  status: CallStatus;
  language: Language;
  holdMusicUrl: string | null;
  /** The call's IVR state now: after this step, or as it stands for a duplicate. */
  state: CallState;
  interactionState: InteractionState;
  /** True when the idempotency key was seen before: the stored answer is returned, nothing changed. */
  duplicate: boolean;
}

/** The interpreter's environment; without a calendar the tenant's is read in the step's transaction. */
export interface StepEnv {
  calendar?: BusinessCalendar;
  now?: Date;
}

type StoredStep = { actions?: IvrAction[]; ivrStatus?: CallStatus; language?: string; nodeId?: string | null };

function holdMusicOf(flow: Flow, status: CallStatus, nodeId: string | null): string | null {
  if (status !== "queued" || nodeId === null) return null;
  const node = flow.nodes.find((n) => n.id === nodeId);
  return node?.type === "queue" ? (node.musicUrl ?? null) : null;
}

/**
 * Runs one IVR input on the call's pinned flow version, in one transaction: lock the interaction, answer
 * a repeated idempotency key from the stored event, else step the interpreter, store its state,
 * language and variables, move the interaction state (states.ts) and append an "ivr.step" event with
 * the input, the actions, the nodes entered and what the answer is rendered with (plus "state.changed"
 * when the state moved). Give each distinct webhook delivery a key (e.g. `${CallSid}:${step}`); null
 * disables the check.
 */
export async function applyStep(tenantId: string, interactionId: string, event: IvrEvent, env: StepEnv, idempotencyKey: string | null): Promise<StepOutcome> {
  const outcome = await withTenant(tenantId, (trx) => applyStepIn(trx, tenantId, interactionId, event, env, idempotencyKey));
  if (!outcome.duplicate) await handToRouting(tenantId, interactionId, outcome, env);
  return outcome;
}

/**
 * After a step committed, the ACD takes the call's queue, leave-queue and callback actions (every
 * adapter gets this through applyStep). A duplicate delivery hands nothing over again.
 */
async function handToRouting(tenantId: string, interactionId: string, outcome: Pick<StepOutcome, "actions" | "status">, env: StepEnv = {}) {
  const { actions } = outcome;
  if (actions.some((a) => a.type === "enqueue" || a.type === "leaveQueue" || a.type === "createCallbackTask")) {
    const routed = await applyIvrActions(tenantId, interactionId, actions, env);
    // Turned away after hours: the simulator is its own provider, so it hangs the line up here (a
    // TwiML provider hangs up on the <Hangup> it was sent and reports the end with its duration).
    if (routed.afterHours?.endSimulatedCall) {
      await endCall(tenantId, interactionId, "completed");
      return;
    }
  }
  // The call left the IVR for good (the caller hung up in the queue, a transfer out): nothing stays routed.
  if (outcome.status === "ended" || outcome.status === "transferred") await callEnded(tenantId, interactionId);
}

/**
 * startCall and the IVR's first step ({ type: "start" } in the call's language) in one transaction: a
 * new call costs one round trip to the tenant's data, and never exists without its first answer. A
 * repeat of an earlier start finds the call (duplicate) and gets the stored first answer.
 */
export async function startCallWithIvr(
  input: StartCallInput,
  idempotencyKey: string | null,
  env: StepEnv = {},
): Promise<{ call: Call; duplicate: boolean; outcome: StepOutcome }> {
  const result = await withTenant(input.tenantId, async (trx) => {
    const started = await startCallIn(trx, input);
    const { call } = started;
    const outcome = await applyStepIn(trx, call.tenantId, call.id, { type: "start", caller: input.from ?? null }, env, idempotencyKey);
    return { ...started, outcome };
  });
  const { call } = result;
  if (call.providerCallId !== null) rememberCallOwner(call.provider, call.providerCallId, { tenantId: call.tenantId, interactionId: call.id });
  if (!result.outcome.duplicate) await handToRouting(call.tenantId, call.id, result.outcome, env);
  return result;
}

/** applyStep inside a transaction already scoped to the tenant. */
async function applyStepIn(
  trx: Trx,
  tenantId: string,
  interactionId: string,
  event: IvrEvent,
  env: StepEnv,
  idempotencyKey: string | null,
): Promise<StepOutcome> {
  const row = await lockCall(trx, tenantId, interactionId);
  const current = row.ivr_state as CallState | null;
  if (!current || row.flow_id === null || row.flow_version === null) throw new CallError("noIvr");
  const interactionState = row.state as InteractionState;
  // A statement of its own after the lock, not a subquery of the locking one: only a snapshot taken
  // after the lock sees the event a concurrent delivery of the same key committed while we waited.
  const found =
    idempotencyKey === null
      ? undefined
      : await trx
          .selectFrom("interaction_events")
          .select("data")
          .where("tenant_id", "=", tenantId)
          .where("interaction_id", "=", interactionId)
          .where("idempotency_key", "=", idempotencyKey)
          .executeTakeFirst();
  if (found) {
    const seen = (found.data ?? {}) as StoredStep;
    const status = seen.ivrStatus ?? current.status;
    const nodeId = seen.nodeId !== undefined ? seen.nodeId : current.nodeId;
    const holdMusicUrl = status === "queued" ? holdMusicOf(await pinnedFlow(trx, tenantId, row.flow_id, row.flow_version), status, nodeId) : null;
    return {
      actions: seen.actions ?? [],
      status,
      language: isLanguage(seen.language) ? seen.language : current.language,
      holdMusicUrl,
      state: current,
      interactionState,
      duplicate: true,
    };
  }
  // Only a step that runs needs the calendar, so a duplicate delivery never reads it.
  const [flow, calendar] = await Promise.all([
    pinnedFlow(trx, tenantId, row.flow_id, row.flow_version),
    env.calendar ?? readBusinessCalendar(trx, tenantId),
  ]);
  const now = env.now ?? new Date();
  // A start without a language keeps the one the call was created with (the tenant's default).
  const input: IvrEvent = event.type === "start" && event.language === undefined ? { ...event, language: current.language } : event;
  const result = step(flow, current, input, { calendar, now });
  const from = interactionState;
  const to = stateAfterIvrStep(from, result.state, result.actions);
  const endsNow = to !== from && isTerminalState(to) && result.state.status === "ended" && row.ended_at === null;
  const stored: StoredStep & { input: IvrEvent; path: string[] } = {
    input,
    actions: result.actions,
    path: result.state.path.slice(current.path.length).map((p) => p.nodeId),
    nodeId: result.state.nodeId,
    ivrStatus: result.state.status,
    language: result.state.language,
  };
  const events: NewEvent[] = [
    { type: "ivr.step", at: now, idempotencyKey, data: stored },
    ...(to !== from ? [{ type: "state.changed", at: now, data: { from, to, cause: "ivr" } }] : []),
  ];
  // The update and the events are one statement: one round trip less on every webhook step.
  await updateWithEvents(
    trx,
    trx
      .updateTable("interactions")
      .set({
        ivr_state: JSON.stringify(result.state),
        language: result.state.language,
        variables: JSON.stringify(result.state.variables),
        state: to,
        ...(endsNow ? { ended_at: now } : {}),
      })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", interactionId),
    tenantId,
    interactionId,
    events,
  );
  return {
    actions: result.actions,
    status: result.state.status,
    language: result.state.language,
    holdMusicUrl: holdMusicOf(flow, result.state.status, result.state.nodeId),
    state: result.state,
    interactionState: to,
    duplicate: false,
  };
}

/**
 * The provider reports the call over (status callback, or the simulator hanging up), once per call:
 * "call.ended" carries its status and its duration, which billing counts. A call the IVR already ended
 * (hang-up node, callback accepted) keeps its state and end time and still gets that record. Otherwise
 * the interaction state follows stateOnProviderEnd, a still-running IVR sees the caller hang up, and
 * "state.changed" follows when the state moved. A repeat, once the provider's end is recorded, changes
 * nothing (duplicate: true).
 */
export async function endCall(
  tenantId: string,
  interactionId: string,
  status: ProviderEndStatus,
  opts: { at?: Date; durationSeconds?: number | null } = {},
): Promise<{ state: InteractionState; duplicate: boolean }> {
  const result = await endCallTx(tenantId, interactionId, status, opts);
  // Whatever the ACD held for the call (a waiting contact, a ringing offer, a connected agent) ends too.
  if (!result.duplicate) await callEnded(tenantId, interactionId);
  return result;
}

function endCallTx(
  tenantId: string,
  interactionId: string,
  status: ProviderEndStatus,
  opts: { at?: Date; durationSeconds?: number | null } = {},
): Promise<{ state: InteractionState; duplicate: boolean }> {
  return withTenant(tenantId, async (trx) => {
    const row = await lockCall(trx, tenantId, interactionId);
    const from = row.state as InteractionState;
    const at = opts.at ?? new Date();
    const ended = (state: InteractionState): NewEvent => ({
      type: "call.ended",
      at,
      data: { providerStatus: status, durationSeconds: opts.durationSeconds ?? null, state },
    });
    if (row.ended_at !== null) {
      const reported = await trx
        .selectFrom("interaction_events")
        .select("seq")
        .where("tenant_id", "=", tenantId)
        .where("interaction_id", "=", interactionId)
        .where("type", "=", "call.ended")
        .executeTakeFirst();
      if (reported) return { state: from, duplicate: true };
      await appendEvents(trx, tenantId, interactionId, [ended(from)]);
      return { state: from, duplicate: false };
    }
    const to = stateOnProviderEnd(from, status);
    let ivr = row.ivr_state as CallState | null;
    if (ivr && row.flow_id !== null && row.flow_version !== null && ivr.status !== "ended") {
      const flow = await pinnedFlow(trx, tenantId, row.flow_id, row.flow_version);
      ivr = step(flow, ivr, { type: "callerHangup" }, { calendar: { timeZone: "Asia/Tehran", hours: [], specialHours: [], holidays: [] }, now: at }).state;
    }
    await trx
      .updateTable("interactions")
      .set({ state: to, ended_at: at, ...(ivr ? { ivr_state: JSON.stringify(ivr) } : {}) })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", interactionId)
      .execute();
    await appendEvents(trx, tenantId, interactionId, [
      ended(to),
      ...(to !== from ? [{ type: "state.changed", at, data: { from, to, cause: "provider" } }] : []),
    ]);
    return { state: to, duplicate: false };
  });
}

/** The call a provider id (Twilio CallSid) belongs to, within the tenant. */
export function findCallByProviderId(tenantId: string, provider: CallProvider, providerCallId: string): Promise<Call | null> {
  return withTenant(tenantId, async (trx) => {
    const row = await trx
      .selectFrom("interactions")
      .select(CALL_COLUMNS)
      .where("tenant_id", "=", tenantId)
      .where("provider", "=", provider)
      .where("provider_call_id", "=", providerCallId)
      .executeTakeFirst();
    return row ? toCall(row) : null;
  });
}

/** One call with its events in order; null when the tenant has no such call (404). */
export function getCall(tenantId: string, interactionId: string): Promise<(Call & { events: CallEvent[] }) | null> {
  return withTenant(tenantId, async (trx) => {
    const row = await trx.selectFrom("interactions").select(CALL_COLUMNS).where("tenant_id", "=", tenantId).where("id", "=", interactionId).executeTakeFirst();
    if (!row) return null;
    const events = await trx
      .selectFrom("interaction_events")
      .select(["seq", "type", "at", "data", "idempotency_key"])
      .where("tenant_id", "=", tenantId)
      .where("interaction_id", "=", interactionId)
      .orderBy("seq")
      .execute();
    return {
      ...toCall(row),
      events: events.map((e) => ({ seq: e.seq, type: e.type, at: e.at, data: (e.data ?? {}) as Record<string, unknown>, idempotencyKey: e.idempotency_key })),
    };
  });
}

/** The tenant's most recent calls, newest first, each with its IVR path (the recent-calls list). */
export function listCalls(tenantId: string, opts: { limit?: number } = {}): Promise<Call[]> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 20), 1), 200);
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("interactions")
      .select(CALL_COLUMNS)
      .where("tenant_id", "=", tenantId)
      .orderBy("started_at", "desc")
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map(toCall);
  });
}
