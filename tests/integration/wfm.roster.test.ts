import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBureauApiKey } from "~/modules/auth/api-keys.server";
import { renderMail } from "~/modules/mail/templates.server";
import { closeQueues, queue } from "~/modules/platform/queues.server";
import { closeHub, subscribe, type Delivery } from "~/modules/realtime/bus.server";
import { agentChannel } from "~/modules/realtime/channels";
import { decideLeave, decideSwap, requestLeave, requestSwap, respondSwap } from "~/modules/wfm/leave.server";
import { editRoster, handleRosterRun, publishRoster, rosterWeek, startRosterRun } from "~/modules/wfm/roster.server";
import { mySchedule } from "~/modules/wfm/schedule.server";
import { withBureauScope } from "~/modules/tenancy/scope.server";
import { addDays } from "~/modules/wfm/time";
import type { RosterShiftView, RosterWeekView } from "~/modules/wfm/views";
import { loader as agentIcsLoader } from "~/routes/agent.schedule[.]ics";
import { loader as apiIcsLoader } from "~/routes/api.v1.wfm.agents.$agentId.schedule[.]ics";
import { loader as rosterApiLoader } from "~/routes/api.v1.wfm.roster";
import { loader as feedLoader } from "~/routes/wfm.ical.$token";
import { closeFactories } from "../setup/factories";
import { get, signIn, staffCtx } from "./bureau.helpers";
import { args } from "./portal.helpers";
import { owner } from "./routing.helpers";
import { ctxOf, waitForRun, wfmWorld } from "./wfm.helpers";

/**
 * The roster end to end: the job builds the week from forecast, agents and contracts, solves it in
 * its thread with progress on the run row, stores a draft with zero hard violations; the planner's
 * edits are refused for a broken rule and accepted with new coverage; publishing notifies the
 * agents; approved leave takes the agent's shift out of the published roster with the holes it
 * leaves, and the next roster run respects it; swaps; the iCal feed.
 */
const WEEK = "2031-03-01";
let world: Awaited<ReturnType<typeof wfmWorld>>;
let planner: Awaited<ReturnType<typeof staffCtx>>;
let rosterId: string;
let view: RosterWeekView;

afterAll(async () => {
  await closeHub();
  await closeQueues();
  await owner.destroy();
  await closeFactories();
});

beforeAll(async () => {
  world = await wfmWorld({ weekStart: WEEK, agents: 4, perInterval: 2 });
  planner = await staffCtx(["wfm_planner"]);
});

// The roster is the bureau's: agents of other files' worlds running at the same time are in it too.
const ours = (v: RosterWeekView) => v.agents.filter((a) => world.agents.some((w) => w.id === a.agentId));
const shiftsOf = (v: RosterWeekView, agentId: string) => v.agents.find((a) => a.agentId === agentId)!.days.filter((d): d is RosterShiftView => d !== null);

