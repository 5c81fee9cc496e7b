import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type * as Invoices from "~/modules/billing/invoices.server";
import { resetEnvCache } from "~/modules/platform/env.server";
import { action, loader } from "~/routes/webhooks.stripe";
import { closeFactories, uniq } from "../setup/factories";
import { closeOwner, ownerConn } from "./bureau.helpers";
import { billedTenant, finalizedInvoice, WEBHOOK_SECRET } from "./stripe.helpers";

/**
 * POST /webhooks/stripe through its route module, signed the way Stripe signs (the SDK's own test
 * header): bad signatures change nothing, invoice.paid pays our invoice once however often it is
 * delivered, a failure half-way leaves nothing behind.
 */
const control = vi.hoisted(() => ({ failAfterPayment: false }));
vi.mock("~/modules/billing/invoices.server", async (importOriginal) => {
  const original = await importOriginal<typeof Invoices>();
  return {
    ...original,
    // The payment is written, then the process "crashes" before the event is marked processed.
    recordPaymentIn: async (...args: Parameters<typeof original.recordPaymentIn>) => {
      const result = await original.recordPaymentIn(...args);
      if (control.failAfterPayment) throw new Error("simulated crash after the payment row");
      return result;
    },
  };
});

const ENV_KEYS = ["STRIPE_WEBHOOK_SECRET", "STRIPE_SECRET_KEY"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

beforeAll(() => {
  process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
  // The webhook needs only its secret: Stripe's API key may be unset (invoices mirrored elsewhere or by hand).
  delete process.env.STRIPE_SECRET_KEY;
  resetEnvCache();
});

afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnvCache();
  await closeFactories();
  await closeOwner();
});

type Signing = "valid" | "bad" | "none" | "stale";

async function deliver(event: Record<string, unknown>, signing: Signing = "valid") {
  const payload = JSON.stringify(event);
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (signing === "valid") headers["Stripe-Signature"] = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
  if (signing === "bad") headers["Stripe-Signature"] = Stripe.webhooks.generateTestHeaderString({ payload, secret: "whsec_notTheEndpointSecret" });
  if (signing === "stale") headers["Stripe-Signature"] = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET, timestamp: Math.floor(Date.now() / 1000) - 301 });
  const request = new Request("http://localhost/webhooks/stripe", { method: "POST", headers, body: payload });
  const response = await action({ request, params: {}, context: {} });
  const text = await response.text();
  return { status: response.status, body: text, json: response.headers.get("content-type")?.includes("json") ? (JSON.parse(text) as { outcome: string }) : null };
}

const eventId = () => `evt_test_${uniq()}${uniq()}`;

function invoiceEvent(type: string, id: string, obj: Record<string, unknown>) {
  return { id, object: "event", api_version: "2026-11-18.endive", created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object: { object: "invoice", ...obj } } };
}

/** A tenant whose finalized invoice was mirrored as Stripe invoice `stripeId`. */
async function mirrored() {
  const tenant = await billedTenant();
  const inv = await finalizedInvoice(tenant.id);
  const stripeId = `in_test_${uniq()}${uniq()}`;
  await ownerConn().updateTable("invoices").set({ stripe_invoice_id: stripeId }).where("id", "=", inv.invoiceId).execute();
  const paidObject = {
    id: stripeId,
    currency: "irr",
    // Stripe's two-decimal amount for our whole rial.
    amount_paid: Number(inv.total) * 100,
    amount_due: Number(inv.total) * 100,
    status: "paid",
    metadata: { hamkal_invoice_id: inv.invoiceId, hamkal_tenant_id: tenant.id, hamkal_invoice_number: inv.number },
    status_transitions: { paid_at: Math.floor(Date.now() / 1000) - 60 },
  };
  return { tenant, inv, stripeId, paidObject };
}

const state = async (invoiceId: string) => {
  const invoice = await ownerConn().selectFrom("invoices").select(["status", "amount_paid", "paid_at"]).where("id", "=", invoiceId).executeTakeFirstOrThrow();
  const payments = await ownerConn().selectFrom("payments").selectAll().where("invoice_id", "=", invoiceId).execute();
  return { invoice, payments };
};
const eventRow = (id: string) => ownerConn().selectFrom("stripe_events").selectAll().where("id", "=", id).executeTakeFirst();

