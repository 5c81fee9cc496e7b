import { diskT } from "../i18n/disk-t.server";
import { isLanguage } from "../i18n/config";
import { loadEnv, telephonyPublicBaseUrl, type Env } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { twilioClientFromEnv, type TwilioClient } from "../telephony/twilio-client.server";
import { renderTwiml, voiceFor } from "../telephony/twiml";

/**
 * The telephony side of a campaign dial, behind the same two providers as the rest of the platform:
 * - simulator (the demo, the tests): the call lives in the platform; what it does is decided when it
 *   is placed (simulated-call.ts) and played out by the dialer's tick, so nothing leaves the process;
 * - twilio (a TwiML-compatible provider): a REST "create call" to the callee from the tenant's number,
 *   with answering machine detection; the provider fetches our signed /webhooks/voice/campaign when
 *   the callee answers (TwiML that keeps them on the line until an agent takes them) and posts the
 *   call's status there as it ends.
 */

export type CampaignProvider = "simulator" | "twilio";

export function campaignProvider(env: Env = loadEnv()): CampaignProvider {
  return env.TELEPHONY_PROVIDER;
}

export const CAMPAIGN_WEBHOOK_PATH = "/webhooks/voice/campaign";

export type CampaignWebhookEvent = "answer" | "wait" | "status";

/** Our webhook for one attempt's call; the ids are ours and the whole URL is signed by the provider. */
export function campaignWebhookUrl(event: CampaignWebhookEvent, tenantId: string, attemptId: string, env: Env = loadEnv()): string {
  const query = new URLSearchParams({ event, tenant: tenantId, attempt: attemptId });
  return `${telephonyPublicBaseUrl(env)}${CAMPAIGN_WEBHOOK_PATH}?${query.toString()}`;
}

/** Seconds the callee's phone may ring before the provider gives up ("no-answer"). */
export const RING_TIMEOUT_SECONDS = 25;

/** Places a campaign call at the provider; throws the client's error when it refuses or cannot be reached. */
export async function placeProviderCall(
  client: TwilioClient,
  input: { tenantId: string; attemptId: string; to: string; from: string },
): Promise<{ providerCallId: string }> {
  const call = await client.createCall({
    to: input.to,
    from: input.from,
    url: campaignWebhookUrl("answer", input.tenantId, input.attemptId),
    statusCallback: campaignWebhookUrl("status", input.tenantId, input.attemptId),
    statusCallbackEvent: ["answered", "completed"],
    timeout: RING_TIMEOUT_SECONDS,
    machineDetection: "Enable",
  });
  return { providerCallId: call.sid };
}

/** The message an answered callee hears when no agent is free: the tenant's name, in the call's language. */
export async function abandonMessage(language: string, tenantName: string): Promise<{ text: string; language: string }> {
  const lng = isLanguage(language) ? language : "fa";
  const t = await diskT(lng, "campaigns");
  return { text: t("call.abandoned", { tenant: tenantName }), language: voiceFor(lng).language ?? lng };
}

/** Plays the abandon message on a live provider call and hangs up; provider trouble is logged, never thrown. */
export async function playAndHangUp(providerCallId: string, message: { text: string; language: string }, client: TwilioClient | null = twilioClientFromEnv()): Promise<boolean> {
  if (!client) return false;
  try {
    await client.updateCall(providerCallId, { twiml: renderTwiml([{ verb: "Say", text: message.text, language: message.language }, { verb: "Hangup" }]) });
    return true;
  } catch (err) {
    logger.warn({ err, providerCallId }, "campaign: playing the abandon message failed");
    return false;
  }
}

/** Ends a provider call that should not go on (a campaign stopped while it rang). */
export async function hangUpProviderCall(providerCallId: string, client: TwilioClient | null = twilioClientFromEnv()): Promise<void> {
  if (!client) return;
  try {
    await client.updateCall(providerCallId, { status: "canceled" });
  } catch (err) {
    logger.warn({ err, providerCallId }, "campaign: hanging up failed");
  }
}
