import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { getCampaign } from "~/modules/campaigns/campaigns.server";
import { addDncEntries } from "~/modules/campaigns/dnc.server";
import { cancelImport, commitImport, createImport, getImport, handleImportJob, ImportError, submitMapping } from "~/modules/campaigns/imports.server";
import { closeQueues } from "~/modules/platform/queues.server";
import { closeFactories } from "../setup/factories";
import { actor, makeCampaignFixture, mobiles, owner } from "./campaigns.helpers";

afterAll(async () => {
  await closeQueues();
  await closeFactories();
});

/**
 * A 10,000-row list with bad rows of every kind: each bad row is reported with its row number and
 * reason, the good ones all import, and a commit that fails part-way leaves nothing behind.
 */
function buildCsv(rows: number, existing: string, dnc: string) {
  const numbers = mobiles(rows, 4242);
  const lines = ["Mobile,Name,Amount,Due date"];
  const expected = { invalid: [] as number[], duplicates: [] as number[], existing: [] as number[], dnc: [] as number[], blank: 0, tooLong: [] as number[] };
  for (let i = 0; i < rows; i++) {
    const rowNumber = i + 2; // the header is row 1
    let phone = numbers[i]!.replace("+98", "0");
    let name = `Customer ${i}`;
    if (i > 0 && i % 97 === 0) {
      phone = "12345";
      expected.invalid.push(rowNumber);
    } else if (i > 0 && i % 101 === 0) {
      phone = numbers[0]!; // the first row's number again, in another form
      expected.duplicates.push(rowNumber);
    } else if (i === 500) {
      phone = existing;
      expected.existing.push(rowNumber);
    } else if (i === 600) {
      phone = dnc;
      expected.dnc.push(rowNumber);
    } else if (i === 700) {
      name = "x".repeat(201);
      expected.tooLong.push(rowNumber);
    } else if (i === 800) {
      lines.push(",,,");
      expected.blank++;
      continue;
    }
    // Persian digits in every tenth row: accepted as any other.
    if (i % 10 === 3) phone = phone.replace(/[0-9]/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);
    lines.push(`${phone},${name},${(i * 1000) % 99_000},2026-12-${String((i % 28) + 1).padStart(2, "0")}`);
  }
  return { csv: lines.join("\n") + "\n", expected };
}

