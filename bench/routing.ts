import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import type { DB } from "../db/types";
import { createTestDatabase, dropTestDatabase, ownerDb, TEST_SERVER } from "../tests/setup/test-db";
import { mulberry32 as prng } from "../app/modules/platform/random";

/**
 * The ACD under load (issue 4): "assignments/s and p50/p99 enqueue-to-offer latency with 2,000
 * agents across 100 tenants at 200 arrivals/s, beside a raw SKIP LOCKED claim loop on the same
 * database (ratio at least 0.5, p99 under 50 ms)".
 *
 * Fixture (scratch database, owner connection, bulk inserts): 100 tenants with 2-3 queues each
 * (general; billing, which needs the "billing" skill; on every other tenant english, language en),
 * three dispositions each; 2,000 agents, each working 1-3 tenants (bigger tenants, by a Zipf-like
 * traffic weight, get more of them) and every queue of those tenants it is eligible for, all
 * available with spread idle times; BENCH_HISTORY completed calls already routed (so the tables and
 * indexes are not empty), and as many finished jobs in the baseline's table.
 *
 * Load, the same for both variants: an open-loop Poisson process of BENCH_RATE arrivals/s for
 * BENCH_WARMUP + BENCH_SECONDS seconds (the same arrival times, tenants, queues and handling times
 * for both), each arrival picking a tenant by weight and one of its queues. Simulated agents, in
 * process, act on every offer they get: after a ring time they accept, talk, end the contact, wrap
 * up and close the wrap-up with a disposition, which makes them available and lets the ACD give
 * them the next waiting contact. Their requests go through BENCH_WORKERS async workers (as a web
 * process serving desktops would; enough of them that the pool of 10, not the workers, is the limit:
 * with too few, agents stay "busy" waiting for a worker and contacts wait for staffing that exists);
 * arrivals are not throttled (open loop). The routing timer's sweep runs every second, as in the
 * workers process. Routing publishes to Redis after commit as deployed (nobody subscribes here).
 *
 * - ACD: arrival = enqueue() of a pre-created interaction (the insert and the match in one
 *   transaction); the agent steps are acceptOffer, endContact, finishWrapUp (which offers the agent
 *   its next contact in the same transaction). One app pool of
 *   DATABASE_POOL_MAX=10 connections (app role, RLS, bureau scope), as one process has.
 * - Baseline: a raw SKIP LOCKED claim loop on the same database with its own pool of 10 (app role):
 *   a job table and a worker table of the same sizes; an arrival inserts its job and claims the idle
 *   worker idle longest (UPDATE ... WHERE id = (SELECT ... FOR UPDATE SKIP LOCKED LIMIT 1)); a worker
 *   that finishes releases its job and claims the oldest waiting one in the same transaction; a
 *   one-second sweep pairs what a skipped lock left behind. No tenants, skills, events or Redis.
 *
 * Enqueue-to-offer latency: from the start of the arrival's enqueue call to the moment its offer is
 * committed, on this process's clock. Every offer is seen at commit by the in-process routing notice
 * listener (notifyAfterCommit), whichever path made it (the enqueue itself, a freed agent's
 * matchAgent, the sweep), so contacts offered later are timed the same way; the database's own
 * offered_at - enqueued_at is printed as a cross-check (0 for a contact offered in its enqueue
 * transaction, whose now() is one instant). Contacts that were not offered at once are
 * split by whether an eligible agent was free when they were enqueued (reconstructed from
 * agent_state_events): with none free the wait is staffing (or, in an overloaded run, agents held up
 * by their own requests queueing for a connection), not the matcher. The 50 ms target applies to the
 * contacts an agent was free for; the all-contacts figures are printed beside it.
 * Assignments/s: offers committed during the measured window / its length.
 *
 * Also printed: the cost of a contact over its whole life (statements sent, commits, CPU of this
 * process and of its Postgres backends when Postgres runs on this machine), and the machine's CPU.
 *
 * Correctness checks (must be 0): contacts lost (waiting although an eligible agent is free, still
 * so 3 s later with the sweep running, after the drain), agents holding two live contacts or given a
 * contact before their previous one ended, contacts offered more often than they were missed + 1
 * (routing.offered events), errors.
 *
 * Environment: BENCH_SECONDS (25), BENCH_RATE (200), BENCH_WARMUP (5), BENCH_AGENTS (2000),
 * BENCH_TENANTS (100), BENCH_HISTORY (100000), BENCH_WORKERS (32), BENCH_RING_MS (100-400),
 * BENCH_TALK_MS (1000-3000), BENCH_WRAP_MS (200-800), BENCH_SEED (42), BENCH_REDIS_URL
 * (redis://127.0.0.1:6379/15). BENCH_KEEP_DB=1 keeps the scratch database (for EXPLAIN);
 * BENCH_PROFILE=1 prints the statements sent per assignment and which ones the connections were busy
 * in (pg_stat_activity sampled every 10 ms).
 */
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 50;
const POOL_MAX = 10;

// ---------------------------------------------------------------------------------------------------
// Configuration, randomness, statistics

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return n;
}

function envRange(name: string, fallback: [number, number]): [number, number] {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw.trim());
  if (!m) throw new Error(`${name} must be "min-max" in ms, got ${raw}`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi < lo) throw new Error(`${name}: max is below min`);
  return [lo, hi];
}

function config() {
  return {
    seconds: envNumber("BENCH_SECONDS", 25),
    rate: envNumber("BENCH_RATE", 200),
    warmup: envNumber("BENCH_WARMUP", 5),
    agents: Math.round(envNumber("BENCH_AGENTS", 2000)),
    tenants: Math.round(envNumber("BENCH_TENANTS", 100)),
    history: Math.round(envNumber("BENCH_HISTORY", 100_000)),
    workers: Math.max(1, Math.round(envNumber("BENCH_WORKERS", 32))),
    ringMs: envRange("BENCH_RING_MS", [100, 400]),
    talkMs: envRange("BENCH_TALK_MS", [1000, 3000]),
    wrapMs: envRange("BENCH_WRAP_MS", [200, 800]),
    seed: Math.round(envNumber("BENCH_SEED", 42)),
    keepDb: process.env.BENCH_KEEP_DB === "1",
  };
}
type Config = ReturnType<typeof config>;

type Rand = () => number;

const between = (rand: Rand, [lo, hi]: [number, number]) => lo + rand() * (hi - lo);

function pickWeighted<T>(rand: Rand, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((s, t) => s + weight(t), 0);
  let r = rand() * total;
  for (const t of items) {
    r -= weight(t);
    if (r < 0) return t;
  }
  return items[items.length - 1]!;
}

