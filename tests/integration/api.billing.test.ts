import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBureauApiKey, createTenantApiKey } from "~/modules/auth/api-keys.server";
import { closeTenantPeriod } from "~/modules/billing/close.server";
import { billingPeriod, periodContaining } from "~/modules/billing/periods";
import { addPlanVersion } from "~/modules/billing/plans.server";
import { withBureauScope, withTenant } from "~/modules/tenancy/scope.server";
import { loader as invoiceLoader } from "~/routes/api.v1.invoices.$invoiceId";
import { loader as invoicesLoader } from "~/routes/api.v1.invoices._index";
import { loader as usageLoader } from "~/routes/api.v1.usage";
import { closeFactories, makeUser } from "../setup/factories";
import { args } from "./portal.helpers";
import { makeTenant, owner } from "./routing.helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

const OCTOBER = billingPeriod("gregorian", "2026-10", "Asia/Tehran");
let a: { id: string; slug: string };
let b: { id: string; slug: string };
let keyA: string;
let keyB: string;
let noScopeA: string;
let bureauKey: string;
let finalA: string;
let draftA: string;

const req = (path: string, token: string) => new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}` } });
async function call(fn: (x: ReturnType<typeof args>) => Promise<Response> | Response, request: Request, params: Record<string, string> = {}) {
  const res = await fn(args(request, params));
  return { status: res.status, body: (await res.json()) as Json };
}

beforeAll(async () => {
  a = await makeTenant();
  b = await makeTenant();
  const plan = {
    baseFee: "10000000",
    pricing: { inbound_minutes: { unitPrice: "50000" } },
    effectiveFrom: OCTOBER.start.toISOString(),
  };
  for (const t of [a, b]) await withTenant(t.id, (trx) => addPlanVersion(trx, t.id, plan));
  await owner
    .insertInto("usage_events")
    .values([
      { tenant_id: a.id, kind: "inbound_minutes", quantity: "600", raw_quantity: "590", occurred_at: new Date(OCTOBER.start.getTime() + 86_400_000), idempotency_key: `${a.id}:x1` },
      { tenant_id: a.id, kind: "inbound_minutes", quantity: "120", raw_quantity: "120", occurred_at: new Date(Date.now() - 60_000), idempotency_key: `${a.id}:now` },
    ])
    .execute();
  finalA = (await closeTenantPeriod(a.id, "gregorian", "2026-10", { finalize: true })).invoiceId!;
  // The running month, closed as a draft: the bureau sees it, the client does not.
  draftA = (await closeTenantPeriod(a.id, "gregorian", periodContaining(new Date(), "gregorian", "Asia/Tehran").label, { finalize: false })).invoiceId!;
  const admin = await makeUser({ staffRoles: ["bureau_admin"] });
  const actor = { userId: admin.id, label: admin.email };
  keyA = (await createTenantApiKey(a.id, { name: "erp", scopes: ["billing:read"] }, actor)).token;
  noScopeA = (await createTenantApiKey(a.id, { name: "other", scopes: ["queues:read"] }, actor)).token;
  keyB = (await createTenantApiKey(b.id, { name: "erp", scopes: ["billing:read"] }, actor)).token;
  bureauKey = (await withBureauScope((trx) => createBureauApiKey(trx, { name: "finance", scopes: ["billing:read"] }, actor))).token;
});

describe("the billing API", () => {
  it("gives a past period's usage and how it rates, amounts as strings", async () => {
    const r = await call(usageLoader, req("/api/v1/usage?period=2026-10&calendar=gregorian", keyA));
    expect(r.status).toBe(200);
    expect(r.body.data.period).toMatchObject({ label: "2026-10", calendar: "gregorian", running: false });
    expect(r.body.data.usage.find((u: Json) => u.kind === "inbound_minutes")).toEqual({ kind: "inbound_minutes", quantity: 600, unit: "second" });
    // 10 minutes x 50,000 + 10,000,000 base, plus 10% VAT.
    expect(r.body.data.invoice.rated.total).toBe("11550000");
  });

  it("projects the running period", async () => {
    const r = await call(usageLoader, req("/api/v1/usage?calendar=gregorian", keyA));
    expect(r.status).toBe(200);
    expect(r.body.data.period.running).toBe(true);
    expect(BigInt(r.body.data.invoice.projected.total) >= BigInt(r.body.data.invoice.accrued.total)).toBe(true);
  });

  it("names a bad period", async () => {
    const r = await call(usageLoader, req("/api/v1/usage?period=2026-13", keyA));
    expect(r.status).toBe(422);
    expect(r.body.error.details[0].field).toBe("period");
  });

  it("lists finalized invoices for a tenant key, drafts too for a bureau key", async () => {
    const mine = await call(invoicesLoader, req("/api/v1/invoices", keyA));
    expect(mine.body.data.map((i: Json) => i.id)).toEqual([finalA]);
    expect(mine.body.data[0]).toMatchObject({ status: "finalized", period: "2026-10", total: "11550000" });
    const bureau = await call(invoicesLoader, req(`/api/v1/invoices?tenant=${a.slug}`, bureauKey));
    expect(bureau.body.data.map((i: Json) => i.id).sort()).toEqual([finalA, draftA].sort());
  });

  it("gets an invoice with its lines; another tenant's, a draft for the client, or a bad id is 404", async () => {
    const r = await call(invoiceLoader, req(`/api/v1/invoices/${finalA}`, keyA), { invoiceId: finalA });
    expect(r.status).toBe(200);
    expect(r.body.data.lines.map((l: Json) => l.type)).toEqual(["base_fee", "usage", "vat"]);
    expect(r.body.data.balance).toBe("11550000");
    expect((await call(invoiceLoader, req(`/api/v1/invoices/${finalA}`, keyB), { invoiceId: finalA })).status).toBe(404);
    expect((await call(invoiceLoader, req(`/api/v1/invoices/${draftA}`, keyA), { invoiceId: draftA })).status).toBe(404);
    expect((await call(invoiceLoader, req(`/api/v1/invoices/nope`, keyA), { invoiceId: "nope" })).status).toBe(404);
  });

  it("refuses a key without billing:read", async () => {
    expect((await call(invoicesLoader, req("/api/v1/invoices", noScopeA))).status).toBe(403);
  });
});
