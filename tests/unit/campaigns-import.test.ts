import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { buildDncIndex, checkDnc } from "~/modules/campaigns/dnc";
import {
  contactPlaceholders,
  fieldKeyFromHeader,
  resolveMapping,
  reviewImport,
  suggestMapping,
  type ColumnMapping,
  type ImportReview,
  type SheetItem,
} from "~/modules/campaigns/import";
import { cellText, detectFormat, parseCsv, parseXlsx, sniffDelimiter } from "~/modules/campaigns/import-files.server";

async function collect(it: AsyncIterable<SheetItem>): Promise<SheetItem[]> {
  const out: SheetItem[] = [];
  for await (const x of it) out.push(x);
  return out;
}

function expectReview(r: Awaited<ReturnType<typeof reviewImport>>): ImportReview {
  if (!r.ok) throw new Error(`mapping failed: ${JSON.stringify(r.errors)}`);
  return r;
}

const mapping: ColumnMapping = { phone: "Phone", name: "Name", fields: [{ key: "dueDate", column: "Due date" }, { key: "amount", column: "مبلغ بدهی" }] };

// Row numbers as a spreadsheet shows them: the header is row 1.
const CSV = [
  "Name,Phone,Due date,مبلغ بدهی", // 1
  "علی رضایی,۰۹۱۲ ۱۲۳ ۴۵۶۷,1405-09-01,۱۲۰۰۰۰۰", // 2 ok
  'Sara,"+98 21 8877 6655",2026-12-01,"1,500,000"', // 3 ok (a quoted comma)
  "Bad,0912 123,2026-12-01,0", // 4 tooShort
  "Dup,09121234567,2026-12-02,5", // 5 duplicate of 2
  "", // 6 blank
  "Nobody,,,", // 7 phone empty
  'Quote,0935 111 2233,"say ""hi""",7', // 8 ok, escaped quotes
  'Multi,09351112244,"line one', // 9 ok: a cell over two lines, one row
  'line two",8',
  "Area,02012345678,x,y", // 10 unknownArea
  "Existing,09131112233,x,y", // 11 already in the campaign
  "Blocked,09141112233,x,y", // 12 on the DNC list
  "Short row,09151112233", // 13 ok, missing cells read as empty
].join("\r\n");