function percentile(sorted: readonly number[], p: number) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function stats(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Statements sent to Postgres by this process (both pools), counted on pg's Client: the round trips a
 * contact costs are the ACD's main price, so the report shows them per assignment.
 */
let statementsSent = 0;
/** BENCH_PROFILE=1: statements by text, per run window. */
let statementKinds: Map<string, number> | null = null;
function countStatements() {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown; __benchCounted?: boolean };
  if (proto.__benchCounted) return;
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    statementsSent++;
    if (statementKinds) {
      const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "?");
      const key = text.replace(/\s+/g, " ").slice(0, 90);
      statementKinds.set(key, (statementKinds.get(key) ?? 0) + 1);
    }
    return original.apply(this, args);
  };
  proto.__benchCounted = true;
}

/** CPU time (user + system) of each process, in ms; Linux /proc (Postgres on this machine); absent when unreadable. */
function processCpuMs(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / 100);
    } catch {
      // gone, or not on this machine
    }
  }
  return out;
}

/** CPU the backends used between two snapshots: connections opened meanwhile count in full. */
function backendsCpuMs(start: Map<number, number> | null, end: Map<number, number>) {
  if (!start || (start.size === 0 && end.size === 0)) return NaN;
  let total = 0;
  for (const [pid, ms] of end) total += ms - (start.get(pid) ?? 0);
  return total;
}

