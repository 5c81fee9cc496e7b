import { parseWithZod } from "@conform-to/zod";
import type { DncFormResult } from "~/components/campaigns-ui";
import { detectFormat, parseCsv, parseXlsx } from "./import-files.server";
import { isSheetError } from "./import";
import { normalizePhone } from "./phone";
import { addDncEntries, dncEntryFormSchema, listDnc, removeDncEntry, type DncActor, type DncNewEntry, type DncScope } from "./dnc.server";

/**
 * The do-not-call page's reads and form posts, the same for the tenant's list (portal) and the
 * bureau's (console): the route checks the permission and names the scope. A file of numbers is read
 * row by row: every number that normalizes is added, every other row comes back with its row number
 * and reason, and nothing is half-added (one transaction).
 */

export const DNC_FILE_MAX_BYTES = 2 * 1024 * 1024;
const DNC_FILE_MAX_ROWS = 50_000;
const PHONE_HEADER = /phone|mobile|number|tel|msisdn|شماره|موبایل|تلفن|همراه/i;

export async function dncPage(scope: DncScope, url: URL) {
  const search = (url.searchParams.get("q") ?? "").slice(0, 40);
  const page = await listDnc(scope, { search, limit: 200 });
  return {
    search,
    total: page.total,
    entries: page.entries.map((e) => ({ ...e, expiresAt: e.expiresAt?.toISOString() ?? null, createdAt: e.createdAt.toISOString() })),
  };
}

/** Reads numbers from a CSV or XLSX: the phone-like column (or the first), one number per row. */
export async function numbersFromFile(bytes: Uint8Array): Promise<{ entries: DncNewEntry[]; rowErrors: { rowNumber: number; code: string }[] }> {
  const rows = detectFormat(bytes.subarray(0, 4)) === "xlsx" ? parseXlsx(bytes) : parseCsv(bytes);
  const entries: DncNewEntry[] = [];
  const rowErrors: { rowNumber: number; code: string }[] = [];
  let column: number | null = null;
  let seen = 0;
  for await (const item of rows) {
    if (++seen > DNC_FILE_MAX_ROWS) {
      rowErrors.push({ rowNumber: item.rowNumber, code: "tooManyRows" });
      break;
    }
    if (isSheetError(item)) {
      rowErrors.push({ rowNumber: item.rowNumber, code: item.error });
      continue;
    }
    if (item.cells.every((c) => c.trim() === "")) continue;
    if (column === null) {
      const header = item.cells.findIndex((c) => PHONE_HEADER.test(c));
      column = header >= 0 ? header : 0;
      // A first row that is a number is data, not a header.
      if (header >= 0 || !normalizePhone(item.cells[0] ?? "").ok) continue;
    }
    const n = normalizePhone(item.cells[column] ?? "");
    if (n.ok) entries.push({ kind: "number", value: n.e164, valueTo: null, expiresAt: null, note: "" });
    else rowErrors.push({ rowNumber: item.rowNumber, code: n.error });
  }
  return { entries, rowErrors };
}

export async function dncPageAction(scope: DncScope, formData: FormData, actor: DncActor): Promise<DncFormResult> {
  const intent = String(formData.get("intent") ?? "");
  if (intent === "add") {
    const submission = parseWithZod(formData, { schema: dncEntryFormSchema });
    if (submission.status !== "success") {
      const reply = submission.reply();
      return { intent, fieldErrors: Object.fromEntries(Object.entries(reply.error ?? {}).map(([k, v]) => [k, v ?? []])) };
    }
    const added = await addDncEntries(scope, [submission.value], "manual", actor);
    return { intent, notice: added ? "dnc.notice.added" : "dnc.notice.exists", added };
  }
  if (intent === "file") {
    const file = formData.get("file");
    if (!(file instanceof File) || file.size === 0) return { intent, fieldErrors: { file: ["campaigns:dnc.errors.file"] } };
    if (file.size > DNC_FILE_MAX_BYTES) return { intent, fieldErrors: { file: ["campaigns:dnc.errors.fileTooLarge"] } };
    let parsed: Awaited<ReturnType<typeof numbersFromFile>>;
    try {
      parsed = await numbersFromFile(new Uint8Array(await file.arrayBuffer()));
    } catch {
      return { intent, fieldErrors: { file: ["campaigns:import.errors.unreadableFile"] } };
    }
    const added = parsed.entries.length ? await addDncEntries(scope, parsed.entries, "import", actor) : 0;
    return { intent, notice: "dnc.notice.fileAdded", added, rowErrors: parsed.rowErrors };
  }
  if (intent === "remove") {
    const id = String(formData.get("id") ?? "");
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw new Response(null, { status: 400 });
    const removed = await removeDncEntry(scope, id, actor);
    if (!removed) throw new Response(null, { status: 404, statusText: "Not Found" });
    return { intent, notice: "dnc.notice.removed" };
  }
  throw new Response(null, { status: 400, statusText: "Bad Request" });
}
