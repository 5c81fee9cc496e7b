import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { z } from "zod";
import { closeJobSchema, finalizedJobSchema, scheduleJobSchema } from "../billing/jobs";
import { mailJobSchema } from "../mail/messages";
import { stripeInvoiceJobId, stripeInvoiceJobSchema } from "../billing/stripe-jobs";
import { wfmRunJobSchema } from "../wfm/jobs";
import { attemptJobId, attemptJobSchema, dialJobSchema, importJobId, importJobSchema } from "../campaigns/jobs";
import { deliverJobId, deliverJobSchema, generateJobId, generateJobSchema, reportsTickSchema } from "../reports/jobs";
import { loadEnv } from "./env.server";

/**
 * The one queue registry: queue name -> payload schema -> job options -> handler. Routes and modules
 * enqueue through `enqueue` (type-checked and validated); workers/index.ts runs a BullMQ worker per
 * entry and imports each handler lazily, so the web process never loads handler code.
 */
export interface JobContext {
  queue: string;
  jobId: string;
  attempt: number;
}

interface QueueDefinition<S extends z.ZodTypeAny> {
  schema: S;
  concurrency: number;
  jobOptions: JobsOptions;
  /** A deterministic job id makes enqueueing the same work twice a no-op (BullMQ ignores the duplicate). */
  jobId?: (payload: z.output<S>) => string | undefined;
  /** Log each finished job at debug level only (a tick every second would drown the log). */
  quiet?: boolean;
  handler: () => Promise<(payload: z.output<S>, ctx: JobContext) => Promise<unknown>>;
}

const define = <S extends z.ZodTypeAny>(d: QueueDefinition<S>) => d;

const digest = (s: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(s))).slice(0, 40);

const DAY = 24 * 60 * 60;

