import { getCollectionProps, getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ApiKeyKind } from "~/modules/auth/api-key-token";
import { scopesFor } from "~/modules/api/scopes";
import { apiKeyCreateSchema } from "~/modules/portal/forms";
import { CsrfInput, ErrorList, Field, FormErrors, Ltr, Notice } from "./forms";

/** The API-key page body shared by the client portal (tenant keys) and the bureau console. */
export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created: string;
  createdIso: string;
  lastUsed: string | null;
  revoked: boolean;
  createdByName: string | null;
}

export interface ApiKeyActionData {
  intent: string;
  result: SubmissionResult<string[]>;
  created: { name: string; token: string } | null;
  notice: { key: string; name: string } | null;
}

export const scopeLabelKey = (scope: string) => `portal:apiKeys.scopes.${scope.replace(":", "_")}`;

export function ApiKeyManager({
  kind,
  keys,
  actionData,
  busy,
}: {
  kind: ApiKeyKind;
  keys: ApiKeyRow[];
  actionData: ApiKeyActionData | undefined;
  busy: boolean;
}) {
  const { t } = useTranslation("portal");
  // Row forms (role, remove, revoke) have no fields of their own to show errors next to: show them all here.
  const rowErrors =
    actionData && actionData.intent !== "create" ? [...new Set(Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []))] : null;
  return (
    <div className="stack">
      {actionData?.created ? <NewToken name={actionData.created.name} token={actionData.created.token} /> : null}
      {actionData?.notice ? <Notice>{t(actionData.notice.key, { name: actionData.notice.name })}</Notice> : null}
      <FormErrors errors={rowErrors} />

      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t("apiKeys.listTitle")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("apiKeys.table.name")}</th>
              <th scope="col">{t("apiKeys.table.prefix")}</th>
              <th scope="col">{t("apiKeys.table.scopes")}</th>
              <th scope="col">{t("apiKeys.table.created")}</th>
              <th scope="col">{t("apiKeys.table.lastUsed")}</th>
              <th scope="col">{t("apiKeys.table.status")}</th>
              <th scope="col">{t("apiKeys.table.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {keys.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {t("apiKeys.empty")}
                </td>
              </tr>
            ) : null}
            {keys.map((k) => (
              <tr key={k.id} data-testid="api-key-row">
                <td>
                  {k.name}
                  {k.createdByName ? <div className="muted">{t("apiKeys.createdBy", { name: k.createdByName })}</div> : null}
                </td>
                <td>
                  <Ltr>
                    <code>{k.prefix}…</code>
                  </Ltr>
                </td>
                <td>
                  <ul className="scope-tags">
                    {k.scopes.map((s) => (
                      <li key={s} className="badge" title={t(scopeLabelKey(s))}>
                        <code>{s}</code>
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <time dateTime={k.createdIso}>{k.created}</time>
                </td>
                <td>{k.lastUsed ?? <span className="muted">{t("apiKeys.neverUsed")}</span>}</td>
                <td>
                  <span className={`badge ${k.revoked ? "badge--off" : "badge--ok"}`}>
                    {t(k.revoked ? "common:status.revoked" : "common:status.active")}
                  </span>
                </td>
                <td>
                  {k.revoked ? null : (
                    <Form
                      method="post"
                      className="inline-form"
                      onSubmit={(e) => {
                        if (!window.confirm(t("apiKeys.confirmRevoke", { name: k.name }))) e.preventDefault();
                      }}
                    >
                      <CsrfInput />
                      <input type="hidden" name="intent" value="revoke" />
                      <input type="hidden" name="keyId" value={k.id} />
                      <button type="submit" className="button button--danger button--small" disabled={busy}>
                        {t("common:actions.revoke")}
                        <span className="visually-hidden"> {k.name}</span>
                      </button>
                    </Form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <CreateKeyForm kind={kind} lastResult={actionData?.intent === "create" ? actionData.result : undefined} busy={busy} />
    </div>
  );
}

function NewToken({ name, token }: { name: string; token: string }) {
  const { t } = useTranslation("portal");
  const [copied, setCopied] = useState(false);
  return (
    <section className="alert alert--warning token-box" aria-labelledby="new-token-title" data-testid="new-token">
      <h3 id="new-token-title" style={{ margin: 0 }}>
        {t("apiKeys.created.title", { name })}
      </h3>
      <p>{t("apiKeys.created.body")}</p>
      <div className="token-box__row">
        <code className="secret" id="new-token-value">
          {token}
        </code>
        <button
          type="button"
          className="button button--small"
          aria-describedby="new-token-value"
          onClick={() => {
            void navigator.clipboard?.writeText(token).then(() => setCopied(true));
          }}
        >
          {t("apiKeys.created.copy")}
        </button>
      </div>
      <p role="status" aria-live="polite" className="field-hint">
        {copied ? t("apiKeys.created.copied") : t("apiKeys.created.copyHint")}
      </p>
    </section>
  );
}

function CreateKeyForm({ kind, lastResult, busy }: { kind: ApiKeyKind; lastResult: SubmissionResult<string[]> | undefined; busy: boolean }) {
  const { t } = useTranslation("portal");
  const schema = useMemo(() => apiKeyCreateSchema(kind), [kind]);
  const scopes = scopesFor(kind);
  const [form, fields] = useForm({
    id: `api-key-create-${kind}`,
    lastResult,
    constraint: getZodConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const { key: _n, ...nameProps } = getInputProps(fields.name, { type: "text" });
  const scopeInputs = getCollectionProps(fields.scopes, { type: "checkbox", options: [...scopes] });
  return (
    <section className="card" aria-labelledby={`api-key-create-${kind}-title`}>
      <h3 id={`api-key-create-${kind}-title`}>{t("apiKeys.create.title")}</h3>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="create" />
        <FormErrors errors={form.errors} />
        <Field
          label={t("apiKeys.create.name")}
          hint={t("apiKeys.create.nameHint")}
          htmlFor={fields.name.id}
          errors={fields.name.errors}
          errorId={fields.name.errorId}
        >
          <input {...nameProps} autoComplete="off" />
        </Field>
        <div className={`field${fields.scopes.errors?.length ? " field--invalid" : ""}`}>
          <fieldset className="scope-list" aria-describedby={fields.scopes.errors?.length ? fields.scopes.errorId : undefined}>
            <legend>{t("apiKeys.create.scopes")}</legend>
            {scopeInputs.map(({ key, ...props }) => (
              <label key={key} className="checkbox">
                <input {...props} />
                <span>
                  <code>{props.value}</code> — {t(scopeLabelKey(props.value))}
                </span>
              </label>
            ))}
          </fieldset>
          {/* The checkbox group is a fieldset, so its errors sit under it rather than inside a Field. */}
          <ErrorList id={fields.scopes.errorId} errors={fields.scopes.errors} />
        </div>
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("apiKeys.create.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