describe("the roster job", () => {
  it("solves the week with progress recorded as it goes and stores a draft without hard violations", async () => {
    const { runId } = await startRosterRun(planner, { weekStart: WEEK, timeLimitSeconds: 4 });
    expect(await queue("wfm.roster").getJob(`wfm-roster-${runId}`)).toBeTruthy();
    // Run here; should a workers process of another test file take the job first, this returns at once.
    const running = handleRosterRun(runId);
    const { run, seen } = await waitForRun(runId);
    await running;
    expect(run.status).toBe("done");
    expect(run.progress).toBe(1);
    // Progress was on the row while the solver worked, not only at the end.
    const during = seen.filter((s) => s.status === "running" && s.progress > 0 && s.progress < 1);
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during.map((s) => s.phase)).size).toBeGreaterThanOrEqual(1);
    expect(run.result).toMatchObject({ kind: "roster", hardViolations: 0, solver: "highs" });
    rosterId = run.rosterId!;
    view = (await rosterWeek(planner, { rosterId }))!;
    expect(view.roster.status).toBe("draft");
    expect(view.report.hardViolations).toEqual([]);
    expect(view.report.lpBound).toBeGreaterThan(0);
    expect(Number.isFinite(view.report.gapToLpBound)).toBe(true);
    expect(ours(view).map((a) => a.agentId).sort()).toEqual(world.agents.map((a) => a.id).sort());
    expect(view.agents.every((a) => a.paidMinutes <= 2640)).toBe(true);
    const shifts = ours(view).flatMap((a) => a.days.filter(Boolean));
    expect(shifts.length).toBeGreaterThanOrEqual(12);
    expect(view.coverage.intervals).toHaveLength(336);
    const covered = view.coverage.queues.filter((q) => world.queues.some((w) => w.id === q.queueId));
    expect(covered).toHaveLength(2);
    expect(covered.reduce((s, q) => s + q.staffed.reduce((a, b) => a + b, 0), 0)).toBeGreaterThan(0);
  });

  it("refuses a hand edit that breaks a rule, with the localized reason", async () => {
    const agent = ours(view).find((a) => a.days.some(Boolean))!;
    const day = agent.days.findIndex(Boolean);
    const r = await editRoster(planner, rosterId, { kind: "add", agentId: agent.agentId, day, templateId: world.rules.evening });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.violations[0]).toMatchObject({ code: "twoShiftsOneDay", messageKey: "wfm:roster.errors.twoShiftsOneDay", agentId: agent.agentId, day });
    const unchanged = (await rosterWeek(planner, { rosterId }))!;
    expect(unchanged.roster.edits).toBe(0);
  });

  it("previews, then applies, an edit and returns the new coverage", async () => {
    const agent = ours(view).find((a) => a.days.some(Boolean))!;
    const shift = agent.days.find(Boolean)!;
    const before = view.coverage.totals.staffed.reduce((a, b) => a + b, 0);
    const preview = await editRoster(planner, rosterId, { kind: "remove", shiftId: shift.id }, { preview: true });
    expect(preview.ok && preview.preview).toBe(true);
    expect((await rosterWeek(planner, { rosterId }))!.roster.edits).toBe(0);
    const r = await editRoster(planner, rosterId, { kind: "remove", shiftId: shift.id });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.removed).toEqual([shift.id]);
    const after = r.coverage.totals.staffed.reduce((a, b) => a + b, 0);
    expect(after).toBeLessThan(before);
    // Put it back (an add is checked like any edit) so the rest of the file has a full week.
    const back = await editRoster(planner, rosterId, { kind: "add", agentId: agent.agentId, day: shift.day, templateId: shift.templateId });
    expect(back.ok).toBe(true);
    view = (await rosterWeek(planner, { rosterId }))!;
    expect(view.roster.edits).toBe(2);
    expect(view.report.hardViolations).toEqual([]);
  });

  it("publishes (audited), notifying every rostered agent on the agent channel and by mail", async () => {
    const agentId = ours(view).find((a) => a.days.some(Boolean))!.agentId;
    const got: Delivery[] = [];
    const sub = subscribe([agentChannel(agentId)], (d) => got.push(d));
    await sub.ready;
    const r = await publishRoster(planner, rosterId);
    const rostered = view.agents.filter((a) => a.days.some(Boolean)).length;
    expect(ours(view).every((a) => a.days.some(Boolean))).toBe(true);
    expect(r.notified).toBe(rostered);
    expect(r.mailed).toBe(rostered);
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((res) => setTimeout(res, 50));
    sub();
    expect(got[0]!.event).toMatchObject({ type: "schedule.published", rosterId, weekStart: WEEK, shifts: shiftsOf(view, agentId).length });
    const audit = await owner.selectFrom("bureau_audit_log").select(["action", "target_id"]).where("action", "=", "wfm.roster.published").where("target_id", "=", rosterId).executeTakeFirst();
    expect(audit).toBeTruthy();
    expect((await publishRoster(planner, rosterId)).notified).toBe(0); // publishing twice changes nothing
    // The mail the job renders, in Persian with Jalali dates.
    const user = await owner.selectFrom("users").select(["email", "name"]).where("id", "=", agentId).executeTakeFirstOrThrow();
    const mine = shiftsOf(view, agentId);
    const mail = await renderMail({ template: "schedulePublished", to: user.email, locale: "fa", name: user.name, rosterId, agentId, weekStart: WEEK, timeZone: "Asia/Tehran", shifts: mine.map((s) => ({ startsAt: s.startsAt, endsAt: s.endsAt, template: s.templateName, night: s.night })), paidMinutes: 480 * mine.length });
    expect(mail.subject).toContain("۱۴۰۹"); // 2031-03-01 is in Esfand 1409
    expect(mail.text).toContain("/agent/schedule?week=2031-03-01");
  });

  it("shows the published week to the agent, and exports it as iCal (session, feed token, bureau key)", async () => {
    const agentId = ours(view).find((a) => a.days.some(Boolean))!.agentId;
    const mine = await mySchedule(await ctxOf(agentId), WEEK);
    expect(mine.published).toBe(true);
    expect(mine.shifts.map((s) => s.id).sort()).toEqual(shiftsOf(view, agentId).map((s) => s.id).sort());
    const check = async (res: Response) => {
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/calendar");
      const text = await res.text();
      expect(text.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
      for (const s of mine.shifts) {
        expect(text).toContain(`UID:${s.id}@hamkal-wfm\r\n`);
        expect(text).toContain(`DTSTART:${s.startsAt.replace(/[-:]/g, "").replace(/\.\d{3}/, "")}\r\n`);
      }
      return text;
    };
    const cookie = await signIn(agentId, "fa");
    await check(await agentIcsLoader(args(get("/agent/schedule.ics", cookie))));
    const token = mine.icalPath.replace(/^\/wfm\/ical\//, "");
    await check(await feedLoader(args(new Request(`http://localhost${mine.icalPath}`), { token })));
    await expect(feedLoader(args(new Request("http://localhost/wfm/ical/x.ics"), { token: `${agentId}.${"A".repeat(32)}.ics` }))).rejects.toMatchObject({ status: 404 });
    const admin = await staffCtx(["bureau_admin"]);
    const key = (await withBureauScope((trx) => createBureauApiKey(trx, { name: "wfm", scopes: ["wfm:read"] }, { userId: admin.userId, label: "t" }))).token;
    const auth = (path: string) => new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${key}` } });
    await check(await apiIcsLoader(args(auth(`/api/v1/wfm/agents/${agentId}/schedule.ics`), { agentId })));
    const api = await rosterApiLoader(args(auth(`/api/v1/wfm/roster?week=${addDays(WEEK, 3)}&agent=${agentId}`)));
    expect(api.status).toBe(200);
    const body = (await api.json()) as { data: { rosterId: string; agents: { id: string; shifts: unknown[] }[] } };
    expect(body.data.rosterId).toBe(rosterId);
    expect(body.data.agents).toHaveLength(1);
    expect(body.data.agents[0]!.shifts).toHaveLength(mine.shifts.length);
  });
});

describe("leave and swaps against the published roster", () => {
  it("approved leave removes the agent's shift, reports the holes, and the next roster respects it", async () => {
    const agent = ours(view).find((a) => a.days.some(Boolean))!;
    const shift = agent.days.find(Boolean)!;
    const agentCtx = await ctxOf(agent.agentId);
    const leave = await requestLeave(agentCtx, { kind: "annual", fromDate: shift.date, toDate: shift.date, reason: "family" });
    expect(leave.status).toBe("pending");
    expect(leave.affectedShifts.map((s) => s.id)).toEqual([shift.id]);
    await expect(requestLeave(agentCtx, { kind: "sick", fromDate: shift.date, toDate: shift.date, reason: "again" })).rejects.toMatchObject({ code: "leaveOverlap" });
    await expect(decideLeave(planner, leave.id, { approve: false, reason: "" })).rejects.toMatchObject({ code: "reasonRequired" });
    const decided = await decideLeave(planner, leave.id, { approve: true, reason: "ok" });
    expect(decided.request.status).toBe("approved");
    expect(decided.removedShifts).toEqual([shift.id]);
    // The roster was short already: taking a shift out opens holes where that agent was staffed.
    expect(decided.holes.length).toBeGreaterThan(0);
    expect(decided.holes.every((h) => h.staffed < h.required && world.queues.some((q) => q.id === h.queueId))).toBe(true);
    const published = (await rosterWeek(planner, { rosterId }))!;
    expect(published.agents.find((a) => a.agentId === agent.agentId)!.days[shift.day]).toBeNull();
    expect(published.agents.find((a) => a.agentId === agent.agentId)!.leaveDays).toEqual([shift.day]);
    await expect(decideLeave(planner, leave.id, { approve: true, reason: "" })).rejects.toMatchObject({ code: "notPending" });

    const { runId } = await startRosterRun(planner, { weekStart: WEEK, timeLimitSeconds: 3 });
    const running = handleRosterRun(runId);
    const { run } = await waitForRun(runId);
    await running;
    expect(run.status).toBe("done");
    const next = (await rosterWeek(planner, { rosterId: run.rosterId! }))!;
    expect(next.roster.version).toBe(2);
    expect(next.report.hardViolations).toEqual([]);
    expect(next.agents.find((a) => a.agentId === agent.agentId)!.days[shift.day]).toBeNull();
  });

  it("a swap the colleague accepted is applied by the planner under every rule", async () => {
    const current = (await rosterWeek(planner, { rosterId }))!;
    // A pair of shifts whose exchange the rules allow (checked with a preview).
    let pair: [RosterShiftView, RosterShiftView] | null = null;
    const all = current.agents.flatMap((a) => a.days.filter((d): d is RosterShiftView => d !== null));
    for (const x of all) {
      for (const y of all) {
        if (pair || x.agentId === y.agentId || x.day === y.day) continue;
        const p = await editRoster(planner, rosterId, { kind: "swap", shiftId: x.id, otherShiftId: y.id }, { preview: true });
        if (p.ok) pair = [x, y];
      }
      if (pair) break;
    }
    expect(pair).not.toBeNull();
    const [mine, theirs] = pair!;
    const swap = await requestSwap(await ctxOf(mine.agentId), { shiftId: mine.id, colleagueShiftId: theirs.id, reason: "exam" });
    expect(swap).toMatchObject({ status: "pending", colleagueId: theirs.agentId, colleagueAcceptedAt: null });
    await expect(decideSwap(planner, swap.id, { approve: true, reason: "" })).rejects.toMatchObject({ code: "swapNotAccepted" });
    await expect(respondSwap(await ctxOf(mine.agentId), swap.id, true)).rejects.toThrow(/not found/);
    const accepted = await respondSwap(await ctxOf(theirs.agentId), swap.id, true);
    expect(accepted.colleagueAcceptedAt).not.toBeNull();
    const decided = await decideSwap(planner, swap.id, { approve: true, reason: "fine" });
    expect(decided.ok).toBe(true);
    const after = (await rosterWeek(planner, { rosterId }))!;
    expect(after.agents.find((a) => a.agentId === theirs.agentId)!.days[mine.day]?.id).toBe(mine.id);
    expect(after.agents.find((a) => a.agentId === mine.agentId)!.days[theirs.day]?.id).toBe(theirs.id);
    expect(after.report.hardViolations).toEqual([]);
  });
});
