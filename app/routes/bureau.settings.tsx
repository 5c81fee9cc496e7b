import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { CsrfInput, ErrorList, Field, FormErrors } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { bureauSettingsSchema, CURRENCY_DISPLAYS } from "~/modules/bureau/schemas";
import { getBureauSettings, saveBureauSettings } from "~/modules/bureau/settings.server";
import { LANGUAGES } from "~/modules/i18n/config";
import { formatMoney, type CurrencyDisplay } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { COMMON_TIME_ZONES } from "~/modules/tenancy/schemas";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

/** 1,250,000 rial: the live example of how amounts will read. */
const EXAMPLE_RIAL = 1_250_000;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireBureauPermission(request, "settings.manage");
  const settings = await getBureauSettings();
  const { t } = await getT(request, "bureau");
  return {
    title: t("settings.title"),
    settings: { name: settings.name, defaultLocale: settings.defaultLocale, timeZone: settings.timeZone, currencyDisplay: settings.currencyDisplay },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "settings.manage");
  const submission = parseWithZod(formData, { schema: bureauSettingsSchema });
  if (submission.status !== "success") return submission.reply();
  const failed = await runBureauWrite(submission, () => saveBureauSettings(bureauCtx(auth, request), submission.value));
  if (failed) return failed;
  return redirect("/bureau/settings?notice=saved");
}

export default function BureauSettingsPage() {
  const { settings } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  const lang = useLang();
  const [display, setDisplay] = useState<CurrencyDisplay>(settings.currencyDisplay);
  const [form, fields] = useForm({
    lastResult,
    defaultValue: settings,
    constraint: getZodConstraint(bureauSettingsSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: bureauSettingsSchema }),
  });
  return (
    <>
      <header className="page-header">
        <h1>{t("settings.title")}</h1>
      </header>
      <FlashNotice notice={params.get("notice")} messages={{ saved: t("settings.saved") }} />
      <Form method="post" className="form card" {...getFormProps(form)}>
        <CsrfInput />
        <FormErrors errors={form.errors} />
        <Field label={t("settings.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
          <input {...getInputProps(fields.name, { type: "text" })} autoComplete="organization" />
        </Field>
        <div className="form-row">
          <Field
            label={t("settings.defaultLocale")}
            htmlFor={fields.defaultLocale.id}
            errors={fields.defaultLocale.errors}
            errorId={fields.defaultLocale.errorId}
          >
            <select {...getSelectProps(fields.defaultLocale)}>
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {tc(`language.${l}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label={t("settings.timeZone")}
            hint={t("tenants.fields.timeZoneHint")}
            htmlFor={fields.timeZone.id}
            errors={fields.timeZone.errors}
            errorId={fields.timeZone.errorId}
          >
            <input {...getInputProps(fields.timeZone, { type: "text" })} dir="ltr" list="bureau-tz-list" autoComplete="off" />
            <datalist id="bureau-tz-list">
              {COMMON_TIME_ZONES.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </Field>
        </div>
        <fieldset className="bureau-fieldset" aria-describedby={`${fields.currencyDisplay.id}-example`}>
          <legend>{t("settings.currencyDisplay")}</legend>
          <div className="bureau-checks">
            {CURRENCY_DISPLAYS.map((d) => (
              <label key={d} className="checkbox">
                <input
                  type="radio"
                  name={fields.currencyDisplay.name}
                  value={d}
                  defaultChecked={settings.currencyDisplay === d}
                  onChange={(e) => e.currentTarget.checked && setDisplay(d)}
                />
                {t(`settings.display.${d}`)}
              </label>
            ))}
          </div>
          <ErrorList id={fields.currencyDisplay.errorId} errors={fields.currencyDisplay.errors} />
          <p className="bureau-example" id={`${fields.currencyDisplay.id}-example`} aria-live="polite">
            {t("settings.example", { amount: formatMoney(EXAMPLE_RIAL, "IRR", lang, display) })}
          </p>
        </fieldset>
        <div>
          <button type="submit" className="button">
            {tc("actions.save")}
          </button>
        </div>
      </Form>
    </>
  );
}