describe("CSV parsing", () => {
  it("numbers rows as a spreadsheet does and reads quotes, Persian text and short rows", async () => {
    const rows = await collect(parseCsv(CSV));
    expect(rows.map((r) => r.rowNumber)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(rows[2]).toEqual({ rowNumber: 3, cells: ["Sara", "+98 21 8877 6655", "2026-12-01", "1,500,000"] });
    expect(rows[7]).toMatchObject({ cells: ["Quote", "0935 111 2233", 'say "hi"', "7"] });
    expect(rows[8]).toMatchObject({ rowNumber: 9, cells: ["Multi", "09351112244", "line one\r\nline two", "8"] });
    expect(rows[12]).toMatchObject({ cells: ["Short row", "09151112233"] });
  });

  it("reports a broken row in place and goes on after it", async () => {
    const text = ["phone,name", "09121234567,A", '09121234568,"B"x"', "09121234569,C", "09121234570,\"unclosed", "09121234571,D"].join("\n");
    const rows = await collect(parseCsv(text));
    // relax_quotes reads row 3 as written; the unclosed quote makes the rest one bad row.
    expect(rows.map((r) => ("error" in r ? `${r.rowNumber}:${r.error}` : `${r.rowNumber}`))).toEqual(["1", "2", "3", "4", "5:unclosedQuote"]);
  });

  it("sniffs the delimiter and strips a BOM", async () => {
    expect(sniffDelimiter("name;phone;city\n")).toBe(";");
    expect(sniffDelimiter('"a,b";c;d')).toBe(";");
    expect(sniffDelimiter("a\tb\tc")).toBe("\t");
    expect(sniffDelimiter("one column")).toBe(",");
    const rows = await collect(parseCsv("\ufeffنام;تلفن\nعلی;09121234567\n"));
    expect(rows).toEqual([
      { rowNumber: 1, cells: ["نام", "تلفن"] },
      { rowNumber: 2, cells: ["علی", "09121234567"] },
    ]);
  });

  it("reads a file cut into chunks anywhere, even inside a Persian letter", async () => {
    const bytes = new TextEncoder().encode(CSV);
    const whole = await collect(parseCsv(bytes));
    for (const size of [1, 3, 7, 64]) {
      const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
      expect(await collect(parseCsv(chunks))).toEqual(whole);
    }
  });

  it("reads Excel's Windows-1256 CSV", async () => {
    // "نام,تلفن\nمحمد,09121234567" in Windows-1256
    const bytes = new Uint8Array([0xe4, 0xc7, 0xe3, 0x2c, 0xca, 0xe1, 0xdd, 0xe4, 0x0a, 0xe3, 0xcd, 0xe3, 0xcf, 0x2c, ...new TextEncoder().encode("09121234567")]);
    expect(await collect(parseCsv(bytes))).toEqual([
      { rowNumber: 1, cells: ["نام", "تلفن"] },
      { rowNumber: 2, cells: ["محمد", "09121234567"] },
    ]);
  });
});

describe("import review", () => {
  const dnc = buildDncIndex([{ id: "d", tenantId: "acme", kind: "number", value: "09141112233" }]).index;
  const opts = {
    existingNumbers: (numbers: readonly string[]) => new Set(numbers.filter((n) => n === "+989131112233")),
    isBlocked: (e164: string) => checkDnc(dnc, e164, "acme", new Date("2026-11-21T08:00:00Z")).status !== "clear",
  };

  it("sorts every row into one bucket, with row numbers and error codes", async () => {
    const r = expectReview(await reviewImport(parseCsv(CSV), mapping, opts));
    expect(r.summary).toEqual({ rows: 12, blank: 1, valid: 5, invalid: 3, duplicatesInFile: 1, duplicatesExisting: 1, doNotCall: 1, errorsByCode: { tooShort: 1, empty: 1, unknownArea: 1 } });
    expect(r.contacts.map((c) => [c.rowNumber, c.e164])).toEqual([
      [2, "+989121234567"],
      [3, "+982188776655"],
      [8, "+989351112233"],
      [9, "+989351112244"],
      [13, "+989151112233"],
    ]);
    expect(r.invalid).toEqual([
      { rowNumber: 4, errors: [{ field: "phone", code: "tooShort" }], phoneInput: "0912 123" },
      { rowNumber: 7, errors: [{ field: "phone", code: "empty" }], phoneInput: "" },
      { rowNumber: 10, errors: [{ field: "phone", code: "unknownArea" }], phoneInput: "02012345678" },
    ]);
    expect(r.duplicates).toEqual([
      { rowNumber: 5, e164: "+989121234567", duplicateOf: 2 },
      { rowNumber: 11, e164: "+989131112233", duplicateOf: "existing" },
    ]);
    expect(r.doNotCall).toEqual([{ rowNumber: 12, e164: "+989141112233" }]);
  });

  it("keeps custom fields as strings, usable as script placeholders", async () => {
    const r = expectReview(await reviewImport(parseCsv(CSV), mapping, opts));
    const ali = r.contacts[0]!;
    expect(ali).toMatchObject({ name: "علی رضایی", phoneKind: "mobile", fields: { dueDate: "1405-09-01", amount: "۱۲۰۰۰۰۰" } });
    expect(r.contacts[4]!.fields).toEqual({ dueDate: "", amount: "" });
    expect(r.mapping.fields).toEqual([
      { key: "dueDate", column: 2, label: "Due date" },
      { key: "amount", column: 3, label: "مبلغ بدهی" },
    ]);
    expect(contactPlaceholders(ali)).toEqual({ dueDate: "1405-09-01", amount: "۱۲۰۰۰۰۰", customerName: "علی رضایی", customerPhone: "+989121234567" });
  });

  it("refuses a mapping it cannot apply, naming the field", async () => {
    const bad = await reviewImport(parseCsv(CSV), { phone: "Mobile", fields: [{ key: "customerName", column: "Name" }, { key: "2x", column: 2 }, { key: "due", column: "Phone" }] });
    expect(bad).toEqual({
      ok: false,
      errors: [
        { path: "phone", code: "unknownColumn" },
        { path: "fields.0", code: "reservedFieldKey" },
        { path: "fields.1", code: "invalidFieldKey" },
      ],
    });
    expect(resolveMapping({ phone: 1, name: 1 }, ["a", "b"])).toEqual({ ok: false, errors: [{ path: "name", code: "duplicateColumn" }] });
    expect(resolveMapping({ phone: "Phone" }, null)).toEqual({ ok: false, errors: [{ path: "phone", code: "noHeader" }] });
    expect(await reviewImport(parseCsv(""), mapping)).toEqual({ ok: false, errors: [{ path: "file", code: "emptyFile" }] });
  });

  it("reads a headerless list by column position", async () => {
    const r = expectReview(await reviewImport(parseCsv("09121234567,Ali\n0912,Bad\n"), { phone: 0, name: 1 }, { hasHeader: false }));
    expect(r.summary).toMatchObject({ rows: 2, valid: 1, invalid: 1 });
    expect(r.invalid[0]!.rowNumber).toBe(2);
  });

  it("suggests a mapping from English and Persian headers", () => {
    expect(suggestMapping(["نام", "شماره موبایل", "تاریخ سررسید", "Due amount", ""])).toEqual({
      phone: 1,
      name: 0,
      fields: [
        { key: "field1", column: 2, label: "تاریخ سررسید" },
        { key: "dueAmount", column: 3, label: "Due amount" },
      ],
    });
    expect(suggestMapping(["Customer", "Phone number"])).toMatchObject({ phone: 1, name: 0, fields: [] });
    expect(suggestMapping(["a", "b"])).toBeNull();
    expect(fieldKeyFromHeader("Contract no.")).toBe("contractNo");
    expect(fieldKeyFromHeader("2nd")).toBeNull();
  });

  it("checks existing numbers in batches and reports progress", async () => {
    const calls: number[] = [];
    const progress: number[] = [];
    const lines = ["phone", ...Array.from({ length: 2500 }, (_, i) => `0912${String(i).padStart(7, "0")}`)];
    const r = expectReview(
      await reviewImport(parseCsv(lines.join("\n")), { phone: 0 }, {
        batchSize: 1000,
        existingNumbers: async (ns) => {
          calls.push(ns.length);
          return new Set<string>();
        },
        onProgress: (n) => progress.push(n),
      }),
    );
    expect(calls).toEqual([1000, 1000, 500]);
    expect(progress).toEqual([1000, 2000, 2501]);
    expect(r.summary.valid).toBe(2500);
  });

  it("caps the lists, never the counts", async () => {
    const lines = ["phone", ...Array.from({ length: 50 }, () => "bad")];
    const r = expectReview(await reviewImport(parseCsv(lines.join("\n")), { phone: 0 }, { listLimit: 10 }));
    expect(r.summary.invalid).toBe(50);
    expect(r.invalid).toHaveLength(10);
    expect(r.truncated).toBe(true);
  });

  it("imports 10k generated rows with bad rows and duplicates, quickly", async () => {
    const lines = ["Phone,Name,Plan"];
    let bad = 0;
    let dup = 0;
    for (let i = 0; i < 10_000; i++) {
      if (i % 17 === 5) {
        lines.push(`09${i},Bad ${i},x`); // too short
        bad++;
      } else if (i % 23 === 7) {
        lines.push(`+98 912 000 0000,Dup ${i},y`); // the first row's number again
        dup++;
      } else {
        lines.push(`${i % 2 ? "+98 912" : "۰۹۱۲"} ${String(i).padStart(7, "0")},Name ${i},gold`);
      }
    }
    const t = performance.now();
    const r = expectReview(await reviewImport(parseCsv(new TextEncoder().encode(lines.join("\n"))), { phone: "Phone", name: "Name", fields: [{ key: "plan", column: "Plan" }] }));
    const ms = performance.now() - t;
    expect(r.summary).toMatchObject({ rows: 10_000, invalid: bad, duplicatesInFile: dup, valid: 10_000 - bad - dup });
    expect(r.duplicates.every((d) => d.duplicateOf === 2)).toBe(true);
    expect(r.invalid.slice(0, 2).map((x) => x.rowNumber)).toEqual([7, 24]); // i = 5 and 22, after the header
    expect(r.contacts[1]).toMatchObject({ rowNumber: 3, e164: "+989120000001", fields: { plan: "gold" } });
    expect(ms).toBeLessThan(5000);
  });
});

describe("XLSX parsing", () => {
  async function workbook(): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet("notes").addRow(["not this sheet"]);
    const ws = wb.addWorksheet("list");
    ws.addRow(["Name", "Phone", "Due date", "مبلغ بدهی"]);
    ws.addRow(["علی", 9121234567, new Date(Date.UTC(2026, 11, 1)), 1200000]); // a numeric phone cell: the 0 is gone
    ws.addRow([{ richText: [{ text: "Sa" }, { text: "ra" }] }, "+98 21 8877 6655", "1405-09-10", { formula: "1+1", result: 2 }]);
    ws.addRow([]);
    ws.addRow(["Bad", "0912", true, { text: "link", hyperlink: "https://example.org" }]);
    ws.addRow(["Dup", "۰۹۱۲۱۲۳۴۵۶۷", null, null]);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it("reads the chosen sheet's rows with their own numbers, every cell as text", async () => {
    const bytes = await workbook();
    expect(detectFormat(bytes)).toBe("xlsx");
    expect(detectFormat(new TextEncoder().encode("phone\n"))).toBe("csv");
    const rows = await collect(parseXlsx(bytes, { sheet: "list" }));
    expect(rows).toEqual([
      { rowNumber: 1, cells: ["Name", "Phone", "Due date", "مبلغ بدهی"] },
      { rowNumber: 2, cells: ["علی", "9121234567", "2026-12-01", "1200000"] },
      { rowNumber: 3, cells: ["Sara", "+98 21 8877 6655", "1405-09-10", "2"] },
      { rowNumber: 5, cells: ["Bad", "0912", "true", "link"] },
      { rowNumber: 6, cells: ["Dup", "۰۹۱۲۱۲۳۴۵۶۷"] },
    ]);
    expect(await collect(parseXlsx(bytes))).toEqual([{ rowNumber: 1, cells: ["not this sheet"] }]);
    expect(await collect(parseXlsx(bytes, { sheet: 2 }))).toEqual(rows);
  });

  it("reviews like a CSV", async () => {
    const r = expectReview(await reviewImport(parseXlsx(await workbook(), { sheet: "list" }), mapping));
    expect(r.summary).toMatchObject({ rows: 4, valid: 2, invalid: 1, duplicatesInFile: 1 });
    expect(r.invalid[0]).toMatchObject({ rowNumber: 5, errors: [{ field: "phone", code: "tooShort" }] });
    expect(r.duplicates).toEqual([{ rowNumber: 6, e164: "+989121234567", duplicateOf: 2 }]);
    expect(r.contacts[0]!.fields).toEqual({ dueDate: "2026-12-01", amount: "1200000" });
  });

  it("turns any cell value into text", () => {
    expect(cellText(null)).toBe("");
    expect(cellText(12.5)).toBe("12.5");
    expect(cellText(new Date("2026-12-01T10:30:00Z"))).toBe("2026-12-01T10:30:00.000Z");
    expect(cellText({ error: "#N/A" } as ExcelJS.CellErrorValue)).toBe("");
  });
});
