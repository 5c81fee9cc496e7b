import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { AgentDesktop } from "~/components/desktop/desktop";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { runDesktopAction } from "~/modules/desktop/actions.server";
import { desktopSnapshot } from "~/modules/desktop/desktop.server";
import { desktopActionSchema } from "~/modules/desktop/schemas";
import { RoutingError } from "~/modules/routing/acd.server";
import desktopCss from "~/styles/desktop.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: desktopCss }];

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "agent.desktop");
  const canHandleEscalations = can(auth.actor, "escalations.handle");
  const snapshot = await desktopSnapshot(auth.user.id, { withEscalations: canHandleEscalations });
  return { ...snapshot, canHandleEscalations };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "agent.desktop");
  const submission = parseWithZod(formData, { schema: desktopActionSchema });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return { intent, result: submission.reply(), notice: null, error: null };
  try {
    const notice = await runDesktopAction(auth, submission.value);
    return { intent, result: submission.reply({ resetForm: true }), notice, error: null };
  } catch (error) {
    if (error instanceof RoutingError) return { intent, result: submission.reply(), notice: null, error: `agent:errors.${error.key}` };
    throw error;
  }
}

export default function AgentDesktopRoute() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return <AgentDesktop data={data} actionData={actionData ?? null} />;
}
