import type { ActionFunctionArgs } from "@remix-run/node";
import { handleStripeWebhook, stripeWebhookLoader } from "~/modules/billing/stripe-webhook.server";

/** Stripe's webhook (see billing/stripe-webhook.server.ts): POST only, signed; 404 without STRIPE_WEBHOOK_SECRET. */
export function loader() {
  return stripeWebhookLoader();
}

export function action({ request }: ActionFunctionArgs) {
  return handleStripeWebhook(request);
}
