import { sql } from "kysely";
import { isLanguage, type Language } from "../i18n/config";
import { initialCallState, step, type CallState, type IvrAction, type IvrEnv, type IvrEvent } from "../ivr/interpreter";
import { flowSchema, type Flow } from "../ivr/model";
import type { Trx } from "../platform/db.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
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

async function appendEvent(
  trx: Trx,
  tenantId: string,
  interactionId: string,
  event: { type: string; data: Record<string, unknown>; idempotencyKey?: string | null; at?: Date },
): Promise<number> {
  const next = await trx
    .selectFrom("interaction_events")
    .select(sql<number>`coalesce(max(seq), 0)::int + 1`.as("seq"))
    .where("tenant_id", "=", tenantId)
    .where("interaction_id", "=", interactionId)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("interaction_events")
    .values({
      tenant_id: tenantId,
      interaction_id: interactionId,
      seq: next.seq,
      type: event.type,
      data: JSON.stringify(event.data),
      idempotency_key: event.idempotencyKey ?? null,
      ...(event.at ? { at: event.at } : {}),
    })
    .execute();
  return next.seq;
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
 * applyStep({ type: "start", ... }). Throws CallError noFlow / notPublished when there is nothing to run.
 */
export function startCall(input: StartCallInput): Promise<{ call: Call; duplicate: boolean }> {
  const { tenantId } = input;
  return withTenant(tenantId, async (trx) => {
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
    await appendEvent(trx, tenantId, row.id, {
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
    });
    return { call: toCall(row), duplicate: false };
  });
}

export interface StepOutcome {
  actions: IvrAction[];
  state: CallState;
  interactionState: InteractionState;
  /** True when the idempotency key was seen before: the stored actions are returned, nothing changed. */
  duplicate: boolean;
}

/**
 * Runs one IVR input on the call's pinned flow version, in one transaction: lock the interaction, answer
 * a repeated idempotency key from the stored event, else step the interpreter, store its state,
 * language and variables, move the interaction state (states.ts) and append an "ivr.step" event with
 * the input, the actions and the nodes entered (plus "state.changed" when the state moved).
 * Give each distinct webhook delivery a key (e.g. `${CallSid}:${step}`); null disables the check.
 */
export function applyStep(tenantId: string, interactionId: string, event: IvrEvent, env: IvrEnv, idempotencyKey: string | null): Promise<StepOutcome> {
  return withTenant(tenantId, async (trx) => {
    const row = await lockCall(trx, tenantId, interactionId);
    const current = row.ivr_state as CallState | null;
    if (!current || row.flow_id === null || row.flow_version === null) throw new CallError("noIvr");
    if (idempotencyKey !== null) {
      const seen = await trx
        .selectFrom("interaction_events")
        .select("data")
        .where("tenant_id", "=", tenantId)
        .where("interaction_id", "=", interactionId)
        .where("idempotency_key", "=", idempotencyKey)
        .executeTakeFirst();
      if (seen) {
        const data = seen.data as { actions?: IvrAction[] };
        return { actions: data.actions ?? [], state: current, interactionState: row.state as InteractionState, duplicate: true };
      }
    }
    const flow = await pinnedFlow(trx, tenantId, row.flow_id, row.flow_version);
    const now = env.now ?? new Date();
    const result = step(flow, current, event, { ...env, now });
    const from = row.state as InteractionState;
    const to = stateAfterIvrStep(from, result.state, result.actions);
    const endsNow = to !== from && isTerminalState(to) && result.state.status === "ended" && row.ended_at === null;
    await trx
      .updateTable("interactions")
      .set({
        ivr_state: JSON.stringify(result.state),
        language: result.state.language,
        variables: JSON.stringify(result.state.variables),
        state: to,
        ...(endsNow ? { ended_at: now } : {}),
      })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", interactionId)
      .execute();
    await appendEvent(trx, tenantId, interactionId, {
      type: "ivr.step",
      at: now,
      idempotencyKey,
      data: {
        input: event,
        actions: result.actions,
        path: result.state.path.slice(current.path.length).map((p) => p.nodeId),
        nodeId: result.state.nodeId,
        ivrStatus: result.state.status,
      },
    });
    if (to !== from) await appendEvent(trx, tenantId, interactionId, { type: "state.changed", at: now, data: { from, to, cause: "ivr" } });
    return { actions: result.actions, state: result.state, interactionState: to, duplicate: false };
  });
}

/**
 * The provider reports the call over (status callback, or the simulator hanging up). Idempotent: once
 * the call has an end time a repeat changes nothing (duplicate: true). Otherwise the interaction state
 * follows stateOnProviderEnd, a still-running IVR sees the caller hang up, and "call.ended" (plus
 * "state.changed") is appended.
 */
export function endCall(
  tenantId: string,
  interactionId: string,
  status: ProviderEndStatus,
  opts: { at?: Date; durationSeconds?: number | null } = {},
): Promise<{ state: InteractionState; duplicate: boolean }> {
  return withTenant(tenantId, async (trx) => {
    const row = await lockCall(trx, tenantId, interactionId);
    const from = row.state as InteractionState;
    if (row.ended_at !== null) return { state: from, duplicate: true };
    const at = opts.at ?? new Date();
    const to = stateOnProviderEnd(from, status);
    let ivr = row.ivr_state as CallState | null;
    if (ivr && row.flow_id !== null && row.flow_version !== null && ivr.status !== "ended") {
      const flow = await pinnedFlow(trx, tenantId, row.flow_id, row.flow_version);
      ivr = step(flow, ivr, { type: "callerHangup" }, { calendar: { timeZone: "Asia/Tehran", hours: [], holidays: [] }, now: at }).state;
    }
    await trx
      .updateTable("interactions")
      .set({ state: to, ended_at: at, ...(ivr ? { ivr_state: JSON.stringify(ivr) } : {}) })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", interactionId)
      .execute();
    await appendEvent(trx, tenantId, interactionId, {
      type: "call.ended",
      at,
      data: { providerStatus: status, durationSeconds: opts.durationSeconds ?? null, state: to },
    });
    if (to !== from) await appendEvent(trx, tenantId, interactionId, { type: "state.changed", at, data: { from, to, cause: "provider" } });
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
