import { describe, expect, it } from "vitest";
import { parseWithZod } from "@conform-to/zod";
import { billingPeriod } from "~/modules/billing/periods";
import { parseRatePlanVersion } from "~/modules/billing/plan";
import {
  emptyKindRow,
  formatMoneyInput,
  formatPercentInput,
  formPathOf,
  parseIntegerInput,
  parseMoneyInput,
  parsePercentBp,
  parsePlanForm,
  planFormSchema,
  planToFormValues,
  type PlanFormValues,
} from "~/modules/billing/plan-form";
import { creditNoteSchema, paymentSchema, startRunSchema } from "~/modules/billing/console-forms";
import { USAGE_KINDS } from "~/modules/billing/plan";

const TZ = "Asia/Tehran";

/** A complete form as the page posts it (strings as typed), in toman. */
function form(over: Partial<PlanFormValues> = {}): PlanFormValues {
  const pricing = Object.fromEntries(USAGE_KINDS.map((k) => [k, emptyKindRow()])) as PlanFormValues["pricing"];
  pricing.inbound_minutes = { mode: "unit", unitPrice: "10,000", included: "100", tiers: [] };
  pricing.ivr_minutes = {
    mode: "graduated",
    unitPrice: "",
    included: "",
    tiers: [
      { upTo: "1000", unitPrice: "2000" },
      { upTo: "", unitPrice: "1500.5" },
    ],
  };
  return {
    effectiveDay: "۱۴۰۵/۰۹/۰۱",
    currency: "IRR",
    moneyUnit: "toman",
    baseFee: "۵٬۰۰۰٬۰۰۰",
    minimumCommitment: "0",
    vatPct: "10",
    minuteRounding: { mode: "first_60_then_6", firstIncrementSeconds: "", incrementSeconds: "" },
    wrapUp: { mode: "capped", maxSeconds: "۶۰" },
    proration: "by_days",
    pricing,
    sla: { maxCreditPct: "20", commitments: [{ queueKey: "", thresholds: [{ belowPct: "80", creditPct: "5" }, { belowPct: "70", creditPct: "10" }] }] },
    note: "  new contract ",
    ...over,
  };
}

describe("money as typed", () => {
  it("converts toman to rial exactly, with Persian digits and separators", () => {
    expect(parseMoneyInput("۵٬۰۰۰٬۰۰۰", "IRR", "toman")).toEqual({ ok: true, value: "50000000" });
    expect(parseMoneyInput("12.5", "IRR", "toman")).toEqual({ ok: true, value: "125" });
    expect(parseMoneyInput("۱۲٫۵", "IRR", "toman")).toEqual({ ok: true, value: "125" });
    expect(parseMoneyInput("1 250 000", "IRR", "rial")).toEqual({ ok: true, value: "1250000" });
    // Beyond a double's exact range: still exact, as text.
    expect(parseMoneyInput("900719925474099312", "IRR", "toman")).toEqual({ ok: true, value: "9007199254740993120" });
  });

  it("refuses what is not an amount in the stated unit", () => {
    expect(parseMoneyInput("12.5", "IRR", "rial")).toMatchObject({ ok: false, code: "invalidAmount" });
    expect(parseMoneyInput("1.25", "IRR", "toman")).toMatchObject({ ok: false, code: "invalidAmount" });
    expect(parseMoneyInput("-5", "IRR", "rial")).toMatchObject({ ok: false, code: "invalidAmount" });
    expect(parseMoneyInput("abc", "IRR", "rial")).toMatchObject({ ok: false, code: "invalidAmount" });
    expect(parseMoneyInput("  ", "IRR", "rial")).toMatchObject({ ok: false, code: "required" });
  });

  it("reads other currencies in their major unit", () => {
    expect(parseMoneyInput("19.99", "EUR", "major")).toEqual({ ok: true, value: "1999" });
    expect(parseMoneyInput("20", "EUR", "major")).toEqual({ ok: true, value: "2000" });
    expect(parseMoneyInput("1.999", "EUR", "major")).toMatchObject({ ok: false });
  });

  it("shows minor units back in the form's unit", () => {
    expect(formatMoneyInput(125n, "IRR", "toman", "en")).toBe("12.5");
    expect(formatMoneyInput(50_000_000n, "IRR", "toman", "fa")).toBe("۵۰۰۰۰۰۰");
    expect(formatMoneyInput(1999n, "EUR", "major", "nl")).toBe("19.99");
    for (const v of ["0", "7", "125", "50000000"]) expect(parseMoneyInput(formatMoneyInput(v, "IRR", "toman", "fa"), "IRR", "toman")).toEqual({ ok: true, value: v });
  });

  it("reads percents as basis points and integers strictly", () => {
    expect(parsePercentBp("10")).toEqual({ ok: true, value: 1000 });
    expect(parsePercentBp("۹٫۵٪")).toEqual({ ok: true, value: 950 });
    expect(parsePercentBp("12.25")).toEqual({ ok: true, value: 1225 });
    expect(parsePercentBp("1.234")).toMatchObject({ ok: false, code: "invalidFormat" });
    expect(formatPercentInput(950, "en")).toBe("9.5");
    expect(formatPercentInput(1225, "fa")).toBe("۱۲.۲۵");
    expect(parseIntegerInput("۱۲۰")).toEqual({ ok: true, value: 120 });
    expect(parseIntegerInput("1.5")).toMatchObject({ ok: false, code: "notInteger" });
  });
});

