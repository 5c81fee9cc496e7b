import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { InvoiceStatusBadge, Money, periodTitle } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { Ltr, Notice } from "~/components/forms";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { consoleInvoices } from "~/modules/billing/console.server";
import { INVOICE_STATUSES, type InvoiceStatus } from "~/modules/billing/invoice-view";
import { isPeriodLabel } from "~/modules/billing/periods";
import { toWire } from "~/modules/billing/wire";
import { bureauCtx } from "~/modules/bureau/context.server";
import { isUuid } from "~/modules/bureau/http.server";
import { formatDate } from "~/modules/i18n/format";

/** Every tenant's invoices and credit notes, filtered by tenant, status and period (GET form: the URL is the filter). */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "billing.read");
  const url = new URL(request.url);
  const tenant = url.searchParams.get("tenant") ?? "";
  const status = url.searchParams.get("status") ?? "";
  const period = url.searchParams.get("period") ?? "";
  // Unknown filter values are ignored rather than refused: a stale bookmark still lists something.
  const filter = {
    tenantId: isUuid(tenant) ? tenant : undefined,
    status: (INVOICE_STATUSES as readonly string[]).includes(status) ? (status as InvoiceStatus) : undefined,
    periodLabel: isPeriodLabel(period) ? period : undefined,
  };
  const data = await consoleInvoices(bureauCtx(auth, request), filter);
  return {
    filter: { tenant: filter.tenantId ?? "", status: filter.status ?? "", period: filter.periodLabel ?? "" },
    invoices: toWire(data.invoices),
    tenants: data.tenants,
    periodLabels: data.periodLabels,
    calendar: data.settings.calendar,
    display: data.settings.currencyDisplay,
  };
}

export default function InvoicesList() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  const lang = useLang();
  const [search] = useSearchParams();
  return (
    <section className="stack" aria-labelledby="invoices-title">
      <h2 id="invoices-title">{t("console.invoices.title")}</h2>
      {search.get("notice") === "draftDeleted" ? <Notice>{t("console.invoices.draftDeleted")}</Notice> : null}
      <Form method="get" className="billing-filter" role="search">
        <div className="field">
          <label htmlFor="filter-tenant">{t("console.invoices.tenant")}</label>
          <select id="filter-tenant" name="tenant" defaultValue={data.filter.tenant}>
            <option value="">{t("console.invoices.allTenants")}</option>
            {data.tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-status">{t("console.invoices.status")}</label>
          <select id="filter-status" name="status" defaultValue={data.filter.status}>
            <option value="">{t("console.invoices.allStatuses")}</option>
            {INVOICE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`invoice.statuses.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="filter-period">{t("console.invoices.period")}</label>
          <select id="filter-period" name="period" defaultValue={data.filter.period}>
            <option value="">{t("console.invoices.allPeriods")}</option>
            {data.periodLabels.map((label) => (
              <option key={label} value={label}>
                {periodTitle(label, data.calendar, lang)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button button--ghost">
          {t("console.invoices.filter")}
        </button>
      </Form>
      {data.invoices.length === 0 ? (
        <p className="muted">{t("console.invoices.none")}</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="invoices">
            <thead>
              <tr>
                <th scope="col">{t("invoice.number")}</th>
                <th scope="col">{t("console.invoices.tenant")}</th>
                <th scope="col">{t("invoice.period")}</th>
                <th scope="col">{t("invoice.status")}</th>
                <th scope="col" className="num">
                  {t("invoice.total")}
                </th>
                <th scope="col" className="num">
                  {t("invoice.amountPaid")}
                </th>
                <th scope="col">{t("invoice.issued")}</th>
                <th scope="col">{t("invoice.due")}</th>
              </tr>
            </thead>
            <tbody>
              {data.invoices.map((inv) => (
                <tr key={inv.id} data-status={inv.status}>
                  <th scope="row">
                    <Link to={`/bureau/billing/invoices/${inv.tenantId}/${inv.id}`}>{inv.number ? <Ltr>{inv.number}</Ltr> : t("invoice.draftNumber")}</Link>
                    {inv.kind === "credit_note" ? <p className="field-hint">{t("invoice.creditNote")}</p> : null}
                  </th>
                  <td>{inv.tenantName}</td>
                  <td>{periodTitle(inv.periodLabel, inv.calendar, lang)}</td>
                  <td>
                    <InvoiceStatusBadge status={inv.status} />
                  </td>
                  <td className="num">
                    <Money value={inv.total} currency={inv.currency} display={data.display} />
                  </td>
                  <td className="num">
                    <Money value={inv.amountPaid} currency={inv.currency} display={data.display} />
                  </td>
                  <td>{inv.issuedAt ? formatDate(inv.issuedAt, lang) : "–"}</td>
                  <td>{inv.dueAt ? formatDate(inv.dueAt, lang) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
