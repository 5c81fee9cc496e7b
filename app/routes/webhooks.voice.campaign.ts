import type { ActionFunctionArgs } from "@remix-run/node";
import { campaignWebhookLoader, handleCampaignWebhook } from "~/modules/campaigns/webhooks.server";

/** TwiML-compatible webhook of campaign calls (answer, wait, status; see campaigns/webhooks.server.ts); 404 without TWILIO_AUTH_TOKEN. */
export function loader() {
  return campaignWebhookLoader();
}

export function action({ request }: ActionFunctionArgs) {
  return handleCampaignWebhook(request);
}
