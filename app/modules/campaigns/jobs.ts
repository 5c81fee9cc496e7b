import { z } from "zod";

/**
 * Payloads of the campaign queues (platform/queues.server.ts registers them); the rows hold the rest.
 * - campaigns.import: one list import's review or commit, idempotent by the import's status.
 * - campaigns.dial: the dialer's tick (a repeatable job, every second).
 * - campaigns.attempt: one dial, idempotent by the attempt's state (job id = the attempt).
 */
export const importJobSchema = z.object({ tenantId: z.string().uuid(), importId: z.string().uuid(), phase: z.enum(["review", "commit"]) });
export type ImportJob = z.infer<typeof importJobSchema>;

export const dialJobSchema = z.object({ at: z.string().datetime().optional() }).default({});

export const attemptJobSchema = z.object({ tenantId: z.string().uuid(), attemptId: z.string().uuid() });
export type AttemptJob = z.infer<typeof attemptJobSchema>;

export const attemptJobId = (p: AttemptJob) => `attempt-${p.attemptId}`;
export const importJobId = (p: ImportJob) => `import-${p.importId}-${p.phase}`;
