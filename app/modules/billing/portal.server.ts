import { sql } from "kysely";
import { slCountsByQueue } from "../routing/sla.server";
import type { SlResult } from "../routing/sla";
import { serviceLevelFromCounts } from "../routing/sla";
import type { Trx } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import { commitmentOutcome, committedBp } from "./attainment";
import { currentPeriodPreview } from "./close.server";
import { listInvoices, type InvoiceSummary } from "./invoices.server";
import { periodContaining, previousPeriod, type BillingCalendar, type BillingPeriod } from "./periods";
import { USAGE_KINDS, type SlaCommitment, type UsageKind } from "./plan";
import { listPlanVersions, versionAt } from "./plans.server";
import type { InvoicePreview } from "./preview";
import type { SlaOutcome, UsageTotals } from "./rating";
import { billingSettings, type BillingSettings } from "./settings.server";

/**
 * The client portal's billing page: usage to date this period, the projected invoice, the client's
 * invoices (finalized ones: drafts are the bureau's working copies) and SLA attainment against the
 * contract. Everything runs inside the tenant's RLS context, so nothing here can read another
 * company's rows even with a missed filter. The caller (the route) checked "tenant.billing.read".
 */

export interface DailyUsage {
  /** Local days of the period so far ("2026-11-01"), oldest first. */
  days: string[];
  /** Quantity units per kind per day, aligned with `days`; only kinds used this period. */
  series: { kind: UsageKind; quantities: number[]; total: number }[];
}

export interface SlaCell {
  result: SlResult;
}

export interface CommitmentCell {
  /** The promised level (the mildest threshold), null when this period's contract has no such commitment. */
  committedBp: number | null;
  outcome: SlaOutcome | null;
  /** From the period's finalized invoice (what was credited), not recomputed. */
  billed: boolean;
}

export interface SlaHistory {
  /** Oldest first; the last is the running period. */
  periods: { label: string; calendar: BillingCalendar; current: boolean }[];
  queues: { queueKey: string; queueName: string; slTargetPct: number; slThresholdSeconds: number; cells: SlaCell[] }[];
  commitments: { queueKey: string | null; queueName: string | null; cells: CommitmentCell[] }[];
}

export interface PortalBilling {
  settings: BillingSettings;
  period: BillingPeriod;
  asOf: Date;
  usageToDate: UsageTotals;
  daily: DailyUsage;
  /** Null when the company has no rate plan for this period yet. */
  preview: InvoicePreview | null;
  invoices: InvoiceSummary[];
  sla: SlaHistory;
}

const SLA_HISTORY = 6;

export async function portalBilling(tenant: { id: string; timeZone: string }, now = new Date()): Promise<PortalBilling> {
  const settings = await billingSettings();
  const zone = tenant.timeZone;
  return withTenant(tenant.id, async (trx) => {
    const period = periodContaining(now, settings.calendar, zone);
    const { rows } = await sql<{ kind: string; day: string; quantity: string }>`
      select kind, to_char(occurred_at at time zone ${zone}, 'YYYY-MM-DD') as day, sum(quantity)::text as quantity
      from usage_events
      where tenant_id = ${tenant.id} and occurred_at >= ${period.start} and occurred_at < ${now}
      group by 1, 2`.execute(trx);
    const days = localDays(period.start, now, zone);
    const series: DailyUsage["series"] = [];
    const usageToDate: UsageTotals = {};
    for (const kind of USAGE_KINDS) {
      const mine = rows.filter((r) => r.kind === kind);
      if (mine.length === 0) continue;
      const quantities = days.map((d) => Number(mine.find((r) => r.day === d)?.quantity ?? 0));
      const total = quantities.reduce((a, b) => a + b, 0);
      if (total === 0) continue;
      series.push({ kind, quantities, total });
      usageToDate[kind] = total;
    }

    const preview = await currentPeriodPreview(trx, tenant.id, settings.calendar, now);
    const invoices = await listInvoices(trx, { tenantId: tenant.id, finalizedOnly: true, limit: 36 });
    const sla = await slaHistory(trx, tenant.id, settings.calendar, zone, period, now);
    return { settings, period, asOf: now, usageToDate, daily: { days, series }, preview: preview?.preview ?? null, invoices, sla };
  });
}

