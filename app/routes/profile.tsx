import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import QRCode from "qrcode";
import { useTranslation } from "react-i18next";
import { withoutKey } from "~/components/auth-card";
import { CsrfInput, Field, FormErrors, Ltr, Notice } from "~/components/forms";
import { changePassword, loadProfile, updateProfile } from "~/modules/auth/account.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, requireAuth } from "~/modules/auth/guards.server";
import { retryAfterMinutes } from "~/modules/auth/rate-limit";
import {
  changePasswordSchema,
  PASSWORD_MIN,
  profileSchema,
  totpCancelSchema,
  totpDisableSchema,
  totpEnableSchema,
  totpStartSchema,
} from "~/modules/auth/schemas";
import { formatTotpSecret } from "~/modules/auth/totp";
import { beginTotpSetup, cancelTotpSetup, disableTotp, enableTotp, totpStatus, type CodeResult } from "~/modules/auth/two-factor.server";
import { LANGUAGES, type Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { getT, languageCookie } from "~/modules/i18n/i18n.server";
import authCss from "~/styles/auth.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: authCss }];
export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Hamkal" }];

const NATIVE: Record<Language, string> = { fa: "فارسی", en: "English", nl: "Nederlands" };

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireAuth(request);
  const { t, lng } = await getT(request, "auth");
  const lang = lng as Language;
  const [profile, totp] = await Promise.all([loadProfile(auth.user.id), totpStatus(auth.user.id, auth.user.email)]);
  const qr = totp.pending ? await QRCode.toString(totp.pending.uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" }) : null;
  return {
    title: t("profile.title"),
    profile: { name: profile.name, email: profile.email, locale: (profile.locale ?? lang) as Language },
    totp: {
      enabled: totp.enabled,
      enabledAt: totp.enabledAt ? formatDateTime(totp.enabledAt, lang) : null,
      pending: totp.pending ? { secret: formatTotpSecret(totp.pending.secret), qr: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(qr!)}` } : null,
    },
    min: localizeDigits(String(PASSWORD_MIN), lang),
  };
}

type Intent = "profile" | "password" | "totp-start" | "totp-cancel" | "totp-enable" | "totp-disable";
type ActionResult = { intent: Intent; result?: SubmissionResult<string[]>; notice?: string };

function codeError(result: Exclude<CodeResult, { ok: true }>, lang: Language) {
  return result.reason === "rateLimited"
    ? `auth:profile.twoFactor.rateLimited|minutes=${localizeDigits(String(retryAfterMinutes(result.retryAfterSeconds)), lang)}`
    : "auth:profile.twoFactor.invalid";
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireAuth(request);
  const ip = clientIp(request);
  const { lng } = await getT(request, "auth");
  const lang = lng as Language;
  const intent = String(formData.get("intent") ?? "") as Intent;
  const reply = (body: ActionResult, status = 200, headers?: HeadersInit) => data(body, { status, headers });

  switch (intent) {
    case "profile": {
      const submission = parseWithZod(formData, { schema: profileSchema });
      if (submission.status !== "success") return reply({ intent, result: submission.reply() }, 400);
      await updateProfile(auth.user.id, submission.value);
      return reply({ intent, result: submission.reply(), notice: "profile.saved" }, 200, { "Set-Cookie": languageCookie(submission.value.locale) });
    }
    case "password": {
      const submission = parseWithZod(formData, { schema: changePasswordSchema });
      const hide = ["currentPassword", "newPassword", "confirm"];
      if (submission.status !== "success") return reply({ intent, result: submission.reply({ hideFields: hide }) }, 400);
      const result = await changePassword(auth.user, auth.session.id, submission.value, ip);
      if (!result.ok) {
        return reply({ intent, result: submission.reply({ fieldErrors: { currentPassword: ["auth:profile.password.wrong"] }, hideFields: hide }) }, 400);
      }
      return reply({ intent, result: submission.reply({ resetForm: true }), notice: "profile.password.changed" });
    }
    case "totp-start": {
      const submission = parseWithZod(formData, { schema: totpStartSchema });
      if (submission.status !== "success" || auth.user.totpEnabled) return reply({ intent }, 400);
      await beginTotpSetup(auth.user.id);
      return reply({ intent });
    }
    case "totp-cancel": {
      const submission = parseWithZod(formData, { schema: totpCancelSchema });
      if (submission.status !== "success") return reply({ intent }, 400);
      await cancelTotpSetup(auth.user.id);
      return reply({ intent });
    }
    case "totp-enable":
    case "totp-disable": {
      const schema = intent === "totp-enable" ? totpEnableSchema : totpDisableSchema;
      const submission = parseWithZod(formData, { schema });
      if (submission.status !== "success") return reply({ intent, result: submission.reply({ hideFields: ["code"] }) }, 400);
      const result =
        intent === "totp-enable"
          ? await enableTotp(auth.user.id, auth.session.id, submission.value.code, ip)
          : await disableTotp(auth.user.id, submission.value.code, ip);
      if (!result.ok) {
        return reply({ intent, result: submission.reply({ fieldErrors: { code: [codeError(result, lang)] }, hideFields: ["code"] }) }, result.reason === "rateLimited" ? 429 : 400);
      }
      return reply({ intent, result: submission.reply({ resetForm: true }), notice: intent === "totp-enable" ? "profile.twoFactor.enabled" : "profile.twoFactor.disabled" });
    }
    default:
      throw new Response("Unknown intent", { status: 400 });
  }
}

function useIntentResult(intent: Intent) {
  const actionData = useActionData<typeof action>();
  return actionData?.intent === intent ? actionData : undefined;
}

function ProfileForm() {
  const { t } = useTranslation("auth");
  const { profile } = useLoaderData<typeof loader>();
  const last = useIntentResult("profile");
  const [form, fields] = useForm({
    id: "profile-details",
    lastResult: last?.result,
    defaultValue: { name: profile.name, locale: profile.locale },
    constraint: getZodConstraint(profileSchema),
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: profileSchema }),
  });
  return (
    <section className="card" aria-labelledby="profile-details-title">
      <h2 id="profile-details-title">{t("profile.details")}</h2>
      {last?.notice ? <Notice>{t(last.notice)}</Notice> : null}
      <FormErrors errors={form.errors} />
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="profile" />
        <Field label={t("profile.email")} htmlFor="profile-email">
          <input id="profile-email" value={profile.email} readOnly dir="ltr" />
        </Field>
        <Field label={t("profile.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
          <input {...withoutKey(getInputProps(fields.name, { type: "text" }))} autoComplete="name" />
        </Field>
        <Field label={t("profile.language")} htmlFor={fields.locale.id} errors={fields.locale.errors} errorId={fields.locale.errorId}>
          <select {...withoutKey(getSelectProps(fields.locale))}>
            {LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {NATIVE[l]}
              </option>
            ))}
          </select>
        </Field>
        <div>
          <button type="submit" className="button">
            {t("common:actions.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function PasswordForm() {
  const { t } = useTranslation("auth");
  const { min } = useLoaderData<typeof loader>();
  const last = useIntentResult("password");
  const [form, fields] = useForm({
    id: "profile-password",
    lastResult: last?.result,
    constraint: getZodConstraint(changePasswordSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: changePasswordSchema }),
  });
  return (
    <section className="card" aria-labelledby="profile-password-title">
      <h2 id="profile-password-title">{t("profile.password.title")}</h2>
      {last?.notice ? <Notice>{t(last.notice)}</Notice> : null}
      <FormErrors errors={form.errors} />
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="password" />
        <Field label={t("profile.password.current")} htmlFor={fields.currentPassword.id} errors={fields.currentPassword.errors} errorId={fields.currentPassword.errorId}>
          <input {...withoutKey(getInputProps(fields.currentPassword, { type: "password" }))} autoComplete="current-password" dir="ltr" />
        </Field>
        <Field
          label={t("profile.password.new")}
          hint={t("reset.hint", { min })}
          htmlFor={fields.newPassword.id}
          errors={fields.newPassword.errors}
          errorId={fields.newPassword.errorId}
        >
          <input {...withoutKey(getInputProps(fields.newPassword, { type: "password" }))} autoComplete="new-password" dir="ltr" />
        </Field>
        <Field label={t("profile.password.confirm")} htmlFor={fields.confirm.id} errors={fields.confirm.errors} errorId={fields.confirm.errorId}>
          <input {...withoutKey(getInputProps(fields.confirm, { type: "password" }))} autoComplete="new-password" dir="ltr" />
        </Field>
        <div>
          <button type="submit" className="button">
            {t("profile.password.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function CodeForm({ intent, submitLabel, danger }: { intent: "totp-enable" | "totp-disable"; submitLabel: string; danger?: boolean }) {
  const { t } = useTranslation("auth");
  const last = useIntentResult(intent);
  const schema = intent === "totp-enable" ? totpEnableSchema : totpDisableSchema;
  const [form, fields] = useForm({
    id: intent,
    lastResult: last?.result,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  return (
    <Form method="post" className="form" {...getFormProps(form)}>
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <FormErrors errors={form.errors} />
      <Field label={t("profile.twoFactor.code")} htmlFor={fields.code.id} errors={fields.code.errors} errorId={fields.code.errorId}>
        <input
          {...withoutKey(getInputProps(fields.code, { type: "text" }))}
          className="code-input"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={12}
          required
        />
      </Field>
      <div>
        <button type="submit" className={`button${danger ? " button--danger" : ""}`}>
          {submitLabel}
        </button>
      </div>
    </Form>
  );
}

function TwoFactorSection() {
  const { t } = useTranslation("auth");
  const { totp } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const notice = actionData?.notice && (actionData.intent === "totp-enable" || actionData.intent === "totp-disable") ? actionData.notice : null;
  return (
    <section className="card" aria-labelledby="profile-2fa-title">
      <h2 id="profile-2fa-title">{t("profile.twoFactor.title")}</h2>
      {notice ? <Notice>{t(notice)}</Notice> : null}
      {totp.enabled ? (
        <>
          <p>
            <span className="badge badge--ok">{t("common:status.active")}</span> {t("profile.twoFactor.on")}
            {totp.enabledAt ? <span className="muted"> ({totp.enabledAt})</span> : null}
          </p>
          <p className="muted">{t("profile.twoFactor.disableIntro")}</p>
          <CodeForm intent="totp-disable" submitLabel={t("profile.twoFactor.disable")} danger />
        </>
      ) : totp.pending ? (
        <>
          <p>{t("profile.twoFactor.scan")}</p>
          <div className="totp-setup">
            <img className="totp-setup__qr" src={totp.pending.qr} alt={t("profile.twoFactor.qrAlt")} width={192} height={192} />
            <div>
              <p className="muted">{t("profile.twoFactor.secret")}</p>
              <code className="secret" dir="ltr" data-testid="totp-secret">
                {totp.pending.secret}
              </code>
            </div>
          </div>
          <CodeForm intent="totp-enable" submitLabel={t("profile.twoFactor.confirm")} />
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="totp-cancel" />
            <button type="submit" className="button button--ghost">
              {t("profile.twoFactor.cancel")}
            </button>
          </Form>
        </>
      ) : (
        <>
          <p className="muted">{t("profile.twoFactor.off")}</p>
          <Form method="post">
            <CsrfInput />
            <input type="hidden" name="intent" value="totp-start" />
            <button type="submit" className="button" disabled={navigation.state === "submitting"}>
              {t("profile.twoFactor.start")}
            </button>
          </Form>
        </>
      )}
    </section>
  );
}

export default function Profile() {
  const { t } = useTranslation("auth");
  const { profile } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <h1>{t("profile.title")}</h1>
        <Ltr>{profile.email}</Ltr>
      </header>
      <div className="profile-sections">
        <ProfileForm />
        <PasswordForm />
        <TwoFactorSection />
      </div>
    </>
  );
}
