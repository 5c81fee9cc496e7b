import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, Field, FormErrors, Ltr, Notice } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, requireTenantPermission } from "~/modules/auth/guards.server";
import { can, CLIENT_ROLES } from "~/modules/auth/permissions";
import type { Language } from "~/modules/i18n/config";
import { formatDate } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { memberActionSchema, memberAddSchema } from "~/modules/portal/forms";
import { addMember, changeMemberRole, listMembers, MemberError, removeMember } from "~/modules/portal/members.server";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.members.read");
  const lang = (await i18nServer.getLocale(request)) as Language;
  const members = await listMembers(tenant.id);
  return {
    canManage: can(auth.actor, "tenant.members.manage", tenant.id),
    selfId: auth.user.id,
    members: members.map((m) => ({
      userId: m.userId,
      name: m.name,
      email: m.email,
      role: m.role,
      hasPassword: m.hasPassword,
      added: formatDate(m.addedAt, lang, tenant.timeZone),
      addedIso: m.addedAt.toISOString(),
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.members.manage");
  const submission = parseWithZod(formData, { schema: memberActionSchema });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return { intent, result: submission.reply(), notice: null };
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  const input = submission.value;
  try {
    if (input.intent === "add") {
      const { created } = await addMember(tenant.id, { email: input.email, name: input.name, role: input.role }, actor);
      return {
        intent,
        result: submission.reply({ resetForm: true }),
        notice: { key: created ? "members.notice.addedNew" : "members.notice.added", email: input.email },
      };
    }
    if (input.intent === "role") {
      await changeMemberRole(tenant.id, input.userId, input.role, actor);
      return { intent, result: submission.reply(), notice: { key: "members.notice.roleChanged", email: "" } };
    }
    await removeMember(tenant.id, input.userId, actor);
    return { intent, result: submission.reply(), notice: { key: "members.notice.removed", email: "" } };
  } catch (err) {
    if (err instanceof MemberError) {
      return { intent, result: submission.reply({ formErrors: [`portal:members.errors.${err.key}`] }), notice: null };
    }
    throw err;
  }
}

export default function TenantMembers() {
  const { members, canManage, selfId } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("portal");
  const busy = navigation.state !== "idle";
  // Row forms (role, remove, revoke) have no fields of their own to show errors next to: show them all here.
  const rowErrors =
    actionData && actionData.intent !== "add" ? [...new Set(Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []))] : null;

  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("members.title")}</h2>
      </div>
      {actionData?.notice ? <Notice>{t(actionData.notice.key, { email: actionData.notice.email })}</Notice> : null}
      <FormErrors errors={rowErrors} />
      {!canManage ? <p className="muted">{t("members.readOnly")}</p> : null}

      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t("members.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("members.table.name")}</th>
              <th scope="col">{t("members.table.email")}</th>
              <th scope="col">{t("members.table.role")}</th>
              <th scope="col">{t("members.table.added")}</th>
              {canManage ? <th scope="col">{t("members.table.actions")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {members.length === 0 ? (
              <tr>
                <td colSpan={canManage ? 5 : 4} className="muted">
                  {t("members.empty")}
                </td>
              </tr>
            ) : null}
            {members.map((m) => (
              <tr key={m.userId} data-testid="member-row">
                <td>
                  {m.name}
                  {!m.hasPassword ? (
                    <>
                      {" "}
                      <span className="badge">{t("members.noPassword")}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  <Ltr>{m.email}</Ltr>
                </td>
                <td>{canManage ? <RoleForm userId={m.userId} name={m.name} role={m.role} busy={busy} /> : t(`common:roles.${m.role}`)}</td>
                <td>
                  <time dateTime={m.addedIso}>{m.added}</time>
                </td>
                {canManage ? (
                  <td>
                    <Form
                      method="post"
                      className="inline-form"
                      onSubmit={(e) => {
                        const message = m.userId === selfId ? t("members.confirmRemoveSelf") : t("members.confirmRemove", { name: m.name });
                        if (!window.confirm(message)) e.preventDefault();
                      }}
                    >
                      <CsrfInput />
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="userId" value={m.userId} />
                      <button type="submit" className="button button--danger button--small" disabled={busy}>
                        {t("common:actions.remove")}
                        <span className="visually-hidden"> {m.name}</span>
                      </button>
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {canManage ? <AddMemberForm lastResult={actionData?.intent === "add" ? actionData.result : undefined} busy={busy} /> : null}
    </div>
  );
}

function RoleForm({ userId, name, role, busy }: { userId: string; name: string; role: string; busy: boolean }) {
  const { t } = useTranslation("portal");
  const id = `role-${userId}`;
  return (
    <Form method="post" className="inline-form">
      <CsrfInput />
      <input type="hidden" name="intent" value="role" />
      <input type="hidden" name="userId" value={userId} />
      <label htmlFor={id} className="visually-hidden">
        {t("members.roleFor", { name })}
      </label>
      <select id={id} name="role" defaultValue={role} key={role}>
        {CLIENT_ROLES.map((r) => (
          <option key={r} value={r}>
            {t(`common:roles.${r}`)}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--ghost button--small" disabled={busy}>
        {t("members.changeRole")}
        <span className="visually-hidden"> {name}</span>
      </button>
    </Form>
  );
}

function AddMemberForm({ lastResult, busy }: { lastResult: SubmissionResult<string[]> | undefined; busy: boolean }) {
  const { t } = useTranslation("portal");
  const [form, fields] = useForm({
    id: "member-add",
    lastResult,
    constraint: getZodConstraint(memberAddSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: { role: "client_viewer" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: memberAddSchema }),
  });
  const { key: _e, ...emailProps } = getInputProps(fields.email, { type: "email" });
  const { key: _n, ...nameProps } = getInputProps(fields.name, { type: "text" });
  const { key: _r, ...roleProps } = getSelectProps(fields.role);
  return (
    <section className="card" aria-labelledby="member-add-title">
      <h3 id="member-add-title">{t("members.add.title")}</h3>
      <p className="field-hint">{t("members.add.hint")}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="add" />
        <FormErrors errors={form.errors} />
        <div className="form-row">
          <Field label={t("members.add.email")} htmlFor={fields.email.id} errors={fields.email.errors} errorId={fields.email.errorId}>
            <input {...emailProps} autoComplete="off" dir="ltr" />
          </Field>
          <Field label={t("members.add.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
            <input {...nameProps} autoComplete="off" />
          </Field>
          <Field label={t("members.add.role")} htmlFor={fields.role.id} errors={fields.role.errors} errorId={fields.role.errorId}>
            <select {...roleProps}>
              {CLIENT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`common:roles.${r}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <div>
          <button type="submit" className="button" disabled={busy}>
            {t("members.add.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
