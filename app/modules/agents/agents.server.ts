import { sql } from "kysely";
import { asBureau, PermissionDenied } from "../auth/bureau.server";
import { can } from "../auth/permissions";
import { recordAudit } from "../auth/audit.server";
import { hashPassword } from "../auth/password.server";
import { insertStaffUser } from "../auth/staff.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { FieldConflict, mapConflicts, NotFoundError } from "../bureau/errors";
import type { Trx } from "../platform/db.server";
import { dedicationIssue, type AgentCreateInput, type AgentUpdateInput } from "./schemas";

/**
 * Agents: staff users with the "agent" role and a row in `agents` (employee code, languages, skills),
 * assigned to tenants with a priority and per-tenant skills. Assignments are tenant-owned rows, so
 * their changes are audited on each tenant; the agent's own profile on the bureau log.
 *
 * An assignment may be dedicated: the tenant bought the agent's seat, and billing meters the agent's
 * logged-in time as that tenant's seat-hours (billing/seats.ts). Every span of a dedication is kept
 * in agent_dedications, opened and closed in the same transaction as the flag, because billing meters
 * a day only after it has ended and must then still know who the agent was dedicated to.
 */
export interface AgentAssignment {
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  priority: number;
  skills: string[];
  dedicated: boolean;
  dedicatedSince: Date | null;
}

export interface Agent {
  id: string;
  name: string;
  email: string;
  status: "active" | "disabled";
  employeeCode: string;
  languages: string[];
  skills: string[];
  endpoint: string | null;
  autoAnswer: boolean;
  proficiency: Record<string, number>;
  assignments: AgentAssignment[];
}

/** jsonb does not keep key order, so levels are compared as sets of pairs. */
function sameLevels(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function selectAgents(trx: Trx, agentId?: string): Promise<Agent[]> {
  let q = trx
    .selectFrom("agents")
    .innerJoin("users", "users.id", "agents.user_id")
    .innerJoin("user_staff_roles", (j) => j.onRef("user_staff_roles.user_id", "=", "agents.user_id").on("user_staff_roles.role", "=", "agent"))
    .select(["users.id", "users.name", "users.email", "users.status", "agents.employee_code", "agents.languages", "agents.skills", "agents.endpoint", "agents.auto_answer", "agents.proficiency"])
    .orderBy("users.name");
  if (agentId) q = q.where("agents.user_id", "=", agentId);
  const rows = await q.execute();
  if (!rows.length) return [];
  const assignments = await trx
    .selectFrom("agent_assignments")
    .innerJoin("tenants", "tenants.id", "agent_assignments.tenant_id")
    .select([
      "agent_assignments.agent_id",
      "agent_assignments.tenant_id",
      "agent_assignments.priority",
      "agent_assignments.skills",
      "agent_assignments.dedicated",
      "agent_assignments.dedicated_since",
      "tenants.name",
      "tenants.slug",
    ])
    .where(
      "agent_assignments.agent_id",
      "in",
      rows.map((r) => r.id),
    )
    .orderBy("agent_assignments.priority")
    .orderBy("tenants.name")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    email: r.email,
    status: r.status as Agent["status"],
    employeeCode: r.employee_code,
    languages: r.languages,
    skills: r.skills,
    endpoint: r.endpoint,
    autoAnswer: r.auto_answer,
    proficiency: (r.proficiency ?? {}) as Record<string, number>,
    assignments: assignments
      .filter((a) => a.agent_id === r.id)
      .map((a) => ({
        tenantId: a.tenant_id,
        tenantName: a.name,
        tenantSlug: a.slug,
        priority: a.priority,
        skills: a.skills,
        dedicated: a.dedicated,
        dedicatedSince: a.dedicated_since,
      })),
  }));
}

export async function listAgents(ctx: BureauCtx): Promise<Agent[]> {
  return asBureau(ctx, "agents.read", (trx) => selectAgents(trx));
}

export async function getAgent(ctx: BureauCtx, agentId: string): Promise<Agent | null> {
  if (!UUID_RE.test(agentId)) return null;
  return asBureau(ctx, "agents.read", async (trx) => (await selectAgents(trx, agentId))[0] ?? null);
}

