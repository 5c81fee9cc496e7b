import { foldPhoneDigits, normalizePhone, type PhoneError, type PhoneOptions } from "./phone";

/**
 * Do-not-call matching: the bureau-wide list (regulator's register, bureau policy) and each tenant's
 * own list, checked at dial time as well as at import (a number can be added between the two).
 * Entries are single numbers, prefixes ("+98912555", a block a client does not want called) or
 * inclusive ranges of equal-length numbers (a company's extension block). Everything is compared as
 * E.164, so "۰۹۱۲ ۱۲۳ ۴۵۶۷" on the list blocks "+989121234567" on the campaign. Pure: the index is
 * built from rows the caller loaded, and expiry is judged at the instant passed in.
 */

export type DncEntryKind = "number" | "prefix" | "range";

export interface DncEntryInput {
  id: string;
  /** null: the bureau-wide list, applying to every tenant; else the tenant whose list it is. */
  tenantId: string | null;
  kind: DncEntryKind;
  /** number: any form normalizePhone reads; prefix: "+98912", "0098912" or "0912"; range: its first number. */
  value: string;
  /** range: its last number (inclusive), the same length as the first once normalized. */
  to?: string | null;
  /** A temporary entry (a customer asked for a quiet month) stops applying at this instant. */
  expiresAt?: Date | null;
}

export const DNC_ENTRY_ERRORS = ["invalidNumber", "invalidPrefix", "prefixTooShort", "rangeMissingEnd", "rangeLengthMismatch", "rangeReversed"] as const;
export type DncEntryErrorCode = (typeof DNC_ENTRY_ERRORS)[number];

export interface DncEntryError {
  id: string;
  code: DncEntryErrorCode;
  /** For invalidNumber: why normalizePhone refused it. */
  phoneError?: PhoneError;
}

interface Entry {
  id: string;
  tenantId: string | null;
  kind: DncEntryKind;
  expiresAt: number | null;
}

interface RangeEntry extends Entry {
  from: string;
  to: string;
}

export interface DncIndex {
  readonly numbers: ReadonlyMap<string, readonly Entry[]>;
  readonly prefixes: ReadonlyMap<string, readonly Entry[]>;
  /** Per E.164 length, sorted by first number. */
  readonly ranges: ReadonlyMap<number, readonly RangeEntry[]>;
  readonly size: number;
}

/** Fewer digits than this after "+" would block a whole country or more by one typo. */
export const MIN_PREFIX_DIGITS = 4;

/**
 * A prefix in E.164 form ("+98912"), from international ("+98912", "0098912") or Iranian national
 * ("0912") writing. A bare "98…" is refused: as a prefix it cannot be told from a national one.
 */
