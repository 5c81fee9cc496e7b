import Stripe from "stripe";
import { UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { afterFinalize } from "~/modules/billing/after-finalize.server";
import { loadInvoiceView } from "~/modules/billing/invoices.server";
import {
  ensureStripeCustomer,
  handleStripeInvoiceJob,
  handleStripeUsageJob,
  mirrorInvoice,
  reportAllUsage,
  reportUsage,
  stripeClient,
} from "~/modules/billing/stripe.server";
import { stripeInvoiceJobId } from "~/modules/billing/stripe-jobs";
import { STRIPE_USAGE_SKIPPED_AT } from "~/modules/billing/stripe-support";
import { resetEnvCache } from "~/modules/platform/env.server";
import { closeQueues, queue } from "~/modules/platform/queues.server";
import { withTenant } from "~/modules/tenancy/scope.server";
import { closeFactories } from "../setup/factories";
import { closeOwner, ownerConn } from "./bureau.helpers";
import { billedTenant, fakeStripe, finalizedInvoice, insertUsage, STRIPE_KEY, type FakeStripe } from "./stripe.helpers";

/**
 * The Stripe adapter with the real SDK against a local server speaking Stripe's v1 API: customers,
 * meter events (identifiers, the 35-day window, 429s), invoices and their items.
 */
const ENV_KEYS = ["STRIPE_SECRET_KEY", "STRIPE_API_BASE_URL", "STRIPE_MAX_REQUESTS_PER_SECOND", "STRIPE_METER_EVENT_PREFIX"] as const;
const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
const FAST_RETRY = { attempts: 3, baseDelayMs: 10, maxDelayMs: 40 };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let stripe: FakeStripe;

function setStripeEnv(on: boolean, baseUrl = "") {
  if (on) {
    process.env.STRIPE_SECRET_KEY = STRIPE_KEY;
    process.env.STRIPE_API_BASE_URL = baseUrl;
    process.env.STRIPE_MAX_REQUESTS_PER_SECOND = "500";
    process.env.STRIPE_METER_EVENT_PREFIX = "hamkal_";
  } else {
    delete process.env.STRIPE_SECRET_KEY;
  }
  resetEnvCache();
}

let baseUrl: string;

beforeAll(async () => {
  stripe = fakeStripe();
  baseUrl = await stripe.listen();
  setStripeEnv(true, baseUrl);
});

afterAll(async () => {
  for (const k of ENV_KEYS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  resetEnvCache();
  await stripe.close();
  await closeQueues();
  await closeFactories();
  await closeOwner();
});

beforeEach(() => {
  stripe.seen.length = 0;
  stripe.clearFailures();
});

const reported = async (tenantId: string) =>
  ownerConn().selectFrom("usage_events").select(["idempotency_key", "stripe_reported_at"]).where("tenant_id", "=", tenantId).execute();

describe("Stripe customers", () => {
  it("creates the tenant's customer once, with its legal details, however often and concurrently asked", async () => {
    const tenant = await billedTenant();
    const [a, b] = await Promise.all([ensureStripeCustomer(tenant.id, { retry: FAST_RETRY }), ensureStripeCustomer(tenant.id, { retry: FAST_RETRY })]);
    const c = await ensureStripeCustomer(tenant.id);
    expect(a).toMatch(/^cus_/);
    expect(b).toBe(a);
    expect(c).toBe(a);

    const creates = stripe.seen.filter((r) => r.path === "/v1/customers");
    // Two concurrent first calls may both reach Stripe, but with one idempotency key: one customer.
    expect(creates.length).toBeGreaterThanOrEqual(1);
    expect(new Set(creates.map((r) => r.idempotencyKey))).toEqual(new Set([`hamkal-customer-${tenant.id}`]));
    const made = [...stripe.customers.values()].filter((cu) => (cu.metadata as Record<string, string>).hamkal_tenant_id === tenant.id);
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({
      id: a,
      name: `${tenant.name} Co. (legal)`,
      email: `billing-${tenant.slug}@example.com`,
      description: tenant.name,
      metadata: { hamkal_tenant_id: tenant.id, hamkal_tenant_slug: tenant.slug },
    });
    // The real SDK talked to us: Bearer key, form body, a pinned API version.
    expect(creates[0]).toMatchObject({ authorization: `Bearer ${STRIPE_KEY}`, contentType: "application/x-www-form-urlencoded" });
    expect(creates[0]?.stripeVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);

    const rows = await ownerConn().selectFrom("stripe_customers").selectAll().where("tenant_id", "=", tenant.id).execute();
    expect(rows.map((r) => r.customer_id)).toEqual([a]);
  });
});

describe("usage as meter events", () => {
  it("sends each usage event once with our key as identifier, and skips what is older than 35 days", async () => {
    const tenant = await billedTenant();
    const now = Date.now();
    const [inbound, chat, old] = await insertUsage(tenant.id, [
      { kind: "inbound_minutes", quantity: 125, occurredAt: new Date(now - HOUR) },
      { kind: "chats", quantity: 1, occurredAt: new Date(now - 2 * HOUR) },
      { kind: "ivr_minutes", quantity: 40, occurredAt: new Date(now - 40 * DAY) },
    ]);

    const first = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY });
    expect(first).toMatchObject({ status: "done", selected: 3, sent: 2, skippedOld: 1, failed: 0, duplicates: 0, stopped: false });

    const customer = await ensureStripeCustomer(tenant.id);
    const mine = stripe.meterEvents.filter((e) => e.payload.stripe_customer_id === customer);
    expect(mine).toHaveLength(2);
    expect(mine.find((e) => e.identifier === inbound!.idempotency_key)).toEqual({
      event_name: "hamkal_inbound_minutes",
      identifier: inbound!.idempotency_key,
      // Seconds: the kind's quantity unit. The Stripe price converts to minutes.
      payload: { stripe_customer_id: customer, value: "125" },
      timestamp: Math.floor(inbound!.occurred_at.getTime() / 1000),
    });
    expect(mine.find((e) => e.identifier === chat!.idempotency_key)).toMatchObject({ event_name: "hamkal_chats", payload: { value: "1" } });
    expect(stripe.meterEvents.some((e) => e.identifier === old!.idempotency_key)).toBe(false);
    // Each request carried an idempotency key derived from the identifier.
    for (const r of stripe.seen.filter((s) => s.path === "/v1/billing/meter_events")) {
      expect(r.idempotencyKey).toBe(`hamkal-meter-${(r.form.identifier as string) ?? ""}`);
    }

    const marks = new Map((await reported(tenant.id)).map((r) => [r.idempotency_key, r.stripe_reported_at]));
    expect(marks.get(inbound!.idempotency_key)!.getTime()).toBeGreaterThan(now - 60_000);
    expect(marks.get(chat!.idempotency_key)).not.toBeNull();
    // Skipped, not sent: the epoch says so, and our invoice still counts it.
    expect(marks.get(old!.idempotency_key)?.getTime()).toBe(STRIPE_USAGE_SKIPPED_AT.getTime());

    stripe.seen.length = 0;
    const again = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY });
    expect(again).toMatchObject({ selected: 0, sent: 0 });
    expect(stripe.seen).toHaveLength(0);
  });

  it("retries a 429 with backoff and the same idempotency key, then marks the event", async () => {
    const tenant = await billedTenant();
    await ensureStripeCustomer(tenant.id);
    const [event] = await insertUsage(tenant.id, [{ kind: "outbound_minutes", quantity: 75, occurredAt: new Date(Date.now() - HOUR) }]);
    stripe.fail((path, form) => path === "/v1/billing/meter_events" && form.identifier === event!.idempotency_key, 429, 1, "Request rate limit exceeded.");

    const result = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY });
    expect(result).toMatchObject({ sent: 1, failed: 0, stopped: false });
    const attempts = stripe.seen.filter((r) => r.path === "/v1/billing/meter_events" && r.form.identifier === event!.idempotency_key);
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(1);
    expect(stripe.meterEvents.filter((e) => e.identifier === event!.idempotency_key)).toHaveLength(1);
    expect((await reported(tenant.id))[0]?.stripe_reported_at).not.toBeNull();
  });

  it("stops the batch when Stripe keeps answering 429, leaving the events for the next run", async () => {
    const tenant = await billedTenant();
    await ensureStripeCustomer(tenant.id);
    const now = Date.now();
    await insertUsage(tenant.id, [
      { kind: "sms", quantity: 1, occurredAt: new Date(now - 3 * HOUR) },
      { kind: "sms", quantity: 1, occurredAt: new Date(now - 2 * HOUR) },
      { kind: "sms", quantity: 1, occurredAt: new Date(now - HOUR) },
    ]);
    stripe.fail((path) => path === "/v1/billing/meter_events", 429, 1000, "Request rate limit exceeded.");
    const stopped = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY, concurrency: 1 });
    expect(stopped).toMatchObject({ sent: 0, stopped: true, failed: 1, deferred: 2 });
    // One event tried FAST_RETRY.attempts times, then the run gave up rather than hammer Stripe.
    expect(stripe.seen.filter((r) => r.path === "/v1/billing/meter_events")).toHaveLength(FAST_RETRY.attempts);
    expect((await reported(tenant.id)).every((r) => r.stripe_reported_at === null)).toBe(true);

    stripe.clearFailures();
    const next = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY });
    expect(next).toMatchObject({ sent: 3, stopped: false });
    expect((await reported(tenant.id)).every((r) => r.stripe_reported_at !== null)).toBe(true);
  });

  it("lets the SDK retry a 500 with the same idempotency key", async () => {
    const tenant = await billedTenant();
    await ensureStripeCustomer(tenant.id);
    const [event] = await insertUsage(tenant.id, [{ kind: "emails", quantity: 2, occurredAt: new Date(Date.now() - HOUR) }]);
    stripe.fail((path, form) => path === "/v1/billing/meter_events" && form.identifier === event!.idempotency_key, 500, 1);
    const result = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY });
    expect(result).toMatchObject({ sent: 1, failed: 0 });
    const attempts = stripe.seen.filter((r) => r.form.identifier === event!.idempotency_key);
    expect(attempts.map((a) => a.status)).toEqual([500, 200]);
    expect(attempts[0]?.idempotencyKey).toBe(attempts[1]?.idempotencyKey);
  });

  it("leaves an event Stripe refuses for the next run and sends the others", async () => {
    const tenant = await billedTenant();
    await ensureStripeCustomer(tenant.id);
    const now = Date.now();
    const [refused, fine] = await insertUsage(tenant.id, [
      { kind: "seat_hours", quantity: 3600, occurredAt: new Date(now - 2 * HOUR) },
      { kind: "callbacks", quantity: 1, occurredAt: new Date(now - HOUR) },
    ]);
    stripe.fail((path, form) => path === "/v1/billing/meter_events" && form.identifier === refused!.idempotency_key, 400, 1, "No active meter found for event_name hamkal_seat_hours.");
    const result = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY });
    expect(result).toMatchObject({ sent: 1, failed: 1, stopped: false });
    // A 400 is not retried: one request.
    expect(stripe.seen.filter((r) => r.form.identifier === refused!.idempotency_key)).toHaveLength(1);
    const marks = new Map((await reported(tenant.id)).map((r) => [r.idempotency_key, r.stripe_reported_at]));
    expect(marks.get(refused!.idempotency_key)).toBeNull();
    expect(marks.get(fine!.idempotency_key)).not.toBeNull();
    // Once the meter exists, the next run delivers it.
    expect(await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY })).toMatchObject({ sent: 1, failed: 0 });
  });

  it("works through batches in one run, never re-reading an event Stripe refused", async () => {
    const tenant = await billedTenant();
    await ensureStripeCustomer(tenant.id);
    const now = Date.now();
    const rows = await insertUsage(
      tenant.id,
      [5, 4, 3, 2, 1].map((h) => ({ kind: "chats" as const, quantity: 1, occurredAt: new Date(now - h * HOUR) })),
    );
    // All five share one recorded_at (one insert): the cursor must still move past each exactly once.
    const refused = rows[1]!;
    stripe.fail((path, form) => path === "/v1/billing/meter_events" && form.identifier === refused.idempotency_key, 400, 1000, "No active meter found.");
    const run = await reportAllUsage({ tenantIds: [tenant.id], limit: 2, retry: FAST_RETRY });
    expect(run).toMatchObject({ batches: 3, selected: 5, sent: 4, failed: 1, stopped: false });
    expect(stripe.seen.filter((r) => r.form.identifier === refused.idempotency_key)).toHaveLength(1);
    expect(stripe.seen.filter((r) => r.path === "/v1/billing/meter_events")).toHaveLength(5);
  });

  it("pauses a kind after three refusals in a run (a meter Stripe does not have), and stops on a refused key", async () => {
    const tenant = await billedTenant();
    await ensureStripeCustomer(tenant.id);
    const now = Date.now();
    await insertUsage(tenant.id, [6, 5, 4, 3, 2].map((h) => ({ kind: "ivr_minutes" as const, quantity: 30, occurredAt: new Date(now - h * HOUR) })));
    stripe.fail((path, form) => path === "/v1/billing/meter_events" && form.event_name === "hamkal_ivr_minutes", 400, 1000, "No active meter found for event_name hamkal_ivr_minutes.");
    const paused = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY, concurrency: 1 });
    expect(paused).toMatchObject({ sent: 0, failed: 3, deferred: 2, stopped: false });
    expect(stripe.seen.filter((r) => r.path === "/v1/billing/meter_events")).toHaveLength(3);

    stripe.clearFailures();
    stripe.seen.length = 0;
    const port = Number(new URL(baseUrl).port);
    const wrongKey = new Stripe("sk_test_notTheKey", { host: "127.0.0.1", port, protocol: "http", maxNetworkRetries: 0 });
    const refused = await reportUsage({ client: wrongKey, tenantIds: [tenant.id], retry: FAST_RETRY, concurrency: 1 });
    expect(refused).toMatchObject({ sent: 0, failed: 1, deferred: 4, stopped: true });
    expect(stripe.seen.map((r) => r.status)).toEqual([401]);
    expect((await reported(tenant.id)).every((r) => r.stripe_reported_at === null)).toBe(true);
  });

  it("counts an identifier Stripe already has as delivered (sent before a crash, a day later)", async () => {
    const tenant = await billedTenant();
    const [event] = await insertUsage(tenant.id, [{ kind: "inbound_minutes", quantity: 30, occurredAt: new Date(Date.now() - HOUR) }]);
    expect(await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY })).toMatchObject({ sent: 1 });
    // The worker died before marking: the row is unreported again, and Stripe has forgotten the HTTP key.
    await ownerConn().updateTable("usage_events").set({ stripe_reported_at: null }).where("tenant_id", "=", tenant.id).execute();
    stripe.forgetIdempotencyKeys();
    const again = await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY });
    expect(again).toMatchObject({ sent: 0, duplicates: 1, failed: 0 });
    expect(stripe.meterEvents.filter((e) => e.identifier === event!.idempotency_key)).toHaveLength(1);
    expect((await reported(tenant.id))[0]?.stripe_reported_at).not.toBeNull();
  });

  it("marks a zero quantity without a request", async () => {
    const tenant = await billedTenant();
    await insertUsage(tenant.id, [{ kind: "recording_gb_days", quantity: 0, occurredAt: new Date(Date.now() - HOUR) }]);
    expect(await reportUsage({ tenantIds: [tenant.id], retry: FAST_RETRY })).toMatchObject({ zero: 1, sent: 0 });
    expect(stripe.seen).toHaveLength(0);
    expect((await reported(tenant.id))[0]?.stripe_reported_at).not.toBeNull();
  });
});

