import i18next from "i18next";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { describe, expect, it } from "vitest";
import { cellPieces, RosterGrid, type GanttAgent, type GanttShift, type RosterGridProps } from "~/components/wfm/roster-grid";
import { formatClockRange, weekDays } from "~/components/wfm/wfm-ui";
import { directionOf, i18nOptions, type Language } from "~/modules/i18n/config";
import { resources } from "~/modules/i18n/resources";

/**
 * The roster's week grid rendered on the server: Saturday first (the roster week), Jalali dates and
 * Persian digits in Persian, bars placed with logical properties only (so the page's direction
 * mirrors them), night shifts and leave marked in text as well as colour, breaks told to screen
 * readers, and a night shift's hours after midnight drawn in the next day's cell.
 */

const WEEK = "2026-11-21"; // a Saturday (30 Aban 1405)
const D = 1440;

const agents: GanttAgent[] = [
  { id: "a1", name: "مریم احمدی", paidMinutes: 2640 },
  { id: "a2", name: "Reza Karimi", leaveDays: [2], paidMinutes: 1920 },
];

const shifts: GanttShift[] = [
  // Saturday 07:00-15:00 with a meal break 11:00-11:30 and a short break 09:00-09:15.
  {
    agentId: "a1",
    day: 0,
    segments: [{ start: 7 * 60, end: 15 * 60 }],
    breaks: [
      { kind: "short", start: 9 * 60, end: 9 * 60 + 15 },
      { kind: "meal", start: 11 * 60, end: 11 * 60 + 30 },
    ],
    night: false,
    label: "07-15",
  },
  // Sunday 23:00 - Monday 07:00: a night shift running into the next day.
  { agentId: "a1", day: 1, segments: [{ start: D + 23 * 60, end: 2 * D + 7 * 60 }], breaks: [{ kind: "meal", start: 2 * D + 2 * 60, end: 2 * D + 2 * 60 + 30 }], night: true, label: "23-07" },
  // Friday 15:00-23:00.
  { agentId: "a2", day: 6, segments: [{ start: 6 * D + 15 * 60, end: 6 * D + 23 * 60 }], breaks: [], night: false, label: "15-23" },
];

async function render(lang: Language, props: Partial<RosterGridProps> = {}) {
  const i18n = i18next.createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: lang, resources });
  const grid = createElement(RosterGrid, { weekStart: WEEK, agents, shifts, caption: "caption", ...props });
  // The page sets the direction on <html>; here a wrapper carries it, as the document would.
  return renderToString(createElement(I18nextProvider, { i18n }, createElement("div", { dir: directionOf(lang) }, grid)));
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
/** Visible text of an HTML fragment (tags dropped). */
const text = (html: string) => decode(html.replace(/<[^>]+>/g, " ")).replace(/\s+/g, " ").trim();

function headers(html: string) {
  return [...html.matchAll(/<th scope="col" data-day="(\d)" data-date="([\d-]+)"[^>]*>(.*?)<\/th>/g)].map((m) => ({ day: Number(m[1]), date: m[2]!, text: text(m[3]!) }));
}

function cell(html: string, agentId: string, day: number) {
  const row = new RegExp(`<tr data-agent="${agentId}">(.*?)</tr>`).exec(html)?.[1] ?? "";
  const m = new RegExp(`<td class="([^"]*)" data-day="${day}"([^>]*)>(.*?)</td>`).exec(row);
  return { className: m?.[1] ?? "", attrs: m?.[2] ?? "", inner: m?.[3] ?? "", text: text(m?.[3] ?? "") };
}

