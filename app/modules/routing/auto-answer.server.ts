import { logger } from "../platform/logger.server";
import { connectAccepted } from "../telephony/call-control.server";
import { withBureauScope } from "../tenancy/scope.server";
import { acceptOffer, RoutingError, type Offer } from "./acd.server";

/**
 * Agents set to auto-answer (on the bureau's agent page) do not ring: as soon as an offer to them is
 * committed it is accepted and connected, as if they had pressed Accept. An offer that is gone by
 * then (the caller hung up, the agent went on break) is simply not answered.
 */
export async function autoAnswerOffers(offers: readonly Offer[]): Promise<void> {
  if (offers.length === 0) return;
  const auto = await withBureauScope((trx) =>
    trx
      .selectFrom("agents")
      .select("user_id")
      .where("user_id", "in", offers.map((o) => o.agentId))
      .where("auto_answer", "=", true)
      .execute(),
  );
  const ids = new Set(auto.map((a) => a.user_id));
  for (const offer of offers) {
    if (!ids.has(offer.agentId)) continue;
    try {
      const accepted = await acceptOffer(offer.agentId, offer.contactId);
      await connectAccepted(accepted, offer.agentId);
    } catch (error) {
      if (!(error instanceof RoutingError)) logger.warn({ err: error, contactId: offer.contactId }, "auto-answer failed");
    }
  }
}
