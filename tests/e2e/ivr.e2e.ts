import { expect, test, type Page } from "@playwright/test";
import { login, loginFor } from "./helpers";

/**
 * Issue 3 end to end: a client admin builds a small flow in the editor, publishes it, puts it on a
 * number, and calls that number in the simulator in Persian and in English.
 */
const FA = "سلام، به خط آزمایشی اپستان خوش آمدید";
const EN = "Hello, welcome to the Appestan test line";

async function callInSimulator(page: Page, numberId: string, language: "fa" | "en") {
  await page.goto("/t/appestan/simulator");
  const form = page.locator("#sim-call");
  await form.locator('select[name="numberId"]').selectOption(numberId);
  await form.locator('select[name="language"]').selectOption(language);
  await form.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\?call=/);
}

test("build a flow, publish it and call it in the simulator in Persian and English", async ({ page }) => {
  page.on("dialog", (dialog) => void dialog.accept());
  await login(page, loginFor("client_admin", "appestan"));

  // Create the flow: the builder opens with a greeting that hangs up.
  await page.goto("/t/appestan/ivr");
  const name = `e2e-${Date.now().toString(36)}`;
  const create = page.locator('form:has(input[name="intent"][value="create"])');
  await create.locator('input[name="name"]').fill(name);
  await create.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/t\/appestan\/ivr\/[0-9a-f-]{36}$/);
  const flowUrl = page.url();

  // Write the greeting in both languages through the side panel (the keyboard path of the editor).
  await page.locator(".ivr-builder__panel select").first().selectOption("welcome");
  await page.locator('textarea[lang="fa"]').first().fill(FA);
  await page.locator('textarea[lang="en"]').first().fill(EN);
  await page.locator('button[name="intent"][value="save"]').click();
  await expect(page.locator('button[name="intent"][value="publish"]')).toBeEnabled();
  await page.locator('button[name="intent"][value="publish"]').click();
  await page.goto(flowUrl);
  const hidden = await page.locator('input[type="hidden"][name="definition"]').inputValue();
  expect(hidden).toContain(FA);

  // Put it on the tenant's first number.
  await page.goto("/t/appestan/ivr");
  const row = page.getByTestId("number-row").first();
  const numberId = (await row.locator('input[name="numberId"]').getAttribute("value"))!;
  await row.locator('select[name="flowId"]').selectOption({ label: name });
  await row.locator('button[type="submit"]').click();
  await expect(page.getByTestId("number-row").first().locator('select[name="flowId"] option:checked')).toHaveText(name);

  // Call it: the published greeting is what the caller hears, in the call's language.
  await callInSimulator(page, numberId, "fa");
  await expect(page.getByText(FA)).toBeVisible();
  await callInSimulator(page, numberId, "en");
  await expect(page.getByText(EN)).toBeVisible();
});

test("a seeded Persian menu answers keypad digits in the simulator", async ({ page }) => {
  await login(page, loginFor("client_admin", "avaye-hamrah"));
  await page.goto("/t/avaye-hamrah/simulator");
  const form = page.locator("#sim-call");
  await form.locator('select[name="language"]').selectOption("fa");
  await form.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\?call=/);
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  const transcript = page.getByTestId("sim-transcript");
  const before = await transcript.textContent();
  await page.locator("button.sim-key").first().click();
  await expect.poll(async () => (await transcript.textContent())?.length ?? 0).toBeGreaterThan(before?.length ?? 0);
});
