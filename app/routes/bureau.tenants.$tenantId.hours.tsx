import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice, useLang } from "~/components/bureau-ui";
import { CsrfInput, Field, FormErrors } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { localizeDigits, weekdayName, weekdayOrder } from "~/modules/i18n/format";
import { groupByWeekday } from "~/modules/tenancy/business-hours";
import { getBusinessHours, setBusinessHours } from "~/modules/tenancy/calendar.server";
import { getTenant } from "~/modules/tenancy/manage.server";
import { businessHoursSchema } from "~/modules/tenancy/schemas";

export const links = bureauLinks;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const ctx = bureauCtx(auth, request);
  const tenant = await getTenant(ctx, params.tenantId ?? "");
  if (!tenant) notFound();
  return { hours: await getBusinessHours(ctx, tenant.id), canManage: can(auth.actor, "tenants.manage") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "tenants.manage");
  const tenantId = params.tenantId ?? "";
  const submission = parseWithZod(formData, { schema: businessHoursSchema });
  if (submission.status !== "success") return submission.reply();
  const failed = await runBureauWrite(submission, () => setBusinessHours(bureauCtx(auth, request), tenantId, submission.value.ranges));
  if (failed) return failed;
  return redirect(`/bureau/tenants/${tenantId}/hours?notice=saved`);
}

export default function TenantHours() {
  const { hours, canManage } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const lang = useLang();
  const order = weekdayOrder(lang);
  const [form, fields] = useForm({
    id: "business-hours",
    lastResult,
    defaultValue: { ranges: hours.map((h) => ({ weekday: String(h.weekday), opens: h.opens, closes: h.closes })) },
    constraint: getZodConstraint(businessHoursSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: businessHoursSchema }),
  });

  if (!canManage) {
    return (
      <>
        <h2>{t("tenants.hours.title")}</h2>
        <p className="muted">{t("tenants.readOnly")}</p>
        <div className="table-wrap">
          <table>
            <tbody>
              {groupByWeekday(hours, order).map((day) => (
                <tr key={day.weekday}>
                  <th scope="row">{weekdayName(day.weekday, lang)}</th>
                  <td>
                    {day.ranges.length === 0
                      ? t("tenants.hours.closed")
                      : day.ranges.map((r) => localizeDigits(`${r.opens}–${r.closes}`, lang)).join(lang === "fa" ? "، " : ", ")}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </>
    );
  }

  const items = fields.ranges.getFieldList().map((field, index) => {
    const fs = field.getFieldset();
    return { field, fs, index, weekday: Number(fs.weekday.value ?? fs.weekday.initialValue) };
  });

  return (
    <>
      <FlashNotice notice={params.get("notice")} messages={{ saved: t("tenants.hours.saved") }} />
      <h2>{t("tenants.hours.title")}</h2>
      <p className="muted">{t("tenants.hours.help")}</p>
      <Form method="post" className="form form--wide" {...getFormProps(form)}>
        <CsrfInput />
        <FormErrors errors={form.errors} />
        <div className="bureau-week">
          {order.map((weekday) => {
            const day = weekdayName(weekday, lang);
            const dayItems = items.filter((i) => i.weekday === weekday);
            return (
              <fieldset key={weekday} className="bureau-fieldset bureau-day" data-weekday={weekday}>
                <legend>{day}</legend>
                {dayItems.length === 0 ? <p className="muted">{t("tenants.hours.closed")}</p> : null}
                {dayItems.map(({ field, fs, index }) => (
                  <div key={field.key} className="bureau-range">
                    <input {...getInputProps(fs.weekday, { type: "hidden" })} />
                    <Field label={t("tenants.hours.opens")} htmlFor={fs.opens.id} errors={fs.opens.errors} errorId={fs.opens.errorId}>
                      <input {...getInputProps(fs.opens, { type: "text" })} inputMode="numeric" placeholder="08:00" dir="ltr" />
                    </Field>
                    <Field label={t("tenants.hours.closes")} htmlFor={fs.closes.id} errors={fs.closes.errors} errorId={fs.closes.errorId}>
                      <input {...getInputProps(fs.closes, { type: "text" })} inputMode="numeric" placeholder="17:00" dir="ltr" />
                    </Field>
                    <button
                      className="button button--ghost button--small"
                      {...form.remove.getButtonProps({ name: fields.ranges.name, index })}
                    >
                      {t("tenants.hours.removeRange")}
                    </button>
                  </div>
                ))}
                <div>
                  <button
                    className="button button--ghost button--small"
                    aria-label={t("tenants.hours.addRangeTo", { day })}
                    {...form.insert.getButtonProps({
                      name: fields.ranges.name,
                      defaultValue: { weekday: String(weekday), opens: "09:00", closes: "17:00" },
                    })}
                  >
                    {t("tenants.hours.addRange")}
                  </button>
                </div>
              </fieldset>
            );
          })}
        </div>
        <div>
          <button type="submit" className="button">
            {t("tenants.hours.save")}
          </button>
        </div>
      </Form>
    </>
  );
}
