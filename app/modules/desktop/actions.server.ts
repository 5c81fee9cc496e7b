import type { Auth } from "../auth/guards.server";
import { can } from "../auth/permissions";
import { acceptOffer, changeAgentState, rejectOffer } from "../routing/acd.server";
import { addNote, endContact, escalateContact, finishWrapUp, holdContact, resolveEscalation, resumeContact, transferToAgent, transferToQueue } from "../routing/contact.server";
import { RoutingError } from "../routing/acd.server";
import { connectAccepted } from "../telephony/call-control.server";
import { withBureauScope } from "../tenancy/scope.server";
import type { DesktopAction } from "./schemas";

/**
 * Runs one desktop action for the signed-in user, who acts on their own agent state and contact
 * only (the routing functions lock the agent's own row). Returns the notice key to show.
 */
export async function runDesktopAction(auth: Auth, action: DesktopAction): Promise<string> {
  const agentId = auth.user.id;
  const author = { userId: auth.user.id, label: auth.user.name };
  switch (action.intent) {
    case "available":
      await changeAgentState(agentId, { type: "goAvailable" }, agentId);
      return "statusChanged";
    case "break":
      await changeAgentState(agentId, { type: "goBreak", reason: action.reason }, agentId);
      return "statusChanged";
    case "offline":
      await changeAgentState(agentId, { type: "goOffline" }, agentId);
      return "statusChanged";
    case "accept": {
      const accepted = await acceptOffer(agentId, action.contactId);
      // Routing has committed the answer; now the provider connects the caller (or places the callback).
      await connectAccepted(accepted, agentId);
      return "accepted";
    }
    case "reject":
      await rejectOffer(agentId, action.contactId);
      return "rejected";
    case "hold":
      await holdContact(agentId);
      return "statusChanged";
    case "resume":
      await resumeContact(agentId);
      return "statusChanged";
    case "end":
      await endContact(agentId);
      return "statusChanged";
    case "note": {
      await withBureauScope(async (trx) => {
        const st = await trx.selectFrom("agent_states").select(["contact_tenant_id", "contact_id"]).where("agent_id", "=", agentId).executeTakeFirst();
        if (!st?.contact_id || !st.contact_tenant_id) throw new RoutingError("notOnContact");
        const rc = await trx
          .selectFrom("routing_contacts")
          .select("interaction_id")
          .where("tenant_id", "=", st.contact_tenant_id)
          .where("id", "=", st.contact_id)
          .executeTakeFirstOrThrow();
        await addNote(trx, st.contact_tenant_id, rc.interaction_id, author, action.body);
      });
      return "noteAdded";
    }
    case "escalate":
      await escalateContact(agentId, author, action.note);
      return "escalated";
    case "transfer":
      await transferToQueue(agentId, author, action.queueKey, action.note);
      return "transferred";
    case "transferAgent":
      await transferToAgent(agentId, author, action.agentId, action.note);
      return "transferred";
    case "wrapup": {
      const callbackAt = action.callbackIn ? new Date(Date.now() + Number(action.callbackIn) * 60_000) : null;
      await finishWrapUp(agentId, author, { dispositionId: action.dispositionId, notes: action.notes, callbackAt });
      return "wrapped";
    }
    case "resolveEscalation":
      if (!can(auth.actor, "escalations.handle")) throw new Response(null, { status: 403, statusText: "Forbidden" });
      await resolveEscalation(author, action.agentId, action.decision, action.note);
      return "statusChanged";
  }
}
