import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, withoutKey } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors, Notice } from "~/components/forms";
import { loadActor } from "~/modules/auth/actor.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, getAuth } from "~/modules/auth/guards.server";
import { attemptLogin } from "~/modules/auth/login.server";
import { homePath } from "~/modules/auth/permissions";
import { retryAfterMinutes } from "~/modules/auth/rate-limit";
import { safeRedirect, withRedirectTo } from "~/modules/auth/redirect";
import { loginSchema } from "~/modules/auth/schemas";
import { readCookie, SESSION_COOKIE, sessionCookie } from "~/modules/auth/session.server";
import type { Language } from "~/modules/i18n/config";
import { localizeDigits } from "~/modules/i18n/format";
import { getT, i18nServer } from "~/modules/i18n/i18n.server";
import authCss from "~/styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Hamkal" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"), "");
  const auth = await getAuth(request);
  if (auth && (!auth.user.totpEnabled || auth.session.twoFactorVerified)) {
    throw redirect(redirectTo || homePath(auth.actor, Object.fromEntries(auth.tenants.map((t) => [t.id, t.slug]))));
  }
  const { t } = await getT(request, "auth");
  const notice = url.searchParams.has("reset") ? "resetDone" : url.searchParams.has("signedOut") ? "signedOut" : null;
  return { redirectTo, notice, title: t("login.title") };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const submission = parseWithZod(formData, { schema: loginSchema });
  if (submission.status !== "success") {
    return data(submission.reply({ hideFields: ["password"] }), { status: 400 });
  }
  const { email, password } = submission.value;
  const result = await attemptLogin({
    email,
    password,
    ip: clientIp(request),
    userAgent: request.headers.get("user-agent"),
    previousToken: readCookie(request, SESSION_COOKIE),
  });
  if (!result.ok) {
    let message = `auth:login.${result.reason}`;
    if (result.reason === "rateLimited") {
      const lang = (await i18nServer.getLocale(request)) as Language;
      message += `|minutes=${localizeDigits(String(retryAfterMinutes(result.retryAfterSeconds)), lang)}`;
    }
    return data(submission.reply({ formErrors: [message], hideFields: ["password"] }), { status: result.reason === "rateLimited" ? 429 : 400 });
  }
  const headers = { "Set-Cookie": sessionCookie(result.token, result.session.expiresAt) };
  const redirectTo = safeRedirect(submission.value.redirectTo, "");
  if (result.needsTwoFactor) throw redirect(withRedirectTo("/login/2fa", redirectTo), { headers });
  const { actor, tenants } = await loadActor(result.userId);
  throw redirect(redirectTo || homePath(actor, Object.fromEntries(tenants.map((t) => [t.id, t.slug]))), { headers });
}

export default function Login() {
  const { t } = useTranslation("auth");
  const { redirectTo, notice } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(loginSchema),
    shouldValidate: "onSubmit",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
  });
  return (
    <AuthCard
      title={t("login.title")}
      intro={t("login.intro")}
      footer={<Link to="/forgot-password">{t("login.forgot")}</Link>}
    >
      {notice && !form.errors?.length ? <Notice>{t(`login.${notice}`)}</Notice> : null}
      <FormErrors errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field label={t("login.email")} htmlFor={fields.email.id} errors={fields.email.errors} errorId={fields.email.errorId}>
          <input {...withoutKey(getInputProps(fields.email, { type: "email" }))} autoComplete="username" dir="ltr" autoFocus />
        </Field>
        <Field label={t("login.password")} htmlFor={fields.password.id} errors={fields.password.errors} errorId={fields.password.errorId}>
          <input {...withoutKey(getInputProps(fields.password, { type: "password" }))} autoComplete="current-password" dir="ltr" />
        </Field>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("login.submit")}
        </button>
      </Form>
    </AuthCard>
  );
}
