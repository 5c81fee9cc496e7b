import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { data, redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, Field, FormErrors, Ltr } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { scriptCreateSchema } from "~/modules/scripts/forms";
import { createScript, listScripts, scriptQueueChoices, ScriptError } from "~/modules/scripts/scripts.server";
import portalCss from "~/styles/portal.css?url";
import scriptsCss from "~/styles/scripts.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: portalCss },
  { rel: "stylesheet", href: scriptsCss },
];

/**
 * The tenant's agent scripts: which queue each serves and which versions it has. Whoever may read the
 * queues may read the scripts ("tenant.queues.read"); creating one needs "tenant.scripts.manage".
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.queues.read");
  const lang = (await i18nServer.getLocale(request)) as Language;
  const [scripts, queues] = await Promise.all([listScripts(tenant.id), scriptQueueChoices(tenant.id)]);
  const version = (v: number | null) => (v === null ? null : localizeDigits(String(v), lang));
  return {
    slug: tenant.slug,
    canManage: can(auth.actor, "tenant.scripts.manage", tenant.id),
    scripts: scripts.map((s) => ({
      id: s.id,
      name: s.name,
      queue: s.queue ? { key: s.queue.key, name: s.queue.name } : null,
      draftVersion: version(s.draftVersion),
      publishedVersion: version(s.publishedVersion),
      updated: formatDateTime(s.updatedAt, lang, tenant.timeZone),
      updatedIso: s.updatedAt.toISOString(),
    })),
    queues: queues.map((q) => ({ id: q.id, key: q.key, name: q.name, taken: q.scriptId !== null })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.scripts.manage");
  const submission = parseWithZod(formData, { schema: scriptCreateSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  try {
    const script = await createScript(tenant.id, { name: submission.value.name, queueId: submission.value.queueId || null }, actor);
    return redirect(`/t/${tenant.slug}/scripts/${script.id}`);
  } catch (err) {
    if (!(err instanceof ScriptError)) throw err;
    const field = err.key === "invalidName" ? "name" : "queueId";
    const key = err.key === "invalidName" ? "validation:required" : `scripts:errors.${err.key}`;
    return data({ result: submission.reply({ fieldErrors: { [field]: [key] } }) }, { status: 400 });
  }
}

export default function TenantScripts() {
  const { slug, canManage, scripts, queues } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("scripts");
  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("list.title")}</h2>
      </div>
      <p className="muted">{t("list.intro")}</p>
      {!canManage ? <p className="muted">{t("list.readOnly")}</p> : null}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t("list.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("list.table.name")}</th>
              <th scope="col">{t("list.table.queue")}</th>
              <th scope="col">{t("list.table.published")}</th>
              <th scope="col">{t("list.table.draft")}</th>
              <th scope="col">{t("list.table.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {scripts.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  {t("list.empty")}
                </td>
              </tr>
            ) : null}
            {scripts.map((s) => (
              <tr key={s.id} data-testid="script-row">
                <td>
                  <Link to={`/t/${slug}/scripts/${s.id}`} prefetch="intent">
                    {s.name}
                  </Link>
                </td>
                <td>
                  {s.queue ? (
                    <>
                      <bdi>{s.queue.name}</bdi> <Ltr>{s.queue.key}</Ltr>
                    </>
                  ) : (
                    <span className="muted">{t("list.noQueue")}</span>
                  )}
                </td>
                <td>
                  {s.publishedVersion ? (
                    <span className="badge badge--ok">{t("versionNo", { version: s.publishedVersion })}</span>
                  ) : (
                    <span className="muted">{t("notPublished")}</span>
                  )}
                </td>
                <td>{s.draftVersion ? t("versionNo", { version: s.draftVersion }) : <span className="muted">{t("list.none")}</span>}</td>
                <td>
                  <time dateTime={s.updatedIso}>{s.updated}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canManage ? <CreateScriptForm lastResult={actionData?.result} queues={queues} /> : null}
    </div>
  );
}

function CreateScriptForm({ lastResult, queues }: { lastResult: SubmissionResult<string[]> | undefined; queues: { id: string; key: string; name: string; taken: boolean }[] }) {
  const { t } = useTranslation("scripts");
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm({
    id: "script-create",
    lastResult,
    constraint: getZodConstraint(scriptCreateSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: scriptCreateSchema }),
  });
  const { key: _n, ...nameProps } = getInputProps(fields.name, { type: "text" });
  const { key: _q, ...queueProps } = getSelectProps(fields.queueId);
  return (
    <section className="card" aria-labelledby="script-create-title">
      <h3 id="script-create-title">{t("create.title")}</h3>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="create" />
        <FormErrors errors={form.errors} />
        <div className="form-row">
          <Field label={t("create.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
            <input {...nameProps} autoComplete="off" />
          </Field>
          <Field label={t("create.queue")} hint={t("create.queueHint")} htmlFor={fields.queueId.id} errors={fields.queueId.errors} errorId={fields.queueId.errorId}>
            <select {...queueProps}>
              <option value="">{t("create.noQueue")}</option>
              {queues.map((q) => (
                <option key={q.id} value={q.id} disabled={q.taken}>
                  {q.taken ? t("create.queueTaken", { name: q.name }) : q.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("create.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
