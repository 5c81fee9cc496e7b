import { sql } from "kysely";
import { recordAudit } from "../app/modules/auth/audit.server";
import type { Trx } from "../app/modules/platform/db.server";
import { queueRefs } from "../app/modules/wfm/data.server";
import { forecastQueueIn } from "../app/modules/wfm/forecast.server";
import { loadHighs } from "../app/modules/wfm/highs";
import { solveRoster, solveRosterGreedy, type RosterResult } from "../app/modules/wfm/roster";
import { buildRosterInput, storeRoster } from "../app/modules/wfm/roster.server";
import { wfmSettings } from "../app/modules/wfm/settings.server";
import { addDays, localParts, localToUtc } from "../app/modules/wfm/time";
import { weekMinuteToUtc, weekStartOf } from "../app/modules/wfm/week";

/**
 * The demo's workforce management (issue 6), in the seed's bureau-scoped owner transaction, after
 * the 30 days of history: contracts (full time 44 h, part time), shift templates (07-15, 15-23,
 * 23-07, day and partial shifts, a split shift), every agent's contract, forecasts for this week and
 * the next three from the history (with backtests), a PUBLISHED roster for the current week solved
 * by HiGHS with a short budget (the greedy roster if the solver fails), a day and a half of agent
 * states so adherence has something to show, and a few pending leave requests. Each part is
 * skipped when it is already there, so a re-seed changes nothing.
 */

type Actor = { userId: string | null; label: string };

/** The solve budget: a fresh `npm run demo` waits for it. */
const ROSTER_SECONDS = 8;

const CONTRACTS = [
  { key: "full-time", name: "تمام‌وقت (۴۴ ساعت)", max_weekly_minutes: 2640, target_weekly_minutes: 2640, min_shift_minutes: 480, max_shift_minutes: 540, max_night_shifts: 3, min_rest_minutes: 720, min_days_off: 1 },
  { key: "part-time", name: "پاره‌وقت (۲۴ ساعت)", max_weekly_minutes: 1440, target_weekly_minutes: 1200, min_shift_minutes: 240, max_shift_minutes: 300, max_night_shifts: 0, min_rest_minutes: 720, min_days_off: 2 },
];

const h = (hours: number) => hours * 60;
const brk = (kind: "meal" | "short", durationMinutes: number, from: number, to: number) => ({ kind, durationMinutes, earliestStartOffset: h(from), latestEndOffset: h(to) });
/** An 8-hour shift: a 30-minute meal in its middle and a 15-minute break in each half. */
const eight = [brk("short", 15, 1, 3), brk("meal", 30, 3, 5.5), brk("short", 15, 5.5, 7.5)];

const TEMPLATES = [
  { key: "morning", name: "صبح ۰۷–۱۵", segments: [{ startMinute: h(7), durationMinutes: h(8) }], breaks: eight },
  { key: "day", name: "روز ۰۹–۱۷", segments: [{ startMinute: h(9), durationMinutes: h(8) }], breaks: eight },
  { key: "midday", name: "میانه ۱۲–۲۰", segments: [{ startMinute: h(12), durationMinutes: h(8) }], breaks: eight },
  { key: "evening", name: "عصر ۱۵–۲۳", segments: [{ startMinute: h(15), durationMinutes: h(8) }], breaks: eight },
  { key: "night", name: "شب ۲۳–۰۷", segments: [{ startMinute: h(23), durationMinutes: h(8) }], breaks: eight },
  { key: "split", name: "دوپاره ۰۸–۱۲ و ۱۶–۲۰", segments: [{ startMinute: h(8), durationMinutes: h(4) }, { startMinute: h(16), durationMinutes: h(4) }], breaks: [brk("short", 15, 1, 3.5), brk("short", 15, 8.5, 11.5)] },
  { key: "partial-am", name: "پاره‌وقت صبح ۰۸–۱۲", segments: [{ startMinute: h(8), durationMinutes: h(4) }], breaks: [brk("short", 15, 1, 3.5)] },
  { key: "partial-pm", name: "پاره‌وقت عصر ۱۶–۲۰", segments: [{ startMinute: h(16), durationMinutes: h(4) }], breaks: [brk("short", 15, 1, 3.5)] },
];

