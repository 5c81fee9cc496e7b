import { Readable } from "node:stream";
import { parse, type CsvError } from "csv-parse";
import ExcelJS from "exceljs";
import type { SheetErrorCode, SheetItem } from "./import";

/**
 * Contact-list files to rows, as async iterators: CSV through csv-parse and XLSX through exceljs's
 * streaming reader, so a 100k-row list is read row by row in the worker and never held whole. Kept
 * apart from import.ts (pure, also used by the mapping form in the browser) because both libraries
 * are Node-only. No I/O of their own: they read the bytes or stream they are given.
 *
 * Row numbers are the ones the user sees in a spreadsheet: the first row is 1, a quoted cell over
 * several lines is one row, blank rows count.
 */

export type ByteSource = Uint8Array | string | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array | string> {
  if (typeof source === "string" || source instanceof Uint8Array) {
    yield source;
    return;
  }
  yield* source as AsyncIterable<Uint8Array | string>;
}

export type CsvEncoding = "utf-8" | "windows-1256";

export interface CsvOptions {
  /** Default: sniffed from the first line among , ; tab | */
  delimiter?: string;
  /**
   * Default: UTF-8 (BOM or not) when the first 64 KiB decode as UTF-8, else Windows-1256, which
   * Excel on Persian Windows writes when told "CSV" rather than "CSV UTF-8".
   */
  encoding?: CsvEncoding;
}

const SNIFF_BYTES = 64 * 1024;

function isUtf8(bytes: Uint8Array): boolean {
  try {
    // stream: true lets a character cut at the end of the sample pass.
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Text chunks of a byte source in its encoding, sniffed from the first 64 KiB unless given. */
async function* decode(source: ByteSource, encoding: CsvEncoding | undefined): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  const start = (enc: CsvEncoding) => {
    decoder = new TextDecoder(enc);
    const all = new Uint8Array(headBytes);
    let o = 0;
    for (const h of head) {
      all.set(h, o);
      o += h.length;
    }
    head.length = 0;
    return decoder.decode(all, { stream: true });
  };
  for await (const chunk of chunksOf(source)) {
    if (typeof chunk === "string") {
      if (!decoder && head.length) yield start(encoding ?? "utf-8");
      yield chunk;
      continue;
    }
    if (decoder) {
      yield (decoder as TextDecoder).decode(chunk, { stream: true });
      continue;
    }
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes >= SNIFF_BYTES) yield start(encoding ?? (isUtf8(concat(head, headBytes)) ? "utf-8" : "windows-1256"));
  }
  if (!decoder && head.length) yield start(encoding ?? (isUtf8(concat(head, headBytes)) ? "utf-8" : "windows-1256"));
  if (decoder) yield (decoder as TextDecoder).decode();
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const all = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  return all;
}

const DELIMITERS = [",", ";", "\t", "|"] as const;

/** The delimiter of a CSV from its first line: the candidate appearing most often outside quotes. */
export function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ",";
  let max = 0;
  for (const d of DELIMITERS) {
    const n = counts.get(d) ?? 0;
    if (n > max) [best, max] = [d, n];
  }
  return best;
}

function sheetError(err: CsvError | undefined): SheetErrorCode {
  switch (err?.code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "unclosedQuote";
    case "CSV_INVALID_CLOSING_QUOTE":
      return "invalidQuote";
    case "CSV_MAX_RECORD_SIZE":
      return "rowTooLarge";
    default:
      return "malformedRow";
  }
}

/** The largest row (characters) read: an unclosed quote would otherwise swallow the rest of a big file into one cell. */
const MAX_ROW_CHARS = 1_000_000;

/**
 * The rows of a CSV. A row csv-parse cannot read (a stray quote it cannot recover from) comes out as
 * an error item in its place and parsing goes on after it; an unclosed quote at the end makes the
 * remainder one bad row.
 */
