import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AuthCard, withoutKey } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, getAuth, type Auth } from "~/modules/auth/guards.server";
import { homePath } from "~/modules/auth/permissions";
import { retryAfterMinutes } from "~/modules/auth/rate-limit";
import { safeRedirect, withRedirectTo } from "~/modules/auth/redirect";
import { twoFactorSchema } from "~/modules/auth/schemas";
import { verifyLoginCode } from "~/modules/auth/two-factor.server";
import type { Language } from "~/modules/i18n/config";
import { localizeDigits } from "~/modules/i18n/format";
import { getT, i18nServer } from "~/modules/i18n/i18n.server";
import authCss from "~/styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Hamkal" }];

const home = (auth: Auth) => homePath(auth.actor, Object.fromEntries(auth.tenants.map((t) => [t.id, t.slug])));

/** A session waiting for its second factor; anything else has no business here. */
async function pendingAuth(request: Request, redirectTo: string) {
  const auth = await getAuth(request);
  if (!auth) throw redirect(withRedirectTo("/login", redirectTo));
  if (!auth.user.totpEnabled || auth.session.twoFactorVerified) throw redirect(redirectTo || home(auth));
  return auth;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"), "");
  await pendingAuth(request, redirectTo);
  const { t } = await getT(request, "auth");
  return { redirectTo, title: t("twoFactor.title") };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const submission = parseWithZod(formData, { schema: twoFactorSchema });
  const redirectTo = safeRedirect(formData.get("redirectTo"), "");
  const auth = await pendingAuth(request, redirectTo);
  if (submission.status !== "success") return data(submission.reply({ hideFields: ["code"] }), { status: 400 });
  const result = await verifyLoginCode(auth.session, submission.value.code, clientIp(request));
  if (!result.ok) {
    let message = `auth:twoFactor.${result.reason}`;
    if (result.reason === "rateLimited") {
      const lang = (await i18nServer.getLocale(request)) as Language;
      message += `|minutes=${localizeDigits(String(retryAfterMinutes(result.retryAfterSeconds)), lang)}`;
    }
    return data(submission.reply({ formErrors: [message], hideFields: ["code"] }), { status: result.reason === "rateLimited" ? 429 : 400 });
  }
  throw redirect(redirectTo || home(auth));
}

export default function TwoFactor() {
  const { t } = useTranslation("auth");
  const { redirectTo } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult,
    constraint: getZodConstraint(twoFactorSchema),
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: twoFactorSchema }),
  });
  return (
    <AuthCard
      title={t("twoFactor.title")}
      intro={t("twoFactor.intro")}
      footer={
        <Form method="post" action="/logout">
          <CsrfInput />
          <button type="submit" className="button button--ghost button--small">
            {t("twoFactor.otherAccount")}
          </button>
        </Form>
      }
    >
      <FormErrors errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field label={t("twoFactor.code")} htmlFor={fields.code.id} errors={fields.code.errors} errorId={fields.code.errorId}>
          <input
            {...withoutKey(getInputProps(fields.code, { type: "text" }))}
            className="code-input"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={12}
            autoFocus
          />
        </Field>
        <button type="submit" className="button" disabled={navigation.state === "submitting"}>
          {t("twoFactor.submit")}
        </button>
      </Form>
    </AuthCard>
  );
}
