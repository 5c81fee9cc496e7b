import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, StatusBadge, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { Ltr } from "~/components/forms";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { formatDate, formatNumber } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";
import { listTenants } from "~/modules/tenancy/manage.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "tenants.list");
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 100);
  const tenants = await listTenants(bureauCtx(auth, request), { q });
  const { t } = await getT(request, "bureau");
  return {
    title: t("tenants.title"),
    q,
    canCreate: can(auth.actor, "tenants.create"),
    tenants: tenants.map((x) => ({ ...x, createdAt: x.createdAt.toISOString() })),
  };
}

export default function TenantsList() {
  const { q, canCreate, tenants } = useLoaderData<typeof loader>();
  const { t } = useTranslation("bureau");
  const lang = useLang();
  return (
    <>
      <header className="page-header">
        <h1>{t("tenants.title")}</h1>
        {canCreate ? (
          <Link className="button" to="/bureau/tenants/new">
            {t("tenants.new")}
          </Link>
        ) : null}
      </header>
      <Form method="get" className="bureau-search" role="search">
        <div className="field">
          <label htmlFor="tenant-search">{t("tenants.searchLabel")}</label>
          <input id="tenant-search" type="search" name="q" defaultValue={q} />
        </div>
        <button type="submit" className="button button--ghost">
          {t("common:actions.search")}
        </button>
      </Form>
      {tenants.length === 0 ? (
        <p className="muted">{q ? t("tenants.noResults") : t("common:empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("tenants.name")}</th>
                <th scope="col">{t("tenants.slug")}</th>
                <th scope="col">{t("tenants.status")}</th>
                <th scope="col">{t("tenants.numbers")}</th>
                <th scope="col">{t("tenants.created")}</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((tenant) => (
                <tr key={tenant.id}>
                  <td>
                    <Link to={`/bureau/tenants/${tenant.id}`}>{tenant.name}</Link>
                  </td>
                  <td>
                    <Ltr>{tenant.slug}</Ltr>
                  </td>
                  <td>
                    <StatusBadge status={tenant.status} />
                  </td>
                  <td>{formatNumber(tenant.numbersCount, lang)}</td>
                  <td>{formatDate(tenant.createdAt, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
