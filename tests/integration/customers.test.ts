import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { customer360, customerForNumber } from "~/modules/customers/customers.server";
import { withTenant } from "~/modules/tenancy/scope.server";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

describe("customers and the 360 view", () => {
  it("finds or creates the tenant's customer by number; another tenant's same number is another customer", async () => {
    const a = await makeTenant();
    const b = await makeTenant();
    const first = await withTenant(a.id, (trx) => customerForNumber(trx, a.id, "+98 912 000 1111"));
    const again = await withTenant(a.id, (trx) => customerForNumber(trx, a.id, "+989120001111"));
    const other = await withTenant(b.id, (trx) => customerForNumber(trx, b.id, "+989120001111"));
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(await withTenant(a.id, (trx) => customerForNumber(trx, a.id, "anonymous"))).toBeNull();
    // Tenant B cannot read A's customer.
    expect(await customer360(b.id, first!)).toBeNull();
  });

  it("lists past contacts with dispositions and notes, open callbacks, and flags a repeat within 7 days", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    const agent = await makeAgent([q]);
    const customerId = (await withTenant(t.id, (trx) => customerForNumber(trx, t.id, "+989121112233")))!;
    const solved = await owner.insertInto("dispositions").values({ tenant_id: t.id, code: "solved", name: "حل شد", resolved: true }).returning("id").executeTakeFirstOrThrow();
    const old = await owner
      .insertInto("interactions")
      .values({
        tenant_id: t.id,
        direction: "inbound",
        state: "completed",
        provider: "simulator",
        customer_id: customerId,
        queue_id: q.id,
        agent_id: agent.id,
        disposition_id: solved.id,
        wrapup_notes: "Reset the modem",
        started_at: sql<Date>`now() - interval '3 days'`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner.insertInto("interaction_notes").values({ tenant_id: t.id, interaction_id: old.id, author_label: "agent", body: "Called about internet" }).execute();
    const current = await owner
      .insertInto("interactions")
      .values({ tenant_id: t.id, direction: "inbound", state: "connected", provider: "simulator", customer_id: customerId })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner.insertInto("callback_tasks").values({ tenant_id: t.id, customer_id: customerId, number: "+989121112233", reason: "agent", note: "Check tomorrow" }).execute();

    const view = (await customer360(t.id, customerId, { currentInteractionId: current.id }))!;
    expect(view.repeatContact).toBe(true);
    expect(view.contacts).toHaveLength(1);
    expect(view.contacts[0]).toMatchObject({
      interactionId: old.id,
      queueName: "Queue",
      disposition: { code: "solved", name: "حل شد", resolved: true },
      wrapupNotes: "Reset the modem",
      notes: [{ body: "Called about internet", author: "agent" }],
    });
    expect(view.openCallbacks.map((c) => c.note)).toEqual(["Check tomorrow"]);
    expect(view.totals).toEqual({ contacts: 2, resolved: 1 });

    await owner.updateTable("interactions").set({ started_at: sql`now() - interval '8 days'` }).where("id", "=", old.id).execute();
    expect((await customer360(t.id, customerId, { currentInteractionId: current.id }))!.repeatContact).toBe(false);
  });
});
