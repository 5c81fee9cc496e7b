import type { SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatPercentBp, Money, periodTitle, PreviewSummary } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { calendarPickerLinks } from "~/components/calendar-picker";
import { Ltr, Notice } from "~/components/forms";
import { PlanEditorForm } from "~/components/plan-editor";
import { PermissionDenied } from "~/modules/auth/bureau.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { forbidden, notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { billingTenant, planEditor, previewPlanVersion, savePlanVersion } from "~/modules/billing/console.server";
import { BillingError } from "~/modules/billing/errors";
import type { BillingCalendar } from "~/modules/billing/periods";
import { formPathOf, issueMessage, moneyUnitFor, planFormSchema, planToFormValues, effectiveDayOf } from "~/modules/billing/plan-form";
import { USAGE_KINDS } from "~/modules/billing/plan";
import { PlanInvalid } from "~/modules/billing/plans.server";
import { previewWire, toWire, type PreviewWire } from "~/modules/billing/wire";
import { bureauCtx } from "~/modules/bureau/context.server";
import { NotFoundError } from "~/modules/bureau/errors";
import { isUuid } from "~/modules/bureau/http.server";
import type { Language } from "~/modules/i18n/config";
import { formatDate, formatDateTime, formatNumber, intlLocale } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";

export const links: LinksFunction = () => [...calendarPickerLinks()];

/**
 * One tenant's rate plan: the versions so far (read-only: a version is never edited, a change is a
 * new version) and the form for the next one, with a preview of the running period rated by it
 * beside the plan in force. Looking needs "billing.read"; saving "billing.manage".
 */

async function tenantOr404(ctx: ReturnType<typeof bureauCtx>, tenantId: string | undefined) {
  if (!isUuid(tenantId)) notFound();
  try {
    return await billingTenant(ctx, tenantId);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "billing.read");
  const ctx = bureauCtx(auth, request);
  const tenant = await tenantOr404(ctx, params.tenantId);
  const lang = (await i18nServer.getLocale(request)) as Language;
  const data = await planEditor(ctx, tenant.id);
  const zone = tenant.timeZone;
  const base = data.latest?.plan ?? null;
  const defaults = planToFormValues(base, {
    lang,
    unit: moneyUnitFor(base?.currency ?? tenant.currency, data.settings.currencyDisplay),
    effectiveDay: effectiveDayOf(data.suggestedStart, zone),
    currency: tenant.currency,
  });
  return {
    tenant: { id: tenant.id, name: tenant.name, slug: tenant.slug, timeZone: zone, currency: tenant.currency },
    display: data.settings.currencyDisplay,
    canManage: data.canManage,
    defaults,
    today: effectiveDayOf(new Date(), zone),
    period: { label: data.period.label, calendar: data.period.calendar },
    closedThrough: data.closedThrough?.toISOString() ?? null,
    currentVersion: data.current?.version ?? null,
    queues: data.queues,
    versions: toWire(
      [...data.versions].reverse().map((v) => ({
        version: v.version,
        effectiveFrom: v.effectiveFrom,
        createdAt: v.createdAt,
        note: v.note,
        currency: v.plan.currency,
        baseFee: v.plan.baseFee,
        minimumCommitment: v.plan.minimumCommitment,
        vatRateBp: v.plan.vatRateBp,
        rounding: v.plan.minuteRounding.mode,
        proration: v.plan.proration,
        kinds: USAGE_KINDS.filter((k) => v.plan.pricing[k]),
        commitments: v.plan.sla.commitments.length,
      })),
    ),
  };
}

type ActionData = { result: SubmissionResult<string[]>; preview?: { current: PreviewWire | null; proposed: PreviewWire; asIfWholePeriod: boolean; period: { label: string; calendar: string } } };

/** conform's field name of a path: ["pricing", "chats", "tiers", 1, "upTo"] -> "pricing.chats.tiers[1].upTo". */
const fieldName = (path: readonly (string | number)[]) => path.reduce<string>((name, seg) => (typeof seg === "number" ? `${name}[${seg}]` : name ? `${name}.${seg}` : seg), "");

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "billing.read");
  const ctx = bureauCtx(auth, request);
  const tenant = await tenantOr404(ctx, params.tenantId);
  const lang = (await i18nServer.getLocale(request)) as Language;
  const submission = parseWithZod(formData, { schema: planFormSchema({ lang, timeZone: tenant.timeZone }) });
  if (submission.status !== "success") return { result: submission.reply() } satisfies ActionData;
  const refused = (error: unknown): ActionData => {
    if (error instanceof PlanInvalid) {
      const fieldErrors: Record<string, string[]> = {};
      for (const issue of error.issues) (fieldErrors[fieldName(formPathOf(issue.path))] ??= []).push(issueMessage(issue.code, issue.params));
      return { result: submission.reply({ fieldErrors }) };
    }
    if (error instanceof BillingError && (error.code === "periodClosed" || error.code === "duplicateEffectiveFrom")) {
      return { result: submission.reply({ fieldErrors: { effectiveDay: [`billing:errors.${error.code}`] } }) };
    }
    if (error instanceof BillingError) return { result: submission.reply({ formErrors: [`billing:errors.${error.code}`] }) };
    if (error instanceof PermissionDenied) forbidden();
    throw error;
  };
  const intent = String(formData.get("intent") ?? "save");
  if (intent === "preview") {
    try {
      const p = await previewPlanVersion(ctx, tenant.id, submission.value.plan);
      return {
        result: submission.reply(),
        preview: { current: p.current ? previewWire(p.current) : null, proposed: previewWire(p.proposed), asIfWholePeriod: p.asIfWholePeriod, period: { label: p.period.label, calendar: p.period.calendar } },
      } satisfies ActionData;
    } catch (error) {
      return refused(error);
    }
  }
  try {
    await savePlanVersion(ctx, tenant.id, submission.value.input, submission.value.note);
  } catch (error) {
    return refused(error);
  }
  return redirect(`/bureau/billing/plans/${tenant.id}?notice=saved`);
}

