import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { seedHistory } from "../../db/demo-history";
import { customer360 } from "~/modules/customers/customers.server";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

describe("the demo's contact history", () => {
  it("writes 30 days of answered and abandoned calls with customers who call again, once", async () => {
    const t = await makeTenant();
    const q = await makeQueue(t.id, { key: "general" });
    await makeAgent([q]);
    await owner.insertInto("dispositions").values({ tenant_id: t.id, code: "solved", name: "Solved", resolved: true }).execute();
    const now = new Date("2026-11-22T09:00:00Z");
    const written = await seedHistory(owner, new Map([["x", t.id]]), { now, callsPerDay: 20 });
    expect(written).toBeGreaterThan(300);
    expect(await seedHistory(owner, new Map([["x", t.id]]), { now })).toBe(0);

    const span = await owner
      .selectFrom("interactions")
      .select([sql<Date>`min(started_at)`.as("first"), sql<Date>`max(started_at)`.as("last"), sql<number>`count(*) filter (where state = 'abandoned')::int`.as("abandoned")])
      .where("tenant_id", "=", t.id)
      .executeTakeFirstOrThrow();
    expect(span.last.getTime()).toBeLessThan(now.getTime());
    expect(now.getTime() - span.first.getTime()).toBeLessThanOrEqual(31 * 86_400_000);
    expect(span.abandoned).toBeGreaterThan(0);
    // No calls on Fridays beyond a trickle, and every call sits inside Tehran business hours.
    const outside = await sql<{ n: number }>`
      select count(*)::int as n from interactions where tenant_id = ${t.id}
        and extract(hour from started_at at time zone 'Asia/Tehran') not between 8 and 19`.execute(owner);
    expect(outside.rows[0]!.n).toBe(0);

    const heavy = await owner
      .selectFrom("interactions")
      .select(["customer_id", sql<number>`count(*)::int`.as("n")])
      .where("tenant_id", "=", t.id)
      .groupBy("customer_id")
      .orderBy(sql`count(*)`, "desc")
      .executeTakeFirstOrThrow();
    expect(heavy.n).toBeGreaterThan(5);
    const view = (await customer360(t.id, heavy.customer_id!))!;
    expect(view.contacts.length).toBe(heavy.n);
    expect(view.totals.resolved).toBeGreaterThan(0);
  });
});
