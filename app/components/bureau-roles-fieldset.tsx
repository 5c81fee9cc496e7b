import type { FieldMetadata } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { STAFF_ROLES } from "~/modules/auth/permissions";
import { ErrorList } from "./forms";

/** One checkbox per staff role, grouped under a legend. */
export function RolesFieldset({ field, legend }: { field: FieldMetadata<string[] | undefined>; legend: string }) {
  const { t } = useTranslation();
  const raw = field.initialValue as unknown;
  const selected = Array.isArray(raw) ? (raw as string[]) : typeof raw === "string" ? [raw] : [];
  return (
    <fieldset className={`bureau-fieldset${field.errors?.length ? " field--invalid" : ""}`} aria-describedby={field.errors?.length ? field.errorId : undefined}>
      <legend>{legend}</legend>
      <div className="bureau-checks">
        {STAFF_ROLES.map((role) => (
          <label key={role} className="checkbox">
            <input type="checkbox" name={field.name} value={role} defaultChecked={selected.includes(role)} />
            {t(`roles.${role}`)}
          </label>
        ))}
      </div>
      <ErrorList id={field.errorId} errors={field.errors} />
    </fieldset>
  );
}
