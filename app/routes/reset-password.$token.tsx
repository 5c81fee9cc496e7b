import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, withoutKey } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp } from "~/modules/auth/guards.server";
import { resetPassword, resetTokenValid } from "~/modules/auth/password-reset.server";
import { PASSWORD_MIN, resetPasswordSchema } from "~/modules/auth/schemas";
import { blankSessionCookie } from "~/modules/auth/session.server";
import type { Language } from "~/modules/i18n/config";
import { localizeDigits } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import authCss from "~/styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Hamkal" }, { name: "referrer", content: "no-referrer" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { t, lng } = await getT(request, "auth");
  const valid = await resetTokenValid(params.token ?? "");
  return { valid, title: t("reset.title"), min: localizeDigits(String(PASSWORD_MIN), lng as Language) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const submission = parseWithZod(formData, { schema: resetPasswordSchema });
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["password", "confirm"] }), { status: 400 });
  const result = await resetPassword(params.token ?? "", submission.value.password, clientIp(request));
  if (!result.ok) {
    return data(submission.reply({ formErrors: ["auth:reset.invalidLink"], hideFields: ["password", "confirm"] }), { status: 400 });
  }
  // Every session of the user is gone, this browser's included.
  throw redirect("/login?reset=1", { headers: { "Set-Cookie": blankSessionCookie() } });
}

export default function ResetPassword() {
  const { t } = useTranslation("auth");
  const { valid, min } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(resetPasswordSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: resetPasswordSchema }),
  });
  if (!valid) {
    return (
      <AuthCard title={t("reset.title")} footer={<Link to="/login">{t("forgot.backToLogin")}</Link>}>
        <div className="alert alert--error" role="alert">
          <p>{t("reset.invalidLink")}</p>
        </div>
        <Link to="/forgot-password" className="button">
          {t("reset.requestNew")}
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("reset.title")} intro={t("reset.intro")} footer={<Link to="/login">{t("forgot.backToLogin")}</Link>}>
      <FormErrors errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <CsrfInput />
        <Field
          label={t("reset.password")}
          hint={t("reset.hint", { min })}
          htmlFor={fields.password.id}
          errors={fields.password.errors}
          errorId={fields.password.errorId}
        >
          <input {...withoutKey(getInputProps(fields.password, { type: "password" }))} autoComplete="new-password" dir="ltr" autoFocus />
        </Field>
        <Field label={t("reset.confirm")} htmlFor={fields.confirm.id} errors={fields.confirm.errors} errorId={fields.confirm.errorId}>
          <input {...withoutKey(getInputProps(fields.confirm, { type: "password" }))} autoComplete="new-password" dir="ltr" />
        </Field>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("reset.submit")}
        </button>
      </Form>
    </AuthCard>
  );
}
