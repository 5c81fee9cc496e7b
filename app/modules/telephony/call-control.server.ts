import { appendEvents } from "../interactions/events.server";
import { loadEnv, telephonyPublicBaseUrl } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { twilioClientFromEnv, type TwilioClient } from "./twilio-client.server";
import { dialTargetOf } from "./endpoints";
import { renderTwiml, type TwimlVerb } from "./twiml";

/**
 * Out-of-band control of live calls once the ACD has decided: connect an accepted call to the agent
 * (TwiML provider: the REST API replaces the caller's queue with a `<Dial>` to the agent's endpoint;
 * simulator: the call lives in the platform, the connection is the recorded event), place a callback
 * (REST: a new call to the customer that dials the agent when answered), and move a caller the queue
 * overflowed (dial the external number, or close with the callback promise).
 *
 * Provider trouble never undoes the routing decision already committed: it is recorded on the
 * interaction ("call.bridgeFailed", ...) and logged, and the agent sees the contact and can act.
 */

interface LiveCall {
  provider: string;
  providerCallId: string | null;
  direction: string;
  from: string | null;
  to: string | null;
  numberE164: string | null;
}

async function liveCall(tenantId: string, interactionId: string): Promise<LiveCall | null> {
  return withTenant(tenantId, async (trx) => {
    const row = await trx
      .selectFrom("interactions as i")
      .leftJoin("tenant_phone_numbers as n", (j) => j.onRef("n.tenant_id", "=", "i.tenant_id").onRef("n.id", "=", "i.phone_number_id"))
      .select(["i.provider", "i.provider_call_id", "i.direction", "i.from_number", "i.to_number", "n.e164"])
      .where("i.tenant_id", "=", tenantId)
      .where("i.id", "=", interactionId)
      .executeTakeFirst();
    return row
      ? { provider: row.provider, providerCallId: row.provider_call_id, direction: row.direction, from: row.from_number, to: row.to_number, numberE164: row.e164 }
      : null;
  });
}

async function agentEndpoint(agentId: string): Promise<string | null> {
  return withBureauScope(async (trx) => (await trx.selectFrom("agents").select("endpoint").where("user_id", "=", agentId).executeTakeFirst())?.endpoint ?? null);
}

async function record(tenantId: string, interactionId: string, type: string, data: Record<string, unknown>) {
  await withTenant(tenantId, async (trx) => {
    // The interaction's row lock numbers its events: a webhook appending to the same call at this
    // moment waits instead of racing for the same sequence number (or deadlocking with us).
    await trx.selectFrom("interactions").select("id").where("tenant_id", "=", tenantId).where("id", "=", interactionId).forUpdate().execute();
    await appendEvents(trx, tenantId, interactionId, [{ type, data }]);
  });
}

export type ConnectResult = "simulated" | "bridged" | "dialing" | "noEndpoint" | "notConfigured" | "failed";

/**
 * Connects a contact the agent accepted. An inbound call is bridged from its queue to the agent; a
 * callback (outbound, no provider call yet) is placed to the customer and dials the agent on answer.
 */
