import { getFormProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RolesFieldset } from "~/components/bureau-roles-fieldset";
import { bureauLinks, FlashNotice, StatusBadge } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { CsrfInput, FormErrors, Ltr } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { staffRolesSchema } from "~/modules/auth/staff-schemas";
import { getStaffUser, setStaffStatus, updateStaffRoles } from "~/modules/auth/staff.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { getT } from "~/modules/i18n/i18n.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "staff.manage");
  const user = await getStaffUser(bureauCtx(auth, request), params.userId ?? "");
  if (!user) notFound();
  const { t } = await getT(request, "bureau");
  return {
    title: t("staff.editTitle", { name: user.name }),
    isMe: user.id === auth.user.id,
    user: { id: user.id, name: user.name, email: user.email, roles: user.roles, status: user.status },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "staff.manage");
  const userId = params.userId ?? "";
  const ctx = bureauCtx(auth, request);
  const intent = formData.get("intent");
  if (intent === "disable" || intent === "enable") {
    const submission = parseWithZod(formData, { schema: staffRolesSchema.partial() });
    const failed = await runBureauWrite(
      { reply: (o) => ({ intent: "status" as const, result: submission.reply({ formErrors: Object.values(o?.fieldErrors ?? {}).flat() }) }) },
      () => setStaffStatus(ctx, userId, intent === "disable" ? "disabled" : "active"),
    );
    if (failed) return failed;
    return redirect(`/bureau/staff/${userId}?notice=${intent === "disable" ? "disabled" : "enabled"}`);
  }
  const submission = parseWithZod(formData, { schema: staffRolesSchema });
  if (submission.status !== "success") return { intent: "roles" as const, result: submission.reply() };
  const failed = await runBureauWrite({ reply: (o) => ({ intent: "roles" as const, result: submission.reply(o) }) }, () =>
    updateStaffRoles(ctx, userId, submission.value.roles),
  );
  if (failed) return failed;
  return redirect(`/bureau/staff/${userId}?notice=roles`);
}

export default function EditStaff() {
  const { user, isMe } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const [form, fields] = useForm({
    id: "staff-roles",
    lastResult: actionData?.intent === "roles" ? actionData.result : undefined,
    defaultValue: { roles: user.roles },
    constraint: getZodConstraint(staffRolesSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: staffRolesSchema }),
  });
  const [statusForm] = useForm({
    id: "staff-status",
    lastResult: actionData?.intent === "status" ? actionData.result : undefined,
  });
  const disabled = user.status === "disabled";
  return (
    <>
      <header className="page-header">
        <div>
          <h1>{user.name}</h1>
          <p className="muted">
            <Ltr>{user.email}</Ltr> <StatusBadge status={user.status} />
          </p>
        </div>
        <Link to="/bureau/staff">{t("staff.title")}</Link>
      </header>
      <FlashNotice
        notice={params.get("notice")}
        messages={{ roles: t("staff.rolesSaved"), disabled: t("staff.disabled"), enabled: t("staff.enabled") }}
      />
      <section className="card" aria-labelledby="roles-title">
        <h2 id="roles-title">{t("staff.roles")}</h2>
        <Form method="post" className="form" {...getFormProps(form)}>
          <CsrfInput />
          <input type="hidden" name="intent" value="roles" />
          <FormErrors errors={form.errors} />
          <RolesFieldset field={fields.roles} legend={t("staff.roles")} />
          <div>
            <button type="submit" className="button">
              {t("staff.rolesSave")}
            </button>
          </div>
        </Form>
      </section>
      {!isMe ? (
        <section className="card bureau-danger" aria-labelledby="access-title">
          <h2 id="access-title">{t("staff.access")}</h2>
          <p>{disabled ? t("staff.enableHelp") : t("staff.disableHelp")}</p>
          <Form method="post" {...getFormProps(statusForm)}>
            <CsrfInput />
            <FormErrors errors={statusForm.errors} />
            <button type="submit" name="intent" value={disabled ? "enable" : "disable"} className={`button${disabled ? "" : " button--danger"}`}>
              {disabled ? t("staff.enable") : t("staff.disable")}
            </button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
