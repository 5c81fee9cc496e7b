import i18next from "i18next";
import { createElement, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
// Remix renders pages through react-router's static data router; so does this test (no HTTP server).
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { chartAxes, describeLine, periodTitle, RUN_STEPS } from "~/components/billing-ui";
import { billingPeriod } from "~/modules/billing/periods";
import { parseRatePlanVersion } from "~/modules/billing/plan";
import { planToFormValues } from "~/modules/billing/plan-form";
import { ratePeriod } from "~/modules/billing/rating";
import { previewInvoice } from "~/modules/billing/preview";
import { previewWire, ratedWire } from "~/modules/billing/wire";
import { i18nOptions, type Language } from "~/modules/i18n/config";
import { resources } from "~/modules/i18n/resources";
import Overview from "~/routes/bureau.billing._index";
import InvoicePage from "~/routes/bureau.billing.invoices.$tenantId.$invoiceId";
import PlanEditorPage from "~/routes/bureau.billing.plans.$tenantId";
import RunPage from "~/routes/bureau.billing.runs.$runId";
import RunsPage from "~/routes/bureau.billing.runs._index";
import TenantBilling from "~/routes/t.$slug.billing";

/**
 * The billing pages rendered on the server in each language from loader data shaped as the loaders
 * shape it: every string from the locales (no raw keys), Persian digits, Jalali dates and toman in
 * Persian, amounts isolated left-to-right, charts drawn only in the browser with a table beside them.
 */

const TZ = "Asia/Tehran";
const T1 = "11111111-1111-4111-8111-111111111111";
const INV = "22222222-2222-4222-8222-222222222222";
const RUN = "33333333-3333-4333-8333-333333333333";
const NOV = billingPeriod("jalali", "1405-08", TZ);

const plan = (() => {
  const r = parseRatePlanVersion({
    baseFee: "50000000",
    pricing: { inbound_minutes: { unitPrice: "100000", included: 10 }, ivr_minutes: { tiers: { mode: "graduated", tiers: [{ upTo: 100, unitPrice: "2000" }, { upTo: null, unitPrice: "1000" }] } } },
    sla: { commitments: [{ queueKey: null, thresholds: [{ belowBp: 8000, creditBp: 500 }] }] },
    effectiveFrom: "2025-01-01T00:00:00Z",
    version: 1,
  });
  if (!r.success) throw new Error("fixture");
  return r.data;
})();

const rated = ratePeriod({
  versions: [plan],
  usage: { inbound_minutes: 90 * 60, ivr_minutes: 150 * 60 },
  sla: [{ queueKey: "general", counts: { answered: 10, answeredWithin: 6, abandoned: 0, shortAbandoned: 1 } }],
  periodStart: NOV.start,
  periodEnd: NOV.end,
  timeZone: TZ,
});

async function render(lang: Language, path: string, Component: ComponentType, data: object) {
  const i18n = i18next.createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: lang, resources });
  const routes = [{ id: "root", path: "/", loader: () => ({ csrf: "token" }), children: [{ id: "page", path: path.slice(1).split("?")[0], loader: () => data, Component }] }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(`http://localhost${path}`));
  if (context instanceof Response) throw new Error("unexpected response");
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })));
}

