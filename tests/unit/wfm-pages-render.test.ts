import i18next from "i18next";
import { createElement, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
// Remix renders pages through react-router's static data router; so does this test (no HTTP server).
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { parseCalculator } from "~/modules/wfm/pages-forms";
import { i18nOptions, type Language } from "~/modules/i18n/config";
import { resources } from "~/modules/i18n/resources";
import type { MyScheduleView, RosterAgentRow, RosterReportView, RosterShiftView, ShiftTemplateView, WfmQueueRef, WfmRunView } from "~/modules/wfm/views";
import MySchedule from "~/routes/agent.schedule";
import AdherenceTab from "~/routes/bureau.wfm.adherence";
import LeaveTab from "~/routes/bureau.wfm.leave";
import RosterTab from "~/routes/bureau.wfm.roster";
import StaffingTab from "~/routes/bureau.wfm.staffing";
import TenantStaffing from "~/routes/t.$slug.staffing";

/**
 * The WFM pages rendered on the server in each language from loader data shaped as the loaders
 * shape it: every string from the locales (no raw keys), Persian digits and Jalali dates in
 * Persian, charts only in the browser with their tables always in the HTML, and logical CSS.
 */

const WEEK = "2026-11-21";
const TZ = "Asia/Tehran";
const Q1 = "11111111-1111-4111-8111-111111111111";
const A1 = "22222222-2222-4222-8222-222222222221";
const A2 = "22222222-2222-4222-8222-222222222222";
const R1 = "33333333-3333-4333-8333-333333333333";
const T1 = "44444444-4444-4444-8444-444444444444";
const D = 1440;

async function render(lang: Language, path: string, Component: ComponentType, data: object) {
  const i18n = i18next.createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: lang, resources });
  const routes = [{ id: "root", path: "/", loader: () => ({ csrf: "token" }), children: [{ id: "page", path: path.slice(1).split("?")[0], loader: () => data, Component }] }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(`http://localhost${path}`));
  if (context instanceof Response) throw new Error("unexpected response");
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })));
}

/** A key that failed to translate shows itself: none of ours may reach the page. */
const rawKey = /\b(console|agent|portal|grid|runs|roster|staffing|leave|requests|adherence)\.[a-zA-Z]+\.|\bwfm:/;
const physical = /margin-left|margin-right|padding-left|padding-right|text-align:\s*(left|right)|[^-]\bleft:|[^-]\bright:/;
const latinDigits = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    // Codes and API paths stay as they are, in every language.
    .replace(/POST \/api\/v1\/wfm\/staffing|\.ics|MAPE|WAPE/g, "")
    .match(/[0-9]+/g) ?? [];

const queue: WfmQueueRef = { queueId: Q1, tenantId: T1, tenantName: "آوای همراه", tenantSlug: "avaye-hamrah", queueKey: "general", queueName: "عمومی", slTarget: 0.8, slThresholdSeconds: 20, timeZone: TZ, patienceSeconds: null };

