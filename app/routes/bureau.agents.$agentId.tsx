import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AgentLanguagesFieldset } from "~/components/bureau-agent-fields";
import { bureauLinks, FlashNotice, StatusBadge, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { CsrfInput, ErrorList, Field, FormErrors, Ltr } from "~/components/forms";
import { getAgent, updateAgent } from "~/modules/agents/agents.server";
import { agentUpdateSchema, formatProficiency } from "~/modules/agents/schemas";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { formatDate, localizeDigits } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { tenantOptions } from "~/modules/tenancy/manage.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "agents.manage");
  const ctx = bureauCtx(auth, request);
  const agent = await getAgent(ctx, params.agentId ?? "");
  if (!agent) notFound();
  const tenants = await tenantOptions(ctx, "agents.manage");
  const { t } = await getT(request, "bureau");
  return { title: t("agents.editTitle", { name: agent.name }), agent, tenants };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "agents.manage");
  const agentId = params.agentId ?? "";
  const submission = parseWithZod(formData, { schema: agentUpdateSchema });
  if (submission.status !== "success") return submission.reply();
  const failed = await runBureauWrite(submission, () => updateAgent(bureauCtx(auth, request), agentId, submission.value));
  if (failed) return failed;
  return redirect(`/bureau/agents/${agentId}?notice=saved`);
}

const PRIORITIES = [1, 2, 3, 4, 5, 6, 7, 8, 9];

export default function EditAgent() {
  const { agent, tenants } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const lang = useLang();
  const assigned = new Map(agent.assignments.map((a) => [a.tenantId, a]));
  const [form, fields] = useForm({
    id: "agent-edit",
    lastResult,
    defaultValue: {
      languages: agent.languages,
      skills: agent.skills.join(", "),
      endpoint: agent.endpoint ?? "",
      proficiency: formatProficiency(agent.proficiency),
      autoAnswer: agent.autoAnswer ? "on" : undefined,
      assignments: tenants.map((tn) => {
        const a = assigned.get(tn.id);
        return {
          tenantId: tn.id,
          assigned: a ? true : undefined,
          priority: String(a?.priority ?? 1),
          skills: a?.skills.join(", ") ?? "",
          dedicated: a?.dedicated ? true : undefined,
        };
      }),
    },
    constraint: getZodConstraint(agentUpdateSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: agentUpdateSchema }),
  });
  const rows = fields.assignments.getFieldList();
  return (
    <>
      <header className="page-header">
        <div>
          <h1>{agent.name}</h1>
          <p className="muted">
            <Ltr>{agent.employeeCode}</Ltr> · <Ltr>{agent.email}</Ltr> <StatusBadge status={agent.status} />
          </p>
        </div>
        <Link to="/bureau/agents">{t("agents.title")}</Link>
      </header>
      <FlashNotice notice={params.get("notice")} messages={{ saved: t("agents.saved") }} />
      <Form method="post" className="form form--wide" {...getFormProps(form)}>
        <CsrfInput />
        <FormErrors errors={form.errors} />
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title">{t("agents.profile")}</h2>
          <div className="form">
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
            <Field
              label={t("agents.proficiency")}
              hint={t("agents.proficiencyHint")}
              htmlFor={fields.proficiency.id}
              errors={fields.proficiency.errors}
              errorId={fields.proficiency.errorId}
            >
              <input {...getInputProps(fields.proficiency, { type: "text" })} autoComplete="off" dir="ltr" placeholder="billing=4, en=3" />
            </Field>
            <Field
              label={t("agents.endpoint")}
              hint={t("agents.endpointHint")}
              htmlFor={fields.endpoint.id}
              errors={fields.endpoint.errors}
              errorId={fields.endpoint.errorId}
            >
              <input {...getInputProps(fields.endpoint, { type: "text" })} autoComplete="off" dir="ltr" placeholder="sip:agent01@pbx.example" />
            </Field>
            <label className="checkbox">
              <input {...getInputProps(fields.autoAnswer, { type: "checkbox" })} />
              {t("agents.autoAnswer")}
            </label>
          </div>
        </section>
        <section className="card" aria-labelledby="assign-title">
          <h2 id="assign-title">{t("agents.assignments")}</h2>
          <p className="muted">{t("agents.assignmentsHelp")}</p>
          {tenants.length === 0 ? <p>{t("agents.noTenants")}</p> : null}
          <div className="bureau-week">
            {rows.map((row, index) => {
              const tenant = tenants[index];
              if (!tenant) return null;
              const fs = row.getFieldset();
              const since = assigned.get(tenant.id)?.dedicatedSince ?? null;
              return (
                <fieldset key={row.key} className="bureau-fieldset">
                  <legend>
                    <bdi>{tenant.name}</bdi> <Ltr>{tenant.slug}</Ltr>
                  </legend>
                  <input {...getInputProps(fs.tenantId, { type: "hidden" })} />
                  <div className="bureau-assign">
                    <label className="checkbox">
                      <input {...getInputProps(fs.assigned, { type: "checkbox" })} />
                      {t("agents.assignTo", { tenant: tenant.name })}
                    </label>
                    <Field label={t("agents.priority")} htmlFor={fs.priority.id} errors={fs.priority.errors} errorId={fs.priority.errorId}>
                      <select {...getSelectProps(fs.priority)}>
                        {PRIORITIES.map((p) => (
                          <option key={p} value={String(p)}>
                            {localizeDigits(String(p), lang)}
                          </option>
                        ))}
                      </select>
                    </Field>
                    <Field label={t("agents.tenantSkills")} htmlFor={fs.skills.id} errors={fs.skills.errors} errorId={fs.skills.errorId}>
                      <input {...getInputProps(fs.skills, { type: "text" })} autoComplete="off" dir="ltr" />
                    </Field>
                    <div className={`field${fs.dedicated.errors?.length ? " field--invalid" : ""}`}>
                      <label className="checkbox">
                        <input {...getInputProps(fs.dedicated, { type: "checkbox" })} />
                        {t("agents.dedicated")}
                      </label>
                      <p className="field-hint">
                        {since ? t("agents.dedicatedSince", { date: formatDate(since, lang) }) : t("agents.dedicatedHint")}
                      </p>
                      <ErrorList id={fs.dedicated.errorId} errors={fs.dedicated.errors} />
                    </div>
                  </div>
                </fieldset>
              );
            })}
          </div>
        </section>
        <div>
          <button type="submit" className="button">
            {t("agents.save")}
          </button>
        </div>
      </Form>
    </>
  );
}