/** A key that failed to translate shows itself: none of ours may reach the page. */
const rawKey = /\b(console|portal|invoice|units|kinds|plan)\.[a-zA-Z]+\.|billing:/;
const LATIN_DIGITS_IN_FA = /(?<![\w#/.=:-])\d{2,}(?![\w-])/;

describe("chart direction", () => {
  it("mirrors the axes in Persian and leaves them in English and Dutch", () => {
    expect(chartAxes("fa")).toEqual({ xReversed: true, yOrientation: "right", textDirection: "rtl" });
    expect(chartAxes("en")).toEqual({ xReversed: false, yOrientation: "left", textDirection: "ltr" });
    expect(chartAxes("nl").xReversed).toBe(false);
  });

  it("names periods in their own calendar", () => {
    expect(periodTitle("1405-08", "jalali", "fa")).toBe("آبان ۱۴۰۵");
    expect(periodTitle("2026-11", "gregorian", "en")).toBe("November 2026");
    expect(periodTitle("2026-11", "gregorian", "nl")).toBe("november 2026");
    expect(RUN_STEPS).toEqual(["collect", "rate", "lines", "slaCredit", "vat", "totals", "finalize"]);
  });

  it("describes lines with formatted params, also under the stored doubled key prefix", async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ ...i18nOptions, lng: "en", resources });
    const t = i18n.getFixedT("en", "billing") as unknown as (k: string, o?: Record<string, unknown>) => string;
    const lines = ratedWire(rated).lines;
    const usage = lines.find((l) => l.kind === "inbound_minutes")!;
    expect(describeLine(t, usage, "en", "IRR", "toman")).toBe("Inbound call handling: 90 minutes used, the first 10 minutes included");
    const doubled = { ...usage, descriptionKey: `billing:invoice.lines.${usage.descriptionKey}` };
    expect(describeLine(t, doubled, "en", "IRR", "toman")).toBe(describeLine(t, usage, "en", "IRR", "toman"));
    const tier = lines.filter((l) => l.kind === "ivr_minutes");
    expect(describeLine(t, tier[1]!, "en", "IRR", "toman")).toBe("IVR (automated phone menu), graduated tier 2 (above 100 minutes)");
    const credit = lines.find((l) => l.type === "sla_credit")!;
    expect(describeLine(t, credit, "en", "IRR", "toman")).toBe("SLA credit: service level 60%, below 80%; 5% of usage");
  });
});

const overviewData = {
  settings: { calendar: "jalali", currencyDisplay: "toman", timeZone: TZ },
  drafts: 2,
  runningRuns: 0,
  currencies: [
    {
      currency: "IRR",
      periods: ["1405-07", "1405-08"],
      tenants: [{ tenantId: T1, tenantName: "آوای همراه", cells: [{ periodLabel: "1405-07", net: "0" }, { periodLabel: "1405-08", net: "123456780" }], total: "123456780" }],
      totals: [{ periodLabel: "1405-07", net: "0" }, { periodLabel: "1405-08", net: "123456780" }],
      outstanding: "135802458",
      overdue: "0",
      outstandingCount: 1,
      overdueCount: 0,
    },
  ],
};

