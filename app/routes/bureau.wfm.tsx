import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks } from "~/components/bureau-ui";
import { calendarPickerLinks } from "~/components/calendar-picker";
import { titleMeta } from "~/components/meta";
import { wfmLinks } from "~/components/wfm/wfm-ui";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { getT } from "~/modules/i18n/i18n.server";

export const links: LinksFunction = () => [...bureauLinks(), ...calendarPickerLinks(), ...wfmLinks()];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

/** The frame of the console's WFM section: its title and tabs; every page below checks its own permission too. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireBureauPermission(request, "wfm.read");
  const { t } = await getT(request, "wfm");
  return { title: t("console.title") };
}

export default function WfmFrame() {
  const { t } = useTranslation("wfm");
  const tabs = [
    { to: "/bureau/wfm/forecast", label: t("console.tabs.forecast") },
    { to: "/bureau/wfm/staffing", label: t("console.tabs.staffing") },
    { to: "/bureau/wfm/roster", label: t("console.tabs.roster") },
    { to: "/bureau/wfm/leave", label: t("console.tabs.leave") },
    { to: "/bureau/wfm/adherence", label: t("console.tabs.adherence") },
  ];
  return (
    <>
      <header className="page-header">
        <h1>{t("console.title")}</h1>
      </header>
      <nav className="tabs" aria-label={t("console.tabs.label")}>
        {tabs.map((tab) => (
          <NavLink key={tab.to} to={tab.to} prefetch="intent">
            {tab.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}
