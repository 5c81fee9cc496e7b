import { AsyncLocalStorage } from "node:async_hooks";

/**
 * Per-request (or per-job) context that every log line carries. The server entry and the Remix build
 * are bundled separately, so the store lives on globalThis: both copies must see the same instance.
 */
export interface RequestContext {
  requestId?: string;
  jobId?: string;
  tenantId?: string;
  userId?: string;
}

const KEY = Symbol.for("hamkal.requestContext");
type Holder = { [KEY]?: AsyncLocalStorage<RequestContext> };

export const requestContext: AsyncLocalStorage<RequestContext> =
  ((globalThis as Holder)[KEY] ??= new AsyncLocalStorage<RequestContext>());

/** Adds fields (tenant, user) to the current request's context once they are known. */
export function annotateContext(fields: Partial<RequestContext>) {
  const store = requestContext.getStore();
  if (store) Object.assign(store, fields);
}