describe("console pages", () => {
  it("renders the overview in Persian: toman, Persian digits, Jalali months, the table beside the chart", async () => {
    const html = await render("fa", "/bureau/billing", Overview, overviewData);
    expect(html).not.toMatch(rawKey);
    expect(html).toContain("آبان ۱۴۰۵");
    expect(html).toContain("۱۲٬۳۴۵٬۶۷۸ تومان");
    expect(html).toContain('data-testid="revenue-table"');
    // The chart is drawn after hydration in an LTR box (its axes mirrored by chartAxes); the server sends its frame.
    expect(html).toMatch(/class="billing-chart__canvas" dir="ltr"[^>]*aria-hidden="true"/);
    expect(html).not.toMatch(/margin-left|padding-left|text-align:\s*left/);
  });

  for (const lang of ["fa", "en", "nl"] as const) {
    it(`renders the plan editor in ${lang} with each amount's unit stated`, async () => {
      const defaults = planToFormValues(plan, { lang, unit: "toman", effectiveDay: "2026-12-22", currency: "IRR" });
      const html = await render(lang, `/bureau/billing/plans/${T1}`, PlanEditorPage, {
        tenant: { id: T1, name: "آوای همراه", slug: "avaye-hamrah", timeZone: TZ, currency: "IRR" },
        display: "toman",
        canManage: true,
        defaults,
        today: "2026-12-03",
        period: { label: "1405-09", calendar: "jalali" },
        closedThrough: NOV.end.toISOString(),
        currentVersion: 1,
        queues: [{ key: "general", name: "عمومی" }],
        versions: [
          { version: 1, effectiveFrom: "2025-01-01T00:00:00.000Z", createdAt: "2025-01-01T00:00:00.000Z", note: "", currency: "IRR", baseFee: "50000000", minimumCommitment: "0", vatRateBp: 1000, rounding: "per_second", proration: "by_days", kinds: ["inbound_minutes"], commitments: 1 },
        ],
      });
      expect(html).not.toMatch(rawKey);
      expect(html).toContain('name="pricing.inbound_minutes.unitPrice"');
      expect(html).toContain('name="pricing.ivr_minutes.tiers[1].upTo"');
      expect(html).toContain('name="sla.commitments[0].thresholds[0].belowPct"');
      expect(html).toContain('name="intent" value="preview"');
      const toman = { fa: "(به تومان)", en: "(toman)", nl: "(toman)" }[lang];
      expect(html).toContain(toman);
      if (lang === "fa") {
        expect(html).toContain('value="۱۴۰۵/۱۰/۰۱"');
        expect(html).toContain('value="۵۰۰۰۰۰۰"');
      } else {
        expect(html).toContain('value="2026-12-22"');
        expect(html).toContain('value="5000000"');
      }
    });
  }

  it("renders an invoice with localized lines, totals, SLA outcome and the document links", async () => {
    const wire = ratedWire(rated);
    const invoice = {
      ...wire,
      id: INV,
      tenantId: T1,
      tenantSlug: "avaye-hamrah",
      kind: "invoice",
      status: "finalized",
      number: "HK-000042",
      periodLabel: "1405-08",
      calendar: "jalali",
      periodStart: NOV.start.toISOString(),
      periodEnd: NOV.end.toISOString(),
      currency: "IRR",
      currencyDisplay: "toman",
      timeZone: TZ,
      locale: "fa",
      lines: wire.lines.map((l, i) => ({ ...l, lineNo: i + 1, descriptionKey: `billing:invoice.lines.${l.descriptionKey}` })),
      amountPaid: "0",
      balance: wire.total,
      usageEventsCount: 12,
      creditForInvoiceId: null,
      creditForNumber: null,
      reason: "",
      issuedAt: NOV.end.toISOString(),
      dueAt: NOV.end.toISOString(),
      payments: [],
      seller: { name: "همکال", legalName: "", address: "", taxId: "", email: null },
      buyer: { name: "آوای همراه", legalName: "", address: "", taxId: "", email: null },
    };
    const html = await render("fa", `/bureau/billing/invoices/${T1}/${INV}`, InvoicePage, { invoice, creditNotes: [], canManage: true, unit: "toman", today: "2026-12-03" });
    expect(html).not.toMatch(rawKey);
    expect(html).toContain("کارکرد پاسخگویی به تماس‌های ورودی");
    expect(html).toContain("کسر بابت سطح خدمت");
    expect(html).toContain(`href="/t/avaye-hamrah/invoices/${INV}/document"`);
    expect(html).toContain(`href="/t/avaye-hamrah/invoices/${INV}.pdf"`);
    expect(html).toContain(`href="/t/avaye-hamrah/invoices/${INV}.xlsx"`);
    expect(html).toContain(`href="/t/avaye-hamrah/invoices/${INV}.csv"`);
    expect(html).toContain('name="intent" value="payment"');
    expect(html).toContain('name="moneyUnit" value="toman"');
    expect(html).toContain('name="intent" value="credit"');
    // Amounts are isolated runs, so a negative credit keeps its sign next to its digits in RTL.
    expect(html).toMatch(/<bdi class="money money--negative"/);
    expect(html).toContain("۱۴۰۵/۰۹/۱۲");
  });

  it("renders the runs list and a running run's steps", async () => {
    const runsHtml = await render("en", "/bureau/billing/runs", RunsPage, {
      settings: { calendar: "gregorian", currencyDisplay: "rial", timeZone: TZ },
      periods: [{ label: "2026-12", calendar: "gregorian", end: "2027-01-01T00:00:00.000Z" }, { label: "2026-11", calendar: "gregorian", end: "2026-12-01T00:00:00.000Z" }],
      defaultPeriod: "2026-11",
      runs: [{ id: RUN, periodLabel: "2026-11", calendar: "gregorian", finalize: true, status: "done", trigger: "manual", tenantsTotal: 3, tenantsDone: 3, tenantsFailed: 0, createdAt: "2026-12-01T06:00:00.000Z", finishedAt: null }],
      tenants: [{ id: T1, name: "Bazarche", hasPlan: true }],
      canManage: true,
    });
    expect(runsHtml).not.toMatch(rawKey);
    expect(runsHtml).toContain('<option value="2026-11" selected="">November 2026</option>');
    expect(runsHtml).toContain("3 of 3 done, 0 failed");
    const runHtml = await render("fa", `/bureau/billing/runs/${RUN}`, RunPage, {
      run: {
        id: RUN,
        periodLabel: "1405-08",
        calendar: "jalali",
        finalize: true,
        status: "running",
        trigger: "manual",
        tenantsTotal: 2,
        tenantsDone: 1,
        tenantsFailed: 0,
        createdAt: "2026-12-01T06:00:00.000Z",
        finishedAt: null,
        items: [
          { tenantId: T1, tenantName: "بازارچه", tenantSlug: "bazarche", status: "running", step: "slaCredit", invoiceId: null, error: null, total: null, number: null, currency: "IRR" },
          { tenantId: INV, tenantName: "اپستان", tenantSlug: "appestan", status: "done", step: null, invoiceId: INV, error: null, total: "64460000", number: "HK-000007", currency: "IRR" },
        ],
      },
      display: "toman",
      timeZone: TZ,
    });
    expect(runHtml).not.toMatch(rawKey);
    expect(runHtml).toContain('data-state="active">کسر سطح خدمت');
    expect(runHtml).toContain('data-state="done">قیمت‌گذاری');
    expect(runHtml).toContain("۶٬۴۴۶٬۰۰۰ تومان");
    expect(runHtml).toContain("بستن دوره‌ی آبان ۱۴۰۵");
  });
});

