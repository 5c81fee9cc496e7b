import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { billingLinks } from "~/components/billing-ui";
import { bureauLinks } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { getT } from "~/modules/i18n/i18n.server";

export const links: LinksFunction = () => [...bureauLinks(), ...billingLinks()];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

/** The frame of the console's billing section: its title and tabs; every page below checks its own permission too. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireBureauPermission(request, "billing.read");
  const { t } = await getT(request, "billing");
  return { title: t("console.title") };
}

export default function BillingFrame() {
  const { t } = useTranslation("billing");
  const tabs = [
    { to: "/bureau/billing", label: t("console.tabs.overview"), end: true },
    { to: "/bureau/billing/plans", label: t("console.tabs.plans"), end: false },
    { to: "/bureau/billing/runs", label: t("console.tabs.runs"), end: false },
    { to: "/bureau/billing/invoices", label: t("console.tabs.invoices"), end: false },
  ];
  return (
    <>
      <header className="page-header">
        <h1>{t("console.title")}</h1>
      </header>
      <nav className="tabs" aria-label={t("console.tabs.label")}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} end={tab.end} prefetch="intent">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
