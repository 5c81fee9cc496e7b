import { expect, test, type Locator, type Page } from "@playwright/test";
import { login, loginFor } from "./helpers";

/**
 * Issue 4 end to end: a client admin writes an agent script in the portal (opening, a step with a
 * yes/no question and a branch, closing; Persian and English side by side), clicks through it in
 * the preview, saves, publishes, publishes a change and rolls back; a viewer reads it only.
 */
const OPEN_FA = "سلام، {{agentName}} هستم از اپستان.";
const OPEN_EN = "Hello, this is {{agentName}} from Appestan.";

async function texts(scope: Locator, fa: string, en: string) {
  await scope.locator('textarea[lang="fa"]').first().fill(fa);
  await scope.locator('textarea[lang="en"]').first().fill(en);
}

function report(page: Page) {
  return page.getByTestId("script-report");
}

test("write a script, try it in the preview, publish, change and roll back", async ({ page }) => {
  page.on("dialog", (dialog) => void dialog.accept());
  await login(page, loginFor("client_admin", "appestan"));
  await page.goto("/t/appestan/scripts");
  // The demo queues already have scripts once the seed adds them; this one serves no queue.
  const name = `e2e-${Date.now().toString(36)}`;
  const create = page.locator('form:has(input[name="intent"][value="create"])');
  await create.locator('input[name="name"]').fill(name);
  await create.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/t\/appestan\/scripts\/[0-9a-f-]{36}$/);
  const url = page.url();
  // Typing before React has hydrated the editor would be lost.
  await expect(page.locator(".script-workbench[data-hydrated]")).toBeVisible();

  // The starter is empty: three errors, publishing is disabled.
  await expect(report(page).locator(".script-issue--error")).toHaveCount(3);
  await expect(page.locator('button[name="intent"][value="publish"]')).toBeDisabled();

  await texts(page.locator("#script-opening-0"), OPEN_FA, OPEN_EN);
  const step = page.locator(".script-step").first();
  await texts(step, "مشکل حل شد؟", "Is it solved?");
  await step.locator("select").first().selectOption("yesNo");
  await texts(page.locator("#script-closing-0"), "سپاسگزاریم.", "Thank you.");
  // A second step for the "no" answer.
  await page.locator("#script-body > button").click();
  const second = page.locator(".script-step").nth(1);
  await texts(second, "به سرپرست ارجاع دهید.", "Escalate to a team leader.");
  await step.locator(".script-branches > button").click();
  await step.locator(".script-branch select").first().selectOption("no");
  await step.locator(".script-branch select").nth(1).selectOption("step-2");
  await step.locator("select").last().selectOption("closing");
  await expect(report(page).locator(".script-issue")).toHaveCount(0);

  // The preview runs it: the opening with the sample agent name, then "no" leads to step-2.
  const preview = page.getByTestId("script-preview");
  await expect(preview.locator(".script-run__part").first()).toContainText("اپستان");
  await preview.getByTestId("preview-current").locator(".script-run__choices button").nth(1).click();
  await expect(preview.getByTestId("preview-current")).toContainText("step-2");
  await preview.getByTestId("preview-current").locator("button").click();
  await expect(preview.getByTestId("preview-closing")).toContainText("سپاسگزاریم.");

  await page.locator('button[name="intent"][value="save"]').click();
  await expect(page.getByTestId("script-stored-report")).toBeVisible();
  await expect(page.locator(".script-workbench[data-hydrated]")).toBeVisible();
  await page.locator('button[name="intent"][value="publish"]').click();
  await expect(page.getByTestId("script-version-row")).toHaveCount(1);
  await expect(page.locator('input[type="hidden"][name="definition"]')).toHaveValue(/step-2/);

  // A change, published as version 2, then rolled back: version 3 is version 1 again.
  await expect(page.locator(".script-workbench[data-hydrated]")).toBeVisible();
  await page.locator("#script-closing-0 textarea[lang=\"en\"]").fill("Thanks for calling.");
  await page.locator('button[name="intent"][value="publish"]').click();
  await expect(page.getByTestId("script-version-row")).toHaveCount(2);
  await page.getByTestId("script-version-row").nth(1).locator('button[type="submit"]').click();
  await expect(page.getByTestId("script-version-row")).toHaveCount(3);
  await expect(page.locator('input[type="hidden"][name="definition"]')).toHaveValue(/Thank you\./);

  // A viewer reads it and can try the preview, but every field is disabled and nothing submits.
  await page.context().clearCookies();
  await login(page, loginFor("client_viewer", "appestan"));
  await page.goto(url);
  await expect(page.locator(".script-editor__fields textarea").first()).toBeDisabled();
  await expect(page.locator('button[name="intent"][value="save"]')).toHaveCount(0);
  await expect(page.getByTestId("script-preview")).toContainText("اپستان");
});
