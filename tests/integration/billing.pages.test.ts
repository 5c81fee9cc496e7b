import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTenantPeriod } from "~/modules/billing/close.server";
import { loadInvoiceView } from "~/modules/billing/invoices.server";
import { periodContaining, previousPeriod, type BillingPeriod } from "~/modules/billing/periods";
import type { PlanFormValues } from "~/modules/billing/plan-form";
import { addPlanVersion, listPlanVersions } from "~/modules/billing/plans.server";
import { billingSettings } from "~/modules/billing/settings.server";
import { closeQueues } from "~/modules/platform/queues.server";
import { withTenant } from "~/modules/tenancy/scope.server";
import { loader as overviewLoader } from "~/routes/bureau.billing._index";
import { action as invoiceAction, loader as invoiceLoader } from "~/routes/bureau.billing.invoices.$tenantId.$invoiceId";
import { loader as invoicesLoader } from "~/routes/bureau.billing.invoices._index";
import { action as planAction, loader as planLoader } from "~/routes/bureau.billing.plans.$tenantId";
import { loader as plansLoader } from "~/routes/bureau.billing.plans._index";
import { loader as runLoader } from "~/routes/bureau.billing.runs.$runId";
import { action as runsAction, loader as runsLoader } from "~/routes/bureau.billing.runs._index";
import { loader as portalBillingLoader } from "~/routes/t.$slug.billing";
import { makeUser } from "../setup/factories";
import { startWorkers } from "../../workers/runner";
import { args, bureauAudit, closeOwner, get, post, run, signIn, tenantAudit } from "./bureau.helpers";
import { makeQueue, makeTenant, owner } from "./routing.helpers";

/**
 * The billing pages through their loaders and actions, signed in as a person would be: the console's
 * plan editor, runs and invoice actions (audited, nothing half-written), and the client's billing page
 * (its own tenant only, finalized invoices only).
 */

afterAll(async () => {
  await closeQueues();
  await closeOwner();
  await owner.destroy();
});

const TZ = "Asia/Tehran";
/** In force long before any period these tests touch. */
const PLAN = {
  currency: "IRR",
  baseFee: "50000000",
  pricing: { inbound_minutes: { unitPrice: "100000", included: 10 }, ivr_minutes: { unitPrice: "20000" } },
  vatRateBp: 1000,
  minuteRounding: { mode: "per_started_minute" },
  sla: { commitments: [{ queueKey: null, thresholds: [{ belowBp: 8000, creditBp: 500 }] }], maxCreditBp: 2000 },
  effectiveFrom: "2025-01-01T00:00:00.000Z",
};

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let manager: string;
let managerFa: string;
let leader: string;
let clientA: string;
let viewerA: string;
let current: BillingPeriod;
let prev: BillingPeriod;
let calendar: "gregorian" | "jalali";
let finalizedA: string;

async function usage(tenantId: string, kind: string, seconds: number, occurredAt: Date, key: string) {
  await owner
    .insertInto("usage_events")
    .values({ tenant_id: tenantId, kind, quantity: String(seconds), raw_quantity: String(seconds), occurred_at: occurredAt, idempotency_key: `${tenantId}:${key}` })
    .execute();
}

/** conform's field names for nested form values: {pricing: {chats: {tiers: [{upTo}]}}} -> "pricing.chats.tiers[0].upTo". */
function formFields(values: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(values)) values.forEach((v, i) => Object.assign(out, formFields(v, `${prefix}[${i}]`)));
  else if (values && typeof values === "object") for (const [k, v] of Object.entries(values)) Object.assign(out, formFields(v, prefix ? `${prefix}.${k}` : k));
  else if (values !== undefined && values !== null && values !== "") out[prefix] = String(values);
  return out;
}

