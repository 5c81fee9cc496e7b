import { commitmentOutcome, committedBp } from "../billing/attainment";
import { listPlanVersions, versionAt } from "../billing/plans.server";
import type { Language } from "../i18n/config";
import { DEFAULT_TIME_ZONE, weekdayOrder } from "../i18n/format";
import type { Executor } from "../platform/db.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { calendarFor, kpiColumns, measureColumns, QUEUE_THRESHOLD, reportParamsSchema, type ReportParams, type ReportParamsInput } from "./catalog";
import {
  agentNames,
  agentTimeSums,
  agentTotalsOf,
  campaignInfos,
  campaignSums,
  campaignTotalsOf,
  contactSums,
  dispositionNames,
  NO_WAIT_THRESHOLD,
  queueInfos,
  rollupsAsOf,
  totalsOf,
  volumeCells,
  type Bucketing,
  type QueueInfo,
  type RollupFilter,
  type SumRow,
} from "./data.server";
import {
  emptyAgentTotals,
  emptyTotals,
  evaluateFormula,
  KPI_FORMULAS,
  MEASURES,
  measuresOf,
  percentOf,
  slCountsOfTotals,
  type AgentTotals,
  type ContactTotals,
  type KpiKey,
  type MeasureKey,
  type Measures,
} from "./kpi";
import { periodContainingDay, reportPeriod, weekdayCounts, type Bucket, type ReportPeriod } from "./periods";
import { localDayOf } from "./records";
import { ROLLUP_REPEAT_MATCH, ROLLUP_REPEAT_WINDOW_DAYS } from "./rollup.server";
import type { BreakdownRowView, Figure, LabelSpec, ReportData, ReportRow, SlaCommitmentRow, SlaQueueRow, Stated } from "./view";

/**
 * The reports, assembled from the rollups (data.server.ts) by the one KPI module: each rollup sum is
 * turned into measures with the thresholds that apply to it (its queue's own, or the one the
 * reader chose), measures are added up per row (they are additive by construction), and every
 * figure is evaluateFormula of its KPI_FORMULAS entry over those sums, exactly as computeKpis
 * does. Monthly and yearly reports read day rows; a day's report reads interval rows.
 *
 * A tenant's report runs in the tenant's transaction (RLS), the bureau's in bureau scope after the
 * route checked reports.read. In a tenant scope the tenant filter is the tenant, whatever was asked.
 */
export type ReportScope = { kind: "bureau" } | { kind: "tenant"; tenantId: string };

export class ReportError extends Error {
  constructor(
    readonly code: "thresholdNotAggregated" | "notFound" | "invalidParams",
    readonly detail: Record<string, unknown> = {},
  ) {
    super(`reports:errors.${code}`);
    this.name = "ReportError";
  }
}

const ZERO: Measures = Object.fromEntries(Object.keys(MEASURES).map((k) => [k, 0])) as Measures;

function addInto(into: Measures, m: Measures) {
  for (const k of Object.keys(MEASURES) as MeasureKey[]) into[k] += m[k];
}

function figures(m: Measures, keys: readonly KpiKey[], conversions: boolean): Partial<Record<KpiKey, Figure>> {
  const out: Partial<Record<KpiKey, Figure>> = {};
  for (const key of keys) {
    const v = evaluateFormula(KPI_FORMULAS[key], m);
    // Without conversion codes there is nothing to count as a conversion: "no data", as computeKpis says.
    out[key] = { value: key === "conversionRate" && !conversions ? null : v.value, numerator: v.numerator, denominator: v.denominator };
  }
  return out;
}

function measureValues(m: Measures, keys: readonly MeasureKey[]): Partial<Record<MeasureKey, number>> {
  return Object.fromEntries(keys.map((k) => [k, m[k]]));
}

interface Group {
  key: string;
  label: LabelSpec;
  measures: Measures;
  order: number;
}

