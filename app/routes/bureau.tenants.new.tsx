import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { TenantFields } from "~/components/bureau-tenant-fields";
import { CsrfInput, Field, FormErrors } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { DEFAULT_TIME_ZONE } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { createTenant } from "~/modules/tenancy/manage.server";
import { tenantCreateSchema } from "~/modules/tenancy/schemas";
import type { Tenant } from "~/modules/tenancy/tenants.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireBureauPermission(request, "tenants.create");
  const { t } = await getT(request, "bureau");
  return { title: t("tenants.createTitle") };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "tenants.create");
  const submission = parseWithZod(formData, { schema: tenantCreateSchema });
  if (submission.status !== "success") return submission.reply();
  let created: Tenant | undefined;
  const failed = await runBureauWrite(submission, async () => {
    created = await createTenant(bureauCtx(auth, request), submission.value);
  });
  if (failed) return failed;
  return redirect(`/bureau/tenants/${created!.id}?notice=created`);
}

export default function NewTenant() {
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { defaultLocale: "fa", timeZone: DEFAULT_TIME_ZONE, currency: "IRR", brandColor: "#0f766e" },
    constraint: getZodConstraint(tenantCreateSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: tenantCreateSchema }),
  });
  return (
    <>
      <header className="page-header">
        <h1>{t("tenants.createTitle")}</h1>
        <Link to="/bureau/tenants">{tc("actions.back")}</Link>
      </header>
      <Form method="post" encType="multipart/form-data" className="form card" {...getFormProps(form)}>
        <CsrfInput />
        <FormErrors errors={form.errors} />
        <Field
          label={t("tenants.fields.slug")}
          hint={t("tenants.fields.slugHint")}
          htmlFor={fields.slug.id}
          errors={fields.slug.errors}
          errorId={fields.slug.errorId}
        >
          <input {...getInputProps(fields.slug, { type: "text" })} dir="ltr" autoComplete="off" spellCheck={false} />
        </Field>
        <TenantFields fields={fields} />
        <div>
          <button type="submit" className="button">
            {t("tenants.createSubmit")}
          </button>
        </div>
      </Form>
    </>
  );
}