describe("invoices mirrored to Stripe", () => {
  it("mirrors a finalized invoice with one item per line, amounts converted, and does it once", async () => {
    const tenant = await billedTenant();
    const inv = await finalizedInvoice(tenant.id);
    const view = (await withTenant(tenant.id, (trx) => loadInvoiceView(trx, tenant.id, inv.invoiceId)))!;
    expect(view.lines.length).toBeGreaterThanOrEqual(4);

    const result = await mirrorInvoice(tenant.id, inv.invoiceId, { retry: FAST_RETRY });
    expect(result).toMatchObject({ status: "mirrored", itemsCreated: view.lines.length });
    const remote = stripe.invoices.get(result.stripeInvoiceId!)!;
    const customer = await ensureStripeCustomer(tenant.id);
    expect(remote).toMatchObject({
      customer,
      currency: "irr",
      collection_method: "send_invoice",
      status: "open",
      number: inv.number,
      auto_advance: true,
      metadata: { hamkal_invoice_id: inv.invoiceId, hamkal_tenant_id: tenant.id, hamkal_invoice_number: inv.number, hamkal_period: "2026-10" },
    });
    expect(remote.days_until_due).toBeGreaterThanOrEqual(1);
    // IRR is stored as whole rial; Stripe takes it as a two-decimal currency: x100, exactly.
    expect(remote.lines.map((l) => l.amount)).toEqual(view.lines.map((l) => Number(l.amount) * 100));
    expect(remote.total).toBe(Number(view.total) * 100);
    expect(remote.lines.map((l) => l.metadata.hamkal_line_no)).toEqual(view.lines.map((l) => String(l.lineNo)));
    // In the invoice's language when the billing texts have the key, else a plain label: never a raw key.
    expect(remote.lines.every((l) => l.description.length > 0 && !l.description.includes("invoice.lines"))).toBe(true);
    const itemRequests = stripe.seen.filter((r) => r.path === "/v1/invoiceitems");
    expect(itemRequests.map((r) => r.idempotencyKey)).toEqual(view.lines.map((l) => `hamkal-invoice-${inv.invoiceId}-line-${l.lineNo}`));
    expect(stripe.seen.find((r) => r.path === "/v1/invoices")?.idempotencyKey).toBe(`hamkal-invoice-${inv.invoiceId}`);

    const stored = await ownerConn().selectFrom("invoices").select(["stripe_invoice_id", "status", "total"]).where("id", "=", inv.invoiceId).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ stripe_invoice_id: result.stripeInvoiceId, status: "finalized" });

    stripe.seen.length = 0;
    expect(await mirrorInvoice(tenant.id, inv.invoiceId, { retry: FAST_RETRY })).toMatchObject({ status: "alreadyMirrored", stripeInvoiceId: result.stripeInvoiceId });
    expect(stripe.seen.filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("resumes an interrupted mirror without duplicating items", async () => {
    const tenant = await billedTenant({ locale: "en" });
    const inv = await finalizedInvoice(tenant.id);
    stripe.fail((path, form) => path === "/v1/invoiceitems" && (form.metadata as Record<string, string>)?.hamkal_line_no === "2", 400, 1, "Something Stripe refused once.");
    await expect(mirrorInvoice(tenant.id, inv.invoiceId, { retry: FAST_RETRY })).rejects.toThrow(/refused once/);
    const sid = (await ownerConn().selectFrom("invoices").select("stripe_invoice_id").where("id", "=", inv.invoiceId).executeTakeFirstOrThrow()).stripe_invoice_id!;
    expect(stripe.invoices.get(sid)?.lines).toHaveLength(1);

    // A day later even: the stored id and the items' metadata say what is there.
    stripe.forgetIdempotencyKeys();
    const result = await mirrorInvoice(tenant.id, inv.invoiceId, { retry: FAST_RETRY });
    expect(result.stripeInvoiceId).toBe(sid);
    const remote = stripe.invoices.get(sid)!;
    expect(remote.status).toBe("open");
    expect(remote.lines.map((l) => l.metadata.hamkal_line_no).sort()).toEqual([...new Set(remote.lines.map((l) => l.metadata.hamkal_line_no))].sort());
    expect(remote.total).toBe(Number(inv.total) * 100);
    expect(stripe.seen.filter((r) => r.path === "/v1/invoices" && r.method === "POST")).toHaveLength(1);
  });

  it("runs as a job: a refusal Stripe would repeat fails the job for good, a 5xx is left to BullMQ's retries", async () => {
    const tenant = await billedTenant();
    const inv = await finalizedInvoice(tenant.id);
    const job = { tenantId: tenant.id, invoiceId: inv.invoiceId };
    stripe.fail((path) => path === "/v1/invoices", 400, 1, "Invalid currency: irr.");
    await expect(handleStripeInvoiceJob(job, { retry: FAST_RETRY })).rejects.toBeInstanceOf(UnrecoverableError);
    stripe.fail((path) => path === "/v1/invoices", 503, 1000);
    const transient = await handleStripeInvoiceJob(job, { retry: { ...FAST_RETRY, attempts: 1 } }).catch((err: unknown) => err);
    expect(transient).not.toBeInstanceOf(UnrecoverableError);
    expect(transient).toBeInstanceOf(Stripe.errors.StripeError);
    stripe.clearFailures();
    expect(await handleStripeInvoiceJob(job, { retry: FAST_RETRY })).toMatchObject({ status: "mirrored" });
  });

  it("queues the mirror when an invoice is finalized, one job per invoice, and not at all without Stripe", async () => {
    const tenant = await billedTenant();
    const inv = await finalizedInvoice(tenant.id);
    await afterFinalize(tenant.id, inv.invoiceId);
    await afterFinalize(tenant.id, inv.invoiceId);
    const jobId = stripeInvoiceJobId({ tenantId: tenant.id, invoiceId: inv.invoiceId });
    const job = await queue("billing.stripe-invoice").getJob(jobId);
    expect(job?.data).toEqual({ tenantId: tenant.id, invoiceId: inv.invoiceId });
    expect(await queue("billing.stripe-invoice").getJobCountByTypes("waiting", "delayed", "active")).toBeGreaterThanOrEqual(1);
    // Nothing was called inline.
    expect(stripe.seen).toHaveLength(0);
    await job?.remove();

    setStripeEnv(false);
    try {
      const other = await billedTenant();
      const inv2 = await finalizedInvoice(other.id);
      await afterFinalize(other.id, inv2.invoiceId);
      expect(await queue("billing.stripe-invoice").getJob(stripeInvoiceJobId({ tenantId: other.id, invoiceId: inv2.invoiceId }))).toBeUndefined();
    } finally {
      setStripeEnv(true, baseUrl);
    }
  });
});

describe("Stripe off", () => {
  it("calls nothing without STRIPE_SECRET_KEY", async () => {
    setStripeEnv(false);
    try {
      const tenant = await billedTenant();
      await insertUsage(tenant.id, [{ kind: "chats", quantity: 1, occurredAt: new Date(Date.now() - HOUR) }]);
      expect(stripeClient()).toBeNull();
      expect(await reportUsage({ tenantIds: [tenant.id] })).toMatchObject({ status: "disabled", selected: 0 });
      expect(await handleStripeUsageJob()).toEqual({ status: "disabled" });
      expect(await mirrorInvoice(tenant.id, "00000000-0000-4000-8000-000000000000")).toEqual({ status: "disabled" });
      expect(stripe.seen).toHaveLength(0);
      expect((await reported(tenant.id))[0]?.stripe_reported_at).toBeNull();
    } finally {
      setStripeEnv(true, baseUrl);
    }
  });
});