export const QUEUES = {
  "mail.send": define({
    schema: mailJobSchema,
    concurrency: 5,
    // 6 attempts, 5 s doubling: 5, 10, 20, 40, 80 s between them. Completed jobs (they carry a reset
    // link) are removed at once; failed ones are kept a week for inspection.
    jobOptions: { attempts: 6, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: true, removeOnFail: { age: 7 * DAY, count: 1000 } },
    // An invoice's mail has one id per invoice: enqueueing it again (a re-run close) adds nothing.
    jobId: (p) =>
      p.template === "passwordReset"
        ? `passwordReset-${digest(p.token)}`
        : p.template === "invoice"
          ? `invoice-${p.invoiceId}`
          : p.template === "report"
            ? // One mail per report file and recipient: a retried delivery mails nobody twice.
              `report-${p.jobId}-${digest(p.to)}`
            : // One schedule mail per agent and roster: publishing the same roster again adds nothing.
              `schedule-${p.rosterId}-${p.agentId}`,
    handler: async () => (await import("../mail/send.server")).handleMailSend,
  }),
  /** One tenant's monthly close (billing/runs.server.ts); the job id is the run and the tenant. */
  "billing.close": define({
    schema: closeJobSchema,
    concurrency: 2,
    jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 30 * DAY } },
    handler: async () => {
      const { handleCloseJob } = await import("../billing/runs.server");
      return (payload, ctx) => handleCloseJob(payload, { attempt: ctx.attempt, maxAttempts: 3 });
    },
  }),
  /** After an invoice is finalized: its PDF, its mail, its Stripe mirror (billing/after-finalize.server.ts). */
  "billing.finalized": define({
    schema: finalizedJobSchema,
    concurrency: 1,
    jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 10_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 30 * DAY } },
    handler: async () => {
      const { afterFinalize } = await import("../billing/after-finalize.server");
      return (payload) => afterFinalize(payload.tenantId, payload.invoiceId);
    },
  }),
  /** Meters interactions that ended (every 15 s, see BILLING_SCHEDULES): usage accrues as it happens. */
  "billing.meter": define({
    schema: scheduleJobSchema,
    concurrency: 1,
    jobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
    handler: async () => {
      const { meterAll } = await import("../billing/jobs.server");
      return () => meterAll();
    },
  }),
  /** Daily at 00:30 in Tehran: on the first day of a billing month, close the month that ended. */
  "billing.schedule": define({
    schema: scheduleJobSchema,
    concurrency: 1,
    jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 60_000 }, removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } },
    handler: async () => {
      const { scheduledClose } = await import("../billing/runs.server");
      return (payload) => scheduledClose(payload.at ? new Date(payload.at) : new Date());
    },
  }),
  /**
   * Every 60 s (SCHEDULES): unreported usage -> Stripe meter events (billing/stripe.server.ts). A no-op
   * without STRIPE_SECRET_KEY. One at a time: the client-side rate limit is per process.
   */
  "billing.stripe-usage": define({
    schema: scheduleJobSchema,
    concurrency: 1,
    jobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
    handler: async () => {
      const { handleStripeUsageJob } = await import("../billing/stripe.server");
      return () => handleStripeUsageJob();
    },
  }),
  /**
   * A finalized invoice mirrored to Stripe, one job per invoice (deterministic id). 8 attempts, 30 s
   * doubling (~2 h in all) ride out a Stripe incident; a refusal Stripe would repeat fails at once.
   */
  "billing.stripe-invoice": define({
    schema: stripeInvoiceJobSchema,
    concurrency: 2,
    jobOptions: { attempts: 8, backoff: { type: "exponential", delay: 30_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 30 * DAY } },
    jobId: stripeInvoiceJobId,
    handler: async () => {
      const { handleStripeInvoiceJob } = await import("../billing/stripe.server");
      return (payload) => handleStripeInvoiceJob(payload);
    },
  }),
  /** A WFM forecast run (wfm/forecast.server.ts): every queue's history -> forecast and backtest, stored. */
  "wfm.forecast": define({
    schema: wfmRunJobSchema,
    concurrency: 1,
    jobOptions: { attempts: 2, backoff: { type: "exponential", delay: 10_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 30 * DAY } },
    handler: async () => {
      const { handleForecastRun } = await import("../wfm/forecast.server");
      return (payload, ctx) => handleForecastRun(payload.runId, { attempt: ctx.attempt });
    },
  }),
  /**
   * A WFM roster run (wfm/roster.server.ts): the solver runs in a worker thread, so this process keeps
   * serving its other queues; one at a time, each run uses a core for its whole budget.
   */
  "wfm.roster": define({
    schema: wfmRunJobSchema,
    concurrency: 1,
    jobOptions: { attempts: 2, backoff: { type: "exponential", delay: 10_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 30 * DAY } },
    handler: async () => {
      const { handleRosterRun } = await import("../wfm/roster.server");
      return (payload, ctx) => handleRosterRun(payload.runId, { attempt: ctx.attempt });
    },
  }),
  /** A contact list's review or commit (campaigns/imports.server.ts); progress is written to the import row. */
  "campaigns.import": define({
    schema: importJobSchema,
    concurrency: 1,
    // Finished ids are dropped at once: a list mapped again reviews again under the same id.
    jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: true, removeOnFail: true },
    jobId: importJobId,
    handler: async () => {
      const { handleImportJob } = await import("../campaigns/imports.server");
      return (payload, ctx) => handleImportJob(payload, { attempt: ctx.attempt, maxAttempts: 3 });
    },
  }),
  /** The dialer's tick, every second (SCHEDULES): due results, abandons, dispositions, then new dials. */
  "campaigns.dial": define({
    schema: dialJobSchema,
    concurrency: 1,
    quiet: true,
    jobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
    handler: async () => {
      const { dialerTick } = await import("../campaigns/dialer.server");
      return (payload) => dialerTick(payload.at ? { now: new Date(payload.at) } : {});
    },
  }),
  /** One dial (campaigns/dialer.server.ts): the job id is the attempt, and the attempt's state makes a repeat a no-op. */
  "campaigns.attempt": define({
    schema: attemptJobSchema,
    concurrency: 16,
    jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 2_000 }, removeOnComplete: true, removeOnFail: { age: 7 * DAY, count: 1000 } },
    jobId: attemptJobId,
    quiet: true,
    handler: async () => {
      const { handleAttemptJob } = await import("../campaigns/dialer.server");
      return (payload) => handleAttemptJob(payload);
    },
  }),
  /**
   * Every minute (SCHEDULES): the report rollups brought up to date from the record (interactions
   * with unseen events, agent time, campaign days; reports/rollup.server.ts). One at a time: runs are
   * serialized by an advisory lock as well, so a second worker process skips.
   */
  "reports.rollup": define({
    schema: reportsTickSchema,
    concurrency: 1,
    jobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
    handler: async () => {
      const { runRollup } = await import("../reports/rollup.server");
      return (payload) => runRollup(payload.at ? { now: new Date(payload.at) } : {});
    },
  }),
  /** A report rendered into its file (XLSX, CSV, PDF) with its progress in the job row (reports/files.server.ts). */
  "reports.generate": define({
    schema: generateJobSchema,
    concurrency: 2,
    jobOptions: { attempts: 2, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: { age: DAY }, removeOnFail: { age: 7 * DAY } },
    jobId: generateJobId,
    handler: async () => {
      const { generateReport } = await import("../reports/files.server");
      return (payload, ctx) => generateReport(payload, { attempt: ctx.attempt, maxAttempts: 2 });
    },
  }),
  /** Every minute (SCHEDULES): subscriptions whose period ended, queued for delivery once each. */
  "reports.schedule": define({
    schema: reportsTickSchema,
    concurrency: 1,
    jobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: { count: 100 } },
    handler: async () => {
      const { scheduleDue } = await import("../reports/subscriptions.server");
      return (payload) => scheduleDue(payload.at ? new Date(payload.at) : new Date());
    },
  }),
  /** A subscription's period rendered and mailed (one id per subscription and period). */
  "reports.deliver": define({
    schema: deliverJobSchema,
    concurrency: 1,
    jobOptions: { attempts: 3, backoff: { type: "exponential", delay: 30_000 }, removeOnComplete: { age: 7 * DAY }, removeOnFail: { age: 30 * DAY } },
    jobId: deliverJobId,
    handler: async () => {
      const { deliverSubscription } = await import("../reports/subscriptions.server");
      return (payload) => deliverSubscription(payload);
    },
  }),
};