export async function agentCount(ctx: BureauCtx): Promise<number> {
  return asBureau(ctx, "bureau.console", async (trx) => {
    const row = await trx
      .selectFrom("agents")
      .innerJoin("users", "users.id", "agents.user_id")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("users.status", "=", "active")
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  });
}

/** Creating an agent: a staff user with the agent role plus the agents row, in one transaction. */
export async function createAgent(ctx: BureauCtx, input: AgentCreateInput): Promise<Agent> {
  const passwordHash = await hashPassword(input.password);
  // Creating a user is staff management, the agents row agent management: both are required.
  if (!can(ctx.actor, "agents.manage")) throw new PermissionDenied("agents.manage");
  return mapConflicts(
    () =>
      asBureau(ctx, "staff.manage", async (trx) => {
          const taken = await trx.selectFrom("agents").select("user_id").where("employee_code", "=", input.employeeCode).executeTakeFirst();
          if (taken) throw new FieldConflict("employeeCode", "validation:employeeCodeTaken");
          const id = await insertStaffUser(trx, { ...input, roles: ["agent"] }, passwordHash);
          await trx
            .insertInto("agents")
            .values({ user_id: id, employee_code: input.employeeCode, languages: input.languages, skills: input.skills })
            .execute();
          await recordAudit(trx, {
            tenantId: null,
            actor: auditActor(ctx),
            ip: ctx.ip,
            action: "agent.created",
            target: { type: "user", id },
            data: { email: input.email, name: input.name, employeeCode: input.employeeCode, languages: input.languages, skills: input.skills },
          });
          return (await selectAgents(trx, id))[0]!;
      }),
    {
      agents_employee_code_key: { field: "employeeCode", messageKey: "validation:employeeCodeTaken" },
      users_email_key: { field: "email", messageKey: "validation:emailTaken" },
    },
  );
}

