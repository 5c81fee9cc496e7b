import { Form, useRouteLoaderData } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** The hidden CSRF field every mutating form carries (checked by requireCsrf in the action). */
export function CsrfInput() {
  const root = useRouteLoaderData<{ csrf: string }>("root");
  return <input type="hidden" name="csrf" value={root?.csrf ?? ""} />;
}

/**
 * Error messages are i18n keys ("validation:required") produced by the zod schemas; they are
 * translated here so the same schema serves every language.
 */
export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <ul id={id} className="field-errors" role="alert">
      {errors.map((e) => (
        <li key={e}>{translateError(t, e)}</li>
      ))}
    </ul>
  );
}

export function translateError(t: (key: string, opts?: Record<string, unknown>) => string, raw: string) {
  // "validation:tooLong|max=80" carries interpolation values after the key.
  const [key, ...params] = raw.split("|");
  const opts = Object.fromEntries(params.map((p) => p.split("=") as [string, string]));
  return t(key!, opts);
}

interface FieldProps {
  label: string;
  hint?: string;
  errors?: string[] | null;
  errorId?: string;
  children: ReactNode;
  htmlFor: string;
}

export function Field({ label, hint, errors, errorId, children, htmlFor }: FieldProps) {
  return (
    <div className={`field${errors?.length ? " field--invalid" : ""}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {hint ? <p className="field-hint">{hint}</p> : null}
      <ErrorList id={errorId} errors={errors} />
    </div>
  );
}

export function FormErrors({ errors }: { errors?: string[] | null }) {
  const { t } = useTranslation();
  if (!errors?.length) return null;
  return (
    <div className="alert alert--error" role="alert">
      {errors.map((e) => (
        <p key={e}>{translateError(t, e)}</p>
      ))}
    </div>
  );
}

export function Notice({ children, tone = "success" }: { children: ReactNode; tone?: "success" | "info" | "warning" }) {
  return (
    <div className={`alert alert--${tone}`} role="status">
      {children}
    </div>
  );
}

/** Numbers, phone numbers, codes and keys stay left-to-right inside right-to-left text. */
export function Ltr({ children }: { children: ReactNode }) {
  return (
    <bdi dir="ltr" className="ltr">
      {children}
    </bdi>
  );
}

/** A one-button form acting on one table row (remove a number, a holiday…), CSRF included. */
export function RowActionForm({ intent, id, label, ariaLabel }: { intent: string; id: string; label: string; ariaLabel?: string }) {
  return (
    <Form method="post" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="button button--ghost button--small" aria-label={ariaLabel}>
        {label}
      </button>
    </Form>
  );
}