beforeAll(async () => {
  calendar = (await billingSettings()).calendar;
  current = periodContaining(new Date(), calendar, TZ);
  prev = previousPeriod(current, TZ);
  a = await makeTenant({ name: "Alpha Billing" });
  b = await makeTenant({ name: "Beta Billing" });
  for (const t of [a, b]) await withTenant(t.id, (trx) => addPlanVersion(trx, t.id, PLAN));
  await makeQueue(a.id, { key: "general" });
  // Last period: 70 handled minutes, closed and finalized. This period: 30 so far.
  await usage(a.id, "inbound_minutes", 70 * 60, new Date(prev.start.getTime() + 86_400_000), "prev");
  const soFar = new Date(Math.max(current.start.getTime() + 1000, Date.now() - 3_600_000));
  await usage(a.id, "inbound_minutes", 30 * 60, soFar, "now");
  const closed = await closeTenantPeriod(a.id, calendar, prev.label, { finalize: true });
  finalizedA = closed.invoiceId!;
  const staff = await makeUser({ staffRoles: ["manager"] });
  manager = await signIn(staff.id);
  managerFa = await signIn(staff.id, "fa");
  leader = await signIn((await makeUser({ staffRoles: ["team_leader"] })).id);
  clientA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] })).id);
  viewerA = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
});