export function normalizeDncPrefix(raw: string): { ok: true; prefix: string } | { ok: false; error: "invalidPrefix" | "prefixTooShort" } {
  const folded = foldPhoneDigits(raw);
  if (folded === null || folded === "" || folded === "+") return { ok: false, error: "invalidPrefix" };
  let digits: string;
  if (folded.startsWith("+")) digits = folded.slice(1);
  else if (folded.startsWith("00")) digits = folded.slice(2);
  else if (folded.startsWith("0")) digits = `98${folded.slice(1)}`;
  else return { ok: false, error: "invalidPrefix" };
  if (digits === "" || digits.startsWith("0")) return { ok: false, error: "invalidPrefix" };
  if (digits.length < MIN_PREFIX_DIGITS) return { ok: false, error: "prefixTooShort" };
  return { ok: true, prefix: `+${digits}` };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The index of a set of entries, and the entries it could not read (shown to whoever keeps the list). */
export function buildDncIndex(entries: Iterable<DncEntryInput>, phoneOptions: PhoneOptions = {}): { index: DncIndex; errors: DncEntryError[] } {
  const numbers = new Map<string, Entry[]>();
  const prefixes = new Map<string, Entry[]>();
  const ranges = new Map<number, RangeEntry[]>();
  const errors: DncEntryError[] = [];
  let size = 0;
  for (const e of entries) {
    const base: Entry = { id: e.id, tenantId: e.tenantId, kind: e.kind, expiresAt: e.expiresAt ? e.expiresAt.getTime() : null };
    if (e.kind === "number") {
      const n = normalizePhone(e.value, phoneOptions);
      if (!n.ok) {
        errors.push({ id: e.id, code: "invalidNumber", phoneError: n.error });
        continue;
      }
      push(numbers, n.e164, base);
    } else if (e.kind === "prefix") {
      const p = normalizeDncPrefix(e.value);
      if (!p.ok) {
        errors.push({ id: e.id, code: p.error });
        continue;
      }
      push(prefixes, p.prefix, base);
    } else {
      if (!e.to) {
        errors.push({ id: e.id, code: "rangeMissingEnd" });
        continue;
      }
      const from = normalizePhone(e.value, phoneOptions);
      const to = normalizePhone(e.to, phoneOptions);
      if (!from.ok || !to.ok) {
        errors.push({ id: e.id, code: "invalidNumber", phoneError: !from.ok ? from.error : !to.ok ? to.error : undefined });
        continue;
      }
      if (from.e164.length !== to.e164.length) {
        errors.push({ id: e.id, code: "rangeLengthMismatch" });
        continue;
      }
      if (from.e164 > to.e164) {
        errors.push({ id: e.id, code: "rangeReversed" });
        continue;
      }
      push(ranges, from.e164.length, { ...base, from: from.e164, to: to.e164 });
    }
    size++;
  }
  for (const list of ranges.values()) list.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  return { index: { numbers, prefixes, ranges, size }, errors };
}

export interface DncMatch {
  id: string;
  /** "bureau" for the bureau-wide list, else the tenant's own. */
  list: "bureau" | "tenant";
  kind: DncEntryKind;
}

export type DncCheck =
  | { status: "clear"; e164: string }
  | { status: "blocked"; e164: string; matches: DncMatch[] }
  /** Not a number at all: the dialer must not dial it either. */
  | { status: "invalidNumber"; error: PhoneError };

/**
 * Whether `number` may be called for `tenantId` at `at`: blocked by any live entry of the bureau
 * list or of that tenant's list (another tenant's list never applies). All matches are returned so
 * the attempt log can say which list stopped the call.
 */
export function checkDnc(index: DncIndex, number: string, tenantId: string, at: Date, phoneOptions: PhoneOptions = {}): DncCheck {
  const n = normalizePhone(number, phoneOptions);
  if (!n.ok) return { status: "invalidNumber", error: n.error };
  const e164 = n.e164;
  const t = at.getTime();
  const matches: DncMatch[] = [];
  const consider = (e: Entry) => {
    if (e.tenantId !== null && e.tenantId !== tenantId) return;
    if (e.expiresAt !== null && e.expiresAt <= t) return;
    matches.push({ id: e.id, list: e.tenantId === null ? "bureau" : "tenant", kind: e.kind });
  };
  for (const e of index.numbers.get(e164) ?? []) consider(e);
  for (let len = MIN_PREFIX_DIGITS + 1; len <= e164.length; len++) for (const e of index.prefixes.get(e164.slice(0, len)) ?? []) consider(e);
  for (const r of index.ranges.get(e164.length) ?? []) {
    if (r.from > e164) break; // sorted by first number: no later range can start at or below it
    if (e164 <= r.to) consider(r);
  }
  return matches.length ? { status: "blocked", e164, matches } : { status: "clear", e164 };
}

/** The entry a disposition adds ("do not call me again"), for the tenant's list or the bureau's. */
export function dncEntryForNumber(id: string, tenantId: string | null, e164: string, expiresAt: Date | null = null): DncEntryInput {
  return { id, tenantId, kind: "number", value: e164, expiresAt };
}
