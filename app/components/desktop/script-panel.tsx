import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { DesktopContact } from "~/modules/desktop/desktop.server";
import { isLanguage, LANGUAGES, type Language } from "~/modules/i18n/config";
import { scriptDefinitionSchema, type ScriptStep } from "~/modules/scripts/model";
import { checkAnswer, renderLines, renderText, runScript, type Answer, type RenderedText } from "~/modules/scripts/runner";

/**
 * The tenant's published script for the contact's queue, played step by step: the opening, the body's
 * questions (each answer picks the next step through the script's branches) and the closing. Texts are
 * in the contact's language, falling back to the tenant's other languages, with placeholders filled.
 * Answers live in the page: going back is replaying one answer fewer.
 */
function Text({ text }: { text: RenderedText | null }) {
  const { t } = useTranslation("agent");
  if (!text) return null;
  return (
    <span lang={text.language} dir={text.language === "fa" ? "rtl" : "ltr"}>
      {text.segments.map((s, i) => (s.kind === "text" ? <span key={i}>{s.text}</span> : <mark key={i}>{s.value ?? `{{${s.name}}}`}</mark>))}
      {text.fallback ? <small className="muted"> ({t("script.fallback")})</small> : null}
    </span>
  );
}

export function ScriptPanel({ script, contact, agentName }: { script: unknown; contact: DesktopContact; agentName: string }) {
  const { t } = useTranslation("agent");
  const parsed = useMemo(() => scriptDefinitionSchema.safeParse(script ?? undefined), [script]);
  const [answers, setAnswers] = useState<Answer[]>([]);
  const [draft, setDraft] = useState("");
  const [error, setError] = useState<string | null>(null);
  if (!script || !parsed.success) {
    return (
      <section className="card desktop__script" aria-labelledby="script-title" data-testid="script">
        <h3 id="script-title">{t("script.title")}</h3>
        <p className="muted">{t("script.none")}</p>
      </section>
    );
  }
  const def = parsed.data;
  const language: Language = isLanguage(contact.language) ? contact.language : "fa";
  const opts = {
    language,
    fallbacks: LANGUAGES.filter((l) => l !== language),
    values: {
      // A campaign contact's custom fields first, so the desktop's own values win a clash.
      ...Object.fromEntries((contact.campaign?.contact.fields ?? []).map((f) => [f.key, f.value])),
      customerName: contact.campaign?.contact.name || contact.customer?.customer.name || undefined,
      customerPhone: contact.campaign?.contact.e164 ?? contact.customer?.customer.phone ?? contact.from ?? undefined,
      agentName: agentName || undefined,
      tenantName: contact.tenant.name,
      queueName: contact.queue.name,
    },
  };
  const run = runScript(def, answers);
  const answer = (step: ScriptStep, raw: string) => {
    const checked = checkAnswer(step, raw);
    if (!checked.ok) {
      setError(t(`script.errors.${checked.error}`, { ...checked.params }));
      return;
    }
    setError(null);
    setDraft("");
    setAnswers([...answers, { stepId: step.id, value: checked.value }]);
  };
  const step = run.current;
  return (
    <section className="card desktop__script" aria-labelledby="script-title" data-testid="script">
      <h3 id="script-title">{t("script.title")}</h3>
      <h4>{t("script.opening")}</h4>
      <ul className="desktop__script-lines">
        {renderLines(def.opening, opts).map((l, i) => (
          <li key={i} className={`desktop__line desktop__line--${l.kind}`}>
            <Text text={l.text} />
          </li>
        ))}
      </ul>
      <h4>{t("script.body")}</h4>
      <ol className="desktop__script-lines">
        {run.path.map((p, i) => (
          <li key={i} className="desktop__line desktop__line--done">
            <Text text={renderText(p.step.prompt, opts)} />
            {p.answer !== null ? <strong className="desktop__answer"> → {answerLabel(p.step, p.answer, opts.language, t)}</strong> : null}
          </li>
        ))}
        {step ? (
          <li className="desktop__line desktop__line--current" data-testid="script-step" data-step={step.id}>
            <Text text={renderText(step.prompt, opts)} />
            {step.hint ? (
              <p className="muted">
                <Text text={renderText(step.hint, opts)} />
              </p>
            ) : null}
            <div className="desktop__actions">
              {!step.question ? (
                <button type="button" className="button button--small" onClick={() => answer(step, "")}>
                  {t("script.next")}
                </button>
              ) : step.question.kind === "yesNo" ? (
                (["yes", "no"] as const).map((v) => (
                  <button key={v} type="button" className="button button--small button--ghost" onClick={() => answer(step, v)}>
                    {t(`scripts:answer.${v}`)}
                  </button>
                ))
              ) : step.question.kind === "choice" ? (
                step.question.options.map((o) => (
                  <button key={o.value} type="button" className="button button--small button--ghost" onClick={() => answer(step, o.value)}>
                    <Text text={renderText(o.label, opts)} />
                  </button>
                ))
              ) : (
                <form
                  className="inline-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    answer(step, draft);
                  }}
                >
                  <label className="visually-hidden" htmlFor="script-answer">
                    {t("script.answer")}
                  </label>
                  <input id="script-answer" value={draft} onChange={(e) => setDraft(e.target.value)} inputMode={step.question.kind === "number" ? "numeric" : "text"} />
                  <button type="submit" className="button button--small">
                    {t("script.next")}
                  </button>
                </form>
              )}
            </div>
            {error ? (
              <p className="field__error" role="alert">
                {error}
              </p>
            ) : null}
          </li>
        ) : null}
      </ol>
      {run.phase === "closing" ? (
        <>
          <h4>{t("script.closing")}</h4>
          <ul className="desktop__script-lines" data-testid="script-closing">
            {renderLines(def.closing, opts).map((l, i) => (
              <li key={i} className={`desktop__line desktop__line--${l.kind}`}>
                <Text text={l.text} />
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {answers.length ? (
        <button type="button" className="button button--ghost button--small" onClick={() => setAnswers(answers.slice(0, -1))}>
          {t("script.back")}
        </button>
      ) : null}
    </section>
  );
}

function answerLabel(step: ScriptStep, value: string, language: Language, t: (k: string) => string) {
  if (step.question?.kind === "yesNo") return t(`scripts:answer.${value}`);
  if (step.question?.kind === "choice") {
    const option = step.question.options.find((o) => o.value === value);
    return option?.label[language] ?? Object.values(option?.label ?? {})[0] ?? value;
  }
  return value;
}
