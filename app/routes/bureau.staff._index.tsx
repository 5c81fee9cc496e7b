import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { bureauLinks, FlashNotice, StatusBadge } from "~/components/bureau-ui";
import { titleMeta } from "~/components/meta";
import { Ltr } from "~/components/forms";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { listStaff } from "~/modules/auth/staff.server";
import { bureauCtx } from "~/modules/bureau/context.server";
import { getT } from "~/modules/i18n/i18n.server";

export const links = bureauLinks;
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "staff.read");
  const staff = await listStaff(bureauCtx(auth, request));
  const { t } = await getT(request, "bureau");
  return {
    title: t("staff.title"),
    me: auth.user.id,
    canManage: can(auth.actor, "staff.manage"),
    staff: staff.map((s) => ({ id: s.id, name: s.name, email: s.email, roles: s.roles, status: s.status })),
  };
}

export default function StaffList() {
  const { staff, canManage, me } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const { t } = useTranslation("bureau");
  const { t: tc } = useTranslation();
  return (
    <>
      <header className="page-header">
        <h1>{t("staff.title")}</h1>
        {canManage ? (
          <Link className="button" to="/bureau/staff/new">
            {t("staff.new")}
          </Link>
        ) : null}
      </header>
      <FlashNotice notice={params.get("notice")} messages={{ created: t("staff.created") }} />
      {staff.length === 0 ? (
        <p className="muted">{t("staff.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("staff.name")}</th>
                <th scope="col">{t("staff.email")}</th>
                <th scope="col">{t("staff.roles")}</th>
                <th scope="col">{t("staff.status")}</th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => (
                <tr key={s.id}>
                  <td>
                    {canManage ? <Link to={`/bureau/staff/${s.id}`}>{s.name}</Link> : s.name}
                    {s.id === me ? <span className="muted"> ({t("staff.you")})</span> : null}
                  </td>
                  <td>
                    <Ltr>{s.email}</Ltr>
                  </td>
                  <td>
                    <span className="bureau-tags">
                      {s.roles.map((r) => (
                        <span key={r} className="badge">
                          {tc(`roles.${r}`)}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td>
                    <StatusBadge status={s.status} />
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