/** Repeating jobs, registered by the workers process at start (idempotent upserts). */
export const SCHEDULES: { queue: QueueName; id: string; repeat: { every?: number; pattern?: string; tz?: string } }[] = [
  { queue: "billing.meter", id: "billing-meter", repeat: { every: 15_000 } },
  { queue: "billing.schedule", id: "billing-schedule", repeat: { pattern: "30 0 * * *", tz: "Asia/Tehran" } },
  { queue: "billing.stripe-usage", id: "billing-stripe-usage", repeat: { every: 60_000 } },
  { queue: "campaigns.dial", id: "campaigns-dial", repeat: { every: 1_000 } },
  { queue: "reports.rollup", id: "reports-rollup", repeat: { every: 60_000 } },
  { queue: "reports.schedule", id: "reports-schedule", repeat: { every: 60_000 } },
];

export type QueueName = keyof typeof QUEUES;

export async function upsertSchedules(): Promise<void> {
  for (const s of SCHEDULES) await queue(s.queue).upsertJobScheduler(s.id, s.repeat, { name: s.queue, data: {}, opts: QUEUES[s.queue].jobOptions });
}
export type QueuePayload<N extends QueueName> = z.input<(typeof QUEUES)[N]["schema"]>;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export function queuePrefix() {
  return loadEnv().BULLMQ_PREFIX;
}

/** BullMQ needs connections that retry forever (maxRetriesPerRequest: null). */
export function bullConnection(): Redis {
  return new Redis(loadEnv().REDIS_URL, { maxRetriesPerRequest: null });
}

const KEY = Symbol.for("hamkal.queues");
type Producers = { connection: Redis; queues: Map<string, Queue> };
type Holder = { [KEY]?: Producers };

function producers(): Producers {
  const holder = globalThis as Holder;
  holder[KEY] ??= { connection: bullConnection(), queues: new Map() };
  return holder[KEY];
}

export function queue(name: QueueName): Queue {
  const p = producers();
  let q = p.queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: p.connection, prefix: queuePrefix() });
    p.queues.set(name, q);
  }
  return q;
}

/**
 * Validates the payload against the queue's schema and adds the job with the queue's retry policy.
 * Returns the job id (deterministic where the registry defines one).
 */
export async function enqueue<N extends QueueName>(name: N, payload: QueuePayload<N>, opts: JobsOptions = {}): Promise<string> {
  const def = QUEUES[name] as unknown as QueueDefinition<z.ZodTypeAny>;
  const data: unknown = def.schema.parse(payload);
  const jobId = opts.jobId ?? def.jobId?.(data);
  const job = await queue(name).add(name, data, { ...def.jobOptions, ...opts, ...(jobId ? { jobId } : {}) });
  return job.id!;
}

/** enqueue for many payloads of one queue in one round trip (BullMQ addBulk); ids as the registry defines them. */
export async function enqueueMany<N extends QueueName>(name: N, payloads: readonly QueuePayload<N>[]): Promise<void> {
  if (payloads.length === 0) return;
  const def = QUEUES[name] as unknown as QueueDefinition<z.ZodTypeAny>;
  await queue(name).addBulk(
    payloads.map((payload) => {
      const data: unknown = def.schema.parse(payload);
      const jobId = def.jobId?.(data);
      return { name, data, opts: { ...def.jobOptions, ...(jobId ? { jobId } : {}) } };
    }),
  );
}

export async function closeQueues() {
  const holder = globalThis as Holder;
  const p = holder[KEY];
  holder[KEY] = undefined;
  if (!p) return;
  await Promise.allSettled([...p.queues.values()].map((q) => q.close()));
  await p.connection.quit().catch(() => p.connection.disconnect());
}
