import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import {
  AddHolidayForm,
  HolidayTable,
  markedDays,
  SpecialDayForm,
  SpecialDaysTable,
  WeeklyHoursForm,
  WeeklyHoursTable,
} from "~/components/business-calendar";
import { calendarPickerLinks } from "~/components/calendar-picker";
import { Notice } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, notFound, requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { isUuid, runBureauWrite } from "~/modules/bureau/http.server";
import type { Language } from "~/modules/i18n/config";
import { formatCalendarDay, parseGregorianDate } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { calendarStatus } from "~/modules/ivr/calendar";
import { tenantCalendar, tenantCalendarPage } from "~/modules/tenancy/calendar.server";
import { businessHoursSchema, holidaySchema, specialHoursSchema } from "~/modules/tenancy/schemas";
import calendarCss from "~/styles/calendar.css?url";

export const links: LinksFunction = () => [...calendarPickerLinks(), { rel: "stylesheet", href: calendarCss }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.hours.read");
  const page = await tenantCalendarPage(tenant.id);
  const today = new Date();
  return {
    ...page,
    timeZone: tenant.timeZone,
    // What the IVR's hours branch would decide right now, so an edit can be checked at a glance.
    statusNow: calendarStatus(
      {
        timeZone: tenant.timeZone,
        hours: page.hours,
        holidays: page.holidays,
        specialHours: page.specialDays.flatMap((d) => d.ranges.map((r) => ({ day: d.day, ...r }))),
      },
      today,
    ),
    canManage: can(auth.actor, "tenant.hours.manage", tenant.id),
  };
}

type Intent = "hours" | "addHoliday" | "removeHoliday" | "setSpecial" | "removeSpecial";

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.hours.manage");
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  // The day is read in the calendar of the language the form was shown in (Jalali in Persian).
  const lang = (await i18nServer.getLocale(request)) as Language;
  const intent = String(formData.get("intent") ?? "") as Intent;

  switch (intent) {
    case "hours": {
      const submission = parseWithZod(formData, { schema: businessHoursSchema });
      if (submission.status !== "success") return { intent, result: submission.reply(), notice: null };
      await tenantCalendar.setHours(tenant.id, submission.value.ranges, actor);
      return { intent, result: submission.reply({ resetForm: true }), notice: { key: "hours.saved" } };
    }
    case "addHoliday": {
      const submission = parseWithZod(formData, { schema: holidaySchema(lang) });
      if (submission.status !== "success") return { intent, result: submission.reply(), notice: null };
      const failed = await runBureauWrite(submission, () => tenantCalendar.addHoliday(tenant.id, submission.value, actor));
      if (failed) return { intent, result: failed, notice: null };
      return { intent, result: submission.reply({ resetForm: true }), notice: { key: "holidays.added" } };
    }
    case "setSpecial": {
      const submission = parseWithZod(formData, { schema: specialHoursSchema(lang) });
      if (submission.status !== "success") return { intent, result: submission.reply(), notice: null };
      const failed = await runBureauWrite(submission, () => tenantCalendar.setSpecialDay(tenant.id, submission.value, actor));
      if (failed) return { intent, result: failed, notice: null };
      return {
        intent,
        result: submission.reply({ resetForm: true }),
        notice: { key: "special.saved", day: formatCalendarDay(submission.value.day, lang) },
      };
    }
    case "removeHoliday": {
      const id = formData.get("id");
      if (!isUuid(id)) notFound();
      await runBureauWrite(null, () => tenantCalendar.removeHoliday(tenant.id, id, actor));
      return { intent, result: undefined, notice: { key: "holidays.removed" } };
    }
    case "removeSpecial": {
      const day = parseGregorianDate(String(formData.get("id") ?? ""));
      if (!day) notFound();
      await runBureauWrite(null, () => tenantCalendar.removeSpecialDay(tenant.id, day, actor));
      return { intent, result: undefined, notice: { key: "special.removed" } };
    }
    default:
      throw new Response(null, { status: 400, statusText: "Bad Request" });
  }
}

export default function TenantHours() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("calendar");
  const lang = useLang();
  const marked = markedDays(data.holidays, data.specialDays);
  const resultFor = (intent: Intent) => (actionData?.intent === intent ? (actionData.result ?? undefined) : undefined);

  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("page.title")}</h2>
      </div>
      <p className="muted">{t("page.intro", { zone: data.timeZone })}</p>
      <p data-testid="calendar-status">
        <span className={`badge ${data.statusNow === "open" ? "badge--ok" : "badge--off"}`}>
          {t("page.statusNow", { status: t(`page.status.${data.statusNow}`) })}
        </span>
      </p>
      {actionData?.notice ? (
        <Notice>{t(actionData.notice.key, "day" in actionData.notice ? { day: actionData.notice.day } : undefined)}</Notice>
      ) : null}
      {!data.canManage ? <p className="muted">{t("page.readOnly")}</p> : null}

      <section className="card" aria-labelledby="hours-title">
        <h3 id="hours-title">{t("hours.title")}</h3>
        {data.canManage ? (
          <>
            <p className="muted">{t("hours.help")}</p>
            <WeeklyHoursForm hours={data.hours} lastResult={resultFor("hours")} lang={lang} />
          </>
        ) : (
          <WeeklyHoursTable hours={data.hours} lang={lang} />
        )}
      </section>

      <section className="card" aria-labelledby="special-title">
        <h3 id="special-title">{t("special.title")}</h3>
        <p className="muted">{t("special.help")}</p>
        <SpecialDaysTable days={data.specialDays} canManage={data.canManage} lang={lang} />
      </section>
      {data.canManage ? <SpecialDayForm lastResult={resultFor("setSpecial")} lang={lang} marked={marked} timeZone={data.timeZone} /> : null}

      <section className="card" aria-labelledby="holidays-title">
        <h3 id="holidays-title">{t("holidays.title")}</h3>
        <HolidayTable holidays={data.holidays} canManage={data.canManage} lang={lang} />
      </section>
      {data.canManage ? <AddHolidayForm lastResult={resultFor("addHoliday")} lang={lang} marked={marked} timeZone={data.timeZone} /> : null}
    </div>
  );
}
