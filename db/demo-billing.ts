import { sql } from "kysely";
import { closeTenantPeriodIn } from "../app/modules/billing/close.server";
import { recordPaymentIn } from "../app/modules/billing/invoices.server";
import { meterPendingIn } from "../app/modules/billing/metering.server";
import { periodContaining, previousPeriod, type BillingCalendar } from "../app/modules/billing/periods";
import { addPlanVersion } from "../app/modules/billing/plans.server";
import type { Trx } from "../app/modules/platform/db.server";

/**
 * The demo's billing (issue 5): the bureau's legal details and Jalali-month billing, each tenant's
 * contract (three different shapes of plan), its 30 days of history metered into usage, last month
 * closed and finalized (one invoice paid by bank transfer), and the running month accruing. Run in
 * the seed's bureau-scoped owner transaction; a tenant that already has a plan is left as it is.
 */
const CALENDAR: BillingCalendar = "jalali";
const ZONE = "Asia/Tehran";

const LEGAL: Record<string, { legalName: string; address: string; taxId: string; email: string }> = {
  "avaye-hamrah": { legalName: "شرکت آوای همراه پارس (سهامی خاص)", address: "تهران، خیابان ولیعصر، بالاتر از پارک ساعی، پلاک ۲۴۱۰", taxId: "411155552222", email: "finance@avaye-hamrah.demo" },
  bazarche: { legalName: "شرکت بازارچه آنلاین نوین (سهامی خاص)", address: "تهران، خیابان شریعتی، خیابان ظفر، پلاک ۸۸", taxId: "411166663333", email: "billing@bazarche.demo" },
  appestan: { legalName: "شرکت اپستان فناوران (مسئولیت محدود)", address: "اصفهان، خیابان چهارباغ بالا، برج تجارت، طبقه ۹", taxId: "411177774444", email: "accounts@appestan.demo" },
};

/** Rial amounts. The plan schema's input: money as digit strings. */
function plans(effectiveFrom: Date): Record<string, Record<string, unknown>> {
  const from = effectiveFrom.toISOString();
  return {
    // A large line with a monthly fee, graduated minute tiers and an SLA with credits.
    "avaye-hamrah": {
      currency: "IRR",
      baseFee: "150000000",
      pricing: {
        inbound_minutes: {
          included: 500,
          tiers: { mode: "graduated", tiers: [{ upTo: 5000, unitPrice: "28000" }, { upTo: null, unitPrice: "22000" }] },
        },
        ivr_minutes: { unitPrice: "3000" },
        callbacks: { unitPrice: "45000" },
        outbound_minutes: { unitPrice: "32000" },
      },
      minimumCommitment: "0",
      vatRateBp: 1000,
      minuteRounding: { mode: "first_60_then_6" },
      wrapUp: { mode: "capped", maxSeconds: 30 },
      sla: { commitments: [{ queueKey: null, thresholds: [{ belowBp: 8000, creditBp: 500 }, { belowBp: 7000, creditBp: 1000 }] }], maxCreditBp: 1500 },
      proration: "by_days",
      effectiveFrom: from,
    },
    // Usage only, billed by the second, volume pricing: the more minutes, the cheaper every minute.
    bazarche: {
      currency: "IRR",
      baseFee: "0",
      pricing: {
        inbound_minutes: { tiers: { mode: "volume", tiers: [{ upTo: 2000, unitPrice: "30000" }, { upTo: 10000, unitPrice: "26000" }, { upTo: null, unitPrice: "23000" }] } },
        ivr_minutes: { unitPrice: "2500" },
        sms: { unitPrice: "1500" },
      },
      minimumCommitment: "40000000",
      vatRateBp: 1000,
      minuteRounding: { mode: "per_second" },
      wrapUp: { mode: "none" },
      sla: { commitments: [{ queueKey: null, thresholds: [{ belowBp: 8000, creditBp: 500 }] }], maxCreditBp: 1000 },
      proration: "by_days",
      effectiveFrom: from,
    },
    // A small client: started minutes, wrap-up counted, a monthly minimum.
    appestan: {
      currency: "IRR",
      baseFee: "25000000",
      pricing: {
        inbound_minutes: { unitPrice: "31000" },
        ivr_minutes: { unitPrice: "3500" },
        callbacks: { unitPrice: "50000" },
      },
      minimumCommitment: "30000000",
      vatRateBp: 1000,
      minuteRounding: { mode: "per_started_minute" },
      wrapUp: { mode: "all" },
      sla: { commitments: [{ queueKey: null, thresholds: [{ belowBp: 8500, creditBp: 300 }, { belowBp: 7500, creditBp: 800 }] }], maxCreditBp: 1000 },
      proration: "full",
      effectiveFrom: from,
    },
  };
}

