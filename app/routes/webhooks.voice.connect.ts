import type { ActionFunctionArgs } from "@remix-run/node";
import { handleVoiceConnect, voiceWebhookLoader } from "~/modules/telephony/voice-webhooks.server";

/** TwiML-compatible voice webhook (see voice-webhooks.server.ts): a placed callback connects to its agent. */
export function loader() {
  return voiceWebhookLoader();
}

export function action({ request }: ActionFunctionArgs) {
  return handleVoiceConnect(request);
}
