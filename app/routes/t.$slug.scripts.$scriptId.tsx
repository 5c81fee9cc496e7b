import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useId, useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, Field, FormErrors, Ltr, Notice, translateError } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, notFound, requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { isUuid } from "~/modules/bureau/http.server";
import { directionOf, type Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { userNames } from "~/modules/portal/ivr.server";
import {
  addLine,
  addStep,
  freshOptionValue,
  moveLine,
  moveStep,
  removeLine,
  removeStep,
  renameStep,
  setQuestionKind,
  updateLine,
  updateStep,
} from "~/modules/scripts/edit";
import { scriptEditActionSchema, scriptSettingsSchema } from "~/modules/scripts/forms";
import {
  CLOSING,
  coversEveryAnswer,
  fallThrough,
  LINE_KINDS,
  PLACEHOLDERS,
  QUESTION_KINDS,
  scriptLanguages,
  STARTER_SCRIPT,
  type Branch,
  type LocalizedText,
  type PlaceholderValues,
  type QuestionKind,
  type ScriptDefinition,
  type ScriptLine,
  type ScriptStep,
} from "~/modules/scripts/model";
import { checkAnswer, parseNumber, pickText, renderLines, renderText, runScript, type Answer, type AnswerError, type RenderedText } from "~/modules/scripts/runner";
import {
  getScript,
  getScriptVersion,
  history,
  publish,
  rollback,
  saveDraft,
  scriptQueueChoices,
  ScriptError,
  updateScript,
  type ScriptErrorKey,
} from "~/modules/scripts/scripts.server";
import { hasErrors, validateScript, type ScriptIssue } from "~/modules/scripts/validator";
import { campaignScriptPlaceholders } from "~/modules/campaigns/campaigns.server";
import type { Tenant } from "~/modules/tenancy/tenants.server";
import portalCss from "~/styles/portal.css?url";
import scriptsCss from "~/styles/scripts.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: portalCss },
  { rel: "stylesheet", href: scriptsCss },
];

/** The script named in the URL, of this tenant; a malformed id or another tenant's script answers 404. */
async function requireScript(tenant: Tenant, scriptId: string | undefined) {
  if (!isUuid(scriptId)) notFound();
  const script = await getScript(tenant.id, scriptId);
  if (!script) notFound();
  const [draft, published] = await Promise.all([getScriptVersion(tenant.id, script.id, "draft"), getScriptVersion(tenant.id, script.id, "published")]);
  // The tenant's languages plus any a stored version already has text in, so none is silently dropped.
  const languages = scriptLanguages(tenant.defaultLocale, [draft?.definition, published?.definition].filter((d) => d !== undefined));
  return { script, draft, published, languages };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.queues.read");
  const lang = (await i18nServer.getLocale(request)) as Language;
  const { script, draft, published, languages } = await requireScript(tenant, params.scriptId);
  const [entries, queues, placeholders] = await Promise.all([history(tenant.id, script.id, languages), scriptQueueChoices(tenant.id), campaignScriptPlaceholders(tenant.id, script.id)]);
  const names = await userNames((entries ?? []).map((e) => e.createdBy));
  const current = draft ?? published;
  const label = (v: number) => localizeDigits(String(v), lang);
  return {
    slug: tenant.slug,
    tenantName: tenant.name,
    canManage: can(auth.actor, "tenant.scripts.manage", tenant.id),
    script: { id: script.id, name: script.name, queue: script.queue },
    queues: queues.map((q) => ({ id: q.id, key: q.key, name: q.name, taken: q.scriptId !== null && q.scriptId !== script.id })),
    version: current?.version ?? 0,
    // Changes with every save of the draft too: the editor restarts from what was stored.
    stamp: `${current?.version ?? 0}:${current?.createdAt.toISOString() ?? ""}`,
    draftVersion: draft ? label(draft.version) : null,
    publishedVersion: published ? label(published.version) : null,
    initial: current?.definition ?? STARTER_SCRIPT,
    // The stored draft's report, until the editor's own (live) one replaces it after a change.
    draftIssues: draft ? validateScript(draft.definition, languages, { placeholders }) : null,
    languages,
    // Custom fields of the campaigns that play this script: {{placeholders}} too.
    placeholders,
    history: (entries ?? []).map((e) => ({
      version: e.version,
      versionLabel: label(e.version),
      status: e.status,
      author: e.createdBy ? (names.get(e.createdBy) ?? null) : null,
      date: formatDateTime(e.publishedAt ?? e.createdAt, lang, tenant.timeZone),
      dateIso: (e.publishedAt ?? e.createdAt).toISOString(),
      errorCount: e.errorCount,
      diff: e.diff,
      sameAs: e.sameAs === null ? null : label(e.sameAs),
    })),
  };
}

type Outcome = {
  intent: string;
  ok: boolean;
  message: string | null;
  issues: ScriptIssue[];
  version: number | null;
  result?: SubmissionResult<string[]>;
};

const STATUS: Record<ScriptErrorKey, number> = {
  notFound: 404,
  versionNotFound: 404,
  queueNotFound: 400,
  queueTaken: 400,
  invalidName: 400,
  invalidDefinition: 422,
  hasErrors: 422,
  noDraft: 409,
  alreadyPublished: 409,
};

