import type { CallStatus, IvrAction } from "../ivr/interpreter";

/**
 * An interaction's state (DESIGN.md "Events are the record") and how the IVR and the provider move it.
 * Pure, so the same mapping serves the simulator, the TwiML webhooks and the tests.
 */
export const INTERACTION_STATES = ["ivr", "queued", "offered", "connected", "on_hold", "wrap_up", "completed", "abandoned", "failed", "callback"] as const;
export type InteractionState = (typeof INTERACTION_STATES)[number];

/** "callback": the caller left with a promised call back (a callback task carries it on). */
export const TERMINAL_STATES: readonly InteractionState[] = ["completed", "abandoned", "failed", "callback"];
/** States the ACD (routing, issue 4) owns: the IVR no longer moves them. */
const AGENT_STATES: readonly InteractionState[] = ["offered", "connected", "on_hold", "wrap_up"];

export function isTerminalState(state: InteractionState): boolean {
  return TERMINAL_STATES.includes(state);
}

/**
 * The interaction state after an IVR step:
 * - inside the IVR (running, recording a voicemail) -> ivr; handed to a queue -> queued;
 * - transferred to an external number -> completed (the call has left the platform's queues);
 * - ended by the IVR (hang-up node, no input, callback accepted) -> completed, or failed for an
 *   interpreter error; ended because the caller hung up -> abandoned when waiting in a queue,
 *   completed when still in the IVR menus (hanging up in self-service is not abandonment).
 * A terminal state never changes, and states the ACD owns are left to it.
 */
export function stateAfterIvrStep(
  current: InteractionState,
  ivr: { status: CallStatus; callerHungUp: boolean },
  actions: readonly IvrAction[],
): InteractionState {
  if (isTerminalState(current) || AGENT_STATES.includes(current)) return current;
  switch (ivr.status) {
    case "running":
    case "voicemail":
      return "ivr";
    case "queued":
      return "queued";
    case "transferred":
      return "completed";
    case "ended": {
      if (actions.some((a) => a.type === "hangup" && a.reason === "error")) return "failed";
      if (ivr.callerHungUp) return current === "queued" ? "abandoned" : "completed";
      return "completed";
    }
  }
}

/** Final call statuses a provider reports (Twilio's CallStatus values; the simulator uses the same). */
export const PROVIDER_END_STATUSES = ["completed", "busy", "no-answer", "failed", "canceled"] as const;
export type ProviderEndStatus = (typeof PROVIDER_END_STATUSES)[number];

export function isProviderEndStatus(value: unknown): value is ProviderEndStatus {
  return typeof value === "string" && (PROVIDER_END_STATUSES as readonly string[]).includes(value);
}

/**
 * The interaction state when the provider reports the call over:
 * - "completed" (the line was hung up): still in the IVR -> completed; waiting in a queue or being
 *   offered to an agent -> abandoned; talking or on hold -> wrap_up (the agent still disposes it);
 * - "canceled" (caller gave up before the call was answered) -> abandoned;
 * - "busy", "no-answer", "failed" -> failed.
 * Terminal states and wrap-up stay as they are, so a repeated status callback changes nothing.
 */
export function stateOnProviderEnd(current: InteractionState, status: ProviderEndStatus): InteractionState {
  if (isTerminalState(current) || current === "wrap_up") return current;
  switch (status) {
    case "completed":
      if (current === "ivr") return "completed";
      if (current === "queued" || current === "offered") return "abandoned";
      return "wrap_up";
    case "canceled":
      return "abandoned";
    case "busy":
    case "no-answer":
    case "failed":
      return current === "connected" || current === "on_hold" ? "wrap_up" : "failed";
  }
}