export default function PlanEditorPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const { t } = useTranslation("billing");
  const lang = useLang();
  const zone = data.tenant.timeZone;
  const preview = actionData?.preview;
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="muted" style={{ margin: 0 }}>
            <Link to="/bureau/billing/plans">{t("console.plans.back")}</Link>
          </p>
          <h2>{t("console.plan.title", { name: data.tenant.name })}</h2>
        </div>
        <Ltr>{data.tenant.slug}</Ltr>
      </div>
      {search.get("notice") === "saved" ? <Notice>{t("console.plan.saved")}</Notice> : null}
      {data.closedThrough ? <p className="field-hint">{t("console.plan.closedThrough", { date: formatDate(data.closedThrough, lang, zone) })}</p> : null}

      <section className="card" aria-labelledby="plan-versions">
        <h3 id="plan-versions">{t("console.plan.versions.title")}</h3>
        {data.versions.length === 0 ? (
          <p className="muted">{t("console.plan.versions.none")}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="plan-versions">
              <thead>
                <tr>
                  <th scope="col">{t("console.plan.versions.version")}</th>
                  <th scope="col">{t("console.plan.versions.effectiveFrom")}</th>
                  <th scope="col" className="num">
                    {t("console.plan.field.baseFee")}
                  </th>
                  <th scope="col" className="num">
                    {t("console.plan.field.minimumCommitment")}
                  </th>
                  <th scope="col">{t("console.plan.versions.vat")}</th>
                  <th scope="col">{t("console.plan.versions.kinds")}</th>
                  <th scope="col">{t("console.plan.versions.terms")}</th>
                  <th scope="col">{t("console.plan.versions.created")}</th>
                </tr>
              </thead>
              <tbody>
                {data.versions.map((v) => (
                  <tr key={v.version} aria-current={v.version === data.currentVersion ? "true" : undefined}>
                    <th scope="row">
                      {formatNumber(v.version, lang)} {v.version === data.currentVersion ? <span className="badge badge--ok">{t("console.plan.versions.inForce")}</span> : null}
                    </th>
                    <td>{formatDate(v.effectiveFrom, lang, zone)}</td>
                    <td className="num">
                      <Money value={v.baseFee} currency={v.currency} display={data.display} />
                    </td>
                    <td className="num">
                      <Money value={v.minimumCommitment} currency={v.currency} display={data.display} />
                    </td>
                    <td>{formatPercentBp(v.vatRateBp, lang)}</td>
                    <td>{v.kinds.length ? new Intl.ListFormat(intlLocale(lang), { type: "conjunction" }).format(v.kinds.map((k) => t(`kinds.${k}`))) : "–"}</td>
                    <td>
                      {t(`console.plan.rounding.${v.rounding}`)}; {t(`console.plan.proration.${v.proration}`)}
                      {v.commitments ? `; ${t("console.plan.versions.commitments", { count: v.commitments, n: formatNumber(v.commitments, lang) })}` : ""}
                    </td>
                    <td>
                      {formatDateTime(v.createdAt, lang, zone)}
                      {v.note ? <p className="field-hint">{v.note}</p> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="plan-new" className="stack">
        <h3 id="plan-new">{data.versions.length ? t("console.plan.newVersion") : t("console.plan.firstVersion")}</h3>
        {!data.canManage ? <p className="muted">{t("console.plan.readOnly")}</p> : null}
        <PlanEditorForm
          key={`${data.tenant.id}-${lang}`}
          lang={lang}
          timeZone={zone}
          defaultValue={data.defaults}
          lastResult={actionData?.result}
          queues={data.queues}
          today={data.today}
          disabled={!data.canManage}
        />
      </section>

      {preview ? (
        <section aria-labelledby="plan-preview" className="stack" data-testid="plan-preview">
          <h3 id="plan-preview">{t("console.plan.preview.title", { period: periodTitle(preview.period.label, preview.period.calendar as BillingCalendar, lang) })}</h3>
          {preview.asIfWholePeriod ? <Notice tone="info">{t("console.plan.preview.asIfWholePeriod")}</Notice> : null}
          <div className="billing-compare">
            {preview.current ? (
              <PreviewSummary preview={preview.current} display={data.display} title={t("console.plan.preview.current")} testId="preview-current" />
            ) : (
              <p className="muted">{t("console.plan.preview.noCurrent")}</p>
            )}
            <PreviewSummary preview={preview.proposed} display={data.display} title={t("console.plan.preview.proposed")} testId="preview-proposed" />
          </div>
        </section>
      ) : null}
    </div>
  );
}
