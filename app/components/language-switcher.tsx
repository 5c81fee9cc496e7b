import { Form, useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LANGUAGES } from "~/modules/i18n/config";
import { CsrfInput } from "./forms";

const NATIVE: Record<string, string> = { fa: "فارسی", en: "English", nl: "Nederlands" };

export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  const location = useLocation();
  return (
    <Form method="post" action="/set-language" className="language-switcher" aria-label={t("language.label")}>
      <CsrfInput />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {LANGUAGES.map((lang) => (
        <button
          key={lang}
          type="submit"
          name="lang"
          value={lang}
          lang={lang}
          aria-pressed={i18n.language === lang}
          className="language-switcher__option"
        >
          {NATIVE[lang]}
        </button>
      ))}
    </Form>
  );
}
