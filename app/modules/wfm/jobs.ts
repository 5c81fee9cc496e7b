import { z } from "zod";

/** Payloads of the WFM queues (platform/queues.server.ts registers them): the run row holds the rest. */
export const wfmRunJobSchema = z.object({ runId: z.string().uuid() });
export type WfmRunJob = z.infer<typeof wfmRunJobSchema>;