function shift(id: string, agentId: string, day: number, startMinute: number, night = false): RosterShiftView {
  const start = day * D + startMinute;
  const date = new Date(Date.parse(`${WEEK}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);
  const iso = (m: number) => new Date(Date.parse(`${WEEK}T00:00:00+03:30`) + m * 60_000).toISOString();
  return {
    id,
    agentId,
    day,
    date,
    templateId: "55555555-5555-4555-8555-555555555555",
    templateName: night ? "شبانه" : "صبح",
    startsAt: iso(start),
    endsAt: iso(start + 480),
    segments: [{ start, end: start + 480, startsAt: iso(start), endsAt: iso(start + 480) }],
    breaks: [{ kind: "meal", start: start + 240, end: start + 270, startsAt: iso(start + 240), endsAt: iso(start + 270) }],
    paidMinutes: 480,
    night,
    edited: false,
  };
}

const s1 = shift("66666666-6666-4666-8666-666666666661", A1, 0, 420);
const s2 = shift("66666666-6666-4666-8666-666666666662", A1, 1, 23 * 60, true);
const s3 = shift("66666666-6666-4666-8666-666666666663", A2, 3, 420);

const report: RosterReportView = {
  status: "optimal",
  hardViolations: [],
  underStaffedAgentIntervals: 12.5,
  overStaffedAgentIntervals: 3,
  underStaffedQueueIntervals: 7,
  objective: 140.2,
  lpBound: 139.1,
  gapToLpBound: 0.0079,
  agentsScheduled: 2,
  shifts: 3,
  agentsBelowTarget: 1,
  hoursBelowTarget: 28,
  timingsMs: { total: 1200 },
  warnings: [],
  solver: "highs",
};

const template: ShiftTemplateView = {
  id: "55555555-5555-4555-8555-555555555555",
  key: "e",
  name: "صبح",
  segments: [{ startMinute: 420, durationMinutes: 480 }],
  breaks: [],
  days: [],
  paidMinutes: 480,
  night: false,
  split: false,
  active: true,
};

const row = (agentId: string, name: string, shifts: RosterShiftView[], leaveDays: number[] = []): RosterAgentRow => ({
  agentId,
  name,
  employeeCode: "E-1",
  contractId: "c",
  contractName: "Full time",
  queueIds: [Q1],
  leaveDays,
  paidMinutes: shifts.reduce((s, x) => s + x.paidMinutes, 0),
  targetMinutes: 2640,
  maxWeeklyMinutes: 2640,
  days: Array.from({ length: 7 }, (_, d) => shifts.find((s) => s.day === d) ?? null),
});

const run: WfmRunView = {
  id: "77777777-7777-4777-8777-777777777777",
  kind: "roster",
  status: "running",
  phase: "optimise",
  progress: 0.42,
  weekStart: WEEK,
  weeks: 1,
  objective: 150.5,
  mipGap: 0.031,
  result: null,
  rosterId: null,
  error: null,
  startedByName: "برنامه‌ریز",
  createdAt: "2026-11-20T08:00:00.000Z",
  startedAt: "2026-11-20T08:00:01.000Z",
  finishedAt: null,
};

const days = Array.from({ length: 7 }, (_, d) => ({ day: d, date: new Date(Date.parse(`${WEEK}T00:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10), startsAt: "", holiday: d === 6 }));
const perDay = (f: (i: number) => number) => Array.from({ length: 48 }, (_, i) => f(i));

const rosterData = {
  weekStart: WEEK,
  settings: { shrinkage: 0.3, maxOccupancy: 0.85, intervalMinutes: 30, timeZone: TZ, rosterTimeLimitSeconds: 30 },
  view: {
    roster: { id: R1, weekStart: WEEK, status: "draft", version: 2, runId: null, createdAt: "2026-11-20T08:01:00.000Z", publishedAt: null, publishedByName: null, edits: 1, hardViolations: 0, gapToLpBound: 0.0079 },
    timeZone: TZ,
    intervalMinutes: 30,
    days,
    queues: [queue],
    templates: [template],
    agents: [row(A1, "مریم احمدی", [s1, s2]), row(A2, "رضا کریمی", [s3], [5])],
    report,
    pendingLeave: 2,
    pendingSwaps: 0,
  },
  rosters: [{ id: R1, weekStart: WEEK, status: "draft", version: 2, runId: null, createdAt: "2026-11-20T08:01:00.000Z", publishedAt: null, publishedByName: null, edits: 1, hardViolations: 0, gapToLpBound: 0.0079 }],
  runs: [run],
  coverage: { queueId: null, required: perDay((i) => (i >= 16 && i < 40 ? 3 : 0)), inSeat: perDay((i) => (i >= 16 && i < 40 ? 2.1 : 0)), atWork: perDay((i) => (i >= 14 && i < 30 ? 2 : 0)), staffed: perDay((i) => (i >= 14 && i < 30 ? 1.8 : 0)) },
  queue: null,
  day: 0,
  canManage: true,
};