/** The local calendar days from `from` up to the day of `to`, inclusive. */
function localDays(from: Date, to: Date, timeZone: string): string[] {
  const fmt = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  const first = fmt.format(from);
  const last = fmt.format(new Date(Math.max(from.getTime(), to.getTime() - 1)));
  const out: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); out.length < 40; d.setUTCDate(d.getUTCDate() + 1)) {
    const iso = d.toISOString().slice(0, 10);
    out.push(iso);
    if (iso >= last) break;
  }
  return out;
}



async function slaHistory(trx: Trx, tenantId: string, calendar: BillingCalendar, zone: string, current: BillingPeriod, now: Date): Promise<SlaHistory> {
  const periods: BillingPeriod[] = [current];
  while (periods.length < SLA_HISTORY + 1) periods.unshift(previousPeriod(periods[0]!, zone));
  const versions = await listPlanVersions(trx, tenantId);
  const billed = await trx
    .selectFrom("invoices")
    .select(["period_label", sql<SlaOutcome[] | null>`rated->'sla'`.as("sla")])
    .where("tenant_id", "=", tenantId)
    .where("kind", "=", "invoice")
    .where("calendar", "=", calendar)
    .where("status", "in", ["finalized", "sent", "paid"])
    .where(
      "period_label",
      "in",
      periods.map((p) => p.label),
    )
    .execute();

  const counted: Awaited<ReturnType<typeof slCountsByQueue>>[] = [];
  for (const p of periods) {
    const end = new Date(Math.min(p.end.getTime(), now.getTime()));
    counted.push(await slCountsByQueue(trx, tenantId, p.start, end));
  }
  // The contract of each period: the version in force at its end (or now, for the running one).
  const terms: SlaCommitment[][] = periods.map((p) => versionAt(versions, new Date(Math.min(p.end.getTime(), now.getTime()) - 1))?.plan.sla.commitments ?? []);

  const queueList = counted[counted.length - 1]!;
  const names = new Map(queueList.map((q) => [q.queueKey, q.queueName]));
  const queues = queueList.map((q) => ({
    queueKey: q.queueKey,
    queueName: q.queueName,
    slTargetPct: q.slTargetPct,
    slThresholdSeconds: q.slThresholdSeconds,
    cells: counted.map((rows) => {
      const row = rows.find((r) => r.queueKey === q.queueKey);
      return { result: serviceLevelFromCounts(row?.counts ?? { answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0 }) };
    }),
  }));

  const keys: (string | null)[] = [];
  for (const list of [...terms].reverse()) for (const c of list) if (!keys.includes(c.queueKey)) keys.push(c.queueKey);
  const commitments = keys.map((queueKey) => ({
    queueKey,
    queueName: queueKey === null ? null : (names.get(queueKey) ?? null),
    cells: periods.map((p, i): CommitmentCell => {
      const commitment = terms[i]!.find((c) => c.queueKey === queueKey);
      if (!commitment) return { committedBp: null, outcome: null, billed: false };
      const invoice = billed.find((b) => b.period_label === p.label);
      const stored = invoice?.sla?.find((o) => o.queueKey === queueKey) ?? null;
      if (stored) return { committedBp: committedBp(commitment), outcome: stored, billed: true };
      const rows = counted[i]!.map((q) => ({ queueKey: q.queueKey, counts: q.counts }));
      return { committedBp: committedBp(commitment), outcome: commitmentOutcome(commitment, rows), billed: false };
    }),
  }));

  return {
    periods: periods.map((p) => ({ label: p.label, calendar: p.calendar, current: p === current })),
    queues,
    commitments,
  };
}
