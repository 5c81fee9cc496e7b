import { PLACEHOLDERS } from "../scripts/model";
import { normalizePhone, type PhoneError, type PhoneKind, type PhoneOptions } from "./phone";

/**
 * Contact-list import, the pure part: rows (from import-files.server.ts's CSV and XLSX parsers, or
 * any other source) -> column mapping -> per-row validation -> dedup -> a review the user reads before
 * anything is committed. A bad row never stops the good ones: every row ends in exactly one bucket
 * (contact, invalid, duplicate, do-not-call, blank), each invalid row with its row number and error
 * codes. No database: numbers already in the campaign come through a hook, checked in batches.
 *
 * Custom fields are strings (what the sheet held, trimmed), keyed by identifiers that are also the
 * script's {{placeholders}}, so "{{debtAmount}}" in the collection script shows the row's amount.
 */

/** One row as the parser read it. rowNumber: as the user sees it in the sheet (the header is row 1). */
export interface SheetRow {
  rowNumber: number;
  cells: readonly string[];
}

/** A row the parser could not read at all (a broken quote in a CSV); the rows around it still import. */
export interface SheetRowError {
  rowNumber: number;
  error: SheetErrorCode;
}

export const SHEET_ERRORS = ["malformedRow", "invalidQuote", "unclosedQuote", "rowTooLarge"] as const;
export type SheetErrorCode = (typeof SHEET_ERRORS)[number];

export type SheetItem = SheetRow | SheetRowError;

export function isSheetError(item: SheetItem): item is SheetRowError {
  return "error" in item;
}

/** A column by its 0-based position or by its header text (compared trimmed, case- and space-insensitively). */
export type ColumnRef = number | string;

export interface FieldMapping {
  /** The placeholder name: ASCII letters, digits and _, starting with a letter ("debtAmount"). */
  key: string;
  column: ColumnRef;
  /** What the agent desktop shows beside the value; the header text by default. */
  label?: string;
}

export interface ColumnMapping {
  phone: ColumnRef;
  name?: ColumnRef | null;
  fields?: readonly FieldMapping[];
}

export const FIELD_KEY_RE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
export const MAX_FIELDS = 50;
export const MAX_NAME_LENGTH = 200;
export const MAX_FIELD_LENGTH = 1000;

export const MAPPING_ERRORS = ["unknownColumn", "duplicateColumn", "invalidFieldKey", "reservedFieldKey", "duplicateFieldKey", "tooManyFields", "noHeader", "emptyFile"] as const;
export type MappingErrorCode = (typeof MAPPING_ERRORS)[number];

export interface MappingError {
  /** "phone", "name", "fields.<i>", or "file" */
  path: string;
  code: MappingErrorCode;
}

export interface ResolvedMapping {
  phone: number;
  name: number | null;
  fields: { key: string; column: number; label: string }[];
}

const headerKey = (s: string) => s.normalize("NFKC").trim().replace(/\s+/g, " ").toLowerCase();

