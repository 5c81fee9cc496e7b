import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CsrfInput, Notice } from "~/components/forms";
import { IvrBuilder, ivrBuilderLinks } from "~/components/ivr-builder";
import { QueueNamesContext } from "~/components/ivr-builder/node-form";
import { IssueMessage } from "~/components/ivr-builder/report";
import { requireCsrf } from "~/modules/auth/csrf.server";
import {
  clientIp,
  notFound,
  requireTenantPermission,
} from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { isLanguage, type Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { flowEditingContext } from "~/modules/ivr/context.server";
import { canonical } from "~/modules/ivr/diff";
import {
  FlowError,
  getFlow,
  getFlowVersion,
  history,
  publish,
  rollback,
  saveDraft,
  type FlowErrorKey,
} from "~/modules/ivr/flows.server";
import { flowSchema, type FlowInput } from "~/modules/ivr/model";
import type { Issue } from "~/modules/ivr/validator";
import {
  flowEditActionSchema,
  STARTER_FLOW,
  UUID_RE,
} from "~/modules/portal/ivr-pages";
import { userNames } from "~/modules/portal/ivr.server";
import type { Tenant } from "~/modules/tenancy/tenants.server";
import ivrPagesCss from "~/styles/ivr-pages.css?url";
import portalCss from "~/styles/portal.css?url";


const DIFF_KINDS = ["added", "removed", "changed", "moved"] as const;
export const links: LinksFunction = () => [
  ...ivrBuilderLinks(),
  { rel: "stylesheet", href: portalCss },
  { rel: "stylesheet", href: ivrPagesCss },
];

/** The flow named in the URL, of this tenant; a malformed id or another tenant's flow answers 404. */
async function requireFlow(tenant: Tenant, flowId: string | undefined) {
  if (!flowId || !UUID_RE.test(flowId)) notFound();
  const flow = await getFlow(tenant.id, flowId);
  if (!flow) notFound();
  const [draft, published] = await Promise.all([
    getFlowVersion(tenant.id, flow.id, "draft"),
    getFlowVersion(tenant.id, flow.id, "published"),
  ]);
  const stored = [draft?.definition, published?.definition].filter(
    (d) => d !== undefined
  );
  // Languages and queues the builder offers and the server validates against: the tenant's queues.
  const { ctx, queues } = await flowEditingContext(tenant.id, stored);
  return { flow, draft, published, ctx, queues };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(
    request,
    params.slug,
    "tenant.ivr.read"
  );
  const lang = (await i18nServer.getLocale(request)) as Language;
  const { flow, draft, published, ctx, queues } = await requireFlow(
    tenant,
    params.flowId
  );
  const entries = (await history(tenant.id, flow.id)) ?? [];
  const names = await userNames(entries.map((e) => e.createdBy));
  const current = draft ?? published;
  return {
    slug: tenant.slug,
    canManage: can(auth.actor, "tenant.ivr.manage", tenant.id),
    flow: { id: flow.id, name: flow.name },
    version: current?.version ?? 0,
    draftVersion: draft?.version ?? null,
    publishedVersion: published?.version ?? null,
    initial: (current?.definition ?? STARTER_FLOW) as FlowInput,
    // The validator's report stored with the draft when it was last saved on the server.
    draftIssues: draft?.issues ?? null,
    // Saving replaces the draft's note: the field starts with the current one so it is kept by default.
    draftNote: draft?.note ?? "",
    languages: ctx.tenantLanguages,
    queueIds: ctx.queueIds,
    queueNames: Object.fromEntries(queues.map((q) => [q.key, q.name])),
    history: entries.map((e) => ({
      version: e.version,
      versionLabel: localizeDigits(String(e.version), lang),
      status: e.status,
      author: e.createdBy ? names.get(e.createdBy) ?? null : null,
      date: formatDateTime(e.publishedAt ?? e.createdAt, lang, tenant.timeZone),
      dateIso: (e.publishedAt ?? e.createdAt).toISOString(),
      note: e.note,
      errorCount: e.errorCount,
      diff: e.diff,
    })),
  };
}

type Outcome = {
  intent: string;
  ok: boolean;
  message: string | null;
  issues: Issue[];
  version: number | null;
};

const STATUS: Record<FlowErrorKey, number> = {
  notFound: 404,
  numberNotFound: 404,
  versionNotFound: 404,
  nameTaken: 400,
  invalidDefinition: 422,
  hasErrors: 422,
  noDraft: 409,
  alreadyPublished: 409,
};

function refuse(
  intent: string,
  key: string,
  status: number,
  issues: Issue[] = []
) {
  return data<Outcome>(
    {
      intent,
      ok: false,
      message: `ivr:flows.errors.${key}`,
      issues,
      version: null,
    },
    { status }
  );
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(
    request,
    params.slug,
    "tenant.ivr.manage"
  );
  const { flow, draft, published, ctx } = await requireFlow(
    tenant,
    params.flowId
  );
  const intent = String(formData.get("intent") ?? "");
  const parsed = flowEditActionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) return refuse(intent, "badRequest", 400);
  const input = parsed.data;
  const actor = {
    userId: auth.user.id,
    label: auth.user.email,
    ip: clientIp(request),
  };

  let definition: unknown = undefined;
  const raw = formData.get("definition");
  if (typeof raw === "string" && raw !== "") {
    try {
      definition = JSON.parse(raw);
    } catch {
      return refuse(intent, "invalidJson", 400);
    }
  }

  try {
    if (input.intent === "save") {
      if (definition === undefined) return refuse(intent, "invalidJson", 400);
      const saved = await saveDraft(
        tenant.id,
        flow.id,
        definition,
        ctx,
        actor,
        input.note ?? ""
      );
      return {
        intent,
        ok: true,
        message: "ivr:flows.notice.saved",
        issues: saved.issues,
        version: saved.version,
      } satisfies Outcome;
    }
    if (input.intent === "publish") {
      // Publishing takes what the editor shows: an edited definition is saved as the draft first.
      if (definition !== undefined) {
        const shape = flowSchema.safeParse(definition);
        const base = draft ?? published;
        if (
          !shape.success ||
          !base ||
          canonical(shape.data) !== canonical(base.definition)
        )
          await saveDraft(
            tenant.id,
            flow.id,
            definition,
            ctx,
            actor,
            input.note ?? ""
          );
      }
      const done = await publish(tenant.id, flow.id, actor, ctx);
      return {
        intent,
        ok: true,
        message: "ivr:flows.notice.published",
        issues: done.issues,
        version: done.version,
      } satisfies Outcome;
    }
    const done = await rollback(tenant.id, flow.id, input.version, actor);
    return {
      intent,
      ok: true,
      message: "ivr:flows.notice.rolledBack",
      issues: [],
      version: done.version,
    } satisfies Outcome;
  } catch (err) {
    if (!(err instanceof FlowError)) throw err;
    if (STATUS[err.key] === 404 && err.key !== "versionNotFound") notFound();
    return refuse(intent, err.key, STATUS[err.key], err.issues);
  }
}

