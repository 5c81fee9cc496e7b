import { expect, test } from "@playwright/test";
import { credentials, JALALI_MONTHS, login, loginFor } from "./helpers";

test.describe("Persian first", () => {
  test("login in Persian shows a right-to-left page with a Jalali date", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "fa");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await login(page, loginFor("bureau_admin"));
    await expect(page).toHaveURL(/\/bureau/);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    const today = (await page.getByTestId("today").textContent()) ?? "";
    expect(today).toMatch(/[۰-۹]{4}/); // a year in Persian digits
    expect(JALALI_MONTHS.some((m) => today.includes(m))).toBe(true);
    expect(Number(today.match(/[۰-۹]{4}/)![0].replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))))).toBeGreaterThan(1400);
  });

  test("switching the language to English turns the page left-to-right and remembers it", async ({ page }) => {
    await login(page, loginFor("manager"));
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    const today = (await page.getByTestId("today").textContent()) ?? "";
    expect(today).toMatch(/20\d\d/);
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    // Back to Persian for the other tests' user state.
    await page.getByRole("button", { name: "فارسی" }).click();
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  });
});

test.describe("isolation and permissions", () => {
  test("a client user opening another tenant's URL gets 404", async ({ page }) => {
    const admin = credentials().logins.find((l) => l.role === "client_admin" && l.tenant)!;
    const other = credentials().logins.find((l) => l.tenant && l.tenant !== admin.tenant)!.tenant!;
    await login(page, admin);
    const own = await page.goto(`/t/${admin.tenant}`);
    expect(own?.status()).toBe(200);
    const response = await page.goto(`/t/${other}`);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("پیدا نشد");
  });

  test("an agent opening the bureau console gets 403", async ({ page }) => {
    await login(page, loginFor("agent"));
    const response = await page.goto("/bureau");
    expect(response?.status()).toBe(403);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("دسترسی ندارید");
  });
});

test.describe("bad input", () => {
  test("the login form shows a localized field error", async ({ page }) => {
    await page.goto("/login");
    await page.locator('input[name="email"]').fill("not-an-email");
    await page.locator('input[name="password"]').fill("x");
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await expect(page.locator(".field-errors").first()).toContainText("ایمیل");
  });

  test("the new-tenant form names the wrong fields, in English too", async ({ page }) => {
    await login(page, loginFor("bureau_admin"));
    await page.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await page.goto("/bureau/tenants/new");
    await page.locator('input[name="slug"]').fill("Not A Slug!");
    await page.locator('input[name="name"]').fill("");
    await page.locator('form[method="post"] button[type="submit"]').last().click();
    await expect(page.locator(".field--invalid")).not.toHaveCount(0);
    await expect(page.locator(".field-errors").first()).toBeVisible();
    await page.getByRole("button", { name: "فارسی" }).click();
  });
});
