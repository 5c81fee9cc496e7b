import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, ErrorList, Field, FormErrors, Ltr, Notice } from "~/components/forms";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, notFound, requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { FieldConflict, NotFoundError } from "~/modules/bureau/errors";
import { isUuid } from "~/modules/bureau/http.server";
import { intlLocale, localizeDigits } from "~/modules/i18n/format";
import {
  createQueue,
  deleteQueue,
  getQueue,
  listQueueAgents,
  listQueues,
  QueueInUse,
  setQueueAgents,
  updateQueue,
  type Queue,
  type QueueUse,
} from "~/modules/queues/queues.server";
import {
  AFTER_HOURS_ACTIONS,
  OVERFLOW_ACTIONS,
  QUEUE_CHANNELS,
  QUEUE_DEFAULTS,
  QUEUE_LANGUAGES,
  queueAgentsSchema,
  queueFormSchema,
  type QueueFormValues,
  type QueueInput,
} from "~/modules/queues/schemas";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];

/**
 * One queue: its settings (/t/<slug>/queues/new creates one), the agents who serve it and deleting it.
 * Reading needs "tenant.queues.read"; every change "tenant.queues.manage". An id that is not one of
 * this tenant's queues answers 404.
 */

const NEW = "new";

function formDefaults(q: Queue | null) {
  return {
    key: q?.key ?? "",
    name: q?.name ?? "",
    channels: q?.channels ?? QUEUE_DEFAULTS.channels,
    requiredSkills: q?.requiredSkills.join(", ") ?? "",
    minProficiency: q?.minProficiency ?? QUEUE_DEFAULTS.minProficiency,
    language: q?.language ?? "",
    priority: q?.priority ?? QUEUE_DEFAULTS.priority,
    slTargetPct: q?.slTargetPct ?? QUEUE_DEFAULTS.slTargetPct,
    slThresholdSeconds: q?.slThresholdSeconds ?? QUEUE_DEFAULTS.slThresholdSeconds,
    shortAbandonSeconds: q?.shortAbandonSeconds ?? QUEUE_DEFAULTS.shortAbandonSeconds,
    maxWaitSeconds: q?.maxWaitSeconds ?? QUEUE_DEFAULTS.maxWaitSeconds,
    overflowAction: q?.overflowAction ?? QUEUE_DEFAULTS.overflowAction,
    overflowQueueId: q?.overflowQueueId ?? "",
    overflowNumber: q?.overflowNumber ?? "",
    offerTimeoutSeconds: q?.offerTimeoutSeconds ?? QUEUE_DEFAULTS.offerTimeoutSeconds,
    wrapupSeconds: q?.wrapupSeconds ?? QUEUE_DEFAULTS.wrapupSeconds,
    afterHours: q?.afterHours ?? QUEUE_DEFAULTS.afterHours,
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const creating = params.queueId === NEW;
  if (!creating && !isUuid(params.queueId)) notFound();
  const { auth, tenant } = await requireTenantPermission(request, params.slug, creating ? "tenant.queues.manage" : "tenant.queues.read");
  const queue = creating ? null : await getQueue(tenant.id, params.queueId!);
  if (!creating && !queue) notFound();
  const [others, agents] = await Promise.all([listQueues(tenant.id), queue ? listQueueAgents(tenant.id, queue.id) : Promise.resolve([])]);
  return {
    slug: tenant.slug,
    canManage: can(auth.actor, "tenant.queues.manage", tenant.id),
    queue: queue ? { id: queue.id, key: queue.key, name: queue.name } : null,
    defaults: formDefaults(queue),
    // Overflow targets: the tenant's other queues.
    overflowTargets: others.filter((o) => o.id !== queue?.id).map((o) => ({ id: o.id, key: o.key, name: o.name })),
    agents,
  };
}

type ActionData = {
  intent: "save" | "agents" | "delete";
  result?: SubmissionResult<string[]>;
  notice?: string;
  inUse?: QueueUse;
};

function conflictReply<R>(submission: { reply: (o: { fieldErrors: Record<string, string[]> }) => R }, error: unknown): R {
  if (error instanceof FieldConflict) return submission.reply({ fieldErrors: { [error.field]: [error.messageKey] } });
  if (error instanceof NotFoundError) notFound();
  throw error;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const creating = params.queueId === NEW;
  if (!creating && !isUuid(params.queueId)) notFound();
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.queues.manage");
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  const queueId = creating ? null : params.queueId!.toLowerCase();
  const intent = String(formData.get("intent") ?? "");

  if (intent === "save") {
    const tenantQueueIds = (await listQueues(tenant.id)).map((q) => q.id);
    if (queueId && !tenantQueueIds.includes(queueId)) notFound();
    const submission = parseWithZod(formData, { schema: queueFormSchema({ queueId, tenantQueueIds }) });
    if (submission.status !== "success") return { intent: "save", result: submission.reply() } satisfies ActionData;
    try {
      if (!queueId) {
        const created = await createQueue(tenant.id, submission.value, actor);
        return redirect(`/t/${tenant.slug}/queues/${created.id}?notice=created`);
      }
      await updateQueue(tenant.id, queueId, submission.value, actor);
      return { intent: "save", result: submission.reply(), notice: "queues.notice.saved" } satisfies ActionData;
    } catch (error) {
      return { intent: "save", result: conflictReply(submission, error) } satisfies ActionData;
    }
  }
  if (!queueId) throw new Response(null, { status: 400, statusText: "Bad Request" });
  if (intent === "agents") {
    const submission = parseWithZod(formData, { schema: queueAgentsSchema });
    if (submission.status !== "success") return { intent: "agents", result: submission.reply() } satisfies ActionData;
    try {
      await setQueueAgents(tenant.id, queueId, submission.value.agentIds, actor);
      return { intent: "agents", result: submission.reply(), notice: "queues.notice.agentsSaved" } satisfies ActionData;
    } catch (error) {
      return { intent: "agents", result: conflictReply(submission, error) } satisfies ActionData;
    }
  }
  if (intent === "delete") {
    try {
      await deleteQueue(tenant.id, queueId, actor);
    } catch (error) {
      if (error instanceof QueueInUse) return { intent: "delete", inUse: error.use } satisfies ActionData;
      if (error instanceof NotFoundError) notFound();
      throw error;
    }
    return redirect(`/t/${tenant.slug}/queues?notice=deleted`);
  }
  throw new Response(null, { status: 400, statusText: "Bad Request" });
}

export default function QueuePage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [params] = useSearchParams();
  const { t } = useTranslation("routing");
  const notice = actionData?.notice ?? (params.get("notice") === "created" ? "queues.notice.created" : null);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="muted" style={{ margin: 0 }}>
            <Link to={`/t/${data.slug}/queues`}>{t("queues.back")}</Link>
          </p>
          <h2>{data.queue ? data.queue.name : t("queues.new.title")}</h2>
        </div>
        {data.queue ? <Ltr>{data.queue.key}</Ltr> : null}
      </div>
      {notice ? <Notice>{t(notice)}</Notice> : null}
      {!data.canManage ? <p className="muted">{t("queues.readOnly")}</p> : null}
      <QueueSettingsForm key={data.queue?.id ?? NEW} lastResult={actionData?.intent === "save" ? actionData.result : undefined} />
      {data.queue ? <QueueAgentsForm lastResult={actionData?.intent === "agents" ? actionData.result : undefined} /> : null}
      {data.queue && data.canManage ? <DeleteQueue inUse={actionData?.intent === "delete" ? actionData.inUse : undefined} /> : null}
    </div>
  );
}