function noteText(
  t: (key: string, opts?: Record<string, unknown>) => string,
  note: string
) {
  if (note === "clone") return t("flows.history.noteClone");
  const m = /^rollback:(\d+)$/.exec(note);
  if (m) return t("flows.history.noteRollback", { version: m[1] });
  return note;
}

function IdList({ ids }: { ids: string[] }) {
  return (
    <>
      {ids.map((id, i) => (
        <span key={id}>
          {i > 0 ? " " : null}
          <code dir="ltr">{id}</code>
        </span>
      ))}
    </>
  );
}

function IssueList({ issues }: { issues: Issue[] }) {
  const { t } = useTranslation("ivr");
  return (
    <ul className="ivr-report__list">
      {issues.map((issue, i) => (
        <li key={i} className={`ivr-issue ivr-issue--${issue.severity}`}>
          {issue.nodeId !== null ? (
            <code dir="ltr">{issue.nodeId}</code>
          ) : (
            <span>{t("builder.report.flow")}</span>
          )}{" "}
          <IssueMessage issue={issue} />
        </li>
      ))}
    </ul>
  );
}

export default function IvrFlowEditor() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t, i18n } = useTranslation("ivr");
  const digits = (n: number) =>
    localizeDigits(String(n), isLanguage(i18n.language) ? i18n.language : "fa");
  const busy = navigation.state !== "idle";
  const report: Issue[] | null =
    actionData &&
    actionData.intent !== "rollback" &&
    (actionData.ok || actionData.issues.length)
      ? actionData.issues
      : data.draftIssues;
  const reportErrors =
    report?.filter((i) => i.severity === "error").length ?? 0;

  return (
    <div className="stack">
      <div className="page-header ivr-page-header">
        <div>
          <p className="muted ivr-back">
            <Link to={`/t/${data.slug}/ivr`}>{t("flows.editor.back")}</Link>
          </p>
          <h2>{data.flow.name}</h2>
        </div>
        <p className="ivr-status-line">
          {data.publishedVersion !== null ? (
            <span className="badge badge--ok">
              {t("flows.editor.publishedVersion", {
                version: localizeVersion(data.publishedVersion, data.history),
              })}
            </span>
          ) : (
            <span className="badge">{t("flows.notPublished")}</span>
          )}{" "}
          {data.draftVersion !== null ? (
            <span className="badge">
              {t("flows.editor.draftVersion", {
                version: localizeVersion(data.draftVersion, data.history),
              })}
            </span>
          ) : null}
        </p>
      </div>

      {actionData?.message ? (
        actionData.ok ? (
          <Notice>{t(actionData.message)}</Notice>
        ) : (
          <div className="alert alert--error" role="alert">
            <p>{t(actionData.message)}</p>
            {actionData.issues.length ? (
              <IssueList
                issues={actionData.issues.filter((i) => i.severity === "error")}
              />
            ) : null}
          </div>
        )
      ) : null}
      {!data.canManage ? (
        <p className="muted">{t("flows.editor.readOnly")}</p>
      ) : null}

      <Form method="post" className="stack ivr-editor-form">
        <CsrfInput />
        <QueueNamesContext.Provider value={data.queueNames}>
          <IvrBuilder
            key={data.version}
            initial={data.initial}
            languages={data.languages}
            queueIds={data.queueIds}
            name="definition"
          />
        </QueueNamesContext.Provider>
        {data.canManage ? (
          <div className="ivr-editor-actions">
            <div className="field ivr-editor-actions__note">
              <label htmlFor="flow-note">{t("flows.editor.note")}</label>
              <input
                id="flow-note"
                name="note"
                defaultValue={data.draftNote}
                key={data.draftNote}
                type="text"
                maxLength={500}
                autoComplete="off"
              />
            </div>
            <button
              type="submit"
              name="intent"
              value="save"
              className="button button--ghost"
              disabled={busy}
            >
              {t("flows.editor.save")}
            </button>
            <button
              type="submit"
              name="intent"
              value="publish"
              className="button"
              disabled={busy}
              onClick={(e) => {
                if (!window.confirm(t("flows.editor.confirmPublish")))
                  e.preventDefault();
              }}
            >
              {t("flows.editor.publish")}
            </button>
          </div>
        ) : null}
      </Form>

      <section
        className="ivr-report ivr-server-report"
        aria-labelledby="ivr-server-report-title"
      >
        <h3 id="ivr-server-report-title">{t("flows.report.title")}</h3>
        {report === null ? (
          <p className="muted">{t("flows.report.notSaved")}</p>
        ) : (
          <>
            <p className="muted" role="status">
              {report.length
                ? t("flows.report.counts", {
                    errors: reportErrors,
                    warnings: report.length - reportErrors,
                  })
                : t("flows.report.ok")}
            </p>
            {report.length ? <IssueList issues={report} /> : null}
          </>
        )}
      </section>

      <section className="card" aria-labelledby="ivr-history-title">
        <h3 id="ivr-history-title">{t("flows.history.title")}</h3>
        {data.history.length === 0 ? (
          <p className="muted">{t("flows.history.empty")}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">
                {t("flows.history.title")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("flows.history.version")}</th>
                  <th scope="col">{t("flows.history.status")}</th>
                  <th scope="col">{t("flows.history.author")}</th>
                  <th scope="col">{t("flows.history.date")}</th>
                  <th scope="col">{t("flows.history.note")}</th>
                  <th scope="col">{t("flows.history.changes")}</th>
                  {data.canManage ? (
                    <th scope="col">{t("flows.history.actions")}</th>
                  ) : null}
                </tr>
              </thead>
              <tbody>
                {data.history.map((h) => (
                  <tr key={h.version} data-testid="version-row">
                    <td>{h.versionLabel}</td>
                    <td>
                      <span
                        className={`badge${
                          h.status === "published" ? " badge--ok" : ""
                        }`}
                      >
                        {t(`flows.status.${h.status}`)}
                      </span>
                      {h.errorCount > 0 ? (
                        <span className="badge badge--off ivr-history__errors">
                          {t("flows.history.errors", {
                            n: digits(h.errorCount),
                          })}
                        </span>
                      ) : null}
                    </td>
                    <td>
                      {h.author ?? (
                        <span className="muted">
                          {t("flows.history.unknownAuthor")}
                        </span>
                      )}
                    </td>
                    <td>
                      <time dateTime={h.dateIso}>{h.date}</time>
                    </td>
                    <td>{noteText(t, h.note)}</td>
                    <td>
                      {h.diff === null ? (
                        t("flows.history.first")
                      ) : (
                        <ul className="ivr-diff">
                          {DIFF_KINDS.map((kind) =>
                            h.diff![kind].length ? (
                              <li key={kind}>
                                {t(`flows.history.${kind}`)} <IdList ids={h.diff![kind]} />
                              </li>
                            ) : null,
                          )}
                          {h.diff.startChanged ? (
                            <li>{t("flows.history.startChanged")}</li>
                          ) : null}
                          {h.diff.goodbyeChanged ? (
                            <li>{t("flows.history.goodbyeChanged")}</li>
                          ) : null}
                          {!h.diff.added.length &&
                          !h.diff.removed.length &&
                          !h.diff.changed.length &&
                          !h.diff.moved.length &&
                          !h.diff.startChanged &&
                          !h.diff.goodbyeChanged ? (
                            <li className="muted">
                              {t("flows.history.noChanges")}
                            </li>
                          ) : null}
                        </ul>
                      )}
                    </td>
                    {data.canManage ? (
                      <td>
                        {h.status === "archived" ? (
                          <Form
                            method="post"
                            className="inline-form"
                            onSubmit={(e) => {
                              if (
                                !window.confirm(
                                  t("flows.history.confirmRollback", {
                                    version: h.versionLabel,
                                  })
                                )
                              )
                                e.preventDefault();
                            }}
                          >
                            <CsrfInput />
                            <input
                              type="hidden"
                              name="intent"
                              value="rollback"
                            />
                            <input
                              type="hidden"
                              name="version"
                              value={h.version}
                            />
                            <button
                              type="submit"
                              className="button button--ghost button--small"
                              disabled={busy}
                            >
                              {t("flows.history.rollback", {
                                version: h.versionLabel,
                              })}
                            </button>
                          </Form>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function localizeVersion(
  version: number,
  entries: { version: number; versionLabel: string }[]
) {
  return (
    entries.find((e) => e.version === version)?.versionLabel ?? String(version)
  );
}