export async function updateAgent(ctx: BureauCtx, agentId: string, input: AgentUpdateInput): Promise<void> {
  await asBureau(ctx, "agents.manage", async (trx) => {
    if (!UUID_RE.test(agentId)) throw new NotFoundError("agent");
    const before = (await selectAgents(trx, agentId))[0];
    if (!before) throw new NotFoundError("agent");
    await trx.selectFrom("agents").select("user_id").where("user_id", "=", agentId).forUpdate().execute();
    await trx
      .updateTable("agents")
      .set({ languages: input.languages, skills: input.skills, endpoint: input.endpoint, auto_answer: input.autoAnswer, proficiency: JSON.stringify(input.proficiency) })
      .where("user_id", "=", agentId)
      .execute();
    if (before.endpoint !== input.endpoint || before.autoAnswer !== input.autoAnswer) {
      await recordAudit(trx, {
        tenantId: null,
        actor: auditActor(ctx),
        ip: ctx.ip,
        action: "agent.telephony.updated",
        target: { type: "user", id: agentId },
        data: { endpoint: { from: before.endpoint, to: input.endpoint }, autoAnswer: { from: before.autoAnswer, to: input.autoAnswer } },
      });
    }
    if (
      JSON.stringify(before.languages) !== JSON.stringify(input.languages) ||
      JSON.stringify(before.skills) !== JSON.stringify(input.skills) ||
      sameLevels(before.proficiency, input.proficiency) === false
    ) {
      await recordAudit(trx, {
        tenantId: null,
        actor: auditActor(ctx),
        ip: ctx.ip,
        action: "agent.updated",
        target: { type: "user", id: agentId },
        data: {
          languages: { from: before.languages, to: input.languages },
          skills: { from: before.skills, to: input.skills },
          proficiency: { from: before.proficiency, to: input.proficiency },
        },
      });
    }

    const issue = dedicationIssue(input.assignments);
    if (issue) throw new FieldConflict(`assignments[${issue.index}].dedicated`, issue.messageKey);
    const wanted = new Map(input.assignments.filter((a) => a.assigned).map((a) => [a.tenantId, { ...a, dedicated: a.dedicated ?? false }]));
    const tenantIds = [...new Set(input.assignments.map((a) => a.tenantId))];
    const existingTenants = tenantIds.length
      ? new Set((await trx.selectFrom("tenants").select("id").where("id", "in", tenantIds).execute()).map((t) => t.id))
      : new Set<string>();
    for (const id of wanted.keys()) if (!existingTenants.has(id)) throw new NotFoundError("tenant");
    const current = new Map(before.assignments.map((a) => [a.tenantId, a]));
    const actor = auditActor(ctx);
    // One instant for every span this save ends or starts: a dedication moved from one tenant to
    // another leaves no gap and no overlap.
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
    const at = rows[0]!.now;

    // Dedications that end go first, so the one that starts (maybe on another tenant) finds the agent free.
    for (const [tenantId, prev] of current) {
      if (prev.dedicated && !wanted.get(tenantId)?.dedicated) await endDedication(trx, tenantId, agentId, at);
    }
    for (const [tenantId, prev] of current) {
      const next = wanted.get(tenantId);
      if (!next) {
        await trx.deleteFrom("agent_assignments").where("tenant_id", "=", tenantId).where("agent_id", "=", agentId).execute();
        await recordAudit(trx, {
          tenantId,
          actor,
          ip: ctx.ip,
          action: "agent.unassigned",
          target: { type: "user", id: agentId },
          data: { employeeCode: before.employeeCode, ...(prev.dedicated ? { dedicated: { from: true, to: false } } : {}) },
        });
      } else if (next.priority !== prev.priority || JSON.stringify(next.skills) !== JSON.stringify(prev.skills) || next.dedicated !== prev.dedicated) {
        await trx
          .updateTable("agent_assignments")
          .set({ priority: next.priority, skills: next.skills, dedicated: next.dedicated, dedicated_since: next.dedicated ? (prev.dedicated ? prev.dedicatedSince : at) : null })
          .where("tenant_id", "=", tenantId)
          .where("agent_id", "=", agentId)
          .execute();
        if (next.dedicated && !prev.dedicated) await startDedication(trx, tenantId, agentId, at, ctx.actor.userId);
        await recordAudit(trx, {
          tenantId,
          actor,
          ip: ctx.ip,
          action: "agent.assignment.updated",
          target: { type: "user", id: agentId },
          data: {
            employeeCode: before.employeeCode,
            priority: { from: prev.priority, to: next.priority },
            skills: { from: prev.skills, to: next.skills },
            ...(next.dedicated !== prev.dedicated ? { dedicated: { from: prev.dedicated, to: next.dedicated } } : {}),
          },
        });
      }
    }
    for (const [tenantId, next] of wanted) {
      if (current.has(tenantId)) continue;
      await trx
        .insertInto("agent_assignments")
        .values({ tenant_id: tenantId, agent_id: agentId, priority: next.priority, skills: next.skills, dedicated: next.dedicated, dedicated_since: next.dedicated ? at : null })
        .execute();
      if (next.dedicated) await startDedication(trx, tenantId, agentId, at, ctx.actor.userId);
      await recordAudit(trx, {
        tenantId,
        actor,
        ip: ctx.ip,
        action: "agent.assigned",
        target: { type: "user", id: agentId },
        data: { employeeCode: before.employeeCode, priority: next.priority, skills: next.skills, ...(next.dedicated ? { dedicated: true } : {}) },
      });
    }
  });
}

/** Opens a span of the agent's dedication to the tenant (the flag on the assignment is the caller's). */
async function startDedication(trx: Trx, tenantId: string, agentId: string, at: Date, actorUserId: string | null): Promise<void> {
  await trx.insertInto("agent_dedications").values({ tenant_id: tenantId, agent_id: agentId, dedicated_from: at, created_by: actorUserId }).execute();
}

/** Closes the open span, if any, and clears the flag (the assignment may be about to go). */
async function endDedication(trx: Trx, tenantId: string, agentId: string, at: Date): Promise<void> {
  await trx
    .updateTable("agent_dedications")
    .set({ dedicated_until: at })
    .where("tenant_id", "=", tenantId)
    .where("agent_id", "=", agentId)
    .where("dedicated_until", "is", null)
    .execute();
  await trx.updateTable("agent_assignments").set({ dedicated: false, dedicated_since: null }).where("tenant_id", "=", tenantId).where("agent_id", "=", agentId).execute();
}
