import { sql } from "kysely";
import { closeTenantPeriodIn } from "../app/modules/billing/close.server";
import { recordPaymentIn } from "../app/modules/billing/invoices.server";
import { meterPendingIn } from "../app/modules/billing/metering.server";
import { periodContaining, previousPeriod, type BillingCalendar } from "../app/modules/billing/periods";
import { addPlanVersion } from "../app/modules/billing/plans.server";
import { addDays, localDay } from "../app/modules/billing/days";
import { meterSeatsIn } from "../app/modules/billing/seats.server";
import { instantOfLocal } from "../app/modules/ivr/calendar";
import type { Trx } from "../app/modules/platform/db.server";
import { mulberry32 } from "../app/modules/platform/random";

/**
 * The demo's billing (issue 5): the bureau's legal details and Jalali-month billing, each tenant's
 * contract (three different shapes of plan), its 30 days of history metered into usage, last month
 * closed and finalized (one invoice paid by bank transfer), and the running month accruing. Run in
 * the seed's bureau-scoped owner transaction; a tenant that already has a plan is left as it is.
 *
 * The biggest client also buys a dedicated agent (seat-hours in its plan): one of its agents,
 * preferably one who serves no one else, is dedicated to it from the contract's start, and, since the seeded history
 * has calls but no agent sessions, that agent gets 30 days of plausible log-ins and log-outs (see
 * seedSeatHistory), so last month's invoice shows seat-hours metered from the record.
 */
const CALENDAR: BillingCalendar = "jalali";
const ZONE = "Asia/Tehran";
/** The client that buys a dedicated agent. */
const SEAT_TENANT = "avaye-hamrah";

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
        // A dedicated agent's seat: 120,000 toman an hour logged in.
        seat_hours: { unitPrice: "1200000" },
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
  const seatTenants: string[] = [];
  for (const [slug, tenantId] of tenantIds) {
    const plan = byTenant[slug];
    if (!plan) continue;
    const has = await trx.selectFrom("rate_plan_versions").select("version").where("tenant_id", "=", tenantId).executeTakeFirst();
    if (has) continue;
    const legal = LEGAL[slug]!;
    await trx.updateTable("tenants").set({ legal_name: legal.legalName, legal_address: legal.address, tax_id: legal.taxId, billing_email: legal.email }).where("id", "=", tenantId).execute();
    await addPlanVersion(trx, tenantId, plan, { note: "قرارداد ۱۴۰۵", actorUserId: actor.userId });
    if (slug === SEAT_TENANT && (await seedDedicatedSeat(trx, tenantId, from, now, actor))) seatTenants.push(tenantId);
    seeded++;
  }
  if (seeded === 0) return 0;

  // The history becomes usage, as the workers' metering would make it.
  for (let i = 0; i < 100; i++) {
    const r = await meterPendingIn(trx, { tenantIds: [...tenantIds.values()], limit: 2000 });
    if (r.interactions === 0) break;
  }
  if (seatTenants.length > 0) await meterSeatsIn(trx, { tenantIds: seatTenants, now });
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

/**
 * Dedicates one of the tenant's agents to it from the contract's start: the first (by e-mail) who
 * serves only this tenant, else the first who serves it at all; none already dedicated elsewhere.
 * Returns whether a seat was set up.
 */
async function seedDedicatedSeat(trx: Trx, tenantId: string, from: Date, now: Date, actor: { userId: string | null }): Promise<boolean> {
  const already = await trx.selectFrom("agent_assignments").select("agent_id").where("tenant_id", "=", tenantId).where("dedicated", "=", true).executeTakeFirst();
  if (already) return false;
  const { rows } = await sql<{ agent_id: string }>`
    select a.agent_id from agent_assignments a join users u on u.id = a.agent_id
    where a.tenant_id = ${tenantId}
      and not exists (select 1 from agent_assignments o where o.agent_id = a.agent_id and o.dedicated)
    order by (select count(*) from agent_assignments o where o.agent_id = a.agent_id), u.email
    limit 1`.execute(trx);
  const agentId = rows[0]?.agent_id;
  if (!agentId) return false;
  await trx.updateTable("agent_assignments").set({ dedicated: true, dedicated_since: from }).where("tenant_id", "=", tenantId).where("agent_id", "=", agentId).execute();
  await trx.insertInto("agent_dedications").values({ tenant_id: tenantId, agent_id: agentId, dedicated_from: from, created_by: actor.userId }).execute();
  await seedSeatHistory(trx, tenantId, agentId, now);
  return true;
}

