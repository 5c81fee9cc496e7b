import { sql, type Selectable } from "kysely";
import type { Queues } from "../../../db/types";
import type { AuditActor } from "../auth/api-keys.server";
import { recordAudit } from "../auth/audit.server";
import { FieldConflict, isUniqueViolation, NotFoundError } from "../bureau/errors";
import type { Language } from "../i18n/config";
import { publishedFlowsNamingQueue } from "../ivr/context.server";
import type { Trx } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import type { AfterHoursAction, OverflowAction, QueueChannel, QueueInput } from "./schemas";

/**
 * A tenant's ACD queues (issue 4), as the client portal edits them. Every change and its audit entry
 * commit in one tenant transaction (RLS); another tenant's queue is simply not found (NotFoundError,
 * 404). Queue writes of one tenant are serialized by an advisory lock, so two edits cannot together
 * build an overflow loop that neither would build alone.
 *
 * Refusals: a collision with stored data is a FieldConflict (the form shows it on the field); a queue
 * still in use is QueueInUse, naming what uses it.
 */

export interface Queue {
  id: string;
  key: string;
  name: string;
  channels: QueueChannel[];
  requiredSkills: string[];
  minProficiency: number;
  language: Language | null;
  priority: number;
  slTargetPct: number;
  slThresholdSeconds: number;
  shortAbandonSeconds: number;
  maxWaitSeconds: number;
  overflowAction: OverflowAction;
  overflowQueueId: string | null;
  overflowNumber: string | null;
  offerTimeoutSeconds: number;
  wrapupSeconds: number;
  afterHours: AfterHoursAction;
  createdAt: Date;
  updatedAt: Date;
}

export interface QueueListItem extends Queue {
  agentCount: number;
  overflowQueueName: string | null;
}

export interface AssignableAgent {
  agentId: string;
  name: string;
  email: string;
  employeeCode: string;
  active: boolean;
  languages: string[];
  /** The agent's own skills and those of its assignment to this tenant. */
  skills: string[];
  assigned: boolean;
}

export interface QueueUse {
  /** Names of the tenant's queues that overflow into this one. */
  overflowFrom: string[];
  /** Names of flows whose published version sends calls to this queue. */
  flows: string[];
  /** Contacts have been routed through it (kept for reports). */
  contacts: boolean;
}

/** Deleting a queue that something still uses; nothing was changed. */
export class QueueInUse extends Error {
  constructor(public readonly use: QueueUse) {
    super("queue in use");
  }
}

const f = (key: string) => `routing:queues.errors.${key}`;

