import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Ltr } from "~/components/forms";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import type { Language } from "~/modules/i18n/config";
import { formatCalendarDay, formatNumber, localizeDigits, weekdayName, weekdayOrder } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { getTenantOverview } from "~/modules/portal/overview.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { tenant } = await requireTenantPermission(request, params.slug, "tenant.view");
  const lang = (await i18nServer.getLocale(request)) as Language;
  const overview = await getTenantOverview(tenant);
  const byDay = new Map<number, { opensAt: string; closesAt: string }[]>();
  for (const h of overview.hours) byDay.set(h.weekday, [...(byDay.get(h.weekday) ?? []), h]);
  return {
    tenant: { name: tenant.name, status: tenant.status, defaultLocale: tenant.defaultLocale, timeZone: tenant.timeZone },
    numbers: overview.numbers,
    // Saturday first in Persian (the Iranian week), Monday first otherwise.
    week: weekdayOrder(lang).map((weekday) => ({
      weekday,
      name: weekdayName(weekday, lang),
      ranges: (byDay.get(weekday) ?? []).map((r) => ({ from: localizeDigits(r.opensAt, lang), to: localizeDigits(r.closesAt, lang) })),
    })),
    holidays: overview.holidays.map((h) => ({ ...h, label: formatCalendarDay(h.day, lang) })),
    memberCount: formatNumber(overview.memberCount, lang),
  };
}

export default function TenantOverview() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("portal");
  return (
    <div className="stack">
      <section className="card" aria-labelledby="overview-profile">
        <h2 id="overview-profile">{t("overview.title")}</h2>
        <dl className="definition-list">
          <dt>{t("overview.name")}</dt>
          <dd>{data.tenant.name}</dd>
          <dt>{t("overview.status")}</dt>
          <dd>
            <span className={`badge ${data.tenant.status === "active" ? "badge--ok" : "badge--off"}`}>
              {t(`common:status.${data.tenant.status}`)}
            </span>
          </dd>
          <dt>{t("overview.defaultLanguage")}</dt>
          <dd>{t(`common:language.${data.tenant.defaultLocale}`)}</dd>
          <dt>{t("overview.timeZone")}</dt>
          <dd>
            <Ltr>{data.tenant.timeZone}</Ltr>
          </dd>
          <dt>{t("overview.members")}</dt>
          <dd data-testid="member-count">{data.memberCount}</dd>
        </dl>
      </section>

      <div className="cards">
        <section className="card" aria-labelledby="overview-numbers">
          <h2 id="overview-numbers">{t("overview.numbers.title")}</h2>
          {data.numbers.length === 0 ? (
            <p className="muted">{t("overview.numbers.empty")}</p>
          ) : (
            <ul className="hours-list">
              {data.numbers.map((n) => (
                <li key={n.id}>
                  <span>
                    <Ltr>{n.e164}</Ltr>
                    {n.label ? <span className="muted"> · {n.label}</span> : null}
                  </span>
                  <span className="muted">{n.channels.map((c) => t(`overview.channels.${c}`, { defaultValue: c })).join(t("overview.separator"))}</span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="overview-hours">
          <h2 id="overview-hours">{t("overview.hours.title")}</h2>
          {data.week.every((d) => d.ranges.length === 0) ? (
            <p className="muted">{t("overview.hours.empty")}</p>
          ) : (
            <ul className="hours-list">
              {data.week.map((d) => (
                <li key={d.weekday}>
                  <span>{d.name}</span>
                  <span>
                    {d.ranges.length === 0
                      ? t("overview.hours.closed")
                      : d.ranges.map((r, i) => (
                          <span key={i}>
                            {i > 0 ? t("overview.separator") : null}
                            <Ltr>
                              {r.from}–{r.to}
                            </Ltr>
                          </span>
                        ))}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="card" aria-labelledby="overview-holidays">
          <h2 id="overview-holidays">{t("overview.holidays.title")}</h2>
          {data.holidays.length === 0 ? (
            <p className="muted">{t("overview.holidays.empty")}</p>
          ) : (
            <ul className="hours-list">
              {data.holidays.map((h) => (
                <li key={h.day}>
                  <span>{h.name}</span>
                  <time dateTime={h.day}>{h.label}</time>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
