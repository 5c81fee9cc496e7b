import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { Fragment } from "react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, Field, FormErrors, Ltr, Notice } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, notFound, requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { FieldConflict, NotFoundError } from "~/modules/bureau/errors";
import { isUuid } from "~/modules/bureau/http.server";
import { localizeDigits } from "~/modules/i18n/format";
import {
  createDisposition,
  listDispositions,
  setDispositionActive,
  updateDisposition,
  type Disposition,
} from "~/modules/queues/dispositions.server";
import { dispositionSchema } from "~/modules/queues/schemas";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];

/**
 * The tenant's dispositions: reasons and, under each, the outcomes an agent picks at wrap-up. Whoever
 * may read the queues may read them ("tenant.queues.read"); changing them needs
 * "tenant.dispositions.manage". `?edit=<id>` opens one for editing, `?parent=<id>` adds an outcome.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.queues.read");
  const reasons = await listDispositions(tenant.id);
  const url = new URL(request.url);
  const all = reasons.flatMap((r) => [r, ...r.outcomes]);
  const editId = url.searchParams.get("edit");
  const parentId = url.searchParams.get("parent");
  const canManage = can(auth.actor, "tenant.dispositions.manage", tenant.id);
  const editing: Disposition | null = canManage ? (all.find((x) => x.id === editId) ?? null) : null;
  return {
    slug: tenant.slug,
    canManage,
    reasons,
    editing,
    // Only a reason can take outcomes; anything else in ?parent is ignored.
    parentId: reasons.some((r) => r.id === parentId) ? parentId : null,
  };
}

type ActionData = { intent: "create" | "update"; result: SubmissionResult<string[]>; notice?: string };

function conflict<R>(submission: { reply: (o: { fieldErrors: Record<string, string[]> }) => R }, error: unknown): R {
  if (error instanceof FieldConflict) return submission.reply({ fieldErrors: { [error.field]: [error.messageKey] } });
  if (error instanceof NotFoundError) notFound();
  throw error;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.dispositions.manage");
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  const intent = String(formData.get("intent") ?? "");
  const back = `/t/${tenant.slug}/dispositions`;

  if (intent === "toggle") {
    const id = formData.get("id");
    if (!isUuid(id)) notFound();
    const active = formData.get("active") === "true";
    try {
      await setDispositionActive(tenant.id, id, active, actor);
    } catch (error) {
      if (error instanceof NotFoundError) notFound();
      throw error;
    }
    return redirect(`${back}?notice=${active ? "activated" : "deactivated"}`);
  }
  if (intent !== "create" && intent !== "update") throw new Response(null, { status: 400, statusText: "Bad Request" });
  const id = formData.get("id");
  if (intent === "update" && !isUuid(id)) notFound();
  const submission = parseWithZod(formData, { schema: dispositionSchema });
  if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
  try {
    if (intent === "update") {
      await updateDisposition(tenant.id, String(id), submission.value, actor);
      return redirect(`${back}?notice=saved`);
    }
    await createDisposition(tenant.id, submission.value, actor);
  } catch (error) {
    return { intent, result: conflict(submission, error) } satisfies ActionData;
  }
  return { intent, result: submission.reply({ resetForm: true }), notice: "dispositions.notice.created" } satisfies ActionData;
}

const NOTICES: Record<string, string> = {
  saved: "dispositions.notice.saved",
  activated: "dispositions.notice.activated",
  deactivated: "dispositions.notice.deactivated",
};

export default function TenantDispositions() {
  const { slug, canManage, reasons, editing, parentId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const { t } = useTranslation("routing");
  const lang = useLang();
  const notice = actionData?.notice ?? NOTICES[params.get("notice") ?? ""] ?? null;
  const row = (x: Disposition, outcome: boolean) => (
    <tr key={x.id} data-testid={outcome ? "disposition-outcome" : "disposition-reason"} className={x.active ? undefined : "muted"}>
      <td style={outcome ? { paddingInlineStart: "2rem" } : { fontWeight: 600 }}>
        {outcome ? <span aria-hidden="true">↳ </span> : null}
        {x.name}
      </td>
      <td>
        <Ltr>{x.code}</Ltr>
      </td>
      <td>{outcome ? t("dispositions.kind.outcome") : t("dispositions.kind.reason")}</td>
      <td>{x.resolved ? <span className="badge badge--ok">{t("dispositions.resolved")}</span> : null}</td>
      <td>{x.active ? t("dispositions.active") : <span className="badge badge--off">{t("dispositions.inactive")}</span>}</td>
      <td>{localizeDigits(String(x.sort), lang)}</td>
      {canManage ? (
        <td>
          <div className="inline-form">
            <Link to={`?edit=${x.id}`} className="button button--ghost button--small" aria-label={t("dispositions.editOne", { name: x.name })}>
              {t("dispositions.edit")}
            </Link>
            {!outcome ? (
              <Link to={`?parent=${x.id}#disposition-form`} className="button button--ghost button--small" aria-label={t("dispositions.addOutcomeTo", { name: x.name })}>
                {t("dispositions.addOutcome")}
              </Link>
            ) : null}
            <Form method="post" className="inline-form">
              <CsrfInput />
              <input type="hidden" name="intent" value="toggle" />
              <input type="hidden" name="id" value={x.id} />
              <input type="hidden" name="active" value={x.active ? "false" : "true"} />
              <button type="submit" className="button button--ghost button--small" aria-label={t(x.active ? "dispositions.deactivateOne" : "dispositions.activateOne", { name: x.name })}>
                {x.active ? t("dispositions.deactivate") : t("dispositions.activate")}
              </button>
            </Form>
          </div>
        </td>
      ) : null}
    </tr>
  );

  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("dispositions.title")}</h2>
      </div>
      <p className="muted">{t("dispositions.intro")}</p>
      {notice ? <Notice>{t(notice)}</Notice> : null}
      {!canManage ? <p className="muted">{t("dispositions.readOnly")}</p> : null}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t("dispositions.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("dispositions.table.name")}</th>
              <th scope="col">{t("dispositions.table.code")}</th>
              <th scope="col">{t("dispositions.table.kind")}</th>
              <th scope="col">{t("dispositions.table.resolved")}</th>
              <th scope="col">{t("dispositions.table.active")}</th>
              <th scope="col">{t("dispositions.table.sort")}</th>
              {canManage ? <th scope="col">{t("dispositions.table.actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {reasons.length === 0 ? (
              <tr>
                <td colSpan={canManage ? 7 : 6} className="muted">
                  {t("dispositions.empty")}
                </td>
              </tr>
            ) : null}
            {reasons.map((r) => (
              <Fragment key={r.id}>
                {row(r, false)}
                {r.outcomes.map((o) => row(o, true))}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {canManage ? <DispositionForm key={`${editing?.id ?? ""}:${parentId ?? ""}`} lastResult={actionData?.result} slug={slug} /> : null}
    </div>
  );
}

function DispositionForm({ lastResult, slug }: { lastResult: SubmissionResult<string[]> | undefined; slug: string }) {
  const { reasons, editing, parentId } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { t } = useTranslation("routing");
  const lang = useLang();
  const [form, fields] = useForm({
    id: "disposition-form-fields",
    lastResult,
    constraint: getZodConstraint(dispositionSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: editing
      ? {
          code: editing.code,
          name: editing.name,
          parentId: editing.parentId ?? "",
          resolved: editing.resolved ? true : undefined,
          active: editing.active ? true : undefined,
          sort: localizeDigits(String(editing.sort), lang),
        }
      : { parentId: parentId ?? "", active: true, sort: localizeDigits("0", lang) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: dispositionSchema }),
  });
  const { key: _c, ...codeProps } = getInputProps(fields.code, { type: "text" });
  const { key: _n, ...nameProps } = getInputProps(fields.name, { type: "text" });
  const { key: _p, ...parentProps } = getSelectProps(fields.parentId);
  const { key: _s, ...sortProps } = getInputProps(fields.sort, { type: "text" });
  const { key: _r, ...resolvedProps } = getInputProps(fields.resolved, { type: "checkbox" });
  const { key: _a, ...activeProps } = getInputProps(fields.active, { type: "checkbox" });
  // A reason cannot sit under itself; one with outcomes stays a reason (the server checks it too).
  const parents = reasons.filter((r) => r.id !== editing?.id);
  return (
    <section className="card" aria-labelledby="disposition-form-title" id="disposition-form">
      <h3 id="disposition-form-title">{editing ? t("dispositions.form.editTitle", { name: editing.name }) : t("dispositions.form.addTitle")}</h3>
      <p className="field-hint">{t("dispositions.form.hint")}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value={editing ? "update" : "create"} />
        {editing ? <input type="hidden" name="id" value={editing.id} /> : null}
        <FormErrors errors={form.errors} />
        <div className="form-row">
          <Field label={t("dispositions.field.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
            <input {...nameProps} autoComplete="off" />
          </Field>
          <Field
            label={t("dispositions.field.code")}
            hint={t("dispositions.form.codeHint")}
            htmlFor={fields.code.id}
            errors={fields.code.errors}
            errorId={fields.code.errorId}
          >
            <input {...codeProps} autoComplete="off" dir="ltr" />
          </Field>
        </div>
        <div className="form-row">
          <Field label={t("dispositions.field.parentId")} htmlFor={fields.parentId.id} errors={fields.parentId.errors} errorId={fields.parentId.errorId}>
            <select {...parentProps}>
              <option value="">{t("dispositions.form.noParent")}</option>
              {parents.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("dispositions.field.sort")} htmlFor={fields.sort.id} errors={fields.sort.errors} errorId={fields.sort.errorId}>
            <input {...sortProps} inputMode="numeric" autoComplete="off" dir="ltr" />
          </Field>
        </div>
        <label className="checkbox">
          <input {...resolvedProps} />
          {t("dispositions.field.resolved")}
        </label>
        <label className="checkbox">
          <input {...activeProps} />
          {t("dispositions.field.active")}
        </label>
        <div className="inline-form">
          <button type="submit" className="button" disabled={navigation.state !== "idle"}>
            {editing ? t("dispositions.form.save") : t("dispositions.form.add")}
          </button>
          {editing ? (
            <Link to={`/t/${slug}/dispositions`} className="button button--ghost">
              {t("dispositions.form.cancel")}
            </Link>
          ) : null}
        </div>
      </Form>
    </section>
  );
}