describe("the plan form", () => {
  it("turns a complete form into a valid plan version: toman to rial, tiers, percents, the day at local midnight", () => {
    const r = parsePlanForm(form(), { lang: "fa", timeZone: TZ });
    expect(r.success).toBe(true);
    if (!r.success) return;
    // 1 Azar 1405 is 2026-11-22; midnight in Tehran is 20:30 UTC the day before.
    expect(r.plan.effectiveFrom.toISOString()).toBe("2026-11-21T20:30:00.000Z");
    expect(r.plan.baseFee).toBe(50_000_000n);
    expect(r.plan.vatRateBp).toBe(1000);
    expect(r.plan.pricing.inbound_minutes).toEqual({ unitPrice: 100_000n, included: 100 });
    expect(r.plan.pricing.ivr_minutes).toEqual({
      included: 0,
      tiers: {
        mode: "graduated",
        tiers: [
          { upTo: 1000, unitPrice: 20_000n },
          { upTo: null, unitPrice: 15_005n },
        ],
      },
    });
    expect(r.plan.pricing.chats).toBeUndefined();
    expect(r.plan.minuteRounding).toEqual({ mode: "first_60_then_6" });
    expect(r.plan.wrapUp).toEqual({ mode: "capped", maxSeconds: 60 });
    expect(r.plan.sla).toEqual({
      maxCreditBp: 2000,
      commitments: [{ queueKey: null, thresholds: [{ belowBp: 8000, creditBp: 500 }, { belowBp: 7000, creditBp: 1000 }] }],
    });
    expect(r.note).toBe("new contract");
    // The input it hands to addPlanVersion is the plan schema's JSON: digit strings, ISO instant.
    expect(parseRatePlanVersion(r.input).success).toBe(true);
    expect(r.input.baseFee).toBe("50000000");
  });

  it("reads the day in the calendar of the page's language", () => {
    const en = parsePlanForm(form({ effectiveDay: "2026-11-22" }), { lang: "en", timeZone: TZ });
    expect(en.success && en.plan.effectiveFrom.toISOString()).toBe("2026-11-21T20:30:00.000Z");
    // An ISO date typed on a Persian page is not silently read as the Jalali year 2026.
    const fa = parsePlanForm(form({ effectiveDay: "2026-11-22" }), { lang: "fa", timeZone: TZ });
    expect(fa.success).toBe(false);
    expect(!fa.success && fa.issues).toContainEqual({ path: ["effectiveDay"], code: "invalidDate", params: {} });
  });

  it("names the field of every problem, the way the form names its inputs", () => {
    const bad = form({
      baseFee: "12.34",
      vatPct: "120",
      pricing: {
        ...form().pricing,
        chats: { mode: "unit", unitPrice: "", included: "", tiers: [] },
        ivr_minutes: {
          mode: "volume",
          unitPrice: "",
          included: "",
          tiers: [
            { upTo: "500", unitPrice: "1" },
            { upTo: "400", unitPrice: "1" },
            { upTo: "", unitPrice: "1" },
          ],
        },
        sms: { mode: "graduated", unitPrice: "", included: "", tiers: [] },
      },
      sla: { maxCreditPct: "", commitments: [{ queueKey: "", thresholds: [{ belowPct: "80", creditPct: "5" }, { belowPct: "90", creditPct: "2" }] }] },
    });
    const r = parsePlanForm(bad, { lang: "fa", timeZone: TZ });
    expect(r.success).toBe(false);
    if (r.success) return;
    const byField = Object.fromEntries(r.issues.map((i) => [i.path.join("."), i]));
    expect(byField["baseFee"]).toMatchObject({ code: "invalidAmount" });
    // Basis point bounds are shown as percents on a percent field.
    expect(byField["vatPct"]).toMatchObject({ code: "tooLarge", params: { max: 100 } });
    expect(byField["pricing.chats.unitPrice"]).toMatchObject({ code: "required" });
    expect(byField["pricing.ivr_minutes.tiers.1.upTo"]).toMatchObject({ code: "tiersNotAscending", params: { after: 500 } });
    expect(byField["pricing.sms.tiers"]).toMatchObject({ code: "tiersEmpty" });
    expect(byField["sla.commitments.0.thresholds.1.belowPct"]).toMatchObject({ code: "thresholdsNotDescending", params: { before: 80 } });
    expect(byField["sla.commitments.0.thresholds.1.creditPct"]).toMatchObject({ code: "creditsNotIncreasing", params: { before: 5 } });
  });

  it("maps plan schema paths to form paths", () => {
    expect(formPathOf(["pricing", "chats", "tiers", "tiers", 2, "unitPrice"])).toEqual(["pricing", "chats", "tiers", 2, "unitPrice"]);
    expect(formPathOf(["pricing", "chats", "tiers"])).toEqual(["pricing", "chats", "mode"]);
    expect(formPathOf(["effectiveFrom"])).toEqual(["effectiveDay"]);
    expect(formPathOf(["vatRateBp"])).toEqual(["vatPct"]);
    expect(formPathOf(["sla", "commitments", 0, "thresholds", 1, "creditBp"])).toEqual(["sla", "commitments", 0, "thresholds", 1, "creditPct"]);
  });

  it("reports through conform with localized keys at conform's field names", () => {
    const fd = new FormData();
    fd.set("effectiveDay", "1405/09/01");
    fd.set("currency", "IRR");
    fd.set("moneyUnit", "rial");
    fd.set("baseFee", "abc");
    fd.set("vatPct", "10");
    fd.set("pricing.chats.mode", "graduated");
    fd.set("pricing.chats.tiers[0].upTo", "10");
    fd.set("pricing.chats.tiers[0].unitPrice", "5");
    const s = parseWithZod(fd, { schema: planFormSchema({ lang: "fa", timeZone: TZ }) });
    expect(s.status).toBe("error");
    const reply = s.reply();
    expect(reply.error?.["baseFee"]).toEqual(["billing:plan.errors.invalidAmount"]);
    expect(reply.error?.["pricing.chats.tiers[0].upTo"]).toEqual(["billing:plan.errors.lastTierMustBeUnbounded"]);
  });

  it("starts from the version in force, shown in the form's unit and digits", () => {
    const r = parsePlanForm(form(), { lang: "fa", timeZone: TZ });
    if (!r.success) throw new Error("fixture invalid");
    const values = planToFormValues(r.plan, { lang: "fa", unit: "toman", effectiveDay: "2026-12-22", currency: "IRR" });
    expect(values.effectiveDay).toBe("۱۴۰۵/۱۰/۰۱");
    expect(values.baseFee).toBe("۵۰۰۰۰۰۰");
    expect(values.pricing.ivr_minutes).toEqual({ mode: "graduated", unitPrice: "", included: "", tiers: [{ upTo: "۱۰۰۰", unitPrice: "۲۰۰۰" }, { upTo: "", unitPrice: "۱۵۰۰.۵" }] });
    expect(values.pricing.chats.mode).toBe("off");
    expect(values.wrapUp).toEqual({ mode: "capped", maxSeconds: "۶۰" });
    // And the round trip gives the same plan back.
    const again = parsePlanForm({ ...values, note: "" }, { lang: "fa", timeZone: TZ });
    expect(again.success && { ...again.plan, effectiveFrom: null }).toEqual({ ...r.plan, effectiveFrom: null });
    const blank = planToFormValues(null, { lang: "en", unit: "rial", effectiveDay: "2026-12-01", currency: "IRR" });
    expect(blank).toMatchObject({ vatPct: "10", baseFee: "0", moneyUnit: "rial", effectiveDay: "2026-12-01" });
  });
});

