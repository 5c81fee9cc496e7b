import { z } from "zod";

/** Payloads of the reports queues (platform/queues.server.ts registers them). Pure. */

/** Repeating jobs carry nothing; a test may pin the clock. */
export const reportsTickSchema = z.object({ at: z.string().datetime().optional() });

/** Render one stored report job (a tenant's, or the bureau's when tenantId is null) into its file. */
export const generateJobSchema = z.object({ tenantId: z.string().uuid().nullable(), jobId: z.string().uuid() });
export type GenerateJob = z.infer<typeof generateJobSchema>;

/** A subscription's report for a period that ended: rendered and mailed to its recipients. */
export const deliverJobSchema = z.object({ tenantId: z.string().uuid().nullable(), subscriptionId: z.string().uuid(), periodLabel: z.string().min(4).max(10) });
export type DeliverJob = z.infer<typeof deliverJobSchema>;

/** One id per subscription and period: a second scheduler tick (or worker) queues nothing twice. */
export const deliverJobId = (p: DeliverJob) => `deliver-${p.subscriptionId}-${p.periodLabel}`;
export const generateJobId = (p: GenerateJob) => `generate-${p.jobId}`;