describe("the roster tab", () => {
  for (const lang of ["fa", "en", "nl"] as const) {
    it(`renders in ${lang}: report, grid, coverage table, edit forms, a running job's progress`, async () => {
      const html = await render(lang, `/bureau/wfm/roster?week=${WEEK}`, RosterTab, rosterData);
      expect(html).not.toMatch(rawKey);
      expect(html).not.toMatch(physical);
      expect(html).toContain('data-testid="roster-grid"');
      expect(html).toContain('data-testid="coverage-table"');
      expect(html).toMatch(/class="wfm-chart__canvas" dir="ltr"[^>]*aria-hidden="true"/);
      expect(html).toContain('<progress max="100" value="42"');
      for (const kind of ["swap", "move", "add", "remove", "reassign"]) expect(html).toContain(`data-edit="${kind}"`);
      expect(html).toContain('data-testid="publish"');
      if (lang === "fa") {
        expect(latinDigits(html)).toEqual([]);
        expect(html).toContain("بهینه‌سازی");
        expect(html).toContain("۰٫۷۹٪");
      }
    });
  }
});

describe("the staffing tab", () => {
  it("renders one queue's day with SL, ASA and occupancy and the calculator, in Persian", async () => {
    const rows = perDay((i) => i).map((i) => ({
      minute: i * 30,
      contacts: i >= 16 && i < 40 ? 12 : 0,
      ahtSeconds: i >= 16 && i < 40 ? 240 : 0,
      standalone: i >= 16 && i < 40 ? 4 : 0,
      agents: i >= 16 && i < 40 ? 3.4 : 0,
      heads: i >= 16 && i < 40 ? 5 : 0,
      serviceLevel: i >= 16 && i < 40 ? 0.86 : null,
      asaSeconds: i >= 16 && i < 40 ? 9.5 : null,
      occupancy: i >= 16 && i < 40 ? 0.4 : null,
      limitedBy: i >= 16 && i < 40 ? "serviceLevel" : null,
    }));
    const data = {
      weekStart: WEEK,
      timeZone: TZ,
      intervalMinutes: 30,
      days,
      day: 0,
      settings: rosterData.settings,
      queues: [{ ...queue, model: "erlangC" }],
      selected: { queue, model: "erlangC", rows },
      totals: rows.map((r) => ({ minute: r.minute, contacts: r.contacts, agents: r.agents, heads: r.heads })),
      summary: [{ queueId: Q1, days: days.map(() => ({ contacts: 288, peakHeads: 5, headHours: 60 })) }],
      pools: [{ queueIds: [Q1] }],
      missingForecast: [],
    };
    const html = await render("fa", `/bureau/wfm/staffing?week=${WEEK}&queue=${Q1}`, StaffingTab, data);
    expect(html).not.toMatch(rawKey);
    expect(html).not.toMatch(physical);
    expect(latinDigits(html)).toEqual([]);
    expect(html).toContain("۸۶٪");
    expect(html).toContain("۰:۱۰");
    expect(html).toContain('name="targetServiceLevel"');
    expect(html).toContain('data-testid="staffing-queue-table"');
  });

  it("parses the calculator in percents with Persian digits, and words share errors in percents", () => {
    const fd = new URLSearchParams({ contacts: "۱۲۰", intervalSeconds: "1800", ahtSeconds: "۲۴۰", targetServiceLevel: "۸۰", thresholdSeconds: "۲۰", shrinkage: "۳۰٫۵" });
    const ok = parseCalculator(fd);
    expect(ok.status).toBe("success");
    expect(ok.status === "success" ? ok.value : null).toEqual({ contacts: 120, intervalSeconds: 1800, ahtSeconds: 240, targetServiceLevel: 0.8, thresholdSeconds: 20, shrinkage: 0.305 });
    const bad = parseCalculator(new URLSearchParams({ contacts: "x", intervalSeconds: "1800", ahtSeconds: "240", targetServiceLevel: "100", thresholdSeconds: "20" }));
    const errors = (bad as { error?: Record<string, string[] | null> }).error;
    expect(errors?.contacts).toEqual(["wfm:staffing.errors.contacts"]);
    expect(errors?.targetServiceLevel).toEqual(["wfm:console.staffing.calc.errors.targetServiceLevel"]);
  });
});