/** Whole-machine CPU (Linux /proc/stat): busy and total jiffies. */
function machineCpu() {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((s, v) => s + v, 0);
    const idle = fields[3]! + fields[4]!;
    return { busy: total - idle, total };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

// ---------------------------------------------------------------------------------------------------
// Fixture

interface QueueFx {
  id: string;
  key: string;
  share: number;
  language: string | null;
  skills: string[];
}
interface TenantFx {
  id: string;
  weight: number;
  queues: QueueFx[];
  dispositionId: string;
}
interface Fixture {
  tenants: TenantFx[];
  agentIds: string[];
  agentsPerTenant: number[];
  agentsPerQueue: number[];
  queueAssignments: number;
}

async function buildFixture(owner: Kysely<DB>, cfg: Config, rand: Rand): Promise<Fixture> {
  const tenantRows = await owner
    .insertInto("tenants")
    .values(Array.from({ length: cfg.tenants }, (_, t) => ({ slug: `bench-${String(t).padStart(4, "0")}`, name: `Bench tenant ${t}` })))
    .returning(["id", "slug"])
    .execute();
  tenantRows.sort((a, b) => a.slug.localeCompare(b.slug));
  // Traffic (and staffing) weight: a few big clients, a long tail of small ones.
  const tenants: TenantFx[] = tenantRows.map((t, i) => ({ id: t.id, weight: 1 / Math.pow(i + 1, 0.6), queues: [], dispositionId: "" }));

  const queueValues = tenants.flatMap((t, i) => {
    const english = i % 2 === 0;
    return [
      { tenant_id: t.id, key: "general", name: "General", priority: 5, share: english ? 0.65 : 0.75, language: null, required_skills: [] as string[] },
      { tenant_id: t.id, key: "billing", name: "Billing", priority: 6, share: 0.25, language: null, required_skills: ["billing"] },
      ...(english ? [{ tenant_id: t.id, key: "english", name: "English", priority: 5, share: 0.1, language: "en", required_skills: [] as string[] }] : []),
    ];
  });
  const queueRows = await owner
    .insertInto("queues")
    .values(
      queueValues.map((q) => ({
        tenant_id: q.tenant_id,
        key: q.key,
        name: q.name,
        priority: q.priority,
        language: q.language,
        required_skills: q.required_skills,
        sl_threshold_seconds: 20,
        offer_timeout_seconds: 20,
        wrapup_seconds: 30,
        max_wait_seconds: 600,
      })),
    )
    .returning(["tenant_id", "id", "key"])
    .execute();
  const byTenant = new Map(tenants.map((t) => [t.id, t]));
  for (const q of queueValues) {
    const row = queueRows.find((r) => r.tenant_id === q.tenant_id && r.key === q.key)!;
    byTenant.get(q.tenant_id)!.queues.push({ id: row.id, key: q.key, share: q.share, language: q.language, skills: q.required_skills });
  }

  const dispositions = await owner
    .insertInto("dispositions")
    .values(
      tenants.flatMap((t) => [
        { tenant_id: t.id, code: "resolved", name: "Resolved", resolved: true, sort: 1 },
        { tenant_id: t.id, code: "follow-up", name: "Follow-up", resolved: false, sort: 2 },
        { tenant_id: t.id, code: "wrong-number", name: "Wrong number", resolved: false, sort: 3 },
      ]),
    )
    .returning(["tenant_id", "id", "code"])
    .execute();
  for (const d of dispositions) if (d.code === "resolved") byTenant.get(d.tenant_id)!.dispositionId = d.id;

  // Agents: users, staff role, agent profile (skills, languages).
  const agentIds: string[] = [];
  const profiles: { skills: string[]; languages: string[] }[] = [];
  for (const part of chunks(
    Array.from({ length: cfg.agents }, (_, i) => i),
    1000,
  )) {
    const users = await owner
      .insertInto("users")
      .values(part.map((i) => ({ email: `bench-agent-${i}@bench.local`, name: `Bench agent ${i}`, password_hash: null })))
      .returning("id")
      .execute();
    const ids = users.map((u) => u.id);
    await owner
      .insertInto("user_staff_roles")
      .values(ids.map((id) => ({ user_id: id, role: "agent" })))
      .execute();
    const rows = ids.map((id, k) => {
      const profile = { skills: rand() < 0.3 ? ["billing"] : [], languages: rand() < 0.3 ? ["fa", "en"] : ["fa"] };
      profiles.push(profile);
      return { user_id: id, employee_code: `B-${part[k]}`, skills: profile.skills, languages: profile.languages };
    });
    await owner.insertInto("agents").values(rows).execute();
    agentIds.push(...ids);
  }

  // Each agent works 1-3 tenants, chosen by traffic weight; every queue of theirs it is eligible for.
  const eligible = (a: number, q: QueueFx) => q.skills.every((s) => profiles[a]!.skills.includes(s)) && (!q.language || profiles[a]!.languages.includes(q.language));
  const agentTenants = agentIds.map(() => new Set<TenantFx>());
  for (let a = 0; a < agentIds.length; a++) {
    const want = 1 + Math.floor(rand() * 3);
    while (agentTenants[a]!.size < want) agentTenants[a]!.add(pickWeighted(rand, tenants, (t) => t.weight));
  }
  // Every queue gets at least 4 eligible agents: small tenants' billing and English lines too.
  for (const t of tenants) {
    for (const q of t.queues) {
      const have = () => agentIds.filter((_, a) => agentTenants[a]!.has(t) && eligible(a, q)).length;
      for (let n = have(); n < 4; n++) {
        const candidates = agentIds.map((_, a) => a).filter((a) => eligible(a, q) && !agentTenants[a]!.has(t));
        agentTenants[candidates[Math.floor(rand() * candidates.length)]!]!.add(t);
      }
    }
  }
  const assignments: { tenant_id: string; agent_id: string }[] = [];
  const queueAssignments: { tenant_id: string; queue_id: string; agent_id: string }[] = [];
  const perQueue = new Map<string, number>();
  for (let a = 0; a < agentIds.length; a++) {
    for (const t of agentTenants[a]!) {
      assignments.push({ tenant_id: t.id, agent_id: agentIds[a]! });
      for (const q of t.queues) {
        if (!eligible(a, q)) continue;
        queueAssignments.push({ tenant_id: t.id, queue_id: q.id, agent_id: agentIds[a]! });
        perQueue.set(q.id, (perQueue.get(q.id) ?? 0) + 1);
      }
    }
  }
  for (const part of chunks(assignments, 2000)) await owner.insertInto("agent_assignments").values(part).execute();
  for (const part of chunks(queueAssignments, 2000)) await owner.insertInto("agent_queue_assignments").values(part).execute();
  for (const part of chunks(agentIds, 1000)) {
    await owner
      .insertInto("agent_states")
      .values(part.map((id) => ({ agent_id: id, state: "available", idle_since: sql<Date>`now() - make_interval(secs => ${Math.round(rand() * 1800)})` })))
      .execute();
  }

  // History: calls routed earlier today, so the tables and indexes have the size of a working day.
  if (cfg.history > 0) {
    await sql`
      with q as (select tenant_id, id, priority, row_number() over (order by tenant_id, id) - 1 as rn from queues),
      n as (select count(*) as n from queues),
      g as (select g, (now() - make_interval(secs => 36000 * random()))::timestamptz as t from generate_series(1, ${cfg.history}::int) g),
      i as (
        insert into interactions (tenant_id, direction, state, provider, from_number, language, queue_id, started_at, queued_at, answered_at, wrapup_at, ended_at)
        select q.tenant_id, 'inbound', 'completed', 'simulator', '+98912' || lpad((g % 10000000)::text, 7, '0'), 'fa', q.id,
          g.t, g.t, g.t + interval '10 s', g.t + interval '200 s', g.t + interval '230 s'
        from g cross join n join q on q.rn = g.g % n.n
        returning tenant_id, id, queue_id, queued_at
      )
      insert into routing_contacts (tenant_id, interaction_id, queue_id, status, priority, sl_threshold_seconds, enqueued_at, offered_at, connected_at, ended_at)
      select i.tenant_id, i.id, i.queue_id, 'completed', q.priority, 20, i.queued_at, i.queued_at + interval '5 s', i.queued_at + interval '10 s', i.queued_at + interval '200 s'
      from i join q on q.id = i.queue_id`.execute(owner);
  }

  const agentsPerTenant = tenants.map((t) => agentTenants.filter((s) => s.has(t)).length);
  return { tenants, agentIds, agentsPerTenant, agentsPerQueue: [...perQueue.values()], queueAssignments: queueAssignments.length };
}

/** The baseline's tables, in the same database and of the same sizes. */
async function buildBaselineTables(owner: Kysely<DB>, cfg: Config) {
  await sql`
    create table bench_workers (
      id uuid primary key default gen_random_uuid(),
      status text not null default 'idle',
      idle_since timestamptz,
      job_id uuid
    );
    create index bench_workers_idle_idx on bench_workers (idle_since, id) where status = 'idle';
    create table bench_jobs (
      id uuid primary key default gen_random_uuid(),
      status text not null default 'waiting',
      enqueued_at timestamptz not null default now(),
      worker_id uuid,
      claimed_at timestamptz,
      done_at timestamptz
    );
    create index bench_jobs_waiting_idx on bench_jobs (enqueued_at, id) where status = 'waiting';`.execute(owner);
  await sql`insert into bench_workers (status, idle_since) select 'idle', now() - make_interval(secs => 1800 * random()) from generate_series(1, ${cfg.agents}::int)`.execute(owner);
  if (cfg.history > 0) {
    await sql`
      insert into bench_jobs (status, enqueued_at, claimed_at, done_at)
      select 'done', t, t + interval '5 s', t + interval '200 s'
      from (select now() - make_interval(secs => 36000 * random()) as t from generate_series(1, ${cfg.history}::int)) g`.execute(owner);
  }
}

// ---------------------------------------------------------------------------------------------------
// Load

interface Arrival {
  /** ms after the start of the run */
  at: number;
  measured: boolean;
  tenant: TenantFx;
  queue: QueueFx;
  /** The ACD's pre-created interaction; the baseline uses it as its job id. */
  interactionId: string;
  ringMs: number;
  talkMs: number;
  wrapMs: number;
}

function planArrivals(cfg: Config, fixture: Fixture, rand: Rand): Arrival[] {
  const arrivals: Arrival[] = [];
  const end = (cfg.warmup + cfg.seconds) * 1000;
  for (let at = (-Math.log(1 - rand()) / cfg.rate) * 1000; at < end; at += (-Math.log(1 - rand()) / cfg.rate) * 1000) {
    const tenant = pickWeighted(rand, fixture.tenants, (t) => t.weight);
    const queue = pickWeighted(rand, tenant.queues, (q) => q.share);
    arrivals.push({
      at,
      measured: at >= cfg.warmup * 1000,
      tenant,
      queue,
      interactionId: randomUUID(),
      ringMs: between(rand, cfg.ringMs),
      talkMs: between(rand, cfg.talkMs),
      wrapMs: between(rand, cfg.wrapMs),
    });
  }
  return arrivals;
}

async function createInteractions(owner: Kysely<DB>, arrivals: readonly Arrival[]) {
  for (const part of chunks(arrivals, 1000)) {
    await owner
      .insertInto("interactions")
      .values(
        part.map((a) => ({
          tenant_id: a.tenant.id,
          id: a.interactionId,
          direction: "inbound",
          state: "ivr",
          provider: "simulator",
          from_number: "+989121234567",
          language: a.queue.language ?? "fa",
        })),
      )
      .execute();
  }
}

/** What the harness is told by the system under test. */
interface Observer {
  /** An offer was committed (key: the arrival's interaction / job id). */
  offered(key: string, agentId: string, contactId: string): void;
  /** The agent is free again (committed). */
  freed(agentId: string): void;
  /** An offer went back to the queue (missed, rejected): the contact may rightly be offered again. */
  withdrawn(contactId: string): void;
}

interface System {
  name: string;
  bind(observer: Observer): void;
  /** Resolves true when the arrival was offered at once. */
  arrive(a: Arrival): Promise<boolean>;
  accept(agentId: string, contactId: string): Promise<void>;
  end(agentId: string): Promise<void>;
  wrap(agentId: string, contactId: string, a: Arrival): Promise<void>;
  startSweep(): { stop(): Promise<void> };
  /** Waiting contacts (keys) that an eligible free agent could take right now. */
  stranded(): Promise<Set<string>>;
  close(): Promise<void>;
}

interface ArrivalRecord {
  start: number;
  offeredAt: number;
  offers: number;
  immediate: boolean;
  agentId: string | null;
}

interface RunResult {
  name: string;
  records: ArrivalRecord[];
  arrivals: Arrival[];
  windowMs: number;
  assignedInWindow: number;
  errors: Map<string, number>;
  firstError: string | null;
  agentDoubles: number;
  contactDoubles: number;
  arrivalLagP99: number;
  maxInflight: number;
  unoffered: number;
  cpuBusyPct: number;
  nodeCpuPct: number;
  pgCpuPct: number;
  /** Per contact offered, over the whole run. */
  cost: { statements: number; commits: number; nodeMs: number; pgMs: number };
  /** Contacts waiting with an eligible agent free, twice 3 s apart, after the drain phase. */
  lost: number;
  drained: boolean;
}

/** A fixed number of async workers taking agent requests in order. */
function workerPool(size: number, onError: (err: unknown) => void) {
  let active = 0;
  let head = 0;
  const queue: (() => Promise<void>)[] = [];
  const pump = () => {
    while (active < size && head < queue.length) {
      const task = queue[head]!;
      queue[head++] = undefined as never;
      active++;
      task()
        .catch(onError)
        .finally(() => {
          active--;
          pump();
        });
    }
  };
  return {
    push(task: () => Promise<void>) {
      queue.push(task);
      pump();
    },
    idle: () => active === 0 && head === queue.length,
    backlog: () => queue.length - head + active,
  };
}

async function runLoad(
  system: System,
  arrivals: Arrival[],
  cfg: Config,
  opts: { backends: () => Promise<number[]>; commits: () => Promise<number>; profile?: () => { stop(): Promise<void> } },
): Promise<RunResult> {
  const records: ArrivalRecord[] = arrivals.map(() => ({ start: NaN, offeredAt: NaN, offers: 0, immediate: false, agentId: null }));
  const index = new Map(arrivals.map((a, i) => [a.interactionId, i]));
  const errors = new Map<string, number>();
  let firstError: string | null = null;
  const fail = (where: string) => (err: unknown) => {
    const key = `${where}: ${err instanceof Error ? err.constructor.name : "error"}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
    firstError ??= `${where}: ${err instanceof Error ? err.message : String(err)}`;
  };
  const workers = workerPool(cfg.workers, fail("agent"));
  const busy = new Map<string, string>(); // agent -> contact it holds (in the simulation)
  let agentDoubles = 0;
  let contactDoubles = 0;
  let t0 = 0;
  const now = () => performance.now() - t0;
  let stopping = false;
  let timers = 0;
  /** An agent's next request after a pause (ring, talk, wrap-up), through the agent workers. */
  const later = (ms: number, task: () => Promise<void>) => {
    timers++;
    setTimeout(() => {
      timers--;
      workers.push(task);
    }, ms);
  };

  const byContact = new Map<string, number>();
  const misses = new Map<number, number>();
  system.bind({
    offered(key, agentId, contactId) {
      const at = now();
      const i = index.get(key);
      if (i === undefined) return;
      byContact.set(contactId, i);
      const r = records[i]!;
      if (r.offers++ === 0) r.offeredAt = at;
      else if (r.offers > (misses.get(i) ?? 0) + 1) contactDoubles++;
      r.agentId = agentId;
      if (busy.has(agentId)) agentDoubles++;
      busy.set(agentId, contactId);
      const a = arrivals[i]!;
      if (stopping) return; // winding down: the agent leaves this one ringing
      // The agent's cycle: ring, accept, talk, end, wrap up, dispose (which frees it and routes again).
      later(a.ringMs, async () => {
        await system.accept(agentId, contactId);
        later(a.talkMs, async () => {
          await system.end(agentId);
          later(a.wrapMs, () => system.wrap(agentId, contactId, a));
        });
      });
    },
    withdrawn(contactId) {
      const i = byContact.get(contactId);
      if (i !== undefined) misses.set(i, (misses.get(i) ?? 0) + 1);
    },
    freed(agentId) {
      busy.delete(agentId);
    },
  });

  const sweep = system.startSweep();
  let inflight = 0;
  let maxInflight = 0;
  const lags: number[] = [];
  let cpuStart = machineCpu();
  let nodeStart = process.cpuUsage();
  let cpuEnd = cpuStart;
  let nodeEnd = nodeStart;
  let windowStarted = false;
  let profiler: { stop(): Promise<void> } | undefined;
  let pgStart: Map<number, number> | null = null;
  const windowStart = cfg.warmup * 1000;
  const windowEnd = (cfg.warmup + cfg.seconds) * 1000;

  // Whole-run cost (arrivals start to the last sweep): every contact's full life, warm-up and drain included.
  const costStart = { statements: statementsSent, commits: await opts.commits(), node: process.cpuUsage(), pg: processCpuMs(await opts.backends()) };
  // The last CPU reading of every backend seen: a pooled connection closed mid-run still counts.
  const pgSeen = new Map(costStart.pg);
  const samplePg = async () => {
    for (const [pid, ms] of processCpuMs(await opts.backends())) pgSeen.set(pid, ms);
  };
  const pgSampler = setInterval(() => void samplePg().catch(() => {}), 500);
  t0 = performance.now();
  let next = 0;
  while (next < arrivals.length) {
    const t = now();
    if (!windowStarted && t >= windowStart) {
      windowStarted = true;
      cpuStart = machineCpu();
      nodeStart = process.cpuUsage();
      profiler = opts.profile?.();
      if (opts.profile) statementKinds = new Map();
      void opts.backends().then((pids) => (pgStart = processCpuMs(pids)));
    }
    while (next < arrivals.length && arrivals[next]!.at <= t) {
      const i = next++;
      const a = arrivals[i]!;
      const r = records[i]!;
      r.start = now();
      if (a.measured) lags.push(r.start - a.at);
      inflight++;
      maxInflight = Math.max(maxInflight, inflight);
      system
        .arrive(a)
        .then((immediate) => {
          r.immediate = immediate;
        })
        .catch(fail("arrival"))
        .finally(() => inflight--);
    }
    const wait = next < arrivals.length ? arrivals[next]!.at - now() : 0;
    await sleep(Math.max(0, Math.min(wait, 5)));
  }
  while (now() < windowEnd) await sleep(1);
  cpuEnd = machineCpu();
  nodeEnd = process.cpuUsage(nodeStart);
  const pgMs = backendsCpuMs(pgStart, processCpuMs(await opts.backends()));
  const kinds = statementKinds;
  statementKinds = null;
  await profiler?.stop();
  if (kinds) {
    const assigned = Math.max(1, records.filter((r) => r.offeredAt >= windowStart && r.offeredAt < windowEnd).length);
    console.log(`\n  ${system.name}: statements sent per assignment in the window, by text`);
    for (const [k, v] of [...kinds.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`    ${(v / assigned).toFixed(2).padStart(6)}  ${k}`);
  }

  // Drain: every contact offered and every agent back. An overloaded system gets up to two minutes
  // to work off its backlog (the sweep keeps running, agents keep taking contacts).
  const deadline = now() + cfg.ringMs[1] + cfg.talkMs[1] + cfg.wrapMs[1] + 120_000;
  let drained = false;
  while (now() < deadline) {
    if (inflight === 0 && workers.idle() && busy.size === 0 && records.every((r) => r.offers > 0)) {
      drained = true;
      break;
    }
    await sleep(50);
  }
  // Lost: contacts waiting although an eligible agent is free, still so 3 s later while the sweep runs
  // (it retries within a second) and nothing else is in flight. After a drain there is nothing
  // waiting, so this is 0 by construction; it matters when the run did not drain.
  for (const quiet = now() + 30_000; !(inflight === 0 && workers.idle()) && now() < quiet; ) await sleep(20);
  const strandedBefore = await system.stranded();
  await sleep(3000);
  const strandedAfter = await system.stranded();
  const lost = [...strandedBefore].filter((k) => strandedAfter.has(k)).length;
  // Wind down: agents finish what they hold but take nothing new (offers made now are left ringing).
  stopping = true;
  await sweep.stop();
  for (const quiet = now() + 60_000; !(timers === 0 && inflight === 0 && workers.idle()) && now() < quiet; ) await sleep(20);
  // Let the coalesced queue-stats push and the last publishes finish before the checks.
  await sleep(300);
  // The stats collector flushes a busy backend's counters about once a second.
  await sleep(1100);
  clearInterval(pgSampler);
  await samplePg();
  const nodeRun = process.cpuUsage(costStart.node);
  const offered = Math.max(1, records.filter((r) => r.offers > 0).length);
  const cost = {
    statements: (statementsSent - costStart.statements) / offered,
    commits: ((await opts.commits()) - costStart.commits) / offered,
    nodeMs: (nodeRun.user + nodeRun.system) / 1000 / offered,
    pgMs: backendsCpuMs(costStart.pg, pgSeen) / offered,
  };

  const assignedInWindow = records.filter((r) => r.offeredAt >= windowStart && r.offeredAt < windowEnd).length;
  const cpuTotal = cpuEnd.total - cpuStart.total;
  return {
    name: system.name,
    records,
    arrivals,
    windowMs: windowEnd - windowStart,
    assignedInWindow,
    errors,
    firstError,
    agentDoubles,
    contactDoubles,
    arrivalLagP99: stats(lags).p99,
    maxInflight,
    unoffered: records.filter((r) => r.offers === 0).length,
    cpuBusyPct: (100 * (cpuEnd.busy - cpuStart.busy)) / cpuTotal,
    nodeCpuPct: (100 * (nodeEnd.user + nodeEnd.system)) / 1000 / (windowEnd - windowStart),
    pgCpuPct: (100 * pgMs) / (windowEnd - windowStart),
    cost,
    lost,
    drained,
  };
}

/**
 * A poor man's profiler for BENCH_PROFILE=1: samples pg_stat_activity every 10 ms during the measured
 * window and counts which statement each of the system's connections is running (or waiting in).
 */
function startProfiler(owner: Kysely<DB>, applicationName: string) {
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await sql<{ query: string; state: string; wait: string | null }>`
        select query, state, wait_event_type || ':' || wait_event as wait from pg_stat_activity
        where datname = current_database() and application_name = ${applicationName} and state <> 'idle'`.execute(owner);
      samples++;
      for (const r of rows) {
        const text = r.state === "idle in transaction" ? "(idle in transaction: the app between statements)" : r.query.replace(/\s+/g, " ").slice(0, 150);
        const key = `${text}${r.wait && r.state !== "idle in transaction" ? `  [${r.wait}]` : ""}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await sleep(10);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
      console.log(`\n  ${applicationName}: busy connections by statement, mean over ${samples} samples of pg_stat_activity`);
      for (const [k, v] of top) console.log(`    ${(v / samples).toFixed(2).padStart(6)}  ${k}`);
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The two systems

async function acdSystem(fixture: Fixture, owner: Kysely<DB>): Promise<System> {
  const acd = await import("../app/modules/routing/acd.server");
  const contact = await import("../app/modules/routing/contact.server");
  const { onRoutingNotices } = await import("../app/modules/routing/notify.server");
  const { startRoutingTimer } = await import("../workers/routing-timer");
  const dispositions = new Map(fixture.tenants.map((t) => [t.id, t.dispositionId]));
  let off: () => void = () => {};
  return {
    name: "ACD",
    bind(observer) {
      off();
      off = onRoutingNotices((notices) => {
        for (const n of notices) {
          if (n.kind === "agent" && n.state === "available") observer.freed(n.agentId);
          else if (n.kind === "offer") observer.offered(n.offer.interactionId, n.offer.agentId, n.offer.contactId);
          else if (n.kind === "withdrawn") observer.withdrawn(n.contactId);
        }
      });
    },
    async arrive(a) {
      const r = await acd.enqueue({ tenantId: a.tenant.id, interactionId: a.interactionId, queueKey: a.queue.key });
      return r.offer !== null;
    },
    async accept(agentId, contactId) {
      await acd.acceptOffer(agentId, contactId);
    },
    async end(agentId) {
      await contact.endContact(agentId);
    },
    async wrap(agentId, _contactId, a) {
      await contact.finishWrapUp(agentId, { userId: agentId, label: "bench" }, { dispositionId: dispositions.get(a.tenant.id)!, notes: "" });
    },
    startSweep: () => startRoutingTimer(1000),
    async stranded() {
      const { rows } = await sql<{ interaction_id: string }>`
        select rc.interaction_id from routing_contacts rc
        where rc.status = 'waiting' and exists (
          select 1 from agent_queue_assignments q
            join agent_states s on s.agent_id = q.agent_id
            join agents a on a.user_id = q.agent_id
          where q.tenant_id = rc.tenant_id and q.queue_id = rc.queue_id and s.state = 'available'
            and a.skills @> rc.required_skills and (rc.language is null or rc.language = any(a.languages)))`.execute(owner);
      return new Set(rows.map((r) => r.interaction_id));
    },
    async close() {
      off();
    },
  };
}

function baselineSystem(appUrl: string): System {
  const pool = new pg.Pool({ connectionString: appUrl, max: POOL_MAX, application_name: "bench-baseline", idleTimeoutMillis: 0 });
  let observer: Observer = { offered() {}, freed() {}, withdrawn() {} };
  const tx = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = await pool.connect();
    try {
      await c.query("begin");
      const out = await fn(c);
      await c.query("commit");
      return out;
    } catch (err) {
      await c.query("rollback").catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  };
  /** The claim: the idle worker idle longest, skipping the ones another transaction holds. */
  const claimWorker = async (c: pg.PoolClient, jobId: string): Promise<string | null> => {
    const w = await c.query<{ id: string }>(
      `update bench_workers set status = 'busy', job_id = $1
        where id = (select id from bench_workers where status = 'idle' order by idle_since, id for update skip locked limit 1)
        returning id`,
      [jobId],
    );
    const workerId = w.rows[0]?.id ?? null;
    if (workerId) await c.query(`update bench_jobs set status = 'claimed', worker_id = $2, claimed_at = now() where id = $1`, [jobId, workerId]);
    return workerId;
  };
  const retryWaiting = async () => {
    const waiting = await pool.query<{ id: string }>(`select id from bench_jobs where status = 'waiting' order by enqueued_at, id limit 200`);
    for (const { id } of waiting.rows) {
      const workerId = await tx(async (c) => {
        const job = await c.query(`select id from bench_jobs where id = $1 and status = 'waiting' for update skip locked`, [id]);
        return job.rowCount ? claimWorker(c, id) : null;
      });
      if (workerId) observer.offered(id, workerId, id);
    }
  };
  return {
    name: "baseline",
    bind(o) {
      observer = o;
    },
    async arrive(a) {
      const workerId = await tx(async (c) => {
        await c.query(`insert into bench_jobs (id) values ($1)`, [a.interactionId]);
        return claimWorker(c, a.interactionId);
      });
      if (workerId) observer.offered(a.interactionId, workerId, a.interactionId);
      return workerId !== null;
    },
    accept: async () => {},
    end: async () => {},
    async wrap(workerId, jobId) {
      const nextJob = await tx(async (c) => {
        await c.query(`update bench_jobs set status = 'done', done_at = now() where id = $1`, [jobId]);
        const j = await c.query<{ id: string }>(
          `update bench_jobs set status = 'claimed', worker_id = $1, claimed_at = now()
            where id = (select id from bench_jobs where status = 'waiting' order by enqueued_at, id for update skip locked limit 1)
            returning id`,
          [workerId],
        );
        const next = j.rows[0]?.id ?? null;
        if (next) await c.query(`update bench_workers set job_id = $2 where id = $1`, [workerId, next]);
        else await c.query(`update bench_workers set status = 'idle', idle_since = now(), job_id = null where id = $1`, [workerId]);
        return next;
      });
      observer.freed(workerId);
      if (nextJob) observer.offered(nextJob, workerId, nextJob);
    },
    async stranded() {
      const { rows } = await pool.query<{ id: string }>(
        `select id from bench_jobs where status = 'waiting' and exists (select 1 from bench_workers where status = 'idle')`,
      );
      return new Set(rows.map((r) => r.id));
    },
    startSweep() {
      let stopped = false;
      let running: Promise<void> = Promise.resolve();
      let timer: NodeJS.Timeout | undefined;
      const tick = () => {
        running = retryWaiting()
          .catch(() => {})
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, 1000);
          });
      };
      timer = setTimeout(tick, 1000);
      return {
        async stop() {
          stopped = true;
          clearTimeout(timer);
          await running;
        },
      };
    },
    close: () => pool.end(),
  };
}