function toQueue(r: Selectable<Queues>): Queue {
  return {
    id: r.id,
    key: r.key,
    name: r.name,
    channels: r.channels as QueueChannel[],
    requiredSkills: r.required_skills,
    minProficiency: r.min_proficiency,
    language: r.language as Language | null,
    priority: r.priority,
    slTargetPct: r.sl_target_pct,
    slThresholdSeconds: r.sl_threshold_seconds,
    shortAbandonSeconds: r.short_abandon_seconds,
    maxWaitSeconds: r.max_wait_seconds,
    overflowAction: r.overflow_action as OverflowAction,
    overflowQueueId: r.overflow_queue_id,
    overflowNumber: r.overflow_number,
    offerTimeoutSeconds: r.offer_timeout_seconds,
    wrapupSeconds: r.wrapup_seconds,
    afterHours: r.after_hours as AfterHoursAction,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toRow(input: QueueInput) {
  return {
    key: input.key,
    name: input.name,
    channels: input.channels,
    required_skills: input.requiredSkills,
    min_proficiency: input.minProficiency,
    language: input.language,
    priority: input.priority,
    sl_target_pct: input.slTargetPct,
    sl_threshold_seconds: input.slThresholdSeconds,
    short_abandon_seconds: input.shortAbandonSeconds,
    max_wait_seconds: input.maxWaitSeconds,
    overflow_action: input.overflowAction,
    overflow_queue_id: input.overflowQueueId,
    overflow_number: input.overflowNumber,
    offer_timeout_seconds: input.offerTimeoutSeconds,
    wrapup_seconds: input.wrapupSeconds,
    after_hours: input.afterHours,
  };
}

/** Message params ride after "|" and "=" (see translateError): keep those out of names. */
const listParam = (names: string[]) => names.map((n) => n.replace(/[|=]/g, " ")).join("، ");

async function lockTenantQueues(trx: Trx, tenantId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`queues:${tenantId}`}, 0))`.execute(trx);
}

function readQueue(trx: Trx, tenantId: string, queueId: string) {
  return trx.selectFrom("queues").selectAll().where("tenant_id", "=", tenantId).where("id", "=", queueId).executeTakeFirst();
}

/**
 * The overflow target must be another queue of this tenant, and following overflows from it must not
 * lead back here (a caller would circle between queues until hanging up).
 */
async function checkOverflow(trx: Trx, tenantId: string, queueId: string | null, input: QueueInput) {
  if (input.overflowAction !== "queue" || !input.overflowQueueId) return;
  if (queueId !== null && input.overflowQueueId === queueId) throw new FieldConflict("overflowQueueId", f("overflowQueueSelf"));
  let next = await readQueue(trx, tenantId, input.overflowQueueId);
  if (!next) throw new FieldConflict("overflowQueueId", f("overflowQueueUnknown"));
  if (queueId === null) return;
  const seen = new Set<string>();
  while (next && next.overflow_action === "queue" && next.overflow_queue_id && !seen.has(next.id)) {
    if (next.overflow_queue_id === queueId) throw new FieldConflict("overflowQueueId", `${f("overflowLoop")}|queue=${listParam([next.name])}`);
    seen.add(next.id);
    next = await readQueue(trx, tenantId, next.overflow_queue_id);
  }
}

async function withKeyCheck<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUniqueViolation(error, "queues_tenant_id_key_key")) throw new FieldConflict("key", f("keyTaken"));
    throw error;
  }
}

export function listQueues(tenantId: string): Promise<QueueListItem[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("queues as q")
      .leftJoin("queues as o", (j) => j.onRef("o.tenant_id", "=", "q.tenant_id").onRef("o.id", "=", "q.overflow_queue_id"))
      .selectAll("q")
      .select((eb) => [
        "o.name as overflow_queue_name",
        eb
          .selectFrom("agent_queue_assignments as a")
          .select(sql<number>`count(*)::int`.as("n"))
          .whereRef("a.tenant_id", "=", "q.tenant_id")
          .whereRef("a.queue_id", "=", "q.id")
          .as("agent_count"),
      ])
      .where("q.tenant_id", "=", tenantId)
      .orderBy("q.name")
      .execute();
    return rows.map((r) => ({ ...toQueue(r), agentCount: r.agent_count ?? 0, overflowQueueName: r.overflow_queue_name }));
  });
}

/** One queue of the tenant; null for an unknown id or another tenant's queue. */
export function getQueue(tenantId: string, queueId: string): Promise<Queue | null> {
  return withTenant(tenantId, async (trx) => {
    const row = await readQueue(trx, tenantId, queueId);
    return row ? toQueue(row) : null;
  });
}

export function createQueue(tenantId: string, input: QueueInput, actor: AuditActor): Promise<Queue> {
  return withKeyCheck(() =>
    withTenant(tenantId, async (trx) => {
      await lockTenantQueues(trx, tenantId);
      await checkOverflow(trx, tenantId, null, input);
      const row = await trx
        .insertInto("queues")
        .values({ tenant_id: tenantId, ...toRow(input) })
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        tenantId,
        actor,
        ip: actor.ip,
        action: "queue.created",
        target: { type: "queue", id: row.id },
        data: { key: row.key, name: row.name },
      });
      return toQueue(row);
    }),
  );
}

/**
 * Saves a queue's settings. Its key may not change while a published flow sends calls to it (they
 * would reach no queue); the audit entry records each changed setting as [before, after].
 */
export function updateQueue(tenantId: string, queueId: string, input: QueueInput, actor: AuditActor): Promise<Queue> {
  return withKeyCheck(() =>
    withTenant(tenantId, async (trx) => {
      await lockTenantQueues(trx, tenantId);
      const current = await readQueue(trx, tenantId, queueId);
      if (!current) throw new NotFoundError("queue");
      if (input.key !== current.key) {
        const flows = await publishedFlowsNamingQueue(trx, tenantId, current.key);
        if (flows.length) throw new FieldConflict("key", `${f("keyInFlow")}|flows=${listParam(flows)}`);
      }
      await checkOverflow(trx, tenantId, queueId, input);
      const values = toRow(input);
      const changes: Record<string, [unknown, unknown]> = {};
      for (const [column, value] of Object.entries(values)) {
        const before = current[column as keyof typeof current];
        if (JSON.stringify(before) !== JSON.stringify(value)) changes[column] = [before, value];
      }
      const row = await trx
        .updateTable("queues")
        .set({ ...values, updated_at: sql`now()` })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", queueId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (Object.keys(changes).length) {
        await recordAudit(trx, { tenantId, actor, ip: actor.ip, action: "queue.updated", target: { type: "queue", id: queueId }, data: { key: row.key, changes } });
      }
      return toQueue(row);
    }),
  );
}

/**
 * Deletes a queue nothing uses. Refused (QueueInUse) while another queue overflows into it, a
 * published flow sends calls to it, or contacts were routed through it (their record stays).
 */
export function deleteQueue(tenantId: string, queueId: string, actor: AuditActor): Promise<void> {
  return withTenant(tenantId, async (trx) => {
    await lockTenantQueues(trx, tenantId);
    const current = await readQueue(trx, tenantId, queueId);
    if (!current) throw new NotFoundError("queue");
    const overflowFrom = (
      await trx.selectFrom("queues").select("name").where("tenant_id", "=", tenantId).where("overflow_queue_id", "=", queueId).orderBy("name").execute()
    ).map((r) => r.name);
    const flows = await publishedFlowsNamingQueue(trx, tenantId, current.key);
    if (overflowFrom.length || flows.length) throw new QueueInUse({ overflowFrom, flows, contacts: false });
    try {
      await trx.deleteFrom("queues").where("tenant_id", "=", tenantId).where("id", "=", queueId).execute();
    } catch (error) {
      // Routed contacts reference their queue without a cascade: the database refuses, we explain.
      const e = error as { code?: string; constraint?: string };
      if (e.code === "23503" && e.constraint === "routing_contacts_tenant_id_queue_id_fkey") throw new QueueInUse({ overflowFrom, flows, contacts: true });
      throw error;
    }
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: "queue.deleted",
      target: { type: "queue", id: queueId },
      data: { key: current.key, name: current.name },
    });
  });
}

/** The agents assigned to the tenant (the bureau assigns them), each marked when it serves the queue. */
export function listQueueAgents(tenantId: string, queueId: string): Promise<AssignableAgent[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("agent_assignments as aa")
      .innerJoin("users as u", "u.id", "aa.agent_id")
      .innerJoin("agents as ag", "ag.user_id", "aa.agent_id")
      .leftJoin("agent_queue_assignments as qa", (j) =>
        j.onRef("qa.tenant_id", "=", "aa.tenant_id").onRef("qa.agent_id", "=", "aa.agent_id").on("qa.queue_id", "=", queueId),
      )
      .select(["aa.agent_id", "u.name", "u.email", "u.status", "ag.employee_code", "ag.languages", "ag.skills", "aa.skills as tenant_skills", "qa.queue_id"])
      .where("aa.tenant_id", "=", tenantId)
      .orderBy("u.name")
      .execute();
    return rows.map((r) => ({
      agentId: r.agent_id,
      name: r.name,
      email: r.email,
      employeeCode: r.employee_code,
      active: r.status === "active",
      languages: r.languages,
      skills: [...new Set([...r.skills, ...r.tenant_skills])],
      assigned: r.queue_id !== null,
    }));
  });
}

/**
 * Sets which of the tenant's agents serve the queue (the whole set). An agent the bureau has not
 * assigned to this tenant is refused on the field; the audit entry lists who was added and removed.
 */
export function setQueueAgents(tenantId: string, queueId: string, agentIds: readonly string[], actor: AuditActor): Promise<{ added: string[]; removed: string[] }> {
  return withTenant(tenantId, async (trx) => {
    const queue = await trx
      .selectFrom("queues")
      .select(["id", "key"])
      .where("tenant_id", "=", tenantId)
      .where("id", "=", queueId)
      .forUpdate()
      .executeTakeFirst();
    if (!queue) throw new NotFoundError("queue");
    const wanted = [...new Set(agentIds)];
    if (wanted.length) {
      const known = await trx.selectFrom("agent_assignments").select("agent_id").where("tenant_id", "=", tenantId).where("agent_id", "in", wanted).execute();
      if (known.length !== wanted.length) throw new FieldConflict("agentIds", f("agentNotAssigned"));
    }
    const current = (
      await trx.selectFrom("agent_queue_assignments").select("agent_id").where("tenant_id", "=", tenantId).where("queue_id", "=", queueId).execute()
    ).map((r) => r.agent_id);
    const added = wanted.filter((id) => !current.includes(id));
    const removed = current.filter((id) => !wanted.includes(id));
    if (removed.length) {
      await trx.deleteFrom("agent_queue_assignments").where("tenant_id", "=", tenantId).where("queue_id", "=", queueId).where("agent_id", "in", removed).execute();
    }
    if (added.length) {
      await trx
        .insertInto("agent_queue_assignments")
        .values(added.map((agentId) => ({ tenant_id: tenantId, queue_id: queueId, agent_id: agentId })))
        .execute();
    }
    if (added.length || removed.length) {
      await recordAudit(trx, { tenantId, actor, ip: actor.ip, action: "queue.agents_set", target: { type: "queue", id: queueId }, data: { key: queue.key, added, removed } });
    }
    return { added, removed };
  });
}
