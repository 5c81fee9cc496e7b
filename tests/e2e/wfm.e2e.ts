import { expect, test } from "@playwright/test";
import jalaali from "jalaali-js";
import { login, loginFor } from "./helpers";

/**
 * Issue 6 end to end: the WFM planner generates next week's roster (HiGHS in the workers, progress on
 * the page) and publishes it; an agent opens "my schedule" in Persian, sees the published week with
 * Jalali dates, and asks for a day of leave, which the planner then sees pending.
 */
const HOUR = 3_600_000;
const persian = (s: string) => s.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);

/** Next week's Saturday in Tehran (the roster week starts on Saturday), as YYYY-MM-DD. */
function nextSaturday(): string {
  const local = new Date(Date.now() + 3.5 * HOUR);
  const sinceSaturday = (local.getUTCDay() + 1) % 7;
  const saturday = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() - sinceSaturday + 7));
  return saturday.toISOString().slice(0, 10);
}

function jalaliInput(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number) as [number, number, number];
  const j = jalaali.toJalaali(y, m, d);
  return persian(`${j.jy}/${String(j.jm).padStart(2, "0")}/${String(j.jd).padStart(2, "0")}`);
}

test("a planner generates and publishes next week's roster; an agent sees it in Persian and asks for leave", async ({ browser }) => {
  test.setTimeout(180_000);
  const week = nextSaturday();
  const planner = await (await browser.newContext()).newPage();
  await login(planner, loginFor("wfm_planner"));
  await planner.goto(`/bureau/wfm/roster?week=${week}`);
  await expect(planner.locator("html")).toHaveAttribute("dir", "rtl");

  // Generate with a short budget, typed in Persian digits; the page follows the run until the draft is there.
  const generate = planner.locator("form:has(input[name='intent'][value='generate'])");
  await generate.locator("input[name='timeLimitSeconds']").fill("۸");
  await planner.getByTestId("generate").click();
  await expect(planner.getByTestId("roster-status")).toHaveText("پیش‌نویس", { timeout: 90_000 });
  // The report states hard violations (none) beside the gap to the bound; the grid has the week.
  await expect(planner.locator("body")).toContainText(/[۰-۹]/);
  await planner.getByTestId("publish").click();
  await expect(planner.getByTestId("roster-status")).toHaveText("منتشرشده");

  // The agent's own week, in Persian, with the shifts just published.
  const agent = await (await browser.newContext()).newPage();
  await login(agent, loginFor("agent"));
  await agent.goto(`/agent/schedule?week=${week}`);
  await expect(agent.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(agent.getByTestId("schedule-published")).toBeVisible();
  const days = agent.getByTestId("my-days");
  await expect(days.locator(":scope > li")).toHaveCount(7);
  await expect(days).toContainText(/[۰-۹]{1,2}:[۰-۹]{2}/);
  await expect(agent.getByTestId("ical-download")).toBeVisible();

  // A day of leave on the week's Monday, picked as a Jalali date.
  const monday = new Date(Date.parse(`${week}T00:00:00Z`) + 2 * 24 * HOUR).toISOString().slice(0, 10);
  const leave = agent.locator("form:has(input[name='intent'][value='leave'])");
  const pickers = leave.locator(".calendar-picker__input");
  await pickers.nth(0).fill(jalaliInput(monday));
  await pickers.nth(1).fill(jalaliInput(monday));
  await leave.locator("textarea[name='reason']").fill("مراجعه به پزشک");
  await leave.getByRole("button", { name: "ارسال درخواست" }).click();
  await expect(agent.getByTestId("my-leave")).toContainText("مراجعه به پزشک");

  // The planner sees the request pending.
  await planner.goto("/bureau/wfm/leave");
  await expect(planner.locator("body")).toContainText("مراجعه به پزشک");
});