export async function* parseCsv(source: ByteSource, options: CsvOptions = {}): AsyncGenerator<SheetItem> {
  const text = decode(source, options.encoding);
  // Peek until the first line is complete, to sniff the delimiter from it.
  let first = "";
  let next = await text.next();
  while (!next.done) {
    first += next.value;
    if (/[\r\n]/.test(first) || first.length >= SNIFF_BYTES) break;
    next = await text.next();
  }
  const delimiter = options.delimiter ?? sniffDelimiter(first.replace(/^\ufeff/, ""));
  async function* replay() {
    if (first) yield first;
    if (next.done) return;
    for await (const t of text) yield t;
  }

  // Rows csv-parse skips are reported through on_skip with the count of good records before them;
  // they are put back in place as the good records come out.
  const skips: { before: number; error: SheetErrorCode }[] = [];
  const parser = Readable.from(replay()).pipe(
    parse({
      delimiter,
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      max_record_size: MAX_ROW_CHARS,
      info: true,
      on_skip: (err) => {
        skips.push({ before: Number(err?.records ?? 0), error: sheetError(err) });
        return undefined;
      },
    }),
  );
  let rowNumber = 0;
  let skipAt = 0;
  for await (const out of parser as AsyncIterable<{ record: string[]; info: { records: number } }>) {
    while (skipAt < skips.length && skips[skipAt]!.before < out.info.records) yield { rowNumber: ++rowNumber, error: skips[skipAt++]!.error };
    yield { rowNumber: ++rowNumber, cells: out.record };
  }
  while (skipAt < skips.length) yield { rowNumber: ++rowNumber, error: skips[skipAt++]!.error };
}

type CellValue = ExcelJS.CellValue;

/** A cell as the text a person would read in it. Custom fields are strings, whatever the cell held. */
export function cellText(v: CellValue | undefined): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) return "";
    const iso = v.toISOString();
    // A date cell (no time of day) reads as its date; Excel stores it as UTC midnight.
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
  }
  if ("richText" in v) return v.richText.map((r) => r.text).join("");
  if ("error" in v) return "";
  if ("formula" in v || "sharedFormula" in v) return cellText((v as { result?: CellValue }).result);
  if ("text" in v) return typeof v.text === "string" ? v.text : cellText(v.text as CellValue);
  return "";
}

export interface XlsxOptions {
  /** The worksheet: 1-based position or name; the first by default. */
  sheet?: number | string;
}

/** The rows of one worksheet of an XLSX workbook. Empty rows are absent from the file and skipped; numbering keeps the sheet's own. */
export async function* parseXlsx(source: Uint8Array | AsyncIterable<Uint8Array> | Readable, options: XlsxOptions = {}): AsyncGenerator<SheetItem> {
  const input = source instanceof Readable ? source : Readable.from(source instanceof Uint8Array ? [source] : source);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, { sharedStrings: "cache", hyperlinks: "ignore", styles: "cache", worksheets: "emit", entries: "emit" });
  let position = 0;
  for await (const sheet of reader) {
    position++;
    // The typings omit the reader's name (it is set once the workbook part is read).
    const ws = sheet as typeof sheet & { name?: string };
    const wanted = options.sheet === undefined ? position === 1 : typeof options.sheet === "number" ? position === options.sheet : ws.name === options.sheet;
    if (!wanted) {
      // The reader needs every sheet drained to move on to the next one.
      for await (const _row of ws) void _row;
      continue;
    }
    for await (const row of ws) {
      const values = Array.isArray(row.values) ? (row.values as CellValue[]) : [];
      const cells: string[] = [];
      // row.values is 1-based (index 0 unused) and sparse.
      for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]));
      yield { rowNumber: row.number, cells };
    }
    return;
  }
}

/** "xlsx" for a ZIP container (an XLSX is one), else "csv": by the bytes, not the file name a user typed. */
export function detectFormat(firstBytes: Uint8Array): "xlsx" | "csv" {
  return firstBytes[0] === 0x50 && firstBytes[1] === 0x4b && firstBytes[2] === 0x03 && firstBytes[3] === 0x04 ? "xlsx" : "csv";
}