const MINUTE = 60_000;

/**
 * Thirty days of the agent's sessions, deterministic, unless the record already has some: a shift of
 * 08:00-16:30 Saturday to Wednesday and 08:00-13:00 on Thursday (Friday off), each end a few minutes
 * off the hour, stretched to cover every seeded call the agent took that day (so no call falls
 * outside a session), with a 30-minute lunch break in the first gap between calls after noon.
 */
async function seedSeatHistory(trx: Trx, tenantId: string, agentId: string, now: Date): Promise<void> {
  const today = localDay(now, ZONE);
  const first = instantOfLocal(addDays(today, -30), 0, ZONE);
  const seen = await trx.selectFrom("agent_state_events").select("id").where("agent_id", "=", agentId).where("at", ">=", first).where("at", "<", now).limit(1).executeTakeFirst();
  if (seen) return;
  const calls = await trx
    .selectFrom("interactions")
    .select(["answered_at", "ended_at"])
    .where("tenant_id", "=", tenantId)
    .where("agent_id", "=", agentId)
    .where("answered_at", "is not", null)
    .where("ended_at", "is not", null)
    .where("started_at", ">=", first)
    .execute();
  const byDay = new Map<string, { from: number; to: number }[]>();
  for (const c of calls) {
    const day = localDay(c.answered_at!, ZONE);
    // The call and its wrap-up (the history disposes 30 s after the end), with a minute either side.
    byDay.set(day, [...(byDay.get(day) ?? []), { from: c.answered_at!.getTime() - MINUTE, to: c.ended_at!.getTime() + 30_000 + MINUTE }]);
  }
  const rand = mulberry32(1405);
  const events: { agent_id: string; state: string; previous: string; reason: string | null; at: Date; data: string }[] = [];
  const push = (at: number, state: string, previous: string, reason: string | null = null) =>
    events.push({ agent_id: agentId, state, previous, reason, at: new Date(at), data: JSON.stringify({ history: true }) });
  for (let back = 30; back >= 1; back--) {
    const day = addDays(today, -back);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const busy = (byDay.get(day) ?? []).sort((a, b) => a.from - b.from);
    const working = weekday !== 5;
    if (!working && busy.length === 0) continue;
    const at = (minutes: number) => instantOfLocal(day, minutes, ZONE).getTime();
    const jitter = () => Math.round((rand() - 0.5) * 20) * MINUTE;
    let login = working ? at(8 * 60) + jitter() : Number.POSITIVE_INFINITY;
    let logout = working ? at(weekday === 4 ? 13 * 60 : 16 * 60 + 30) + jitter() : Number.NEGATIVE_INFINITY;
    for (const b of busy) {
      login = Math.min(login, b.from - 4 * MINUTE);
      logout = Math.max(logout, b.to + 4 * MINUTE);
    }
    push(login, "available", "offline");
    let lunch: number | null = null;
    if (working && weekday !== 4) {
      for (let start = at(12 * 60); start <= at(14 * 60 + 30) && lunch === null; start += 5 * MINUTE) {
        if (start > login && start + 30 * MINUTE < logout && busy.every((b) => b.to <= start || b.from >= start + 30 * MINUTE)) lunch = start;
      }
    }
    if (lunch !== null) {
      push(lunch, "break", "available", "lunch");
      push(lunch + 30 * MINUTE, "available", "break");
    }
    push(logout, "offline", "available");
  }
  if (events.length > 0) await trx.insertInto("agent_state_events").values(events).execute();
}
