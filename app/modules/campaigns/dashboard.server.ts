import { sql } from "kysely";
import { KPI_FORMULAS, MEASURES, evaluateFormula, type KpiValue, type Measures } from "../reports/kpi";
import type { Executor } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import { getCampaignIn, progressByCampaign, type Campaign } from "./campaigns.server";
import { conversionCodes, percent, type ProgressCounts } from "./model";
import { outboundAbandonFraction } from "../reports/kpi";

/**
 * The campaign dashboard's figures, from the attempt and contact rows, with every rate computed by
 * the reports' own formulas (reports/kpi-definitions.ts: contact rate, answer rate, outbound abandon
 * rate, conversion rate), so the dashboard and the reports agree on every call:
 * - progress of the list: done (completed, DNC), failed (gave up), pending (to call or under way);
 * - attempts by outcome, and by local day for the chart;
 * - conversions by disposition (connected calls);
 * - the abandon rate of answered calls over 24 h and 30 days against the campaign's cap;
 * - live attempts (ringing, waiting for an agent, talking).
 */

export interface DashboardKpis {
  outboundAttempts: KpiValue;
  contactRate: KpiValue;
  outboundAnswerRate: KpiValue;
  outboundAbandonRate: KpiValue;
  conversionRate: KpiValue;
}

export interface AbandonWindow {
  humanAnswered: number;
  abandoned: number;
  /** Percentage, one decimal; null before any answer. */
  ratePct: number | null;
  overCap: boolean;
}

export interface LiveAttempt {
  id: string;
  state: string;
  e164: string;
  name: string | null;
  attemptNo: number;
  since: Date;
  agentName: string | null;
}

export interface CampaignDashboard {
  campaign: Campaign;
  progress: ProgressCounts;
  kpis: DashboardKpis;
  byOutcome: Record<string, number>;
  byDisposition: { code: string; name: string | null; count: number; sharePct: number | null; conversion: boolean }[];
  abandon: { capPct: number; day: AbandonWindow; month: AbandonWindow };
  daily: { day: string; connected: number; abandoned: number; noAnswer: number; busy: number; voicemail: number; failed: number }[];
  live: LiveAttempt[];
  asOf: Date;
}

const ZERO: Measures = Object.fromEntries(Object.keys(MEASURES).map((k) => [k, 0])) as Measures;

async function outcomeCounts(trx: Executor, tenantId: string, campaignId: string, codes: readonly string[]) {
  const { rows } = await sql<{ dialed: number; human: number; connected: number; abandoned: number; conversions: number }>`
    select count(*) filter (where dialed_at is not null)::int as dialed,
      count(*) filter (where answered_at is not null)::int as human,
      count(*) filter (where outcome = 'connected')::int as connected,
      count(*) filter (where outcome = 'abandoned')::int as abandoned,
      count(*) filter (where outcome = 'connected' and disposition_code = any(${[...codes]}::text[]))::int as conversions
    from campaign_attempts where tenant_id = ${tenantId} and campaign_id = ${campaignId}`.execute(trx);
  return rows[0]!;
}

function abandonWindow(humanAnswered: number, abandoned: number, capBp: number): AbandonWindow {
  return {
    humanAnswered,
    abandoned,
    ratePct: percent(abandoned, humanAnswered),
    overCap: humanAnswered > 0 && outboundAbandonFraction({ humanAnswered, abandoned }) > capBp / 10_000,
  };
}

