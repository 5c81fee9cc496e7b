import type { InteractionState } from "../interactions/states";
import type { AgentState } from "../routing/agent-state";

/**
 * What the realtime layer carries, and where. Pure: publishers (workers, routes) and subscribers
 * (the SSE routes) agree on names and payloads through these types alone.
 *
 *   agent:<agentUserId>  one agent's desktop: offers, contact updates, state changes
 *   tenant:<tenantId>    one client's live view: its queues' stats
 *   floor                the bureau wallboard: every tenant's queue stats and every agent's state
 *
 * Adding an event: declare its interface, add it to the union of the channel kinds that carry it
 * in `EventsByChannelKind`; `publish` then accepts it on those channels only.
 */

export type AgentChannel = `agent:${string}`;
export type TenantChannel = `tenant:${string}`;
export type FloorChannel = "floor";
export type Channel = AgentChannel | TenantChannel | FloorChannel;
export type ChannelKind = "agent" | "tenant" | "floor";

// No ":" so a name splits back unambiguously; no glob characters, so a name can never act as a
// PSUBSCRIBE pattern should one be added later.
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

export class InvalidChannelId extends Error {
  constructor(kind: ChannelKind, id: string) {
    super(`realtime: invalid ${kind} id ${JSON.stringify(id.slice(0, 80))}`);
  }
}

export function agentChannel(agentUserId: string): AgentChannel {
  if (!ID_RE.test(agentUserId)) throw new InvalidChannelId("agent", agentUserId);
  return `agent:${agentUserId}`;
}

export function tenantChannel(tenantId: string): TenantChannel {
  if (!ID_RE.test(tenantId)) throw new InvalidChannelId("tenant", tenantId);
  return `tenant:${tenantId}`;
}

export const FLOOR: FloorChannel = "floor";

export function parseChannel(name: string): { kind: ChannelKind; id: string | null; channel: Channel } | null {
  if (name === FLOOR) return { kind: "floor", id: null, channel: FLOOR };
  const sep = name.indexOf(":");
  if (sep < 0) return null;
  const kind = name.slice(0, sep);
  const id = name.slice(sep + 1);
  if (!ID_RE.test(id)) return null;
  if (kind === "agent") return { kind, id, channel: `agent:${id}` };
  if (kind === "tenant") return { kind, id, channel: `tenant:${id}` };
  return null;
}

export function isChannel(name: string): name is Channel {
  return parseChannel(name) !== null;
}

export function channelKind<C extends Channel>(channel: C): KindOf<C> {
  return (channel === FLOOR ? "floor" : channel.slice(0, channel.indexOf(":"))) as KindOf<C>;
}

/* ----------------------------------------------------------------------------------------------
 * Events. Every event says what happened (`type`) and when (`at`, ISO 8601 UTC), and carries the
 * current state of what it is about rather than a delta, so a client that missed one catches up
 * with the next.
 * -------------------------------------------------------------------------------------------- */

interface EventBase<T extends string> {
  type: T;
  /** When it happened, ISO 8601 in UTC. */
  at: string;
}

export type ContactMedium = "voice" | "chat" | "email" | "sms";

/** An agent's state changed (the agent's own desktop; the floor gets `floor.agent`). */
export interface AgentStateEvent extends EventBase<"agent.state"> {
  agentId: string;
  state: AgentState;
  /** Since when the agent is in this state (the desktop's timer), ISO 8601. */
  since: string;
  /** Break reason or another short code explaining the state. */
  reason?: string | null;
}

/** The ACD rings this agent with a contact. */
export interface OfferNewEvent extends EventBase<"offer.new"> {
  offerId: string;
  interactionId: string;
  tenantId: string;
  queueId: string;
  medium: ContactMedium;
  /** When the offer times out unanswered, ISO 8601. */
  expiresAt: string;
  /** Caller id or address as the desktop may show it; null when withheld. */
  from?: string | null;
}

/** An offer the desktop is showing is gone: answered, timed out, or the caller left. */
export interface OfferWithdrawnEvent extends EventBase<"offer.withdrawn"> {
  offerId: string;
  interactionId: string;
  reason: "accepted" | "rejected" | "timeout" | "abandoned" | "reassigned";
}