export async function connectAccepted(
  accepted: { tenantId: string; interactionId: string },
  agentId: string,
  client: TwilioClient | null = twilioClientFromEnv(),
): Promise<ConnectResult> {
  const call = await liveCall(accepted.tenantId, accepted.interactionId);
  if (!call) return "failed";
  if (call.provider === "simulator") {
    await record(accepted.tenantId, accepted.interactionId, "call.bridged", { agentId, provider: "simulator" });
    return "simulated";
  }
  if (!client) {
    await record(accepted.tenantId, accepted.interactionId, "call.bridgeFailed", { agentId, reason: "notConfigured" });
    return "notConfigured";
  }
  const endpoint = await agentEndpoint(agentId);
  const target = endpoint ? dialTargetOf(endpoint) : null;
  if (!target) {
    await record(accepted.tenantId, accepted.interactionId, "call.bridgeFailed", { agentId, reason: "noEndpoint" });
    return "noEndpoint";
  }
  const dial: TwimlVerb = { verb: "Dial", number: target.address, target: target.target, callerId: call.numberE164 ?? undefined, timeout: 30 };
  try {
    if (call.direction === "outbound" && !call.providerCallId) {
      // A callback: call the customer from the tenant's number; when they answer, the TwiML dials the agent.
      if (!call.to || !call.numberE164) throw new Error("callback without a number to call or to call from");
      const placed = await client.createCall({ to: call.to, from: call.numberE164, url: connectUrl(accepted.tenantId, accepted.interactionId) });
      await withTenant(accepted.tenantId, (trx) =>
        trx.updateTable("interactions").set({ provider: "twilio", provider_call_id: placed.sid }).where("tenant_id", "=", accepted.tenantId).where("id", "=", accepted.interactionId).execute(),
      );
      await record(accepted.tenantId, accepted.interactionId, "call.placed", { agentId, providerCallId: placed.sid, to: call.to });
      return "dialing";
    }
    if (!call.providerCallId) throw new Error("inbound call without a provider call id");
    await client.updateCall(call.providerCallId, { twiml: renderTwiml([dial]) });
    await record(accepted.tenantId, accepted.interactionId, "call.bridged", { agentId, target: target.target });
    return "bridged";
  } catch (err) {
    logger.warn({ err, interactionId: accepted.interactionId }, "connecting an accepted call failed");
    await record(accepted.tenantId, accepted.interactionId, "call.bridgeFailed", { agentId, reason: err instanceof Error ? err.message.slice(0, 200) : "error" });
    return "failed";
  }
}

/** Where the provider fetches the TwiML of a placed callback once the customer answers (our signed webhook). */
function connectUrl(tenantId: string, interactionId: string): string {
  const base = telephonyPublicBaseUrl(loadEnv());
  return `${base}/webhooks/voice/connect?tenant=${tenantId}&interaction=${interactionId}`;
}

/** The `<Dial>` to the agent holding an interaction, or null when it has none or no usable endpoint. */
export async function dialForInteraction(tenantId: string, interactionId: string): Promise<TwimlVerb | null> {
  const row = await withTenant(tenantId, (trx) =>
    trx
      .selectFrom("interactions as i")
      .leftJoin("tenant_phone_numbers as n", (j) => j.onRef("n.tenant_id", "=", "i.tenant_id").onRef("n.id", "=", "i.phone_number_id"))
      .select(["i.agent_id", "n.e164"])
      .where("i.tenant_id", "=", tenantId)
      .where("i.id", "=", interactionId)
      .executeTakeFirst(),
  );
  if (!row?.agent_id) return null;
  const endpoint = await agentEndpoint(row.agent_id);
  const target = endpoint ? dialTargetOf(endpoint) : null;
  return target ? { verb: "Dial", number: target.address, target: target.target, callerId: row.e164 ?? undefined, timeout: 30 } : null;
}

/**
 * A waiting caller the queue overflowed (or a closed queue turned away): to an external number the
 * live call is dialled there; to a callback or voicemail the caller hears the promise (already a
 * callback task), with "message" the closed message, and the call ends.
 */
export async function moveOverflowedCall(
  tenantId: string,
  interactionId: string,
  action: "external" | "callback" | "voicemail" | "message",
  externalNumber: string | null,
  promise: { text: string; language: string } | null,
  client: TwilioClient | null = twilioClientFromEnv(),
): Promise<void> {
  const call = await liveCall(tenantId, interactionId);
  if (!call || call.provider !== "twilio" || !call.providerCallId || !client) return;
  const verbs: TwimlVerb[] =
    action === "external" && externalNumber
      ? [{ verb: "Dial", number: externalNumber, target: "number", callerId: call.numberE164 ?? undefined }]
      : [...(promise ? [{ verb: "Say" as const, text: promise.text, language: promise.language }] : []), { verb: "Hangup" }];
  try {
    await client.updateCall(call.providerCallId, { twiml: renderTwiml(verbs) });
    await record(tenantId, interactionId, "call.redirected", { action });
  } catch (err) {
    logger.warn({ err, interactionId }, "moving an overflowed call failed");
    await record(tenantId, interactionId, "call.redirectFailed", { action });
  }
}