// ---------------------------------------------------------------------------------------------------
// Checks on the record (the ACD's tables, after the run)

interface AcdChecks {
  waitingAtEnd: number;
  agentsWithTwoLive: number;
  overlapping: number;
  offeredTwice: number;
  missed: number;
  dbLatency: number[];
  /** Contacts not offered at enqueue, by interaction id: was an eligible agent free when they were enqueued? */
  queued: Map<string, { agentFree: boolean; freeToOfferMs: number | null }>;
}

async function acdChecks(owner: Kysely<DB>, run: RunResult): Promise<AcdChecks> {
  const measuredIds = run.arrivals.filter((a) => a.measured).map((a) => a.interactionId);
  const [waiting, twoLive, overlapping, offeredTwice, missed] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n from routing_contacts where status = 'waiting'`.execute(owner),
    sql<{ n: number }>`
      select count(*)::int as n from (
        select offered_agent_id from routing_contacts where status in ('offered', 'connected') and offered_agent_id is not null
        group by offered_agent_id having count(*) > 1) x`.execute(owner),
    sql<{ n: number }>`
      select count(*)::int as n from (
        select offered_at, lag(coalesce(ended_at, 'infinity')) over (partition by offered_agent_id order by offered_at, id) as previous_end
        from routing_contacts where offered_agent_id is not null and offered_at is not null) x
      where previous_end > offered_at`.execute(owner),
    sql<{ n: number }>`
      select count(*)::int as n from routing_contacts rc
      where (select count(*) from interaction_events e
             where e.tenant_id = rc.tenant_id and e.interaction_id = rc.interaction_id and e.type = 'routing.offered') > rc.missed_count + 1`.execute(owner),
    sql<{ n: number }>`select coalesce(sum(missed_count), 0)::int as n from routing_contacts`.execute(owner),
  ]);
  const db = await sql<{ ms: number }>`
    select extract(epoch from offered_at - enqueued_at) * 1000 as ms from routing_contacts
    where interaction_id = any(${measuredIds}::uuid[]) and offered_at is not null`.execute(owner);

  const queuedIds = run.arrivals.filter((a, i) => a.measured && !run.records[i]!.immediate).map((a) => a.interactionId);
  const queued = new Map<string, { agentFree: boolean; freeToOfferMs: number | null }>();
  if (queuedIds.length > 0) {
    // The agent's state at a moment: its last recorded transition before it, or the fixture's "available".
    const rows = await sql<{ interaction_id: string; agent_free: boolean; free_to_offer_ms: number | null }>`
      with c as (
        select rc.* from routing_contacts rc where rc.interaction_id = any(${queuedIds}::uuid[])
      ),
      eligible as (
        select c.interaction_id, q.agent_id from c
          join agent_queue_assignments q on q.tenant_id = c.tenant_id and q.queue_id = c.queue_id
          join agents a on a.user_id = q.agent_id
        where a.skills @> c.required_skills and (c.language is null or c.language = any(a.languages))
      )
      select c.interaction_id,
        exists (
          select 1 from eligible e where e.interaction_id = c.interaction_id and coalesce((
            select ev.state from agent_state_events ev where ev.agent_id = e.agent_id and ev.at <= c.enqueued_at
            order by ev.at desc, ev.id desc limit 1), 'available') = 'available'
        ) as agent_free,
        extract(epoch from c.offered_at - greatest(c.enqueued_at, (
          select min(ev.at) from eligible e join agent_state_events ev on ev.agent_id = e.agent_id
          where e.interaction_id = c.interaction_id and ev.state = 'available' and ev.at >= c.enqueued_at))) * 1000 as free_to_offer_ms
      from c`.execute(owner);
    for (const r of rows.rows) {
      queued.set(r.interaction_id, { agentFree: r.agent_free, freeToOfferMs: r.free_to_offer_ms === null ? null : Number(r.free_to_offer_ms) });
    }
  }
  return {
    waitingAtEnd: waiting.rows[0]!.n,
    agentsWithTwoLive: twoLive.rows[0]!.n,
    overlapping: overlapping.rows[0]!.n,
    offeredTwice: offeredTwice.rows[0]!.n,
    missed: missed.rows[0]!.n,
    dbLatency: db.rows.map((r) => Number(r.ms)),
    queued,
  };
}

// ---------------------------------------------------------------------------------------------------
// Report

function printTable(header: string[], rows: string[][]) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [header, widths.map((w) => "-".repeat(w)), ...rows]) {
    console.log(`  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")}`);
  }
}

