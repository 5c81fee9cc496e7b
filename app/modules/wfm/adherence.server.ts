import { sql } from "kysely";
import { asBureau } from "../auth/bureau.server";
import type { BureauCtx } from "../bureau/context.server";
import type { Executor } from "../platform/db.server";
import { adherenceFor, outOfAdherenceNow as liveOutOfAdherence, type ScheduledShift, type StateChange } from "./adherence";
import { WfmError } from "./errors";
import { wfmSettings } from "./settings.server";
import { addDays, DATE_RE, localToUtc } from "./time";
import type { AdherenceDayView, OutOfAdherenceView } from "./views";
import { weekMinuteToUtc } from "./week";

/**
 * Adherence from the record: published shifts (segments and breaks) against agent_state_events, the
 * ACD's log of every state change. The day is the bureau's local day; a day in progress is judged
 * up to now only. The pure definitions are in adherence.ts.
 */

type ShiftOfAgent = ScheduledShift & { agentId: string; id: string };

/** Published shifts overlapping [from, to), in epoch ms. */
async function publishedShifts(trx: Executor, from: Date, to: Date, agentId?: string): Promise<ShiftOfAgent[]> {
  const rows = await trx
    .selectFrom("wfm_roster_shifts as s")
    .innerJoin("wfm_rosters as r", "r.id", "s.roster_id")
    .select(["s.id", "s.agent_id", "s.segments", "s.breaks", sql<string>`to_char(r.week_start, 'YYYY-MM-DD')`.as("week_start"), "r.time_zone"])
    .where("r.status", "=", "published")
    .where("s.starts_at", "<", to)
    .where("s.ends_at", ">", from)
    .$if(agentId !== undefined, (q) => q.where("s.agent_id", "=", agentId!))
    .execute();
  return rows.map((r) => {
    const ms = (m: number) => weekMinuteToUtc(r.week_start, m, r.time_zone).getTime();
    return {
      id: r.id,
      agentId: r.agent_id,
      segments: (r.segments as unknown as { start: number; end: number }[]).map((g) => ({ start: ms(g.start), end: ms(g.end) })),
      breaks: (r.breaks as unknown as { kind: "meal" | "short"; start: number; end: number }[]).map((b) => ({ kind: b.kind, start: ms(b.start), end: ms(b.end) })),
    };
  });
}

/** State changes in the window and the state in force at its start, per agent. */
async function stateHistory(trx: Executor, agentIds: readonly string[], from: Date, to: Date) {
  const changes = new Map<string, StateChange[]>();
  const initial = new Map<string, string>();
  if (agentIds.length === 0) return { changes, initial };
  const ids = [...agentIds];
  const { rows: before } = await sql<{ agent_id: string; state: string }>`
    select a.id as agent_id, e.state
    from unnest(${ids}::uuid[]) as a(id)
    cross join lateral (
      select state from agent_state_events where agent_id = a.id and at < ${from} order by at desc, id desc limit 1
    ) e`.execute(trx);
  for (const r of before) initial.set(r.agent_id, r.state);
  const rows = await trx.selectFrom("agent_state_events").select(["agent_id", "state", "at"]).where("agent_id", "in", ids).where("at", ">=", from).where("at", "<", to).orderBy("at").orderBy("id").execute();
  for (const r of rows) {
    const list = changes.get(r.agent_id) ?? [];
    list.push({ at: r.at.getTime(), state: r.state });
    changes.set(r.agent_id, list);
  }
  return { changes, initial };
}

