import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Money } from "~/components/billing-ui";
import { StatusBadge, useLang } from "~/components/bureau-ui";
import { Ltr } from "~/components/forms";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { tenantPlans } from "~/modules/billing/console.server";
import { billingSettings } from "~/modules/billing/settings.server";
import { toWire } from "~/modules/billing/wire";
import { bureauCtx } from "~/modules/bureau/context.server";
import { formatDate, formatNumber } from "~/modules/i18n/format";

/** Every client company with the rate plan version in force and the next one scheduled. */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "billing.read");
  const [rows, settings] = await Promise.all([tenantPlans(bureauCtx(auth, request)), billingSettings()]);
  return { rows: toWire(rows), display: settings.currencyDisplay, canManage: can(auth.actor, "billing.manage") };
}

export default function PlansList() {
  const { rows, display, canManage } = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  const lang = useLang();
  return (
    <section aria-labelledby="plans-title" className="stack">
      <h2 id="plans-title">{t("console.plans.title")}</h2>
      <p className="field-hint">{t("console.plans.intro")}</p>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("console.plans.tenant")}</th>
              <th scope="col">{t("console.plans.current")}</th>
              <th scope="col" className="num">
                {t("console.plans.baseFee")}
              </th>
              <th scope="col">{t("console.plans.next")}</th>
              <th scope="col">{t("console.plans.versions")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("console.plans.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.tenant.id} data-tenant={r.tenant.slug}>
                <th scope="row">
                  {r.tenant.name} <Ltr>{r.tenant.slug}</Ltr> {r.tenant.status !== "active" ? <StatusBadge status={r.tenant.status} /> : null}
                </th>
                <td>
                  {r.current
                    ? t("console.plans.versionSince", { version: formatNumber(r.current.version, lang), date: formatDate(r.current.effectiveFrom, lang, r.tenant.timeZone) })
                    : t("console.plans.noPlan")}
                </td>
                <td className="num">{r.current ? <Money value={r.current.baseFee} currency={r.current.currency} display={display} /> : "–"}</td>
                <td>{r.next ? t("console.plans.versionSince", { version: formatNumber(r.next.version, lang), date: formatDate(r.next.effectiveFrom, lang, r.tenant.timeZone) }) : "–"}</td>
                <td>{formatNumber(r.versions, lang)}</td>
                <td>
                  <Link to={`/bureau/billing/plans/${r.tenant.id}`}>{canManage ? t("console.plans.edit") : t("console.plans.view")}</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
