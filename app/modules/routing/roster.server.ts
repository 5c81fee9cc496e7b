import type { StaffRole } from "../auth/permissions";
import { withBureauScope } from "../tenancy/scope.server";
import { isAgentState, type AgentState } from "./agent-state";

/**
 * System reads of the routable floor for automation that acts as agents (the demo's traffic
 * generator, load runs): who an e-mail address is as an agent, and many agents' live states in one
 * query. Bureau scope without a permission check, like resolveNumber: callers are processes, not
 * users, and the results never reach a page.
 */

export interface RoutableAgent {
  agentId: string;
  email: string;
  name: string;
  active: boolean;
  staffRoles: StaffRole[];
  /** Active tenants whose queues the agent serves. */
  tenants: { tenantId: string; slug: string }[];
}

/** Agents with these e-mail addresses (case-insensitive); addresses that are not agents are left out. */
export function routableAgents(emails: readonly string[]): Promise<RoutableAgent[]> {
  const wanted = [...new Set(emails.map((e) => e.trim().toLowerCase()))].filter(Boolean);
  if (wanted.length === 0) return Promise.resolve([]);
  return withBureauScope(async (trx) => {
    const rows = await trx
      .selectFrom("agents as a")
      .innerJoin("users as u", "u.id", "a.user_id")
      .select(["a.user_id", "u.email", "u.name", "u.status"])
      .where((eb) => eb(eb.fn("lower", ["u.email"]), "in", wanted))
      .orderBy("u.email")
      .execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.user_id);
    const [roles, tenants] = await Promise.all([
      trx.selectFrom("user_staff_roles").select(["user_id", "role"]).where("user_id", "in", ids).execute(),
      trx
        .selectFrom("agent_queue_assignments as q")
        .innerJoin("tenants as t", "t.id", "q.tenant_id")
        .select(["q.agent_id", "t.id", "t.slug"])
        .distinct()
        .where("q.agent_id", "in", ids)
        .where("t.status", "=", "active")
        .orderBy("t.slug")
        .execute(),
    ]);
    return rows.map((r) => ({
      agentId: r.user_id,
      email: r.email,
      name: r.name,
      active: r.status === "active",
      staffRoles: roles.filter((x) => x.user_id === r.user_id).map((x) => x.role as StaffRole),
      tenants: tenants.filter((t) => t.agent_id === r.user_id).map((t) => ({ tenantId: t.id, slug: t.slug })),
    }));
  });
}

export interface AgentLiveState {
  agentId: string;
  state: AgentState;
  reason: string | null;
  since: Date;
  contactTenantId: string | null;
  contactId: string | null;
}

/** The live state of each agent (offline for one that never had a state row). */
export async function agentLiveStates(agentIds: readonly string[]): Promise<AgentLiveState[]> {
  if (agentIds.length === 0) return [];
  const rows = await withBureauScope((trx) =>
    trx
      .selectFrom("agent_states")
      .select(["agent_id", "state", "reason", "since", "contact_tenant_id", "contact_id"])
      .where("agent_id", "in", [...agentIds])
      .execute(),
  );
  const byId = new Map(rows.map((r) => [r.agent_id, r]));
  return agentIds.map((agentId) => {
    const r = byId.get(agentId);
    return {
      agentId,
      state: r && isAgentState(r.state) ? r.state : "offline",
      reason: r?.reason ?? null,
      since: r?.since ?? new Date(0),
      contactTenantId: r?.contact_tenant_id ?? null,
      contactId: r?.contact_id ?? null,
    };
  });
}