describe("leave and adherence tabs", () => {
  const leave = {
    id: "88888888-8888-4888-8888-888888888888",
    agentId: A1,
    agentName: "مریم احمدی",
    kind: "annual",
    fromDate: "2026-11-21",
    toDate: "2026-11-22",
    fromMinute: null,
    toMinute: null,
    reason: "سفر",
    status: "pending",
    decidedByName: null,
    decisionReason: null,
    decidedAt: null,
    createdAt: "2026-11-10T08:00:00.000Z",
    affectedShifts: [s1, s2],
  };
  const swap = {
    id: "99999999-9999-4999-8999-999999999999",
    requesterId: A1,
    requesterName: "مریم احمدی",
    colleagueId: A2,
    colleagueName: "رضا کریمی",
    shift: s1,
    colleagueShift: s3,
    reason: "کلاس",
    status: "pending",
    colleagueAcceptedAt: null,
    decidedByName: null,
    decisionReason: null,
    decidedAt: null,
    createdAt: "2026-11-10T08:00:00.000Z",
  };

  for (const lang of ["fa", "en", "nl"] as const) {
    it(`renders pending requests with the shifts they affect and decision forms in ${lang}`, async () => {
      const html = await render(lang, "/bureau/wfm/leave", LeaveTab, { show: "pending", timeZone: TZ, leave: [leave], swaps: [swap], queues: [{ queueId: Q1, name: "عمومی" }], canManage: true });
      expect(html).not.toMatch(rawKey);
      expect(html).toContain('data-testid="affected-shifts"');
      expect(html).toContain('name="decision" value="approve"');
      expect(html).toContain('name="decision" value="reject"');
      if (lang === "fa") {
        expect(html).toContain("شنبه ۳۰ آبان ۱۴۰۵");
        expect(html).toContain("۲ روز");
        expect(latinDigits(html)).toEqual([]);
      }
    });
  }

  it("renders a day's adherence and who is out of adherence now", async () => {
    const data = {
      date: WEEK,
      today: WEEK,
      day: {
        date: WEEK,
        timeZone: TZ,
        intervalMinutes: 30,
        published: true,
        agents: [
          {
            agentId: A1,
            agentName: "مریم احمدی",
            date: WEEK,
            scheduledMinutes: 480,
            scheduledWorkMinutes: 450,
            inAdherenceMinutes: 432,
            workedMinutes: 470,
            adherence: 0.9,
            conformance: 1.044,
            intervals: perDay((i) => i).map((i) => ({ start: "", scheduled: i >= 14 && i < 30 ? "work" : "off", actual: "work", adherentMinutes: i >= 14 && i < 30 ? 30 : 0, scheduledMinutes: i >= 14 && i < 30 ? 30 : 0 })),
          },
        ],
        totals: { scheduledMinutes: 480, inAdherenceMinutes: 432, adherence: 0.9, conformance: 1.044 },
      },
      now: { at: "2026-11-21T06:00:00.000Z", toleranceMinutes: 5, scheduledNow: 1, rows: [{ agentId: A2, agentName: "رضا کریمی", scheduled: "work", state: "offline", actual: "offline", since: "2026-11-21T05:40:00.000Z", minutes: 20, shiftId: null }] },
    };
    for (const lang of ["fa", "en"] as const) {
      const html = await render(lang, "/bureau/wfm/adherence", AdherenceTab, data);
      expect(html).not.toMatch(rawKey);
      expect(html).not.toMatch(physical);
      expect(html).toContain('data-testid="out-of-adherence"');
      if (lang === "fa") {
        expect(html).toContain("۹۰٪");
        expect(html).toContain("۱۰۴٫۴٪");
        expect(html).toContain("۷:۱۲");
      } else expect(html).toContain("90%");
    }
  });
});