/** Every fourth agent works part time; the rest full time. */
const isPartTime = (i: number) => i % 4 === 3;

const LEAVE = [
  { agent: 1, days: [2, 3], kind: "annual", reason: "سفر خانوادگی به مشهد" },
  { agent: 4, days: [5], kind: "sick", reason: "نوبت پزشک و آزمایش" },
  { agent: 6, days: [1], kind: "other", reason: "مراسم فارغ‌التحصیلی", hours: [h(8), h(13)] },
];

export async function seedWfm(trx: Trx, actor: Actor, opts: { now?: Date; log?: (line: string) => void } = {}): Promise<{ forecasts: number; shifts: number } | null> {
  const now = opts.now ?? new Date();
  const log = opts.log ?? (() => {});
  const started = Date.now();
  const settings = await wfmSettings(trx);
  const weekStart = weekStartOf(now, settings.timeZone);

  // Contracts and templates.
  if (!(await trx.selectFrom("wfm_contracts").select("id").limit(1).executeTakeFirst())) {
    await trx.insertInto("wfm_shift_templates").values(TEMPLATES.map((t) => ({ key: t.key, name: t.name, segments: JSON.stringify(t.segments), breaks: JSON.stringify(t.breaks) }))).execute();
    const templates = await trx.selectFrom("wfm_shift_templates").select(["id", "key"]).execute();
    const ids = (keys: string[]) => templates.filter((t) => keys.includes(t.key)).map((t) => t.id);
    await trx
      .insertInto("wfm_contracts")
      .values([
        { ...CONTRACTS[0]!, template_ids: ids(["morning", "day", "midday", "evening", "night", "split"]) },
        { ...CONTRACTS[1]!, template_ids: ids(["partial-am", "partial-pm"]) },
      ])
      .execute();
    await recordAudit(trx, { tenantId: null, actor, action: "wfm.contract.created", data: { contracts: CONTRACTS.map((c) => c.key), templates: TEMPLATES.map((t) => t.key) } });
  }

  // Every agent gets a contract (agents who already have a profile keep it).
  const contracts = await trx.selectFrom("wfm_contracts").select(["id", "key"]).execute();
  const full = contracts.find((c) => c.key === "full-time")?.id;
  const part = contracts.find((c) => c.key === "part-time")?.id;
  const agents = await trx.selectFrom("agents").select(["user_id", "employee_code"]).orderBy("employee_code").execute();
  if (!full || !part || agents.length === 0) return null;
  const templates = await trx.selectFrom("wfm_shift_templates").select(["id", "key"]).execute();
  const tid = (key: string) => templates.find((t) => t.key === key)?.id;
  await trx
    .insertInto("wfm_agent_profiles")
    .values(
      agents.map((a, i) => ({
        agent_id: a.user_id,
        contract_id: isPartTime(i) ? part : full,
        // A couple of preferences, so the solver has some to honour.
        preferences: JSON.stringify(i === 0 ? { templates: { [tid("morning") ?? "x"]: 2 }, daysOff: [6] } : i === 2 ? { templates: { [tid("evening") ?? "x"]: -2 } } : {}),
        unavailable: JSON.stringify(i === 5 ? [{ day: 4, fromMinute: 0, toMinute: h(12) }] : []),
      })),
    )
    .onConflict((oc) => oc.column("agent_id").doNothing())
    .execute();

  // Forecasts: the current roster week and the next three, from the history before it.
  let forecasts = 0;
  if (!(await trx.selectFrom("wfm_forecast_models").select("queue_id").limit(1).executeTakeFirst())) {
    const horizon = localToUtc(weekStart, 0, settings.timeZone);
    for (const q of await queueRefs(trx, { now })) {
      const r = await forecastQueueIn(trx, q, horizon, 4, settings.intervalMinutes, null);
      forecasts += r.intervals;
    }
  }

  // This week's roster, published.
  let shifts = 0;
  const existing = await trx.selectFrom("wfm_rosters").select("id").where("week_start", "=", sql<Date>`${weekStart}::date`).limit(1).executeTakeFirst();
  if (!existing) {
    const built = await buildRosterInput(trx, weekStart, { now });
    const highs = await loadHighs();
    let result: RosterResult;
    let solver: "highs" | "greedy" = "highs";
    try {
      result = await solveRoster(built.input, { highs, timeLimitSeconds: ROSTER_SECONDS });
    } catch {
      result = solveRosterGreedy(built.input, highs);
      solver = "greedy";
    }
    const rosterId = await storeRoster(trx, { weekStart, timeZone: settings.timeZone, input: built.input, result, solver, runId: null, createdBy: actor.userId });
    await trx.updateTable("wfm_rosters").set({ status: "published", published_at: now, published_by: actor.userId }).where("id", "=", rosterId).execute();
    await recordAudit(trx, { tenantId: null, actor, action: "wfm.roster.published", target: { type: "wfm_roster", id: rosterId }, data: { weekStart, shifts: result.shifts.length, solver, demo: true } });
    shifts = result.shifts.length;
    await seedStates(trx, rosterId, weekStart, settings.timeZone, now);
  }

  // Pending leave for next week (one approved, so the next roster run shows it respected).
  if (!(await trx.selectFrom("wfm_leave_requests").select("id").limit(1).executeTakeFirst())) {
    const next = addDays(weekStart, 7);
    for (const [n, l] of LEAVE.entries()) {
      const a = agents[l.agent % agents.length]!;
      await trx
        .insertInto("wfm_leave_requests")
        .values({
          agent_id: a.user_id,
          kind: l.kind,
          from_date: addDays(next, l.days[0]!),
          to_date: addDays(next, l.days[l.days.length - 1]!),
          from_minute: l.hours?.[0] ?? null,
          to_minute: l.hours?.[1] ?? null,
          reason: l.reason,
          ...(n === 1 ? { status: "approved", decided_by: actor.userId, decided_at: now, decision_reason: "با گواهی پزشک" } : {}),
          created_at: new Date(now.getTime() - (n + 1) * 3_600_000),
        })
        .execute();
    }
  }
  log(`seeded WFM: ${forecasts} forecast intervals, a published roster of ${shifts} shifts for the week of ${weekStart} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { forecasts, shifts };
}

/**
 * Agent states that follow the published roster, mostly: for the shifts that started before now
 * this week, log-in a few minutes late or early, breaks taken around their slot, now and then an
 * agent offline for a while. Agents with any recorded state (the billing demo's dedicated agent)
 * are left alone. Deterministic.
 */
async function seedStates(trx: Trx, rosterId: string, weekStart: string, timeZone: string, now: Date) {
  const recorded = new Set((await trx.selectFrom("agent_state_events").select("agent_id").distinct().execute()).map((r) => r.agent_id));
  const shifts = await trx.selectFrom("wfm_roster_shifts").select(["agent_id", "segments", "breaks", "starts_at"]).where("roster_id", "=", rosterId).where("starts_at", "<", now).orderBy("starts_at").execute();
  const today = localParts(now, timeZone).date;
  const from = localToUtc(addDays(today, -1), 0, timeZone);
  const events: { agent_id: string; state: string; previous: string | null; at: Date; reason: string | null }[] = [];
  let k = 0;
  for (const s of shifts) {
    if (recorded.has(s.agent_id) || s.starts_at < from) continue;
    const at = (m: number, jitter: number) => new Date(Math.min(now.getTime(), weekMinuteToUtc(weekStart, m, timeZone).getTime() + jitter * 60_000));
    const segments = s.segments as unknown as { start: number; end: number }[];
    const breaks = s.breaks as unknown as { kind: string; start: number; end: number }[];
    const late = [2, -3, 9, 0, 4, 12][k++ % 6]!;
    const push = (state: string, previous: string | null, t: Date, reason: string | null = null) => {
      if (t.getTime() < now.getTime()) events.push({ agent_id: s.agent_id, state, previous, at: t, reason });
    };
    for (const g of segments) {
      push("available", "offline", at(g.start, late));
      for (const b of breaks.filter((x) => x.start >= g.start && x.end <= g.end)) {
        push("break", "available", at(b.start, k % 3), b.kind === "meal" ? "lunch" : "rest");
        push("available", "break", at(b.end, (k % 4) + 1));
      }
      push("offline", "available", at(g.end, -(k % 5)));
    }
  }
  for (let i = 0; i < events.length; i += 500) await trx.insertInto("agent_state_events").values(events.slice(i, i + 500)).execute();
}