function refuse(intent: string, key: string, status: number, issues: ScriptIssue[] = []) {
  return data<Outcome>({ intent, ok: false, message: `scripts:errors.${key}`, issues, version: null }, { status });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.scripts.manage");
  const { script, languages } = await requireScript(tenant, params.scriptId);
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  const intent = String(formData.get("intent") ?? "");

  if (intent === "settings") {
    const submission = parseWithZod(formData, { schema: scriptSettingsSchema });
    if (submission.status !== "success") return data<Outcome>({ intent, ok: false, message: null, issues: [], version: null, result: submission.reply() }, { status: 400 });
    try {
      await updateScript(tenant.id, script.id, { name: submission.value.name, queueId: submission.value.queueId || null }, actor);
    } catch (err) {
      if (!(err instanceof ScriptError)) throw err;
      if (err.key === "notFound") notFound();
      const field = err.key === "invalidName" ? "name" : "queueId";
      const key = err.key === "invalidName" ? "validation:required" : `scripts:errors.${err.key}`;
      return data<Outcome>({ intent, ok: false, message: null, issues: [], version: null, result: submission.reply({ fieldErrors: { [field]: [key] } }) }, { status: 400 });
    }
    return { intent, ok: true, message: "scripts:notice.settingsSaved", issues: [], version: null, result: submission.reply() } satisfies Outcome;
  }

  const parsed = scriptEditActionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return refuse(intent, "badRequest", 400);
  const input = parsed.data;
  let definition: unknown = undefined;
  if ((input.intent === "save" || input.intent === "publish") && input.definition !== undefined) {
    try {
      definition = JSON.parse(input.definition);
    } catch {
      return refuse(intent, "invalidJson", 400);
    }
  }

  try {
    if (input.intent === "save") {
      const saved = await saveDraft(tenant.id, script.id, definition, languages, actor);
      return { intent, ok: true, message: "scripts:notice.saved", issues: saved.issues, version: saved.version } satisfies Outcome;
    }
    if (input.intent === "publish") {
      const done = await publish(tenant.id, script.id, languages, actor, definition);
      return { intent, ok: true, message: "scripts:notice.published", issues: done.issues, version: done.version } satisfies Outcome;
    }
    if (input.intent === "rollback") {
      const done = await rollback(tenant.id, script.id, input.version, actor);
      return { intent, ok: true, message: "scripts:notice.rolledBack", issues: [], version: done.version } satisfies Outcome;
    }
    return refuse(intent, "badRequest", 400);
  } catch (err) {
    if (!(err instanceof ScriptError)) throw err;
    if (err.key === "notFound") notFound();
    return refuse(intent, err.key, STATUS[err.key], err.issues);
  }
}

// ---------------------------------------------------------------------------------------------
// The page

export default function ScriptEditorPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("scripts");
  return (
    <div className="stack">
      <div className="page-header script-page-header">
        <div>
          <p className="muted script-back">
            <Link to={`/t/${data.slug}/scripts`}>{t("editor.back")}</Link>
          </p>
          <h2>{data.script.name}</h2>
          <p className="muted script-queue-line">
            {data.script.queue ? (
              <>
                {t("editor.queue")} <bdi>{data.script.queue.name}</bdi> <Ltr>{data.script.queue.key}</Ltr>
              </>
            ) : (
              t("editor.noQueue")
            )}
          </p>
        </div>
        <p className="script-status-line">
          {data.publishedVersion !== null ? (
            <span className="badge badge--ok">{t("editor.publishedVersion", { version: data.publishedVersion })}</span>
          ) : (
            <span className="badge">{t("notPublished")}</span>
          )}{" "}
          {data.draftVersion !== null ? <span className="badge">{t("editor.draftVersion", { version: data.draftVersion })}</span> : null}
        </p>
      </div>

      {actionData?.message ? (
        actionData.ok ? (
          <Notice>{t(actionData.message)}</Notice>
        ) : (
          <div className="alert alert--error" role="alert">
            <p>{t(actionData.message)}</p>
            {actionData.issues.length ? <IssueList issues={actionData.issues.filter((i) => i.severity === "error")} /> : null}
          </div>
        )
      ) : null}
      {!data.canManage ? <p className="muted">{t("editor.readOnly")}</p> : null}
      {data.canManage ? (
        <SettingsForm
          name={data.script.name}
          queueId={data.script.queue?.id ?? ""}
          queues={data.queues}
          lastResult={actionData?.intent === "settings" ? actionData.result : undefined}
        />
      ) : null}

      <Workbench
        key={data.stamp}
        initial={data.initial}
        languages={data.languages}
        placeholders={data.placeholders}
        canManage={data.canManage}
        storedIssues={actionData && actionData.intent !== "rollback" && actionData.intent !== "settings" && (actionData.ok || actionData.issues.length) ? actionData.issues : data.draftIssues}
        tenantName={data.tenantName}
        queueName={data.script.queue?.name ?? ""}
      />

      <HistoryTable entries={data.history} canManage={data.canManage} />
    </div>
  );
}

