import i18next from "i18next";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CalendarPicker, calendarPickerLinks, type CalendarPickerProps } from "~/components/calendar-picker";
import { i18nOptions } from "~/modules/i18n/config";
import { resources } from "~/modules/i18n/resources";

// A .ts file with createElement, like ivr-builder-render.test.ts: the unit project only collects *.test.ts.

async function render(props: CalendarPickerProps) {
  const i18n = i18next.createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: props.lang, resources });
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(CalendarPicker, props)));
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

/** The text box that the form posts: its name and value. */
function textBox(html: string) {
  const tag = /<input type="text"[^>]*>/.exec(html)?.[0] ?? "";
  return { name: /name="([^"]*)"/.exec(tag)?.[1], value: decode(/value="([^"]*)"/.exec(tag)?.[1] ?? "") };
}

interface DayButton {
  attrs: string;
  text: string;
  pressed: boolean;
  current: boolean;
  tabbable: boolean;
  label: string;
  className: string;
}

/** Every day button of the grid, by ISO day. */
function days(html: string): Map<string, DayButton> {
  const out = new Map<string, DayButton>();
  for (const m of html.matchAll(/<button type="button" data-iso="(\d{4}-\d{2}-\d{2})"([^>]*)>([^<]*)<\/button>/g)) {
    const attrs = m[2]!;
    out.set(m[1]!, {
      attrs,
      text: m[3]!,
      pressed: attrs.includes('aria-pressed="true"'),
      current: attrs.includes('aria-current="date"'),
      tabbable: attrs.includes('tabindex="0"'),
      label: decode(/aria-label="([^"]*)"/.exec(attrs)?.[1] ?? ""),
      className: /class="([^"]*)"/.exec(attrs)?.[1] ?? "",
    });
  }
  return out;
}

const marked = { "2026-03-21": "holiday", "2026-04-02": "holiday", "2026-03-25": "special" } as const;

