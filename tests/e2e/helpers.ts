import fs from "node:fs";
import { expect, type Page } from "@playwright/test";

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
  tenant: string | null;
}
export interface DemoCredentials {
  url?: string;
  logins: DemoLogin[];
  apiKeys: { tenant: string | null; key: string }[];
}

export function credentials(): DemoCredentials {
  return JSON.parse(fs.readFileSync("test-results/e2e-credentials.json", "utf8")) as DemoCredentials;
}

export function loginFor(role: string, tenant?: string): DemoLogin {
  const found = credentials().logins.find((l) => l.role === role && (tenant === undefined || l.tenant === tenant));
  if (!found) throw new Error(`no demo login with role ${role}${tenant ? ` for ${tenant}` : ""}`);
  return found;
}

export async function login(page: Page, who: DemoLogin) {
  await page.goto("/login");
  await page.locator('input[name="email"]').fill(who.email);
  await page.locator('input[name="password"]').fill(who.password);
  await page.locator('form[method="post"] button[type="submit"]').last().click();
  await expect(page).not.toHaveURL(/\/login/);
}

/** Persian month names of the Solar Hijri calendar. */
export const JALALI_MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"];
