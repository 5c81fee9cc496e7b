import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice, useLang } from "~/components/bureau-ui";
import { TenantFields } from "~/components/bureau-tenant-fields";
import { CsrfInput, ErrorList, Field, FormErrors, Ltr } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { formatDateTime } from "~/modules/i18n/format";
import { getTenant, setTenantStatus, updateTenantSettings } from "~/modules/tenancy/manage.server";
import { suspendSchema, tenantSettingsSchema } from "~/modules/tenancy/schemas";

export const links = bureauLinks;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const tenant = await getTenant(bureauCtx(auth, request), params.tenantId ?? "");
  if (!tenant) notFound();
  return {
    tenant: { ...tenant, suspendedAt: tenant.suspendedAt?.toISOString() ?? null, createdAt: tenant.createdAt.toISOString() },
    canManage: can(auth.actor, "tenants.manage"),
    canSuspend: can(auth.actor, "tenants.suspend"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const tenantId = params.tenantId ?? "";
  const intent = formData.get("intent");
  if (intent === "suspend" || intent === "reactivate") {
    const auth = await requireBureauPermission(request, "tenants.suspend");
    const submission = parseWithZod(formData, { schema: suspendSchema });
    if (submission.status !== "success") return { intent: "status" as const, result: submission.reply() };
    const failed = await runBureauWrite(submission, () =>
      setTenantStatus(bureauCtx(auth, request), tenantId, intent === "suspend" ? "suspended" : "active", submission.value.reason),
    );
    if (failed) return { intent: "status" as const, result: failed };
    return redirect(`/bureau/tenants/${tenantId}?notice=${intent === "suspend" ? "suspended" : "reactivated"}`);
  }
  const auth = await requireBureauPermission(request, "tenants.manage");
  const submission = parseWithZod(formData, { schema: tenantSettingsSchema });
  if (submission.status !== "success") return { intent: "settings" as const, result: submission.reply() };
  const failed = await runBureauWrite(submission, () => updateTenantSettings(bureauCtx(auth, request), tenantId, submission.value));
  if (failed) return { intent: "settings" as const, result: failed };
  return redirect(`/bureau/tenants/${tenantId}?notice=saved`);
}

export default function TenantSettings() {
  const { tenant, canManage, canSuspend } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  const lang = useLang();
  const [form, fields] = useForm({
    id: "tenant-settings",
    lastResult: actionData?.intent === "settings" ? actionData.result : undefined,
    defaultValue: {
      name: tenant.name,
      defaultLocale: tenant.defaultLocale,
      timeZone: tenant.timeZone,
      currency: tenant.currency,
      brandColor: tenant.brandColor,
    },
    constraint: getZodConstraint(tenantSettingsSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: tenantSettingsSchema }),
  });
  const [statusForm, statusFields] = useForm({
    id: "tenant-status",
    lastResult: actionData?.intent === "status" ? actionData.result : undefined,
    constraint: getZodConstraint(suspendSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: suspendSchema }),
  });
  const suspended = tenant.status === "suspended";
  return (
    <>
      <FlashNotice
        notice={params.get("notice")}
        messages={{
          created: t("tenants.createdNotice"),
          saved: t("tenants.settings.saved"),
          suspended: t("tenants.suspension.suspended"),
          reactivated: t("tenants.suspension.reactivated"),
        }}
      />
      <section className="card" aria-labelledby="settings-title">
        <h2 id="settings-title">{t("tenants.settings.title")}</h2>
        {canManage ? (
          <Form method="post" encType="multipart/form-data" className="form" {...getFormProps(form)}>
            <CsrfInput />
            <input type="hidden" name="intent" value="settings" />
            <FormErrors errors={form.errors} />
            <TenantFields fields={fields} logoDataUrl={tenant.logoDataUrl} />
            <div>
              <button type="submit" className="button">
                {tc("actions.save")}
              </button>
            </div>
          </Form>
        ) : (
          <>
            <p className="muted">{t("tenants.readOnly")}</p>
            <dl>
              <dt>{t("tenants.fields.defaultLocale")}</dt>
              <dd>{tc(`language.${tenant.defaultLocale}`)}</dd>
              <dt>{t("tenants.fields.timeZone")}</dt>
              <dd>
                <Ltr>{tenant.timeZone}</Ltr>
              </dd>
              <dt>{t("tenants.fields.currency")}</dt>
              <dd>
                <Ltr>{tenant.currency}</Ltr>
              </dd>
              <dt>{t("tenants.fields.brandColor")}</dt>
              <dd>
                <span className="swatch" style={{ background: tenant.brandColor }} aria-hidden="true" /> <Ltr>{tenant.brandColor}</Ltr>
              </dd>
            </dl>
            {tenant.logoDataUrl ? <img src={tenant.logoDataUrl} alt={t("tenants.fields.currentLogo")} className="bureau-logo" /> : null}
          </>
        )}
      </section>

      {canSuspend ? (
        <section className="card bureau-danger" aria-labelledby="status-title">
          <h2 id="status-title">{t("tenants.suspension.title")}</h2>
          <p>
            {suspended && tenant.suspendedAt
              ? t("tenants.suspension.suspendedSince", { date: formatDateTime(tenant.suspendedAt, lang, tenant.timeZone) })
              : t("tenants.suspension.activeHelp")}
          </p>
          <Form method="post" className="form" {...getFormProps(statusForm)}>
            <CsrfInput />
            <input type="hidden" name="intent" value={suspended ? "reactivate" : "suspend"} />
            <FormErrors errors={statusForm.errors} />
            {!suspended ? (
              <Field
                label={t("tenants.suspension.reason")}
                htmlFor={statusFields.reason.id}
                errors={statusFields.reason.errors}
                errorId={statusFields.reason.errorId}
              >
                <textarea {...getTextareaProps(statusFields.reason)} rows={2} />
              </Field>
            ) : null}
            <div className={`field${statusFields.confirm.errors?.length ? " field--invalid" : ""}`}>
              <label className="checkbox">
                <input {...getInputProps(statusFields.confirm, { type: "checkbox" })} />
                {suspended ? t("tenants.suspension.confirmReactivate") : t("tenants.suspension.confirmSuspend")}
              </label>
              <ErrorList id={statusFields.confirm.errorId} errors={statusFields.confirm.errors} />
            </div>
            <div>
              <button type="submit" className={`button${suspended ? "" : " button--danger"}`}>
                {suspended ? t("tenants.suspension.reactivate") : t("tenants.suspension.suspend")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}
