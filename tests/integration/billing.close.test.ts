import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { closeTenantPeriod, currentPeriodPreview } from "~/modules/billing/close.server";
import { issueCreditNoteIn, loadInvoiceView, recordPaymentIn, voidInvoiceIn } from "~/modules/billing/invoices.server";
import { meterPending } from "~/modules/billing/metering.server";
import { billingPeriod } from "~/modules/billing/periods";
import { addPlanVersion } from "~/modules/billing/plans.server";
import { runView, startBillingRun } from "~/modules/billing/runs.server";
import { closeQueues } from "~/modules/platform/queues.server";
import { withBureauScope, withTenant } from "~/modules/tenancy/scope.server";
import { startWorkers } from "../../workers/runner";
import { makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(async () => {
  await closeQueues();
  await owner.destroy();
});

const TZ = "Asia/Tehran";
const OCTOBER = billingPeriod("gregorian", "2026-10", TZ);
const at = (isoLocalOffsetSeconds: number) => new Date(OCTOBER.start.getTime() + isoLocalOffsetSeconds * 1000);

/** A plan effective from the start of October: base fee, per started minute, included minutes, VAT 10%, SLA credit. */
const PLAN = {
  currency: "IRR",
  baseFee: "50000000",
  pricing: { inbound_minutes: { unitPrice: "100000", included: 10 }, ivr_minutes: { unitPrice: "20000" } },
  minimumCommitment: "0",
  vatRateBp: 1000,
  minuteRounding: { mode: "per_started_minute" },
  wrapUp: { mode: "none" },
  sla: { commitments: [{ queueKey: null, thresholds: [{ belowBp: 8000, creditBp: 500 }] }], maxCreditBp: 2000 },
  proration: "by_days",
  effectiveFrom: OCTOBER.start.toISOString(),
};

async function tenantWithPlan(plan: Record<string, unknown> = PLAN) {
  const t = await makeTenant();
  await withTenant(t.id, (trx) => addPlanVersion(trx, t.id, plan));
  return t;
}

/** Usage as metering writes it, straight into the table (the close only reads it). */
async function usage(tenantId: string, kind: string, seconds: number, occurredAt: Date, key: string) {
  await owner
    .insertInto("usage_events")
    .values({ tenant_id: tenantId, kind, quantity: String(seconds), raw_quantity: String(seconds), occurred_at: occurredAt, idempotency_key: `${tenantId}:${key}` })
    .execute();
}

/** A call that ran through the IVR, waited, talked and was disposed, with the events the platform writes. */
async function finishedCall(tenantId: string, startedAt: Date, talkSeconds: number) {
  const s = (sec: number) => new Date(startedAt.getTime() + sec * 1000);
  const events = [
    { type: "call.started", at: s(0), data: { provider: "simulator" } },
    { type: "routing.queued", at: s(20), data: { contactId: "c", queueKey: "general" } },
    { type: "routing.offered", at: s(25), data: { contactId: "c", agentId: "a" } },
    { type: "routing.connected", at: s(30), data: { contactId: "c", agentId: "a" } },
    { type: "contact.ended", at: s(30 + talkSeconds), data: { agentId: "a", why: "agent" } },
    { type: "call.ended", at: s(30 + talkSeconds), data: { providerStatus: "completed", durationSeconds: 30 + talkSeconds } },
    { type: "contact.disposed", at: s(60 + talkSeconds), data: { agentId: "a" } },
  ];
  const row = await owner
    .insertInto("interactions")
    .values({ tenant_id: tenantId, direction: "inbound", state: "completed", provider: "simulator", started_at: startedAt, ended_at: s(30 + talkSeconds), event_seq: events.length })
    .returning("id")
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("interaction_events")
    .values(events.map((e, i) => ({ tenant_id: tenantId, interaction_id: row.id, seq: i + 1, type: e.type, at: e.at, data: JSON.stringify(e.data) })))
    .execute();
  return row.id;
}

describe("metering", () => {
  it("meters a finished call once: handled and IVR minutes by the plan's rounding, keys from the source events", async () => {
    const t = await tenantWithPlan();
    const call = await finishedCall(t.id, at(3600), 125);
    const first = await meterPending({ tenantIds: [t.id] });
    expect(first).toEqual({ interactions: 1, inserted: 2 });
    const rows = await owner.selectFrom("usage_events").select(["kind", "quantity", "raw_quantity", "idempotency_key", "source_seq"]).where("interaction_id", "=", call).orderBy("kind").execute();
    // 125 s of talk -> 3 started minutes; 20 s of IVR -> 1 started minute.
    expect(rows).toEqual([
      { kind: "inbound_minutes", quantity: "180", raw_quantity: "125", idempotency_key: `${t.id}:${call}:inbound_minutes:4`, source_seq: 4 },
      { kind: "ivr_minutes", quantity: "60", raw_quantity: "20", idempotency_key: `${t.id}:${call}:ivr_minutes:1`, source_seq: 1 },
    ]);
    // Nothing new: the interaction is not pending any more.
    expect(await meterPending({ tenantIds: [t.id] })).toEqual({ interactions: 0, inserted: 0 });
    // A replayed status callback adds an event: the interaction is metered again and bills nothing twice.
    await owner.insertInto("interaction_events").values({ tenant_id: t.id, interaction_id: call, seq: 8, type: "call.ended", at: at(3900), data: JSON.stringify({ providerStatus: "completed", durationSeconds: 155 }) }).execute();
    await owner.updateTable("interactions").set({ event_seq: 8 }).where("id", "=", call).execute();
    expect(await meterPending({ tenantIds: [t.id] })).toEqual({ interactions: 1, inserted: 0 });
    expect(await owner.selectFrom("usage_events").select("id").where("interaction_id", "=", call).execute()).toHaveLength(2);
  });

  it("keeps the usage record append-only for the application role", async () => {
    const t = await tenantWithPlan();
    await usage(t.id, "inbound_minutes", 60, at(100), "x");
    await expect(withTenant(t.id, (trx) => trx.updateTable("usage_events").set({ quantity: "1" }).where("tenant_id", "=", t.id).execute())).rejects.toThrow(/permission denied/);
    await expect(withTenant(t.id, (trx) => trx.deleteFrom("usage_events").where("tenant_id", "=", t.id).execute())).rejects.toThrow(/permission denied/);
  });
});

describe("the monthly close", () => {
  it("rates the period into exact lines and totals, refreshes a draft on a re-run, and numbers it when finalized", async () => {
    const t = await tenantWithPlan();
    await usage(t.id, "inbound_minutes", 70 * 60, at(86_400), "a");
    await usage(t.id, "inbound_minutes", 20 * 60, at(2 * 86_400), "b");
    await usage(t.id, "ivr_minutes", 30 * 60, at(3 * 86_400), "c");
    // A November call is not October's.
    await usage(t.id, "inbound_minutes", 999 * 60, OCTOBER.end, "next-month");
    const steps: string[] = [];
    const draft = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: false, onStep: (s) => void steps.push(s) });
    expect(draft.status).toBe("draft");
    expect(steps).toEqual(["collect", "rate", "lines", "slaCredit", "vat", "totals"]);
    const view = (await withTenant(t.id, (trx) => loadInvoiceView(trx, t.id, draft.invoiceId!)))!;
    // 90 minutes - 10 included = 80 x 100,000 = 8,000,000; IVR 30 x 20,000 = 600,000; base 50,000,000.
    expect(view.baseFeeAmount).toBe(50_000_000n);
    expect(view.usageAmount).toBe(8_600_000n);
    expect(view.slaCreditAmount).toBe(0n);
    expect(view.subtotal).toBe(58_600_000n);
    expect(view.vatAmount).toBe(5_860_000n);
    expect(view.total).toBe(64_460_000n);
    expect(view.lines.reduce((s, l) => s + l.amount, 0n)).toBe(view.total);
    expect(view.usageEventsCount).toBe(3);
    expect(view.number).toBeNull();

    // More usage, a re-run: the same draft, recomputed.
    await usage(t.id, "inbound_minutes", 10 * 60, at(4 * 86_400), "d");
    const again = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: false });
    expect(again.invoiceId).toBe(draft.invoiceId);
    expect(again.total).toBe(64_460_000n + 1_100_000n);

    const final = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: true });
    expect(final).toMatchObject({ invoiceId: draft.invoiceId, status: "finalized" });
    expect(final.number).toMatch(/^HK-\d{6}$/);
    // A re-run of a finalized period changes nothing, even with late usage.
    await usage(t.id, "inbound_minutes", 60 * 60, at(5 * 86_400), "late");
    const rerun = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: true });
    expect(rerun).toMatchObject({ invoiceId: draft.invoiceId, status: "unchanged", number: final.number, total: final.total });
    // The database itself refuses to change a finalized invoice or its lines.
    await expect(withTenant(t.id, (trx) => trx.updateTable("invoices").set({ total: "1" }).where("id", "=", draft.invoiceId!).execute())).rejects.toThrow(/finalized/);
    await expect(withTenant(t.id, (trx) => trx.deleteFrom("invoice_lines").where("invoice_id", "=", draft.invoiceId!).execute())).rejects.toThrow(/finalized/);
  });

  it("credits SLA breaches by the shared service-level definition", async () => {
    const t = await tenantWithPlan();
    const q = await makeQueue(t.id, { key: "general", sl_threshold_seconds: 20 });
    await usage(t.id, "inbound_minutes", 110 * 60, at(86_400), "a");
    // 3 answered within 20 s, 2 answered late: SL 60% < 80% -> 5% of the usage lines.
    for (const [i, wait] of [5, 10, 15, 40, 50].entries()) {
      const call = await owner.insertInto("interactions").values({ tenant_id: t.id, direction: "inbound", state: "completed", provider: "simulator" }).returning("id").executeTakeFirstOrThrow();
      await owner
        .insertInto("routing_contacts")
        .values({ tenant_id: t.id, interaction_id: call.id, queue_id: q.id, status: "completed", priority: 5, sl_threshold_seconds: 20, enqueued_at: at(7200 + i * 600), connected_at: at(7200 + i * 600 + wait), ended_at: at(7200 + i * 600 + 300) })
        .execute();
    }
    const r = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: false });
    const view = (await withTenant(t.id, (trx) => loadInvoiceView(trx, t.id, r.invoiceId!)))!;
    // Usage 100 x 100,000 = 10,000,000; credit 5% = -500,000.
    expect(view.usageAmount).toBe(10_000_000n);
    expect(view.slaCreditAmount).toBe(-500_000n);
    expect(view.sla[0]?.result.serviceLevel).toBe(60);
    expect(view.total).toBe(((50_000_000n + 10_000_000n - 500_000n) * 11n) / 10n);
  });

  it("closes the same tenant twice at once into one invoice", async () => {
    const t = await tenantWithPlan();
    await usage(t.id, "inbound_minutes", 600, at(86_400), "a");
    const [a, b] = await Promise.all([
      closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: true }),
      closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: true }),
    ]);
    expect(a.invoiceId).toBe(b.invoiceId);
    expect([a.status, b.status].sort()).toEqual(["finalized", "unchanged"]);
    const invoices = await owner.selectFrom("invoices").select("id").where("tenant_id", "=", t.id).execute();
    expect(invoices).toHaveLength(1);
  });

  it("numbers invoices bureau-wide without gaps, also when finalizations race", async () => {
    const tenants = await Promise.all([1, 2, 3, 4].map(() => tenantWithPlan()));
    const results = await Promise.all(tenants.map((t) => closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: true })));
    const seqs = (await owner.selectFrom("invoices").select("number_seq").where("tenant_id", "in", tenants.map((t) => t.id)).execute()).map((r) => Number(r.number_seq)).sort((x, y) => x - y);
    expect(seqs).toHaveLength(4);
    expect(seqs[3]! - seqs[0]!).toBe(3);
    // And a rolled-back finalization leaves no hole: the next number follows the last one taken.
    await expect(
      withBureauScope(async (trx) => {
        await sql`update invoice_number_counter set last_number = last_number + 1`.execute(trx);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const t5 = await tenantWithPlan();
    // Other test files finalize invoices in the same database meanwhile: the counter is the truth.
    const fifth = await withBureauScope(async (trx) => {
      const before = (await sql<{ n: string }>`select last_number as n from invoice_number_counter for update`.execute(trx)).rows[0]!.n;
      const { closeTenantPeriodIn } = await import("~/modules/billing/close.server");
      const r = await closeTenantPeriodIn(trx, t5.id, "gregorian", "2026-10", { finalize: true });
      return { ...r, before: Number(before) };
    });
    const row = await owner.selectFrom("invoices").select("number_seq").where("id", "=", fifth.invoiceId!).executeTakeFirstOrThrow();
    expect(Number(row.number_seq)).toBe(fifth.before + 1);
    expect(results.every((r) => r.status === "finalized")).toBe(true);
  });

  it("refuses to finalize a period that has not ended, and skips a tenant without a plan", async () => {
    const t = await tenantWithPlan();
    await expect(closeTenantPeriod(t.id, "gregorian", "2099-01", { finalize: true })).rejects.toMatchObject({ code: "periodNotEnded" });
    const bare = await makeTenant();
    expect(await closeTenantPeriod(bare.id, "gregorian", "2026-10", { finalize: false })).toMatchObject({ status: "skipped", invoiceId: null });
    expect(await owner.selectFrom("invoices").select("id").where("tenant_id", "=", bare.id).execute()).toEqual([]);
  });

  it("projects the running period from usage so far", async () => {
    const t = await tenantWithPlan({ ...PLAN, effectiveFrom: "2026-01-01T00:00:00.000Z" });
    const now = new Date();
    await usage(t.id, "inbound_minutes", 30 * 60, new Date(now.getTime() - 60_000), "now");
    const p = (await withTenant(t.id, (trx) => currentPeriodPreview(trx, t.id, "gregorian", now)))!;
    expect(p.preview.usageToDate.inbound_minutes).toBe(30 * 60);
    expect(p.preview.projected.total >= p.preview.accrued.total).toBe(true);
  });
});

