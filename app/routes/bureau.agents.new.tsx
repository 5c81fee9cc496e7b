import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AccountFields } from "~/components/bureau-account-fields";
import { AgentLanguagesFieldset } from "~/components/bureau-agent-fields";
import { bureauLinks, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { CsrfInput, Field, FormErrors } from "~/components/forms";
import { createAgent } from "~/modules/agents/agents.server";
import { agentCreateSchema } from "~/modules/agents/schemas";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { forbidden, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { getT } from "~/modules/i18n/i18n.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

/** Creating an agent creates a staff account too: both agents.manage and staff.manage are needed. */
async function requireAgentCreator(request: Request) {
  const auth = await requireBureauPermission(request, "agents.manage");
  if (!can(auth.actor, "staff.manage")) forbidden();
  return auth;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAgentCreator(request);
  const { t } = await getT(request, "bureau");
  return { title: t("agents.createTitle") };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireAgentCreator(request);
  const submission = parseWithZod(formData, { schema: agentCreateSchema });
  if (submission.status !== "success") return submission.reply({ hideFields: ["password"] });
  const failed = await runBureauWrite({ reply: (o) => submission.reply({ ...o, hideFields: ["password"] }) }, () =>
    createAgent(bureauCtx(auth, request), submission.value),
  );
  if (failed) return failed;
  return redirect("/bureau/agents?notice=created");
}

export default function NewAgent() {
  const lastResult = useActionData<typeof action>();
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  const lang = useLang();
  const [form, fields] = useForm({
    lastResult,
    defaultValue: { locale: lang, languages: ["fa"] },
    constraint: getZodConstraint(agentCreateSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: agentCreateSchema }),
  });
  return (
    <>
      <header className="page-header">
        <h1>{t("agents.createTitle")}</h1>
        <Link to="/bureau/agents">{tc("actions.back")}</Link>
      </header>
      <p className="muted">{t("agents.createHelp")}</p>
      <Form method="post" className="form card" {...getFormProps(form)}>
        <CsrfInput />
        <FormErrors errors={form.errors} />
        <AccountFields fields={fields} />
        <Field
          label={t("agents.employeeCode")}
          hint={t("agents.employeeCodeHint")}
          htmlFor={fields.employeeCode.id}
          errors={fields.employeeCode.errors}
          errorId={fields.employeeCode.errorId}
        >
          <input {...getInputProps(fields.employeeCode, { type: "text" })} dir="ltr" autoComplete="off" spellCheck={false} />
        </Field>
        <AgentLanguagesFieldset field={fields.languages} legend={t("agents.languages")} />
        <Field
          label={t("agents.skills")}
          hint={t("agents.skillsHint")}
          htmlFor={fields.skills.id}
          errors={fields.skills.errors}
          errorId={fields.skills.errorId}
        >
          <input {...getInputProps(fields.skills, { type: "text" })} autoComplete="off" dir="ltr" />
        </Field>
        <div>
          <button type="submit" className="button">
            {t("agents.createSubmit")}
          </button>
        </div>
      </Form>
    </>
  );
}
