import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { Queue, type JobsOptions } from "bullmq";
import { Redis } from "ioredis";
import type { z } from "zod";
import { closeJobSchema, finalizedJobSchema, scheduleJobSchema } from "../billing/jobs";
import { mailJobSchema } from "../mail/messages";
import { wfmRunJobSchema } from "../wfm/jobs";
import { stripeInvoiceJobId, stripeInvoiceJobSchema } from "../billing/stripe-jobs";
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
};

/** Repeating jobs, registered by the workers process at start (idempotent upserts). */
export const SCHEDULES: { queue: QueueName; id: string; repeat: { every?: number; pattern?: string; tz?: string } }[] = [
  { queue: "billing.meter", id: "billing-meter", repeat: { every: 15_000 } },
  { queue: "billing.schedule", id: "billing-schedule", repeat: { pattern: "30 0 * * *", tz: "Asia/Tehran" } },
  { queue: "billing.stripe-usage", id: "billing-stripe-usage", repeat: { every: 60_000 } },
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

export async function closeQueues() {
  const holder = globalThis as Holder;
  const p = holder[KEY];
  holder[KEY] = undefined;
  if (!p) return;
  await Promise.allSettled([...p.queues.values()].map((q) => q.close()));
  await p.connection.quit().catch(() => p.connection.disconnect());
}
