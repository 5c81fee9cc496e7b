import type { Browser } from "playwright-core";
import { loadEnv } from "../../platform/env.server";
import { logger } from "../../platform/logger.server";

/**
 * The headless Chromium that prints invoices: one per process, launched on first use (most web
 * requests never print) and relaunched if it dies. playwright-core is imported lazily for the same
 * reason. The holder lives on globalThis so Vite's dev reloads do not leak browsers.
 */
const KEY = Symbol.for("hamkal.documentBrowser");
type Holder = { [KEY]?: Promise<Browser> };

/**
 * A printer, not a browser a person uses: no sandbox (containers run without user namespaces; the
 * content is our own offline HTML), no GPU, /tmp instead of a small /dev/shm, and nothing that
 * phones home (first-run, background networking, component updates, sync).
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export class DocumentPrinterError extends Error {}

async function launch(holder: Holder): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  const executablePath = loadEnv().CHROMIUM_PATH;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
  } catch (err) {
    throw new DocumentPrinterError(`cannot start Chromium at CHROMIUM_PATH=${executablePath}: ${(err as Error).message}`);
  }
  browser.on("disconnected", () => {
    // A crashed browser is forgotten, so the next document launches a fresh one.
    const held = holder[KEY];
    void held?.then((b) => {
      if (b === browser && holder[KEY] === held) holder[KEY] = undefined;
    }, () => undefined);
  });
  logger.info({ executablePath, version: browser.version() }, "document printer started");
  return browser;
}

export async function documentBrowser(): Promise<Browser> {
  const holder = globalThis as Holder;
  const existing = holder[KEY];
  if (existing) {
    const browser = await existing.catch(() => null);
    if (browser?.isConnected()) return browser;
    if (holder[KEY] === existing) holder[KEY] = undefined;
  }
  if (!holder[KEY]) {
    const pending = launch(holder);
    holder[KEY] = pending;
    // A failed launch is not cached: the next call tries again (Chromium may have been installed since).
    pending.catch(() => {
      if (holder[KEY] === pending) holder[KEY] = undefined;
    });
  }
  return holder[KEY]!;
}

/** Closes the process's printer, if one was started (process shutdown, tests). */
export async function closeDocumentBrowser(): Promise<void> {
  const holder = globalThis as Holder;
  const pending = holder[KEY];
  holder[KEY] = undefined;
  const browser = await pending?.catch(() => null);
  await browser?.close().catch(() => undefined);
}