export function campaignDashboard(tenantId: string, campaignId: string, opts: { timeZone: string; days?: number; now?: Date }): Promise<CampaignDashboard | null> {
  const now = opts.now ?? new Date();
  const days = opts.days ?? 14;
  return withTenant(tenantId, async (trx) => {
    const campaign = await getCampaignIn(trx, tenantId, campaignId);
    if (!campaign) return null;
    const codes = conversionCodes(campaign.dispositionRules);
    const [progress, counts, outcomes, dispositions, windows, daily, live] = await Promise.all([
      progressByCampaign(trx, tenantId, [campaignId]).then((m) => m.get(campaignId)!),
      outcomeCounts(trx, tenantId, campaignId, codes),
      trx
        .selectFrom("campaign_attempts")
        .select(["outcome", sql<number>`count(*)::int`.as("n")])
        .where("tenant_id", "=", tenantId)
        .where("campaign_id", "=", campaignId)
        .where("outcome", "is not", null)
        .groupBy("outcome")
        .execute(),
      sql<{ code: string | null; name: string | null; n: number }>`
        select a.disposition_code as code, d.name, count(*)::int as n
        from campaign_attempts a left join dispositions d on d.tenant_id = a.tenant_id and d.code = a.disposition_code
        where a.tenant_id = ${tenantId} and a.campaign_id = ${campaignId} and a.outcome = 'connected'
        group by 1, 2 order by 3 desc, 1`.execute(trx),
      sql<{ h24: number; a24: number; h30: number; a30: number }>`
        select count(*) filter (where answered_at >= ${now}::timestamptz - interval '24 hours')::int as h24,
          count(*) filter (where state = 'abandoned' and answered_at >= ${now}::timestamptz - interval '24 hours')::int as a24,
          count(*)::int as h30, count(*) filter (where state = 'abandoned')::int as a30
        from campaign_attempts where tenant_id = ${tenantId} and campaign_id = ${campaignId} and answered_at >= ${now}::timestamptz - interval '30 days'`.execute(trx),
      sql<{ day: string; outcome: string; n: number }>`
        select to_char(coalesce(dialed_at, created_at) at time zone ${opts.timeZone}, 'YYYY-MM-DD') as day, outcome, count(*)::int as n
        from campaign_attempts
        where tenant_id = ${tenantId} and campaign_id = ${campaignId} and outcome is not null
          and coalesce(dialed_at, created_at) >= ${now}::timestamptz - make_interval(days => ${days})
        group by 1, 2 order by 1`.execute(trx),
      sql<{ id: string; state: string; e164: string; name: string | null; attempt_no: number; since: Date; agent_name: string | null }>`
        select a.id, a.state, cc.e164, cc.name, a.attempt_no, coalesce(a.answered_at, a.dialed_at, a.created_at) as since, u.name as agent_name
        from campaign_attempts a
        join campaign_contacts cc on cc.tenant_id = a.tenant_id and cc.id = a.contact_id
        left join interactions i on i.tenant_id = a.tenant_id and i.id = a.interaction_id
        left join users u on u.id = i.agent_id
        where a.tenant_id = ${tenantId} and a.campaign_id = ${campaignId} and a.state in ('queued', 'dialing', 'ringing', 'answered')
        order by a.created_at limit 50`.execute(trx),
    ]);
    const measures: Measures = {
      ...ZERO,
      outboundAttempts: counts.dialed,
      outboundHumanAnswered: counts.human,
      outboundConnected: counts.connected,
      outboundAbandoned: counts.abandoned,
      outboundConversions: counts.conversions,
    };
    const kpi = (key: keyof DashboardKpis) => evaluateFormula(KPI_FORMULAS[key], measures);
    const w = windows.rows[0] ?? { h24: 0, a24: 0, h30: 0, a30: 0 };
    const byDay = new Map<string, CampaignDashboard["daily"][number]>();
    for (const r of daily.rows) {
      const row = byDay.get(r.day) ?? { day: r.day, connected: 0, abandoned: 0, noAnswer: 0, busy: 0, voicemail: 0, failed: 0 };
      const counts = row as unknown as Record<string, number>;
      if (r.outcome !== "day" && typeof counts[r.outcome] === "number") counts[r.outcome] = counts[r.outcome]! + r.n;
      byDay.set(r.day, row);
    }
    const connected = counts.connected;
    return {
      campaign,
      progress,
      kpis: {
        outboundAttempts: kpi("outboundAttempts"),
        contactRate: kpi("contactRate"),
        outboundAnswerRate: kpi("outboundAnswerRate"),
        outboundAbandonRate: kpi("outboundAbandonRate"),
        conversionRate: codes.length ? kpi("conversionRate") : { ...kpi("conversionRate"), value: null },
      },
      byOutcome: Object.fromEntries(outcomes.map((o) => [o.outcome!, o.n])),
      byDisposition: dispositions.rows.map((d) => ({ code: d.code ?? "", name: d.name, count: d.n, sharePct: percent(d.n, connected), conversion: d.code !== null && codes.includes(d.code) })),
      abandon: { capPct: campaign.abandonCapBp / 100, day: abandonWindow(w.h24, w.a24, campaign.abandonCapBp), month: abandonWindow(w.h30, w.a30, campaign.abandonCapBp) },
      daily: [...byDay.values()],
      live: live.rows.map((l) => ({ id: l.id, state: l.state, e164: l.e164, name: l.name, attemptNo: l.attempt_no, since: l.since, agentName: l.agent_name })),
      asOf: now,
    };
  });
}
