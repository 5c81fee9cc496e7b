import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_SCRIPTS, seedScripts } from "../../db/demo-scripts";
import { publishedScriptForQueue } from "~/modules/scripts/scripts.server";
import { withTenant } from "~/modules/tenancy/scope.server";
import { closeFactories, makeTenant } from "../setup/factories";
import { ownerDb } from "../setup/test-db";

const owner = ownerDb();
afterAll(async () => {
  await owner.destroy();
  await closeFactories();
});

/** As db/seed.ts runs it: the owner connection, one transaction, bureau scope. */
function seed(ids: ReadonlyMap<string, string> | Record<string, string>) {
  return owner.transaction().execute(async (trx) => {
    await sql`select set_config('app.scope', 'bureau', true)`.execute(trx);
    return seedScripts(trx, ids, { actor: { userId: null, label: "seed" } });
  });
}

describe("seedScripts", () => {
  it("stores a published script per existing queue, drafts where the demo has one, skips missing queues, and runs twice harmlessly", async () => {
    const hamrah = await makeTenant({ name: "آوای همراه" });
    const appestan = await makeTenant({ name: "اپستان" });
    // avaye-hamrah has only two of its three queues; appestan none; bazarche is not a tenant here.
    const queues = await owner
      .insertInto("queues")
      .values([
        { tenant_id: hamrah.id, key: "general", name: "عمومی" },
        { tenant_id: hamrah.id, key: "complaints", name: "شکایات" },
      ])
      .returning(["id", "key"])
      .execute();
    const ids = new Map([
      ["avaye-hamrah", hamrah.id],
      ["appestan", appestan.id],
    ]);
    expect(await seed(ids)).toBe(2);
    expect(await seed(Object.fromEntries(ids))).toBe(0);

    const scripts = await owner.selectFrom("scripts").select(["id", "name", "queue_id"]).where("tenant_id", "in", [hamrah.id, appestan.id]).orderBy("name").execute();
    expect(scripts.map((s) => s.name).sort()).toEqual(DEMO_SCRIPTS.filter((d) => d.tenant === "avaye-hamrah" && d.queue !== "support").map((d) => d.name).sort());
    const general = queues.find((q) => q.key === "general")!;
    const versions = await owner
      .selectFrom("script_versions as v")
      .innerJoin("scripts as s", (j) => j.onRef("s.tenant_id", "=", "v.tenant_id").onRef("s.id", "=", "v.script_id"))
      .select(["s.queue_id", "v.version", "v.status"])
      .where("v.tenant_id", "=", hamrah.id)
      .orderBy("s.queue_id")
      .orderBy("v.version")
      .execute();
    expect(versions.filter((v) => v.queue_id === general.id).map((v) => [v.version, v.status])).toEqual([
      [1, "published"],
      [2, "draft"],
    ]);
    expect(versions.filter((v) => v.queue_id !== general.id).map((v) => [v.version, v.status])).toEqual([[1, "published"]]);

    const published = await withTenant(hamrah.id, (trx) => publishedScriptForQueue(trx, hamrah.id, general.id));
    expect(published?.version).toBe(1);
    expect(published?.definition.body[0]?.id).toBe("topic");
    const audit = await owner.selectFrom("tenant_audit_log").select("action").where("tenant_id", "=", hamrah.id).where("action", "like", "script.%").execute();
    expect(audit.map((r) => r.action).sort()).toEqual(["script.created", "script.created", "script.draft_saved", "script.published", "script.published"]);
  });
});
