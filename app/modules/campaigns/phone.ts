import { parsePhoneNumberWithError, ParseError, validatePhoneNumberLength, type NumberType } from "libphonenumber-js/max";

/**
 * Phone numbers to E.164, for contact lists, DNC entries and dialing. Pure and offline.
 *
 * The digits and the Iranian forms people actually write are handled here: Persian (۰-۹) and
 * Arabic-Indic (٠-٩) digits, spacing, dashes, dots, parentheses and the bidi marks an RTL editor
 * slips in; 09xx / 9xx (Excel drops the leading zero) / 989xx / 00989xx / +989xx mobiles; landlines
 * as 0 + area code + 8 digits (or without the 0, or 8 digits with a default area code); the
 * "+98 (0)21" habit. Whether the resulting number exists in the numbering plan (a real mobile
 * prefix, a real area code's subscriber range, any foreign number) is libphonenumber-js's metadata
 * (Google's libphonenumber, shipped in the package, no network), so the rules stay current with an
 * npm update instead of a hand-kept table. Errors are codes; pages localize them.
 */

export const PHONE_ERRORS = ["empty", "invalidCharacters", "tooShort", "tooLong", "unknownArea", "unknownCountry", "foreignNotAllowed", "invalid"] as const;
export type PhoneError = (typeof PHONE_ERRORS)[number];

export type PhoneKind = "mobile" | "landline" | "fixedOrMobile" | "voip" | "tollFree" | "other";

export type PhoneResult =
  | {
      ok: true;
      /** "+989121234567" */
      e164: string;
      /** ISO 3166 country, "IR"; null for numbers shared by several (+1 toll-free, satellites). */
      country: string | null;
      kind: PhoneKind;
      /** Iranian landlines: the two-digit area code ("21" Tehran). */
      areaCode?: string;
    }
  | { ok: false; error: PhoneError };

export interface PhoneOptions {
  /** Accept numbers of other countries in international form (+31…, 0031…). Default true. */
  allowForeign?: boolean;
  /** Complete an 8-digit local landline number with this area code ("21"); without it, 8 digits are tooShort. */
  defaultAreaCode?: string;
}

/**
 * Iranian area codes (after the trunk 0), one per province: what the national plan allocates. A
 * landline outside them is "unknownArea" rather than plain "invalid", the likeliest typo to show.
 */
export const IR_AREA_CODES: Readonly<Record<string, string>> = {
  "11": "Mazandaran",
  "13": "Gilan",
  "17": "Golestan",
  "21": "Tehran",
  "23": "Semnan",
  "24": "Zanjan",
  "25": "Qom",
  "26": "Alborz",
  "28": "Qazvin",
  "31": "Isfahan",
  "34": "Kerman",
  "35": "Yazd",
  "38": "Chaharmahal and Bakhtiari",
  "41": "East Azerbaijan",
  "44": "West Azerbaijan",
  "45": "Ardabil",
  "51": "Razavi Khorasan",
  "54": "Sistan and Baluchestan",
  "56": "South Khorasan",
  "58": "North Khorasan",
  "61": "Khuzestan",
  "66": "Lorestan",
  "71": "Fars",
  "74": "Kohgiluyeh and Boyer-Ahmad",
  "76": "Hormozgan",
  "77": "Bushehr",
  "81": "Hamadan",
  "83": "Kermanshah",
  "84": "Ilam",
  "86": "Markazi",
  "87": "Kurdistan",
};

const IR_CC = "98";
/** National significant number: 10 digits, mobile 9xx…, landline area code + 8 digits. */
const IR_NSN_LENGTH = 10;

/**
 * The input with every digit as ASCII and the separators people type removed; "+" kept only in
 * front. Returns null when something other than digits and separators is left.
 */
export function foldPhoneDigits(raw: string): string | null {
  // NFKC only when needed (full-width digits and plus): it is the slow part for plain ASCII input.
  const text = /[^ -~\u0600-\u06ff\u200b-\u200f\u202a-\u202e\u2066-\u2069\s]/.test(raw) ? raw.normalize("NFKC") : raw;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) out += text[i];
    else if (c >= 0x6f0 && c <= 0x6f9) out += String.fromCharCode(c - 0x6f0 + 0x30); // Persian ۰-۹
    else if (c >= 0x660 && c <= 0x669) out += String.fromCharCode(c - 0x660 + 0x30); // Arabic-Indic ٠-٩
    else if (c === 0x2b) {
      if (out.length > 0) return null; // "+" only in front
      out = "+";
    } else if (!SEPARATORS.has(c)) return null;
  }
  return out;
}

/** Spacing, dashes, dots, slashes, parentheses, and the invisible marks RTL editors insert. */
const SEPARATORS: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0d, 0x20, 0xa0, 0x2d, 0x2e, 0x2f, 0x28, 0x29, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f,
  0x205f, 0x3000, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066,
  0x2067, 0x2068, 0x2069, 0xfeff, 0x061c,
]);

