import { describe, expect, it } from "vitest";
import { DEMO_FLOWS } from "../../db/demo-flows";
import { DEMO_DISPOSITIONS, DEMO_QUEUES, demoLogins, demoProficiency, demoQueueAssignments } from "../../db/seed";
import { CODE_RE, queueFormSchema } from "~/modules/queues/schemas";

describe("the demo tenants' queues", () => {
  it("include every queue the tenant's IVR flows name", () => {
    for (const demo of DEMO_FLOWS) {
      const keys = (DEMO_QUEUES[demo.tenant] ?? []).map((q) => q.key);
      for (const id of demo.queueIds) expect(keys, `${demo.tenant}: ${id}`).toContain(id);
    }
  });

  it("are valid queue settings, with overflow into a queue listed before them", () => {
    for (const [tenant, queues] of Object.entries(DEMO_QUEUES)) {
      const ids = queues.map((q) => `00000000-0000-4000-8000-${String(queues.indexOf(q)).padStart(12, "0")}`);
      queues.forEach((q, i) => {
        const overflowQueueId = q.overflow.action === "queue" ? ids[queues.findIndex((o) => o.key === (q.overflow as { queue: string }).queue)] : undefined;
        if (q.overflow.action === "queue") expect(queues.findIndex((o) => o.key === (q.overflow as { queue: string }).queue), `${tenant}/${q.key}`).toBeLessThan(i);
        const parsed = queueFormSchema({ queueId: ids[i], tenantQueueIds: ids }).safeParse({
          key: q.key,
          name: q.name,
          channels: q.channels,
          requiredSkills: q.skills.join(","),
          minProficiency: String(q.minProficiency),
          language: q.language ?? "",
          priority: String(q.priority),
          slTargetPct: String(q.slTargetPct),
          slThresholdSeconds: String(q.slThresholdSeconds),
          shortAbandonSeconds: "5",
          maxWaitSeconds: String(q.maxWaitSeconds),
          overflowAction: q.overflow.action,
          overflowQueueId,
          overflowNumber: q.overflow.action === "external" ? q.overflow.number : undefined,
          offerTimeoutSeconds: "15",
          wrapupSeconds: String(q.wrapupSeconds),
          afterHours: q.afterHours,
        });
        expect(parsed.success, `${tenant}/${q.key}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      });
    }
  });

  it("each have agents who meet their skills, and every agent serves a queue at each of its tenants", () => {
    const assignments = demoQueueAssignments();
    const agents = demoLogins().filter((l) => l.role === "agent");
    for (const [tenant, queues] of Object.entries(DEMO_QUEUES)) {
      for (const q of queues) {
        const serving = assignments.filter((a) => a.tenant === tenant && a.queue === q.key);
        expect(serving.length, `${tenant}/${q.key}`).toBeGreaterThan(0);
        for (const a of serving) {
          const levels = demoProficiency(agents.findIndex((l) => l.email === a.agentEmail));
          for (const skill of q.skills) expect(levels[skill] ?? 0, `${a.agentEmail} ${skill}`).toBeGreaterThanOrEqual(q.minProficiency);
          if (q.language) expect(levels[q.language], `${a.agentEmail} ${q.language}`).toBeGreaterThanOrEqual(1);
        }
      }
    }
    const pairs = new Set(assignments.map((a) => `${a.agentEmail} ${a.tenant}`));
    expect(pairs.size).toBeGreaterThanOrEqual(agents.length);
  });

  it("give proficiency levels from 1 to 5", () => {
    for (let i = 0; i < 12; i++) for (const level of Object.values(demoProficiency(i))) expect(level >= 1 && level <= 5).toBe(true);
  });
});

describe("the demo tenants' dispositions", () => {
  it("are two-level trees with unique codes, resolved and unresolved outcomes", () => {
    for (const [tenant, reasons] of Object.entries(DEMO_DISPOSITIONS)) {
      const codes = reasons.flatMap((r) => [r.code, ...r.outcomes.map((o) => o.code)]);
      expect(new Set(codes).size, tenant).toBe(codes.length);
      for (const code of codes) expect(code).toMatch(CODE_RE);
      for (const r of reasons) expect(r.outcomes.length, `${tenant}/${r.code}`).toBeGreaterThan(0);
      const outcomes = reasons.flatMap((r) => r.outcomes);
      expect(outcomes.some((o) => o.resolved)).toBe(true);
      expect(outcomes.some((o) => !o.resolved)).toBe(true);
      // Written in Persian for the agents.
      for (const r of reasons) expect(r.name).toMatch(/[\u0600-\u06FF]/);
    }
  });
});
