import { useId, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ZodIssue } from "zod";
import { directionOf, type Language } from "~/modules/i18n/config";
import { normalizeDigits } from "~/modules/i18n/format";
import type { Prompt } from "~/modules/ivr/model";
import { Field } from "../forms";

export type PromptInput = { text?: Partial<Record<Language, string>>; audioUrl?: string };
export type FieldErrors = Record<string, string[]>;

/** zod issues of one step as "path" -> message keys ("validation:…" or "ivr:builder.error.…|param=…"). */
export function fieldErrors(issues: readonly ZodIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    const key = issue.path.join(".");
    (out[key] ??= []).push(issueMessage(issue));
  }
  return out;
}

function issueMessage(issue: ZodIssue): string {
  if (issue.message.startsWith("validation:")) return issue.message;
  switch (issue.code) {
    case "invalid_type":
      return issue.received === "undefined" ? "validation:required" : "validation:invalid";
    case "too_small":
      if (issue.type === "array") return `ivr:builder.error.minItems|min=${String(issue.minimum)}`;
      if (issue.type === "string") return Number(issue.minimum) <= 1 ? "validation:required" : `validation:tooShort|min=${String(issue.minimum)}`;
      return `ivr:builder.error.min|min=${String(issue.minimum)}`;
    case "too_big":
      if (issue.type === "array") return `ivr:builder.error.maxItems|max=${String(issue.maximum)}`;
      if (issue.type === "string") return `validation:tooLong|max=${String(issue.maximum)}`;
      return `ivr:builder.error.max|max=${String(issue.maximum)}`;
    default:
      return "validation:invalid";
  }
}

/** Errors under a path prefix too (a prompt's "prompt.text.fa" shows under the prompt). */
export function errorsAt(errors: FieldErrors, path: string, nested = false): string[] {
  return Object.entries(errors)
    .filter(([k]) => k === path || (nested && k.startsWith(`${path}.`)))
    .flatMap(([, v]) => v);
}

/** One text area per tenant language (lang and dir set, so Persian is typed right-to-left), plus an audio URL. */
export function PromptEditor({
  label,
  value,
  onChange,
  languages,
  errors,
  optional = false,
}: {
  label: string;
  value: PromptInput | undefined;
  onChange: (value: Prompt | undefined) => void;
  languages: readonly Language[];
  errors: string[];
  optional?: boolean;
}) {
  const { t } = useTranslation("ivr");
  const id = useId();
  const update = (next: PromptInput) => {
    const text = Object.fromEntries(Object.entries(next.text ?? {}).filter(([, v]) => v !== undefined && v !== "")) as Prompt["text"];
    const audioUrl = next.audioUrl?.trim() ? next.audioUrl : undefined;
    if (optional && !audioUrl && Object.keys(text).length === 0) return onChange(undefined);
    onChange({ text, ...(audioUrl !== undefined ? { audioUrl } : {}) });
  };
  return (
    <fieldset className={`ivr-prompt${errors.length ? " field--invalid" : ""}`}>
      <legend>{label}</legend>
      {languages.map((lang) => (
        <Field key={lang} label={t("builder.field.text", { language: t(`builder.language.${lang}`) })} htmlFor={`${id}-${lang}`}>
          <textarea
            id={`${id}-${lang}`}
            lang={lang}
            dir={directionOf(lang)}
            rows={2}
            value={value?.text?.[lang] ?? ""}
            onChange={(e) => update({ ...value, text: { ...value?.text, [lang]: e.target.value } })}
          />
        </Field>
      ))}
      <Field label={t("builder.field.audioUrl")} htmlFor={`${id}-audio`} errors={errors}>
        <input
          id={`${id}-audio`}
          type="url"
          dir="ltr"
          value={value?.audioUrl ?? ""}
          onChange={(e) => update({ ...value, audioUrl: e.target.value })}
        />
      </Field>
    </fieldset>
  );
}

/** A step picker for one outgoing connection: the keyboard way to connect what the canvas connects by dragging. */
export function TargetSelect({
  label,
  value,
  onChange,
  nodeIds,
  errors,
  id,
}: {
  label: string;
  value: string | undefined;
  onChange: (target: string | undefined) => void;
  nodeIds: readonly string[];
  errors?: string[];
  id?: string;
}) {
  const { t } = useTranslation("ivr");
  const fallbackId = useId();
  const inputId = id ?? fallbackId;
  const known = value === undefined || value === "" || nodeIds.includes(value);
  return (
    <Field label={label} htmlFor={inputId} errors={errors}>
      <select id={inputId} dir="ltr" value={value ?? ""} onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}>
        <option value="">{t("builder.none")}</option>
        {!known ? <option value={value}>{value}</option> : null}
        {nodeIds.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </Field>
  );
}

/**
 * A whole number typed on any keyboard (Persian digits accepted). What does not parse stays in the
 * box with an error instead of being thrown away; empty means "not set" (the model's default).
 */
export function NumberField({
  label,
  value,
  onChange,
  errors = [],
}: {
  label: string;
  value: number | undefined;
  onChange: (value: number | undefined) => void;
  errors?: string[];
}) {
  const id = useId();
  const [draft, setDraft] = useState<string | null>(null);
  const shown = draft ?? (value === undefined ? "" : String(value));
  const bad = draft !== null && draft.trim() !== "" && !/^\d+$/.test(normalizeDigits(draft.trim()));
  return (
    <Field label={label} htmlFor={id} errors={bad ? ["ivr:builder.error.wholeNumber", ...errors] : errors}>
      <input
        id={id}
        type="text"
        inputMode="numeric"
        dir="ltr"
        value={shown}
        aria-invalid={bad || errors.length > 0 || undefined}
        onChange={(e) => {
          const raw = e.target.value;
          const normalized = normalizeDigits(raw.trim());
          if (normalized === "") {
            setDraft(null);
            onChange(undefined);
          } else if (/^\d+$/.test(normalized)) {
            setDraft(null);
            onChange(Number(normalized));
          } else {
            setDraft(raw);
          }
        }}
      />
    </Field>
  );
}

export function TextField({
  label,
  value,
  onChange,
  errors,
  ltr = false,
  hint,
  type = "text",
}: {
  label: string;
  value: string | undefined;
  onChange: (value: string) => void;
  errors?: string[];
  ltr?: boolean;
  hint?: string;
  type?: "text" | "tel" | "url";
}) {
  const id = useId();
  return (
    <Field label={label} htmlFor={id} errors={errors} hint={hint}>
      <input id={id} type={type} dir={ltr ? "ltr" : undefined} value={value ?? ""} onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}

export function CheckboxField({ label, checked, onChange }: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = useId();
  return (
    <div className="checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}