function kindOf(type: NumberType): PhoneKind {
  switch (type) {
    case "MOBILE":
      return "mobile";
    case "FIXED_LINE":
      return "landline";
    case "FIXED_LINE_OR_MOBILE":
      return "fixedOrMobile";
    case "VOIP":
      return "voip";
    case "TOLL_FREE":
      return "tollFree";
    default:
      return "other";
  }
}

function iranian(nsn: string): PhoneResult {
  if (nsn.length < IR_NSN_LENGTH) return { ok: false, error: "tooShort" };
  if (nsn.length > IR_NSN_LENGTH) return { ok: false, error: "tooLong" };
  const first = nsn[0]!;
  if (first === "0") return { ok: false, error: "invalid" };
  const areaCode = first === "9" ? undefined : nsn.slice(0, 2);
  if (areaCode !== undefined && !(areaCode in IR_AREA_CODES)) return { ok: false, error: "unknownArea" };
  const p = parsePhoneNumberWithError(`+${IR_CC}${nsn}`);
  if (!p.isValid()) return { ok: false, error: "invalid" };
  return { ok: true, e164: p.number, country: "IR", kind: kindOf(p.getType()), ...(areaCode ? { areaCode } : {}) };
}

function foreign(digits: string): PhoneResult {
  const e164 = `+${digits}`;
  try {
    const p = parsePhoneNumberWithError(e164);
    if (p.isValid()) return { ok: true, e164: p.number, country: p.country ?? null, kind: kindOf(p.getType()) };
    const length = validatePhoneNumberLength(e164);
    if (length === "TOO_SHORT") return { ok: false, error: "tooShort" };
    if (length === "TOO_LONG") return { ok: false, error: "tooLong" };
    return { ok: false, error: "invalid" };
  } catch (e) {
    if (e instanceof ParseError) {
      if (e.message === "INVALID_COUNTRY") return { ok: false, error: "unknownCountry" };
      if (e.message === "TOO_SHORT") return { ok: false, error: "tooShort" };
      if (e.message === "TOO_LONG") return { ok: false, error: "tooLong" };
    }
    return { ok: false, error: "invalid" };
  }
}

/** A phone number as written by a person or a spreadsheet, to E.164, or the reason it is not one. */
export function normalizePhone(raw: string | number | null | undefined, options: PhoneOptions = {}): PhoneResult {
  if (raw === null || raw === undefined) return { ok: false, error: "empty" };
  // A spreadsheet cell holding a number: 9121234567 (the 0 dropped), never in exponent form for phones.
  const text = typeof raw === "number" ? (Number.isSafeInteger(raw) && raw >= 0 ? String(raw) : "x") : raw;
  const folded = foldPhoneDigits(text);
  if (folded === null) return { ok: false, error: "invalidCharacters" };
  if (folded === "" || folded === "+") return { ok: false, error: "empty" };

  let international: string | null = null;
  if (folded.startsWith("+")) international = folded.slice(1);
  else if (folded.startsWith("00")) international = folded.slice(2);
  else if (folded.startsWith(IR_CC) && folded.length === IR_CC.length + IR_NSN_LENGTH) international = folded;

  const allowForeign = options.allowForeign ?? true;
  if (international !== null) {
    if (international.startsWith(IR_CC)) {
      let nsn = international.slice(IR_CC.length);
      // "+98 (0)21 …" and "0098 0912 …": the trunk 0 written after the country code.
      if (nsn.length === IR_NSN_LENGTH + 1 && nsn.startsWith("0")) nsn = nsn.slice(1);
      return iranian(nsn);
    }
    if (international === "") return { ok: false, error: "tooShort" };
    if (!allowForeign) {
      // Still tell a typo (+9) from a foreign number: only a real country is "foreign".
      const r = foreign(international);
      return r.ok ? { ok: false, error: "foreignNotAllowed" } : r;
    }
    return foreign(international);
  }

  // National forms.
  if (folded.startsWith("0")) return iranian(folded.slice(1));
  if (folded.length === IR_NSN_LENGTH) return iranian(folded); // 9121234567, 2112345678: Excel ate the 0
  if (folded.length === 8 && options.defaultAreaCode) return iranian(options.defaultAreaCode + folded);
  return { ok: false, error: folded.length < IR_NSN_LENGTH ? "tooShort" : "tooLong" };
}

/** The E.164 form or null: for callers that only need a yes or no (DNC lookups, dedup keys). */
export function toE164(raw: string | number | null | undefined, options?: PhoneOptions): string | null {
  const r = normalizePhone(raw, options);
  return r.ok ? r.e164 : null;
}

/** An Iranian number (+98): its callee is in Asia/Tehran, whatever zone the campaign runs in. */
export function isIranian(e164: string): boolean {
  return e164.startsWith(`+${IR_CC}`);
}