describe("roster week grid", () => {
  it("puts Saturday first with Jalali dates and Persian digits in Persian, inside a right-to-left page", async () => {
    const html = await render("fa");
    expect(html).toMatch(/^<div dir="rtl">/);
    const cols = headers(html);
    expect(cols.map((c) => c.day)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(cols.map((c) => c.date)).toEqual(["2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27"]);
    expect(cols[0]!.text).toContain("شنبه");
    expect(cols[0]!.text).toContain("۳۰ آبان");
    expect(cols[1]!.text).toContain("یکشنبه");
    expect(cols[1]!.text).toContain("۱ آذر");
    expect(cols[6]!.text).toContain("جمعه");
    // Friday, the weekend, is marked for its own background.
    expect(html).toMatch(/data-day="6" data-date="2026-11-27" data-weekend="true"/);
    // Every number a person reads is in Persian digits (styles and attributes aside).
    expect(text(html)).not.toMatch(/[0-9]/);
    expect(cell(html, "a1", 0).text).toContain("۰۷:۰۰–۱۵:۰۰");
    // Read from the right like the time axis: an isolate of digits alone would turn left-to-right.
    expect(cell(html, "a1", 0).inner).toContain('<bdi dir="rtl" class="wfm-gantt__time">۰۷:۰۰–۱۵:۰۰</bdi>');
    expect(html).toContain("۴۴ ساعت");
  });

  it("uses logical placement only, so the grid mirrors with the page", async () => {
    for (const lang of ["fa", "en"] as const) {
      const html = await render(lang);
      expect(html).toContain("inset-inline-start:");
      expect(html).toContain("inline-size:");
      expect(html).not.toMatch(/\b(left|right)\s*:|margin-left|margin-right|padding-left|padding-right|text-align:\s*(left|right)/);
    }
    // 07:00-15:00 is 7/24 of the day in from the day's start edge and 8/24 of it long.
    const html = await render("fa");
    expect(cell(html, "a1", 0).inner).toContain('class="wfm-gantt__work" style="inset-inline-start:29.167%;inline-size:33.333%"');
  });

  it("marks night shifts and draws their hours after midnight at the start of the next day", async () => {
    const html = await render("fa");
    const sunday = cell(html, "a1", 1);
    expect(sunday.attrs).toContain('data-night="true"');
    expect(sunday.className).toContain("wfm-gantt__cell--night");
    expect(sunday.text).toContain("شب");
    expect(sunday.text).toContain("۲۳:۰۰–۰۷:۰۰");
    // Sunday's track: 23:00-24:00 at its end edge.
    expect(sunday.inner).toContain('class="wfm-gantt__work wfm-gantt__work--night" style="inset-inline-start:95.833%;inline-size:4.167%"');
    // Monday's track: 00:00-07:00 continued from Sunday, the 02:00 break cut out of it; Monday has no shift of its own.
    const monday = cell(html, "a1", 2);
    expect(monday.inner).toContain('class="wfm-gantt__work wfm-gantt__work--night wfm-gantt__piece--continued" style="inset-inline-start:0.000%;inline-size:29.167%"');
    expect(monday.inner).toContain('class="wfm-gantt__break wfm-gantt__piece--continued"');
    expect(monday.attrs).not.toContain("data-shift");
    // The morning after is not a day off.
    expect(monday.text).toBe("ادامهٔ شیفت شب تا ۰۷:۰۰");
    expect(cellPieces(shifts, agents[0]!, 2).map((p) => [p.kind, p.from, p.to])).toEqual([
      ["work", 0, 420],
      ["break", 120, 150],
    ]);
  });

  it("marks leave days in words and tells the breaks to screen readers", async () => {
    const fa = await render("fa");
    const leave = cell(fa, "a2", 2);
    expect(leave.attrs).toContain('data-leave="true"');
    expect(leave.className).toContain("wfm-gantt__cell--leave");
    expect(leave.text).toContain("مرخصی");
    // A day without a shift or leave says so.
    expect(cell(fa, "a2", 0).text).toBe("بدون شیفت");
    const en = await render("en");
    expect(cell(en, "a2", 2).text).toBe("Leave");
    const saturday = cell(en, "a1", 0);
    expect(saturday.inner).toMatch(/<span class="visually-hidden">Breaks: Short break 09:00–09:15, Meal break 11:00–11:30<\/span>/);
    // The bars themselves are decoration over that text.
    expect(saturday.inner).toMatch(/<div class="wfm-gantt__track" aria-hidden="true">/);
  });

  it("reads left to right in English with Latin digits, still Saturday first (the roster week)", async () => {
    const html = await render("en");
    expect(html).toMatch(/^<div dir="ltr">/);
    const cols = headers(html);
    expect(cols[0]!.text).toMatch(/^Saturday 21 Nov/);
    expect(cols[6]!.text).toMatch(/^Friday 27 Nov/);
    expect(cell(html, "a1", 1).text).toContain("23:00–07:00");
    expect(cell(html, "a1", 1).inner).toContain('<bdi dir="ltr" class="wfm-gantt__time">23:00–07:00</bdi>');
    expect(cell(html, "a1", 2).text).toBe("until 07:00 (from the night before)");
    expect(cell(html, "a1", 1).text).toContain("Night");
    expect(cell(html, "a2", 6).text).toContain("15:00–23:00");
    expect(html).toContain("44 h");
    const nl = await render("nl");
    expect(headers(nl)[0]!.text).toMatch(/^zaterdag 21 nov/);
  });

  it("outlines the cells an edit touches", async () => {
    const html = await render("en", { highlight: [{ agentId: "a2", day: 6 }] });
    expect(cell(html, "a2", 6).attrs).toContain('data-changed="true"');
    expect(cell(html, "a1", 0).attrs).not.toContain("data-changed");
  });
});

describe("week helpers", () => {
  it("lists the roster week from Saturday in every language", () => {
    expect(weekDays(WEEK, "fa").map((d) => d.weekday)).toEqual(["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]);
    expect(weekDays(WEEK, "en")[0]!.weekday).toBe("Saturday");
    expect(weekDays(WEEK, "en")[6]!.friday).toBe(true);
  });

  it("writes clock ranges that wrap past midnight", () => {
    expect(formatClockRange(23 * 60, 31 * 60, "en")).toBe("23:00–07:00");
    expect(formatClockRange(16 * 60, 24 * 60, "en")).toBe("16:00–24:00");
    expect(formatClockRange(7 * 60, 15 * 60, "fa")).toBe("۰۷:۰۰–۱۵:۰۰");
  });
});