class Groups {
  private map = new Map<string, Group>();
  constructor(initial: readonly Omit<Group, "measures">[] = []) {
    for (const g of initial) this.map.set(g.key, { ...g, measures: { ...ZERO } });
  }
  add(key: string, label: LabelSpec, m: Measures, order = Number.MAX_SAFE_INTEGER) {
    let g = this.map.get(key);
    if (!g) this.map.set(key, (g = { key, label, measures: { ...ZERO }, order }));
    addInto(g.measures, m);
  }
  list(): Group[] {
    return [...this.map.values()].sort((a, b) => a.order - b.order || labelText(a.label).localeCompare(labelText(b.label)));
  }
  total(): Measures {
    const t = { ...ZERO };
    for (const g of this.map.values()) addInto(t, g.measures);
    return t;
  }
}

const labelText = (l: LabelSpec) => (l.kind === "name" ? l.text : l.kind === "day" ? l.iso : l.kind === "month" ? l.label : l.kind === "slot" ? l.hhmm : "");

function bucketLabel(p: ReportPeriod, b: Bucket): LabelSpec {
  return p.span === "year" ? { kind: "month", label: b.label, calendar: p.calendar } : { kind: "day", iso: b.startDay };
}

/** All slots of a day at the row interval ("00:00", "00:30", ...). */
function daySlots(minutes: number): string[] {
  const out: string[] = [];
  for (let m = 0; m < 24 * 60; m += minutes) out.push(`${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
  return out;
}

function run<T>(scope: ReportScope, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return scope.kind === "tenant" ? withTenant(scope.tenantId, fn) : withBureauScope(fn);
}

/** The parameters as the report uses them: defaults filled, the tenant pinned in a tenant scope. */
export function normalizeParams(scope: ReportScope, input: ReportParamsInput | ReportParams): ReportParams {
  const parsed = reportParamsSchema.safeParse(input);
  if (!parsed.success) throw new ReportError("invalidParams", { issues: parsed.error.issues.map((i) => i.path.join(".")) });
  const p = parsed.data;
  if (scope.kind === "tenant") p.tenant = scope.tenantId;
  return p;
}

export interface BuildOptions {
  lang: Language;
  now?: Date;
}

/** The period a report covers: the one asked for, else the running one in the tenant's (or bureau's) zone. */
export async function resolvePeriod(trx: Executor, p: ReportParams, lang: Language, now: Date): Promise<{ period: ReportPeriod; timeZone: string }> {
  const calendar = p.calendar ?? calendarFor(lang);
  let timeZone = DEFAULT_TIME_ZONE;
  if (p.tenant) timeZone = (await trx.selectFrom("tenants").select("time_zone").where("id", "=", p.tenant).executeTakeFirst())?.time_zone ?? timeZone;
  else timeZone = (await trx.selectFrom("bureau_settings").select("time_zone").executeTakeFirst())?.time_zone ?? timeZone;
  const period = p.period ? reportPeriod(p.span, p.period, calendar) : periodContainingDay(p.span, localDayOf(now, timeZone), calendar);
  return { period, timeZone };
}

export async function buildReport(scope: ReportScope, input: ReportParamsInput | ReportParams, opts: BuildOptions): Promise<ReportData> {
  const p = normalizeParams(scope, input);
  const now = opts.now ?? new Date();
  return run(scope, async (trx) => {
    if (p.tenant) {
      const found = await trx.selectFrom("tenants").select("id").where("id", "=", p.tenant).executeTakeFirst();
      if (!found) throw new ReportError("notFound");
    }
    const { period, timeZone } = await resolvePeriod(trx, p, opts.lang, now);
    const filter: RollupFilter = { tenantId: p.tenant, queueId: p.queue, agentId: p.agent, campaignId: p.campaign, channel: p.channel, direction: p.direction };
    const queues = await queueInfos(trx, filter);
    if (p.queue && queues.length === 0) throw new ReportError("notFound");
    try {
      return await assemble(trx, scope, p, period, timeZone, filter, queues, now);
    } catch (err) {
      if (err instanceof Error && err.name === "KpiInputError" && (err as { code?: string }).code === "thresholdNotAggregated") {
        throw new ReportError("thresholdNotAggregated", { threshold: p.slThreshold });
      }
      throw err;
    }
  });
}

async function assemble(trx: Executor, scope: ReportScope, p: ReportParams, period: ReportPeriod, timeZone: string, filter: RollupFilter, queues: QueueInfo[], now: Date): Promise<ReportData> {
  const byQueue = new Map(queues.map((q) => [q.id, q]));
  const fixed = p.slThreshold === QUEUE_THRESHOLD ? null : p.slThreshold;
  // Occupancy is the agents' time across every tenant: only a bureau-wide report without filters states it.
  const agentTime =
    scope.kind === "bureau" && !p.tenant && !p.queue && !p.channel && !p.direction && period.span !== "day" && (p.report === "agents" || (p.report === "performance" && p.groupBy === "period"));
  const kpis = kpiColumns(p.report, p.slVariant, { agentTime });
  const measureKeys = measureColumns(p.report, { agentTime });
  const stated: Stated = {
    slVariant: p.slVariant,
    slThreshold: p.slThreshold,
    queues: queues.map((q) => ({ tenantName: q.tenantName, queueName: q.name, slThresholdSeconds: q.slThresholdSeconds, shortAbandonSeconds: q.shortAbandonSeconds, slTargetPct: q.slTargetPct })),
    repeatWindowDays: ROLLUP_REPEAT_WINDOW_DAYS,
    repeatMatch: ROLLUP_REPEAT_MATCH,
    agentTime,
    interval: p.interval,
    timeZone,
  };

  /** A queue row's measures under the threshold that applies to it. */
  const queueMeasures = (r: SumRow): { totals: ContactTotals; measures: Measures; queue: QueueInfo | undefined } => {
    const q = byQueue.get(r.key_id);
    const t = fixed ?? q?.slThresholdSeconds ?? 20;
    const s = q?.shortAbandonSeconds ?? 0;
    const totals = totalsOf(r, [t, s]);
    return { totals, measures: measuresOf(totals, emptyAgentTotals(), { slThresholdSeconds: t, shortAbandonSeconds: s }), queue: q };
  };
  const agentMeasures = (a: AgentTotals): Measures =>
    measuresOf(emptyTotals({ waitThresholdsSeconds: [NO_WAIT_THRESHOLD], repeatWindowDays: ROLLUP_REPEAT_WINDOW_DAYS, repeatMatch: ROLLUP_REPEAT_MATCH }), a, {
      slThresholdSeconds: NO_WAIT_THRESHOLD,
      shortAbandonSeconds: NO_WAIT_THRESHOLD,
    });

  const periodBuckets: Bucket[] = [{ label: period.label, startDay: period.startDay, endDay: period.endDay }];
  const base: Omit<ReportData, "rows" | "total"> = {
    kind: p.report,
    span: period.span,
    calendar: period.calendar,
    periodLabel: period.label,
    startDay: period.startDay,
    endDay: period.endDay,
    groupBy: p.groupBy,
    scope: { tenant: p.tenant ?? null, queue: p.queue ?? null, agent: p.agent ?? null, campaign: p.campaign ?? null, channel: p.channel ?? null, direction: p.direction ?? null },
    names: {
      tenant: p.tenant ? ((await trx.selectFrom("tenants").select("name").where("id", "=", p.tenant).executeTakeFirst())?.name ?? null) : null,
      queue: p.queue ? (queues[0]?.name ?? null) : null,
      agent: p.agent ? ((await agentNames(trx, [p.agent])).get(p.agent)?.name ?? null) : null,
      campaign: p.campaign ? ((await campaignInfos(trx, { tenantId: p.tenant, campaignId: p.campaign }))[0]?.name ?? null) : null,
    },
    stated,
    kpiColumns: kpis,
    measureColumns: measureKeys,
    asOf: (await rollupsAsOf(trx))?.toISOString() ?? null,
    generatedAt: now.toISOString(),
  };
  const row = (g: { key: string; label: LabelSpec; measures: Measures }, conversions = false): ReportRow => ({
    key: g.key,
    label: g.label,
    kpis: figures(g.measures, kpis, conversions),
    measures: measureValues(g.measures, measureKeys),
  });

  switch (p.report) {
    case "performance":
    case "volume": {
      const slots = p.report === "volume" || period.span === "day";
      const bucketing: Bucketing = slots
        ? period.span === "day"
          ? { kind: "slots", day: period.startDay, minutes: p.interval }
          : { kind: "slotsOverDays", startDay: period.startDay, endDay: period.endDay, minutes: p.interval }
        : { kind: "days", buckets: p.groupBy === "period" ? period.buckets : periodBuckets };
      const sums = await contactSums(trx, "queue", filter, bucketing, fixed);
      const initial =
        p.groupBy !== "period" && p.report === "performance"
          ? []
          : slots
            ? daySlots(p.interval).map((s, i) => ({ key: s, label: { kind: "slot", hhmm: s } as LabelSpec, order: i }))
            : period.buckets.map((b, i) => ({ key: b.label, label: bucketLabel(period, b), order: i }));
      const groups = new Groups(initial);
      for (const r of sums) {
        const { measures, queue } = queueMeasures(r);
        if (p.report === "performance" && p.groupBy === "tenant") groups.add(r.tenant_id, { kind: "name", text: queue?.tenantName ?? r.tenant_id }, measures);
        else if (p.report === "performance" && p.groupBy === "queue") groups.add(r.key_id, { kind: "name", text: queue?.name ?? r.key_id, sub: queue?.tenantName }, measures);
        else groups.add(r.bucket, { kind: "slot", hhmm: r.bucket }, measures);
      }
      if (agentTime) {
        for (const a of await agentTimeSums(trx, period.buckets)) groups.add(a.bucket, { kind: "day", iso: a.bucket }, agentMeasures(agentTotalsOf(a)));
      }
      const list = groups.list();
      const data: ReportData = { ...base, rows: list.map((g) => row(g)), total: row({ key: "total", label: { kind: "total" }, measures: groups.total() }) };
      if (p.report === "volume") {
        const cells = await volumeCells(trx, filter, period.startDay, period.endDay, p.interval);
        const weekdays = weekdayOrder(period.calendar === "jalali" ? "fa" : "en");
        const slotList = daySlots(p.interval);
        const counts = weekdayCounts(period);
        const offered = weekdays.map(() => slotList.map(() => 0));
        for (const c of cells) {
          const wi = weekdays.indexOf(c.dow);
          const si = slotList.indexOf(c.slot);
          if (wi >= 0 && si >= 0) offered[wi]![si]! += c.offered;
        }
        data.heatmap = { weekdays, slots: slotList, offered, days: weekdays.map((w) => counts[w]!) };
      }
      return data;
    }
    case "sla": {
      const bucketing: Bucketing = period.span === "day" ? { kind: "days", buckets: periodBuckets } : { kind: "days", buckets: period.buckets };
      const sums = await contactSums(trx, "queue", filter, bucketing, fixed);
      const groups = new Groups(period.span === "day" ? [] : period.buckets.map((b, i) => ({ key: b.label, label: bucketLabel(period, b), order: i })));
      const perQueue = new Map<string, Map<string, { measures: Measures; totals: ContactTotals }>>();
      for (const r of sums) {
        const { measures, totals } = queueMeasures(r);
        groups.add(r.bucket, period.span === "day" ? { kind: "day", iso: period.startDay } : { kind: "day", iso: r.bucket }, measures);
        const m = perQueue.get(r.key_id) ?? new Map();
        m.set(r.bucket, { measures, totals });
        perQueue.set(r.key_id, m);
      }
      const buckets = period.span === "day" ? periodBuckets : period.buckets;
      const slKey = kpis.find((k) => k.startsWith("serviceLevel."))!;
      const slaQueues: SlaQueueRow[] = queues.map((q) => {
        const mine = perQueue.get(q.id) ?? new Map<string, { measures: Measures }>();
        const all = { ...ZERO };
        const cells = buckets.map((b) => {
          const m = mine.get(b.label)?.measures ?? ZERO;
          addInto(all, m);
          return cell(bucketLabel(period, b), m);
        });
        function cell(bucket: LabelSpec, m: Measures) {
          const v = evaluateFormula(KPI_FORMULAS[slKey], m);
          return { bucket, serviceLevel: v.value, met: v.value === null ? null : v.value >= q.slTargetPct, answered: m.answered, counted: v.denominator ?? 0 };
        }
        if (buckets.length > 1) cells.push(cell({ kind: "total" }, all));
        return { key: q.id, tenantName: q.tenantName, queueName: q.name, slTargetPct: q.slTargetPct, slThresholdSeconds: fixed ?? q.slThresholdSeconds, cells };
      });
      // The contract: each tenant's plan in force at the period's end, judged as the close judges it
      // (the platform's variant at each queue's own threshold), over the period shown.
      const slaCommitments: SlaCommitmentRow[] = [];
      // Contracts read each queue's own threshold: with another threshold chosen there is no contract to show.
      const tenants = fixed === null ? [...new Map(queues.map((q) => [q.tenantId, q])).values()] : [];
      for (const t of tenants) {
        const end = new Date(Math.min(now.getTime(), Date.parse(`${period.endDay}T00:00:00Z`)) - 1);
        const plan = versionAt(await listPlanVersions(trx, t.tenantId), end);
        if (!plan) continue;
        const counts = queues
          .filter((q) => q.tenantId === t.tenantId)
          .map((q) => {
            const sum = { answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0 };
            for (const x of perQueue.get(q.id)?.values() ?? []) {
              const c = slCountsOfTotals(x.totals, { slThresholdSeconds: q.slThresholdSeconds, shortAbandonSeconds: q.shortAbandonSeconds });
              sum.answered += c.answered;
              sum.answeredWithin += c.answeredWithin;
              sum.abandoned += c.abandoned;
              sum.shortAbandoned += c.shortAbandoned;
            }
            return { queueKey: q.key, counts: sum };
          });
        for (const c of plan.plan.sla.commitments) {
          const committed = committedBp(c);
          if (committed === null) continue;
          const outcome = commitmentOutcome(c, counts);
          slaCommitments.push({
            tenantName: t.tenantName,
            queueName: c.queueKey === null ? null : (queues.find((q) => q.tenantId === t.tenantId && q.key === c.queueKey)?.name ?? c.queueKey),
            committedPct: committed / 100,
            attainedPct: outcome.result.serviceLevel,
            breached: outcome.breachedBelowBp !== null,
            creditPct: outcome.creditBp / 100,
          });
        }
      }
      const list = groups.list();
      return { ...base, rows: list.map((g) => row(g)), total: row({ key: "total", label: { kind: "total" }, measures: groups.total() }), slaQueues, slaCommitments };
    }
    case "agents": {
      const sums = await contactSums(trx, "agent", filter, { kind: "days", buckets: periodBuckets }, null);
      const groups = new Groups();
      const time = agentTime ? await agentTimeSums(trx, periodBuckets, p.agent) : [];
      const names = await agentNames(trx, [...new Set([...sums.map((s) => s.key_id), ...time.map((a) => a.agent_id)])]);
      const label = (id: string): LabelSpec => ({ kind: "name", text: names.get(id)?.name ?? id, sub: scope.kind === "bureau" ? names.get(id)?.code : undefined });
      for (const r of sums) groups.add(r.key_id, label(r.key_id), measuresOf(totalsOf(r, null), emptyAgentTotals(), { slThresholdSeconds: NO_WAIT_THRESHOLD, shortAbandonSeconds: NO_WAIT_THRESHOLD }));
      // Agents who were logged in but handled nothing this period are listed too.
      for (const a of time) groups.add(a.agent_id, label(a.agent_id), agentMeasures(agentTotalsOf(a)));
      const list = groups.list();
      return { ...base, rows: list.map((g) => row(g)), total: row({ key: "total", label: { kind: "total" }, measures: groups.total() }) };
    }
    case "dispositions": {
      const sums = await contactSums(trx, "queue", filter, { kind: "days", buckets: periodBuckets }, fixed);
      const groups = new Groups();
      const perTenant = new Map<string, { handled: number; reasons: Record<string, number>; dispositions: Record<string, number> }>();
      for (const r of sums) {
        const { measures, totals, queue } = queueMeasures(r);
        groups.add(r.tenant_id, { kind: "name", text: queue?.tenantName ?? r.tenant_id }, measures);
        const t = perTenant.get(r.tenant_id) ?? { handled: 0, reasons: {}, dispositions: {} };
        t.handled += totals.handled;
        for (const [k, v] of Object.entries(totals.byReason)) t.reasons[k] = (t.reasons[k] ?? 0) + v;
        for (const [k, v] of Object.entries(totals.byDisposition)) t.dispositions[k] = (t.dispositions[k] ?? 0) + v;
        perTenant.set(r.tenant_id, t);
      }
      const names = await dispositionNames(trx, [...perTenant.keys()]);
      const tenantName = new Map(queues.map((q) => [q.tenantId, q.tenantName]));
      const reasons: BreakdownRowView[] = [];
      const dispositions: BreakdownRowView[] = [];
      for (const [tenantId, t] of perTenant) {
        const tn = tenantName.get(tenantId) ?? tenantId;
        const find = (code: string) => names.find((n) => n.tenant_id === tenantId && n.code === code);
        for (const [code, count] of Object.entries(t.reasons)) reasons.push({ tenantName: tn, code, name: find(code)?.name ?? "", parent: "", resolved: null, count, sharePct: percentOf(count, t.handled) });
        for (const [code, count] of Object.entries(t.dispositions)) {
          const d = find(code);
          dispositions.push({ tenantName: tn, code, name: d?.name ?? "", parent: d?.parent_name ?? "", resolved: d ? d.resolved : null, count, sharePct: percentOf(count, t.handled) });
        }
      }
      const order = (a: BreakdownRowView, b: BreakdownRowView) => a.tenantName.localeCompare(b.tenantName) || b.count - a.count || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
      const list = groups.list();
      return {
        ...base,
        rows: list.map((g) => row(g)),
        total: row({ key: "total", label: { kind: "total" }, measures: groups.total() }),
        reasons: reasons.sort(order),
        dispositions: dispositions.sort(order),
      };
    }
    case "campaigns": {
      const infos = await campaignInfos(trx, filter);
      const byId = new Map(infos.map((c) => [c.id, c]));
      const sums = await campaignSums(trx, filter, periodBuckets);
      const groups = new Groups();
      let anyConversion = false;
      for (const r of sums) {
        const info = byId.get(r.campaign_id);
        const codes = info?.conversionCodes ?? [];
        if (codes.length) anyConversion = true;
        const m = measuresOf(campaignTotalsOf(r), emptyAgentTotals(), { slThresholdSeconds: NO_WAIT_THRESHOLD, shortAbandonSeconds: NO_WAIT_THRESHOLD, conversionCodes: codes });
        groups.add(r.campaign_id, { kind: "name", text: info?.name ?? r.campaign_id, sub: info ? queues.find((q) => q.tenantId === info.tenantId)?.tenantName : undefined }, m);
      }
      const list = groups.list();
      return {
        ...base,
        rows: list.map((g) => row(g, (byId.get(g.key)?.conversionCodes.length ?? 0) > 0)),
        total: row({ key: "total", label: { kind: "total" }, measures: groups.total() }, anyConversion),
      };
    }
  }
}
