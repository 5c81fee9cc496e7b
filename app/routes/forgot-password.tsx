import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, withoutKey } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors, Notice } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp } from "~/modules/auth/guards.server";
import { requestPasswordResetInBackground } from "~/modules/auth/password-reset.server";
import { forgotPasswordSchema } from "~/modules/auth/schemas";
import type { Language } from "~/modules/i18n/config";
import { getT, i18nServer } from "~/modules/i18n/i18n.server";
import authCss from "~/styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Hamkal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { t } = await getT(request, "auth");
  return { title: t("forgot.title") };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const submission = parseWithZod(formData, { schema: forgotPasswordSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  const lang = (await i18nServer.getLocale(request)) as Language;
  // Not awaited: the same answer, in the same time, whether or not the address has an account.
  void requestPasswordResetInBackground({ email: submission.value.email, ip: clientIp(request), fallbackLocale: lang });
  return { result: submission.reply({ resetForm: true }), sent: true };
}

export default function ForgotPassword() {
  const { t } = useTranslation("auth");
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    constraint: getZodConstraint(forgotPasswordSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: forgotPasswordSchema }),
  });
  return (
    <AuthCard title={t("forgot.title")} intro={t("forgot.intro")} footer={<Link to="/login">{t("forgot.backToLogin")}</Link>}>
      {actionData?.sent ? <Notice>{t("forgot.sent")}</Notice> : null}
      <FormErrors errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <CsrfInput />
        <Field label={t("forgot.email")} htmlFor={fields.email.id} errors={fields.email.errors} errorId={fields.email.errorId}>
          <input {...withoutKey(getInputProps(fields.email, { type: "email" }))} autoComplete="email" dir="ltr" autoFocus />
        </Field>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("forgot.submit")}
        </button>
      </Form>
    </AuthCard>
  );
}