describe("CalendarPicker server render", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("renders Farvardin 1405 in Persian: RTL, Saturday first, Persian digits, the selected and marked days", async () => {
    const html = await render({ lang: "fa", name: "day", value: "2026-03-21", marked, today: "2026-03-25" });
    expect(html).toMatch(/^<div class="calendar-picker" dir="rtl" lang="fa">/);
    expect(html).toContain(">فروردین ۱۴۰۵</div>");
    // The form posts the text box: the Jalali day in Persian digits, which parseCalendarDay(…, "fa") reads.
    expect(textBox(html)).toEqual({ name: "day", value: "۱۴۰۵/۰۱/۰۱" });
    expect(html).not.toContain('type="hidden"');
    // Saturday is the first column.
    const headers = [...html.matchAll(/<span class="calendar-picker__sr">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(headers).toEqual(["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"]);

    const grid = days(html);
    expect(grid.size).toBe(42);
    const [first] = grid.keys();
    expect(first).toBe("2026-03-21");
    for (const d of grid.values()) expect(d.text).toMatch(/^[۰-۹]{1,2}$/);
    expect(grid.get("2026-04-20")!.text).toBe("۳۱");

    const nowruz = grid.get("2026-03-21")!;
    expect(nowruz.pressed).toBe(true);
    expect(nowruz.tabbable).toBe(true);
    expect(nowruz.label).toBe("شنبه ۱ فروردین ۱۴۰۵، تعطیل");
    expect(nowruz.className).toContain("calendar-picker__day--holiday");
    expect([...grid.values()].filter((d) => d.pressed)).toHaveLength(1);
    expect([...grid.values()].filter((d) => d.tabbable)).toHaveLength(1);

    const sizdah = grid.get("2026-04-02")!;
    expect(sizdah.className).toContain("calendar-picker__day--holiday");
    expect(sizdah.label).toBe("پنجشنبه ۱۳ فروردین ۱۴۰۵، تعطیل");
    const special = grid.get("2026-03-25")!;
    expect(special.className).toContain("calendar-picker__day--special");
    expect(special.label).toBe("چهارشنبه ۵ فروردین ۱۴۰۵، ساعات ویژه");
    expect(special.current).toBe(true);
    expect(grid.get("2026-03-22")!.className).toBe("calendar-picker__day");
    expect(grid.get("2026-04-21")!.className).toContain("calendar-picker__day--outside");

    expect(html).toContain('aria-label="ماه قبل"');
    expect(html).toContain('aria-label="ماه بعد"');
    expect(html).toContain(">امروز</button>");
    expect(html).toMatch(/<ul class="calendar-picker__legend" aria-label="راهنمای تقویم">.*تعطیل.*ساعات ویژه/);
    expect(html).not.toContain("calendarPicker.");
  });

  it("renders March 2026 in English: LTR, Monday first, Latin digits", async () => {
    const html = await render({ lang: "en", name: "day", value: "2026-03-21", marked, today: "2026-03-25", labelledBy: "day-label" });
    expect(html).toMatch(/^<div class="calendar-picker" dir="ltr" lang="en">/);
    expect(html).toContain(">March 2026</div>");
    expect(textBox(html)).toEqual({ name: "day", value: "2026-03-21" });
    expect(html).toContain('aria-labelledby="day-label"');
    expect(html).toMatch(/role="grid" class="calendar-picker__grid" aria-labelledby="day-label [^"]+"/);
    const headers = [...html.matchAll(/<span class="calendar-picker__sr">([^<]*)<\/span>/g)].map((m) => m[1]);
    expect(headers[0]).toBe("Monday");
    expect(headers[6]).toBe("Sunday");

    const grid = days(html);
    expect([...grid.keys()][0]).toBe("2026-02-23");
    const selected = [...grid.entries()].filter(([, d]) => d.pressed);
    expect(selected.map(([iso]) => iso)).toEqual(["2026-03-21"]);
    expect(selected[0]![1].text).toBe("21");
    expect(selected[0]![1].label).toMatch(/^Saturday,? 21 March 2026, Holiday$/);
    expect(grid.get("2026-03-25")!.label).toMatch(/Special hours$/);
    expect(grid.get("2026-03-31")!.text).toBe("31");
    expect(html).toContain('aria-label="Previous month"');
    expect(html).toContain(">Today</button>");
    expect(html).toContain("Holiday");
    expect(html).not.toMatch(/[۰-۹]/);
  });

  it("opens on today's month in the tenant's zone when there is no value", async () => {
    vi.useFakeTimers({ now: new Date("2026-03-20T22:00:00Z") }); // 01:30 on 1 Farvardin in Tehran, still 20 March in Amsterdam
    const tehran = await render({ lang: "fa", name: "day" });
    expect(tehran).toContain(">فروردین ۱۴۰۵</div>");
    expect(days(tehran).get("2026-03-21")!.current).toBe(true);
    expect(days(tehran).get("2026-03-21")!.tabbable).toBe(true);
    expect(textBox(tehran)).toEqual({ name: "day", value: "" });
    expect([...days(tehran).values()].some((d) => d.pressed)).toBe(false);

    const amsterdam = await render({ lang: "fa", name: "day", timeZone: "Europe/Amsterdam" });
    expect(amsterdam).toContain(">اسفند ۱۴۰۴</div>");
    expect(days(amsterdam).get("2026-03-20")!.current).toBe(true);
  });

  it("shows Dutch with no legend when nothing is marked, and ignores a malformed value", async () => {
    const html = await render({ lang: "nl", name: "day", value: "2026-02-30", today: "2026-02-10" });
    expect(html).toContain(">februari 2026</div>");
    expect(textBox(html)).toEqual({ name: "day", value: "" });
    expect(html).not.toContain("calendar-picker__legend");
    expect(html).toContain('aria-label="Vorige maand"');
  });

  it("exports its stylesheet for the route's links", () => {
    const links = calendarPickerLinks();
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ rel: "stylesheet", href: expect.any(String) });
  });
});
