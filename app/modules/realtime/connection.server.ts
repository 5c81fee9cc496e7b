import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * A disconnect signal for event streams that does not depend on `request.signal`.
 *
 * Remix 2 hands a loader a Request derived twice from the one the Express adapter aborts
 * (stripIndexParam, then stripRoutesParam). Node's fetch links a derived Request's signal to its
 * source through a WeakRef, so once the unreferenced middle Request is garbage-collected the abort
 * never reaches the loader (nodejs/node#55428, remix-run/remix#10030). Under load most streams
 * would then outlive their browsers: the SSE benchmark found 1,350 of 2,020 still open after every
 * client had gone. The web entry therefore runs /events requests inside this scope, with a signal
 * tied directly to the Node response's "close".
 */

// On globalThis: the Express entry and the Remix build are bundled separately (and Vite loads its
// own copy in dev), and all of them must see the same store.
const KEY = Symbol.for("hamkal.realtime.connection");
type Holder = { [KEY]?: AsyncLocalStorage<AbortSignal> };
const scope: AsyncLocalStorage<AbortSignal> = ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<AbortSignal>());

/** Express/connect middleware for the event-stream routes (mounted on /events by the web entry). */
export function trackDisconnect(_req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const controller = new AbortController();
  res.once("close", () => controller.abort());
  scope.run(controller.signal, next);
}

/** The current request's disconnect signal, when the web entry set one up. */
export function connectionSignal(): AbortSignal | undefined {
  return scope.getStore();
}
