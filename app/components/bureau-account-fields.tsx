import { getInputProps, getSelectProps, type FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { LANGUAGES } from "~/modules/i18n/config";
import { Field } from "./forms";

type F = FieldMetadata<string | undefined>;

/** Name, e-mail, initial password and language: the account part of "new staff member" and "new agent". */
export function AccountFields({ fields }: { fields: { name: F; email: F; password: F; locale: F } }) {
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  return (
    <>
      <div className="form-row">
        <Field label={t("staff.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
          <input {...getInputProps(fields.name, { type: "text" })} autoComplete="off" />
        </Field>
        <Field label={t("staff.email")} htmlFor={fields.email.id} errors={fields.email.errors} errorId={fields.email.errorId}>
          <input {...getInputProps(fields.email, { type: "email" })} dir="ltr" autoComplete="off" />
        </Field>
      </div>
      <div className="form-row">
        <Field
          label={t("staff.password")}
          hint={t("staff.passwordHint")}
          htmlFor={fields.password.id}
          errors={fields.password.errors}
          errorId={fields.password.errorId}
        >
          <input {...getInputProps(fields.password, { type: "password" })} dir="ltr" autoComplete="new-password" />
        </Field>
        <Field label={t("staff.locale")} htmlFor={fields.locale.id} errors={fields.locale.errors} errorId={fields.locale.errorId}>
          <select {...getSelectProps(fields.locale)}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {tc(`language.${l}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
    </>
  );
}
