import { getFormProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { periodTitle, RunStatusBadge, usePoll } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, ErrorList, Field, FormErrors } from "~/components/forms";
import { PermissionDenied } from "~/modules/auth/bureau.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { forbidden, requireBureauPermission } from "~/modules/auth/guards.server";
import { RunRefused, runsPage, startRun } from "~/modules/billing/console.server";
import { startRunSchema } from "~/modules/billing/console-forms";
import { toWire } from "~/modules/billing/wire";
import { bureauCtx } from "~/modules/bureau/context.server";
import { formatDateTime, formatNumber } from "~/modules/i18n/format";

/** Start a close (a period of the bureau's billing calendar, all tenants or chosen ones) and the runs so far. */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "billing.read");
  const page = await runsPage(bureauCtx(auth, request));
  return toWire({ ...page, periods: page.periods.map((p) => ({ label: p.label, calendar: p.calendar, end: p.end })) });
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "billing.manage");
  const submission = parseWithZod(formData, { schema: startRunSchema });
  if (submission.status !== "success") return { result: submission.reply() };
  const { periodLabel, finalize, scope, tenantIds } = submission.value;
  try {
    const run = await startRun(bureauCtx(auth, request), { periodLabel, finalize, tenantIds: scope === "chosen" ? tenantIds : undefined });
    return redirect(`/bureau/billing/runs/${run.runId}`);
  } catch (error) {
    if (error instanceof RunRefused) return { result: submission.reply({ fieldErrors: { [error.field]: [`billing:console.runs.errors.${error.code}`] } }) };
    if (error instanceof PermissionDenied) forbidden();
    throw error;
  }
}

export default function RunsPage() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  const lang = useLang();
  // The list shows each run's counts; keep it current while any run is still going.
  usePoll(data.runs.some((r) => r.status === "running" || r.status === "queued"), 2000);
  return (
    <div className="stack">
      {data.canManage ? <StartRunForm /> : null}
      <section aria-labelledby="runs-title" className="stack">
        <h2 id="runs-title">{t("console.runs.title")}</h2>
        {data.runs.length === 0 ? (
          <p className="muted">{t("console.runs.none")}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="runs">
              <thead>
                <tr>
                  <th scope="col">{t("console.runs.period")}</th>
                  <th scope="col">{t("console.runs.status")}</th>
                  <th scope="col">{t("console.runs.progress")}</th>
                  <th scope="col">{t("console.runs.mode")}</th>
                  <th scope="col">{t("console.runs.trigger")}</th>
                  <th scope="col">{t("console.runs.started")}</th>
                </tr>
              </thead>
              <tbody>
                {data.runs.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      <Link to={`/bureau/billing/runs/${r.id}`}>{periodTitle(r.periodLabel, r.calendar, lang)}</Link>
                    </th>
                    <td>
                      <RunStatusBadge status={r.status} />
                    </td>
                    <td>
                      {t("console.runs.progressValue", { done: formatNumber(r.tenantsDone, lang), failed: formatNumber(r.tenantsFailed, lang), total: formatNumber(r.tenantsTotal, lang) })}
                    </td>
                    <td>{r.finalize ? t("console.runs.finalizeYes") : t("console.runs.finalizeNo")}</td>
                    <td>{t(`console.runs.triggers.${r.trigger}`)}</td>
                    <td>{formatDateTime(r.createdAt, lang, data.settings.timeZone)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function StartRunForm() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { result: SubmissionResult<string[]> } | undefined;
  const navigation = useNavigation();
  const { t } = useTranslation("billing");
  const lang = useLang();
  const [form, fields] = useForm({
    id: "start-run",
    lastResult: actionData?.result,
    defaultValue: { periodLabel: data.defaultPeriod, scope: "all", finalize: "on" },
    constraint: getZodConstraint(startRunSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: startRunSchema }),
  });
  const scope = String(fields.scope.value ?? "all");
  const { key: _k, ...periodProps } = getSelectProps(fields.periodLabel);
  return (
    <section className="card" aria-labelledby="start-run-title">
      <h2 id="start-run-title">{t("console.runs.startTitle")}</h2>
      <p className="field-hint">{t(`console.runs.calendarHint.${data.settings.calendar}`)}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <FormErrors errors={form.errors} />
        <Field label={t("console.runs.period")} htmlFor={fields.periodLabel.id} errors={fields.periodLabel.errors} errorId={fields.periodLabel.errorId}>
          <select {...periodProps}>
            {data.periods.map((p, i) => (
              <option key={p.label} value={p.label}>
                {periodTitle(p.label, p.calendar, lang)}
                {i === 0 ? ` (${t("console.runs.running")})` : ""}
              </option>
            ))}
          </select>
        </Field>
        <label className="checkbox">
          <input type="checkbox" name={fields.finalize.name} defaultChecked={fields.finalize.initialValue === "on"} />
          {t("console.runs.finalize")}
        </label>
        <p className="field-hint">{t("console.runs.finalizeHint")}</p>
        <fieldset className="scope-list" aria-describedby={fields.tenantIds.errors?.length ? fields.tenantIds.errorId : undefined}>
          <legend>{t("console.runs.scope")}</legend>
          <label className="checkbox">
            <input type="radio" name={fields.scope.name} value="all" defaultChecked={fields.scope.initialValue !== "chosen"} />
            {t("console.runs.scopeAll")}
          </label>
          <label className="checkbox">
            <input type="radio" name={fields.scope.name} value="chosen" defaultChecked={fields.scope.initialValue === "chosen"} />
            {t("console.runs.scopeChosen")}
          </label>
          {scope === "chosen" ? (
            <div className="billing-tenant-choice">
              {data.tenants.map((tenant) => (
                <label key={tenant.id} className="checkbox">
                  <input type="checkbox" name={fields.tenantIds.name} value={tenant.id} disabled={!tenant.hasPlan} />
                  {tenant.name}
                  {!tenant.hasPlan ? <span className="muted"> ({t("console.plans.noPlan")})</span> : null}
                </label>
              ))}
            </div>
          ) : null}
          <ErrorList id={fields.tenantIds.errorId} errors={fields.tenantIds.errors} />
        </fieldset>
        <div>
          <button type="submit" className="button" disabled={navigation.state !== "idle"}>
            {t("console.runs.start")}
          </button>
        </div>
      </Form>
    </section>
  );
}
