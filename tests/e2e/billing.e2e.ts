import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { login, loginFor } from "./helpers";

/**
 * Issue 5 end to end: a manager runs the monthly close in the console (the workers close each tenant
 * and report progress), opens a tenant's invoice and its Persian PDF (its first page rendered to an
 * image and looked at: it is not blank and carries the invoice number), and the client sees the same
 * invoice and total in its portal.
 */
const TENANT = "avaye-hamrah";
const OUT = path.resolve("test-results/billing-e2e");

const latin = (s: string) => s.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))).replace(/[\u200e\u200f\u2066-\u2069]/g, "");

test("a manager closes the month and opens the Persian PDF; the client sees the same totals", async ({ browser }) => {
  test.setTimeout(120_000);
  fs.mkdirSync(OUT, { recursive: true });
  const manager = await (await browser.newContext()).newPage();
  await login(manager, loginFor("manager"));

  // The close of last month (the form's default), finalized, for every tenant with a plan.
  await manager.goto("/bureau/billing/runs");
  await expect(manager.locator("html")).toHaveAttribute("dir", "rtl");
  await manager.locator("#start-run").getByRole("button").last().click();
  await expect(manager).toHaveURL(/\/bureau\/billing\/runs\/[0-9a-f-]{36}$/);
  const items = manager.getByTestId("run-items");
  await expect(items.locator('tbody tr[data-status="done"]')).toHaveCount(3, { timeout: 30_000 });

  // The tenant's invoice: number and total as the run reports them.
  const row = items.locator("tbody tr", { hasText: "آوای همراه" });
  const invoiceLink = row.getByRole("link");
  const number = latin((await invoiceLink.innerText()).trim());
  expect(number).toMatch(/^HK-\d{6}$/);
  const total = (await row.locator("td").last().innerText()).trim();
  expect(total).toMatch(/[۰-۹]/);
  await invoiceLink.click();
  await expect(manager).toHaveURL(/\/bureau\/billing\/invoices\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
  const invoiceId = manager.url().split("/").at(-1)!;
  await expect(manager.locator("h2", { hasText: "صورتحساب" }).first()).toBeVisible();

  // The PDF, as the console's link serves it.
  const pdfHref = await manager.getByRole("link", { name: /PDF/ }).getAttribute("href");
  expect(pdfHref).toBe(`/t/${TENANT}/invoices/${invoiceId}.pdf`);
  const pdf = await manager.request.get(pdfHref!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()["content-type"]).toContain("application/pdf");
  const bytes = await pdf.body();
  expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  const pdfPath = path.join(OUT, "invoice-fa.pdf");
  fs.writeFileSync(pdfPath, bytes);
  // Its text carries the number and Persian words (the embedded font's text layer).
  const text = latin(execFileSync("pdftotext", ["-l", "1", pdfPath, "-"]).toString("utf8"));
  expect(text).toContain(number);
  expect(text).toMatch(/صورت\s*حساب|صورتحساب/);
  // The first page as an image, looked at in the browser: it exists and it is not blank.
  execFileSync("pdftoppm", ["-f", "1", "-l", "1", "-r", "60", "-png", pdfPath, path.join(OUT, "page")]);
  const png = fs.readdirSync(OUT).find((f) => f.startsWith("page") && f.endsWith(".png"))!;
  const viewer = await (await browser.newContext({ viewport: { width: 600, height: 820 } })).newPage();
  await viewer.setContent(`<img id="p" src="data:image/png;base64,${fs.readFileSync(path.join(OUT, png)).toString("base64")}">`);
  const ink = await viewer.evaluate(async () => {
    const img = document.getElementById("p") as HTMLImageElement;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 384) dark++;
    return { width: canvas.width, height: canvas.height, darkShare: dark / (data.length / 4) };
  });
  await viewer.screenshot({ path: path.join(OUT, "first-page.png") });
  expect(ink.height).toBeGreaterThan(ink.width); // an A4 page, upright
  expect(ink.darkShare).toBeGreaterThan(0.01); // text and rules, not an empty page
  expect(ink.darkShare).toBeLessThan(0.5);

  // The client: the same invoice, the same total.
  const client = await (await browser.newContext()).newPage();
  await login(client, loginFor("client_admin", TENANT));
  await client.goto(`/t/${TENANT}/billing`);
  const mine = client.getByTestId("portal-invoices").locator(`tr[data-invoice="${invoiceId}"]`);
  await expect(mine).toBeVisible();
  expect(latin(await mine.innerText())).toContain(number);
  await expect(mine).toContainText(total);
  await expect(client.getByTestId("usage-to-date")).toBeVisible();
});
