import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice } from "~/components/bureau-ui";
import { CsrfInput, ErrorList, Field, FormErrors, Ltr, RowActionForm } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { isUuid, runBureauWrite } from "~/modules/bureau/http.server";
import { getTenant } from "~/modules/tenancy/manage.server";
import { addNumber, listNumbers, removeNumber } from "~/modules/tenancy/numbers.server";
import { CHANNELS, phoneNumberSchema } from "~/modules/tenancy/schemas";

export const links = bureauLinks;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const ctx = bureauCtx(auth, request);
  const tenant = await getTenant(ctx, params.tenantId ?? "");
  if (!tenant) notFound();
  const numbers = await listNumbers(ctx, tenant.id);
  return {
    numbers: numbers.map((n) => ({ id: n.id, e164: n.e164, label: n.label, channels: n.channels })),
    canManage: can(auth.actor, "tenants.manage"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "tenants.manage");
  const tenantId = params.tenantId ?? "";
  const ctx = bureauCtx(auth, request);
  if (formData.get("intent") === "remove") {
    const id = formData.get("id");
    if (!isUuid(id)) notFound();
    await runBureauWrite(null, () => removeNumber(ctx, tenantId, id));
    return redirect(`/bureau/tenants/${tenantId}/numbers?notice=removed`);
  }
  const submission = parseWithZod(formData, { schema: phoneNumberSchema });
  if (submission.status !== "success") return submission.reply();
  const failed = await runBureauWrite(submission, () => addNumber(ctx, tenantId, submission.value));
  if (failed) return failed;
  return redirect(`/bureau/tenants/${tenantId}/numbers?notice=added`);
}

export default function TenantNumbers() {
  const { numbers, canManage } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const [form, fields] = useForm({
    id: "add-number",
    lastResult,
    defaultValue: { channels: ["voice"] },
    constraint: getZodConstraint(phoneNumberSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: phoneNumberSchema }),
  });
  const channelValues = Array.isArray(fields.channels.initialValue) ? fields.channels.initialValue : [fields.channels.initialValue];
  return (
    <>
      <FlashNotice notice={params.get("notice")} messages={{ added: t("tenants.phone.added"), removed: t("tenants.phone.removed") }} />
      <h2>{t("tenants.phone.title")}</h2>
      {numbers.length === 0 ? (
        <p className="muted">{t("tenants.phone.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("tenants.phone.number")}</th>
                <th scope="col">{t("tenants.phone.label")}</th>
                <th scope="col">{t("tenants.phone.channels")}</th>
                {canManage ? (
                  <th scope="col">
                    <span className="muted">{t("tenants.phone.remove")}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {numbers.map((n) => (
                <tr key={n.id}>
                  <td>
                    <Ltr>{n.e164}</Ltr>
                  </td>
                  <td>{n.label}</td>
                  <td>
                    <span className="bureau-tags">
                      {n.channels.map((c) => (
                        <span key={c} className="badge">
                          {t(`tenants.phone.channel.${c}`)}
                        </span>
                      ))}
                    </span>
                  </td>
                  {canManage ? (
                    <td>
                      <RowActionForm intent="remove" id={n.id} label={t("tenants.phone.remove")} ariaLabel={t("tenants.phone.removeLabel", { number: n.e164 })} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage ? (
        <section className="card" aria-labelledby="add-number-title" style={{ marginBlockStart: "1rem" }}>
          <h3 id="add-number-title">{t("tenants.phone.addTitle")}</h3>
          <Form method="post" className="form" {...getFormProps(form)}>
            <CsrfInput />
            <input type="hidden" name="intent" value="add" />
            <FormErrors errors={form.errors} />
            <div className="form-row">
              <Field
                label={t("tenants.phone.number")}
                hint={t("tenants.phone.numberHint")}
                htmlFor={fields.e164.id}
                errors={fields.e164.errors}
                errorId={fields.e164.errorId}
              >
                <input {...getInputProps(fields.e164, { type: "tel" })} dir="ltr" autoComplete="off" />
              </Field>
              <Field label={t("tenants.phone.label")} htmlFor={fields.label.id} errors={fields.label.errors} errorId={fields.label.errorId}>
                <input {...getInputProps(fields.label, { type: "text" })} />
              </Field>
            </div>
            <fieldset className="bureau-fieldset" aria-describedby={fields.channels.errors?.length ? fields.channels.errorId : undefined}>
              <legend>{t("tenants.phone.channels")}</legend>
              <div className="bureau-checks">
                {CHANNELS.map((c) => (
                  <label key={c} className="checkbox">
                    <input type="checkbox" name={fields.channels.name} value={c} defaultChecked={channelValues.includes(c)} />
                    {t(`tenants.phone.channel.${c}`)}
                  </label>
                ))}
              </div>
              <ErrorList id={fields.channels.errorId} errors={fields.channels.errors} />
            </fieldset>
            <div>
              <button type="submit" className="button">
                {t("tenants.phone.add")}
              </button>
            </div>
          </Form>
        </section>
      ) : null}
    </>
  );
}
