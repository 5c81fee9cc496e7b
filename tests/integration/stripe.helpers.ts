import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type AddressInfo } from "node:net";
import { usageIdempotencyKey } from "~/modules/billing/metering";
import { addPlanVersion } from "~/modules/billing/plans.server";
import { closeTenantPeriod } from "~/modules/billing/close.server";
import type { UsageKind } from "~/modules/billing/plan";
import { withTenant } from "~/modules/tenancy/scope.server";
import { makeTenant, uniq } from "../setup/factories";
import { ownerConn } from "./bureau.helpers";

export const STRIPE_KEY = "sk_test_hamkalFakeKey123";
export const WEBHOOK_SECRET = "whsec_hamkalTestSecret456";

// ---------------------------------------------------------------------------------------------------
// A local Stripe

export interface SeenRequest {
  method: string;
  path: string;
  form: Record<string, unknown>;
  idempotencyKey: string | undefined;
  authorization: string | undefined;
  stripeVersion: string | undefined;
  contentType: string | undefined;
  status: number;
  replayed: boolean;
}

interface Failure {
  match: (path: string, form: Record<string, unknown>) => boolean;
  status: number;
  body: unknown;
  times: number;
}

interface FakeInvoice {
  id: string;
  object: "invoice";
  customer: string;
  currency: string;
  collection_method: string;
  days_until_due: number | null;
  status: "draft" | "open";
  number: string | null;
  description: string | null;
  auto_advance: boolean;
  metadata: Record<string, string>;
  total: number;
  amount_due: number;
  amount_paid: number;
  lines: { id: string; object: "line_item"; amount: number; currency: string; description: string; metadata: Record<string, string>; period: unknown }[];
}

/**
 * Decodes Stripe's form encoding as the SDK writes it: `a[b]=1`, `a[0]=x`, nested to any depth. Values
 * stay strings, the way Stripe receives them.
 */
export function decodeStripeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return out;
}

const METER_WINDOW_S = 35 * 24 * 3600;

/**
 * Speaks the parts of Stripe's v1 API the adapter uses, with Stripe's rules where they matter to us:
 * Bearer auth with the secret key, form bodies, idempotency keys replaying the first response
 * (`Idempotent-Replayed: true`; 429s are not stored, as on Stripe), meter event identifiers unique,
 * timestamps within 35 days, invoice items only on draft invoices, errors in Stripe's JSON shape.
 */