describe("the agent's schedule and the client's plan", () => {
  const view: MyScheduleView = {
    agentId: A1,
    weekStart: WEEK,
    timeZone: TZ,
    days,
    published: true,
    publishedAt: "2026-11-19T10:00:00.000Z",
    shifts: [s1, s2],
    paidMinutes: 960,
    leave: [
      { id: "88888888-8888-4888-8888-888888888881", agentId: A1, agentName: "", kind: "sick", fromDate: "2026-11-25", toDate: "2026-11-25", fromMinute: null, toMinute: null, reason: "دکتر", status: "approved", decidedByName: "برنامه‌ریز", decisionReason: "", decidedAt: "2026-11-19T10:00:00.000Z", createdAt: "2026-11-18T10:00:00.000Z", affectedShifts: [] },
    ],
    swaps: [],
    swapCandidates: [{ agentId: A2, agentName: "رضا کریمی", shift: s3 }],
    icalPath: "/wfm/ical/token.ics",
    feedPath: "/agent/schedule.ics",
  };

  for (const lang of ["fa", "en", "nl"] as const) {
    it(`renders the agent's week in ${lang}: Saturday first, the leave marked, requests and the calendar links`, async () => {
      const html = await render(lang, "/agent/schedule", MySchedule, { title: "", view, error: null });
      expect(html).not.toMatch(rawKey);
      expect(html).not.toMatch(physical);
      expect(html).toContain('href="/agent/schedule.ics"');
      expect(html).toContain('href="/wfm/ical/token.ics"');
      const order = [...html.matchAll(/<li data-day="(\d)" data-date="([\d-]+)"/g)].map((m) => m[2]);
      expect(order).toEqual(days.map((d) => d.date));
      // Wednesday 25 Nov (day 4) is approved leave.
      expect(html).toMatch(/<td class="wfm-gantt__cell wfm-gantt__cell--leave" data-day="4" data-leave="true"/);
      expect(html).toContain('value="swap:66666666-6666-4666-8666-666666666663"');
      if (lang === "fa") {
        expect(html).toContain("شنبه");
        expect(html).toContain("۳۰ آبان");
        expect(html).toContain("۲۳:۰۰–۰۷:۰۰");
        expect(latinDigits(html.replace(/href="[^"]*"/g, ""))).toEqual([]);
      }
    });
  }

  it("renders the client's plan with expected service level against the target and no agent names", async () => {
    const data = {
      slug: "avaye-hamrah",
      weekStart: WEEK,
      timeZone: TZ,
      intervalMinutes: 30,
      days,
      day: 0,
      published: true,
      publishedAt: "2026-11-19T10:00:00.000Z",
      queues: [{ queueId: Q1, queueName: "عمومی", slTarget: 0.8, slThresholdSeconds: 20, daily: days.map((d, i) => ({ date: d.date, contacts: 300, requiredHours: 40, scheduledHours: 38, projectedServiceLevel: i === 2 ? 0.71 : 0.84 })) }],
      selected: { queueId: Q1, contacts: perDay(() => 6), ahtSeconds: perDay(() => 200), required: perDay(() => 2), scheduled: perDay((i) => (i < 24 ? 2 : 1)), projectedServiceLevel: perDay((i) => (i < 24 ? 0.85 : 0.6)) },
    };
    for (const lang of ["fa", "en"] as const) {
      const html = await render(lang, "/t/avaye-hamrah/staffing", TenantStaffing, data);
      expect(html).not.toMatch(rawKey);
      expect(html).not.toMatch(physical);
      expect(html).toContain('data-testid="plan-intervals-table"');
      expect(html).toMatch(/class="num wfm-sl-miss" data-short="true">(۷۱٪|71%)</);
      if (lang === "fa") expect(latinDigits(html)).toEqual([]);
    }
  });
});
