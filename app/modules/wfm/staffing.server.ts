import { asBureau } from "../auth/bureau.server";
import type { BureauCtx } from "../bureau/context.server";
import type { Executor } from "../platform/db.server";
import { agentEligibility, forecastPoints, holidaysOf, queueRefs, type AgentEligibility, type QueueRow } from "./data.server";
import { agentsRequired, staffingInputSchema } from "./erlang";
import { WfmError } from "./errors";
import { buildRequirements, type Requirements } from "./requirements";
import { wfmSettings } from "./settings.server";
import type { StaffingCalcResult, StaffingWeekView, WeekDay, WfmSettingsView } from "./views";
import { isWeekStart, weekGrid, weekStartOf, type WeekGrid } from "./week";

/**
 * Staffing: the one-interval calculator (page and API) and the week's requirements per queue from
 * the stored forecast (adjusted figures), pooled across queues that share agents (ADR 0008).
 */

/** Validates and computes; a bad input names its field and the translation key of the message. */
export function calculateStaffing(input: unknown): StaffingCalcResult {
  if (!input || typeof input !== "object" || Array.isArray(input)) return { ok: false, field: "body", messageKey: "wfm:staffing.errors.invalidJson" };
  const parsed = staffingInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === "unrecognized_keys") return { ok: false, field: issue.keys[0] ?? "body", messageKey: "wfm:staffing.errors.unknownField" };
    const field = String(issue.path[0] ?? "body");
    const messageKey = issue.message.startsWith("wfm:") ? issue.message : `wfm:staffing.errors.${field}`;
    return { ok: false, field, messageKey };
  }
  return { ok: true, result: agentsRequired(parsed.data) };
}

export interface WeekRequirements {
  grid: WeekGrid;
  settings: WfmSettingsView;
  queues: QueueRow[];
  agents: AgentEligibility[];
  contacts: number[][];
  ahtSeconds: number[][];
  requirements: Requirements;
  missingForecast: string[];
  holidays: Set<string>;
}

/**
 * Forecast figures of each queue on the bureau's week grid: intervals of another length (a 15-minute
 * forecast on a 30-minute grid) are summed, AHT contact-weighted.
 */
export async function weekRequirements(trx: Executor, weekStart: string, opts: { settings?: WfmSettingsView; now?: Date } = {}): Promise<WeekRequirements> {
  const settings = opts.settings ?? (await wfmSettings(trx));
  const grid = weekGrid(weekStart, settings.timeZone, settings.intervalMinutes);
  // The abandon profile from the eight weeks before the week planned (for a week ahead: up to now).
  const queues = await queueRefs(trx, { now: new Date(Math.min(grid.start.getTime(), (opts.now ?? grid.start).getTime())) });
  const agents = await agentEligibility(trx);
  const points = await forecastPoints(
    trx,
    queues.map((q) => q.queueId),
    grid.start,
    grid.end,
  );
  const slots = grid.intervals.length;
  const first = grid.start.getTime();
  const stepMs = settings.intervalMinutes * 60_000;
  const index = new Map(queues.map((q, i) => [q.queueId, i]));
  const contacts = queues.map(() => new Array<number>(slots).fill(0));
  const handle = queues.map(() => new Array<number>(slots).fill(0));
  const seen = new Set<string>();
  for (const p of points) {
    const qi = index.get(p.queueId);
    if (qi === undefined) continue;
    const t = Math.floor((p.start.getTime() - first) / stepMs);
    if (t < 0 || t >= slots) continue;
    seen.add(p.queueId);
    contacts[qi]![t]! += p.adjustedContacts;
    handle[qi]![t]! += p.adjustedContacts * p.adjustedAhtSeconds;
  }
  const ahtSeconds = contacts.map((row, qi) => row.map((c, t) => (c > 0 ? handle[qi]![t]! / c : 0)));
  const requirements = buildRequirements({
    intervalMinutes: settings.intervalMinutes,
    queues: queues.map((q, qi) => ({ queueId: q.queueId, slTarget: q.slTarget, slThresholdSeconds: q.slThresholdSeconds, patienceSeconds: q.patienceSeconds, priority: q.priority, contacts: contacts[qi]!, ahtSeconds: ahtSeconds[qi]! })),
    eligibility: agents.filter((a) => a.contractId !== null).map((a) => a.queueIds),
    shrinkage: settings.shrinkage,
    maxOccupancy: settings.maxOccupancy,
  });
  const holidays = new Set<string>();
  for (const tenantId of new Set(queues.map((q) => q.tenantId))) for (const d of await holidaysOf(trx, tenantId)) holidays.add(d);
  return { grid, settings, queues, agents, contacts, ahtSeconds, requirements, missingForecast: queues.filter((q) => !seen.has(q.queueId)).map((q) => q.queueId), holidays };
}

export function weekDays(grid: WeekGrid, holidays: ReadonlySet<string>): WeekDay[] {
  return grid.dates.map((date, day) => ({ day, date, startsAt: grid.intervals[(day * grid.intervals.length) / 7]!.toISOString(), holiday: holidays.has(date) }));
}

export async function staffingWeek(ctx: BureauCtx, weekStart?: string, opts: { now?: Date } = {}): Promise<StaffingWeekView> {
  const settings = await wfmSettings();
  const week = weekStart ?? weekStartOf(opts.now ?? new Date(), settings.timeZone);
  if (!isWeekStart(week)) throw new WfmError("weekStart", "week");
  return asBureau(ctx, "wfm.read", async (trx) => {
    const w = await weekRequirements(trx, week, { settings, now: opts.now });
    const sum = (rows: number[][]) => w.grid.intervals.map((_, t) => rows.reduce((s, r) => s + r[t]!, 0));
    return {
      weekStart: week,
      timeZone: settings.timeZone,
      intervalMinutes: settings.intervalMinutes,
      days: weekDays(w.grid, w.holidays),
      intervals: w.grid.intervals.map((d) => d.toISOString()),
      settings,
      queues: w.requirements.queues.map((r, qi) => {
        const { priority: _p, ...queue } = w.queues[qi]!;
        return { queue, model: r.model, contacts: w.contacts[qi]!, ahtSeconds: w.ahtSeconds[qi]!, standalone: r.standalone, agents: r.agents, heads: r.heads, serviceLevel: r.serviceLevel, limitedBy: r.limitedBy, pool: r.pool };
      }),
      pools: w.requirements.pools,
      totals: { contacts: sum(w.contacts), agents: sum(w.requirements.queues.map((q) => q.agents)), heads: sum(w.requirements.queues.map((q) => q.heads)) },
      missingForecast: w.missingForecast,
    };
  });
}
