import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { forecastPoints, queueRefs } from "./data.server";
import { agentsRequired, erlangA, serviceLevelC, trafficIntensity } from "./erlang";
import { WfmError } from "./errors";
import { rosterOfWeek } from "./roster-store.server";
import { wfmSettings } from "./settings.server";
import { weekDays, weekRequirements } from "./staffing.server";
import type { TenantStaffingPlanView, TenantStaffingQueue } from "./views";
import { isWeekStart, weekGrid, weekStartOf } from "./week";

/**
 * The client portal's staffing plan: for the tenant's own queues, the forecast, the agents its SLA
 * needs on the phones (its share of the bureau's pools, ADR 0008) and what the published roster
 * puts there, with the service level that projects to. Numbers only: no agent, shift or other
 * tenant appears. The tenant's own rows are read in its scope (RLS); the pooled figures come from
 * the bureau-wide roster (or, before one is published, the bureau's requirement calculation),
 * filtered to the tenant's queue ids before anything leaves this function. The route has checked
 * "tenant.staffing.read".
 */
export async function tenantStaffingPlan(tenant: { id: string; timeZone: string }, weekStart?: string, opts: { now?: Date } = {}): Promise<TenantStaffingPlanView> {
  const settings = await wfmSettings();
  const week = weekStart ?? weekStartOf(opts.now ?? new Date(), settings.timeZone);
  if (!isWeekStart(week)) throw new WfmError("weekStart", "week");
  const grid = weekGrid(week, settings.timeZone, settings.intervalMinutes);
  const slots = grid.intervals.length;
  const stepMs = settings.intervalMinutes * 60_000;
  const intervalSeconds = settings.intervalMinutes * 60;

  const own = await withTenant(tenant.id, async (trx) => {
    const queues = await queueRefs(trx, { tenantId: tenant.id, now: opts.now });
    const points = await forecastPoints(
      trx,
      queues.map((q) => q.queueId),
      grid.start,
      grid.end,
    );
    return { queues: queues.filter((q) => q.tenantId === tenant.id), points };
  });
  const ids = new Set(own.queues.map((q) => q.queueId));

  const pooled = await withBureauScope(async (trx) => {
    const roster = await rosterOfWeek(trx, week, "published");
    if (roster) {
      const coverage = roster.coverage.filter((c) => ids.has(c.queueId)).map((c) => ({ queueId: c.queueId, required: c.inSeat ?? c.required, scheduled: c.staffed }));
      return { published: true, publishedAt: roster.publishedAt, coverage };
    }
    const w = await weekRequirements(trx, week, { settings, now: opts.now });
    const coverage = w.requirements.queues.filter((q) => ids.has(q.queueId)).map((q) => ({ queueId: q.queueId, required: q.agents, scheduled: null as number[] | null }));
    return { published: false, publishedAt: null, coverage };
  });

  const queues: TenantStaffingQueue[] = own.queues.map((q) => {
    const contacts = new Array<number>(slots).fill(0);
    const handle = new Array<number>(slots).fill(0);
    for (const p of own.points) {
      if (p.queueId !== q.queueId) continue;
      const t = Math.floor((p.start.getTime() - grid.start.getTime()) / stepMs);
      if (t < 0 || t >= slots) continue;
      contacts[t]! += p.adjustedContacts;
      handle[t]! += p.adjustedContacts * p.adjustedAhtSeconds;
    }
    const aht = contacts.map((c, t) => (c > 0 ? handle[t]! / c : 0));
    const cov = pooled.coverage.find((c) => c.queueId === q.queueId);
    const required = cov ? cov.required.map((v) => Math.round(v * 100) / 100) : new Array<number>(slots).fill(0);
    const scheduled = cov?.scheduled ? cov.scheduled.map((v) => Math.round(v * 100) / 100) : null;
    const target = Math.min(0.999, q.slTarget);
    const projected = scheduled
      ? scheduled.map((staffed, t) => {
          if (contacts[t]! <= 0 || aht[t]! <= 0) return null;
          // The queue's pooled share is standalone × the pool's factor: on the phones it behaves like
          // staffed / factor dedicated agents, which is what its service level is computed at.
          const alone = agentsRequired({ contacts: contacts[t]!, intervalSeconds, ahtSeconds: aht[t]!, targetServiceLevel: target, thresholdSeconds: q.slThresholdSeconds, ...(q.patienceSeconds !== null ? { patienceSeconds: q.patienceSeconds } : {}) }).agents;
          const factor = required[t]! > 0 && alone > 0 ? Math.min(1, required[t]! / alone) : 1;
          const n = Math.floor(staffed / factor + 1e-6);
          if (q.patienceSeconds !== null) return erlangA(n, { contacts: contacts[t]!, intervalSeconds, ahtSeconds: aht[t]!, patienceSeconds: q.patienceSeconds, thresholdSeconds: q.slThresholdSeconds }).serviceLevel;
          return serviceLevelC(n, trafficIntensity(contacts[t]!, intervalSeconds, aht[t]!), aht[t]!, q.slThresholdSeconds);
        })
      : null;
    const perDay = slots / 7;
    const daily = grid.dates.map((date, d) => {
      const range = [...Array(perDay).keys()].map((i) => d * perDay + i);
      const dayContacts = range.reduce((s, t) => s + contacts[t]!, 0);
      const weighted = projected ? range.reduce((s, t) => s + (projected[t] ?? 0) * contacts[t]!, 0) : 0;
      return {
        date,
        contacts: Math.round(dayContacts * 10) / 10,
        requiredHours: Math.round(range.reduce((s, t) => s + required[t]!, 0) * (settings.intervalMinutes / 60) * 10) / 10,
        scheduledHours: scheduled ? Math.round(range.reduce((s, t) => s + scheduled[t]!, 0) * (settings.intervalMinutes / 60) * 10) / 10 : null,
        projectedServiceLevel: projected && dayContacts > 0 ? weighted / dayContacts : null,
      };
    });
    return { queueId: q.queueId, queueKey: q.queueKey, queueName: q.queueName, slTarget: q.slTarget, slThresholdSeconds: q.slThresholdSeconds, contacts, ahtSeconds: aht, required, scheduled, projectedServiceLevel: projected, daily };
  });

  return {
    tenantId: tenant.id,
    weekStart: week,
    timeZone: settings.timeZone,
    intervalMinutes: settings.intervalMinutes,
    days: weekDays(grid, new Set()),
    intervals: grid.intervals.map((d) => d.toISOString()),
    published: pooled.published,
    publishedAt: pooled.publishedAt?.toISOString() ?? null,
    queues,
  };
}