describe("contact list import", () => {
  it("reviews and commits a 10,000-row list with bad rows, nothing half-written", async () => {
    const [existing, dnc] = mobiles(2, 9191);
    const f = await makeCampaignFixture({ numbers: [existing!], start: false });
    await addDncEntries({ kind: "tenant", tenantId: f.tenant.id }, [{ kind: "number", value: dnc!, valueTo: null, note: "", expiresAt: null }], "manual", actor);
    const { csv, expected } = buildCsv(10_000, existing!, dnc!);
    const upload = await createImport(f.tenant.id, f.campaign.id, { name: "list.csv", bytes: new TextEncoder().encode(csv) }, actor);
    expect(upload).toMatchObject({ status: "uploaded", fileFormat: "csv", header: ["Mobile", "Name", "Amount", "Due date"] });
    expect(upload.previewRows).toHaveLength(5);
    expect(upload.suggested).toMatchObject({ phone: 0, name: 1 });
    expect(upload.rowsTotal).toBe(10_000);

    // A mapping naming a column the file does not have is refused, naming the field.
    const bad = await submitMapping(f.tenant.id, upload.id, { phone: "Phone number", name: "Name" }, true, actor);
    expect(bad).toEqual({ ok: false, errors: [{ path: "phone", code: "unknownColumn" }] });

    const mapped = await submitMapping(f.tenant.id, upload.id, { ...upload.suggested! }, true, actor);
    expect(mapped).toEqual({ ok: true });
    await handleImportJob({ tenantId: f.tenant.id, importId: upload.id, phase: "review" });
    const reviewed = (await getImport(f.tenant.id, upload.id))!;
    expect(reviewed.status).toBe("reviewed");
    const s = reviewed.summary!;
    const bad_ = expected.invalid.length + expected.tooLong.length;
    expect(s).toMatchObject({
      rows: 10_000,
      blank: expected.blank,
      invalid: bad_,
      duplicatesInFile: expected.duplicates.length,
      duplicatesExisting: 1,
      doNotCall: 1,
    });
    const valid = 10_000 - expected.blank - bad_ - expected.duplicates.length - 1 - 1;
    expect(s.valid).toBe(valid);
    expect(reviewed.rowsRead).toBe(10_000);
    // Row numbers and reasons, as the sheet shows them.
    const review = reviewed.review!;
    expect(review.invalid.slice(0, 3).map((r) => r.rowNumber)).toEqual(expected.invalid.slice(0, 3));
    expect(review.invalid.find((r) => r.rowNumber === expected.invalid[0])!.errors).toEqual([{ field: "phone", code: "tooShort" }]);
    expect(review.invalid.find((r) => r.rowNumber === expected.tooLong[0])!.errors).toEqual([{ field: "name", code: "tooLong" }]);
    expect(review.duplicates.find((d) => d.rowNumber === expected.duplicates[0])).toMatchObject({ duplicateOf: 2 });
    expect(review.duplicates.find((d) => d.rowNumber === expected.existing[0])).toMatchObject({ duplicateOf: "existing" });
    expect(review.doNotCall).toEqual([{ rowNumber: expected.dnc[0], e164: dnc }]);
    // Nothing is in the campaign before the commit.
    const count = async () => (await sql<{ n: number }>`select count(*)::int as n from campaign_contacts where campaign_id = ${f.campaign.id}`.execute(owner)).rows[0]!.n;
    expect(await count()).toBe(1);

    // A commit that fails part-way (the 6,000th insert is refused) leaves the campaign as it was.
    const poison = mobiles(10_000, 4242)[6000]!;
    await sql
      .raw(
        `create or replace function hk_test_poison() returns trigger language plpgsql as $$ begin if new.e164 = '${poison}' then raise exception 'poisoned row'; end if; return new; end $$;
         create trigger hk_test_poison before insert on campaign_contacts for each row execute function hk_test_poison();`,
      )
      .execute(owner);
    await commitImport(f.tenant.id, upload.id, actor);
    try {
      await expect(handleImportJob({ tenantId: f.tenant.id, importId: upload.id, phase: "commit" }, { attempt: 1, maxAttempts: 3 })).rejects.toThrow(/poisoned/);
    } finally {
      await sql.raw("drop trigger hk_test_poison on campaign_contacts; drop function hk_test_poison();").execute(owner);
    }
    expect(await count()).toBe(1);
    expect((await getImport(f.tenant.id, upload.id))!.status).toBe("committing");

    // The job's retry commits the whole list.
    await handleImportJob({ tenantId: f.tenant.id, importId: upload.id, phase: "commit" }, { attempt: 2, maxAttempts: 3 });
    const committed = (await getImport(f.tenant.id, upload.id))!;
    expect(committed).toMatchObject({ status: "committed", committedCount: valid, rowsWritten: valid });
    expect(await count()).toBe(1 + valid);
    const file = await owner.selectFrom("campaign_imports").select("file_bytes").where("id", "=", upload.id).executeTakeFirstOrThrow();
    expect(file.file_bytes).toBeNull();
    // A repeat of the job changes nothing.
    await handleImportJob({ tenantId: f.tenant.id, importId: upload.id, phase: "commit" });
    expect(await count()).toBe(1 + valid);
    // Custom fields are stored per contact and declared on the campaign (script placeholders, desktop labels).
    const sample = await owner.selectFrom("campaign_contacts").select(["e164", "name", "fields", "callee_zone", "row_number"]).where("campaign_id", "=", f.campaign.id).where("row_number", "=", 3).executeTakeFirstOrThrow();
    expect(sample).toMatchObject({ name: "Customer 1", callee_zone: "Asia/Tehran", fields: { amount: "1000", dueDate: "2026-12-02" } });
    const campaign = await getCampaign(f.tenant.id, f.campaign.id);
    expect(campaign!.fields).toEqual([
      { key: "amount", label: "Amount" },
      { key: "dueDate", label: "Due date" },
    ]);
  }, 120_000);

  it("refuses an empty or unreadable file and a cancelled import's commit", async () => {
    const f = await makeCampaignFixture({ start: false });
    await expect(createImport(f.tenant.id, f.campaign.id, { name: "empty.csv", bytes: new Uint8Array() }, actor)).rejects.toBeInstanceOf(ImportError);
    await expect(createImport(f.tenant.id, f.campaign.id, { name: "x.xlsx", bytes: new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]) }, actor)).rejects.toMatchObject({ key: "unreadableFile" });
    const upload = await createImport(f.tenant.id, f.campaign.id, { name: "l.csv", bytes: new TextEncoder().encode("phone\n09121234567\n") }, actor);
    await cancelImport(f.tenant.id, upload.id, actor);
    await expect(commitImport(f.tenant.id, upload.id, actor)).rejects.toMatchObject({ key: "illegalStatus" });
  });

  it("keeps another tenant's import out of reach", async () => {
    const a = await makeCampaignFixture({ start: false });
    const b = await makeCampaignFixture({ start: false });
    const upload = await createImport(b.tenant.id, b.campaign.id, { name: "l.csv", bytes: new TextEncoder().encode("phone\n09121234567\n") }, actor);
    expect(await getImport(a.tenant.id, upload.id)).toBeNull();
    await expect(createImport(a.tenant.id, b.campaign.id, { name: "l.csv", bytes: new TextEncoder().encode("phone\n09121234567\n") }, actor)).rejects.toMatchObject({ key: "notFound" });
  });
});
