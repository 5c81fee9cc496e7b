import type { Highs } from "highs";

/**
 * The HiGHS solver (WebAssembly, shipped inside the npm package: nothing is downloaded at run time).
 * Loading compiles ~3.5 MB of Wasm, so it happens once per process and is shared; the roster engine
 * takes the instance as a parameter so tests and workers decide when to pay for it.
 */
let loading: Promise<Highs> | null = null;

export function loadHighs(): Promise<Highs> {
  loading ??= import("highs").then((m) => m.default());
  return loading;
}

export type { Highs };