function Section({ id, title, hint, children }: { id: string; title: string; hint?: string; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <h3 id={id}>{title}</h3>
      {hint ? <p className="field-hint">{hint}</p> : null}
      <div className="form-row">{children}</div>
    </section>
  );
}

function QueueSettingsForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const data = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { t } = useTranslation("routing");
  const lang = useLang();
  const schema = queueFormSchema({ queueId: data.queue?.id ?? null, tenantQueueIds: data.overflowTargets.map((o) => o.id) });
  const digits = (n: number | string) => localizeDigits(String(n), lang);
  const d = data.defaults;
  const [form, fields] = useForm<QueueFormValues, QueueInput>({
    id: "queue-settings",
    lastResult,
    constraint: getZodConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    defaultValue: {
      ...d,
      minProficiency: digits(d.minProficiency),
      priority: digits(d.priority),
      slTargetPct: digits(d.slTargetPct),
      slThresholdSeconds: digits(d.slThresholdSeconds),
      shortAbandonSeconds: digits(d.shortAbandonSeconds),
      maxWaitSeconds: digits(d.maxWaitSeconds),
      offerTimeoutSeconds: digits(d.offerTimeoutSeconds),
      wrapupSeconds: digits(d.wrapupSeconds),
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const languageName = new Intl.DisplayNames([intlLocale(lang)], { type: "language" });
  const overflow = (fields.overflowAction.value ?? d.overflowAction) as string;
  const channels = new Set(
    Array.isArray(fields.channels.initialValue) ? fields.channels.initialValue : fields.channels.initialValue ? [fields.channels.initialValue] : [],
  );

  const text = (name: keyof typeof fields, opts: { ltr?: boolean; hint?: string } = {}) => {
    const field = fields[name];
    const { key: _k, ...props } = getInputProps(field, { type: "text" });
    return (
      <Field label={t(`queues.field.${name}`)} hint={opts.hint} htmlFor={field.id} errors={field.errors} errorId={field.errorId}>
        <input {...props} autoComplete="off" dir={opts.ltr ? "ltr" : undefined} />
      </Field>
    );
  };
  const number = (name: keyof typeof fields, hint?: string) => {
    const field = fields[name];
    const { key: _k, ...props } = getInputProps(field, { type: "text" });
    return (
      <Field label={t(`queues.field.${name}`)} hint={hint} htmlFor={field.id} errors={field.errors} errorId={field.errorId}>
        <input {...props} inputMode="numeric" autoComplete="off" dir="ltr" />
      </Field>
    );
  };
  const select = (name: keyof typeof fields, options: { value: string; label: string }[]) => {
    const field = fields[name];
    const { key: _k, ...props } = getSelectProps(field);
    return (
      <Field label={t(`queues.field.${name}`)} htmlFor={field.id} errors={field.errors} errorId={field.errorId}>
        <select {...props}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
    );
  };

  return (
    <Form method="post" className="form form--wide" {...getFormProps(form)}>
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      <FormErrors errors={form.errors} />
      <fieldset disabled={!data.canManage} className="stack" style={{ border: 0, padding: 0, margin: 0 }}>
        <Section id="queue-identity" title={t("queues.section.identity")}>
          {text("name")}
          {text("key", { ltr: true, hint: t("queues.hint.key") })}
          {select("language", [{ value: "", label: t("queues.anyLanguage") }, ...QUEUE_LANGUAGES.map((l) => ({ value: l, label: languageName.of(l) ?? l }))])}
          <fieldset className="scope-list" aria-describedby={fields.channels.errors?.length ? fields.channels.errorId : undefined}>
            <legend>{t("queues.field.channels")}</legend>
            {QUEUE_CHANNELS.map((c) => (
              <label key={c} className="checkbox">
                <input type="checkbox" name={fields.channels.name} value={c} defaultChecked={channels.has(c)} />
                {t(`queues.channel.${c}`)}
              </label>
            ))}
            <ErrorList id={fields.channels.errorId} errors={fields.channels.errors} />
          </fieldset>
        </Section>
        <Section id="queue-sl" title={t("queues.section.serviceLevel")} hint={t("queues.hint.serviceLevel")}>
          {number("slTargetPct")}
          {number("slThresholdSeconds")}
          {number("shortAbandonSeconds", t("queues.hint.shortAbandon"))}
          {number("maxWaitSeconds")}
          {number("priority", t("queues.hint.priority"))}
        </Section>
        <Section id="queue-skills" title={t("queues.section.matching")}>
          {text("requiredSkills", { ltr: true, hint: t("queues.hint.requiredSkills") })}
          {number("minProficiency", t("queues.hint.minProficiency"))}
          {number("offerTimeoutSeconds")}
          {number("wrapupSeconds")}
        </Section>
        <Section id="queue-overflow" title={t("queues.section.overflow")} hint={t("queues.hint.overflow")}>
          {select(
            "overflowAction",
            OVERFLOW_ACTIONS.map((a) => ({ value: a, label: t(`queues.overflow.${a}`) })),
          )}
          {overflow === "queue"
            ? select("overflowQueueId", [
                { value: "", label: t("queues.chooseQueue") },
                ...data.overflowTargets.map((o) => ({ value: o.id, label: `${o.name} (${o.key})` })),
              ])
            : null}
          {overflow === "external" ? text("overflowNumber", { ltr: true, hint: t("queues.hint.overflowNumber") }) : null}
          {select(
            "afterHours",
            AFTER_HOURS_ACTIONS.map((a) => ({ value: a, label: t(`queues.afterHours.${a}`) })),
          )}
        </Section>
      </fieldset>
      {data.canManage ? (
        <div>
          <button type="submit" className="button" disabled={navigation.state !== "idle"}>
            {data.queue ? t("queues.save") : t("queues.new.submit")}
          </button>
        </div>
      ) : null}
    </Form>
  );
}

function QueueAgentsForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const { agents, canManage } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const { t } = useTranslation("routing");
  const errors = lastResult?.error ? [...new Set(Object.values(lastResult.error).flatMap((e) => e ?? []))] : null;
  return (
    <section className="card" aria-labelledby="queue-agents-title">
      <h3 id="queue-agents-title">{t("queues.agents.title")}</h3>
      <p className="field-hint">{t("queues.agents.hint")}</p>
      <FormErrors errors={errors} />
      {agents.length === 0 ? (
        <p className="muted">{t("queues.agents.none")}</p>
      ) : (
        <Form method="post" className="form form--wide">
          <CsrfInput />
          <input type="hidden" name="intent" value="agents" />
          <fieldset className="scope-list" disabled={!canManage}>
            <legend className="visually-hidden">{t("queues.agents.title")}</legend>
            {agents.map((a) => (
              <label key={a.agentId} className="checkbox" data-testid="queue-agent">
                <input type="checkbox" name="agentIds" value={a.agentId} defaultChecked={a.assigned} />
                <span>
                  <bdi>{a.name}</bdi> <Ltr>{a.employeeCode}</Ltr>
                  {a.skills.length ? (
                    <>
                      {" "}
                      <span className="muted">
                        <Ltr>{a.skills.join(", ")}</Ltr>
                      </span>
                    </>
                  ) : null}
                  {!a.active ? (
                    <>
                      {" "}
                      <span className="badge badge--off">{t("queues.agents.disabled")}</span>
                    </>
                  ) : null}
                </span>
              </label>
            ))}
          </fieldset>
          {canManage ? (
            <div>
              <button type="submit" className="button" disabled={navigation.state !== "idle"}>
                {t("queues.agents.save")}
              </button>
            </div>
          ) : null}
        </Form>
      )}
    </section>
  );
}

function DeleteQueue({ inUse }: { inUse: QueueUse | undefined }) {
  const { queue } = useLoaderData<typeof loader>();
  const { t } = useTranslation("routing");
  const lang = useLang();
  const list = (names: string[]) => new Intl.ListFormat(intlLocale(lang), { type: "conjunction" }).format(names);
  return (
    <section className="card" aria-labelledby="queue-delete-title">
      <h3 id="queue-delete-title">{t("queues.delete.title")}</h3>
      <p className="field-hint">{t("queues.delete.hint")}</p>
      {inUse ? (
        <div className="alert alert--error" role="alert" data-testid="queue-in-use">
          <p>{t("queues.delete.refused")}</p>
          <ul>
            {inUse.overflowFrom.length ? <li>{t("queues.delete.overflowFrom", { queues: list(inUse.overflowFrom) })}</li> : null}
            {inUse.flows.length ? <li>{t("queues.delete.flows", { flows: list(inUse.flows) })}</li> : null}
            {inUse.contacts ? <li>{t("queues.delete.contacts")}</li> : null}
          </ul>
        </div>
      ) : null}
      <Form
        method="post"
        onSubmit={(e) => {
          if (!window.confirm(t("queues.delete.confirm", { name: queue?.name ?? "" }))) e.preventDefault();
        }}
      >
        <CsrfInput />
        <input type="hidden" name="intent" value="delete" />
        <button type="submit" className="button button--danger">
          {t("queues.delete.submit")}
        </button>
      </Form>
    </section>
  );
}