describe("the console's billing overview and plans", () => {
  it("shows revenue by tenant and month net of VAT, and refuses staff without billing.read", async () => {
    const data = await overviewLoader(args(get("/bureau/billing", manager)));
    const irr = data.currencies.find((c) => c.currency === "IRR")!;
    const row = irr.tenants.find((t) => t.tenantId === a.id)!;
    const view = (await withTenant(a.id, (trx) => loadInvoiceView(trx, a.id, finalizedA)))!;
    // Money crosses the loader as decimal strings, never as numbers.
    expect(row.cells.find((c) => c.periodLabel === prev.label)!.net).toBe(view.subtotal.toString());
    expect(BigInt(irr.outstanding)).toBeGreaterThanOrEqual(view.total);
    expect((await run(overviewLoader(args(get("/bureau/billing", leader))))).status).toBe(403);
  });

  it("lists tenants with the version in force", async () => {
    const data = await plansLoader(args(get("/bureau/billing/plans", manager)));
    const row = data.rows.find((r) => r.tenant.id === a.id)!;
    expect(row.current).toMatchObject({ version: 1, currency: "IRR", baseFee: "50000000" });
  });

  it("saves a valid new version from the editor's form, audited, and shows localized field errors for a bad one", async () => {
    const path = `/bureau/billing/plans/${a.id}`;
    const page = await planLoader(args(get(path, manager), { tenantId: a.id }));
    expect(page.defaults.moneyUnit).toBe("toman");
    // The version in force, shown in toman: 50,000,000 rial.
    expect(page.defaults.baseFee).toBe("5000000");
    expect(page.defaults.effectiveDay).toBe(new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(current.end.getTime() + 1000)));

    const bad: PlanFormValues = structuredClone(page.defaults);
    bad.vatPct = "150";
    bad.pricing.inbound_minutes.unitPrice = "12,5x";
    bad.pricing.chats = { mode: "graduated", unitPrice: "", included: "", tiers: [{ upTo: "100", unitPrice: "5" }] };
    const refused = await run(planAction(args(post(path, manager, { intent: "save", ...formFields(bad) }), { tenantId: a.id })));
    const errors = (refused.data as { result: { error: Record<string, string[]> } }).result.error;
    expect(errors["vatPct"]).toEqual(["billing:plan.errors.tooLarge|max=100"]);
    expect(errors["pricing.inbound_minutes.unitPrice"]).toEqual(["billing:plan.errors.invalidAmount"]);
    expect(errors["pricing.chats.tiers[0].upTo"]).toEqual(["billing:plan.errors.lastTierMustBeUnbounded"]);
    expect(await withTenant(a.id, (trx) => listPlanVersions(trx, a.id))).toHaveLength(1);

    // A version that would change the closed period is refused at its date.
    const back: PlanFormValues = { ...structuredClone(page.defaults), effectiveDay: new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(prev.start.getTime() + 2 * 86_400_000)) };
    const closed = await run(planAction(args(post(path, manager, { intent: "save", ...formFields(back) }), { tenantId: a.id })));
    expect((closed.data as { result: { error: Record<string, string[]> } }).result.error.effectiveDay).toEqual(["billing:errors.periodClosed"]);

    const good: PlanFormValues = structuredClone(page.defaults);
    good.baseFee = "6,000,000";
    good.pricing.chats = { mode: "volume", unitPrice: "", included: "5", tiers: [{ upTo: "100", unitPrice: "500" }, { upTo: "", unitPrice: "400" }] };
    good.note = "renewal";
    const saved = await run(planAction(args(post(path, manager, { intent: "save", ...formFields(good) }), { tenantId: a.id })));
    expect(saved).toMatchObject({ status: 302, location: `${path}?notice=saved` });
    const versions = await withTenant(a.id, (trx) => listPlanVersions(trx, a.id));
    expect(versions).toHaveLength(2);
    expect(versions[1]!.plan.baseFee).toBe(60_000_000n);
    expect(versions[1]!.plan.pricing.chats).toEqual({ included: 5, tiers: { mode: "volume", tiers: [{ upTo: 100, unitPrice: 5000n }, { upTo: null, unitPrice: 4000n }] } });
    expect(versions[1]!.effectiveFrom.getTime()).toBe(current.end.getTime());
    const audit = (await tenantAudit(a.id)).filter((r) => r.action === "billing.plan.version_added");
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ version: 2, note: "renewal" });
    // The next change starts from the version just scheduled, on the period after it.
    const after = await planLoader(args(get(path, manager), { tenantId: a.id }));
    expect(after.defaults.baseFee).toBe("6000000");
    expect(after.defaults.effectiveDay > page.defaults.effectiveDay).toBe(true);
    expect(after.versions.map((v) => v.version)).toEqual([2, 1]);

    // A client or a team leader cannot save one.
    expect((await run(planAction(args(post(path, leader, { intent: "save", ...formFields(good) }), { tenantId: a.id })))).status).toBe(403);
  });

  it("previews the running period with a proposed version beside the plan in force", async () => {
    const path = `/bureau/billing/plans/${b.id}`;
    await usage(b.id, "inbound_minutes", 40 * 60, new Date(Math.max(current.start.getTime() + 1000, Date.now() - 60_000)), "preview");
    const page = await planLoader(args(get(path, managerFa), { tenantId: b.id }));
    // In Persian the day is Jalali with Persian digits, and amounts are toman in Persian digits.
    expect(page.defaults.effectiveDay).toMatch(/^[۰-۹]{4}\/[۰-۹]{2}\/[۰-۹]{2}$/);
    expect(page.defaults.baseFee).toBe("۵۰۰۰۰۰۰");
    const proposed: PlanFormValues = structuredClone(page.defaults);
    // From the first day of this period, twice the minute price.
    proposed.effectiveDay = new Intl.DateTimeFormat("fa-IR-u-ca-persian-nu-arabext", { timeZone: TZ, year: "numeric", month: "2-digit", day: "2-digit" }).format(current.start).replace(/[^\u06F0-\u06F9/]/g, "");
    proposed.pricing.inbound_minutes.unitPrice = "20000";
    const result = await run(planAction(args(post(path, managerFa, { intent: "preview", ...formFields(proposed) }), { tenantId: b.id })));
    const data = result.data as { preview?: { current: { accrued: { lines: { kind: string | null; amount: string }[]; total: string } } | null; proposed: { accrued: { lines: { kind: string | null; amount: string }[]; total: string }; projected: { total: string } } } };
    expect(data.preview, JSON.stringify(result.data)).toBeDefined();
    const usageLine = (lines: { kind: string | null; amount: string }[]) => lines.find((l) => l.kind === "inbound_minutes")!;
    // 40 minutes - 10 included = 30 billable minutes.
    expect(usageLine(data.preview!.current!.accrued.lines).amount).toBe("3000000");
    expect(usageLine(data.preview!.proposed.accrued.lines).amount).toBe("6000000");
    expect(BigInt(data.preview!.proposed.projected.total)).toBeGreaterThanOrEqual(BigInt(data.preview!.proposed.accrued.total));
    // Nothing was saved by a preview.
    expect(await withTenant(b.id, (trx) => listPlanVersions(trx, b.id))).toHaveLength(1);
  });
});

