import { getFormProps, getInputProps, getSelectProps, useForm, type FieldMetadata, type FormMetadata, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import type { z } from "zod";
import { useTranslation } from "react-i18next";
import {
  emptyThresholdRow,
  emptyTierRow,
  fractionDigitsOf,
  planFormSchema,
  PRICING_MODES,
  ROUNDING_MODES,
  WRAP_UP_MODES,
  type PlanFormValues,
} from "~/modules/billing/plan-form";
import { PRORATION_RULES, USAGE_KIND_UNITS, USAGE_KINDS, type UsageKind } from "~/modules/billing/plan";
import type { Language } from "~/modules/i18n/config";
import { parseDayInput } from "~/modules/i18n/calendar-month";
import { CalendarPicker } from "./calendar-picker";
import { CsrfInput, ErrorList, Field, FormErrors } from "./forms";

/**
 * The rate plan editor's form: a new version of one tenant's plan, validated in the browser with the
 * same schema the action and the close use (plan-form.ts -> plan.ts), errors next to each field. Every
 * amount states the unit it is typed in (rial or toman, or the currency's major unit) and is
 * converted to minor units before validation.
 */

type F<T> = FieldMetadata<T, PlanFormValues, string[]>;
type PlanFormOutput = z.output<ReturnType<typeof planFormSchema>>;

export interface PlanEditorProps {
  lang: Language;
  timeZone: string;
  defaultValue: PlanFormValues;
  lastResult: SubmissionResult<string[]> | undefined;
  queues: { key: string; name: string }[];
  /** Today in the tenant's zone (ISO), so server and browser render the same picker month. */
  today: string;
  disabled: boolean;
}

export function PlanEditorForm({ lang, timeZone, defaultValue, lastResult, queues, today, disabled }: PlanEditorProps) {
  const { t } = useTranslation("billing");
  const navigation = useNavigation();
  const schema = planFormSchema({ lang, timeZone });
  const [form, fields] = useForm<PlanFormValues, PlanFormOutput>({
    // Keyed by language: the effective day's notation (Jalali or ISO) and the digits change with it.
    id: `plan-editor-${lang}`,
    lastResult,
    defaultValue,
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const currency = String(fields.currency.value ?? defaultValue.currency ?? "IRR").toUpperCase();
  const unitChoice = String(fields.moneyUnit.value ?? defaultValue.moneyUnit);
  const moneyUnitLabel = currency === "IRR" ? t(`invoice.currencyUnits.${unitChoice === "toman" ? "toman" : "rial"}`) : currency;
  const moneyHint = currency === "IRR" ? (unitChoice === "toman" ? t("console.plan.hint.toman") : t("console.plan.hint.rial")) : t("console.plan.hint.major", { digits: fractionDigitsOf(currency, "major") });
  const money = (label: string) => t("console.plan.inUnit", { label, unit: moneyUnitLabel });
  const busy = navigation.state !== "idle";

  const text = (field: F<string | undefined>, label: string, opts: { hint?: string; numeric?: boolean; ltr?: boolean } = {}) => {
    const { key: _k, ...props } = getInputProps(field, { type: "text" });
    return (
      <Field label={label} hint={opts.hint} htmlFor={field.id} errors={field.errors} errorId={field.errorId}>
        <input {...props} autoComplete="off" inputMode={opts.numeric ? "decimal" : undefined} dir={opts.ltr || opts.numeric ? "ltr" : undefined} />
      </Field>
    );
  };
  const select = (field: F<string | undefined>, label: string, options: { value: string; label: string }[], hint?: string) => {
    const { key: _k, ...props } = getSelectProps(field);
    return (
      <Field label={label} hint={hint} htmlFor={field.id} errors={field.errors} errorId={field.errorId}>
        <select {...props}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
    );
  };

  const rounding = fields.minuteRounding.getFieldset();
  const wrapUp = fields.wrapUp.getFieldset();
  const pricing = fields.pricing.getFieldset();
  const sla = fields.sla.getFieldset();
  const roundingMode = String(rounding.mode.value ?? defaultValue.minuteRounding.mode);
  const wrapMode = String(wrapUp.mode.value ?? defaultValue.wrapUp.mode);
  const effectiveIso = typeof fields.effectiveDay.initialValue === "string" ? parseDayInput(fields.effectiveDay.initialValue, lang) : null;

  return (
    <Form method="post" className="form form--wide" {...getFormProps(form)}>
      <CsrfInput />
      <FormErrors errors={form.errors} />
      <fieldset disabled={disabled} className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
        <Section id="plan-terms" title={t("console.plan.section.terms")} hint={t("console.plan.hint.terms")}>
          <Field label={t("console.plan.field.effectiveDay")} hint={t("console.plan.hint.effectiveDay")} htmlFor={fields.effectiveDay.id} errors={fields.effectiveDay.errors} errorId={fields.effectiveDay.errorId}>
            <CalendarPicker
              lang={lang}
              name={fields.effectiveDay.name}
              id={fields.effectiveDay.id}
              value={effectiveIso}
              invalid={!!fields.effectiveDay.errors}
              describedBy={fields.effectiveDay.errors ? fields.effectiveDay.errorId : undefined}
              timeZone={timeZone}
              today={today}
            />
          </Field>
          {text(fields.currency, t("console.plan.field.currency"), { ltr: true, hint: t("console.plan.hint.currency") })}
          {currency === "IRR"
            ? select(
                fields.moneyUnit,
                t("console.plan.field.moneyUnit"),
                (["toman", "rial"] as const).map((u) => ({ value: u, label: t(`invoice.currencyUnits.${u}`) })),
                moneyHint,
              )
            : null}
          {currency !== "IRR" ? <input type="hidden" name={fields.moneyUnit.name} value="major" /> : null}
        </Section>

        <Section id="plan-fixed" title={t("console.plan.section.fixed")}>
          {text(fields.baseFee, money(t("console.plan.field.baseFee")), { numeric: true, hint: moneyHint })}
          {text(fields.minimumCommitment, money(t("console.plan.field.minimumCommitment")), { numeric: true, hint: t("console.plan.hint.minimumCommitment") })}
          {text(fields.vatPct, t("console.plan.field.vatPct"), { numeric: true, hint: t("console.plan.hint.percent") })}
          {select(
            fields.proration,
            t("console.plan.field.proration"),
            PRORATION_RULES.map((r) => ({ value: r, label: t(`console.plan.proration.${r}`) })),
            t("console.plan.hint.proration"),
          )}
        </Section>

        <Section id="plan-rounding" title={t("console.plan.section.rounding")}>
          {select(
            rounding.mode,
            t("console.plan.field.roundingMode"),
            ROUNDING_MODES.map((m) => ({ value: m, label: t(`console.plan.rounding.${m}`) })),
          )}
          {roundingMode === "increments" ? (
            <>
              {text(rounding.firstIncrementSeconds, t("console.plan.field.firstIncrementSeconds"), { numeric: true })}
              {text(rounding.incrementSeconds, t("console.plan.field.incrementSeconds"), { numeric: true })}
            </>
          ) : null}
          {select(
            wrapUp.mode,
            t("console.plan.field.wrapUpMode"),
            WRAP_UP_MODES.map((m) => ({ value: m, label: t(`console.plan.wrapUp.${m}`) })),
            t("console.plan.hint.wrapUp"),
          )}
          {wrapMode === "capped" ? text(wrapUp.maxSeconds, t("console.plan.field.wrapUpMaxSeconds"), { numeric: true }) : null}
        </Section>

        <section className="card" aria-labelledby="plan-pricing">
          <h3 id="plan-pricing">{t("console.plan.section.pricing")}</h3>
          <p className="field-hint">{t("console.plan.hint.pricing")}</p>
          <div className="billing-kinds">
            {USAGE_KINDS.map((kind) => (
              <KindPricing key={kind} kind={kind} field={pricing[kind]} initialMode={defaultValue.pricing[kind].mode} form={form} money={money} text={text} select={select} moneyHint={moneyHint} />
            ))}
          </div>
        </section>

        <section className="card" aria-labelledby="plan-sla">
          <h3 id="plan-sla">{t("console.plan.section.sla")}</h3>
          <p className="field-hint">{t("console.plan.hint.sla")}</p>
          <div className="form-row">{text(sla.maxCreditPct, t("console.plan.field.maxCreditPct"), { numeric: true, hint: t("console.plan.hint.maxCredit") })}</div>
          <ErrorList id={sla.commitments.errorId} errors={sla.commitments.errors} />
          <div className="billing-rows">
            {sla.commitments.getFieldList().map((commitment, ci) => {
              const c = commitment.getFieldset();
              return (
                <fieldset key={commitment.key} className="billing-kind" data-testid="sla-commitment">
                  <legend>{t("console.plan.sla.commitment", { n: ci + 1 })}</legend>
                  <div className="form-row">
                    {select(c.queueKey, t("console.plan.field.queueKey"), [{ value: "", label: t("invoice.sla.allQueues") }, ...queues.map((q) => ({ value: q.key, label: `${q.name} (${q.key})` }))])}
                  </div>
                  <ErrorList id={c.thresholds.errorId} errors={c.thresholds.errors} />
                  <div className="billing-rows">
                    {c.thresholds.getFieldList().map((threshold, ti) => {
                      const th = threshold.getFieldset();
                      return (
                        <div key={threshold.key} className="billing-row">
                          {text(th.belowPct, t("console.plan.field.belowPct"), { numeric: true })}
                          {text(th.creditPct, t("console.plan.field.creditPct"), { numeric: true })}
                          <button
                            className="button button--ghost button--small"
                            {...form.remove.getButtonProps({ name: c.thresholds.name, index: ti })}
                            aria-label={t("console.plan.sla.removeThresholdLabel", { n: ti + 1 })}
                          >
                            {t("console.plan.sla.removeThreshold")}
                          </button>
                        </div>
                      );
                    })}
                  </div>
                  <div className="billing-links">
                    <button className="button button--ghost button--small" {...form.insert.getButtonProps({ name: c.thresholds.name, defaultValue: emptyThresholdRow() })}>
                      {t("console.plan.sla.addThreshold")}
                    </button>
                    <button className="button button--ghost button--small" {...form.remove.getButtonProps({ name: sla.commitments.name, index: ci })}>
                      {t("console.plan.sla.removeCommitment")}
                    </button>
                  </div>
                </fieldset>
              );
            })}
          </div>
          <button
            className="button button--ghost button--small"
            {...form.insert.getButtonProps({ name: sla.commitments.name, defaultValue: { queueKey: "", thresholds: [{ belowPct: "80", creditPct: "5" }] } })}
          >
            {t("console.plan.sla.addCommitment")}
          </button>
        </section>

        <Section id="plan-note" title={t("console.plan.section.note")}>
          {text(fields.note, t("console.plan.field.note"), { hint: t("console.plan.hint.note") })}
        </Section>
      </fieldset>
      {!disabled ? (
        <div className="billing-links">
          <button type="submit" name="intent" value="preview" className="button button--ghost" disabled={busy}>
            {t("console.plan.preview.submit")}
          </button>
          <button type="submit" name="intent" value="save" className="button" disabled={busy}>
            {t("console.plan.save")}
          </button>
        </div>
      ) : null}
    </Form>
  );
}

type TextFn = (field: F<string | undefined>, label: string, opts?: { hint?: string; numeric?: boolean; ltr?: boolean }) => ReactNode;
type SelectFn = (field: F<string | undefined>, label: string, options: { value: string; label: string }[], hint?: string) => ReactNode;

function KindPricing({
  kind,
  field,
  initialMode,
  form,
  money,
  text,
  select,
  moneyHint,
}: {
  kind: UsageKind;
  field: F<PlanFormValues["pricing"][UsageKind] | undefined>;
  initialMode: string;
  form: FormMetadata<PlanFormValues, string[]>;
  money: (label: string) => string;
  text: TextFn;
  select: SelectFn;
  moneyHint: string;
}) {
  const { t } = useTranslation("billing");
  const fs = field.getFieldset();
  const mode = String(fs.mode.value ?? initialMode);
  const priceUnit = t(`units.price.${USAGE_KIND_UNITS[kind].priceUnit}`);
  const perUnit = (label: string) => t("console.plan.perUnit", { label: money(label), unit: priceUnit });
  return (
    <fieldset className="billing-kind" data-kind={kind}>
      <legend>{t(`kinds.${kind}`)}</legend>
      <div className="form-row">
        {select(
          fs.mode,
          t("console.plan.field.pricingMode"),
          PRICING_MODES.map((m) => ({ value: m, label: t(`console.plan.pricingMode.${m}`) })),
        )}
        {mode !== "off" ? text(fs.included, t("console.plan.field.included", { unit: priceUnit }), { numeric: true, hint: t("console.plan.hint.included") }) : null}
        {mode === "unit" ? text(fs.unitPrice, perUnit(t("console.plan.field.unitPrice")), { numeric: true, hint: moneyHint }) : null}
      </div>
      {mode === "graduated" || mode === "volume" ? (
        <>
          <p className="field-hint">{t(`console.plan.hint.${mode}`)}</p>
          <ErrorList id={fs.tiers.errorId} errors={fs.tiers.errors} />
          <div className="billing-rows">
            {fs.tiers.getFieldList().map((tier, i) => {
              const row = tier.getFieldset();
              return (
                <div key={tier.key} className="billing-row" data-testid="tier-row">
                  {text(row.upTo, t("console.plan.field.upTo", { unit: priceUnit }), { numeric: true, hint: t("console.plan.hint.upTo") })}
                  {text(row.unitPrice, perUnit(t("console.plan.field.unitPrice")), { numeric: true })}
                  <button className="button button--ghost button--small" {...form.remove.getButtonProps({ name: fs.tiers.name, index: i })} aria-label={t("console.plan.removeTierLabel", { n: i + 1 })}>
                    {t("console.plan.removeTier")}
                  </button>
                </div>
              );
            })}
          </div>
          <button className="button button--ghost button--small" {...form.insert.getButtonProps({ name: fs.tiers.name, defaultValue: emptyTierRow() })}>
            {t("console.plan.addTier")}
          </button>
        </>
      ) : null}
    </fieldset>
  );
}

function Section({ id, title, hint, children }: { id: string; title: string; hint?: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <div className="form-row">{children}</div>
    </section>
  );
}
