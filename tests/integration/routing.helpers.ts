import { sql } from "kysely";
import { makeTenant, makeUser, uniq } from "../setup/factories";
import { ownerDb } from "../setup/test-db";

/** Routing fixtures written with the owner connection, as the seed would. */
export const owner = ownerDb();

export async function makeQueue(tenantId: string, over: Partial<{ key: string; priority: number; required_skills: string[]; language: string | null; sl_threshold_seconds: number; offer_timeout_seconds: number; max_wait_seconds: number }> = {}) {
  return owner
    .insertInto("queues")
    .values({ tenant_id: tenantId, key: over.key ?? `q${uniq()}`, name: "Queue", ...over })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** An agent assigned to the given queues (and their tenants), with a live state. */
export async function makeAgent(
  queues: { tenant_id: string; id: string }[],
  opts: { state?: string; idleSecondsAgo?: number; skills?: string[]; languages?: string[]; proficiency?: Record<string, number> } = {},
) {
  const user = await makeUser({ staffRoles: ["agent"] });
  await owner
    .insertInto("agents")
    .values({
      user_id: user.id,
      employee_code: `E-${uniq()}`,
      skills: opts.skills ?? [],
      languages: opts.languages ?? ["fa", "en"],
      proficiency: JSON.stringify(opts.proficiency ?? {}),
    })
    .execute();
  for (const tenantId of new Set(queues.map((q) => q.tenant_id))) {
    await owner.insertInto("agent_assignments").values({ tenant_id: tenantId, agent_id: user.id }).execute();
  }
  for (const q of queues) {
    await owner.insertInto("agent_queue_assignments").values({ tenant_id: q.tenant_id, queue_id: q.id, agent_id: user.id }).execute();
  }
  const state = opts.state ?? "available";
  await owner
    .insertInto("agent_states")
    .values({
      agent_id: user.id,
      state,
      idle_since: state === "available" ? sql<Date>`now() - make_interval(secs => ${opts.idleSecondsAgo ?? 60})` : null,
    })
    .execute();
  return user;
}

export async function makeCall(tenantId: string, language = "fa") {
  return owner
    .insertInto("interactions")
    .values({ tenant_id: tenantId, direction: "inbound", state: "ivr", provider: "simulator", from_number: "+989121234567", language })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function agentState(agentId: string) {
  return owner.selectFrom("agent_states").selectAll().where("agent_id", "=", agentId).executeTakeFirstOrThrow();
}

export async function contactRow(contactId: string) {
  return owner.selectFrom("routing_contacts").selectAll().where("id", "=", contactId).executeTakeFirstOrThrow();
}

export { makeTenant };
