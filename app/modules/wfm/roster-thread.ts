import { parentPort, workerData } from "node:worker_threads";
import { loadHighs } from "./highs";
import { solveRoster, solveRosterGreedy, type RosterInput, type RosterProgress, type RosterResult } from "./roster";

/**
 * The roster solve in its own thread (roster-solve.server.ts starts it): HiGHS runs synchronously
 * for tens of seconds, which in the workers process would freeze the routing timer, every other
 * queue's jobs and BullMQ's lock renewal. Progress goes back as messages (the parent writes it to the
 * run row); a shared flag lets the parent stop the search early.
 */
export interface ThreadData {
  input: RosterInput;
  timeLimitSeconds: number;
  /** Int32Array over a SharedArrayBuffer: 1 = stop with the best roster so far. */
  stop: SharedArrayBuffer;
  solver: "highs" | "greedy";
}

export type ThreadMessage =
  | { type: "progress"; progress: RosterProgress }
  | { type: "result"; result: RosterResult; solver: "highs" | "greedy"; fallback?: string }
  | { type: "error"; message: string };

const data = workerData as ThreadData;
const stop = new Int32Array(data.stop);
const post = (m: ThreadMessage) => parentPort!.postMessage(m);

try {
  const highs = await loadHighs();
  let result: RosterResult;
  let solver = data.solver;
  let fallback: string | undefined;
  if (solver === "greedy") result = solveRosterGreedy(data.input, highs);
  else {
    try {
      result = await solveRoster(data.input, {
        highs,
        timeLimitSeconds: data.timeLimitSeconds,
        onProgress: (progress) => post({ type: "progress", progress }),
        shouldStop: () => Atomics.load(stop, 0) === 1,
      });
    } catch (err) {
      // A solver failure (a Wasm trap, an input the model cannot take) still yields a legal roster.
      post({ type: "progress", progress: { phase: "assign", fraction: 0.9 } });
      result = solveRosterGreedy(data.input, highs);
      solver = "greedy";
      fallback = err instanceof Error ? err.message : String(err);
    }
  }
  post({ type: "result", result, solver, ...(fallback ? { fallback } : {}) });
} catch (err) {
  post({ type: "error", message: err instanceof Error ? err.message : String(err) });
}
