import { createHmac, timingSafeEqual } from "node:crypto";
import { sql } from "kysely";
import { asBureau } from "../auth/bureau.server";
import type { BureauCtx } from "../bureau/context.server";
import { isLanguage, type Language } from "../i18n/config";
import { diskT } from "../i18n/disk-t.server";
import { db, type Executor } from "../platform/db.server";
import { loadEnv } from "../platform/env.server";
import { withBureauScope } from "../tenancy/scope.server";
import { WfmError } from "./errors";
import { buildIcal, type IcalEvent } from "./ical";
import { ownLeave, ownSwaps } from "./leave.server";
import { readShifts, rosterOfWeek, shiftView } from "./roster-store.server";
import { wfmSettings } from "./settings.server";
import { templateViews } from "./setup.server";
import { weekDays } from "./staffing.server";
import { addDays } from "./time";
import type { MyScheduleView, RosterShiftView } from "./views";
import { isWeekStart, weekGrid, weekMinuteToUtc, weekStartOf } from "./week";

/**
 * The agent's own schedule: the published week (a draft is never shown), the agent's leave and
 * swap requests, colleagues' shifts a swap could target, and the calendar feed (iCal) of published
 * shifts. The feed URL carries an HMAC of the agent id and a version the agent's profile keeps, so
 * it can be handed to a calendar app without a session and revoked by bumping the version.
 */

async function requireAgent(trx: Executor, userId: string) {
  const a = await trx.selectFrom("agents").select("user_id").where("user_id", "=", userId).executeTakeFirst();
  if (!a) throw new WfmError("notAgent");
}

function feedMac(agentId: string, version: number): string {
  return createHmac("sha256", loadEnv().SESSION_SECRET).update(`wfm-ical:${agentId}:${version}`).digest("base64url").slice(0, 32);
}

async function feedVersion(trx: Executor, agentId: string): Promise<number> {
  const row = await trx.selectFrom("wfm_agent_profiles").select("feed_token_version").where("agent_id", "=", agentId).executeTakeFirst();
  return row?.feed_token_version ?? 1;
}

export async function scheduleFeedToken(agentId: string, trx: Executor = db()): Promise<string> {
  return `${agentId}.${feedMac(agentId, await feedVersion(trx, agentId))}`;
}

/** The agent a feed token belongs to, or null (unknown, forged or revoked). */
export async function agentForFeedToken(token: string): Promise<string | null> {
  const m = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{32})$/.exec(token);
  if (!m) return null;
  const [, agentId, mac] = m as unknown as [string, string, string];
  const version = await feedVersion(db(), agentId);
  const expected = Buffer.from(feedMac(agentId, version));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given) ? agentId : null;
}

/** Revokes the agent's feed URL (a new one is made from the next version). */
export async function resetScheduleFeed(ctx: BureauCtx): Promise<string> {
  return asBureau(ctx, "wfm.schedule.own", async (trx) => {
    await requireAgent(trx, ctx.actor.userId);
    await trx
      .insertInto("wfm_agent_profiles")
      .values({ agent_id: ctx.actor.userId, feed_token_version: 2 })
      .onConflict((oc) => oc.column("agent_id").doUpdateSet({ feed_token_version: sql<number>`wfm_agent_profiles.feed_token_version + 1`, updated_at: new Date() }))
      .execute();
    return scheduleFeedToken(ctx.actor.userId, trx);
  });
}