describe("the console's other billing forms", () => {
  const fd = (fields: Record<string, string | string[]>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) f.append(k, x);
    return f;
  };

  it("reads a payment in toman and its day in the Jalali calendar", () => {
    const schema = paymentSchema({ currency: "IRR", unit: "toman", lang: "fa", timeZone: TZ, now: new Date("2026-12-01T00:00:00Z") });
    const ok = parseWithZod(fd({ intent: "payment", amount: "۱۲۳٬۴۵۶", method: "bank_transfer", reference: "TRX-1", receivedAt: "۱۴۰۵/۰۹/۰۵" }), { schema });
    expect(ok.status).toBe("success");
    if (ok.status !== "success") return;
    expect(ok.value.amount).toBe(1_234_560n);
    expect(ok.value.receivedAt.toISOString()).toBe("2026-11-25T20:30:00.000Z");
    const bad = parseWithZod(fd({ intent: "payment", amount: "0", method: "gold", receivedAt: "۱۴۰۶/۰۱/۰۱" }), { schema });
    expect(bad.reply().error).toMatchObject({
      amount: ["billing:console.invoice.errors.positive"],
      method: ["validation:required"],
      receivedAt: ["billing:console.invoice.errors.futureDate"],
    });
  });

  it("reads a credit note's net amount in the stated unit", () => {
    const s = parseWithZod(fd({ intent: "credit", netAmount: "1000", reason: "goodwill" }), { schema: creditNoteSchema({ currency: "IRR", unit: "rial" }) });
    expect(s.status === "success" && s.value.netAmount).toBe(1000n);
    const bad = parseWithZod(fd({ intent: "credit", netAmount: "10.5", reason: "" }), { schema: creditNoteSchema({ currency: "IRR", unit: "rial" }) });
    expect(Object.keys(bad.reply().error ?? {}).sort()).toEqual(["netAmount", "reason"]);
  });

  it("asks for the companies of a run limited to chosen ones", () => {
    const s = parseWithZod(fd({ periodLabel: "1405-08", scope: "chosen" }), { schema: startRunSchema });
    expect(s.reply().error).toEqual({ tenantIds: ["billing:console.runs.errors.noTenants"] });
    const ok = parseWithZod(fd({ periodLabel: "1405-08", scope: "all", finalize: "on" }), { schema: startRunSchema });
    expect(ok.status === "success" && ok.value).toEqual({ periodLabel: "1405-08", scope: "all", finalize: true });
    expect(billingPeriod("jalali", "1405-08", TZ).start.toISOString()).toBe("2026-10-22T20:30:00.000Z");
  });
});
