import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLanguageName } from "~/components/bureau-agent-fields";
import { bureauLinks, FlashNotice, StatusBadge, useLang } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { Ltr } from "~/components/forms";
import { listAgents } from "~/modules/agents/agents.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { localizeDigits } from "~/modules/i18n/format";
import { getT } from "~/modules/i18n/i18n.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "agents.read");
  const agents = await listAgents(bureauCtx(auth, request));
  const { t } = await getT(request, "bureau");
  return {
    title: t("agents.title"),
    canManage: can(auth.actor, "agents.manage"),
    canCreate: can(auth.actor, "agents.manage") && can(auth.actor, "staff.manage"),
    agents,
  };
}

export default function AgentsList() {
  const { agents, canManage, canCreate } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const lang = useLang();
  const languageName = useLanguageName();
  return (
    <>
      <header className="page-header">
        <h1>{t("agents.title")}</h1>
        {canCreate ? (
          <Link className="button" to="/bureau/agents/new">
            {t("agents.new")}
          </Link>
        ) : null}
      </header>
      <FlashNotice notice={params.get("notice")} messages={{ created: t("agents.created") }} />
      {agents.length === 0 ? (
        <p className="muted">{t("agents.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("agents.name")}</th>
                <th scope="col">{t("agents.employeeCode")}</th>
                <th scope="col">{t("agents.languages")}</th>
                <th scope="col">{t("agents.skills")}</th>
                <th scope="col">{t("agents.tenants")}</th>
                <th scope="col">{t("agents.status")}</th>
              </tr>
            </thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id}>
                  <td>{canManage ? <Link to={`/bureau/agents/${a.id}`}>{a.name}</Link> : a.name}</td>
                  <td>
                    <Ltr>{a.employeeCode}</Ltr>
                  </td>
                  <td>{a.languages.map(languageName).join(lang === "fa" ? "، " : ", ")}</td>
                  <td>
                    <span className="bureau-tags">
                      {a.skills.map((s) => (
                        <span key={s} className="badge">
                          {s}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td>
                    {a.assignments.length === 0 ? (
                      <span className="muted">{t("agents.none")}</span>
                    ) : (
                      <ul className="bureau-stat-list">
                        {a.assignments.map((as) => (
                          <li key={as.tenantId}>
                            <span>{as.tenantName}</span>
                            <span className="badge" title={t("agents.priority")}>
                              {localizeDigits(String(as.priority), lang)}
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
