import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { action as wallboardAction, loader as wallboardLoader } from "~/routes/bureau.wallboard";
import { loader as liveLoader } from "~/routes/t.$slug.live";
import { makeUser } from "../setup/factories";
import { args, get, post, signIn, thrownStatus } from "./portal.helpers";
import { agentState, makeAgent, makeCall, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

/** A routed contact with given waits, written directly: the wallboard only reads. */
async function contact(tenantId: string, queueId: string, status: string, waitSeconds: number, opts: { answered?: boolean } = {}) {
  const call = await makeCall(tenantId);
  await owner
    .insertInto("routing_contacts")
    .values({
      tenant_id: tenantId,
      interaction_id: call.id,
      queue_id: queueId,
      status,
      priority: 5,
      sl_threshold_seconds: 20,
      enqueued_at: sql<Date>`now() - interval '10 minutes'`,
      connected_at: opts.answered ? sql<Date>`now() - interval '10 minutes' + make_interval(secs => ${waitSeconds})` : null,
      ended_at: status === "abandoned" ? sql<Date>`now() - interval '10 minutes' + make_interval(secs => ${waitSeconds})` : null,
    })
    .execute();
}

describe("the wallboard and the client live view", () => {
  it("computes today's service level with the stated formula and shows waiting contacts and agents by state", async () => {
    const t = await makeTenant({ name: "Bazarche" });
    const q = await makeQueue(t.id, { key: "ads", sl_threshold_seconds: 20 });
    await owner.updateTable("queues").set({ short_abandon_seconds: 5 }).where("id", "=", q.id).execute();
    await contact(t.id, q.id, "completed", 10, { answered: true });
    await contact(t.id, q.id, "completed", 20, { answered: true });
    await contact(t.id, q.id, "connected", 40, { answered: true });
    await contact(t.id, q.id, "abandoned", 3);
    await contact(t.id, q.id, "abandoned", 50);
    const waitingCall = await makeCall(t.id);
    await owner.insertInto("routing_contacts").values({ tenant_id: t.id, interaction_id: waitingCall.id, queue_id: q.id, priority: 5, sl_threshold_seconds: 20 }).execute();
    await makeAgent([q]);
    await makeAgent([q], { state: "break" });

    const manager = await makeUser({ staffRoles: ["manager"] });
    const data = await wallboardLoader(args(get("/bureau/wallboard", await signIn(manager.id))));
    const row = data.snapshot.queues.find((x) => x.queueId === q.id)!;
    expect(row.today).toEqual({ answered: 3, answeredWithin: 2, abandoned: 1, shortAbandoned: 1, serviceLevel: 50, abandonRate: 25 });
    expect(row.waiting).toBe(1);
    expect(row.agents.available).toBe(1);
    expect(row.agents.break).toBe(1);
    expect(data.canSupervise).toBe(true);
  });

  it("limits the client's live view to its own queues and hides agents' break reasons and other companies", async () => {
    const a = await makeTenant({ name: "Alpha" });
    const b = await makeTenant({ name: "Beta" });
    const qa = await makeQueue(a.id, { key: "general" });
    const qb = await makeQueue(b.id, { key: "general" });
    const shared = await makeAgent([qa, qb], { state: "break" });
    await owner.updateTable("agent_states").set({ reason: "prayer" }).where("agent_id", "=", shared.id).execute();
    await makeAgent([qb]);
    const client = await makeUser({ memberOf: [{ tenantId: a.id, role: "client_supervisor" }] });
    const cookie = await signIn(client.id);
    const view = await liveLoader(args(get(`/t/${a.slug}/live`, cookie), { slug: a.slug }));
    expect(view.snapshot.queues.map((q) => q.queueId)).toEqual([qa.id]);
    expect(view.snapshot.agents.map((x) => x.agentId)).toEqual([shared.id]);
    expect(view.snapshot.agents[0]).toMatchObject({ reason: null, queues: [{ tenantId: a.id }] });
    expect(await thrownStatus(liveLoader(args(get(`/t/${b.slug}/live`, cookie), { slug: b.slug })))).toBe(404);
    const viewer = await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] });
    expect(await thrownStatus(liveLoader(args(get(`/t/${a.slug}/live`, await signIn(viewer.id)), { slug: a.slug })))).toBe(403);
  });

  it("lets a team leader change an agent's state and move it between queues of companies it serves", async () => {
    const t = await makeTenant();
    const q1 = await makeQueue(t.id, { key: "one" });
    const q2 = await makeQueue(t.id, { key: "two" });
    const other = await makeQueue((await makeTenant()).id, { key: "elsewhere" });
    const agent = await makeAgent([q1], { state: "offline" });
    const leader = await makeUser({ staffRoles: ["team_leader"] });
    const cookie = await signIn(leader.id);
    const run = (fields: Record<string, string>) => wallboardAction(args(post("/bureau/wallboard", cookie, fields)));

    expect((await run({ intent: "state", agentId: agent.id, state: "available" })).notice).toBe("wallboard:notice.stateChanged");
    expect((await agentState(agent.id)).state).toBe("available");
    expect((await run({ intent: "addQueue", agentId: agent.id, queueId: q2.id })).notice).toBe("wallboard:notice.queueChanged");
    expect((await run({ intent: "removeQueue", agentId: agent.id, queueId: q1.id })).notice).toBe("wallboard:notice.queueChanged");
    const queues = await owner.selectFrom("agent_queue_assignments").select("queue_id").where("agent_id", "=", agent.id).execute();
    expect(queues.map((x) => x.queue_id)).toEqual([q2.id]);
    expect((await run({ intent: "addQueue", agentId: agent.id, queueId: other.id })).error).toBe("wallboard:errors.illegal");
    const audit = await owner.selectFrom("tenant_audit_log").select("action").where("tenant_id", "=", t.id).orderBy("created_at").execute();
    expect(audit.map((x) => x.action)).toEqual(["queue.agent.added", "queue.agent.removed"]);

    const plainAgent = await makeUser({ staffRoles: ["agent"] });
    expect(await thrownStatus(wallboardLoader(args(get("/bureau/wallboard", await signIn(plainAgent.id)))))).toBe(403);
    const wfm = await makeUser({ staffRoles: ["wfm_planner"] });
    expect(await thrownStatus(wallboardAction(args(post("/bureau/wallboard", await signIn(wfm.id), { intent: "state", agentId: agent.id, state: "offline" }))))).toBe(403);
  });
});
