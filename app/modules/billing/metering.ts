import { type RatePlanVersion, type UsageKind } from "./plan";
import { billableSeconds, elapsedSeconds } from "./rounding";

/**
 * Billable usage derived from an interaction's event stream (DESIGN.md "Events are the record"); no
 * usage is ever typed in. Pure: the same events and rules give the same records, keys included, so a
 * replayed webhook, a re-run worker or a second close bills nothing twice once the store keeps one row
 * per idempotency key.
 *
 * Attribution is per interaction, and an interaction belongs to exactly one tenant: an agent who
 * serves several tenants in one shift is attributed, for each tenant, only the spans on that tenant's
 * own contacts. Idle time, breaks and time on other tenants' contacts never reach a tenant's usage
 * (seat-hours, for tenants that buy dedicated agents, are metered from agent states in seats.ts;
 * recording storage per day kept, in recordings.ts).
 *
 * The events this reads, as the platform appends them today:
 * - call.started {direction, flowId, ...}                     interactions/calls.server.ts
 * - ivr.step {ivrStatus: running|queued|transferred|voicemail|ended, ...}
 * - call.ended {providerStatus, durationSeconds, state}       (the provider's end of the call)
 * - routing.queued {contactId, queueId, queueKey, kind}       routing/acd.server.ts
 * - routing.connected {contactId, agentId}                    (an agent accepted: a handling starts)
 * - contact.held / contact.resumed / contact.escalated / contact.escalationReturned {agentId|leaderId}
 *   (hold and escalation stay inside the handling: the line is still the tenant's)
 * - contact.escalationTaken {leaderId}                        (the leader takes over: a new handling)
 * - contact.transferred {fromAgentId, toQueue|toAgentId}      (this agent's handling ends)
 * - contact.ended {agentId, why}                              (talk ends, wrap-up starts)
 * - contact.disposed {agentId, dispositionId, ...}            (wrap-up ends)
 * - routing.abandoned {contactId, status}                     routing/contact.server.ts
 * - routing.transferExternal {number}                         routing/sweep.server.ts (overflow out)
 * - callback.queued {callbackId, reason}                      (an outbound callback interaction)
 * - call.placed / call.bridged {agentId, ...}                 telephony/call-control.server.ts
 * Others (routing.offered, routing.offerMissed, routing.overflow, routing.left, state.changed,
 * note.added, ...) do not change what is billed.
 *
 * What is billed:
 * - ivr_minutes: call.started -> the call leaves the IVR (the first ivr.step whose status is queued,
 *   transferred or ended, routing.queued, routing.transferExternal, or call.ended). Waiting in a queue
 *   is not billed: it is the bureau's capacity, not a service.
 * - inbound_minutes / outbound_minutes (voice, by the interaction's direction): each handling, from
 *   routing.connected (or contact.escalationTaken for the leader) to the first of contact.ended,
 *   contact.transferred, contact.escalationTaken, routing.abandoned or call.ended, hold included, plus
 *   the agent's wrap-up up to contact.disposed as the plan's wrap-up rule says. A transferred call is
 *   two handlings, each rounded on its own: two agents worked it.
 * - chats / emails / sms: 1 per interaction of that channel that reached an agent (its first
 *   routing.connected).
 * - callbacks: 1 per callback interaction (callback.queued) whose call was placed (the first call.placed
 *   or call.bridged after it).
 * A span whose end has not happened yet (a call still talking, a wrap-up not yet disposed) gives no
 * record now; it gives its one record on a later run, with the key it would always have had.
 */

export const INTERACTION_CHANNELS = ["voice", "chat", "email", "sms"] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];
export type InteractionDirection = "inbound" | "outbound";

export interface InteractionEvent {
  seq: number;
  type: string;
  at: Date;
  data: Record<string, unknown>;
}

