import { sql } from "kysely";
import { asBureau } from "../auth/bureau.server";
import type { BureauCtx } from "../bureau/context.server";
import { NotFoundError } from "../bureau/errors";
import { db, type Executor } from "../platform/db.server";
import type { WfmRunKind, WfmRunStatus, WfmRunView } from "./views";

/**
 * WFM runs (forecast and roster jobs): the row is created with the request, the job only carries its
 * id. Progress is written outside the job's own work (its own statements, like billing's run items),
 * so the console sees each phase while the job runs; writes are throttled and serialised.
 */

export async function createRun(
  trx: Executor,
  input: { kind: WfmRunKind; weekStart?: string | null; weeks?: number | null; params: Record<string, unknown>; startedBy: string | null },
): Promise<string> {
  const row = await trx
    .insertInto("wfm_runs")
    .values({ kind: input.kind, week_start: input.weekStart ?? null, weeks: input.weeks ?? null, params: JSON.stringify(input.params), started_by: input.startedBy })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Takes a queued run for this job (one statement, so two workers never both run it). A retry
 * (attempt > 1) may take a run a crashed attempt left running. Returns the run's params, or null
 * when someone else has it or it is finished.
 */
export async function claimRun(runId: string, kind: WfmRunKind, attempt = 1): Promise<{ params: unknown; startedBy: string | null } | null> {
  const row = await db()
    .updateTable("wfm_runs")
    .set({ status: "running", started_at: sql<Date>`coalesce(started_at, now())`, error: null, updated_at: new Date() })
    .where("id", "=", runId)
    .where("kind", "=", kind)
    .where((eb) => (attempt > 1 ? eb("status", "in", ["queued", "running"]) : eb("status", "=", "queued")))
    .returning(["params", "started_by"])
    .executeTakeFirst();
  return row ? { params: row.params, startedBy: row.started_by } : null;
}

export interface RunPatch {
  status?: WfmRunStatus;
  phase?: string | null;
  progress?: number;
  objective?: number | null;
  mipGap?: number | null;
  result?: unknown;
  error?: string | null;
  rosterId?: string | null;
}

export async function patchRun(runId: string, patch: RunPatch, trx: Executor = db()): Promise<void> {
  const finite = (v: number | null | undefined) => (v === undefined ? undefined : v === null || !Number.isFinite(v) ? null : v);
  await trx
    .updateTable("wfm_runs")
    .set({
      ...(patch.status ? { status: patch.status } : {}),
      ...(patch.status === "running" ? { started_at: sql<Date>`coalesce(started_at, now())` } : {}),
      ...(patch.status === "done" || patch.status === "failed" ? { finished_at: new Date() } : {}),
      ...(patch.phase !== undefined ? { phase: patch.phase } : {}),
      // Monotone: a late message never moves the bar back.
      ...(patch.progress !== undefined ? { progress: sql<number>`greatest(progress, ${Math.min(1, Math.max(0, patch.progress))}::double precision)` } : {}),
      ...(finite(patch.objective) !== undefined ? { objective: finite(patch.objective)! } : {}),
      ...(finite(patch.mipGap) !== undefined ? { mip_gap: finite(patch.mipGap)! } : {}),
      ...(patch.result !== undefined ? { result: JSON.stringify(patch.result) } : {}),
      ...(patch.error !== undefined ? { error: patch.error } : {}),
      ...(patch.rosterId !== undefined ? { roster_id: patch.rosterId } : {}),
      updated_at: new Date(),
    })
    .where("id", "=", runId)
    .execute();
}

/**
 * A progress sink for a callback that fires often (the solver's MIP improvements): at most one write
 * per `everyMs` unless the phase changes, each after the previous one, the last one always written.
 */
export function progressWriter(runId: string, everyMs = 400) {
  let chain: Promise<void> = Promise.resolve();
  let lastAt = 0;
  let lastPhase: string | null = null;
  let pending: RunPatch | null = null;
  const flushPending = () => {
    if (!pending) return;
    const p = pending;
    pending = null;
    lastAt = Date.now();
    chain = chain.then(() => patchRun(runId, p)).catch(() => undefined);
  };
  return {
    report(patch: RunPatch) {
      pending = { ...pending, ...patch };
      if (patch.phase !== lastPhase || Date.now() - lastAt >= everyMs) {
        lastPhase = patch.phase ?? lastPhase;
        flushPending();
      }
    },
    async flush() {
      flushPending();
      await chain;
    },
  };
}

type RunRow = {
  id: string;
  kind: string;
  status: string;
  phase: string | null;
  progress: number;
  week_start: string | null;
  weeks: number | null;
  objective: number | null;
  mip_gap: number | null;
  result: unknown;
  roster_id: string | null;
  error: string | null;
  started_by_name: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
};

function runQuery(trx: Executor) {
  return trx
    .selectFrom("wfm_runs as r")
    .leftJoin("users as u", "u.id", "r.started_by")
    .select([
      "r.id",
      "r.kind",
      "r.status",
      "r.phase",
      "r.progress",
      sql<string | null>`to_char(r.week_start, 'YYYY-MM-DD')`.as("week_start"),
      "r.weeks",
      "r.objective",
      "r.mip_gap",
      "r.result",
      "r.roster_id",
      "r.error",
      "u.name as started_by_name",
      "r.created_at",
      "r.started_at",
      "r.finished_at",
    ]);
}

function toView(r: RunRow): WfmRunView {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: r.id,
    kind: r.kind as WfmRunKind,
    status: r.status as WfmRunStatus,
    phase: r.phase as WfmRunView["phase"],
    progress: r.progress,
    weekStart: r.week_start,
    weeks: r.weeks,
    objective: r.objective,
    mipGap: r.mip_gap,
    result: (r.result ?? null) as WfmRunView["result"],
    rosterId: r.roster_id,
    error: r.error,
    startedByName: r.started_by_name,
    createdAt: r.created_at.toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}

export async function readRun(trx: Executor, runId: string): Promise<WfmRunView | null> {
  const row = await runQuery(trx).where("r.id", "=", runId).executeTakeFirst();
  return row ? toView(row as RunRow) : null;
}

export async function listWfmRuns(ctx: BureauCtx, opts: { kind?: WfmRunKind; limit?: number } = {}): Promise<WfmRunView[]> {
  return asBureau(ctx, "wfm.read", async (trx) => {
    const rows = await runQuery(trx)
      .$if(opts.kind !== undefined, (q) => q.where("r.kind", "=", opts.kind!))
      .orderBy("r.created_at", "desc")
      .limit(Math.min(100, opts.limit ?? 20))
      .execute();
    return rows.map((r) => toView(r as RunRow));
  });
}

export async function wfmRun(ctx: BureauCtx, runId: string): Promise<WfmRunView> {
  return asBureau(ctx, "wfm.read", async (trx) => {
    const run = await readRun(trx, runId);
    if (!run) throw new NotFoundError("wfm run");
    return run;
  });
}
