import {
  getFormProps,
  getInputProps,
  getSelectProps,
  useForm,
  type SubmissionResult,
} from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { CsrfInput, Field, FormErrors, Ltr, Notice } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import {
  clientIp,
  forbidden,
  notFound,
  requireTenantPermission,
} from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import type { Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import {
  assignFlowToNumber,
  cloneFlow,
  createFlow,
  FlowError,
  getFlowVersion,
  listFlows,
} from "~/modules/ivr/flows.server";
import {
  flowCloneSchema,
  flowCreateSchema,
  flowsActionSchema,
} from "~/modules/portal/ivr-pages";
import {
  listCloneSources,
  listNumberAssignments,
} from "~/modules/portal/ivr.server";
import ivrPagesCss from "~/styles/ivr-pages.css?url";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: portalCss },
  { rel: "stylesheet", href: ivrPagesCss },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(
    request,
    params.slug,
    "tenant.ivr.read"
  );
  const lang = (await i18nServer.getLocale(request)) as Language;
  const canClone = can(auth.actor, "tenants.manage");
  const [flows, numbers, sources] = await Promise.all([
    listFlows(tenant.id),
    listNumberAssignments(tenant.id),
    canClone
      ? listCloneSources(bureauCtx(auth, request), tenant.id)
      : Promise.resolve([]),
  ]);
  const sourceTenants = [
    ...new Map(
      sources.map((s) => [s.tenantId, { id: s.tenantId, name: s.tenantName }])
    ).values(),
  ];
  return {
    slug: tenant.slug,
    canManage: can(auth.actor, "tenant.ivr.manage", tenant.id),
    canClone,
    flows: flows.map((f) => ({
      id: f.id,
      name: f.name,
      draftVersion:
        f.draftVersion === null
          ? null
          : localizeDigits(String(f.draftVersion), lang),
      publishedVersion:
        f.publishedVersion === null
          ? null
          : localizeDigits(String(f.publishedVersion), lang),
      updated: formatDateTime(f.updatedAt, lang, tenant.timeZone),
      updatedIso: f.updatedAt.toISOString(),
    })),
    numbers,
    cloneTenants: sourceTenants,
    cloneFlows: sources.map((s) => ({
      tenantId: s.tenantId,
      id: s.flowId,
      name: s.flowName,
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(
    request,
    params.slug,
    "tenant.ivr.manage"
  );
  const intent = String(formData.get("intent") ?? "");
  // Cloning reads other tenants' flows: bureau staff who manage tenants only.
  if (intent === "clone" && !can(auth.actor, "tenants.manage")) forbidden();
  const submission = parseWithZod(formData, { schema: flowsActionSchema });
  if (submission.status !== "success")
    return data(
      { intent, result: submission.reply(), notice: null },
      { status: 400 }
    );
  const input = submission.value;
  const actor = {
    userId: auth.user.id,
    label: auth.user.email,
    ip: clientIp(request),
  };
  try {
    if (input.intent === "create") {
      const flow = await createFlow(tenant.id, input.name, actor);
      return redirect(`/t/${tenant.slug}/ivr/${flow.id}`);
    }
    if (input.intent === "assign") {
      await assignFlowToNumber(
        tenant.id,
        input.numberId,
        input.flowId || null,
        actor
      );
      return {
        intent,
        result: submission.reply(),
        notice: input.flowId
          ? "flows.notice.assigned"
          : "flows.notice.unassigned",
      };
    }
    const source =
      (await getFlowVersion(
        input.sourceTenantId,
        input.sourceFlowId,
        "published"
      )) ??
      (await getFlowVersion(input.sourceTenantId, input.sourceFlowId, "draft"));
    if (!source || input.sourceTenantId === tenant.id) {
      return data(
        {
          intent,
          result: submission.reply({
            fieldErrors: { sourceFlowId: ["ivr:flows.errors.sourceNotFound"] },
          }),
          notice: null,
        },
        { status: 400 }
      );
    }
    // Validated against this tenant's own languages and queues (see cloneFlow).
    const cloned = await cloneFlow(
      bureauCtx(auth, request),
      input.sourceTenantId,
      input.sourceFlowId,
      tenant.id,
      input.name
    );
    return redirect(`/t/${tenant.slug}/ivr/${cloned.flowId}`);
  } catch (err) {
    if (!(err instanceof FlowError)) throw err;
    if (err.key === "nameTaken")
      return data(
        {
          intent,
          result: submission.reply({
            fieldErrors: { name: ["ivr:flows.errors.nameTaken"] },
          }),
          notice: null,
        },
        { status: 400 }
      );
    if (err.key === "invalidDefinition")
      return data(
        {
          intent,
          result: submission.reply({
            fieldErrors: { name: ["validation:required"] },
          }),
          notice: null,
        },
        { status: 400 }
      );
    if (err.key === "notFound" && input.intent === "clone") {
      return data(
        {
          intent,
          result: submission.reply({
            fieldErrors: { sourceFlowId: ["ivr:flows.errors.sourceNotFound"] },
          }),
          notice: null,
        },
        { status: 400 }
      );
    }
    // Another tenant's (or an unknown) number or flow: not found, as everywhere in the portal.
    notFound();
  }
}

export default function IvrFlows() {
  const {
    slug,
    flows,
    numbers,
    canManage,
    canClone,
    cloneTenants,
    cloneFlows,
  } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("ivr");
  const busy = navigation.state !== "idle";
  const assignErrors =
    actionData?.intent === "assign"
      ? [
          ...new Set(
            Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? [])
          ),
        ]
      : null;

  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("flows.title")}</h2>
      </div>
      <p className="muted">{t("flows.intro")}</p>
      {actionData?.notice ? <Notice>{t(actionData.notice)}</Notice> : null}
      {!canManage ? <p className="muted">{t("flows.readOnly")}</p> : null}

      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t("flows.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("flows.table.name")}</th>
              <th scope="col">{t("flows.table.draft")}</th>
              <th scope="col">{t("flows.table.published")}</th>
              <th scope="col">{t("flows.table.updated")}</th>
            </tr>
          </thead>
          <tbody>
            {flows.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  {t("flows.empty")}
                </td>
              </tr>
            ) : null}
            {flows.map((f) => (
              <tr key={f.id} data-testid="flow-row">
                <td>
                  <Link to={`/t/${slug}/ivr/${f.id}`} prefetch="intent">
                    {f.name}
                  </Link>
                </td>
                <td>
                  {f.draftVersion ? (
                    t("flows.versionNo", { version: f.draftVersion })
                  ) : (
                    <span className="muted">{t("flows.none")}</span>
                  )}
                </td>
                <td>
                  {f.publishedVersion ? (
                    <span className="badge badge--ok">
                      {t("flows.versionNo", { version: f.publishedVersion })}
                    </span>
                  ) : (
                    <span className="muted">{t("flows.notPublished")}</span>
                  )}
                </td>
                <td>
                  <time dateTime={f.updatedIso}>{f.updated}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {canManage ? (
        <CreateFlowForm
          lastResult={
            actionData?.intent === "create" ? actionData.result : undefined
          }
          busy={busy}
        />
      ) : null}

      <section className="card" aria-labelledby="ivr-numbers-title">
        <h3 id="ivr-numbers-title">{t("flows.numbers.title")}</h3>
        <p className="field-hint">{t("flows.numbers.hint")}</p>
        <FormErrors errors={assignErrors} />
        {numbers.length === 0 ? (
          <p className="muted">{t("flows.numbers.empty")}</p>
        ) : (
          <ul className="ivr-numbers">
            {numbers.map((n) => {
              const current = flows.find((f) => f.id === n.flowId);
              return (
                <li
                  key={n.id}
                  className="ivr-numbers__row"
                  data-testid="number-row"
                >
                  <span className="ivr-numbers__number">
                    <Ltr>{n.e164}</Ltr>
                    {n.label ? <span className="muted"> {n.label}</span> : null}
                  </span>
                  {canManage ? (
                    <Form method="post" className="inline-form">
                      <CsrfInput />
                      <input type="hidden" name="intent" value="assign" />
                      <input type="hidden" name="numberId" value={n.id} />
                      <label
                        htmlFor={`assign-${n.id}`}
                        className="visually-hidden"
                      >
                        {t("flows.numbers.flowFor", { number: n.e164 })}
                      </label>
                      <select
                        id={`assign-${n.id}`}
                        name="flowId"
                        defaultValue={n.flowId ?? ""}
                        key={n.flowId ?? ""}
                      >
                        <option value="">{t("flows.numbers.noFlow")}</option>
                        {flows.map((f) => (
                          <option key={f.id} value={f.id}>
                            {f.name}
                          </option>
                        ))}
                      </select>
                      <button
                        type="submit"
                        className="button button--ghost button--small"
                        disabled={busy}
                      >
                        {t("flows.numbers.assign")}
                        <span className="visually-hidden"> {n.e164}</span>
                      </button>
                    </Form>
                  ) : (
                    <span>
                      {current ? (
                        current.name
                      ) : (
                        <span className="muted">
                          {t("flows.numbers.noFlow")}
                        </span>
                      )}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>

      {canManage && canClone ? (
        <CloneFlowForm
          lastResult={
            actionData?.intent === "clone" ? actionData.result : undefined
          }
          busy={busy}
          tenants={cloneTenants}
          flows={cloneFlows}
        />
      ) : null}
    </div>
  );
}

function CreateFlowForm({
  lastResult,
  busy,
}: {
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
}) {
  const { t } = useTranslation("ivr");
  const [form, fields] = useForm({
    id: "flow-create",
    lastResult,
    constraint: getZodConstraint(flowCreateSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) =>
      parseWithZod(formData, { schema: flowCreateSchema }),
  });
  const { key: _n, ...nameProps } = getInputProps(fields.name, {
    type: "text",
  });
  return (
    <section className="card" aria-labelledby="flow-create-title">
      <h3 id="flow-create-title">{t("flows.create.title")}</h3>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="create" />
        <FormErrors errors={form.errors} />
        <Field
          label={t("flows.create.name")}
          hint={t("flows.create.hint")}
          htmlFor={fields.name.id}
          errors={fields.name.errors}
          errorId={fields.name.errorId}
        >
          <input {...nameProps} autoComplete="off" />
        </Field>
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("flows.create.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}

interface CloneProps {
  lastResult: SubmissionResult<string[]> | undefined;
  busy: boolean;
  tenants: { id: string; name: string }[];
  flows: { tenantId: string; id: string; name: string }[];
}

function CloneFlowForm({ lastResult, busy, tenants, flows }: CloneProps) {
  const { t } = useTranslation("ivr");
  const [form, fields] = useForm({
    id: "flow-clone",
    lastResult,
    constraint: getZodConstraint(flowCloneSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) =>
      parseWithZod(formData, { schema: flowCloneSchema }),
  });
  const [sourceTenant, setSourceTenant] = useState("");
  const { key: _t, ...tenantProps } = getSelectProps(fields.sourceTenantId);
  const { key: _f, ...flowProps } = getSelectProps(fields.sourceFlowId);
  const { key: _n, ...nameProps } = getInputProps(fields.name, {
    type: "text",
  });
  const groups = sourceTenant
    ? tenants.filter((x) => x.id === sourceTenant)
    : tenants;
  return (
    <section className="card" aria-labelledby="flow-clone-title">
      <h3 id="flow-clone-title">{t("flows.clone.title")}</h3>
      <p className="field-hint">{t("flows.clone.hint")}</p>
      {tenants.length === 0 ? (
        <p className="muted">{t("flows.clone.empty")}</p>
      ) : (
        <Form method="post" className="form" {...getFormProps(form)}>
          <CsrfInput />
          <input type="hidden" name="intent" value="clone" />
          <FormErrors errors={form.errors} />
          <div className="form-row">
            <Field
              label={t("flows.clone.sourceTenant")}
              htmlFor={fields.sourceTenantId.id}
              errors={fields.sourceTenantId.errors}
              errorId={fields.sourceTenantId.errorId}
            >
              <select
                {...tenantProps}
                onChange={(e) => setSourceTenant(e.target.value)}
              >
                <option value="">{t("flows.clone.chooseTenant")}</option>
                {tenants.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label={t("flows.clone.sourceFlow")}
              htmlFor={fields.sourceFlowId.id}
              errors={fields.sourceFlowId.errors}
              errorId={fields.sourceFlowId.errorId}
            >
              {/* Without a chosen tenant (or without JavaScript) every flow is offered, grouped by tenant. */}
              <select {...flowProps} key={sourceTenant}>
                <option value="">{t("flows.clone.chooseFlow")}</option>
                {groups.map((g) => (
                  <optgroup key={g.id} label={g.name}>
                    {flows
                      .filter((f) => f.tenantId === g.id)
                      .map((f) => (
                        <option key={f.id} value={f.id}>
                          {f.name}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
            </Field>
            <Field
              label={t("flows.clone.name")}
              htmlFor={fields.name.id}
              errors={fields.name.errors}
              errorId={fields.name.errorId}
            >
              <input {...nameProps} autoComplete="off" />
            </Field>
          </div>
          <div>
            <button type="submit" className="button" disabled={busy}>
              {t("flows.clone.submit")}
            </button>
          </div>
        </Form>
      )}
    </section>
  );
}