/** The mapping with every column as an index, or what is wrong with it. */
export function resolveMapping(mapping: ColumnMapping, header: readonly string[] | null): { ok: true; mapping: ResolvedMapping } | { ok: false; errors: MappingError[] } {
  const errors: MappingError[] = [];
  const byName = new Map<string, number>();
  header?.forEach((h, i) => {
    const k = headerKey(h);
    if (k && !byName.has(k)) byName.set(k, i);
  });
  const resolve = (ref: ColumnRef, path: string): number | null => {
    if (typeof ref === "number") {
      if (Number.isInteger(ref) && ref >= 0 && (header === null || ref < header.length)) return ref;
    } else if (header === null) {
      errors.push({ path, code: "noHeader" });
      return null;
    } else {
      const i = byName.get(headerKey(ref));
      if (i !== undefined) return i;
    }
    errors.push({ path, code: "unknownColumn" });
    return null;
  };
  const used = new Map<number, string>();
  const claim = (i: number | null, path: string) => {
    if (i === null) return;
    if (used.has(i)) errors.push({ path, code: "duplicateColumn" });
    else used.set(i, path);
  };
  const phone = resolve(mapping.phone, "phone");
  claim(phone, "phone");
  const name = mapping.name === undefined || mapping.name === null ? null : resolve(mapping.name, "name");
  claim(name, "name");
  const fields: ResolvedMapping["fields"] = [];
  const keys = new Set<string>();
  const list = mapping.fields ?? [];
  if (list.length > MAX_FIELDS) errors.push({ path: "fields", code: "tooManyFields" });
  list.slice(0, MAX_FIELDS).forEach((f, i) => {
    const path = `fields.${i}`;
    if (!FIELD_KEY_RE.test(f.key)) errors.push({ path, code: "invalidFieldKey" });
    // The desktop's own values: a column may not pose as the customer's name or the agent's.
    else if ((PLACEHOLDERS as readonly string[]).includes(f.key)) errors.push({ path, code: "reservedFieldKey" });
    else if (keys.has(f.key)) errors.push({ path, code: "duplicateFieldKey" });
    keys.add(f.key);
    const column = resolve(f.column, path);
    claim(column, path);
    if (column !== null) fields.push({ key: f.key, column, label: f.label?.trim() || header?.[column]?.trim() || f.key });
  });
  if (errors.length || phone === null) return { ok: false, errors };
  return { ok: true, mapping: { phone, name, fields } };
}

const PHONE_HEADER = /phone|mobile|cell|tel|number|msisdn|gsm|موبایل|تلفن|شماره|همراه|تماس/i;
const NAME_HEADER = /^(full ?name|name|customer|contact|naam|نام|نام و نام خانوادگی|نام مشتری|مشتری)$/i;

/** A camelCase ASCII key from a header ("Due date" -> "dueDate"); null when the header has no Latin letters. */
export function fieldKeyFromHeader(header: string): string | null {
  const words = header
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  if (!words.length || !/^[A-Za-z]/.test(words[0]!)) return null;
  const key = words.map((w, i) => (i === 0 ? w[0]!.toLowerCase() + w.slice(1) : w[0]!.toUpperCase() + w.slice(1))).join("");
  return key.slice(0, 40);
}

/**
 * A first guess at the mapping from the header, for the mapping form to start from: the first
 * phone-like column, a name column, and every other non-empty column as a custom field (Persian
 * headers get field1, field2… as keys and keep their text as the label).
 */
export function suggestMapping(header: readonly string[]): ColumnMapping | null {
  const phone = header.findIndex((h) => PHONE_HEADER.test(h.trim()));
  if (phone < 0) return null;
  const name = header.findIndex((h, i) => i !== phone && NAME_HEADER.test(h.trim()));
  const fields: FieldMapping[] = [];
  const keys = new Set<string>(PLACEHOLDERS);
  let n = 0;
  header.forEach((h, i) => {
    if (i === phone || i === name || !h.trim() || fields.length >= MAX_FIELDS) return;
    let key = fieldKeyFromHeader(h) ?? `field${++n}`;
    while (keys.has(key)) key = `field${++n}`;
    keys.add(key);
    fields.push({ key, column: i, label: h.trim() });
  });
  return { phone, name: name >= 0 ? name : null, fields };
}

// ---------------------------------------------------------------------------------------------
// Rows

export interface ContactDraft {
  rowNumber: number;
  e164: string;
  phoneKind: PhoneKind;
  /** The phone cell as written, for the review table. */
  phoneInput: string;
  name: string | null;
  /** Custom field values by key, strings as the sheet held them (trimmed); "" for an empty cell. */
  fields: Record<string, string>;
}

export type RowErrorCode = PhoneError | "tooLong" | SheetErrorCode;

export interface RowIssue {
  rowNumber: number;
  errors: { field: string; code: RowErrorCode }[];
  /** The phone cell as written, when there was a row to read. */
  phoneInput?: string;
}