describe("billing runs", () => {
  it("starts a close that the worker finishes, with per-tenant progress and an audit record", async () => {
    const page = await runsLoader(args(get("/bureau/billing/runs", manager)));
    expect(page.defaultPeriod).toBe(prev.label);
    expect(page.periods[0]!.label).toBe(current.label);
    // Finalizing the running period is refused before anything is queued.
    const early = await run(runsAction(args(post("/bureau/billing/runs", manager, { periodLabel: current.label, finalize: "on", scope: "chosen", tenantIds: [b.id] }))));
    expect((early.data as { result: { error: Record<string, string[]> } }).result.error.periodLabel).toEqual(["billing:console.runs.errors.periodNotEnded"]);
    const none = await run(runsAction(args(post("/bureau/billing/runs", manager, { periodLabel: prev.label, scope: "chosen" }))));
    expect((none.data as { result: { error: Record<string, string[]> } }).result.error.tenantIds).toEqual(["billing:console.runs.errors.noTenants"]);
    expect((await run(runsAction(args(post("/bureau/billing/runs", leader, { periodLabel: prev.label, scope: "all" }))))).status).toBe(403);

    const workers = startWorkers(["billing.close"]);
    try {
      const started = await run(runsAction(args(post("/bureau/billing/runs", manager, { periodLabel: prev.label, finalize: "on", scope: "chosen", tenantIds: [b.id] }))));
      expect(started.status).toBe(302);
      const runId = started.location!.split("/").pop()!;
      let view = await runLoader(args(get(started.location!, manager), { runId }));
      for (const deadline = Date.now() + 20_000; view.run.status === "running" && Date.now() < deadline; ) {
        await new Promise((r) => setTimeout(r, 100));
        view = await runLoader(args(get(started.location!, manager), { runId }));
      }
      expect(view.run).toMatchObject({ status: "done", tenantsTotal: 1, tenantsDone: 1, finalize: true });
      expect(view.run.items[0]).toMatchObject({ tenantId: b.id, status: "done", currency: "IRR" });
      expect(view.run.items[0]!.number).toMatch(/^[A-Z0-9-]+-\d{6}$/);
      expect(typeof view.run.items[0]!.total).toBe("string");
      const audit = await bureauAudit(runId);
      expect(audit.map((r) => r.action)).toEqual(["billing.run.started"]);
      expect(audit[0]!.data).toMatchObject({ periodLabel: prev.label, finalize: true, tenants: 1 });
    } finally {
      await workers.close();
    }
    expect((await run(runLoader(args(get("/bureau/billing/runs/x", manager), { runId: "00000000-0000-4000-8000-000000000000" })))).status).toBe(404);
  });
});

