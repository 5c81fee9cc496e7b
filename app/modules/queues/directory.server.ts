import type { Executor } from "../platform/db.server";

/**
 * The tenant's queues as other modules see them: the key an IVR queue step names, and the name people
 * read. Kept apart from queues.server.ts so the IVR module can read it without a circular import (the
 * queue editor asks the IVR module which published flows name a queue).
 */
export interface QueueOption {
  id: string;
  key: string;
  name: string;
}

/** Runs in the caller's transaction (tenant or bureau scope); ordered by key, so lists are stable. */
export function queueOptions(trx: Executor, tenantId: string): Promise<QueueOption[]> {
  return trx.selectFrom("queues").select(["id", "key", "name"]).where("tenant_id", "=", tenantId).orderBy("key").execute();
}