export interface DuplicateRow {
  rowNumber: number;
  e164: string;
  /** The earlier row of the file with the same number, or "existing": already in the campaign. */
  duplicateOf: number | "existing";
}

const cell = (cells: readonly string[], i: number) => (cells[i] ?? "").trim();

/** One row against a resolved mapping: a draft, or its errors (all of them, so one fix-up pass suffices). */
export function validateRow(row: SheetRow, mapping: ResolvedMapping, phoneOptions: PhoneOptions = {}): { ok: true; contact: ContactDraft } | { ok: false; issue: RowIssue } {
  const errors: RowIssue["errors"] = [];
  const phoneInput = cell(row.cells, mapping.phone);
  const phone = normalizePhone(phoneInput, phoneOptions);
  if (!phone.ok) errors.push({ field: "phone", code: phone.error });
  let name: string | null = null;
  if (mapping.name !== null) {
    name = cell(row.cells, mapping.name) || null;
    if (name && name.length > MAX_NAME_LENGTH) errors.push({ field: "name", code: "tooLong" });
  }
  const fields: Record<string, string> = {};
  for (const f of mapping.fields) {
    const v = cell(row.cells, f.column);
    if (v.length > MAX_FIELD_LENGTH) errors.push({ field: `fields.${f.key}`, code: "tooLong" });
    fields[f.key] = v;
  }
  if (errors.length || !phone.ok) return { ok: false, issue: { rowNumber: row.rowNumber, errors, phoneInput } };
  return { ok: true, contact: { rowNumber: row.rowNumber, e164: phone.e164, phoneKind: phone.kind, phoneInput, name, fields } };
}

export function isBlankRow(row: SheetRow): boolean {
  return row.cells.every((c) => c.trim() === "");
}

/** The values a script's {{placeholders}} read for a contact: its name and number, and every custom field. */
export function contactPlaceholders(contact: Pick<ContactDraft, "e164" | "name" | "fields">): Record<string, string> {
  return { ...contact.fields, customerName: contact.name ?? "", customerPhone: contact.e164 };
}

// ---------------------------------------------------------------------------------------------
// The review

export interface ImportOptions {
  /** The first non-blank row names the columns (default true); without, columns are by position only. */
  hasHeader?: boolean;
  phone?: PhoneOptions;
  /** Which of these numbers the campaign (or tenant) already has; called in batches of `batchSize`. */
  existingNumbers?: (e164s: readonly string[]) => Promise<ReadonlySet<string>> | ReadonlySet<string>;
  batchSize?: number;
  /** Do-not-call at import time (dnc.ts checkDnc, closed over the index): such rows are set aside, not imported. */
  isBlocked?: (e164: string) => boolean;
  /** Called every `progressEvery` rows read (default 1000) with the rows read so far: the worker's progress bar. */
  onProgress?: (rowsRead: number) => void;
  progressEvery?: number;
  /** Keep at most this many invalid/duplicate/DNC rows in the lists (the counts stay exact). */
  listLimit?: number;
}

export interface ImportSummary {
  /** Rows after the header, blank ones included. */
  rows: number;
  blank: number;
  valid: number;
  invalid: number;
  duplicatesInFile: number;
  duplicatesExisting: number;
  doNotCall: number;
  /** Invalid rows per error code (a row with two errors counts under both). */
  errorsByCode: Partial<Record<RowErrorCode, number>>;
}

export interface ImportReview {
  ok: true;
  header: readonly string[] | null;
  mapping: ResolvedMapping;
  summary: ImportSummary;
  contacts: ContactDraft[];
  invalid: RowIssue[];
  duplicates: DuplicateRow[];
  doNotCall: { rowNumber: number; e164: string }[];
  /** True when a list was cut at listLimit. */
  truncated: boolean;
}

export type ImportResult = ImportReview | { ok: false; errors: MappingError[] };

/**
 * Reads every item and sorts each row into one bucket. `mapping` may be a function of the header
 * (the mapping form's answer, or suggestMapping). Rows are read one at a time, so a 100k-row sheet
 * streams through the parser; only the review itself is kept.
 */
