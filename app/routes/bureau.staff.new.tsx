import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AccountFields } from "~/components/bureau-account-fields";
import { RolesFieldset } from "~/components/bureau-roles-fieldset";
import { bureauLinks, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { CsrfInput, FormErrors } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { staffCreateSchema } from "~/modules/auth/staff-schemas";
import { createStaffUser } from "~/modules/auth/staff.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { getT } from "~/modules/i18n/i18n.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  await requireBureauPermission(request, "staff.manage");
  const { t } = await getT(request, "bureau");
  return { title: t("staff.createTitle") };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "staff.manage");
  const submission = parseWithZod(formData, { schema: staffCreateSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password"] });
  const failed = await runBureauWrite(
    { reply: (o) => submission.reply({ ...o, hideFields: ["password"] }) },
    () => createStaffUser(bureauCtx(auth, request), submission.value),
  );
  if (failed) return failed;
  return redirect("/bureau/staff?notice=created");
}

export default function NewStaff() {
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  const lang = useLang();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { locale: lang },
    constraint: getZodConstraint(staffCreateSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: staffCreateSchema }),
  });
  return (
    <>
      <header className="page-header">
        <h1>{t("staff.createTitle")}</h1>
        <Link to="/bureau/staff">{tc("actions.back")}</Link>
      </header>
      <Form method="post" className="form card" {...getFormProps(form)}>
        <CsrfInput />
        <FormErrors errors={form.errors} />
        <AccountFields fields={fields} />
        <RolesFieldset field={fields.roles} legend={t("staff.roles")} />
        <div>
          <button type="submit" className="button">
            {t("staff.createSubmit")}
          </button>
        </div>
      </Form>
    </>
  );
}
