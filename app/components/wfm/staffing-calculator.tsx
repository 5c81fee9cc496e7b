import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, Field, FormErrors } from "~/components/forms";
import { localizeDigits } from "~/modules/i18n/format";
import type { StaffingCalcView } from "~/modules/wfm/views";
import { parseCalculator, type CALCULATOR_FIELDS } from "~/modules/wfm/pages-forms";
import { formatFigure, formatSeconds, formatShare, Stat } from "./wfm-ui";

/**
 * The planner's staffing calculator: the inputs of POST /api/v1/wfm/staffing (percents typed as
 * percents here), validated in the browser and again by the action with the API's own schema, each
 * error next to its field; the answer beside the form.
 */
export function StaffingCalculator({
  defaults,
  lastResult,
  result,
}: {
  defaults: { shrinkage: number; maxOccupancy: number; intervalSeconds: number };
  lastResult: SubmissionResult<string[]> | undefined;
  result: StaffingCalcView | null;
}) {
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    id: "staffing-calculator",
    lastResult,
    // Typed figures in the reader's digits (the parser takes Persian and ASCII digits alike).
    defaultValue: {
      contacts: "",
      intervalSeconds: localizeDigits(String(defaults.intervalSeconds), lang),
      ahtSeconds: "",
      targetServiceLevel: localizeDigits("80", lang),
      thresholdSeconds: localizeDigits("20", lang),
      shrinkage: formatFigure(defaults.shrinkage * 100, lang).replace(/[٬,]/g, ""),
      maxOccupancy: formatFigure(defaults.maxOccupancy * 100, lang).replace(/[٬,]/g, ""),
      patienceSeconds: "",
    },
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseCalculator(formData),
  });
  const number = (name: (typeof CALCULATOR_FIELDS)[number], hintKey?: string, placeholder?: string) => {
    // Every calculator field has its metadata; the schema is a preprocess, so conform cannot type them.
    const f = fields[name]!;
    return (
      <Field label={t(`console.staffing.calc.fields.${name}`)} hint={hintKey ? t(hintKey) : undefined} htmlFor={f.id} errors={f.errors} errorId={f.errorId}>
        <input {...getInputProps(f, { type: "text" })} key={f.key} inputMode="decimal" dir="ltr" placeholder={placeholder} autoComplete="off" />
      </Field>
    );
  };
  return (
    <section className="card stack" aria-labelledby="calculator-title">
      <h2 id="calculator-title">{t("console.staffing.calc.title")}</h2>
      <p className="field-hint">{t("console.staffing.calc.explain")}</p>
      <div className="wfm-columns">
        <Form method="post" className="form" {...getFormProps(form)} preventScrollReset>
          <CsrfInput />
          <input type="hidden" name="intent" value="calculate" />
          <FormErrors errors={form.errors} />
          <div className="form-row">
            {number("contacts", undefined, "120")}
            {number("intervalSeconds", "wfm:console.staffing.calc.hints.intervalSeconds")}
          </div>
          <div className="form-row">
            {number("ahtSeconds", undefined, "240")}
            {number("patienceSeconds", "wfm:console.staffing.calc.hints.patienceSeconds")}
          </div>
          <div className="form-row">
            {number("targetServiceLevel", "wfm:console.staffing.calc.hints.percent")}
            {number("thresholdSeconds")}
          </div>
          <div className="form-row">
            {number("shrinkage", "wfm:console.staffing.calc.hints.percent")}
            {number("maxOccupancy", "wfm:console.staffing.calc.hints.percent")}
          </div>
          <div>
            <button type="submit" className="button" disabled={navigation.state !== "idle"}>
              {t("console.staffing.calc.submit")}
            </button>
          </div>
        </Form>
        <div aria-live="polite" data-testid="calculator-result">
          {result ? (
            <div className="wfm-stats">
              <Stat label={t("console.staffing.calc.result.agents")} value={formatFigure(result.agents, lang, 0)} hint={t(`staffing.limitedBy.${result.limitedBy}`)} testId="calc-agents" />
              <Stat label={t("console.staffing.calc.result.scheduledHeads")} value={formatFigure(result.scheduledHeads, lang, 0)} testId="calc-heads" />
              <Stat label={t("console.staffing.calc.result.serviceLevel")} value={formatShare(result.serviceLevel, lang)} />
              <Stat label={t("console.staffing.calc.result.asa")} value={formatSeconds(result.asaSeconds, lang)} />
              <Stat label={t("console.staffing.calc.result.occupancy")} value={formatShare(result.occupancy, lang)} />
              <Stat label={t("console.staffing.calc.result.probabilityWaiting")} value={formatShare(result.probabilityWaiting, lang)} />
              {result.abandonRate !== undefined ? <Stat label={t("console.staffing.calc.result.abandonRate")} value={formatShare(result.abandonRate, lang)} /> : null}
              <Stat label={t("console.staffing.calc.result.erlangs")} value={formatFigure(result.erlangs, lang, 2)} hint={t(`staffing.model.${result.model}`)} />
            </div>
          ) : (
            <p className="muted">{t("console.staffing.calc.empty")}</p>
          )}
        </div>
      </div>
    </section>
  );
}
