import type { FieldMetadata } from "@conform-to/react";
import { AGENT_LANGUAGES } from "~/modules/agents/schemas";
import { intlLocale } from "~/modules/i18n/format";
import { ErrorList } from "./forms";
import { useLang } from "./bureau-ui";

/** The languages an agent takes contacts in, named in the reader's language. */
export function AgentLanguagesFieldset({ field, legend }: { field: FieldMetadata<string[] | undefined>; legend: string }) {
  const lang = useLang();
  const names = new Intl.DisplayNames([intlLocale(lang)], { type: "language" });
  const raw = field.initialValue as unknown;
  const selected = Array.isArray(raw) ? (raw as string[]) : typeof raw === "string" ? [raw] : [];
  return (
    <fieldset className="bureau-fieldset" aria-describedby={field.errors?.length ? field.errorId : undefined}>
      <legend>{legend}</legend>
      <div className="bureau-checks">
        {AGENT_LANGUAGES.map((code) => (
          <label key={code} className="checkbox">
            <input type="checkbox" name={field.name} value={code} defaultChecked={selected.includes(code)} />
            {names.of(code) ?? code}
          </label>
        ))}
      </div>
      <ErrorList id={field.errorId} errors={field.errors} />
    </fieldset>
  );
}

export function useLanguageName() {
  const lang = useLang();
  const names = new Intl.DisplayNames([intlLocale(lang)], { type: "language" });
  return (code: string) => names.of(code) ?? code;
}
