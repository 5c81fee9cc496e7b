/**
 * The agent state machine. Pure: the matcher, the desktop and the supervisor all ask `transition`
 * before writing a state, so an illegal move (an agent on a call going "available") is refused the
 * same way everywhere.
 */
export const AGENT_STATES = ["offline", "available", "offered", "busy", "on_hold", "wrap_up", "break", "escalation", "missed"] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export const BREAK_REASONS = ["lunch", "prayer", "rest", "training", "meeting", "coaching", "technical"] as const;
export type BreakReason = (typeof BREAK_REASONS)[number];

export type AgentEvent =
  /** The agent (or a supervisor) asks to be available, on break, or offline. */
  | { type: "goAvailable" }
  | { type: "goBreak"; reason: BreakReason }
  | { type: "goOffline" }
  /** The matcher rings the agent. */
  | { type: "offer" }
  | { type: "accept" }
  /** Rejected by the agent or timed out: the agent stops receiving offers until they go available. */
  | { type: "miss" }
  /** The contact left before the agent answered (caller hung up, offer withdrawn). */
  | { type: "withdraw" }
  | { type: "hold" }
  | { type: "resume" }
  | { type: "escalate" }
  /** A team leader hands an escalated contact back to the agent. */
  | { type: "returnEscalation" }
  /** The contact ended (agent ended it, the caller hung up, or a team leader took it over). */
  | { type: "end" }
  | { type: "finishWrapUp" };

export type AgentEventType = AgentEvent["type"];

/** States in which the agent holds a contact: going offline or on break is refused there. */
export const ON_CONTACT: readonly AgentState[] = ["offered", "busy", "on_hold", "escalation", "wrap_up"];

const TABLE: Record<AgentState, Partial<Record<AgentEventType, AgentState>>> = {
  offline: { goAvailable: "available", goBreak: "break", goOffline: "offline" },
  available: { goAvailable: "available", goBreak: "break", goOffline: "offline", offer: "offered" },
  offered: { accept: "busy", miss: "missed", withdraw: "available" },
  busy: { hold: "on_hold", escalate: "escalation", end: "wrap_up" },
  on_hold: { resume: "busy", escalate: "escalation", end: "wrap_up" },
  escalation: { returnEscalation: "busy", end: "wrap_up" },
  wrap_up: { finishWrapUp: "available", goBreak: "break", goOffline: "offline" },
  break: { goAvailable: "available", goBreak: "break", goOffline: "offline" },
  missed: { goAvailable: "available", goBreak: "break", goOffline: "offline" },
};

export class IllegalTransition extends Error {
  constructor(
    public readonly from: AgentState,
    public readonly event: AgentEventType,
  ) {
    super(`agent cannot ${event} while ${from}`);
  }
}

/** The state after an event, or IllegalTransition. */
export function transition(from: AgentState, event: AgentEvent): AgentState {
  const to = TABLE[from][event.type];
  if (!to) throw new IllegalTransition(from, event.type);
  return to;
}

export function canTransition(from: AgentState, type: AgentEventType): boolean {
  return TABLE[from][type] !== undefined;
}

/** The events a desktop may offer as buttons in a state (the status control and contact controls). */
export function allowedEvents(from: AgentState): AgentEventType[] {
  return Object.keys(TABLE[from]) as AgentEventType[];
}

export function isAgentState(value: unknown): value is AgentState {
  return typeof value === "string" && (AGENT_STATES as readonly string[]).includes(value);
}
