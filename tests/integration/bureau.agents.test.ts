import { afterAll, describe, expect, it } from "vitest";
import { createAgent, getAgent, listAgents, updateAgent } from "../../app/modules/agents/agents.server";
import { loadActor } from "../../app/modules/auth/actor.server";
import { PermissionDenied } from "../../app/modules/auth/bureau.server";
import { FieldConflict } from "../../app/modules/bureau/errors";
import * as editRoute from "../../app/routes/bureau.agents.$agentId";
import * as newRoute from "../../app/routes/bureau.agents.new";
import { closeFactories, makeTenant, makeUser, uniq } from "../setup/factories";
import { args, bureauAudit, closeOwner, fieldErrors, ownerConn, post, run, signIn, staffCtx, tenantAudit } from "./bureau.helpers";

afterAll(async () => {
  await closeFactories();
  await closeOwner();
});

const agentInput = (code: string) => ({
  name: `Agent ${code}`,
  email: `agent-${code.toLowerCase()}@hamkal.test`,
  password: "agent-password-1",
  locale: "fa" as const,
  employeeCode: code,
  languages: ["fa" as const, "en" as const],
  skills: ["billing"],
});

describe("agents", () => {
  it("creates an agent (staff user with the agent role plus profile); a taken employee code is a field conflict", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const code = `A${uniq().toUpperCase()}`;
    const agent = await createAgent(admin, agentInput(code));
    expect(agent).toMatchObject({ employeeCode: code, languages: ["fa", "en"], skills: ["billing"], assignments: [] });
    const roles = await ownerConn().selectFrom("user_staff_roles").select("role").where("user_id", "=", agent.id).execute();
    expect(roles.map((r) => r.role)).toEqual(["agent"]);
    expect((await bureauAudit(agent.id)).map((a) => a.action)).toEqual(["agent.created"]);

    const other = agentInput(code);
    other.email = `other-${uniq()}@hamkal.test`;
    await expect(createAgent(admin, other)).rejects.toEqual(new FieldConflict("employeeCode", "validation:employeeCodeTaken"));
    expect(await ownerConn().selectFrom("users").select("id").where("email", "=", other.email).executeTakeFirst()).toBeUndefined();

    // WFM planners manage agents but may not create user accounts.
    const wfm = await staffCtx(["wfm_planner"]);
    await expect(createAgent(wfm, agentInput(`B${uniq().toUpperCase()}`))).rejects.toBeInstanceOf(PermissionDenied);
  });

  it("assigns tenants with priority and per-tenant skills, audited on each tenant", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const wfm = await staffCtx(["wfm_planner"]);
    const t1 = await makeTenant();
    const t2 = await makeTenant();
    const agent = await createAgent(admin, agentInput(`C${uniq().toUpperCase()}`));
    await updateAgent(wfm, agent.id, {
      languages: ["fa"],
      skills: ["billing", "vip"],
      endpoint: "sip:c1@pbx.example",
      autoAnswer: true,
      proficiency: { billing: 5, fa: 4 },
      assignments: [
        { tenantId: t1.id, assigned: true, priority: 2, skills: ["sales"] },
        { tenantId: t2.id, assigned: true, priority: 1, skills: [] },
      ],
    });
    let loaded = await getAgent(wfm, agent.id);
    expect(loaded).toMatchObject({ languages: ["fa"], skills: ["billing", "vip"], endpoint: "sip:c1@pbx.example", autoAnswer: true, proficiency: { billing: 5, fa: 4 } });
    expect(loaded!.assignments.map((a) => [a.tenantId, a.priority, a.skills])).toEqual([
      [t2.id, 1, []],
      [t1.id, 2, ["sales"]],
    ]);
    expect([...(await loadActor(agent.id)).actor.agentTenants].sort()).toEqual([t1.id, t2.id].sort());

    await updateAgent(wfm, agent.id, {
      languages: ["fa"],
      skills: ["billing", "vip"],
      endpoint: "sip:c1@pbx.example",
      autoAnswer: true,
      proficiency: { billing: 5, fa: 4 },
      assignments: [
        { tenantId: t1.id, assigned: true, priority: 5, skills: ["sales"] },
        { tenantId: t2.id, assigned: false, priority: 1, skills: [] },
      ],
    });
    loaded = await getAgent(wfm, agent.id);
    expect(loaded!.assignments.map((a) => [a.tenantId, a.priority])).toEqual([[t1.id, 5]]);
    expect((await tenantAudit(t1.id)).map((a) => a.action)).toEqual(["agent.assigned", "agent.assignment.updated"]);
    expect((await tenantAudit(t2.id)).map((a) => a.action)).toEqual(["agent.assigned", "agent.unassigned"]);
    expect((await bureauAudit(agent.id)).map((a) => a.action)).toEqual(["agent.created", "agent.telephony.updated", "agent.updated"]);
    expect((await listAgents(wfm)).find((a) => a.id === agent.id)?.assignments).toHaveLength(1);

    const qa = await staffCtx(["qa_analyst"]);
    await expect(updateAgent(qa, agent.id, { languages: ["fa"], skills: [], endpoint: null, autoAnswer: false, proficiency: {}, assignments: [] })).rejects.toBeInstanceOf(PermissionDenied);
  });

  it("works through the routes: create form errors, assignment form", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const cookie = await signIn(admin.id);
    const tenant = await makeTenant();
    const code = `D${uniq().toUpperCase()}`;
    const fields = { name: "Nima", email: `nima-${uniq()}@hamkal.test`, password: "nima-password", locale: "fa", employeeCode: code.toLowerCase(), languages: ["fa", "ar"], skills: "Billing, Sales" };
    const ok = await run(newRoute.action(args(post("/bureau/agents/new", cookie, fields))));
    expect(ok).toMatchObject({ status: 302, location: "/bureau/agents?notice=created" });
    const row = await ownerConn().selectFrom("agents").selectAll().where("employee_code", "=", code).executeTakeFirstOrThrow();
    expect(row.skills).toEqual(["billing", "sales"]);
    const dup = await run(newRoute.action(args(post("/bureau/agents/new", cookie, { ...fields, email: `x-${uniq()}@hamkal.test` }))));
    expect(fieldErrors(dup.data)).toEqual({ employeeCode: ["validation:employeeCodeTaken"] });
    const bad = await run(newRoute.action(args(post("/bureau/agents/new", cookie, { ...fields, employeeCode: "no spaces!", languages: [] }))));
    expect(fieldErrors(bad.data)).toEqual({ employeeCode: ["validation:employeeCode"], languages: ["validation:chooseOne"] });

    const path = `/bureau/agents/${row.user_id}`;
    const badPriority = await run(
      editRoute.action(
        args(post(path, cookie, { languages: "fa", "assignments[0].tenantId": tenant.id, "assignments[0].assigned": "on", "assignments[0].priority": "10" }), {
          agentId: row.user_id,
        }),
      ),
    );
    expect(fieldErrors(badPriority.data)).toEqual({ "assignments[0].priority": ["validation:priority"] });
    const saved = await run(
      editRoute.action(
        args(
          post(path, cookie, {
            languages: ["fa", "en"],
            skills: "billing",
            "assignments[0].tenantId": tenant.id,
            "assignments[0].assigned": "on",
            "assignments[0].priority": "3",
            "assignments[0].skills": "vip",
          }),
          { agentId: row.user_id },
        ),
      ),
    );
    expect(saved).toMatchObject({ status: 302, location: `${path}?notice=saved` });
    expect(await ownerConn().selectFrom("agent_assignments").select(["tenant_id", "priority", "skills"]).where("agent_id", "=", row.user_id).execute()).toEqual([
      { tenant_id: tenant.id, priority: 3, skills: ["vip"] },
    ]);
    // Dedicated (the client buys the seat): one client at a time, and only a client it is assigned to.
    const other = await makeTenant();
    const dedicate = (fields: Record<string, string>) =>
      run(
        editRoute.action(
          args(
            post(path, cookie, {
              languages: ["fa", "en"],
              skills: "billing",
              "assignments[0].tenantId": tenant.id,
              "assignments[0].assigned": "on",
              "assignments[0].priority": "3",
              "assignments[1].tenantId": other.id,
              "assignments[1].priority": "1",
              ...fields,
            }),
            { agentId: row.user_id },
          ),
        ),
      );
    const twice = await dedicate({ "assignments[0].dedicated": "on", "assignments[1].assigned": "on", "assignments[1].dedicated": "on" });
    expect(fieldErrors(twice.data)).toEqual({ "assignments[1].dedicated": ["validation:dedicatedOnce"] });
    const unassigned = await dedicate({ "assignments[1].dedicated": "on" });
    expect(fieldErrors(unassigned.data)).toEqual({ "assignments[1].dedicated": ["validation:dedicatedNotAssigned"] });
    expect(await dedicate({ "assignments[0].dedicated": "on" })).toMatchObject({ status: 302, location: `${path}?notice=saved` });
    expect(await ownerConn().selectFrom("agent_assignments").select(["tenant_id", "dedicated"]).where("agent_id", "=", row.user_id).execute()).toEqual([
      { tenant_id: tenant.id, dedicated: true },
    ]);
    const page = await run(editRoute.loader(args(new Request(`http://localhost${path}`, { headers: { cookie } }), { agentId: row.user_id })));
    const loaded = page.data as { agent: { assignments: { tenantId: string; dedicated: boolean; dedicatedSince: Date | null }[] } };
    expect(loaded.agent.assignments).toMatchObject([{ tenantId: tenant.id, dedicated: true }]);
    expect(loaded.agent.assignments[0]!.dedicatedSince).not.toBeNull();

    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await run(editRoute.loader(args(new Request(`http://localhost/bureau/agents/${missing}`, { headers: { cookie } }), { agentId: missing })))).status).toBe(404);
  });
});
