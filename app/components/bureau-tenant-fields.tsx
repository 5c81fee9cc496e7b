import { getInputProps, getSelectProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { LANGUAGES } from "~/modules/i18n/config";
import { COMMON_TIME_ZONES, CURRENCIES, LOGO_TYPES } from "~/modules/tenancy/schemas";
import { Field } from "./forms";

type F = FieldMetadata<string | undefined>;

/** The tenant fields shared by "new client company" and "settings and branding". */
export function TenantFields({
  fields,
  logoDataUrl,
}: {
  fields: { name: F; defaultLocale: F; timeZone: F; currency: F; brandColor: F; logo: FieldMetadata<File | undefined>; removeLogo?: FieldMetadata<boolean | undefined> };
  logoDataUrl?: string | null;
}) {
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  return (
    <>
      <Field label={t("tenants.fields.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
        <input {...getInputProps(fields.name, { type: "text" })} autoComplete="organization" />
      </Field>
      <div className="form-row">
        <Field
          label={t("tenants.fields.defaultLocale")}
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
        <Field label={t("tenants.fields.currency")} htmlFor={fields.currency.id} errors={fields.currency.errors} errorId={fields.currency.errorId}>
          <select {...getSelectProps(fields.currency)} dir="ltr">
            {CURRENCIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field
        label={t("tenants.fields.timeZone")}
        hint={t("tenants.fields.timeZoneHint")}
        htmlFor={fields.timeZone.id}
        errors={fields.timeZone.errors}
        errorId={fields.timeZone.errorId}
      >
        <input {...getInputProps(fields.timeZone, { type: "text" })} dir="ltr" list={`${fields.timeZone.id}-list`} autoComplete="off" />
        <datalist id={`${fields.timeZone.id}-list`}>
          {COMMON_TIME_ZONES.map((z) => (
            <option key={z} value={z} />
          ))}
        </datalist>
      </Field>
      <Field label={t("tenants.fields.brandColor")} htmlFor={fields.brandColor.id} errors={fields.brandColor.errors} errorId={fields.brandColor.errorId}>
        <input {...getInputProps(fields.brandColor, { type: "color" })} />
      </Field>
      <Field
        label={t("tenants.fields.logo")}
        hint={t("tenants.fields.logoHint")}
        htmlFor={fields.logo.id}
        errors={fields.logo.errors}
        errorId={fields.logo.errorId}
      >
        <input {...getInputProps(fields.logo, { type: "file" })} accept={LOGO_TYPES.join(",")} />
      </Field>
      {logoDataUrl && fields.removeLogo ? (
        <div className="field">
          <span>{t("tenants.fields.currentLogo")}</span>
          <img src={logoDataUrl} alt={t("tenants.fields.currentLogo")} className="bureau-logo" />
          <label className="checkbox">
            <input {...getInputProps(fields.removeLogo, { type: "checkbox" })} />
            {t("tenants.fields.removeLogo")}
          </label>
        </div>
      ) : null}
    </>
  );
}