export function fakeStripe() {
  const seen: SeenRequest[] = [];
  const customers = new Map<string, Record<string, unknown>>();
  const meterEvents: { event_name: string; identifier: string; timestamp: number; payload: Record<string, string> }[] = [];
  const identifiers = new Set<string>();
  const invoices = new Map<string, FakeInvoice>();
  const idempotent = new Map<string, { path: string; status: number; body: unknown }>();
  const failures: Failure[] = [];
  let seq = 0;
  const nextId = (prefix: string) => `${prefix}_fake${(++seq).toString().padStart(6, "0")}${uniq()}`;

  const error = (status: number, type: string, message: string, code?: string) => ({ status, body: { error: { type, message, ...(code ? { code } : {}) } } });

  function route(method: string, path: string, form: Record<string, unknown>): { status: number; body: unknown } {
    const str = (k: string) => (typeof form[k] === "string" ? (form[k] as string) : undefined);
    const meta = (v: unknown) => (v && typeof v === "object" ? (v as Record<string, string>) : {});
    if (method === "POST" && path === "/v1/customers") {
      const id = nextId("cus");
      const customer = { id, object: "customer", name: str("name") ?? null, email: str("email") ?? null, description: str("description") ?? null, metadata: meta(form.metadata), preferred_locales: form.preferred_locales ? Object.values(form.preferred_locales as object) : [] };
      customers.set(id, customer);
      return { status: 200, body: customer };
    }
    if (method === "POST" && path === "/v1/billing/meter_events") {
      const payload = meta(form.payload);
      const eventName = str("event_name");
      const identifier = str("identifier") ?? nextId("mev");
      const timestamp = Number(str("timestamp") ?? Math.floor(Date.now() / 1000));
      if (!eventName || eventName.length > 100) return error(400, "invalid_request_error", "Missing required param: event_name.", "parameter_missing");
      if (identifier.length > 100) return error(400, "invalid_request_error", "Invalid identifier: must be at most 100 characters.", "parameter_invalid_string_too_long");
      if (!payload.stripe_customer_id || !customers.has(payload.stripe_customer_id)) return error(400, "invalid_request_error", `No such customer: '${payload.stripe_customer_id}'`, "resource_missing");
      if (!/^-?\d+(\.\d+)?$/.test(payload.value ?? "")) return error(400, "invalid_request_error", "Invalid value: payload[value] must be a number.", "parameter_invalid_string");
      const nowS = Math.floor(Date.now() / 1000);
      if (timestamp < nowS - METER_WINDOW_S || timestamp > nowS + 300) return error(400, "invalid_request_error", "Timestamp must be within the past 35 calendar days and not more than 5 minutes in the future.", "timestamp_out_of_range");
      if (identifiers.has(identifier)) return error(400, "invalid_request_error", `An event already exists with identifier ${identifier}.`);
      identifiers.add(identifier);
      const event = { event_name: eventName, identifier, timestamp, payload };
      meterEvents.push(event);
      return { status: 200, body: { object: "billing.meter_event", created: nowS, livemode: false, ...event } };
    }
    if (method === "POST" && path === "/v1/invoices") {
      const customer = str("customer");
      if (!customer || !customers.has(customer)) return error(400, "invalid_request_error", `No such customer: '${customer}'`, "resource_missing");
      const id = nextId("in");
      const invoice: FakeInvoice = {
        id,
        object: "invoice",
        customer,
        currency: str("currency") ?? "usd",
        collection_method: str("collection_method") ?? "charge_automatically",
        days_until_due: str("days_until_due") ? Number(str("days_until_due")) : null,
        status: "draft",
        number: str("number") ?? null,
        description: str("description") ?? null,
        auto_advance: str("auto_advance") === "true",
        metadata: meta(form.metadata),
        total: 0,
        amount_due: 0,
        amount_paid: 0,
        lines: [],
      };
      if (invoice.collection_method === "send_invoice" && invoice.days_until_due === null) return error(400, "invalid_request_error", "Missing days_until_due or due_date for send_invoice.", "parameter_missing");
      invoices.set(id, invoice);
      return { status: 200, body: invoice };
    }
    if (method === "POST" && path === "/v1/invoiceitems") {
      const invoice = invoices.get(str("invoice") ?? "");
      if (!invoice) return error(404, "invalid_request_error", `No such invoice: '${str("invoice")}'`, "resource_missing");
      if (invoice.status !== "draft") return error(400, "invalid_request_error", "You can only add invoice items to draft invoices.", "invoice_not_editable");
      if (str("customer") !== invoice.customer) return error(400, "invalid_request_error", "The invoice item's customer must match the invoice's.");
      if (str("currency") !== invoice.currency) return error(400, "invalid_request_error", "The currency must match the invoice's.", "currency_mismatch");
      const amount = Number(str("amount"));
      if (!Number.isSafeInteger(amount)) return error(400, "invalid_request_error", "Invalid integer: amount", "parameter_invalid_integer");
      const item = { id: nextId("ii"), object: "invoiceitem", amount, currency: invoice.currency, description: str("description") ?? "", invoice: invoice.id, metadata: meta(form.metadata), period: form.period ?? null };
      invoice.lines.push({ id: nextId("il"), object: "line_item", amount, currency: invoice.currency, description: item.description, metadata: item.metadata, period: item.period });
      invoice.total += amount;
      invoice.amount_due = invoice.total;
      return { status: 200, body: item };
    }
    const one = /^\/v1\/invoices\/(in_[A-Za-z0-9_]+)(\/lines|\/finalize)?$/.exec(path);
    if (one) {
      const invoice = invoices.get(one[1]!);
      if (!invoice) return error(404, "invalid_request_error", `No such invoice: '${one[1]}'`, "resource_missing");
      if (method === "GET" && !one[2]) return { status: 200, body: invoice };
      if (method === "GET" && one[2] === "/lines") return { status: 200, body: { object: "list", data: invoice.lines, has_more: false, url: `/v1/invoices/${invoice.id}/lines` } };
      if (method === "POST" && one[2] === "/finalize") {
        if (invoice.status !== "draft") return error(400, "invalid_request_error", "This invoice is already finalized.", "invoice_already_finalized");
        invoice.status = "open";
        invoice.auto_advance = str("auto_advance") === "true" || invoice.auto_advance;
        invoice.number ??= `FAKE-${seq}`;
        return { status: 200, body: invoice };
      }
    }
    return error(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const form = decodeStripeForm(method === "GET" ? url.searchParams.toString() : Buffer.concat(chunks).toString("utf8"));
    const idempotencyKey = req.headers["idempotency-key"] as string | undefined;
    const record: SeenRequest = {
      method,
      path: url.pathname,
      form,
      idempotencyKey,
      authorization: req.headers.authorization,
      stripeVersion: req.headers["stripe-version"] as string | undefined,
      contentType: req.headers["content-type"],
      status: 0,
      replayed: false,
    };
    seen.push(record);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { "content-type": "application/json", "request-id": `req_${uniq()}`, ...headers });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${STRIPE_KEY}`) return send(401, { error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****" } });
    if (method === "POST" && req.headers["content-type"] !== "application/x-www-form-urlencoded") return send(400, { error: { type: "invalid_request_error", message: "Invalid request: form body expected" } });
    const failure = failures.find((f) => f.times > 0 && f.match(url.pathname, form));
    if (failure) {
      failure.times--;
      return send(failure.status, failure.body);
    }
    if (method === "POST" && idempotencyKey) {
      const cached = idempotent.get(idempotencyKey);
      if (cached) {
        if (cached.path !== url.pathname) return send(400, { error: { type: "idempotency_error", message: "Keys for idempotent requests can only be used for the same endpoint they were first used for." } });
        record.replayed = true;
        return send(cached.status, cached.body, { "idempotent-replayed": "true" });
      }
    }
    const out = route(method, url.pathname, form);
    if (method === "POST" && idempotencyKey && out.status !== 429) idempotent.set(idempotencyKey, { path: url.pathname, ...out });
    send(out.status, out.body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });

  return {
    server,
    seen,
    customers,
    meterEvents,
    invoices,
    /** The next `times` requests that match answer `status` with Stripe's error body (not stored under their idempotency key). */
    fail(match: Failure["match"], status: number, times = 1, message = "An error occurred") {
      const type = status === 429 ? "invalid_request_error" : status >= 500 ? "api_error" : "invalid_request_error";
      failures.push({ match, status, times, body: { error: { type, message, ...(status === 429 ? { code: "rate_limit" } : {}) } } });
    },
    clearFailures() {
      failures.length = 0;
    },
    /** Stripe keeps idempotency keys for 24 hours; this is the day after. */
    forgetIdempotencyKeys() {
      idempotent.clear();
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeStripe = ReturnType<typeof fakeStripe>;

// ---------------------------------------------------------------------------------------------------
// Fixtures

/** A tenant with legal details for the customer, as the bureau would fill them in. */
export async function billedTenant(opts: { currency?: string; locale?: string } = {}) {
  const tenant = await makeTenant({ default_locale: opts.locale ?? "fa" });
  await ownerConn()
    .updateTable("tenants")
    .set({ legal_name: `${tenant.name} Co. (legal)`, billing_email: `billing-${tenant.slug}@example.com`, currency: opts.currency ?? "IRR" })
    .where("id", "=", tenant.id)
    .execute();
  return tenant;
}

export async function insertUsage(tenantId: string, rows: { kind: UsageKind; quantity: number; occurredAt: Date }[]) {
  const values = rows.map((r) => ({
    tenant_id: tenantId,
    kind: r.kind,
    quantity: String(r.quantity),
    raw_quantity: String(r.quantity),
    occurred_at: r.occurredAt,
    idempotency_key: usageIdempotencyKey(tenantId, randomUUID(), r.kind, 1),
  }));
  return ownerConn().insertInto("usage_events").values(values).returning(["id", "idempotency_key", "kind", "quantity", "occurred_at"]).execute();
}

/**
 * A finalized invoice for October 2026 (Gregorian, in the tenant's zone): base fee, inbound minutes and
 * chats under an IRR plan with 10% VAT, closed and numbered through the billing module itself.
 */
export async function finalizedInvoice(tenantId: string, currency = "IRR") {
  await withTenant(tenantId, (trx) =>
    addPlanVersion(trx, tenantId, {
      currency,
      baseFee: "1000000",
      pricing: { inbound_minutes: { unitPrice: "5000" }, chats: { unitPrice: "2000" } },
      vatRateBp: 1000,
      effectiveFrom: "2026-01-01T00:00:00Z",
    }),
  );
  await insertUsage(tenantId, [
    { kind: "inbound_minutes", quantity: 600, occurredAt: new Date("2026-10-10T08:00:00Z") },
    { kind: "inbound_minutes", quantity: 300, occurredAt: new Date("2026-10-11T08:00:00Z") },
    { kind: "chats", quantity: 1, occurredAt: new Date("2026-10-12T08:00:00Z") },
  ]);
  const closed = await closeTenantPeriod(tenantId, "gregorian", "2026-10", { finalize: true });
  if (closed.status !== "finalized" || !closed.invoiceId) throw new Error(`close did not finalize: ${closed.status}`);
  return { invoiceId: closed.invoiceId, number: closed.number!, total: closed.total };
}
