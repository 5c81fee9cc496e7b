import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { seedBilling } from "../../db/demo-billing";
import { seedHistory } from "../../db/demo-history";
import { loadInvoiceView } from "~/modules/billing/invoices.server";
import { periodContaining, previousPeriod } from "~/modules/billing/periods";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

class Rollback extends Error {}

describe("the demo's billing", () => {
  it("gives each tenant a plan, meters its history, and finalizes last month's invoice", async () => {
    const tenants = new Map<string, string>();
    for (const slug of ["avaye-hamrah", "appestan"]) {
      const t = await makeTenant();
      const q = await makeQueue(t.id, { key: "general" });
      await makeAgent([q]);
      await owner.insertInto("dispositions").values({ tenant_id: t.id, code: "solved", name: "Solved", resolved: true }).execute();
      tenants.set(slug, t.id);
    }
    const now = new Date("2026-12-03T09:00:00Z");
    const running = periodContaining(now, "jalali", "Asia/Tehran");
    const last = previousPeriod(running, "Asia/Tehran");
    // All of it in one transaction rolled back at the end: the shared test database keeps its settings.
    await expect(
      owner.transaction().execute(async (trx) => {
        await sql`select set_config('app.scope', 'bureau', true)`.execute(trx);
        await seedHistory(trx, tenants, { now, callsPerDay: 20 });
        expect(await seedBilling(trx, tenants, { userId: null }, now)).toBe(2);
        const usage = await trx.selectFrom("usage_events").select(["tenant_id", "kind"]).where("tenant_id", "in", [...tenants.values()]).execute();
        expect(usage.length).toBeGreaterThan(200);
        // The biggest client's dedicated agent bills seat-hours from its seeded sessions; the others none.
        expect(new Set(usage.map((u) => u.kind))).toEqual(new Set(["inbound_minutes", "ivr_minutes", "seat_hours"]));
        expect(new Set(usage.filter((u) => u.kind === "seat_hours").map((u) => u.tenant_id))).toEqual(new Set([tenants.get("avaye-hamrah")]));
        const invoices = await trx.selectFrom("invoices").select(["id", "tenant_id", "status", "number", "period_label"]).where("tenant_id", "in", [...tenants.values()]).execute();
        expect(invoices).toHaveLength(2);
        expect(invoices.every((i) => i.period_label === last.label && i.number !== null)).toBe(true);
        const paid = invoices.find((i) => i.tenant_id === tenants.get("avaye-hamrah"))!;
        expect(paid.status).toBe("paid");
        const view = (await loadInvoiceView(trx, paid.tenant_id, paid.id))!;
        expect(view.total).toBeGreaterThan(0n);
        expect(view.lines.reduce((s, l) => s + l.amount, 0n)).toBe(view.total);
        expect(view.buyer.legalName).toContain("آوای همراه");
        const seats = view.lines.find((l) => l.kind === "seat_hours");
        // Some twenty working days of about eight and a half hours each, at 1,200,000 rial an hour.
        expect(seats?.quantity).toBeGreaterThan(100 * 3600);
        expect(seats?.quantity).toBeLessThan(31 * 13 * 3600);
        expect(seats?.amount).toBe((BigInt(seats!.quantity!) * 1_200_000n + 1800n) / 3600n);
        // A second run leaves it all as it is.
        expect(await seedBilling(trx, tenants, { userId: null }, now)).toBe(0);
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
  });
});