/** A contact this agent holds changed (connected, on hold, wrap-up, ended). */
export interface ContactUpdatedEvent extends EventBase<"contact.updated"> {
  interactionId: string;
  tenantId: string;
  state: InteractionState;
  agentId?: string | null;
}

/** One queue's live figures: the client's live view and the wallboard. */
export interface QueueStatsEvent extends EventBase<"queue.stats"> {
  tenantId: string;
  queueId: string;
  waiting: number;
  /** Seconds the oldest waiting contact has waited; 0 when none waits. */
  longestWaitSeconds: number;
  agentsAvailable: number;
  agentsBusy: number;
  /** Percentages 0-100 for the current interval, null while no contact counts yet. */
  serviceLevel: number | null;
  abandonRate: number | null;
}

/** An agent as the wallboard shows it. */
export interface FloorAgentEvent extends EventBase<"floor.agent"> {
  agentId: string;
  state: AgentState;
  since: string;
  reason?: string | null;
  /** The tenant of the contact the agent holds, if any. */
  tenantId?: string | null;
  interactionId?: string | null;
}

/**
 * The agent's published schedule of a week: published for the first time or again, or changed
 * afterwards (an approved leave or swap, a planner's edit). The desktop refetches its week.
 */
export interface ScheduleEvent extends EventBase<"schedule.published" | "schedule.changed"> {
  rosterId: string;
  /** The roster week's Saturday, YYYY-MM-DD (bureau zone). */
  weekStart: string;
  /** The agent's shifts that week and their paid minutes, as published now. */
  shifts: number;
  paidMinutes: number;
}

export interface EventsByChannelKind {
  agent: AgentStateEvent | OfferNewEvent | OfferWithdrawnEvent | ContactUpdatedEvent | ScheduleEvent;
  tenant: QueueStatsEvent;
  floor: QueueStatsEvent | FloorAgentEvent;
}

export type KindOf<C extends Channel> = C extends FloorChannel ? "floor" : C extends AgentChannel ? "agent" : "tenant";
/** The events a channel may carry; for the `Channel` union, every event. */
export type EventOn<C extends Channel> = EventsByChannelKind[KindOf<C>];
export type RealtimeEvent = EventsByChannelKind[ChannelKind];
/** A channel with an event it may carry: one item of `publishMany`. */
export type Publication = { [C in Channel]: { channel: C; event: EventOn<C> } }[Channel];
export type RealtimeEventType = RealtimeEvent["type"];

/**
 * What a subscriber can rely on in any message, including types newer than this process (a worker
 * deployed before the web process): the envelope. Narrow with `isEventOfType` before reading more.
 */
export interface EventEnvelope {
  type: string;
  at: string;
  [field: string]: unknown;
}

export function isEventOfType<T extends RealtimeEventType>(event: EventEnvelope, type: T): event is Extract<RealtimeEvent, { type: T }> & EventEnvelope {
  return event.type === type;
}

const TYPE_RE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** One JSON text per event: what goes over Redis and, unchanged, into the SSE `data:` line. */
export function serializeEvent(event: RealtimeEvent): string {
  if (!TYPE_RE.test(event.type)) throw new Error(`realtime: invalid event type ${JSON.stringify(event.type)}`);
  if (!ISO_RE.test(event.at) || Number.isNaN(Date.parse(event.at))) throw new Error(`realtime: invalid event time ${JSON.stringify(event.at)}`);
  return JSON.stringify(event);
}

/** The envelope of a message off the wire, or null when it is not one of ours. */
export function parseEvent(raw: string): EventEnvelope | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) return null;
  const { type, at } = value as { type?: unknown; at?: unknown };
  if (typeof type !== "string" || !TYPE_RE.test(type)) return null;
  if (typeof at !== "string" || !ISO_RE.test(at) || Number.isNaN(Date.parse(at))) return null;
  return value as EventEnvelope;
}

/** `at` for an event happening now, or at a given time. */
export function eventTime(date: Date = new Date()): string {
  return date.toISOString();
}
