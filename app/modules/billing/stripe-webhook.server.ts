import Stripe from "stripe";
import { z } from "zod";
import { recordAudit } from "../auth/audit.server";
import type { Trx } from "../platform/db.server";
import { loadEnv } from "../platform/env.server";
import { logger } from "../platform/logger.server";
import { withBureauScope } from "../tenancy/scope.server";
import { BillingError } from "./errors";
import { recordPaymentIn } from "./invoices.server";
import { fromStripeAmount, StripeMoneyError } from "./stripe-support";

/**
 * POST /webhooks/stripe (routes/webhooks.stripe.ts is the thin route). Request in, Response out.
 *
 * - Without STRIPE_WEBHOOK_SECRET the endpoint does not exist (404).
 * - The raw body is verified against Stripe-Signature (`t=…,v1=…`, HMAC-SHA256 of `${t}.${body}` with
 *   the endpoint secret) by the SDK, with a 300 s tolerance; a missing or wrong signature, or a stale
 *   timestamp, answers 400 and nothing is read or written.
 * - Every event id is recorded once in stripe_events (insert … on conflict do nothing): a replayed
 *   event answers 200 and changes nothing.
 * - invoice.paid records the payment on our invoice (method "stripe", the amount converted back from
 *   Stripe's minor unit, the event id as stripeEventId so it can never be booked twice) and audits it;
 *   invoice.payment_failed records the outcome and audits it for the tenant; other types are
 *   acknowledged and ignored.
 * - Everything for one event is one transaction: a failure leaves no trace (the event id included)
 *   and answers 500, so Stripe delivers it again. Outcomes that a retry could not change (an invoice
 *   we do not know, a currency that does not match, more than is owed) are recorded as the event's
 *   outcome and answered 200, so Stripe stops retrying and a person can look.
 */

export const STRIPE_WEBHOOK_PATH = "/webhooks/stripe";
/** Stripe's default, and the longest a captured request stays replayable. */
export const STRIPE_SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe's events are a few KB; anything near this is not one. (Express caps bodies at 2 MiB before us.) */
const MAX_BODY_BYTES = 1024 * 1024;

function plain(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}

/** The route's loader: POST only, and nothing at all without a webhook secret. */
export function stripeWebhookLoader(): Response {
  return loadEnv().STRIPE_WEBHOOK_SECRET ? plain(405, "Method Not Allowed", { Allow: "POST" }) : plain(404, "Not Found");
}

const eventSchema = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9_]{1,200}$/),
  type: z.string().min(1).max(200),
  created: z.number().int().positive(),
  data: z.object({ object: z.record(z.unknown()) }),
});

const UUID = z.string().uuid();

const invoiceObjectSchema = z.object({
  id: z.string().regex(/^in_[A-Za-z0-9_]{1,200}$/),
  currency: z.string().regex(/^[a-z]{3}$/i),
  amount_paid: z.number().int().min(0).optional(),
  attempt_count: z.number().int().min(0).optional(),
  metadata: z.record(z.string()).nullish(),
  status_transitions: z.object({ paid_at: z.number().int().positive().nullish() }).partial().nullish(),
  last_finalization_error: z.unknown().optional(),
});
type StripeInvoiceObject = z.infer<typeof invoiceObjectSchema>;

export type WebhookOutcome =
  | "duplicate"
  | "ignored"
  | "paid"
  | "partiallyPaid"
  | "paymentFailed"
  | "nothingToRecord"
  | "invoiceNotFound"
  | "invoiceMismatch"
  | "currencyMismatch"
  | "amountNotRepresentable"
  | "invalidObject"
  | `refused:${string}`;

const STRIPE_ACTOR = { userId: null, label: "Stripe" } as const;

/** Our invoice for a Stripe invoice: by the ids we put in its metadata, else by the mirror id we stored. */
async function findInvoice(trx: Trx, obj: StripeInvoiceObject) {
  const tenantId = UUID.safeParse(obj.metadata?.hamkal_tenant_id);
  const invoiceId = UUID.safeParse(obj.metadata?.hamkal_invoice_id);
  const base = trx.selectFrom("invoices").select(["tenant_id", "id", "currency", "stripe_invoice_id", "number"]);
  if (tenantId.success && invoiceId.success) {
    const row = await base.where("tenant_id", "=", tenantId.data).where("id", "=", invoiceId.data).executeTakeFirst();
    if (row) return row;
  }
  return (await base.where("stripe_invoice_id", "=", obj.id).executeTakeFirst()) ?? null;
}