describe("invoice detail actions", () => {
  const path = (tenantId: string, id: string) => `/bureau/billing/invoices/${tenantId}/${id}`;
  const act = (cookie: string, tenantId: string, id: string, fields: Record<string, string>) => run(invoiceAction(args(post(path(tenantId, id), cookie, fields), { tenantId, invoiceId: id })));
  const view = (id: string) => withTenant(a.id, (trx) => loadInvoiceView(trx, a.id, id));

  it("records a payment typed in toman, issues a credit note, and refuses an overpayment with the field named", async () => {
    const before = (await view(finalizedA))!;
    const page = await invoiceLoader(args(get(path(a.id, finalizedA), manager), { tenantId: a.id, invoiceId: finalizedA }));
    expect(page.unit).toBe("toman");
    expect(page.invoice.total).toBe(before.total.toString());

    const paid = await act(manager, a.id, finalizedA, { intent: "payment", moneyUnit: "toman", amount: "1,000", method: "bank_transfer", reference: "TRX-42", receivedAt: page.today, note: "" });
    expect(paid).toMatchObject({ status: 302, location: `${path(a.id, finalizedA)}?notice=paymentRecorded` });
    const afterPay = (await view(finalizedA))!;
    expect(afterPay.amountPaid).toBe(10_000n);
    expect(afterPay.payments[0]).toMatchObject({ amount: 10_000n, method: "bank_transfer", reference: "TRX-42" });

    const tooMuch = await act(manager, a.id, finalizedA, { intent: "payment", moneyUnit: "rial", amount: (before.total * 2n).toString(), method: "cash", receivedAt: page.today });
    expect((tooMuch.data as { result: { error: Record<string, string[]> } }).result.error.amount).toEqual(["billing:errors.overpayment"]);

    const credited = await act(manager, a.id, finalizedA, { intent: "credit", moneyUnit: "rial", netAmount: "100000", reason: "outage on the 3rd" });
    expect(credited.status).toBe(302);
    const noteId = credited.location!.split("/").pop()!.split("?")[0]!;
    const note = (await view(noteId))!;
    expect(note).toMatchObject({ kind: "credit_note", status: "finalized", total: -110_000n, creditForInvoiceId: finalizedA });
    expect((await view(finalizedA))!.balance).toBe(before.total - 10_000n - 110_000n);
    const detail = await invoiceLoader(args(get(path(a.id, finalizedA), manager), { tenantId: a.id, invoiceId: finalizedA }));
    expect(detail.creditNotes.map((c) => c.id)).toEqual([noteId]);

    const actions = (await tenantAudit(a.id)).filter((r) => r.target_id === finalizedA).map((r) => r.action);
    expect(actions).toEqual(["billing.payment.recorded", "billing.credit_note.issued"]);
  });

  it("finalizes a draft, voids a finalized invoice with its reason, deletes a draft, all audited", async () => {
    const p2 = previousPeriod(prev, TZ);
    const p3 = previousPeriod(p2, TZ);
    const p4 = previousPeriod(p3, TZ);
    const draft = (await closeTenantPeriod(a.id, calendar, p2.label, { finalize: false })).invoiceId!;
    const toFinalize = (await closeTenantPeriod(a.id, calendar, p3.label, { finalize: false })).invoiceId!;
    const toVoid = (await closeTenantPeriod(a.id, calendar, p4.label, { finalize: true })).invoiceId!;

    const fin = await act(manager, a.id, toFinalize, { intent: "finalize" });
    expect(fin).toMatchObject({ status: 302, location: `${path(a.id, toFinalize)}?notice=finalized` });
    expect((await view(toFinalize))!).toMatchObject({ status: "finalized" });
    expect((await view(toFinalize))!.number).toMatch(/-\d{6}$/);

    const noReason = await act(manager, a.id, toVoid, { intent: "void", reason: "" });
    expect((noReason.data as { result: { error: Record<string, string[]> } }).result.error.reason).toEqual(["validation:required"]);
    const voided = await act(manager, a.id, toVoid, { intent: "void", reason: "wrong tenant address" });
    expect(voided.status).toBe(302);
    expect((await view(toVoid))!).toMatchObject({ status: "void", reason: "wrong tenant address" });

    const deleted = await act(manager, a.id, draft, { intent: "void", reason: "re-run later" });
    expect(deleted.location).toBe(`/bureau/billing/invoices?tenant=${a.id}&notice=draftDeleted`);
    expect(await view(draft)).toBeNull();

    const audit = await tenantAudit(a.id);
    expect(audit.filter((r) => r.target_id === toFinalize).map((r) => r.action)).toEqual(["billing.invoice.finalized"]);
    expect(audit.filter((r) => r.target_id === toVoid).map((r) => r.action)).toEqual(["billing.invoice.voided"]);
    expect(audit.filter((r) => r.target_id === draft).map((r) => r.action)).toEqual(["billing.invoice.voided"]);

    // A finalized invoice cannot be finalized again: a localized refusal, nothing changes.
    const again = await act(manager, a.id, toFinalize, { intent: "finalize" });
    expect((again.data as { result: { error: Record<string, string[]> } }).result.error[""]).toEqual(["billing:errors.invoiceState"]);
  });

  it("answers 404 for another tenant's invoice and 403 to staff without billing rights", async () => {
    expect((await run(invoiceLoader(args(get(path(b.id, finalizedA), manager), { tenantId: b.id, invoiceId: finalizedA })))).status).toBe(404);
    expect((await act(manager, b.id, finalizedA, { intent: "finalize" })).status).toBe(404);
    expect((await run(invoiceLoader(args(get(path(a.id, "nope"), manager), { tenantId: a.id, invoiceId: "nope" })))).status).toBe(404);
    expect((await run(invoiceLoader(args(get(path(a.id, finalizedA), leader), { tenantId: a.id, invoiceId: finalizedA })))).status).toBe(403);
    const list = await invoicesLoader(args(get(`/bureau/billing/invoices?tenant=${a.id}&status=bogus`, manager)));
    expect(list.filter).toEqual({ tenant: a.id, status: "", period: "" });
    expect(list.invoices.every((i) => i.tenantId === a.id)).toBe(true);
  });
});

