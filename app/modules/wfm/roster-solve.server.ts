import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { logger } from "../platform/logger.server";
import type { RosterInput, RosterProgress, RosterResult } from "./roster";
import type { ThreadData, ThreadMessage } from "./roster-thread";

/**
 * Runs a roster solve in a worker thread and streams its progress. From source (tsx, Vitest) the
 * thread loads roster-thread.ts through tsx; in the bundled workers process it runs the sibling
 * build/node/roster-thread.js (esbuild.config.mjs builds it as its own entry).
 */
export interface SolveOptions {
  timeLimitSeconds: number;
  solver?: "highs" | "greedy";
  onProgress?: (p: RosterProgress) => void;
  /** Aborting asks the solver to stop with the best roster so far. */
  signal?: AbortSignal;
}

function startThread(data: ThreadData): Worker {
  const here = import.meta.url;
  if (/\.ts($|\?)/.test(here)) {
    const thread = new URL("./roster-thread.ts", here).href;
    // tsx's ESM API (the thread is an ES module; require() would resolve its CommonJS build).
    const pkgPath = createRequire(here).resolve("tsx/package.json");
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports: Record<string, { import: { default: string } }> };
    const api = pathToFileURL(path.join(path.dirname(pkgPath), pkg.exports["./esm/api"]!.import.default)).href;
    const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(thread)}, ${JSON.stringify(thread)}))`;
    return new Worker(code, { eval: true, workerData: data });
  }
  return new Worker(new URL("./roster-thread.js", here), { workerData: data });
}

export function solveInThread(input: RosterInput, opts: SolveOptions): Promise<{ result: RosterResult; solver: "highs" | "greedy" }> {
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const worker = startThread({ input, timeLimitSeconds: opts.timeLimitSeconds, stop, solver: opts.solver ?? "highs" });
  const onAbort = () => Atomics.store(flag, 0, 1);
  opts.signal?.addEventListener("abort", onAbort);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener("abort", onAbort);
      fn();
    };
    worker.on("message", (m: ThreadMessage) => {
      if (m.type === "progress") opts.onProgress?.(m.progress);
      else if (m.type === "result") {
        if (m.fallback) logger.warn({ reason: m.fallback }, "roster solver failed; greedy roster used");
        done(() => resolve({ result: m.result, solver: m.solver }));
        void worker.terminate();
      } else done(() => reject(new Error(m.message)));
    });
    worker.on("error", (err) => done(() => reject(err)));
    worker.on("exit", (code) => done(() => reject(new Error(`roster thread exited with code ${code}`))));
  });
}
