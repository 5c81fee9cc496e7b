import { expect, test, type Browser, type Page } from "@playwright/test";
import { login, loginFor } from "./helpers";

/**
 * Issue 4 end to end: an agent goes available; a call from the simulator goes through a tenant's
 * IVR into a queue the agent serves; the agent accepts, sees the tenant's script and the customer's
 * history, holds, ends and disposes; the wallboard and the client's live view reflect it. Once with
 * the desktop in Persian, once in English (the second call is a repeat contact of the same caller).
 */
const CALLER = "+989121110042";
const TENANT = "avaye-hamrah";

async function signedIn(browser: Browser, who: Parameters<typeof loginFor>[0], tenant?: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on("dialog", (dialog) => void dialog.accept());
  await login(page, loginFor(who, tenant));
  return page;
}

/** Calls the tenant's number in the simulator and presses 1 (Persian), then 0 (an agent: the general queue). */
async function callIntoQueue(client: Page) {
  await client.goto(`/t/${TENANT}/simulator`);
  const form = client.locator("#sim-call");
  await form.locator('select[name="language"]').selectOption("fa");
  await form.locator('input[name="from"]').fill(CALLER);
  await form.locator('button[type="submit"]').click();
  await expect(client).toHaveURL(/\?call=/);
  for (const key of ["1", "0"]) {
    await client.locator(`button.sim-key[value="${key}"]`).click();
    await expect(client.locator(`button.sim-key[value="${key}"]`).or(client.getByTestId("sim-state")).first()).toBeVisible();
  }
  await expect(client.getByTestId("sim-state")).not.toHaveText(/پاسخگوی صوتی|IVR/);
}

async function takeCall(agent: Page, labels: { accept: string; wrapup: string; available: RegExp; onHold: RegExp }) {
  const offer = agent.getByTestId("offer");
  await expect(offer).toBeVisible({ timeout: 15_000 });
  await expect(offer).toContainText("آوای همراه");
  await agent.keyboard.press("a");
  const contact = agent.getByTestId("contact");
  await expect(contact).toBeVisible();
  await expect(contact).toContainText("آوای همراه");
  await expect(agent.getByTestId("script")).toBeVisible();
  await expect(agent.getByTestId("customer-360")).toContainText(CALLER);
  await agent.keyboard.press("h");
  await expect(agent.getByTestId("agent-state")).toHaveText(labels.onHold);
  await agent.keyboard.press("h");
  await agent.keyboard.press("e");
  const wrapup = agent.getByTestId("wrapup");
  await expect(wrapup).toBeVisible();
  await wrapup.locator('select[name="dispositionId"]').selectOption({ index: 1 });
  await wrapup.locator('textarea[name="notes"]').fill(`e2e ${labels.accept}`);
  await wrapup.getByRole("button", { name: labels.wrapup }).click();
  await expect(agent.getByTestId("agent-state")).toHaveText(labels.available);
}

test("an agent takes a simulated call end to end, in Persian and in English", async ({ browser }) => {
  test.setTimeout(120_000);
  const agent = await signedIn(browser, "agent");
  const client = await signedIn(browser, "client_admin", TENANT);
  const manager = await signedIn(browser, "manager");

  // Persian desktop.
  await agent.goto("/agent");
  await expect(agent.locator("html")).toHaveAttribute("dir", "rtl");
  await agent.getByRole("button", { name: "آماده", exact: true }).click();
  await expect(agent.getByTestId("agent-state")).toHaveText("آماده");
  await expect(agent.getByTestId("agent-queues")).toContainText("آوای همراه");
  await callIntoQueue(client);
  await takeCall(agent, { accept: "پاسخ", wrapup: "پایان جمع‌بندی", available: /^آماده$/, onHold: /^در انتظار$/ });

  // The wallboard counts the answered call; the client's live view shows its queue and the agent.
  await manager.goto("/bureau/wallboard");
  await expect(manager.getByTestId("sl-formula")).toBeVisible();
  const row = manager.locator(`tr[data-queue="general"]`).filter({ hasText: "آوای همراه" });
  await expect(row).toBeVisible();
  await expect(row.getByTestId("sl")).not.toContainText("هنوز");
  await client.goto(`/t/${TENANT}/live`);
  await expect(client.getByTestId("live-queues")).toBeVisible();
  await expect(client.getByTestId("live-agents")).toContainText("آماده");

  // English desktop: the same caller again is a repeat contact with the first call in its history.
  await agent.getByRole("button", { name: "English" }).click();
  await expect(agent.locator("html")).toHaveAttribute("dir", "ltr");
  await callIntoQueue(client);
  await expect(agent.getByTestId("offer")).toBeVisible({ timeout: 15_000 });
  await agent.getByRole("button", { name: /^Accept/ }).click();
  await expect(agent.getByTestId("repeat-contact")).toBeVisible();
  await expect(agent.getByTestId("customer-history")).toContainText("e2e پاسخ");
  await agent.getByRole("button", { name: /^End contact/ }).click();
  const wrapup = agent.getByTestId("wrapup");
  await wrapup.locator('select[name="dispositionId"]').selectOption({ index: 1 });
  await wrapup.getByRole("button", { name: "Finish wrap-up" }).click();
  await expect(agent.getByTestId("agent-state")).toHaveText("Available");
  await agent.getByRole("button", { name: "Offline" }).click();
  await expect(agent.getByTestId("agent-state")).toHaveText("Offline");
  await agent.getByRole("button", { name: "فارسی" }).click();
  await expect(agent.locator("html")).toHaveAttribute("dir", "rtl");
});
