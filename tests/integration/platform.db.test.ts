import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { appendEvents } from "~/modules/interactions/events.server";
import { db } from "~/modules/platform/db.server";
import { InvalidTenantId, withBureauScope, withTenant } from "~/modules/tenancy/scope.server";
import { makeCall, makeTenant, owner } from "./routing.helpers";

afterAll(() => owner.destroy());

const setting = async (trx: Parameters<Parameters<typeof withBureauScope>[0]>[0], name: string) =>
  (await sql<{ v: string | null }>`select current_setting(${name}, true) as v`.execute(trx)).rows[0]!.v ?? "";

describe("the database layer", () => {
  it("sets the scope with BEGIN, and never in a transaction the callback starts itself", async () => {
    const t = await makeTenant();
    await withBureauScope(async (trx) => {
      expect(await setting(trx, "app.scope")).toBe("bureau");
      // A plain transaction started inside runs on another connection with no scope at all.
      await db()
        .transaction()
        .execute(async (inner) => {
          expect(await setting(inner, "app.scope")).toBe("");
          expect(await setting(inner, "app.tenant_id")).toBe("");
        });
    });
    await withTenant(t.id, async (trx) => {
      expect(await setting(trx, "app.tenant_id")).toBe(t.id);
      expect(await setting(trx, "app.scope")).toBe("");
    });
    // SET LOCAL: nothing is left on the pooled connection afterwards.
    expect((await sql<{ v: string | null }>`select current_setting('app.scope', true) as v`.execute(db())).rows[0]!.v ?? "").toBe("");
  });

  it("refuses a tenant id that is not a uuid before it reaches SQL", async () => {
    await expect(withTenant("x'); select 1; --", async () => 1)).rejects.toBeInstanceOf(InvalidTenantId);
  });

  it("runs tagged statements as prepared statements on the connection", async () => {
    await withBureauScope(async (trx) => {
      await sql`/* hk:test-tagged */ select 1 as one`.execute(trx);
      await sql`select 2 as two`.execute(trx);
      const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx);
      expect(rows.some((r) => r.name.startsWith("hk_test-tagged_") && r.statement.includes("select 1 as one"))).toBe(true);
      expect(rows.some((r) => r.statement.includes("select 2 as two"))).toBe(false);
    });
  });

  it("numbers events right when two transactions append to one interaction at once", async () => {
    const t = await makeTenant();
    const call = await makeCall(t.id);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // The first transaction appends and stays open; the second must wait for it, then number after it.
    const first = withTenant(t.id, async (trx) => {
      await appendEvents(trx, t.id, call.id, [
        { type: "test.a", data: {} },
        { type: "test.b", data: {} },
      ]);
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = withTenant(t.id, (trx) => appendEvents(trx, t.id, call.id, [{ type: "test.c", data: { n: 3 } }]));
    await new Promise((r) => setTimeout(r, 100));
    release();
    await Promise.all([first, second]);
    const events = await owner.selectFrom("interaction_events").select(["seq", "type"]).where("interaction_id", "=", call.id).orderBy("seq").execute();
    expect(events).toEqual([
      { seq: 1, type: "test.a" },
      { seq: 2, type: "test.b" },
      { seq: 3, type: "test.c" },
    ]);
    const row = await owner.selectFrom("interactions").select("event_seq").where("id", "=", call.id).executeTakeFirstOrThrow();
    expect(row.event_seq).toBe(3);
  });

  it("refuses events for an interaction that is not there", async () => {
    const t = await makeTenant();
    await expect(withTenant(t.id, (trx) => appendEvents(trx, t.id, "00000000-0000-4000-8000-000000000000", [{ type: "x", data: {} }]))).rejects.toThrow(/not found/);
  });
});
