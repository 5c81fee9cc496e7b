import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];

/** The agent area until the ACD work lands: who the agent works for, nothing more. */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "agent.desktop");
  return {
    tenants: auth.tenants.filter((t) => t.role === "agent").map((t) => ({ id: t.id, name: t.name, status: t.status })),
  };
}

export default function AgentHome() {
  const { tenants } = useLoaderData<typeof loader>();
  const { t } = useTranslation("portal");
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{t("agent.title")}</h1>
      </div>
      <div className="alert alert--info" role="status">
        {t("agent.comingSoon")}
      </div>
      <section className="card" aria-labelledby="agent-tenants">
        <h2 id="agent-tenants">{t("agent.tenantsTitle")}</h2>
        {tenants.length === 0 ? (
          <p className="muted">{t("agent.noTenants")}</p>
        ) : (
          <ul data-testid="agent-tenants">
            {tenants.map((tenant) => (
              <li key={tenant.id}>
                {tenant.name}
                {tenant.status !== "active" ? (
                  <>
                    {" "}
                    <span className="badge badge--off">{t(`common:status.${tenant.status}`)}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
