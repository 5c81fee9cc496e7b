export const LANGUAGES = ["fa", "en", "nl"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "fa";
export const LANGUAGE_COOKIE = "hk_lang";
export const NAMESPACES = ["common", "auth", "bureau", "portal", "validation", "mail", "ivr", "voice", "telephony", "calendar", "routing", "agent", "scripts", "wallboard", "billing", "wfm", "campaigns"] as const;

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

export function directionOf(lang: Language): "rtl" | "ltr" {
  return lang === "fa" ? "rtl" : "ltr";
}

export const i18nOptions = {
  supportedLngs: [...LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  defaultNS: "common",
  ns: [...NAMESPACES],
  interpolation: { escapeValue: false },
} as const;
