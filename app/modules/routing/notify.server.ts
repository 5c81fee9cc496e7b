import type { AgentState } from "./agent-state";
import type { Offer } from "./acd.server";
import { publishRoutingNotices } from "./realtime.server";

/**
 * What routing tells the outside world after a transaction commits: an agent's new state, a new or
 * withdrawn offer, a queue whose figures changed. Published only after commit, so no desktop ever
 * sees an offer that was rolled back.
 */
export type RoutingNotice =
  | { kind: "offer"; offer: Offer }
  | { kind: "withdrawn"; agentId: string | null; contactId: string }
  | { kind: "agent"; agentId: string; state: AgentState; reason: string | null }
  | { kind: "queue"; tenantId: string; queueId: string };

type Listener = (notices: readonly RoutingNotice[]) => void;
const listeners = new Set<Listener>();

/** In-process listeners (tests, the traffic generator); every notice is also pushed over Redis. */
export function onRoutingNotices(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyAfterCommit(notices: readonly RoutingNotice[]) {
  if (notices.length === 0) return;
  publishRoutingNotices(notices);
  const offers = notices.flatMap((n) => (n.kind === "offer" && n.offer.autoAnswer ? [n.offer] : []));
  if (offers.length) {
    // Loaded lazily: auto-answer uses the ACD, which uses this module.
    void import("./auto-answer.server").then((m) => m.autoAnswerOffers(offers)).catch(() => undefined);
  }
  for (const listener of listeners) {
    try {
      listener(notices);
    } catch {
      // A push that fails must not undo or fail the routing decision already committed.
    }
  }
}
