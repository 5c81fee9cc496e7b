import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice, useLang } from "~/components/bureau-ui";
import { WeeklyHoursForm, WeeklyHoursTable } from "~/components/business-calendar";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { runBureauWrite } from "~/modules/bureau/http.server";
import { getBusinessHours, setBusinessHours } from "~/modules/tenancy/calendar.server";
import { getTenant } from "~/modules/tenancy/manage.server";
import { businessHoursSchema } from "~/modules/tenancy/schemas";
import calendarCss from "~/styles/calendar.css?url";

export const links: LinksFunction = () => [...bureauLinks(), { rel: "stylesheet", href: calendarCss }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const ctx = bureauCtx(auth, request);
  const tenant = await getTenant(ctx, params.tenantId ?? "");
  if (!tenant) notFound();
  return { slug: tenant.slug, hours: await getBusinessHours(ctx, tenant.id), canManage: can(auth.actor, "tenants.manage") };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "tenants.manage");
  const tenantId = params.tenantId ?? "";
  const submission = parseWithZod(formData, { schema: businessHoursSchema });
  if (submission.status !== "success") return submission.reply();
  const failed = await runBureauWrite(submission, () => setBusinessHours(bureauCtx(auth, request), tenantId, submission.value.ranges));
  if (failed) return failed;
  return redirect(`/bureau/tenants/${tenantId}/hours?notice=saved`);
}

export default function TenantHours() {
  const { slug, hours, canManage } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("calendar");
  const lang = useLang();
  return (
    <>
      <FlashNotice notice={params.get("notice")} messages={{ saved: t("hours.saved") }} />
      <h2>{t("hours.title")}</h2>
      <p className="muted">
        <Link to={`/t/${slug}/hours`}>{t("page.portalLink")}</Link>
      </p>
      {canManage ? (
        <>
          <p className="muted">{t("hours.help")}</p>
          <WeeklyHoursForm hours={hours} lastResult={lastResult} lang={lang} />
        </>
      ) : (
        <>
          <p className="muted">{t("bureau:tenants.readOnly")}</p>
          <WeeklyHoursTable hours={hours} lang={lang} />
        </>
      )}
    </>
  );
}