export async function adherenceDay(ctx: BureauCtx, date: string, opts: { agentId?: string; now?: Date } = {}): Promise<AdherenceDayView> {
  if (!DATE_RE.test(date)) throw new WfmError("date", "date");
  const settings = await wfmSettings();
  const now = opts.now ?? new Date();
  const from = localToUtc(date, 0, settings.timeZone);
  const to = localToUtc(addDays(date, 1), 0, settings.timeZone);
  return asBureau(ctx, "wfm.read", async (trx) => {
    const shifts = await publishedShifts(trx, from, to, opts.agentId);
    const agentIds = [...new Set([...shifts.map((s) => s.agentId), ...(opts.agentId ? [opts.agentId] : [])])];
    const names = agentIds.length ? new Map((await trx.selectFrom("users").select(["id", "name"]).where("id", "in", agentIds).execute()).map((u) => [u.id, u.name])) : new Map<string, string>();
    const { changes, initial } = await stateHistory(trx, agentIds, from, to);
    const published = (await trx.selectFrom("wfm_rosters").select("id").where("status", "=", "published").where("week_start", "<=", sql<Date>`${date}::date`).where("week_start", ">", sql<Date>`${addDays(date, -7)}::date`).executeTakeFirst()) !== undefined;
    const agents = agentIds
      .map((agentId) => {
        const r = adherenceFor({
          shifts: shifts.filter((s) => s.agentId === agentId),
          states: changes.get(agentId) ?? [],
          initialState: initial.get(agentId) ?? null,
          from: from.getTime(),
          to: to.getTime(),
          intervalMinutes: settings.intervalMinutes,
          until: now.getTime(),
        });
        return {
          agentId,
          agentName: names.get(agentId) ?? "",
          date,
          scheduledMinutes: r.scheduledMinutes,
          scheduledWorkMinutes: r.scheduledWorkMinutes,
          inAdherenceMinutes: r.inAdherenceMinutes,
          workedMinutes: r.workedMinutes,
          adherence: r.adherence,
          conformance: r.conformance,
          intervals: r.intervals.map((iv) => ({ start: new Date(iv.start).toISOString(), scheduled: iv.scheduled, actual: iv.actual, adherentMinutes: iv.adherentMinutes, scheduledMinutes: iv.scheduledMinutes })),
        };
      })
      .sort((a, b) => (a.adherence ?? 2) - (b.adherence ?? 2) || a.agentName.localeCompare(b.agentName));
    const scheduled = agents.reduce((s, a) => s + a.scheduledMinutes, 0);
    const adherent = agents.reduce((s, a) => s + a.inAdherenceMinutes, 0);
    const work = agents.reduce((s, a) => s + a.scheduledWorkMinutes, 0);
    const worked = agents.reduce((s, a) => s + (a.scheduledWorkMinutes > 0 ? a.workedMinutes : 0), 0);
    return {
      date,
      timeZone: settings.timeZone,
      intervalMinutes: settings.intervalMinutes,
      agents,
      totals: { scheduledMinutes: scheduled, inAdherenceMinutes: adherent, adherence: scheduled > 0 ? adherent / scheduled : null, conformance: work > 0 ? worked / work : null },
      published,
    };
  });
}

export async function outOfAdherenceNow(ctx: BureauCtx, opts: { now?: Date; toleranceMinutes?: number } = {}): Promise<OutOfAdherenceView> {
  const now = opts.now ?? new Date();
  const tolerance = opts.toleranceMinutes ?? 5;
  return asBureau(ctx, "wfm.read", async (trx) => {
    const shifts = await publishedShifts(trx, new Date(now.getTime() - 1), new Date(now.getTime() + 1));
    const agentIds = [...new Set(shifts.map((s) => s.agentId))];
    if (agentIds.length === 0) return { at: now.toISOString(), toleranceMinutes: tolerance, rows: [], scheduledNow: 0 };
    const states = await trx.selectFrom("agent_states").select(["agent_id", "state", "since"]).where("agent_id", "in", agentIds).execute();
    const stateOf = new Map(states.map((s) => [s.agent_id, s]));
    const names = new Map((await trx.selectFrom("users").select(["id", "name"]).where("id", "in", agentIds).execute()).map((u) => [u.id, u.name]));
    const live = agentIds.map((agentId) => {
      const s = stateOf.get(agentId);
      // No state row: the agent never logged in, offline since the beginning of time.
      return { agentId, state: s?.state ?? "offline", stateSince: s?.since.getTime() ?? 0, shifts: shifts.filter((x) => x.agentId === agentId) };
    });
    const rows = liveOutOfAdherence(live, now.getTime(), tolerance).map((r) => ({
      agentId: r.agentId,
      agentName: names.get(r.agentId) ?? "",
      scheduled: r.scheduled,
      state: r.state,
      actual: r.actual,
      since: new Date(r.since).toISOString(),
      minutes: r.minutes,
      shiftId: r.shiftId,
    }));
    const scheduledNow = live.filter((a) => a.shifts.some((s) => s.segments.some((g) => g.start <= now.getTime() && now.getTime() < g.end))).length;
    return { at: now.toISOString(), toleranceMinutes: tolerance, rows, scheduledNow };
  });
}