describe("after the close", () => {
  it("records payments up to the balance, credit notes with VAT, and voids an unpaid invoice", async () => {
    const t = await tenantWithPlan();
    await usage(t.id, "inbound_minutes", 60 * 60, at(86_400), "a");
    const { invoiceId } = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: true });
    const id = invoiceId!;
    // Total: (50,000,000 + 50 x 100,000) x 1.1 = 60,500,000.
    const credit = await withTenant(t.id, (trx) => issueCreditNoteIn(trx, t.id, id, { netAmount: 1_000_000n, reason: "Outage on 12 October" }));
    expect(credit.total).toBe(-1_100_000n);
    expect(credit.number).toMatch(/^HK-\d{6}$/);
    await expect(withTenant(t.id, (trx) => recordPaymentIn(trx, t.id, id, { amount: 60_000_000n, method: "bank_transfer", reference: "over", receivedAt: new Date() }))).rejects.toMatchObject({
      code: "overpayment",
    });
    const part = await withTenant(t.id, (trx) => recordPaymentIn(trx, t.id, id, { amount: 40_000_000n, method: "bank_transfer", reference: "SH-1", receivedAt: new Date() }));
    expect(part.status).toBe("finalized");
    const rest = await withTenant(t.id, (trx) => recordPaymentIn(trx, t.id, id, { amount: 19_400_000n, method: "bank_transfer", reference: "SH-2", receivedAt: new Date() }));
    expect(rest.status).toBe("paid");
    const view = (await withTenant(t.id, (trx) => loadInvoiceView(trx, t.id, id)))!;
    expect(view).toMatchObject({ status: "paid", amountPaid: 59_400_000n, balance: 0n });
    await expect(withTenant(t.id, (trx) => voidInvoiceIn(trx, t.id, id, "mistake"))).rejects.toMatchObject({ code: "invoiceState" });

    const other = await tenantWithPlan();
    const r = await closeTenantPeriod(other.id, "gregorian", "2026-10", { finalize: true });
    await withTenant(other.id, (trx) => voidInvoiceIn(trx, other.id, r.invoiceId!, "wrong plan"));
    // The period can be closed again once its invoice is void; the voided number stays accounted for.
    const reclosed = await closeTenantPeriod(other.id, "gregorian", "2026-10", { finalize: false });
    expect(reclosed.invoiceId).not.toBe(r.invoiceId);
    expect((await owner.selectFrom("invoices").select(["status", "number"]).where("id", "=", r.invoiceId!).executeTakeFirstOrThrow()).status).toBe("void");
  });

  it("hides another tenant's invoice (404 territory: the view is null)", async () => {
    const a = await tenantWithPlan();
    const b = await tenantWithPlan();
    const { invoiceId } = await closeTenantPeriod(b.id, "gregorian", "2026-10", { finalize: true });
    expect(await withTenant(a.id, (trx) => loadInvoiceView(trx, a.id, invoiceId!))).toBeNull();
    expect(await withTenant(a.id, (trx) => loadInvoiceView(trx, b.id, invoiceId!))).toBeNull();
  });
});

describe("a billing run", () => {
  it("closes its tenants through the worker, with progress per tenant", async () => {
    const tenants = await Promise.all([1, 2].map(() => tenantWithPlan()));
    await usage(tenants[0]!.id, "inbound_minutes", 600, at(86_400), "r");
    const workers = startWorkers(["billing.close"]);
    try {
      const { runId, tenants: n } = await startBillingRun({ periodLabel: "2026-10", calendar: "gregorian", finalize: true, tenantIds: tenants.map((t) => t.id) });
      expect(n).toBe(2);
      let view = await withBureauScope((trx) => runView(trx, runId));
      for (const deadline = Date.now() + 20_000; view!.status === "running" && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 100));
        view = await withBureauScope((trx) => runView(trx, runId));
      }
      expect(view).toMatchObject({ status: "done", tenantsTotal: 2, tenantsDone: 2, tenantsFailed: 0 });
      expect(view!.items.every((i) => i.status === "done" && i.number !== null && i.invoiceId !== null)).toBe(true);
    } finally {
      await workers.close();
    }
  });
});
