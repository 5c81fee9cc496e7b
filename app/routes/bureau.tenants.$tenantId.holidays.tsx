import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice, useLang } from "~/components/bureau-ui";
import { AddHolidayForm, HolidayTable, markedDays } from "~/components/business-calendar";
import { calendarPickerLinks } from "~/components/calendar-picker";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { isUuid, runBureauWrite } from "~/modules/bureau/http.server";
import type { Language } from "~/modules/i18n/config";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { addHoliday, listHolidays, removeHoliday } from "~/modules/tenancy/calendar.server";
import { getTenant } from "~/modules/tenancy/manage.server";
import { holidaySchema } from "~/modules/tenancy/schemas";

export const links: LinksFunction = () => [...bureauLinks(), ...calendarPickerLinks()];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const ctx = bureauCtx(auth, request);
  const tenant = await getTenant(ctx, params.tenantId ?? "");
  if (!tenant) notFound();
  return {
    slug: tenant.slug,
    timeZone: tenant.timeZone,
    holidays: await listHolidays(ctx, tenant.id),
    canManage: can(auth.actor, "tenants.manage"),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "tenants.manage");
  const tenantId = params.tenantId ?? "";
  const ctx = bureauCtx(auth, request);
  if (formData.get("intent") === "removeHoliday") {
    const id = formData.get("id");
    if (!isUuid(id)) notFound();
    await runBureauWrite(null, () => removeHoliday(ctx, tenantId, id));
    return redirect(`/bureau/tenants/${tenantId}/holidays?notice=removed`);
  }
  // The day is read in the calendar of the language the form was shown in (Jalali in Persian).
  const lang = (await i18nServer.getLocale(request)) as Language;
  const submission = parseWithZod(formData, { schema: holidaySchema(lang) });
  if (submission.status !== "success") return submission.reply();
  const failed = await runBureauWrite(submission, () => addHoliday(ctx, tenantId, submission.value));
  if (failed) return failed;
  return redirect(`/bureau/tenants/${tenantId}/holidays?notice=added`);
}

export default function TenantHolidays() {
  const { slug, timeZone, holidays, canManage } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const [params] = useSearchParams();
  const { t } = useTranslation("calendar");
  const lang = useLang();
  return (
    <>
      <FlashNotice notice={params.get("notice")} messages={{ added: t("holidays.added"), removed: t("holidays.removed") }} />
      <h2>{t("holidays.title")}</h2>
      <p className="muted">
        <Link to={`/t/${slug}/hours`}>{t("page.portalLink")}</Link>
      </p>
      <HolidayTable holidays={holidays} canManage={canManage} lang={lang} />
      {canManage ? (
        <div style={{ marginBlockStart: "1rem" }}>
          <AddHolidayForm lastResult={lastResult} lang={lang} marked={markedDays(holidays, [])} timeZone={timeZone} />
        </div>
      ) : null}
    </>
  );
}
