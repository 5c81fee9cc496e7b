import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { requestContext } from "../app/modules/platform/context.server";
import { logger } from "../app/modules/platform/logger.server";
import { bullConnection, QUEUE_NAMES, QUEUES, queuePrefix, type JobContext, type QueueName } from "../app/modules/platform/queues.server";

/**
 * One BullMQ worker per registered queue. Each job runs inside its own request context, so every log
 * line it writes carries the job id. A payload that fails its schema is not retried.
 */
export interface RunningWorkers {
  workers: Worker[];
  close(): Promise<void>;
}

type AnyDefinition = {
  schema: z.ZodTypeAny;
  concurrency: number;
  quiet?: boolean;
  handler: () => Promise<(payload: unknown, ctx: JobContext) => Promise<unknown>>;
};

export async function processJob(name: QueueName, job: Pick<Job, "id" | "data" | "attemptsMade">) {
  const def = QUEUES[name] as unknown as AnyDefinition;
  const jobId = String(job.id);
  return requestContext.run({ jobId: `${name}/${jobId}` }, async () => {
    const parsed = def.schema.safeParse(job.data);
    if (!parsed.success) {
      logger.error({ queue: name, issues: parsed.error.issues }, "job payload rejected");
      throw new UnrecoverableError(`invalid payload for ${name}`);
    }
    const handler = await def.handler();
    const attempt = job.attemptsMade + 1;
    const started = Date.now();
    try {
      await handler(parsed.data, { queue: name, jobId, attempt });
      logger[def.quiet ? "debug" : "info"]({ queue: name, attempt, ms: Date.now() - started }, "job done");
    } catch (err) {
      logger.warn({ queue: name, attempt, err }, "job failed");
      throw err;
    }
  });
}

export function startWorkers(names: readonly QueueName[] = QUEUE_NAMES): RunningWorkers {
  const connections: Redis[] = [];
  const workers = names.map((name) => {
    const connection = bullConnection();
    connections.push(connection);
    const def = QUEUES[name] as unknown as AnyDefinition;
    const worker = new Worker(name, (job) => processJob(name, job), {
      connection,
      prefix: queuePrefix(),
      concurrency: def.concurrency,
    });
    worker.on("error", (err) => logger.error({ queue: name, err }, "worker error"));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.allSettled(workers.map((w) => w.close()));
      await Promise.allSettled(connections.map((c) => c.quit()));
    },
  };
}