async function waitForDisconnect(name: string) {
  const admin = new pg.Client({ connectionString: `${TEST_SERVER}/postgres` });
  await admin.connect();
  try {
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await sleep(50)) {
      const { rows } = await admin.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
      if (rows[0]!.n === 0) return;
    }
  } finally {
    await admin.end();
  }
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "-");

export default async function routingBench() {
  const started = Date.now();
  const cfg = config();
  const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/15";
  const database = await createTestDatabase("hamkal_bench_routing");
  Object.assign(process.env, {
    NODE_ENV: "production",
    DATABASE_URL: database.app,
    DATABASE_OWNER_URL: database.owner,
    DATABASE_POOL_MAX: String(POOL_MAX),
    REDIS_URL: redisUrl,
    BULLMQ_PREFIX: `hk-bench-routing-${process.pid}`,
    SESSION_SECRET: "bench-secret-bench-secret-bench-secret",
    LOG_LEVEL: "silent",
    HAMKAL_SERVICE: "bench-routing",
  });
  const owner = ownerDb(database.owner);
  const systems: System[] = [];
  try {
    const rand = prng(cfg.seed);
    console.log(`building the fixture: ${cfg.tenants} tenants, ${cfg.agents} agents, ${cfg.history} calls of history…`);
    const fixtureStarted = performance.now();
    const fixture = await buildFixture(owner, cfg, rand);
    await buildBaselineTables(owner, cfg);
    const arrivals = planArrivals(cfg, fixture, rand);
    await createInteractions(owner, arrivals);
    await sql`analyze`.execute(owner);
    const queues = fixture.tenants.reduce((s, t) => s + t.queues.length, 0);
    const perTenant = [...fixture.agentsPerTenant].sort((a, b) => a - b);
    const perQueue = [...fixture.agentsPerQueue].sort((a, b) => a - b);
    console.log(
      `  ${queues} queues, ${fixture.queueAssignments} queue assignments; agents per tenant min ${perTenant[0]} / median ${percentile(perTenant, 50)} / max ${perTenant.at(-1)}, ` +
        `per queue min ${perQueue[0]} / median ${percentile(perQueue, 50)}; ${arrivals.length} arrivals planned (${((performance.now() - fixtureStarted) / 1000).toFixed(1)} s)`,
    );

    console.log(`baseline: raw SKIP LOCKED claim loop, ${cfg.rate}/s for ${cfg.warmup} + ${cfg.seconds} s…`);
    const baseline = baselineSystem(database.app);
    systems.push(baseline);
    const profile = process.env.BENCH_PROFILE === "1";
    const backends = (applicationName: string) => async () =>
      (
        await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database() and application_name = ${applicationName}`.execute(owner)
      ).rows.map((r) => r.pid);
    // Transactions committed in the scratch database (the stats collector's view, flushed about every second).
    const commits = async () =>
      Number((await sql<{ n: string }>`select xact_commit as n from pg_stat_database where datname = current_database()`.execute(owner)).rows[0]!.n);
    countStatements();
    const base = await runLoad(baseline, arrivals, cfg, {
      backends: backends("bench-baseline"),
      commits,
      profile: profile ? () => startProfiler(owner, "bench-baseline") : undefined,
    });
    await baseline.close();
    systems.pop();

    console.log(`ACD: enqueue (+ match) / accept / end / finishWrapUp (+ next match), sweep every second, ${cfg.rate}/s for ${cfg.warmup} + ${cfg.seconds} s…`);
    const acd = await acdSystem(fixture, owner);
    systems.push(acd);
    const run = await runLoad(acd, arrivals, cfg, {
      backends: backends("bench-routing"),
      commits,
      profile: profile ? () => startProfiler(owner, "bench-routing") : undefined,
    });
    const checks = await acdChecks(owner, run);

    // Latencies of the measured arrivals.
    const latency = (r: RunResult, keep: (a: Arrival, rec: ArrivalRecord) => boolean) =>
      stats(r.records.flatMap((rec, i) => (r.arrivals[i]!.measured && rec.offers > 0 && keep(r.arrivals[i]!, rec) ? [rec.offeredAt - rec.start] : [])));
    const measured = arrivals.filter((a) => a.measured).length;
    const baseAll = latency(base, () => true);
    const acdAll = latency(run, () => true);
    const acdImmediate = latency(run, (_a, rec) => rec.immediate);
    const queuedFree = latency(run, (a, rec) => !rec.immediate && checks.queued.get(a.interactionId)?.agentFree === true);
    const queuedStaffing = latency(run, (a, rec) => !rec.immediate && checks.queued.get(a.interactionId)?.agentFree === false);
    const acdStaffed = latency(run, (a, rec) => rec.immediate || checks.queued.get(a.interactionId)?.agentFree === true);
    const freeToOffer = stats([...checks.queued.values()].filter((q) => !q.agentFree && q.freeToOfferMs !== null).map((q) => q.freeToOfferMs!));
    const dbLat = stats(checks.dbLatency);
    const baseRate = (base.assignedInWindow * 1000) / base.windowMs;
    const acdRate = (run.assignedInWindow * 1000) / run.windowMs;
    const baseImmediate = base.records.filter((r, i) => base.arrivals[i]!.measured && r.immediate).length;

    console.log(
      `\nACD routing benchmark: ${cfg.agents} agents, ${cfg.tenants} tenants (${queues} queues), Poisson ${cfg.rate} arrivals/s for ${cfg.seconds} s measured ` +
        `(+${cfg.warmup} s warm-up, ${measured} arrivals), ring ${cfg.ringMs.join("-")} ms, talk ${cfg.talkMs.join("-")} ms, wrap-up ${cfg.wrapMs.join("-")} ms, ` +
        `${cfg.workers} agent workers, pool ${POOL_MAX} each, ${cfg.history} calls of history\n`,
    );
    const header = ["variant", "contacts", "assigned/s", "p50 ms", "p99 ms", "max ms", "ratio (rate)", "p99 ratio"];
    const row = (name: string, s: ReturnType<typeof stats>, rate: number | null) => [
      name,
      String(s.n),
      rate === null ? "" : fmt(rate, 1),
      fmt(s.p50),
      fmt(s.p99),
      fmt(s.max),
      rate === null ? "" : `${fmt(rate / baseRate)}x`,
      `${fmt(s.p99 / baseAll.p99)}x`,
    ];
    printTable(header, [
      row("baseline: raw SKIP LOCKED claim loop", baseAll, baseRate),
      row("ACD: enqueue -> offer, all contacts", acdAll, acdRate),
      row("  offered at enqueue", acdImmediate, null),
      row("  queued, an eligible agent was free", queuedFree, null),
      row("  queued, no eligible agent free", queuedStaffing, null),
      row("ACD, contacts an agent was free for (target)", acdStaffed, null),
      row("ACD, database clock: offered_at - enqueued_at", dbLat, null),
    ]);
    console.log("");
    console.log(
      `  baseline: ${baseImmediate}/${measured} claimed at arrival; ${base.unoffered} never claimed; CPU: machine ${fmt(base.cpuBusyPct, 0)}% busy, this process ${fmt(base.nodeCpuPct, 0)}% and its Postgres backends ${fmt(base.pgCpuPct, 0)}% of a core; ` +
        `arrival lag p99 ${fmt(base.arrivalLagP99)} ms; max ${base.maxInflight} arrivals in flight`,
    );
    console.log(
      `  ACD: ${acdImmediate.n}/${measured} offered at enqueue, ${queuedFree.n} queued although an agent was free, ${queuedStaffing.n} found no eligible agent free ` +
        `(an eligible agent freeing -> offer: p50 ${fmt(freeToOffer.p50)} ms, p99 ${fmt(freeToOffer.p99)} ms); ${run.unoffered} never offered; ` +
        `CPU: machine ${fmt(run.cpuBusyPct, 0)}% busy, this process ${fmt(run.nodeCpuPct, 0)}% and its Postgres backends ${fmt(run.pgCpuPct, 0)}% of a core; arrival lag p99 ${fmt(run.arrivalLagP99)} ms; max ${run.maxInflight} arrivals in flight`,
    );
    const cost = (r: RunResult) =>
      `  ${r.name} cost per contact (whole run, its full life): ${fmt(r.cost.statements, 1)} statements, ${fmt(r.cost.commits, 1)} commits, ` +
      `CPU ${fmt(r.cost.nodeMs + r.cost.pgMs)} ms (this process ${fmt(r.cost.nodeMs)} + Postgres backends ${fmt(r.cost.pgMs)})${r.drained ? "" : " (did not drain)"}`;
    console.log(cost(base));
    console.log(cost(run));
    const errorText = (r: RunResult) =>
      r.errors.size === 0 ? "0" : `${[...r.errors.entries()].map(([k, v]) => `${k} x${v}`).join(", ")} (first: ${r.firstError})`;
    const problems =
      run.lost + base.lost + checks.agentsWithTwoLive + checks.overlapping + checks.offeredTwice + run.agentDoubles + run.contactDoubles + run.errors.size + base.errors.size;
    console.log(
      `  checks: lost contacts ${run.lost} (waiting with an eligible agent free, still 3 s later with the sweep running; baseline ${base.lost}; ACD contacts still waiting at the very end: ${checks.waitingAtEnd}); double offers: agents with two live contacts ${checks.agentsWithTwoLive}, ` +
        `offers before the previous contact ended ${checks.overlapping}, contacts offered more than missed + 1 ${checks.offeredTwice}, ` +
        `seen in process ${run.agentDoubles} agent / ${run.contactDoubles} contact; missed offers ${checks.missed}; drained ${run.drained ? "yes" : "NO"}`,
    );
    console.log(`  errors: ACD ${errorText(run)}; baseline ${errorText(base)}; baseline doubles ${base.agentDoubles} agent / ${base.contactDoubles} contact`);
    const ratio = acdRate / baseRate;
    const ratioMet = ratio >= TARGET_RATIO;
    const p99Met = acdStaffed.p99 < TARGET_P99_MS;
    console.log(
      `\n  targets: assignments/s ratio >= ${TARGET_RATIO}: ${ratioMet ? "met" : "NOT met"} (${fmt(ratio)}x, ${fmt(acdRate, 1)} vs ${fmt(baseRate, 1)}/s); ` +
        `p99 enqueue -> offer < ${TARGET_P99_MS} ms: ${p99Met ? "met" : "NOT met"} (${fmt(acdStaffed.p99)} ms; all contacts incl. staffing waits ${fmt(acdAll.p99)} ms; ` +
        `baseline ${fmt(baseAll.p99)} ms); correctness: ${problems === 0 ? "ok" : "FAILED"}`,
    );
    console.log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (problems > 0) process.exitCode = 1;
  } finally {
    for (const s of systems) await s.close().catch(() => {});
    const { closeDb } = await import("../app/modules/platform/db.server");
    const { closeRedis } = await import("../app/modules/platform/redis.server");
    await Promise.allSettled([closeDb(), closeRedis(), owner.destroy()]);
    if (cfg.keepDb) console.log(`  kept the scratch database ${database.name} (BENCH_KEEP_DB=1); drop it when done`);
    else {
      // pg's pool.end() resolves before its sockets are closed: dropping WITH (FORCE) at once would
      // kill a connection still closing, an unhandled error on a pool the bench no longer holds.
      await waitForDisconnect(database.name);
      await dropTestDatabase(database.name);
    }
  }
}
