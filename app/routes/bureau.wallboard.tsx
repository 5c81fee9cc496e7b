import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { useTranslation } from "react-i18next";
import { bureauLinks } from "~/components/bureau-ui";
import { FormErrors, Notice } from "~/components/forms";
import { LiveBoard, SupervisorActions } from "~/components/live-board";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { changeAgentState, RoutingError } from "~/modules/routing/acd.server";
import { floorSnapshot, setQueueMembership } from "~/modules/wallboard/wallboard.server";
import desktopCss from "~/styles/desktop.css?url";
import liveCss from "~/styles/live.css?url";

export const links: LinksFunction = () => [...bureauLinks(), { rel: "stylesheet", href: desktopCss }, { rel: "stylesheet", href: liveCss }];

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wallboard.view");
  const snapshot = await floorSnapshot();
  return { snapshot, canSupervise: can(auth.actor, "agents.supervise") };
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("state"), agentId: z.string().uuid(), state: z.enum(["available", "break", "offline"]) }),
  z.object({ intent: z.literal("addQueue"), agentId: z.string().uuid(), queueId: z.string().uuid() }),
  z.object({ intent: z.literal("removeQueue"), agentId: z.string().uuid(), queueId: z.string().uuid() }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "agents.supervise");
  const parsed = actionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return { notice: null, error: "validation:invalid" };
  const input = parsed.data;
  try {
    if (input.intent === "state") {
      const event = input.state === "available" ? { type: "goAvailable" as const } : input.state === "break" ? { type: "goBreak" as const, reason: "coaching" as const } : { type: "goOffline" as const };
      await changeAgentState(input.agentId, event, auth.user.id);
      return { notice: "wallboard:notice.stateChanged", error: null };
    }
    await setQueueMembership({ userId: auth.user.id, label: auth.user.name, ip: clientIp(request) }, input.agentId, input.queueId, input.intent === "addQueue");
    return { notice: "wallboard:notice.queueChanged", error: null };
  } catch (error) {
    if (error instanceof RoutingError) return { notice: null, error: error.key === "notFound" ? "wallboard:errors.notFound" : "wallboard:errors.illegal" };
    throw error;
  }
}

export default function Wallboard() {
  const { snapshot, canSupervise } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("wallboard");
  const queues = snapshot.queues.map((q) => ({ queueId: q.queueId, tenantId: q.tenantId, label: `${q.tenantName} › ${q.queueName}` }));
  return (
    <>
      {actionData?.notice ? <Notice>{t(actionData.notice)}</Notice> : null}
      <FormErrors errors={actionData?.error ? [actionData.error] : null} />
      <LiveBoard
        snapshot={snapshot}
        eventsUrl="/events/floor"
        title={t("title")}
        agentActions={canSupervise ? (a) => <SupervisorActions agent={a} queues={queues} /> : undefined}
      />
    </>
  );
}
