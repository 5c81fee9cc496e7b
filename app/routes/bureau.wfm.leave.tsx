import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, ErrorList, FormErrors, Notice } from "~/components/forms";
import { HolesWarning, LeaveWhen, RequestStatusBadge, ShiftLabel } from "~/components/wfm/requests";
import { Violations } from "~/components/wfm/roster-ui";
import { formatFigure } from "~/components/wfm/wfm-ui";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { requireBureauPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { bureauCtx } from "~/modules/bureau/context.server";
import { formatDateTime } from "~/modules/i18n/format";
import { decideLeave, decideSwap } from "~/modules/wfm/leave.server";
import { leavePage } from "~/modules/wfm/pages.server";
import { wfmCall, wfmLoad } from "~/modules/wfm/pages-errors.server";
import { decisionSchema } from "~/modules/wfm/pages-forms";
import type { CoverageHoleView, RosterViolationView } from "~/modules/wfm/views";

/**
 * Leave and shift-swap requests: pending ones to approve or reject with a reason (a rejection must
 * say why), decided ones for the record. Approving leave takes the agent's shifts out of the
 * published roster; the page then warns about the intervals that fell short.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "wfm.read");
  const show = new URL(request.url).searchParams.get("show") === "decided" ? "decided" : "pending";
  return { ...(await wfmLoad(() => leavePage(bureauCtx(auth, request), show))), canManage: can(auth.actor, "wfm.manage") };
}

type ActionData = {
  requestId: string;
  notice?: string;
  fieldErrors?: Record<string, string[]>;
  error?: string;
  holes?: CoverageHoleView[];
  removedShifts?: number;
  violations?: RosterViolationView[];
};

export async function action({ request }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "wfm.manage");
  const ctx = bureauCtx(auth, request);
  const requestId = String(formData.get("requestId") ?? "");
  const submission = parseWithZod(formData, { schema: decisionSchema });
  if (submission.status !== "success") return { requestId, fieldErrors: fieldErrorsOf(submission.reply().error) } satisfies ActionData;
  const { requestKind, decision, reason } = submission.value;
  const input = { approve: decision === "approve", reason };
  if (requestKind === "leave") {
    const done = await wfmCall(null, () => decideLeave(ctx, requestId, input));
    if (!done.ok) return { requestId, error: done.message } satisfies ActionData;
    return { requestId, notice: decision === "approve" ? "leaveApproved" : "leaveRejected", holes: done.value.holes, removedShifts: done.value.removedShifts.length } satisfies ActionData;
  }
  const done = await wfmCall(null, () => decideSwap(ctx, requestId, input));
  if (!done.ok) return { requestId, error: done.message, violations: done.violations } satisfies ActionData;
  if (!done.value.ok) return { requestId, violations: done.value.violations } satisfies ActionData;
  return { requestId, notice: decision === "approve" ? "swapApproved" : "swapRejected", holes: done.value.holes } satisfies ActionData;
}

function fieldErrorsOf(error: Record<string, string[] | null> | null | undefined): Record<string, string[]> {
  return Object.fromEntries(Object.entries(error ?? {}).filter((e): e is [string, string[]] => e[1] !== null));
}

export default function LeaveTab() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const queueName = (id: string) => data.queues.find((q) => q.queueId === id)?.name ?? id;
  return (
    <div className="stack">
      {actionData?.notice ? (
        <Notice>
          {t(`console.leave.notice.${actionData.notice}`)}
          {actionData.removedShifts ? ` ${t("console.leave.removedShifts", { count: actionData.removedShifts, n: formatFigure(actionData.removedShifts, lang, 0) })}` : ""}
        </Notice>
      ) : null}
      {actionData?.holes ? <HolesWarning holes={actionData.holes} queueName={queueName} /> : null}
      {actionData?.violations && actionData.violations.length > 0 ? <Violations violations={actionData.violations} title={t("console.leave.swapRefused")} /> : null}
      <FormErrors errors={actionData?.error ? [actionData.error] : null} />
      <nav aria-label={t("console.leave.filter")}>
        <ul className="wfm-choice">
          <li>
            <Link to="/bureau/wfm/leave" aria-current={data.show === "pending" ? "page" : undefined}>
              {t("console.leave.pending")}
            </Link>
          </li>
          <li>
            <Link to="/bureau/wfm/leave?show=decided" aria-current={data.show === "decided" ? "page" : undefined}>
              {t("console.leave.decided")}
            </Link>
          </li>
        </ul>
      </nav>
      <LeaveTable actionData={actionData} />
      <SwapTable actionData={actionData} />
    </div>
  );
}

function DecisionForm({ requestId, kind, actionData }: { requestId: string; kind: "leave" | "swap"; actionData: ActionData | undefined }) {
  const { t } = useTranslation("wfm");
  const navigation = useNavigation();
  const errors = actionData?.requestId === requestId ? actionData.fieldErrors?.reason : undefined;
  const id = `reason-${requestId}`;
  return (
    <Form method="post" className="stack" preventScrollReset data-testid={`decide-${requestId}`}>
      <CsrfInput />
      <input type="hidden" name="requestId" value={requestId} />
      <input type="hidden" name="requestKind" value={kind} />
      <div className={`field${errors?.length ? " field--invalid" : ""}`}>
        <label htmlFor={id}>{t("console.leave.reason")}</label>
        <input id={id} name="reason" type="text" maxLength={300} aria-invalid={errors?.length ? true : undefined} aria-describedby={errors?.length ? `${id}-error` : undefined} />
        <ErrorList id={`${id}-error`} errors={errors} />
      </div>
      <div className="inline-form">
        <button type="submit" name="decision" value="approve" className="button button--small" disabled={navigation.state !== "idle"}>
          {t("console.leave.approve")}
        </button>
        <button type="submit" name="decision" value="reject" className="button button--ghost button--small" disabled={navigation.state !== "idle"}>
          {t("console.leave.reject")}
        </button>
      </div>
    </Form>
  );
}

function Decision({ by, reason, at }: { by: string | null; reason: string | null; at: string | null }) {
  const lang = useLang();
  return (
    <div>
      {by ? <span>{by}</span> : null}
      {at ? <span className="muted"> · {formatDateTime(at, lang)}</span> : null}
      {reason ? <p className="muted">{reason}</p> : null}
    </div>
  );
}

function LeaveTable({ actionData }: { actionData: ActionData | undefined }) {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const decide = data.canManage && data.show === "pending";
  return (
    <section className="stack" aria-labelledby="leave-title">
      <h2 id="leave-title">{t("console.leave.leaveTitle")}</h2>
      {data.leave.length === 0 ? (
        <p className="muted">{t("console.leave.noLeave")}</p>
      ) : (
        <div className="table-wrap">
          <table className="wfm-requests" data-testid="leave-requests">
            <thead>
              <tr>
                <th scope="col">{t("console.grid.agent")}</th>
                <th scope="col">{t("console.leave.when")}</th>
                <th scope="col">{t("console.leave.kind")}</th>
                <th scope="col">{t("console.leave.agentReason")}</th>
                <th scope="col">{t("console.leave.affected")}</th>
                <th scope="col">{t("console.leave.status")}</th>
                <th scope="col">{decide ? t("console.leave.decide") : t("console.leave.decision")}</th>
              </tr>
            </thead>
            <tbody>
              {data.leave.map((r) => (
                <tr key={r.id} data-request={r.id}>
                  <th scope="row">
                    {r.agentName}
                    <span className="muted"> · {formatDateTime(r.createdAt, lang)}</span>
                  </th>
                  <td>
                    <LeaveWhen request={r} />
                  </td>
                  <td>{t(`leave.kinds.${r.kind}`)}</td>
                  <td>{r.reason}</td>
                  <td>
                    {r.affectedShifts.length === 0 ? (
                      <span className="muted">{t("console.leave.noneAffected")}</span>
                    ) : (
                      <div className={r.status === "pending" ? "alert alert--warning" : undefined} data-testid="affected-shifts">
                        {r.status === "pending" ? <p>{t("console.leave.affectedWarning", { count: r.affectedShifts.length, n: formatFigure(r.affectedShifts.length, lang, 0) })}</p> : null}
                        <ul className="wfm-refusals">
                          {r.affectedShifts.map((s) => (
                            <li key={s.id}>
                              <ShiftLabel shift={s} />
                            </li>
                          ))}
                        </ul>
                      </div>
                    )}
                  </td>
                  <td>
                    <RequestStatusBadge status={r.status} />
                  </td>
                  <td>{decide && r.status === "pending" ? <DecisionForm requestId={r.id} kind="leave" actionData={actionData} /> : <Decision by={r.decidedByName} reason={r.decisionReason} at={r.decidedAt} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function SwapTable({ actionData }: { actionData: ActionData | undefined }) {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation("wfm");
  const lang = useLang();
  const decide = data.canManage && data.show === "pending";
  return (
    <section className="stack" aria-labelledby="swaps-title">
      <h2 id="swaps-title">{t("console.leave.swapsTitle")}</h2>
      {data.swaps.length === 0 ? (
        <p className="muted">{t("console.leave.noSwaps")}</p>
      ) : (
        <div className="table-wrap">
          <table className="wfm-requests" data-testid="swap-requests">
            <thead>
              <tr>
                <th scope="col">{t("console.leave.requester")}</th>
                <th scope="col">{t("console.leave.gives")}</th>
                <th scope="col">{t("console.leave.colleague")}</th>
                <th scope="col">{t("console.leave.takes")}</th>
                <th scope="col">{t("console.leave.agentReason")}</th>
                <th scope="col">{t("console.leave.status")}</th>
                <th scope="col">{decide ? t("console.leave.decide") : t("console.leave.decision")}</th>
              </tr>
            </thead>
            <tbody>
              {data.swaps.map((r) => (
                <tr key={r.id} data-request={r.id}>
                  <th scope="row">
                    {r.requesterName}
                    <span className="muted"> · {formatDateTime(r.createdAt, lang)}</span>
                  </th>
                  <td>
                    <ShiftLabel shift={r.shift} />
                  </td>
                  <td>
                    {r.colleagueName}
                    <p className="muted">{r.colleagueAcceptedAt ? t("console.leave.accepted") : t("console.leave.notAccepted")}</p>
                  </td>
                  <td>{r.colleagueShift ? <ShiftLabel shift={r.colleagueShift} /> : <span className="muted">{t("console.leave.takeOver")}</span>}</td>
                  <td>{r.reason}</td>
                  <td>
                    <RequestStatusBadge status={r.status} />
                  </td>
                  <td>
                    {decide && r.status === "pending" ? (
                      <>
                        {/* Approving waits for the colleague's yes; rejecting does not. */}
                        {r.colleagueAcceptedAt ? null : <p className="muted">{t("console.leave.waitingColleague")}</p>}
                        <DecisionForm requestId={r.id} kind="swap" actionData={actionData} />
                      </>
                    ) : (
                      <Decision by={r.decidedByName} reason={r.decisionReason} at={r.decidedAt} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
