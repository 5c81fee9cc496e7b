import { createContext, useContext, useId, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { LANGUAGES, type Language } from "~/modules/i18n/config";
import { NODE_ID_RE, nodeSchema } from "~/modules/ivr/model";
import type { Issue } from "~/modules/ivr/validator";
import { ErrorList, Field } from "../forms";
import { CheckboxField, errorsAt, fieldErrors, NumberField, PromptEditor, TargetSelect, TextField, type FieldErrors, type PromptInput } from "./fields";
import type { NodeInput } from "./graph";
import { IssueMessage } from "./report";

type Props = {
  node: NodeInput;
  isStart: boolean;
  nodeIds: string[];
  languages: Language[];
  queueIds: string[];
  issues: Issue[];
  onChange: (node: NodeInput) => void;
  onRename: (to: string) => void;
  onSetStart: () => void;
  onDelete: () => void;
};

/** The side-panel form of one step: every field of its kind, zod errors inline, validator issues on top. */
export function NodeForm({ node, isStart, nodeIds, languages, queueIds, issues, onChange, onRename, onSetStart, onDelete }: Props) {
  const { t } = useTranslation("ivr");
  const parsed = nodeSchema.safeParse(node);
  const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error.issues);
  return (
    <div className="ivr-form">
      <p className="ivr-form__kind">
        <span className={`ivr-kind ivr-kind--${node.type}`}>{t(`builder.kind.${node.type}`)}</span>{" "}
        {isStart ? <span className="badge badge--ok">{t("builder.panel.isStart")}</span> : null}
      </p>
      {issues.length ? (
        <div className="ivr-form__issues" role="status">
          <h4>{t("builder.panel.nodeIssues")}</h4>
          <ul>
            {issues.map((issue, i) => (
              <li key={i} className={`ivr-issue ivr-issue--${issue.severity}`}>
                <IssueMessage issue={issue} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <IdField id={node.id} nodeIds={nodeIds} onRename={onRename} errors={errorsAt(errors, "id")} />
      <KindFields node={node} nodeIds={nodeIds} languages={languages} queueIds={queueIds} errors={errors} onChange={onChange} />
      <div className="ivr-form__actions">
        {!isStart ? (
          <button type="button" className="button button--ghost button--small" onClick={onSetStart}>
            {t("builder.panel.setStart")}
          </button>
        ) : null}
        <button type="button" className="button button--danger button--small" onClick={onDelete}>
          {t("builder.panel.delete")}
        </button>
      </div>
    </div>
  );
}

/** The id is renamed everywhere at once, but only to a free, valid slug; anything else stays a draft with its error. */
function IdField({ id, nodeIds, onRename, errors }: { id: string; nodeIds: string[]; onRename: (to: string) => void; errors: string[] }) {
  const { t } = useTranslation("ivr");
  const inputId = useId();
  const [draft, setDraft] = useState<{ for: string; value: string } | null>(null);
  const value = draft?.for === id ? draft.value : id;
  const own = draft?.for === id && draft.value !== id ? localIdError(draft.value, nodeIds) : null;
  return (
    <Field label={t("builder.field.id")} htmlFor={inputId} hint={t("builder.field.idHint")} errors={own ? [own] : errors}>
      <input
        id={inputId}
        dir="ltr"
        autoComplete="off"
        spellCheck={false}
        value={value}
        onChange={(e) => {
          const next = e.target.value.trim();
          if (next !== id && localIdError(next, nodeIds) === null) {
            setDraft(null);
            onRename(next);
          } else setDraft({ for: id, value: e.target.value });
        }}
      />
    </Field>
  );
}

function localIdError(value: string, nodeIds: string[]) {
  if (!NODE_ID_RE.test(value.trim())) return "validation:slug";
  if (nodeIds.includes(value.trim())) return "ivr:builder.field.idTaken";
  return null;
}

type KindProps = {
  node: NodeInput;
  nodeIds: string[];
  languages: Language[];
  queueIds: string[];
  errors: FieldErrors;
  onChange: (node: NodeInput) => void;
};

function KindFields({ node, nodeIds, languages, queueIds, errors, onChange }: KindProps) {
  const { t } = useTranslation("ivr");
  const patch = (p: Record<string, unknown>) => {
    const next = { ...node, ...p } as Record<string, unknown>;
    for (const [k, v] of Object.entries(p)) if (v === undefined) delete next[k];
    onChange(next as NodeInput);
  };
  const prompt = (field: string, value: PromptInput | undefined, optional: boolean) => (
    <PromptEditor
      label={t(`builder.field.${field}`)}
      value={value}
      optional={optional}
      languages={languages}
      errors={errorsAt(errors, field, true)}
      onChange={(p) => patch({ [field]: p })}
    />
  );
  const target = (field: string, value: string | undefined) => (
    <TargetSelect label={t(`builder.field.${field}`)} value={value} nodeIds={nodeIds} errors={errorsAt(errors, field)} onChange={(v) => patch({ [field]: v })} />
  );
  const number = (field: string, value: number | undefined) => (
    <NumberField label={t(`builder.field.${field}`)} value={value} errors={errorsAt(errors, field)} onChange={(v) => patch({ [field]: v })} />
  );
  const retries = (n: { timeoutSeconds?: number; maxRetries?: number }) => (
    <div className="form-row">
      {number("timeoutSeconds", n.timeoutSeconds)}
      {number("maxRetries", n.maxRetries)}
    </div>
  );

  switch (node.type) {
    case "play":
      return (
        <>
          {prompt("prompt", node.prompt, false)}
          {target("next", node.next)}
        </>
      );
    case "voicemail":
      return (
        <>
          {prompt("prompt", node.prompt, false)}
          {number("maxSeconds", node.maxSeconds)}
          {target("next", node.next)}
        </>
      );
    case "hangup":
      return prompt("message", node.message, true);
    case "transfer":
      return (
        <TextField
          label={t("builder.field.number")}
          type="tel"
          ltr
          hint={t("builder.field.numberHint")}
          value={node.number}
          errors={errorsAt(errors, "number")}
          onChange={(v) => patch({ number: v })}
        />
      );
    case "hours":
      return (
        <>
          {target("open", node.open)}
          {target("closed", node.closed)}
          {target("holiday", node.holiday)}
        </>
      );
    case "menu":
      return (
        <>
          {prompt("prompt", node.prompt, false)}
          <OptionsFieldset errors={errors} onAdd={() => patch({ options: [...node.options, { digit: freeDigit(node.options), next: "" }] })}>
            {node.options.map((o, i) => (
              <OptionRow key={i} index={i} digit={o.digit} errors={errors} onDigit={(d) => patch({ options: node.options.map((x, j) => (j === i ? { ...x, digit: d } : x)) })} onRemove={node.options.length > 1 ? () => patch({ options: node.options.filter((_, j) => j !== i) }) : undefined}>
                <TargetSelect
                  label={t("builder.field.optionNext")}
                  value={o.next}
                  nodeIds={nodeIds}
                  errors={errorsAt(errors, `options.${i}.next`)}
                  onChange={(v) => patch({ options: node.options.map((x, j) => (j === i ? { ...x, next: v ?? "" } : x)) })}
                />
              </OptionRow>
            ))}
          </OptionsFieldset>
          {retries(node)}
          {prompt("invalidPrompt", node.invalidPrompt, true)}
          {prompt("timeoutPrompt", node.timeoutPrompt, true)}
          {target("fallback", node.fallback)}
        </>
      );
    case "language":
      return (
        <>
          {prompt("prompt", node.prompt, false)}
          <OptionsFieldset errors={errors} onAdd={() => patch({ options: [...node.options, { digit: freeDigit(node.options), language: "fa" }] })}>
            {node.options.map((o, i) => (
              <OptionRow key={i} index={i} digit={o.digit} errors={errors} onDigit={(d) => patch({ options: node.options.map((x, j) => (j === i ? { ...x, digit: d } : x)) })} onRemove={node.options.length > 1 ? () => patch({ options: node.options.filter((_, j) => j !== i) }) : undefined}>
                <LanguageSelect value={o.language} onChange={(l) => patch({ options: node.options.map((x, j) => (j === i ? { ...x, language: l } : x)) })} />
              </OptionRow>
            ))}
          </OptionsFieldset>
          {retries(node)}
          {prompt("invalidPrompt", node.invalidPrompt, true)}
          {prompt("timeoutPrompt", node.timeoutPrompt, true)}
          {target("next", node.next)}
        </>
      );
    case "collect":
      return (
        <>
          {prompt("prompt", node.prompt, false)}
          <TextField label={t("builder.field.variable")} ltr value={node.variable} errors={errorsAt(errors, "variable")} onChange={(v) => patch({ variable: v })} />
          <div className="form-row">
            {number("minDigits", node.minDigits)}
            {number("maxDigits", node.maxDigits)}
          </div>
          <FinishKeySelect value={node.finishOnKey ?? "#"} onChange={(v) => patch({ finishOnKey: v })} />
          <TextField label={t("builder.field.pattern")} ltr value={node.pattern} errors={errorsAt(errors, "pattern")} onChange={(v) => patch({ pattern: v === "" ? undefined : v })} />
          {retries(node)}
          {prompt("invalidPrompt", node.invalidPrompt, true)}
          {prompt("timeoutPrompt", node.timeoutPrompt, true)}
          {target("next", node.next)}
          {target("fallback", node.fallback)}
        </>
      );
    case "queue": {
      const cb = node.callback;
      const setCb = (p: Record<string, unknown>) => {
        const next = { ...cb, ...p } as Record<string, unknown>;
        for (const [k, v] of Object.entries(p)) if (v === undefined) delete next[k];
        patch({ callback: next });
      };
      return (
        <>
          <QueueSelect value={node.queueId} queueIds={queueIds} errors={errorsAt(errors, "queueId")} onChange={(v) => patch({ queueId: v })} />
          {prompt("holdPrompt", node.holdPrompt, true)}
          <TextField label={t("builder.field.musicUrl")} type="url" ltr value={node.musicUrl} errors={errorsAt(errors, "musicUrl")} onChange={(v) => patch({ musicUrl: v.trim() === "" ? undefined : v })} />
          <CheckboxField label={t("builder.field.announcePosition")} checked={node.announcePosition ?? false} onChange={(v) => patch({ announcePosition: v })} />
          <CheckboxField label={t("builder.field.announceWait")} checked={node.announceWait ?? false} onChange={(v) => patch({ announceWait: v })} />
          {number("announceEverySeconds", node.announceEverySeconds)}
          <fieldset className="ivr-group">
            <legend>{t("builder.field.callback")}</legend>
            <CheckboxField
              label={t("builder.field.callback")}
              checked={cb !== undefined}
              onChange={(on) => patch({ callback: on ? { afterSeconds: 120, digit: "1" } : undefined })}
            />
            {cb ? (
              <>
                <div className="form-row">
                  <NumberField label={t("builder.field.callbackAfterSeconds")} value={cb.afterSeconds} errors={errorsAt(errors, "callback.afterSeconds")} onChange={(v) => setCb({ afterSeconds: v })} />
                  <NumberField label={t("builder.field.callbackWhenWait")} value={cb.whenWaitExceedsSeconds} errors={errorsAt(errors, "callback.whenWaitExceedsSeconds")} onChange={(v) => setCb({ whenWaitExceedsSeconds: v })} />
                </div>
                <TextField label={t("builder.field.callbackDigit")} ltr value={cb.digit} errors={errorsAt(errors, "callback.digit")} onChange={(v) => setCb({ digit: v })} />
                <PromptEditor label={t("builder.field.callbackPrompt")} value={cb.prompt} optional languages={languages} errors={errorsAt(errors, "callback.prompt", true)} onChange={(p) => setCb({ prompt: p })} />
                <PromptEditor
                  label={t("builder.field.callbackAcceptedPrompt")}
                  value={cb.acceptedPrompt}
                  optional
                  languages={languages}
                  errors={errorsAt(errors, "callback.acceptedPrompt", true)}
                  onChange={(p) => setCb({ acceptedPrompt: p })}
                />
              </>
            ) : null}
          </fieldset>
          <fieldset className="ivr-group">
            <legend>{t("builder.field.overflow")}</legend>
            <NumberField
              label={t("builder.field.overflowAfterSeconds")}
              value={node.overflow?.afterSeconds}
              errors={errorsAt(errors, "overflow.afterSeconds")}
              onChange={(v) => (v === undefined ? patch({ overflow: undefined }) : patch({ overflow: { next: node.overflow?.next ?? "", afterSeconds: v } }))}
            />
            <TargetSelect
              label={t("builder.field.overflowNext")}
              value={node.overflow?.next}
              nodeIds={nodeIds}
              errors={errorsAt(errors, "overflow.next")}
              onChange={(v) => (v === undefined ? patch({ overflow: undefined }) : patch({ overflow: { afterSeconds: node.overflow?.afterSeconds ?? 300, next: v } }))}
            />
          </fieldset>
        </>
      );
    }
  }
}

function freeDigit(options: { digit: string }[]) {
  const used = new Set(options.map((o) => o.digit));
  return "1234567890*#".split("").find((d) => !used.has(d)) ?? "";
}

function OptionsFieldset({ errors, onAdd, children }: { errors: FieldErrors; onAdd: () => void; children: ReactNode }) {
  const { t } = useTranslation("ivr");
  const own = errorsAt(errors, "options");
  return (
    <fieldset className={`ivr-group${own.length ? " field--invalid" : ""}`}>
      <legend>{t("builder.field.options")}</legend>
      <ol className="ivr-options">{children}</ol>
      <ErrorList errors={own} />
      <button type="button" className="button button--ghost button--small" onClick={onAdd}>
        {t("builder.field.addOption")}
      </button>
    </fieldset>
  );
}

function OptionRow({
  index,
  digit,
  errors,
  onDigit,
  onRemove,
  children,
}: {
  index: number;
  digit: string;
  errors: FieldErrors;
  onDigit: (digit: string) => void;
  onRemove?: () => void;
  children: ReactNode;
}) {
  const { t } = useTranslation("ivr");
  const id = useId();
  return (
    <li className="ivr-option" aria-label={t("builder.field.option", { n: index + 1 })}>
      <Field label={t("builder.field.digit")} htmlFor={id} errors={errorsAt(errors, `options.${index}.digit`)}>
        <input id={id} className="ivr-option__digit" dir="ltr" maxLength={2} value={digit} onChange={(e) => onDigit(e.target.value)} />
      </Field>
      {children}
      {onRemove ? (
        <button type="button" className="button button--ghost button--small ivr-option__remove" onClick={onRemove} aria-label={t("builder.field.removeOption", { n: index + 1 })}>
          ×
        </button>
      ) : null}
    </li>
  );
}

function LanguageSelect({ value, onChange }: { value: Language; onChange: (l: Language) => void }) {
  const { t } = useTranslation("ivr");
  const id = useId();
  return (
    <Field label={t("builder.field.optionLanguage")} htmlFor={id}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l}>
            {t(`builder.language.${l}`)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function FinishKeySelect({ value, onChange }: { value: "#" | "*" | ""; onChange: (v: "#" | "*" | "") => void }) {
  const { t } = useTranslation("ivr");
  const id = useId();
  return (
    <Field label={t("builder.field.finishOnKey")} htmlFor={id}>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as "#" | "*" | "")}>
        <option value="#">#</option>
        <option value="*">*</option>
        <option value="">{t("builder.field.finishNone")}</option>
      </select>
    </Field>
  );
}

/**
 * Queue key -> the name people know the queue by. The page that renders the builder provides it (the
 * builder itself only needs the keys); without it the picker shows bare keys.
 */
export const QueueNamesContext = createContext<Readonly<Record<string, string>>>({});

function QueueSelect({ value, queueIds, errors, onChange }: { value: string; queueIds: string[]; errors: string[]; onChange: (v: string) => void }) {
  const { t } = useTranslation("ivr");
  const names = useContext(QueueNamesContext);
  const id = useId();
  const unknown = value !== "" && !queueIds.includes(value);
  // The key stays readable left-to-right after a right-to-left name ("پشتیبانی (support)").
  const label = (key: string) => (names[key] ? `${names[key]} (\u2066${key}\u2069)` : key);
  const hasNames = queueIds.some((q) => names[q]);
  return (
    <Field label={t("builder.field.queueId")} htmlFor={id} errors={errors}>
      <select id={id} dir={hasNames ? undefined : "ltr"} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t("builder.none")}</option>
        {unknown ? <option value={value}>{t("builder.field.unknownQueue", { queueId: value })}</option> : null}
        {queueIds.map((q) => (
          <option key={q} value={q}>
            {label(q)}
          </option>
        ))}
      </select>
    </Field>
  );
}