export async function reviewImport(
  items: AsyncIterable<SheetItem> | Iterable<SheetItem>,
  mapping: ColumnMapping | ((header: readonly string[] | null) => ColumnMapping | null),
  options: ImportOptions = {},
): Promise<ImportResult> {
  const hasHeader = options.hasHeader ?? true;
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const progressEvery = Math.max(1, options.progressEvery ?? 1000);
  const limit = options.listLimit ?? Infinity;
  const summary: ImportSummary = { rows: 0, blank: 0, valid: 0, invalid: 0, duplicatesInFile: 0, duplicatesExisting: 0, doNotCall: 0, errorsByCode: {} };
  const review: ImportReview = { ok: true, header: null, mapping: { phone: 0, name: null, fields: [] }, summary, contacts: [], invalid: [], duplicates: [], doNotCall: [], truncated: false };
  const keep = <T>(list: T[], x: T) => {
    if (list.length < limit) list.push(x);
    else review.truncated = true;
  };
  const seen = new Map<string, number>(); // e164 -> first row number
  let resolved: ResolvedMapping | null = null;
  let pending: ContactDraft[] = [];
  let read = 0;

  const flush = async () => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    const existing = options.existingNumbers ? await options.existingNumbers(batch.map((c) => c.e164)) : null;
    for (const c of batch) {
      if (existing?.has(c.e164)) {
        summary.duplicatesExisting++;
        keep(review.duplicates, { rowNumber: c.rowNumber, e164: c.e164, duplicateOf: "existing" });
      } else {
        summary.valid++;
        review.contacts.push(c);
      }
    }
  };

  const invalid = (issue: RowIssue) => {
    summary.invalid++;
    for (const e of issue.errors) summary.errorsByCode[e.code] = (summary.errorsByCode[e.code] ?? 0) + 1;
    keep(review.invalid, issue);
  };

  for await (const item of items) {
    if (++read % progressEvery === 0) options.onProgress?.(read);
    if (!resolved) {
      // Until the header is read, a broken row has nothing to be checked against: it is still reported.
      if (isSheetError(item)) {
        summary.rows++;
        invalid({ rowNumber: item.rowNumber, errors: [{ field: "row", code: item.error }] });
        continue;
      }
      if (hasHeader && isBlankRow(item)) continue;
      const header = hasHeader ? item.cells.map((c) => c.trim()) : null;
      const m = typeof mapping === "function" ? mapping(header) : mapping;
      if (!m) return { ok: false, errors: [{ path: "phone", code: "unknownColumn" }] };
      const r = resolveMapping(m, header);
      if (!r.ok) return r;
      resolved = r.mapping;
      review.header = header;
      review.mapping = resolved;
      if (hasHeader) continue;
    }
    summary.rows++;
    if (isSheetError(item)) {
      invalid({ rowNumber: item.rowNumber, errors: [{ field: "row", code: item.error }] });
      continue;
    }
    if (isBlankRow(item)) {
      summary.blank++;
      continue;
    }
    const v = validateRow(item, resolved, options.phone);
    if (!v.ok) {
      invalid(v.issue);
      continue;
    }
    const first = seen.get(v.contact.e164);
    if (first !== undefined) {
      summary.duplicatesInFile++;
      keep(review.duplicates, { rowNumber: item.rowNumber, e164: v.contact.e164, duplicateOf: first });
      continue;
    }
    seen.set(v.contact.e164, item.rowNumber);
    if (options.isBlocked?.(v.contact.e164)) {
      summary.doNotCall++;
      keep(review.doNotCall, { rowNumber: item.rowNumber, e164: v.contact.e164 });
      continue;
    }
    pending.push(v.contact);
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  // Not even a header: say so, rather than review nothing.
  if (!resolved && summary.rows === 0) return { ok: false, errors: [{ path: "file", code: "emptyFile" }] };
  options.onProgress?.(read);
  return review;
}