describe("POST /webhooks/stripe", () => {
  it("refuses a bad, missing or stale signature with 400 and changes nothing", async () => {
    const { inv, stripeId, paidObject } = await mirrored();
    const before = await state(inv.invoiceId);
    for (const signing of ["bad", "none", "stale"] as const) {
      const id = eventId();
      const answer = await deliver(invoiceEvent("invoice.paid", id, paidObject), signing);
      expect(answer.status, signing).toBe(400);
      expect(await eventRow(id)).toBeUndefined();
    }
    // A valid signature over a different body is a bad signature too.
    const id = eventId();
    const signed = JSON.stringify(invoiceEvent("invoice.paid", id, paidObject));
    const header = Stripe.webhooks.generateTestHeaderString({ payload: signed, secret: WEBHOOK_SECRET });
    const tampered = signed.replace(`"amount_paid":${paidObject.amount_paid}`, `"amount_paid":${paidObject.amount_paid + 100}`);
    const response = await action({ request: new Request("http://localhost/webhooks/stripe", { method: "POST", headers: { "Stripe-Signature": header }, body: tampered }), params: {}, context: {} });
    expect(response.status).toBe(400);
    expect(await state(inv.invoiceId)).toEqual(before);
    expect(before.invoice.status).toBe("finalized");
    expect(stripeId).toMatch(/^in_/);
  });

  it("marks our invoice paid on invoice.paid, with one Stripe payment, and a replay is a no-op", async () => {
    const { tenant, inv, stripeId, paidObject } = await mirrored();
    const id = eventId();
    const event = invoiceEvent("invoice.paid", id, paidObject);
    const first = await deliver(event);
    expect(first).toMatchObject({ status: 200, json: { outcome: "paid" } });

    const after = await state(inv.invoiceId);
    expect(after.invoice.status).toBe("paid");
    expect(BigInt(after.invoice.amount_paid)).toBe(inv.total);
    expect(after.invoice.paid_at?.getTime()).toBe(paidObject.status_transitions.paid_at * 1000);
    expect(after.payments).toHaveLength(1);
    expect(after.payments[0]).toMatchObject({ method: "stripe", stripe_event_id: id, reference: stripeId, tenant_id: tenant.id });
    expect(BigInt(after.payments[0]!.amount)).toBe(inv.total);
    expect(await eventRow(id)).toMatchObject({ type: "invoice.paid", outcome: "paid" });
    expect((await eventRow(id))?.processed_at).not.toBeNull();
    const audit = await ownerConn().selectFrom("tenant_audit_log").selectAll().where("tenant_id", "=", tenant.id).where("action", "=", "invoice.stripePaid").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_label: "Stripe", target_id: inv.invoiceId });

    // Stripe delivers it again (a new signature, the same event): nothing more happens.
    const replay = await deliver(event);
    expect(replay).toMatchObject({ status: 200, json: { outcome: "duplicate" } });
    expect((await state(inv.invoiceId)).payments).toHaveLength(1);
    // Two deliveries at once: still one payment.
    const both = await Promise.all([deliver(event), deliver(event)]);
    expect(both.map((b) => b.status)).toEqual([200, 200]);
    expect((await state(inv.invoiceId)).payments).toHaveLength(1);
  });

  it("acknowledges and ignores event types it does not handle", async () => {
    const id = eventId();
    const answer = await deliver({ id, object: "event", created: Math.floor(Date.now() / 1000), type: "customer.created", data: { object: { id: "cus_x", object: "customer" } } });
    expect(answer).toMatchObject({ status: 200, json: { outcome: "ignored" } });
    expect(await eventRow(id)).toMatchObject({ type: "customer.created", outcome: "ignored" });
  });

  it("records invoice.payment_failed for the tenant without touching the invoice", async () => {
    const { tenant, inv, paidObject } = await mirrored();
    const id = eventId();
    const answer = await deliver(invoiceEvent("invoice.payment_failed", id, { ...paidObject, amount_paid: 0, status: "open", attempt_count: 2 }));
    expect(answer).toMatchObject({ status: 200, json: { outcome: "paymentFailed" } });
    expect((await state(inv.invoiceId)).invoice.status).toBe("finalized");
    expect((await state(inv.invoiceId)).payments).toHaveLength(0);
    const audit = await ownerConn().selectFrom("tenant_audit_log").selectAll().where("tenant_id", "=", tenant.id).where("action", "=", "invoice.stripePaymentFailed").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]?.data).toMatchObject({ eventId: id, attemptCount: 2 });
  });

  it("finds the invoice by the stored mirror id when the metadata is gone, and acknowledges an unknown one", async () => {
    const { inv, paidObject } = await mirrored();
    const answer = await deliver(invoiceEvent("invoice.paid", eventId(), { ...paidObject, metadata: {} }));
    expect(answer).toMatchObject({ status: 200, json: { outcome: "paid" } });
    expect((await state(inv.invoiceId)).invoice.status).toBe("paid");

    const unknown = await deliver(invoiceEvent("invoice.paid", eventId(), { ...paidObject, id: `in_unknown_${uniq()}`, metadata: {} }));
    expect(unknown).toMatchObject({ status: 200, json: { outcome: "invoiceNotFound" } });
  });

  it("leaves nothing behind when processing fails half-way (500), and the redelivery pays", async () => {
    const { inv, paidObject } = await mirrored();
    const id = eventId();
    const event = invoiceEvent("invoice.paid", id, paidObject);
    control.failAfterPayment = true;
    try {
      const failed = await deliver(event);
      expect(failed.status).toBe(500);
    } finally {
      control.failAfterPayment = false;
    }
    expect(await eventRow(id)).toBeUndefined();
    expect(await state(inv.invoiceId)).toMatchObject({ invoice: { status: "finalized" }, payments: [] });

    const retried = await deliver(event);
    expect(retried).toMatchObject({ status: 200, json: { outcome: "paid" } });
    expect((await state(inv.invoiceId)).payments).toHaveLength(1);
  });

  it("does not exist without STRIPE_WEBHOOK_SECRET; GET is not allowed", async () => {
    expect(loader().status).toBe(405);
    delete process.env.STRIPE_WEBHOOK_SECRET;
    resetEnvCache();
    try {
      expect(loader().status).toBe(404);
      const answer = await deliver({ id: eventId(), type: "invoice.paid", created: 1, data: { object: {} } });
      expect(answer.status).toBe(404);
    } finally {
      process.env.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET;
      resetEnvCache();
    }
  });
});
