import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { Ltr, Notice } from "~/components/forms";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { intlLocale, localizeDigits } from "~/modules/i18n/format";
import { listQueues } from "~/modules/queues/queues.server";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];

/** The tenant's queues with the settings that matter at a glance: service level, priority, overflow, agents. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.queues.read");
  const queues = await listQueues(tenant.id);
  return {
    slug: tenant.slug,
    canManage: can(auth.actor, "tenant.queues.manage", tenant.id),
    queues: queues.map((q) => ({
      id: q.id,
      key: q.key,
      name: q.name,
      channels: q.channels,
      language: q.language,
      requiredSkills: q.requiredSkills,
      priority: q.priority,
      slTargetPct: q.slTargetPct,
      slThresholdSeconds: q.slThresholdSeconds,
      maxWaitSeconds: q.maxWaitSeconds,
      overflowAction: q.overflowAction,
      overflowTarget: q.overflowAction === "queue" ? q.overflowQueueName : q.overflowAction === "external" ? q.overflowNumber : null,
      agentCount: q.agentCount,
    })),
  };
}

export default function TenantQueues() {
  const { slug, canManage, queues } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("routing");
  const lang = useLang();
  const n = (v: number) => localizeDigits(String(v), lang);
  const languageName = new Intl.DisplayNames([intlLocale(lang)], { type: "language" });
  const list = new Intl.ListFormat(intlLocale(lang), { type: "unit" });
  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("queues.title")}</h2>
        {canManage ? (
          <Link to={`/t/${slug}/queues/new`} className="button">
            {t("queues.new.link")}
          </Link>
        ) : null}
      </div>
      <p className="muted">{t("queues.intro")}</p>
      {params.get("notice") === "deleted" ? <Notice>{t("queues.notice.deleted")}</Notice> : null}
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">{t("queues.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("queues.table.name")}</th>
              <th scope="col">{t("queues.table.key")}</th>
              <th scope="col">{t("queues.table.serviceLevel")}</th>
              <th scope="col">{t("queues.table.priority")}</th>
              <th scope="col">{t("queues.table.matching")}</th>
              <th scope="col">{t("queues.table.overflow")}</th>
              <th scope="col">{t("queues.table.agents")}</th>
            </tr>
          </thead>
          <tbody>
            {queues.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  {t("queues.empty")}
                </td>
              </tr>
            ) : null}
            {queues.map((q) => (
              <tr key={q.id} data-testid="queue-row">
                <td>
                  <Link to={`/t/${slug}/queues/${q.id}`}>{q.name}</Link>
                  <div className="muted">{list.format(q.channels.map((c) => t(`queues.channel.${c}`)))}</div>
                </td>
                <td>
                  <Ltr>{q.key}</Ltr>
                </td>
                <td className="nowrap">{t("queues.table.slValue", { pct: n(q.slTargetPct), seconds: n(q.slThresholdSeconds) })}</td>
                <td>{n(q.priority)}</td>
                <td>
                  {q.language ? languageName.of(q.language) : t("queues.anyLanguage")}
                  {q.requiredSkills.length ? (
                    <div>
                      <Ltr>{q.requiredSkills.join(", ")}</Ltr>
                    </div>
                  ) : null}
                </td>
                <td>
                  {t(`queues.overflow.${q.overflowAction}`)}
                  {q.overflowTarget ? (
                    <div>
                      {q.overflowAction === "external" ? <Ltr>{q.overflowTarget}</Ltr> : <bdi>{q.overflowTarget}</bdi>}
                    </div>
                  ) : null}
                  <div className="muted">{t("queues.table.maxWait", { seconds: n(q.maxWaitSeconds) })}</div>
                </td>
                <td>{n(q.agentCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
