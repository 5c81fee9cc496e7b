import jalaali from "jalaali-js";
import type { Language } from "./config";

const { isValidJalaaliDate, toGregorian, toJalaali } = jalaali;

/**
 * The one formatting module: dates, numbers and money, per language and tenant time zone.
 * Persian uses the Solar Hijri calendar and Persian digits; English and Dutch the Gregorian calendar.
 */
export const DEFAULT_TIME_ZONE = "Asia/Tehran";

const INTL_LOCALE: Record<Language, string> = {
  fa: "fa-IR-u-ca-persian-nu-arabext",
  en: "en-GB-u-ca-gregory",
  nl: "nl-NL-u-ca-gregory",
};

export function intlLocale(lang: Language) {
  return INTL_LOCALE[lang];
}

const cache = new Map<string, Intl.DateTimeFormat>();
function dtf(lang: Language, timeZone: string, options: Intl.DateTimeFormatOptions) {
  const key = `${lang}|${timeZone}|${JSON.stringify(options)}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(INTL_LOCALE[lang], { ...options, timeZone });
    cache.set(key, f);
  }
  return f;
}

type DateInput = Date | string | number;
const toDate = (d: DateInput) => (d instanceof Date ? d : new Date(d));

export function formatDate(d: DateInput, lang: Language, timeZone = DEFAULT_TIME_ZONE) {
  return dtf(lang, timeZone, { year: "numeric", month: "long", day: "numeric" }).format(toDate(d));
}

export function formatDateTime(d: DateInput, lang: Language, timeZone = DEFAULT_TIME_ZONE) {
  return dtf(lang, timeZone, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }).format(
    toDate(d),
  );
}

export function formatWeekdayDate(d: DateInput, lang: Language, timeZone = DEFAULT_TIME_ZONE) {
  // ICU's Persian pattern with a weekday comes out as "۱۴۰۵ آذر ۱, یکشنبه" (reversed, Latin comma);
  // Persian readers expect "یکشنبه ۱ آذر ۱۴۰۵", so the weekday is put in front of the plain date.
  if (lang === "fa") return `${dtf(lang, timeZone, { weekday: "long" }).format(toDate(d))} ${formatDate(d, lang, timeZone)}`;
  return dtf(lang, timeZone, { weekday: "long", year: "numeric", month: "long", day: "numeric" }).format(toDate(d));
}

/** A calendar date (a holiday) that has no time zone: formatted as that day, whatever the zone. */
export function formatCalendarDay(isoDay: string, lang: Language) {
  return dtf(lang, "UTC", { year: "numeric", month: "long", day: "numeric" }).format(new Date(`${isoDay}T00:00:00Z`));
}

export function formatNumber(n: number | bigint, lang: Language) {
  return new Intl.NumberFormat(INTL_LOCALE[lang]).format(n);
}

const PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩";

/** Persian and Arabic-Indic digits to ASCII, so input typed on a Persian keyboard parses. */
export function normalizeDigits(s: string) {
  return s.replace(/[۰-۹٠-٩]/g, (c) => String(PERSIAN_DIGITS.indexOf(c) >= 0 ? PERSIAN_DIGITS.indexOf(c) : ARABIC_DIGITS.indexOf(c)));
}

export function toPersianDigits(s: string) {
  return s.replace(/[0-9]/g, (c) => PERSIAN_DIGITS[Number(c)]!);
}

export function localizeDigits(s: string, lang: Language) {
  return lang === "fa" ? toPersianDigits(s) : s;
}

export type CurrencyDisplay = "rial" | "toman";

/**
 * Money is kept in integer minor units. IRR has no minor unit, so minor == rial; the bureau chooses
 * whether people read rial or toman (1 toman = 10 rial).
 */
export function formatMoney(minor: bigint | number | string, currency: string, lang: Language, display: CurrencyDisplay = "rial") {
  const value = BigInt(minor);
  if (currency === "IRR") {
    const unitKey = display === "toman" ? "toman" : "rial";
    const amount = display === "toman" ? value / 10n : value;
    const remainder = display === "toman" ? value % 10n : 0n;
    const n = new Intl.NumberFormat(INTL_LOCALE[lang], { maximumFractionDigits: 1 }).format(
      remainder === 0n ? amount : Number(value) / 10,
    );
    return `${n} ${IRR_UNIT[lang][unitKey]}`;
  }
  const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(INTL_LOCALE[lang], { style: "currency", currency }).format(Number(value) / 10 ** digits);
}

const IRR_UNIT: Record<Language, Record<CurrencyDisplay, string>> = {
  fa: { rial: "ریال", toman: "تومان" },
  en: { rial: "rial", toman: "toman" },
  nl: { rial: "rial", toman: "toman" },
};

/** JS weekday numbers (0 = Sunday) in the order a week is shown: Saturday first in Iran. */
export function weekdayOrder(lang: Language): number[] {
  return lang === "fa" ? [6, 0, 1, 2, 3, 4, 5] : [1, 2, 3, 4, 5, 6, 0];
}

export function weekdayName(weekday: number, lang: Language) {
  // 2024-01-07 was a Sunday.
  const ref = new Date(Date.UTC(2024, 0, 7 + weekday, 12));
  return dtf(lang, "UTC", { weekday: "long" }).format(ref);
}

/** "1405/01/01" (ASCII or Persian digits, / or -) -> "2026-03-21", or null when not a real Jalali date. */
export function parseJalaliDate(input: string): string | null {
  const m = /^\s*(\d{4})[/-](\d{1,2})[/-](\d{1,2})\s*$/.exec(normalizeDigits(input));
  if (!m) return null;
  const [jy, jm, jd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidJalaaliDate(jy, jm, jd)) return null;
  const g = toGregorian(jy, jm, jd);
  return `${g.gy}-${String(g.gm).padStart(2, "0")}-${String(g.gd).padStart(2, "0")}`;
}

/** "2026-03-21" -> "1405/01/01" */
export function toJalaliInput(isoDay: string): string {
  const [y, mo, d] = isoDay.split("-").map(Number) as [number, number, number];
  const j = toJalaali(y, mo, d);
  return `${j.jy}/${String(j.jm).padStart(2, "0")}/${String(j.jd).padStart(2, "0")}`;
}

/** "2026-03-21" (ASCII or Persian digits) -> the same if it is a real Gregorian date, else null. */
export function parseGregorianDate(input: string): string | null {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(normalizeDigits(input));
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** Date input per language: Jalali in Persian, ISO elsewhere. */
export function parseCalendarDay(input: string, lang: Language) {
  return lang === "fa" ? parseJalaliDate(input) : parseGregorianDate(input);
}

export function calendarDayInput(isoDay: string, lang: Language) {
  return lang === "fa" ? toJalaliInput(isoDay) : isoDay;
}

export function isValidTimeZone(tz: string) {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
