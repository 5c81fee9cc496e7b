import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice, useLang } from "~/components/bureau-ui";
import { CsrfInput, Field, FormErrors, RowActionForm } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { isUuid, runBureauWrite } from "~/modules/bureau/http.server";
import type { Language } from "~/modules/i18n/config";
import { formatCalendarDay } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { addHoliday, listHolidays, removeHoliday } from "~/modules/tenancy/calendar.server";
import { getTenant } from "~/modules/tenancy/manage.server";
import { holidaySchema } from "~/modules/tenancy/schemas";

export const links = bureauLinks;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const ctx = bureauCtx(auth, request);
  const tenant = await getTenant(ctx, params.tenantId ?? "");
  if (!tenant) notFound();
  return { holidays: await listHolidays(ctx, tenant.id), canManage: can(auth.actor, "tenants.manage") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "tenants.manage");
  const tenantId = params.tenantId ?? "";
  const ctx = bureauCtx(auth, request);
  if (formData.get("intent") === "remove") {
    const id = formData.get("id");
    if (!isUuid(id)) notFound();
    await runBureauWrite(null, () => removeHoliday(ctx, tenantId, id));
    return redirect(`/bureau/tenants/${tenantId}/holidays?notice=removed`);
  }
  // The day is read in the calendar of the language the form was shown in (Jalali in Persian).
  const lang = (await i18nServer.getLocale(request)) as Language;
  const submission = parseWithZod(formData, { schema: holidaySchema(lang) });
  if (submission.status !== "success") return submission.reply();
  const failed = await runBureauWrite(submission, () => addHoliday(ctx, tenantId, submission.value));
  if (failed) return failed;
  return redirect(`/bureau/tenants/${tenantId}/holidays?notice=added`);
}

export default function TenantHolidays() {
  const { holidays, canManage } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const lang = useLang();
  const schema = holidaySchema(lang);
  const [form, fields] = useForm({
    id: `add-holiday-${lang}`,
    lastResult,
    constraint: getZodConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  return (
    <>
      <FlashNotice notice={params.get("notice")} messages={{ added: t("tenants.holidays.added"), removed: t("tenants.holidays.removed") }} />
      <h2>{t("tenants.holidays.title")}</h2>
      {holidays.length === 0 ? (
        <p className="muted">{t("tenants.holidays.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("tenants.holidays.day")}</th>
                <th scope="col">{t("tenants.holidays.name")}</th>
                {canManage ? (
                  <th scope="col">
                    <span className="muted">{t("tenants.holidays.remove")}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {holidays.map((h) => (
                <tr key={h.id}>
                  <td>
                    <time dateTime={h.day}>{formatCalendarDay(h.day, lang)}</time>
                  </td>
                  <td>{h.name}</td>
                  {canManage ? (
                    <td>
                      <RowActionForm intent="remove" id={h.id} label={t("tenants.holidays.remove")} ariaLabel={t("tenants.holidays.removeLabel", { name: h.name })} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage ? (
        <section className="card" aria-labelledby="add-holiday-title" style={{ marginBlockStart: "1rem" }}>
          <h3 id="add-holiday-title">{t("tenants.holidays.addTitle")}</h3>
          <Form method="post" className="form" {...getFormProps(form)}>
            <CsrfInput />
            <input type="hidden" name="intent" value="add" />
            <FormErrors errors={form.errors} />
            <div className="form-row">
              <Field
                label={t("tenants.holidays.day")}
                hint={lang === "fa" ? t("tenants.holidays.dayHintFa") : t("tenants.holidays.dayHintIso")}
                htmlFor={fields.day.id}
                errors={fields.day.errors}
                errorId={fields.day.errorId}
              >
                <input
                  {...getInputProps(fields.day, { type: "text" })}
                  dir="ltr"
                  inputMode="numeric"
                  placeholder={lang === "fa" ? "۱۴۰۵/۰۱/۰۱" : "2026-03-21"}
                  autoComplete="off"
                />
              </Field>
              <Field label={t("tenants.holidays.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
                <input {...getInputProps(fields.name, { type: "text" })} />
              </Field>
            </div>
            <div>
              <button type="submit" className="button">
                {t("tenants.holidays.add")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}