export interface InteractionSummary {
  tenantId: string;
  interactionId: string;
  channel: InteractionChannel;
  direction: InteractionDirection;
  events: readonly InteractionEvent[];
  /**
   * The call's length as the provider measured it (Twilio's CallDuration); when absent, call.ended's
   * durationSeconds is used. No span billed for the call may exceed it.
   */
  providerDurationSeconds?: number | null;
}

/** The plan terms metering needs: the version in force when the interaction started. */
export type MeteringRules = Pick<RatePlanVersion, "minuteRounding" | "wrapUp">;

export interface UsageRecord {
  tenantId: string;
  kind: UsageKind;
  /** Billable quantity: seconds after the plan's rounding for minute kinds, else a count. */
  quantity: number;
  /** Before rounding (measured whole seconds, or the count), kept so a re-rating can re-round. */
  rawQuantity: number;
  idempotencyKey: string;
  /** When the billed span began: the instant of the source event; decides the period and version. */
  occurredAt: Date;
  /** The event the record comes from: it names the record, and the key is made of it. */
  source: { interactionId: string; eventSeq: number };
  /** For handled minutes: the talk (hold included) and the wrap-up counted, in whole seconds. */
  breakdown?: { talkSeconds: number; wrapUpSeconds: number };
}

/**
 * `${tenantId}:${interactionId}:${kind}:${eventSeq}`. Events are append-only and numbered per
 * interaction, so (interaction, source event seq, kind) names one billable fact forever: the same
 * events replayed give the same key, and a second fact needs a second event. The tenant leads so the
 * key is unique bureau-wide (and sorts by tenant, like the schema's composite keys). Two UUIDs, the
 * longest kind and a 5-digit seq make 98 characters, inside Stripe's 100 for a meter event identifier.
 */
export function usageIdempotencyKey(tenantId: string, interactionId: string, kind: UsageKind, eventSeq: number): string {
  return `${tenantId}:${interactionId}:${kind}:${eventSeq}`;
}

const COUNT_KIND: Record<Exclude<InteractionChannel, "voice">, UsageKind> = { chat: "chats", email: "emails", sms: "sms" };
const IVR_EXIT_STATUSES = new Set(["queued", "transferred", "ended"]);
const IVR_EXIT_EVENTS = new Set(["routing.queued", "routing.transferExternal", "call.ended"]);