describe("the client's billing page", () => {
  const preview = previewInvoice({ versions: [plan], usage: [{ kind: "inbound_minutes", quantity: 1800, occurredAt: new Date(NOV.start.getTime() + 3600_000) }], periodStart: NOV.start, periodEnd: NOV.end, timeZone: TZ, asOf: new Date(NOV.start.getTime() + 10 * 86_400_000) });
  const data = {
    slug: "bazarche",
    timeZone: TZ,
    currency: "IRR",
    display: "toman",
    period: { label: "1405-08", calendar: "jalali", start: NOV.start.toISOString(), end: NOV.end.toISOString() },
    asOf: preview.asOf.toISOString(),
    usageToDate: { inbound_minutes: 1800 },
    daily: { days: ["2026-10-23", "2026-10-24"], series: [{ kind: "inbound_minutes", quantities: [1200, 600], total: 1800 }] },
    preview: previewWire(preview),
    invoices: [{ id: INV, tenantId: T1, tenantName: "Bazarche", tenantSlug: "bazarche", kind: "invoice", status: "paid", number: "HK-000042", periodLabel: "1405-07", calendar: "jalali", periodStart: NOV.start.toISOString(), currency: "IRR", total: "64460000", amountPaid: "64460000", issuedAt: NOV.start.toISOString(), dueAt: null, creditForInvoiceId: null }],
    sla: {
      periods: [{ label: "1405-07", calendar: "jalali", current: false }, { label: "1405-08", calendar: "jalali", current: true }],
      queues: [{ queueKey: "general", queueName: "عمومی", slTargetPct: 80, slThresholdSeconds: 20, cells: [{ result: { answered: 10, answeredWithin: 9, abandoned: 0, shortAbandoned: 0, serviceLevel: 90, abandonRate: 0 } }, { result: { answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0, serviceLevel: null, abandonRate: null } }] }],
      commitments: [
        {
          queueKey: null,
          queueName: null,
          cells: [
            { committedBp: 8000, billed: true, outcome: { queueKey: null, result: { answered: 10, answeredWithin: 7, abandoned: 0, shortAbandoned: 0, serviceLevel: 70, abandonRate: 0 }, serviceLevelBp: 7000, breachedBelowBp: 8000, creditBp: 500 } },
            { committedBp: 8000, billed: false, outcome: { queueKey: null, result: { answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0, serviceLevel: null, abandonRate: null }, serviceLevelBp: null, breachedBelowBp: null, creditBp: 0 } },
          ],
        },
      ],
    },
  };

  for (const lang of ["fa", "en", "nl"] as const) {
    it(`renders usage, the projection, invoices with PDF links and SLA attainment in ${lang}`, async () => {
      const html = await render(lang, "/t/bazarche/billing", TenantBilling, data);
      expect(html).not.toMatch(rawKey);
      expect(html).toContain(`href="/t/bazarche/invoices/${INV}.pdf"`);
      expect(html).toContain('data-testid="sla-formula"');
      expect(html).toContain('data-testid="projection"');
      expect(html).toContain('data-breached="true"');
      if (lang === "fa") {
        expect(html).toContain("۳۰ دقیقه");
        expect(html).toContain("سطح خدمت یک دوره = تماس‌های پاسخ‌داده‌شده در آستانه‌ی صف");
        expect(html).toContain("۶٬۴۴۶٬۰۰۰ تومان");
        expect(html.replace(/<[^>]+>/g, " ")).not.toMatch(LATIN_DIGITS_IN_FA);
      }
      if (lang === "en") expect(html).toContain("30 minutes");
    });
  }
});