describe("the client's billing page", () => {
  it("shows its own usage, the projection and only its finalized invoices", async () => {
    // A draft of this tenant's: the bureau's working copy, not the client's.
    const draft = (await closeTenantPeriod(a.id, calendar, previousPeriod(prev, TZ).label, { finalize: false })).invoiceId!;
    const data = await portalBillingLoader(args(get(`/t/${a.slug}/billing`, clientA), { slug: a.slug }));
    expect(data.usageToDate.inbound_minutes).toBe(30 * 60);
    expect(data.daily.series.find((s) => s.kind === "inbound_minutes")!.total).toBe(30 * 60);
    expect(data.daily.days[0]).toBe(new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(current.start));
    expect(data.preview).not.toBeNull();
    expect(data.preview!.accrued.lines.some((l) => l.kind === "inbound_minutes")).toBe(true);
    expect(BigInt(data.preview!.projected.total)).toBeGreaterThanOrEqual(BigInt(data.preview!.accrued.total));
    const ids = data.invoices.map((i) => i.id);
    expect(ids).toContain(finalizedA);
    expect(ids).not.toContain(draft);
    expect(data.invoices.every((i) => i.status !== "draft")).toBe(true);
    // The same total the bureau sees for the finalized invoice.
    const bureau = await invoiceLoader(args(get(`/bureau/billing/invoices/${a.id}/${finalizedA}`, manager), { tenantId: a.id, invoiceId: finalizedA }));
    expect(data.invoices.find((i) => i.id === finalizedA)!.total).toBe(bureau.invoice.total);
    // SLA attainment: this period and six before it, against the contract's tenant-wide commitment.
    expect(data.sla.periods).toHaveLength(7);
    expect(data.sla.periods[6]).toMatchObject({ label: current.label, current: true });
    expect(data.sla.commitments[0]!.queueKey).toBeNull();
    expect(data.sla.commitments[0]!.cells[6]!.committedBp).toBe(8000);
    expect(data.sla.commitments[0]!.cells[5]!.billed).toBe(true);
    expect(data.sla.queues.map((q) => q.queueKey)).toEqual(["general"]);
  });

  it("answers 404 for another company's page and 403 without tenant.billing.read", async () => {
    expect((await run(portalBillingLoader(args(get(`/t/${b.slug}/billing`, clientA), { slug: b.slug })))).status).toBe(404);
    expect((await run(portalBillingLoader(args(get(`/t/${a.slug}/billing`, viewerA), { slug: a.slug })))).status).toBe(403);
  });
});