export async function mySchedule(ctx: BureauCtx, weekStart?: string, opts: { now?: Date } = {}): Promise<MyScheduleView> {
  const settings = await wfmSettings();
  const now = opts.now ?? new Date();
  const week = weekStart ?? weekStartOf(now, settings.timeZone);
  if (!isWeekStart(week)) throw new WfmError("weekStart", "week");
  return asBureau(ctx, "wfm.schedule.own", async (trx) => {
    const me = ctx.actor.userId;
    await requireAgent(trx, me);
    const roster = await rosterOfWeek(trx, week, "published");
    const templates = new Map((await templateViews(trx)).map((t) => [t.id, t]));
    let shifts: RosterShiftView[] = [];
    let candidates: MyScheduleView["swapCandidates"] = [];
    if (roster) {
      const all = await readShifts(trx, roster.id);
      shifts = all.filter((s) => s.agentId === me).map((s) => shiftView(s, roster, templates));
      // Swap partners: colleagues who serve a queue this agent serves, their shifts still ahead.
      const myQueues = new Set(roster.input.agents.find((a) => a.id === me)?.queues ?? []);
      const partners = new Set(roster.input.agents.filter((a) => a.id !== me && a.queues.some((q) => myQueues.has(q))).map((a) => a.id));
      const names = partners.size
        ? new Map((await trx.selectFrom("users").select(["id", "name"]).where("id", "in", [...partners]).execute()).map((u) => [u.id, u.name]))
        : new Map<string, string>();
      candidates = all
        .filter((s) => partners.has(s.agentId))
        .map((s) => shiftView(s, roster, templates))
        .filter((s) => Date.parse(s.startsAt) > now.getTime())
        .map((shift) => ({ agentId: shift.agentId, agentName: names.get(shift.agentId) ?? "", shift }))
        .sort((a, b) => a.shift.startsAt.localeCompare(b.shift.startsAt) || a.agentName.localeCompare(b.agentName));
    }
    const grid = weekGrid(week, settings.timeZone, settings.intervalMinutes);
    return {
      agentId: me,
      weekStart: week,
      timeZone: settings.timeZone,
      days: weekDays(grid, new Set()),
      published: roster !== null,
      publishedAt: roster?.publishedAt?.toISOString() ?? null,
      shifts,
      paidMinutes: shifts.reduce((s, x) => s + x.paidMinutes, 0),
      leave: await ownLeave(trx, me, addDays(week, -30)),
      swaps: await ownSwaps(trx, me),
      swapCandidates: candidates,
      icalPath: `/wfm/ical/${await scheduleFeedToken(me, trx)}.ics`,
      feedPath: "/agent/schedule.ics",
    };
  });
}

/**
 * The agent's published shifts from four weeks back on, as iCalendar text in the agent's language
 * (system code: the caller authenticated the agent by session, feed token or bureau API key).
 */
export async function agentIcal(agentId: string, opts: { now?: Date } = {}): Promise<string> {
  const now = opts.now ?? new Date();
  return withBureauScope(async (trx) => {
    const user = await trx.selectFrom("users").select(["name", "locale"]).where("id", "=", agentId).executeTakeFirst();
    const settings = await wfmSettings(trx);
    const bureau = await trx.selectFrom("bureau_settings").select(["name", "default_locale"]).executeTakeFirst();
    const lang: Language = isLanguage(user?.locale) ? user.locale : isLanguage(bureau?.default_locale) ? bureau.default_locale : "fa";
    const t = await diskT(lang, "wfm");
    const rows = await trx
      .selectFrom("wfm_roster_shifts as s")
      .innerJoin("wfm_rosters as r", "r.id", "s.roster_id")
      .select(["s.id", "s.starts_at", "s.ends_at", "s.template_id", "s.breaks", "s.night", "r.version", "r.published_at", sql<string>`to_char(r.week_start, 'YYYY-MM-DD')`.as("week_start"), "r.time_zone"])
      .where("s.agent_id", "=", agentId)
      .where("r.status", "=", "published")
      .where("s.ends_at", ">", new Date(now.getTime() - 28 * 86_400_000))
      .orderBy("s.starts_at")
      .execute();
    const templates = new Map((await templateViews(trx)).map((x) => [x.id, x]));
    const time = (d: Date) => new Intl.DateTimeFormat("en-GB", { timeZone: settings.timeZone, hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
    const events: IcalEvent[] = rows.map((r) => {
      const at = (m: number) => weekMinuteToUtc(r.week_start, m, r.time_zone);
      const breaks = (r.breaks as unknown as { kind: "meal" | "short"; start: number; end: number }[]).map((b) => `${t(`ical.${b.kind}`)} ${time(at(b.start))}-${time(at(b.end))}`);
      const name = templates.get(r.template_id)?.name ?? "";
      return {
        uid: `${r.id}@hamkal-wfm`,
        start: r.starts_at,
        end: r.ends_at,
        summary: t("ical.summary", { template: name }) + (r.night ? ` (${t("ical.night")})` : ""),
        ...(breaks.length ? { description: t("ical.breaks", { list: breaks.join(", ") }) } : {}),
        sequence: r.version,
        ...(r.published_at ? { lastModified: r.published_at } : {}),
      };
    });
    return buildIcal({ prodId: "-//Hamkal//WFM//EN", name: t("ical.calendarName", { name: user?.name ?? bureau?.name ?? "" }), events, now });
  });
}
