import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { LiveBoard } from "~/components/live-board";
import { requireTenantPermission } from "~/modules/auth/guards.server";
import { tenantLiveSnapshot } from "~/modules/wallboard/wallboard.server";
import desktopCss from "~/styles/desktop.css?url";
import liveCss from "~/styles/live.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: desktopCss }, { rel: "stylesheet", href: liveCss }];

/** The client's live view: its own queues, and the agents serving them by display name and state. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { tenant } = await requireTenantPermission(request, params.slug, "tenant.live.view");
  return { slug: tenant.slug, snapshot: await tenantLiveSnapshot(tenant.id) };
}

export default function TenantLive() {
  const { slug, snapshot } = useLoaderData<typeof loader>();
  const { t } = useTranslation("wallboard");
  return <LiveBoard snapshot={snapshot} eventsUrl={`/events/t/${slug}`} title={t("liveTitle")} />;
}
