import { expect, test } from "@playwright/test";
import { login, loginFor } from "./helpers";

/**
 * Issue 3's calendar editor: a client admin picks a holiday in the Jalali month grid (Persian) and in
 * the Gregorian one (English), and sets special hours for a date.
 */
test("pick holidays in the Jalali and Gregorian calendars and set special hours", async ({ page }) => {
  page.on("dialog", (dialog) => void dialog.accept());
  await login(page, loginFor("client_admin", "bazarche"));
  await page.goto("/t/bazarche/hours");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");

  // The weekly grid starts on Saturday in Persian.
  await expect(page.locator(".calendar-week fieldset").first()).toHaveAttribute("data-weekday", "6");

  // Persian: the month grid is Jalali; go to next month and pick its 10th day.
  const holidayForm = page.locator('form:has(input[name="intent"][value="addHoliday"])');
  await holidayForm.getByRole("button", { name: "ماه بعد" }).click();
  const title = (await holidayForm.locator(".calendar-picker__title").textContent()) ?? "";
  expect(title).toMatch(/[۰-۹]{4}/);
  await holidayForm.locator(".calendar-picker__grid button:not([disabled])").filter({ hasText: /^۱۰$/ }).first().click();
  const typed = await holidayForm.locator(".calendar-picker__input").inputValue();
  expect(typed).toMatch(/^[۰-۹]{4}\/[۰-۹]{2}\/۱۰$/);
  await holidayForm.locator('input[name="name"]').fill("تعطیلی آزمایشی");
  await holidayForm.locator('button[type="submit"]').click();
  await expect(page.getByTestId("holiday-table")).toContainText("تعطیلی آزمایشی");

  // Special hours typed in Jalali with Persian digits; two ranges.
  const special = page.locator('form:has(input[name="intent"][value="setSpecial"])');
  await special.locator(".calendar-picker__input").fill("۱۴۰۶/۰۲/۰۵");
  await special.getByRole("button", { name: "افزودن بازه" }).click();
  await special.locator('input[name="note"]').fill("ساعات آزمایشی");
  await special.locator('button[type="submit"]').click();
  await expect(page.getByTestId("special-table")).toContainText("ساعات آزمایشی");
  await expect(page.getByTestId("special-table")).toContainText("۰۸:۰۰–۱۳:۰۰");

  // A bad date is refused with a message next to the field, in Persian.
  await special.locator(".calendar-picker__input").fill("۱۴۰۶/۱۳/۰۱");
  await special.locator('button[type="submit"]').click();
  await expect(special.getByText("یک تاریخ شمسی معتبر")).toBeVisible();

  // English: Gregorian grid, Monday first; pick the 15th of next month.
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page.locator(".calendar-week fieldset").first()).toHaveAttribute("data-weekday", "1");
  const enForm = page.locator('form:has(input[name="intent"][value="addHoliday"])');
  await enForm.getByRole("button", { name: "Next month" }).click();
  await enForm.locator(".calendar-picker__grid button:not([disabled])").filter({ hasText: /^15$/ }).first().click();
  expect(await enForm.locator(".calendar-picker__input").inputValue()).toMatch(/^\d{4}-\d{2}-15$/);
  await enForm.locator('input[name="name"]').fill("Test holiday");
  await enForm.locator('button[type="submit"]').click();
  await expect(page.getByTestId("holiday-table")).toContainText("Test holiday");

  // Removing the special hours again.
  await page.getByRole("button", { name: /Remove the special hours of/ }).first().click();
  await expect(page.getByText("The special hours were removed.")).toBeVisible();

  await page.getByRole("button", { name: "فارسی" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
});