async function onInvoicePaid(trx: Trx, event: z.infer<typeof eventSchema>, obj: StripeInvoiceObject): Promise<WebhookOutcome> {
  const inv = await findInvoice(trx, obj);
  if (!inv) return "invoiceNotFound";
  // Metadata can be edited in Stripe's dashboard; the mirror id we stored cannot. They must agree.
  if (inv.stripe_invoice_id !== null && inv.stripe_invoice_id !== obj.id) return "invoiceMismatch";
  if (inv.currency.toUpperCase() !== obj.currency.toUpperCase()) return "currencyMismatch";
  let paid: bigint;
  try {
    paid = fromStripeAmount(obj.amount_paid ?? 0, inv.currency);
  } catch (err) {
    if (err instanceof StripeMoneyError) return "amountNotRepresentable";
    throw err;
  }
  // amount_paid is cumulative on Stripe's invoice: book what Stripe has collected beyond what earlier
  // Stripe events already booked (a payment by hand is the bureau's own and is not netted here).
  const booked = await trx
    .selectFrom("payments")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<string>("amount"), eb.val("0")).as("sum"))
    .where("tenant_id", "=", inv.tenant_id)
    .where("invoice_id", "=", inv.id)
    .where("method", "=", "stripe")
    .executeTakeFirstOrThrow();
  const amount = paid - BigInt(booked.sum);
  if (amount <= 0n) return "nothingToRecord";
  const paidAt = obj.status_transitions?.paid_at ?? event.created;
  let recorded: Awaited<ReturnType<typeof recordPaymentIn>>;
  try {
    recorded = await recordPaymentIn(trx, inv.tenant_id, inv.id, {
      amount,
      method: "stripe",
      reference: obj.id.slice(0, 120),
      receivedAt: new Date(paidAt * 1000),
      note: `Stripe ${event.id}`.slice(0, 500),
      stripeEventId: event.id,
      actorUserId: null,
    });
  } catch (err) {
    // The invoice was voided, or a payment by hand already covers it: retrying cannot help.
    if (err instanceof BillingError) return `refused:${err.code}`;
    throw err;
  }
  if (recorded.duplicate) return "duplicate";
  if (inv.stripe_invoice_id === null) {
    // Paid before the mirror job stored the id (or mirrored by hand): remember it now.
    await trx.updateTable("invoices").set({ stripe_invoice_id: obj.id }).where("tenant_id", "=", inv.tenant_id).where("id", "=", inv.id).where("stripe_invoice_id", "is", null).execute();
  }
  await recordAudit(trx, {
    tenantId: inv.tenant_id,
    actor: STRIPE_ACTOR,
    action: "invoice.stripePaid",
    target: { type: "invoice", id: inv.id },
    data: { eventId: event.id, stripeInvoiceId: obj.id, amount: amount.toString(), currency: inv.currency, number: inv.number, status: recorded.status },
  });
  return recorded.status === "paid" ? "paid" : "partiallyPaid";
}

async function onInvoicePaymentFailed(trx: Trx, event: z.infer<typeof eventSchema>, obj: StripeInvoiceObject): Promise<WebhookOutcome> {
  const inv = await findInvoice(trx, obj);
  if (!inv) return "invoiceNotFound";
  if (inv.stripe_invoice_id !== null && inv.stripe_invoice_id !== obj.id) return "invoiceMismatch";
  // Nothing changes on our invoice (it is still owed); the tenant's audit log and the event record say what happened.
  await recordAudit(trx, {
    tenantId: inv.tenant_id,
    actor: STRIPE_ACTOR,
    action: "invoice.stripePaymentFailed",
    target: { type: "invoice", id: inv.id },
    data: { eventId: event.id, stripeInvoiceId: obj.id, attemptCount: obj.attempt_count ?? null, number: inv.number },
  });
  return "paymentFailed";
}

/** Applies one verified event, exactly once by its id. Exported for tests and a replay tool. */
export async function processStripeEvent(event: z.infer<typeof eventSchema>): Promise<WebhookOutcome> {
  return withBureauScope(async (trx) => {
    const fresh = await trx.insertInto("stripe_events").values({ id: event.id, type: event.type }).onConflict((oc) => oc.column("id").doNothing()).returning("id").executeTakeFirst();
    // A replay (or a concurrent second delivery, which waits here for the first to commit) changes nothing.
    if (!fresh) return "duplicate";
    let outcome: WebhookOutcome = "ignored";
    if (event.type === "invoice.paid" || event.type === "invoice.payment_failed") {
      const obj = invoiceObjectSchema.safeParse(event.data.object);
      if (!obj.success) outcome = "invalidObject";
      else if (event.type === "invoice.paid") outcome = await onInvoicePaid(trx, event, obj.data);
      else outcome = await onInvoicePaymentFailed(trx, event, obj.data);
    }
    await trx.updateTable("stripe_events").set({ processed_at: new Date(), outcome }).where("id", "=", event.id).execute();
    return outcome;
  });
}

/** The route's action. */
export async function handleStripeWebhook(request: Request): Promise<Response> {
  const secret = loadEnv().STRIPE_WEBHOOK_SECRET;
  if (!secret) return plain(404, "Not Found");
  if (request.method !== "POST") return plain(405, "Method Not Allowed", { Allow: "POST" });
  const signature = request.headers.get("stripe-signature");
  if (!signature) return plain(400, "Missing Stripe-Signature");
  // The signature covers the exact bytes Stripe sent: read them raw, never through a JSON parse.
  const body = Buffer.from(await request.arrayBuffer());
  if (body.length > MAX_BODY_BYTES) return plain(413, "Payload Too Large");
  let verified: unknown;
  try {
    verified = Stripe.webhooks.constructEvent(body, signature, secret, STRIPE_SIGNATURE_TOLERANCE_SECONDS);
  } catch (err) {
    logger.warn({ reason: err instanceof Error ? err.message.slice(0, 200) : String(err) }, "stripe webhook: bad signature");
    return plain(400, "Invalid signature");
  }
  const event = eventSchema.safeParse(verified);
  if (!event.success) {
    logger.warn({ issues: event.error.issues }, "stripe webhook: signed but not an event we can read");
    return plain(400, "Invalid event");
  }
  try {
    const outcome = await processStripeEvent(event.data);
    logger.info({ eventId: event.data.id, type: event.data.type, outcome }, "stripe webhook");
    return new Response(JSON.stringify({ received: true, outcome }), { status: 200, headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });
  } catch (err) {
    logger.error({ err, eventId: event.data.id, type: event.data.type }, "stripe webhook: processing failed, Stripe will retry");
    return plain(500, "Processing failed");
  }
}