export async function seedBilling(trx: Trx, tenantIds: ReadonlyMap<string, string>, actor: { userId: string | null }, now = new Date()): Promise<number> {
  await trx
    .updateTable("bureau_settings")
    .set({
      legal_name: "شرکت خدمات ارتباطی همکال (سهامی خاص)",
      legal_address: "تهران، خیابان مطهری، خیابان میرعماد، کوچه‌ی هشتم، پلاک ۱۲",
      tax_id: "411122223333",
      billing_email: "billing@hamkal.demo",
      billing_calendar: CALENDAR,
      invoice_prefix: "HK",
      payment_terms_days: 15,
    })
    .where("id", "=", true)
    .execute();

  const running = periodContaining(now, CALENDAR, ZONE);
  const last = previousPeriod(running, ZONE);
  // Contracts from the start of the month before last: the seeded history is all under contract.
  const from = previousPeriod(last, ZONE).start;
  const byTenant = plans(from);
  let seeded = 0;
  for (const [slug, tenantId] of tenantIds) {
    const plan = byTenant[slug];
    if (!plan) continue;
    const has = await trx.selectFrom("rate_plan_versions").select("version").where("tenant_id", "=", tenantId).executeTakeFirst();
    if (has) continue;
    const legal = LEGAL[slug]!;
    await trx.updateTable("tenants").set({ legal_name: legal.legalName, legal_address: legal.address, tax_id: legal.taxId, billing_email: legal.email }).where("id", "=", tenantId).execute();
    await addPlanVersion(trx, tenantId, plan, { note: "قرارداد ۱۴۰۵", actorUserId: actor.userId });
    seeded++;
  }
  if (seeded === 0) return 0;

  // The history becomes usage, as the workers' metering would make it.
  for (let i = 0; i < 100; i++) {
    const r = await meterPendingIn(trx, { tenantIds: [...tenantIds.values()], limit: 2000 });
    if (r.interactions === 0) break;
  }
  // Last month closed and finalized; the first tenant has paid by bank transfer.
  let first = true;
  for (const [, tenantId] of tenantIds) {
    const closed = await closeTenantPeriodIn(trx, tenantId, CALENDAR, last.label, { finalize: true, actorUserId: actor.userId, now });
    if (!closed.invoiceId || closed.status !== "finalized") continue;
    // Finalized a few days after the month ended, as the bureau's accountant would.
    const issued = new Date(last.end.getTime() + 2 * 86_400_000);
    await sql`update invoices set issued_at = ${issued}, finalized_at = ${issued}, due_at = ${new Date(issued.getTime() + 15 * 86_400_000)} where tenant_id = ${tenantId} and id = ${closed.invoiceId}`.execute(trx);
    if (first && closed.total > 0n) {
      await recordPaymentIn(trx, tenantId, closed.invoiceId, {
        amount: closed.total,
        method: "bank_transfer",
        reference: "پایا ۱۴۰۵۰۹۰۳۷۷۱۲",
        receivedAt: new Date(issued.getTime() + 3 * 86_400_000),
        note: "واریز از حساب شرکت",
        actorUserId: actor.userId,
      });
    }
    first = false;
  }
  return seeded;
}