function SettingsForm({ name, queueId, queues, lastResult }: { name: string; queueId: string; queues: { id: string; key: string; name: string; taken: boolean }[]; lastResult: SubmissionResult<string[]> | undefined }) {
  const { t } = useTranslation("scripts");
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm({
    id: "script-settings",
    lastResult,
    defaultValue: { name, queueId },
    constraint: getZodConstraint(scriptSettingsSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: scriptSettingsSchema }),
  });
  const { key: _n, ...nameProps } = getInputProps(fields.name, { type: "text" });
  const { key: _q, ...queueProps } = getSelectProps(fields.queueId);
  return (
    <details className="card script-settings">
      <summary>{t("settings.title")}</summary>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="settings" />
        <FormErrors errors={form.errors} />
        <div className="form-row">
          <Field label={t("create.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
            <input {...nameProps} autoComplete="off" />
          </Field>
          <Field label={t("create.queue")} hint={t("create.queueHint")} htmlFor={fields.queueId.id} errors={fields.queueId.errors} errorId={fields.queueId.errorId}>
            <select {...queueProps}>
              <option value="">{t("create.noQueue")}</option>
              {queues.map((q) => (
                <option key={q.id} value={q.id} disabled={q.taken}>
                  {q.taken ? t("create.queueTaken", { name: q.name }) : q.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div>
          <button type="submit" className="button button--ghost" disabled={busy}>
            {t("settings.submit")}
          </button>
        </div>
      </Form>
    </details>
  );
}

/** The editor and its live preview side by side; keyed by version, so a save or rollback restarts it. */
function Workbench(props: {
  initial: ScriptDefinition;
  languages: Language[];
  placeholders: string[];
  canManage: boolean;
  storedIssues: ScriptIssue[] | null;
  tenantName: string;
  queueName: string;
}) {
  const { t } = useTranslation("scripts");
  const busy = useNavigation().state !== "idle";
  const [def, setDef] = useState<ScriptDefinition>(props.initial);
  const [changed, setChanged] = useState(false);
  // Editing needs the browser's state: until hydration the page is the server's read-only picture.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const issues = useMemo(() => validateScript(def, props.languages, { placeholders: props.placeholders }), [def, props.languages, props.placeholders]);
  const update = (next: ScriptDefinition) => {
    setDef(next);
    setChanged(true);
  };
  // Enter in a one-line field would submit the whole script; only the buttons submit here.
  const noImplicitSubmit = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === "Enter" && e.target instanceof HTMLInputElement) e.preventDefault();
  };

  return (
    <div className="script-workbench" data-hydrated={hydrated || undefined}>
      <Form method="post" className="script-editor" onKeyDown={noImplicitSubmit} aria-label={t("editor.label")}>
        <CsrfInput />
        <input type="hidden" name="definition" value={JSON.stringify(def)} />
        <fieldset disabled={!props.canManage} className="script-editor__fields">
          <legend className="visually-hidden">{t("editor.label")}</legend>
          <p className="field-hint script-placeholders">
            {t("editor.placeholdersHint")}{" "}
            {PLACEHOLDERS.map((p) => (
              <code key={p} dir="ltr" title={t(`placeholder.${p}`)}>{`{{${p}}}`}</code>
            ))}
            {props.placeholders.map((p) => (
              <code key={p} dir="ltr" title={t("campaigns:script.fieldPlaceholder")}>{`{{${p}}}`}</code>
            ))}
          </p>
          <LineSection section="opening" def={def} languages={props.languages} issues={issues} onChange={update} />
          <BodySection def={def} languages={props.languages} issues={issues} onChange={update} />
          <LineSection section="closing" def={def} languages={props.languages} issues={issues} onChange={update} />
        </fieldset>
        <LiveReport issues={issues} />
        {props.canManage ? (
          <div className="script-editor__actions">
            <button type="submit" name="intent" value="save" className="button button--ghost" disabled={busy}>
              {t("editor.save")}
            </button>
            <button
              type="submit"
              name="intent"
              value="publish"
              className="button"
              disabled={busy || hasErrors(issues)}
              onClick={(e) => {
                if (!window.confirm(t("editor.confirmPublish"))) e.preventDefault();
              }}
            >
              {t("editor.publish")}
            </button>
            {hasErrors(issues) ? <span className="muted">{t("editor.fixErrorsFirst")}</span> : null}
            {changed ? <span className="muted" role="status">{t("editor.unsaved")}</span> : null}
          </div>
        ) : null}
        {!changed ? <StoredReport issues={props.storedIssues} /> : null}
      </Form>
      <ScriptPreview def={def} languages={props.languages} tenantName={props.tenantName} queueName={props.queueName} />
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Editing

/** One text box per tenant language, side by side; `single` for short texts (option labels). */
function LocalizedFields({
  label,
  value,
  languages,
  onChange,
  rows = 2,
  idPrefix,
  single = false,
}: {
  label: string;
  value: LocalizedText | undefined;
  languages: Language[];
  onChange: (v: LocalizedText) => void;
  rows?: number;
  idPrefix: string;
  single?: boolean;
}) {
  const { t } = useTranslation("scripts");
  return (
    <fieldset className={`script-texts${single ? " script-texts--single" : ""}`}>
      <legend className={single ? "visually-hidden" : undefined}>{label}</legend>
      <div className="script-texts__grid">
        {languages.map((l) => {
          const common = {
            id: `${idPrefix}-${l}`,
            lang: l,
            dir: directionOf(l),
            maxLength: 2000,
            value: value?.[l] ?? "",
            onChange: (e: { target: { value: string } }) => onChange({ ...value, [l]: e.target.value }),
          };
          return (
            <div key={l} className="field">
              <label htmlFor={`${idPrefix}-${l}`}>{single ? t("editor.labelIn", { label, language: t(`languages.${l}`) }) : t(`languages.${l}`)}</label>
              {single ? <input {...common} autoComplete="off" /> : <textarea {...common} rows={rows} />}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

function MoveButtons({ index, count, label, onMove, onRemove }: { index: number; count: number; label: string; onMove: (to: number) => void; onRemove: () => void }) {
  const { t } = useTranslation("scripts");
  return (
    <div className="script-item__tools">
      <button type="button" className="button button--ghost button--small" disabled={index === 0} onClick={() => onMove(index - 1)} aria-label={t("editor.moveUp", { item: label })}>
        {t("editor.up")}
      </button>
      <button type="button" className="button button--ghost button--small" disabled={index === count - 1} onClick={() => onMove(index + 1)} aria-label={t("editor.moveDown", { item: label })}>
        {t("editor.down")}
      </button>
      <button type="button" className="button button--ghost button--small script-remove" onClick={onRemove} aria-label={t("editor.removeItem", { item: label })}>
        {t("editor.remove")}
      </button>
    </div>
  );
}

function LineSection({ section, def, languages, issues, onChange }: { section: "opening" | "closing"; def: ScriptDefinition; languages: Language[]; issues: ScriptIssue[]; onChange: (d: ScriptDefinition) => void }) {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  const lines = def[section];
  const wide = issues.filter((i) => i.section === section && i.line === null);
  return (
    <section className="script-section" id={`script-${section}`} aria-labelledby={`script-${section}-title`}>
      <h3 id={`script-${section}-title`}>{t(`sections.${section}`)}</h3>
      <p className="field-hint">{t(`sections.${section}Hint`)}</p>
      {wide.length ? <IssueList issues={wide} compact /> : null}
      <ol className="script-lines">
        {lines.map((line, i) => {
          const n = localizeDigits(String(i + 1), lang);
          const itemLabel = t("editor.lineN", { n });
          const mine = issues.filter((x) => x.section === section && x.line === i);
          return (
            <li key={i} id={`script-${section}-${i}`} className={`script-item script-line script-line--${line.kind}`}>
              <div className="script-item__head">
                <strong>{itemLabel}</strong>
                <div className="field script-line__kind">
                  <label htmlFor={`script-${section}-${i}-kind`} className="visually-hidden">
                    {t("editor.lineKind", { n })}
                  </label>
                  <select id={`script-${section}-${i}-kind`} value={line.kind} onChange={(e) => onChange(updateLine(def, section, i, { ...line, kind: e.target.value as ScriptLine["kind"] }))}>
                    {LINE_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {t(`lineKind.${k}`)}
                      </option>
                    ))}
                  </select>
                </div>
                <MoveButtons index={i} count={lines.length} label={itemLabel} onMove={(to) => onChange(moveLine(def, section, i, to))} onRemove={() => onChange(removeLine(def, section, i))} />
              </div>
              <LocalizedFields
                label={t(line.kind === "say" ? "editor.sayText" : "editor.doText")}
                value={line.text}
                languages={languages}
                idPrefix={`script-${section}-${i}-text`}
                onChange={(text) => onChange(updateLine(def, section, i, { ...line, text }))}
              />
              {mine.length ? <IssueList issues={mine} compact /> : null}
            </li>
          );
        })}
      </ol>
      <button type="button" className="button button--ghost button--small" onClick={() => onChange(addLine(def, section))}>
        {t("editor.addLine", { section: t(`sections.${section}`) })}
      </button>
    </section>
  );
}

function BodySection({ def, languages, issues, onChange }: { def: ScriptDefinition; languages: Language[]; issues: ScriptIssue[]; onChange: (d: ScriptDefinition) => void }) {
  const { t } = useTranslation("scripts");
  const wide = issues.filter((i) => i.section === "body" && i.stepId === null);
  return (
    <section className="script-section" id="script-body" aria-labelledby="script-body-title">
      <h3 id="script-body-title">{t("sections.body")}</h3>
      <p className="field-hint">{t("sections.bodyHint")}</p>
      {wide.length ? <IssueList issues={wide} compact /> : null}
      <ol className="script-steps">
        {def.body.map((step, i) => (
          <StepEditor
            // The id is renamed on blur, not per keystroke, so it is a stable key (a duplicate gets its index).
            key={def.body.findIndex((s) => s.id === step.id) === i ? step.id : `${step.id}#${i}`}
            def={def}
            index={i}
            languages={languages}
            issues={issues.filter((x) => x.section === "body" && x.stepId === step.id)}
            onChange={onChange}
          />
        ))}
      </ol>
      <button type="button" className="button button--ghost button--small" onClick={() => onChange(addStep(def).def)}>
        {t("editor.addStep")}
      </button>
    </section>
  );
}

function TargetSelect({ id, label, value, def, self, onChange, fallThroughLabel }: { id: string; label: string; value: string | undefined; def: ScriptDefinition; self: string; onChange: (v: string | undefined) => void; fallThroughLabel?: string }) {
  const { t } = useTranslation("scripts");
  const known = value === undefined || value === CLOSING || def.body.some((s) => s.id === value);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} dir="auto" value={value ?? ""} onChange={(e) => onChange(e.target.value === "" ? undefined : e.target.value)}>
        {fallThroughLabel !== undefined ? <option value="">{fallThroughLabel}</option> : null}
        {!known && value !== undefined ? <option value={value}>{t("editor.unknownTarget", { id: value })}</option> : null}
        {def.body
          .filter((s) => s.id !== self)
          .map((s) => (
            <option key={s.id} value={s.id}>
              {t("editor.toStep", { id: s.id })}
            </option>
          ))}
        <option value={CLOSING}>{t("editor.toClosing")}</option>
      </select>
    </div>
  );
}

function StepEditor({ def, index, languages, issues, onChange }: { def: ScriptDefinition; index: number; languages: Language[]; issues: ScriptIssue[]; onChange: (d: ScriptDefinition) => void }) {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  const uid = useId();
  const step = def.body[index]!;
  const [idDraft, setIdDraft] = useState<string | null>(null);
  const [idError, setIdError] = useState<string | null>(null);
  const set = (next: ScriptStep) => onChange(updateStep(def, step.id, next));
  const n = localizeDigits(String(index + 1), lang);
  const itemLabel = t("editor.stepN", { n, id: step.id });
  const commitId = () => {
    if (idDraft === null) return;
    const res = renameStep(def, step.id, idDraft);
    if ("error" in res) {
      setIdError(res.error === "taken" ? "scripts:errors.idTaken" : "validation:slug");
      return;
    }
    setIdDraft(null);
    setIdError(null);
    onChange(res.def);
  };
  const next = fallThrough({ body: def.body.map((s, i) => (i === index ? { ...s, next: undefined } : s)) }, index);
  const q = step.question;

  return (
    <li id={`script-step-${step.id}`} className="script-item script-step">
      <div className="script-item__head">
        <strong>{itemLabel}</strong>
        <MoveButtons index={index} count={def.body.length} label={itemLabel} onMove={(to) => onChange(moveStep(def, index, to))} onRemove={() => onChange(removeStep(def, step.id))} />
      </div>
      <div className="form-row">
        <Field label={t("editor.stepId")} hint={t("editor.stepIdHint")} htmlFor={`${uid}-id`} errors={idError ? [idError] : null} errorId={`${uid}-id-error`}>
          <input
            id={`${uid}-id`}
            dir="ltr"
            autoComplete="off"
            value={idDraft ?? step.id}
            aria-invalid={idError ? true : undefined}
            aria-describedby={idError ? `${uid}-id-error` : undefined}
            onChange={(e) => setIdDraft(e.target.value)}
            onBlur={commitId}
            onKeyDown={(e) => {
              if (e.key === "Enter") commitId();
            }}
          />
        </Field>
        <div className="field">
          <label htmlFor={`${uid}-kind`}>{t("editor.question")}</label>
          <select id={`${uid}-kind`} value={q?.kind ?? ""} onChange={(e) => set(setQuestionKind(step, (e.target.value || null) as QuestionKind | null))}>
            <option value="">{t("questionKind.none")}</option>
            {QUESTION_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`questionKind.${k}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <LocalizedFields label={t("editor.prompt")} value={step.prompt} languages={languages} idPrefix={`${uid}-prompt`} onChange={(prompt) => set({ ...step, prompt })} />
      <details className="script-hint" open={step.hint !== undefined && Object.values(step.hint).some((v) => v?.trim())}>
        <summary>{t("editor.hint")}</summary>
        <LocalizedFields label={t("editor.hintLabel")} value={step.hint} languages={languages} idPrefix={`${uid}-hint`} rows={1} onChange={(hint) => set({ ...step, hint })} />
      </details>

      {q?.kind === "choice" ? (
        <fieldset className="script-options">
          <legend>{t("editor.options")}</legend>
          <ol>
            {q.options.map((o, oi) => (
              <li key={oi} className="script-option">
                <div className="field script-option__value">
                  <label htmlFor={`${uid}-opt-${oi}`}>{t("editor.optionValueN", { n: localizeDigits(String(oi + 1), lang) })}</label>
                  <input
                    id={`${uid}-opt-${oi}`}
                    dir="ltr"
                    autoComplete="off"
                    value={o.value}
                    onChange={(e) => {
                      const value = e.target.value.trim().toLowerCase();
                      // Branches follow the option they named, so renaming an option keeps its wiring.
                      set({
                        ...step,
                        question: { ...q, options: q.options.map((x, xi) => (xi === oi ? { ...x, value } : x)) },
                        branches: step.branches.map((b) => (b.answer === o.value ? { ...b, answer: value } : b)),
                      });
                    }}
                  />
                </div>
                <LocalizedFields
                  label={t("editor.optionN", { n: localizeDigits(String(oi + 1), lang) })}
                  value={o.label}
                  languages={languages}
                  idPrefix={`${uid}-opt-${oi}-label`}
                  single
                  onChange={(label) => set({ ...step, question: { ...q, options: q.options.map((x, xi) => (xi === oi ? { ...x, label } : x)) } })}
                />
                <button
                  type="button"
                  className="button button--ghost button--small script-remove"
                  aria-label={t("editor.removeItem", { item: t("editor.optionN", { n: localizeDigits(String(oi + 1), lang) }) })}
                  onClick={() =>
                    set({
                      ...step,
                      question: { ...q, options: q.options.filter((_, xi) => xi !== oi) },
                      branches: step.branches.filter((b) => b.answer !== o.value),
                    })
                  }
                >
                  {t("editor.remove")}
                </button>
              </li>
            ))}
          </ol>
          <button type="button" className="button button--ghost button--small" onClick={() => set({ ...step, question: { ...q, options: [...q.options, { value: freshOptionValue(step), label: {} }] } })}>
            {t("editor.addOption")}
          </button>
        </fieldset>
      ) : null}

      {q?.kind === "number" ? (
        <div className="form-row">
          <NumberField id={`${uid}-min`} label={t("editor.min")} value={q.min} onChange={(min) => set({ ...step, question: { ...q, min } })} />
          <NumberField id={`${uid}-max`} label={t("editor.max")} value={q.max} onChange={(max) => set({ ...step, question: { ...q, max } })} />
        </div>
      ) : null}

      {q && q.kind !== "text" ? (
        <fieldset className="script-branches">
          <legend>{t("editor.branches")}</legend>
          {step.branches.length === 0 ? <p className="muted">{t("editor.noBranches")}</p> : null}
          <ol>
            {step.branches.map((b, bi) => (
              <BranchRow
                key={bi}
                uid={`${uid}-b${bi}`}
                n={localizeDigits(String(bi + 1), lang)}
                step={step}
                branch={b}
                def={def}
                onChange={(nb) => set({ ...step, branches: step.branches.map((x, xi) => (xi === bi ? nb : x)) })}
                onRemove={() => set({ ...step, branches: step.branches.filter((_, xi) => xi !== bi) })}
              />
            ))}
          </ol>
          <button
            type="button"
            className="button button--ghost button--small"
            onClick={() => set({ ...step, branches: [...step.branches, q.kind === "number" ? { min: 0, next: CLOSING } : { answer: unusedAnswer(step), next: CLOSING }] })}
          >
            {t("editor.addBranch")}
          </button>
        </fieldset>
      ) : null}

      {coversEveryAnswer(step) && step.next === undefined ? (
        <p className="muted">{t("editor.everyAnswerBranches")}</p>
      ) : (
        <TargetSelect
          id={`${uid}-next`}
          label={q && q.kind !== "text" ? t("editor.nextOtherwise") : t("editor.next")}
          value={step.next}
          def={def}
          self={step.id}
          fallThroughLabel={next === CLOSING ? t("editor.fallThroughClosing") : t("editor.fallThrough", { id: next })}
          onChange={(v) => set({ ...step, next: v })}
        />
      )}
      {issues.length ? <IssueList issues={issues} compact /> : null}
    </li>
  );
}

function unusedAnswer(step: ScriptStep): string {
  const used = new Set(step.branches.map((b) => b.answer));
  const values = step.question?.kind === "yesNo" ? ["yes", "no"] : step.question?.kind === "choice" ? step.question.options.map((o) => o.value) : [];
  return values.find((v) => !used.has(v)) ?? values[0] ?? "";
}

function BranchRow({ uid, n, step, branch, def, onChange, onRemove }: { uid: string; n: string; step: ScriptStep; branch: Branch; def: ScriptDefinition; onChange: (b: Branch) => void; onRemove: () => void }) {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  const q = step.question;
  const itemLabel = t("editor.branchN", { n });
  return (
    <li className="script-branch">
      <div className="form-row">
        {q?.kind === "number" ? (
          <>
            <NumberField id={`${uid}-min`} label={t("editor.branchMin")} value={branch.min} onChange={(min) => onChange({ ...branch, min })} />
            <NumberField id={`${uid}-max`} label={t("editor.branchMax")} value={branch.max} onChange={(max) => onChange({ ...branch, max })} />
          </>
        ) : (
          <div className="field">
            <label htmlFor={`${uid}-answer`}>{t("editor.whenAnswer", { n })}</label>
            <select id={`${uid}-answer`} value={branch.answer ?? ""} onChange={(e) => onChange({ ...branch, answer: e.target.value })}>
              {branch.answer === undefined || branch.answer === "" ? <option value="">{t("editor.chooseAnswer")}</option> : null}
              {q?.kind === "yesNo" ? (
                <>
                  <option value="yes">{t("answer.yes")}</option>
                  <option value="no">{t("answer.no")}</option>
                </>
              ) : null}
              {q?.kind === "choice"
                ? q.options.map((o, oi) => (
                    <option key={oi} value={o.value}>
                      {pickText(o.label, lang)?.text ?? o.value}
                    </option>
                  ))
                : null}
            </select>
          </div>
        )}
        <TargetSelect id={`${uid}-next`} label={t("editor.goTo")} value={branch.next} def={def} self={step.id} onChange={(v) => onChange({ ...branch, next: v ?? CLOSING })} />
        <button type="button" className="button button--ghost button--small script-remove script-branch__remove" onClick={onRemove} aria-label={t("editor.removeItem", { item: itemLabel })}>
          {t("editor.remove")}
        </button>
      </div>
    </li>
  );
}

/** A number typed freely (Persian digits too); the script gets it once it reads as a number. */
function NumberField({ id, label, value, onChange }: { id: string; label: string; value: number | undefined; onChange: (v: number | undefined) => void }) {
  const { t } = useTranslation("scripts");
  const [raw, setRaw] = useState(value === undefined ? "" : String(value));
  const bad = raw.trim() !== "" && parseNumber(raw) === null;
  // The value may change from outside (a branch above removed): show it unless the user is mid-typing.
  const shown = bad || (parseNumber(raw) ?? undefined) === value ? raw : value === undefined ? "" : String(value);
  return (
    <Field label={label} htmlFor={id} errors={bad ? ["scripts:preview.answerError.notANumber"] : null} errorId={`${id}-error`}>
      <input
        id={id}
        dir="ltr"
        inputMode="decimal"
        autoComplete="off"
        value={shown}
        placeholder={t("editor.any")}
        aria-invalid={bad || undefined}
        onChange={(e) => {
          setRaw(e.target.value);
          const n = parseNumber(e.target.value);
          if (e.target.value.trim() === "") onChange(undefined);
          else if (n !== null) onChange(n);
        }}
      />
    </Field>
  );
}

// ---------------------------------------------------------------------------------------------
// Validator report

function useIssueText() {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  const n = (v: number) => localizeDigits(String(v), lang);
  const fieldLabel = (field: string): string => {
    let m = /^question\.options\.(\d+)\.label$/.exec(field);
    if (m) return t("field.option", { n: n(Number(m[1]) + 1) });
    m = /^branches\.(\d+)(?:\.next)?$/.exec(field);
    if (m) return t("field.branch", { n: n(Number(m[1]) + 1) });
    if (["text", "prompt", "hint", "next", "id", "question"].includes(field)) return t(`field.${field}`);
    return field;
  };
  const where = (issue: ScriptIssue): { label: string; anchor: string } => {
    if (issue.section === "body" && issue.stepId !== null) return { label: t("report.step", { id: issue.stepId }), anchor: `script-step-${issue.stepId}` };
    if ((issue.section === "opening" || issue.section === "closing") && issue.line !== null)
      return { label: t("report.line", { section: t(`sections.${issue.section}`), n: n(issue.line + 1) }), anchor: `script-${issue.section}-${issue.line}` };
    if (issue.section) return { label: t(`sections.${issue.section}`), anchor: `script-${issue.section}` };
    return { label: t("report.script"), anchor: "script-opening" };
  };
  const message = (issue: ScriptIssue): string => {
    const params: Record<string, string | number> = { ...issue.params };
    if (typeof params.field === "string") params.field = fieldLabel(params.field);
    if (typeof params.language === "string") params.language = t(`languages.${params.language}`, { defaultValue: params.language });
    if (typeof params.reason === "string") params.reason = translateError(t, params.reason);
    if (typeof params.count === "number") params.count = n(params.count);
    if (issue.code === "unknownPlaceholder") params.name = `{{${params.name}}}`;
    return t(`issue.${issue.code}`, params);
  };
  return { where, message };
}

function IssueList({ issues, compact = false }: { issues: ScriptIssue[]; compact?: boolean }) {
  const { t } = useTranslation("scripts");
  const { where, message } = useIssueText();
  return (
    <ul className={`script-issues${compact ? " script-issues--compact" : ""}`}>
      {issues.map((issue, i) => {
        const at = where(issue);
        return (
          <li key={i} className={`script-issue script-issue--${issue.severity}`}>
            <span className={`badge script-severity--${issue.severity}`}>{t(`severity.${issue.severity}`)}</span>{" "}
            {compact ? null : (
              <>
                <a href={`#${at.anchor}`}>{at.label}</a>
                {": "}
              </>
            )}
            {message(issue)}
          </li>
        );
      })}
    </ul>
  );
}

function ReportBody({ issues }: { issues: ScriptIssue[] }) {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  const errors = issues.filter((i) => i.severity === "error").length;
  return (
    <>
      <p className="muted" role="status" aria-live="polite">
        {issues.length
          ? t("report.counts", { errors: localizeDigits(String(errors), lang), warnings: localizeDigits(String(issues.length - errors), lang) })
          : t("report.ok")}
      </p>
      {issues.length ? <IssueList issues={issues} /> : null}
    </>
  );
}

function LiveReport({ issues }: { issues: ScriptIssue[] }) {
  const { t } = useTranslation("scripts");
  return (
    <section className="script-report" aria-labelledby="script-report-title" data-testid="script-report">
      <h3 id="script-report-title">{t("report.title")}</h3>
      <ReportBody issues={issues} />
    </section>
  );
}

/** What the server said about the stored draft (or the last save), until the editor changes it. */
function StoredReport({ issues }: { issues: ScriptIssue[] | null }) {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  if (issues === null) return null;
  const count = (severity: ScriptIssue["severity"]) => localizeDigits(String(issues.filter((i) => i.severity === severity).length), lang);
  return (
    <p className="muted script-stored-report" data-testid="script-stored-report">
      {issues.length ? t("report.storedCounts", { errors: count("error"), warnings: count("warning") }) : t("report.storedOk")}
    </p>
  );
}

// ---------------------------------------------------------------------------------------------
// Preview: the agent's view, driven by the same runner as the agent desktop

function Said({ text, kind = "say" }: { text: RenderedText; kind?: "say" | "do" }) {
  const { t } = useTranslation("scripts");
  return (
    <p className={`script-said script-said--${kind}`} lang={text.language} dir={directionOf(text.language)}>
      {text.segments.map((s, i) =>
        s.kind === "text" ? (
          <span key={i}>{s.text}</span>
        ) : s.value !== null ? (
          <mark key={i} className="script-value">
            <bdi>{s.value}</bdi>
          </mark>
        ) : (
          <mark key={i} className="script-value script-value--missing">
            <bdi dir="ltr">{`{{${s.name}}}`}</bdi>
          </mark>
        ),
      )}
      {text.fallback ? <span className="badge script-fallback">{t("preview.fallback", { language: t(`languages.${text.language}`) })}</span> : null}
    </p>
  );
}

function Lines({ lines }: { lines: { kind: "say" | "do"; text: RenderedText }[] }) {
  const { t } = useTranslation("scripts");
  return (
    <ul className="script-run__lines">
      {lines.map((l, i) => (
        <li key={i}>
          <span className="script-run__kind">{t(`lineKind.${l.kind}`)}</span>
          <Said text={l.text} kind={l.kind} />
        </li>
      ))}
    </ul>
  );
}

function ScriptPreview({ def, languages, tenantName, queueName }: { def: ScriptDefinition; languages: Language[]; tenantName: string; queueName: string }) {
  const { t } = useTranslation("scripts");
  const uid = useId();
  const [language, setLanguage] = useState<Language>(languages[0] ?? "fa");
  const [values, setValues] = useState<PlaceholderValues>(() => ({
    customerName: t("preview.sample.customerName"),
    customerPhone: "+98 912 000 0000",
    agentName: t("preview.sample.agentName"),
    tenantName,
    queueName,
  }));
  const [answers, setAnswers] = useState<Answer[]>([]);
  const run = useMemo(() => runScript(def, answers), [def, answers]);
  // An edit can make later answers stale: the run stops there and the rest is dropped on the next answer.
  const kept = answers.slice(0, run.path.length);
  const opts = { language, fallbacks: languages, values };
  const answerLabel = (step: ScriptStep, answer: string | null) => {
    if (answer === null) return null;
    if (step.question?.kind === "yesNo") return t(`answer.${answer}`);
    if (step.question?.kind === "choice") return pickText(step.question.options.find((o) => o.value === answer)?.label, language, languages)?.text ?? answer;
    return answer;
  };

  return (
    <aside className="script-preview" aria-labelledby={`${uid}-title`} data-testid="script-preview">
      <h3 id={`${uid}-title`}>{t("preview.title")}</h3>
      <p className="field-hint">{t("preview.hint")}</p>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${uid}-lang`}>{t("preview.language")}</label>
          <select id={`${uid}-lang`} value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            {languages.map((l) => (
              <option key={l} value={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <details className="script-preview__values">
        <summary>{t("preview.values")}</summary>
        {PLACEHOLDERS.map((p) => (
          <div key={p} className="field">
            <label htmlFor={`${uid}-${p}`}>
              {t(`placeholder.${p}`)} <Ltr>{`{{${p}}}`}</Ltr>
            </label>
            <input id={`${uid}-${p}`} dir="auto" value={values[p] ?? ""} onChange={(e) => setValues({ ...values, [p]: e.target.value })} />
          </div>
        ))}
      </details>

      <ol className="script-run" aria-live="polite">
        <li className="script-run__part">
          <h4>{t("sections.opening")}</h4>
          <Lines lines={renderLines(def.opening, opts)} />
        </li>
        {run.path.map((p, i) => {
          const text = renderText(p.step.prompt, opts);
          const given = answerLabel(p.step, p.answer);
          return (
            <li key={i} className="script-run__step script-run__step--done">
              <span className="script-run__id" dir="ltr">
                {p.step.id}
              </span>
              {text ? <Said text={text} /> : null}
              {given !== null ? <p className="script-run__answer">{t("preview.answered", { answer: given })}</p> : null}
            </li>
          );
        })}
        {run.current ? (
          <li className="script-run__step script-run__step--current" data-testid="preview-current">
            <span className="script-run__id" dir="ltr">
              {run.current.id}
            </span>
            <CurrentStep key={`${run.current.id}-${run.path.length}`} step={run.current} opts={opts} onAnswer={(value) => setAnswers([...kept, { stepId: run.current!.id, value }])} />
          </li>
        ) : (
          <li className="script-run__part" data-testid="preview-closing">
            <h4>{t("sections.closing")}</h4>
            <Lines lines={renderLines(def.closing, opts)} />
            <p className="muted">{t("preview.done")}</p>
          </li>
        )}
      </ol>
      <div className="script-preview__tools">
        <button type="button" className="button button--ghost button--small" disabled={kept.length === 0} onClick={() => setAnswers(kept.slice(0, -1))}>
          {t("preview.back")}
        </button>
        <button type="button" className="button button--ghost button--small" disabled={kept.length === 0} onClick={() => setAnswers([])}>
          {t("preview.restart")}
        </button>
      </div>
    </aside>
  );
}

function CurrentStep({ step, opts, onAnswer }: { step: ScriptStep; opts: { language: Language; fallbacks: Language[]; values: PlaceholderValues }; onAnswer: (value: string) => void }) {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  const uid = useId();
  const [raw, setRaw] = useState("");
  const [error, setError] = useState<{ error: AnswerError; params?: Record<string, number> } | null>(null);
  const prompt = renderText(step.prompt, opts);
  const hint = renderText(step.hint, opts);
  const q = step.question;
  const submit = () => {
    const checked = checkAnswer(step, raw);
    if (checked.ok) onAnswer(checked.value);
    else setError({ error: checked.error, params: checked.params });
  };
  let controls: ReactNode;
  if (!q) {
    controls = (
      <button type="button" className="button button--small" onClick={() => onAnswer("")}>
        {t("preview.next")}
      </button>
    );
  } else if (q.kind === "yesNo" || q.kind === "choice") {
    const choices = q.kind === "yesNo" ? (["yes", "no"] as const).map((v) => ({ value: v, label: t(`answer.${v}`) })) : q.options.map((o) => ({ value: o.value, label: pickText(o.label, opts.language, opts.fallbacks)?.text ?? o.value }));
    controls = (
      <div className="script-run__choices" role="group" aria-label={t("preview.answerLabel")}>
        {choices.map((c) => (
          <button key={c.value} type="button" className="button button--ghost button--small" onClick={() => onAnswer(c.value)}>
            {c.label}
          </button>
        ))}
      </div>
    );
  } else {
    const params = error?.params ? Object.fromEntries(Object.entries(error.params).map(([k, v]) => [k, localizeDigits(String(v), lang)])) : undefined;
    controls = (
      <div className="script-run__input">
        <div className="field">
          <label htmlFor={`${uid}-answer`}>{t("preview.answerLabel")}</label>
          <input
            id={`${uid}-answer`}
            dir={q.kind === "number" ? "ltr" : "auto"}
            inputMode={q.kind === "number" ? "decimal" : undefined}
            value={raw}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${uid}-error` : undefined}
            onChange={(e) => {
              setRaw(e.target.value);
              setError(null);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                submit();
              }
            }}
          />
          {error ? (
            <p id={`${uid}-error`} className="field-errors" role="alert">
              {t(`preview.answerError.${error.error}`, params)}
            </p>
          ) : null}
        </div>
        <button type="button" className="button button--small" onClick={submit}>
          {t("preview.answer")}
        </button>
      </div>
    );
  }
  return (
    <>
      {prompt ? <Said text={prompt} /> : <p className="muted">{t("preview.emptyPrompt")}</p>}
      {hint ? (
        <div className="script-run__hint">
          <span className="script-run__kind">{t("lineKind.do")}</span>
          <Said text={hint} kind="do" />
        </div>
      ) : null}
      {controls}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// History

type HistoryRow = ReturnType<typeof useLoaderData<typeof loader>>["history"][number];

function HistoryTable({ entries, canManage }: { entries: HistoryRow[]; canManage: boolean }) {
  const { t } = useTranslation("scripts");
  const lang = useLang();
  const busy = useNavigation().state !== "idle";
  return (
    <section className="card" aria-labelledby="script-history-title">
      <h3 id="script-history-title">{t("history.title")}</h3>
      {entries.length === 0 ? (
        <p className="muted">{t("history.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t("history.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("history.version")}</th>
                <th scope="col">{t("history.status")}</th>
                <th scope="col">{t("history.author")}</th>
                <th scope="col">{t("history.date")}</th>
                <th scope="col">{t("history.changes")}</th>
                {canManage ? <th scope="col">{t("history.actions")}</th> : null}
              </tr>
            </thead>
            <tbody>
              {entries.map((h) => (
                <tr key={h.version} data-testid="script-version-row">
                  <td>{h.versionLabel}</td>
                  <td>
                    <span className={`badge${h.status === "published" ? " badge--ok" : ""}`}>{t(`status.${h.status}`)}</span>
                    {h.errorCount > 0 ? <span className="badge badge--off script-history__errors">{t("history.errors", { n: localizeDigits(String(h.errorCount), lang) })}</span> : null}
                  </td>
                  <td>{h.author ?? <span className="muted">{t("history.unknownAuthor")}</span>}</td>
                  <td>
                    <time dateTime={h.dateIso}>{h.date}</time>
                  </td>
                  <td>
                    <DiffList row={h} />
                  </td>
                  {canManage ? (
                    <td>
                      {h.status === "archived" ? (
                        <Form
                          method="post"
                          className="inline-form"
                          onSubmit={(e) => {
                            if (!window.confirm(t("history.confirmRollback", { version: h.versionLabel }))) e.preventDefault();
                          }}
                        >
                          <CsrfInput />
                          <input type="hidden" name="intent" value="rollback" />
                          <input type="hidden" name="version" value={h.version} />
                          <button type="submit" className="button button--ghost button--small" disabled={busy}>
                            {t("history.rollback", { version: h.versionLabel })}
                          </button>
                        </Form>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const DIFF_KINDS = ["added", "removed", "changed", "moved"] as const;

function DiffList({ row }: { row: HistoryRow }) {
  const { t } = useTranslation("scripts");
  const d = row.diff;
  if (d === null) return <>{t("history.first")}</>;
  const empty = DIFF_KINDS.every((k) => d[k].length === 0) && !d.openingChanged && !d.closingChanged;
  return (
    <ul className="script-diff">
      {row.sameAs !== null ? <li>{t("history.sameAs", { version: row.sameAs })}</li> : null}
      {DIFF_KINDS.map((kind) =>
        d[kind].length ? (
          <li key={kind}>
            {t(`history.${kind}`)}{" "}
            {d[kind].map((id, i) => (
              <span key={id}>
                {i > 0 ? " " : null}
                <code dir="ltr">{id}</code>
              </span>
            ))}
          </li>
        ) : null,
      )}
      {d.openingChanged ? <li>{t("history.openingChanged")}</li> : null}
      {d.closingChanged ? <li>{t("history.closingChanged")}</li> : null}
      {empty && row.sameAs === null ? <li className="muted">{t("history.noChanges")}</li> : null}
    </ul>
  );
}
