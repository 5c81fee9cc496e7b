import { logger } from "../platform/logger.server";
import { connectAccepted } from "../telephony/call-control.server";
import { acceptOffer, RoutingError, type Offer } from "./acd.server";

/**
 * Agents set to auto-answer (on the bureau's agent page) do not ring: as soon as an offer to them is
 * committed it is accepted and connected, as if they had pressed Accept. An offer that is gone by
 * then (the caller hung up, the agent went on break) is simply not answered.
 */
export async function autoAnswerOffers(offers: readonly Offer[]): Promise<void> {
  for (const offer of offers) {
    if (!offer.autoAnswer) continue;
    try {
      const accepted = await acceptOffer(offer.agentId, offer.contactId);
      await connectAccepted(accepted, offer.agentId);
    } catch (error) {
      if (!(error instanceof RoutingError)) logger.warn({ err: error, contactId: offer.contactId }, "auto-answer failed");
    }
  }
}