const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** In seq order, each seq once: a stream read twice or merged from two sources meters the same. */
function normalized(events: readonly InteractionEvent[]): InteractionEvent[] {
  const bySeq = new Map<number, InteractionEvent>();
  for (const e of events) if (!bySeq.has(e.seq)) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function providerDuration(summary: InteractionSummary, events: readonly InteractionEvent[]): number | null {
  const given = summary.providerDurationSeconds;
  if (typeof given === "number" && Number.isFinite(given) && given >= 0) return Math.floor(given);
  const ended = events.find((e) => e.type === "call.ended");
  const reported = ended?.data.durationSeconds;
  return typeof reported === "number" && Number.isFinite(reported) && reported >= 0 ? Math.floor(reported) : null;
}

interface Handling {
  agentId: string | null;
  start: InteractionEvent;
  end: InteractionEvent | null;
  /** contact.disposed of this agent, which ends the wrap-up. */
  disposed: InteractionEvent | null;
  /** A leader's takeover: no disposition of its own follows, so no wrap-up to wait for. */
  takeover: boolean;
}

/** Every handling of the interaction, with the events that end its talk and its wrap-up. */
function handlingsOf(events: readonly InteractionEvent[]): Handling[] {
  const all: Handling[] = [];
  const open = () => all.filter((h) => h.end === null);
  const close = (e: InteractionEvent, agentId: string | null) => {
    const live = open();
    // An event naming an agent closes that agent's handling; one naming nobody (or nobody open) closes all.
    const mine = agentId === null ? [] : live.filter((h) => h.agentId === agentId);
    for (const h of mine.length > 0 ? mine : live) h.end = e;
  };
  for (const e of events) {
    switch (e.type) {
      case "routing.connected":
        all.push({ agentId: text(e.data.agentId), start: e, end: null, disposed: null, takeover: false });
        break;
      case "contact.escalationTaken":
        close(e, null);
        all.push({ agentId: text(e.data.leaderId), start: e, end: null, disposed: null, takeover: true });
        break;
      case "contact.ended":
        close(e, text(e.data.agentId));
        break;
      case "contact.transferred":
        close(e, text(e.data.fromAgentId));
        break;
      case "routing.abandoned":
      case "call.ended":
        close(e, null);
        break;
      case "contact.disposed": {
        const agentId = text(e.data.agentId);
        const waiting = all.filter((h) => h.end !== null && h.disposed === null && !h.takeover);
        const target = waiting.find((h) => agentId !== null && h.agentId === agentId) ?? waiting[0];
        if (target) target.disposed = e;
        break;
      }
    }
  }
  return all;
}

/**
 * The usage records of one interaction. Call it on the whole event list as often as you like (on each
 * terminal state, in a nightly sweep, at close): records already stored come back with the same key
 * and quantity, and spans that have since ended are added.
 */
export function meterInteraction(summary: InteractionSummary, rules: MeteringRules): UsageRecord[] {
  const events = normalized(summary.events);
  const { tenantId, interactionId } = summary;
  const cap = providerDuration(summary, events);
  const records: UsageRecord[] = [];
  const emit = (kind: UsageKind, source: InteractionEvent, rawQuantity: number, quantity: number, breakdown?: UsageRecord["breakdown"]) => {
    records.push({
      tenantId,
      kind,
      quantity,
      rawQuantity,
      idempotencyKey: usageIdempotencyKey(tenantId, interactionId, kind, source.seq),
      occurredAt: source.at,
      source: { interactionId, eventSeq: source.seq },
      ...(breakdown ? { breakdown } : {}),
    });
  };
  const measured = (from: Date, to: Date) => {
    const s = elapsedSeconds(from, to);
    return cap === null ? s : Math.min(s, cap);
  };

  if (summary.channel === "voice") {
    const started = events.find((e) => e.type === "call.started");
    if (started) {
      const exit = events.find(
        (e) => e.seq > started.seq && (IVR_EXIT_EVENTS.has(e.type) || (e.type === "ivr.step" && IVR_EXIT_STATUSES.has(String(e.data.ivrStatus)))),
      );
      if (exit) {
        const raw = measured(started.at, exit.at);
        if (raw > 0) emit("ivr_minutes", started, raw, billableSeconds(raw, rules.minuteRounding));
      }
    }
    const kind: UsageKind = summary.direction === "inbound" ? "inbound_minutes" : "outbound_minutes";
    for (const h of handlingsOf(events)) {
      if (h.end === null) continue;
      const talkSeconds = measured(h.start.at, h.end.at);
      let wrapUpSeconds = 0;
      if (rules.wrapUp.mode !== "none" && !h.takeover) {
        if (h.disposed === null) continue;
        const wrap = elapsedSeconds(h.end.at, h.disposed.at);
        wrapUpSeconds = rules.wrapUp.mode === "capped" ? Math.min(wrap, rules.wrapUp.maxSeconds) : wrap;
      }
      const raw = talkSeconds + wrapUpSeconds;
      if (raw > 0) emit(kind, h.start, raw, billableSeconds(raw, rules.minuteRounding), { talkSeconds, wrapUpSeconds });
    }
  } else {
    const connected = events.find((e) => e.type === "routing.connected");
    if (connected) emit(COUNT_KIND[summary.channel], connected, 1, 1);
  }

  const callback = events.find((e) => e.type === "callback.queued");
  if (callback) {
    const placed = events.find((e) => e.seq > callback.seq && (e.type === "call.placed" || e.type === "call.bridged"));
    if (placed) emit("callbacks", placed, 1, 1);
  }

  return records.sort((a, b) => a.source.eventSeq - b.source.eventSeq || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
}
