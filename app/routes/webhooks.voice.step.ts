import type { ActionFunctionArgs } from "@remix-run/node";
import { handleVoiceStep, voiceWebhookLoader } from "~/modules/telephony/voice-webhooks.server";

/** TwiML-compatible voice webhook (see voice-webhooks.server.ts); POST only, 404 without TWILIO_AUTH_TOKEN. */
export function loader() {
  return voiceWebhookLoader();
}

export function action({ request }: ActionFunctionArgs) {
  return handleVoiceStep(request);
}
