import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { CsrfInput, Field, FormErrors, Ltr } from "~/components/forms";
import { titleMeta } from "~/components/meta";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, requireTenantPermission } from "~/modules/auth/guards.server";
import { can } from "~/modules/auth/permissions";
import { directionOf, LANGUAGES, type Language } from "~/modules/i18n/config";
import { formatDateTime, localizeDigits } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { listCalls } from "~/modules/interactions/calls.server";
import { listFlows } from "~/modules/ivr/flows.server";
import { simulatorActionSchema } from "~/modules/telephony/simulator-forms";
import {
  finishRecording,
  hangUp,
  isCallId,
  newAttemptId,
  pressDigits,
  sendQueueTick,
  sendTimeout,
  simulatorCallView,
  SimulatorError,
  startSimulatedCall,
  type Expecting,
} from "~/modules/telephony/simulator.server";
import { listTenantNumbers } from "~/modules/tenancy/tenant-numbers.server";
import portalCss from "~/styles/portal.css?url";
import simulatorCss from "~/styles/simulator.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: portalCss },
  { rel: "stylesheet", href: simulatorCss },
];

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data ? { title: data.title } : undefined, matches);

const notFound = () => new Response("Not Found", { status: 404 });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.simulator.use");
  const lang = (await i18nServer.getLocale(request)) as Language;
  const t = await i18nServer.getFixedT(lang, "voice");
  const callParam = new URL(request.url).searchParams.get("call");
  const [numbers, flows, calls] = await Promise.all([listTenantNumbers(tenant.id), listFlows(tenant.id), listCalls(tenant.id, { limit: 20 })]);
  let current = null;
  if (callParam !== null) {
    const view = isCallId(callParam) ? await simulatorCallView(tenant.id, callParam) : null;
    if (!view) throw notFound();
    current = {
      id: view.call.id,
      to: view.call.to,
      state: view.call.state,
      language: view.call.language,
      live: view.live,
      step: view.step,
      expecting: view.expecting,
      transcript: view.transcript,
    };
  }
  const published = new Map(flows.filter((f) => f.publishedVersion !== null).map((f) => [f.id, f.name]));
  return {
    title: t("simulator.title"),
    slug: tenant.slug,
    canEditIvr: can(auth.actor, "tenant.ivr.read", tenant.id),
    attempt: newAttemptId(),
    numbers: numbers.flatMap((n) => (n.flowId && published.has(n.flowId) ? [{ id: n.id, e164: n.e164, label: n.label, flow: published.get(n.flowId)! }] : [])),
    languages: [tenant.defaultLocale, ...LANGUAGES.filter((l) => l !== tenant.defaultLocale)],
    current,
    recent: calls.map((c) => ({
      id: c.id,
      simulated: c.provider === "simulator",
      time: formatDateTime(c.startedAt, lang, tenant.timeZone),
      timeIso: c.startedAt.toISOString(),
      number: c.to,
      language: c.language,
      state: c.state,
      path: c.ivrPath,
    })),
  };
}

type ActionResult = { intent: string; result: SubmissionResult<string[]> };

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.simulator.use");
  const submission = parseWithZod(formData, { schema: simulatorActionSchema });
  const intent = String(formData.get("intent") ?? "");
  if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionResult;
  const input = submission.value;
  const page = `/t/${tenant.slug}/simulator`;
  try {
    if (input.intent === "call") {
      const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
      const { call } = await startSimulatedCall(tenant.id, input.numberId, input.language, actor, input.attempt, input.from);
      return redirect(`${page}?call=${call.id}`);
    }
    // Another tenant's call, a webhook call or a malformed id: 404, never the call.
    if (!isCallId(input.callId)) throw notFound();
    const { callId, step } = input;
    switch (input.intent) {
      case "digits":
        await pressDigits(tenant.id, callId, input.digits, step);
        break;
      case "timeout":
        await sendTimeout(tenant.id, callId, step);
        break;
      case "tick":
        await sendQueueTick(
          tenant.id,
          callId,
          { waitedSeconds: input.waited, estimatedWaitSeconds: input.estimated === null ? null : input.estimated * 60, position: input.position },
          step,
        );
        break;
      case "record":
        await finishRecording(tenant.id, callId, step);
        break;
      case "hangup":
        await hangUp(tenant.id, callId, step);
        break;
    }
    return redirect(`${page}?call=${callId}`);
  } catch (err) {
    if (!(err instanceof SimulatorError)) throw err;
    if (err.key === "notFound") throw notFound();
    const message = `voice:errors.${err.key}`;
    const field = err.key === "invalidDigits" ? "digits" : err.key === "numberNotFound" || err.key === "noFlow" || err.key === "notPublished" ? "numberId" : null;
    return {
      intent,
      result: submission.reply(field ? { fieldErrors: { [field]: [message] } } : { formErrors: [message] }),
    } satisfies ActionResult;
  }
}

export default function CallSimulator() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation("voice");
  const { current } = data;
  const stepErrors = actionData && actionData.intent !== "call" ? [...new Set(Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []))] : null;

  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("simulator.title")}</h2>
      </div>
      <p className="muted">{t("simulator.intro")}</p>

      <StartCallForm lastResult={actionData?.intent === "call" ? actionData.result : undefined} />

      {current ? (
        <section className="card sim-call" aria-labelledby="sim-call-title" data-testid="sim-call">
          <h3 id="sim-call-title">
            {t("current.title", { number: `\u2066${current.to ?? ""}\u2069` })}
          </h3>
          <p className="sim-call__meta">
            <span>
              {t("current.state")}: <span className="badge" data-testid="sim-state">{t(`states.${current.state}`)}</span>
            </span>
            <span>
              {t("current.language")}: {t(`common:language.${current.language}`)}
            </span>
          </p>
          <div className="sim-call__body">
            <Transcript lines={current.transcript} />
            <div className="sim-controls">
              <FormErrors errors={stepErrors} />
              {current.live ? (
                <Controls callId={current.id} step={current.step} expecting={current.expecting} key={current.step} />
              ) : (
                <p className="muted" role="status">
                  {t("current.over")}
                </p>
              )}
            </div>
          </div>
        </section>
      ) : null}

      <RecentCalls />
    </div>
  );
}

function StartCallForm({ lastResult }: { lastResult: SubmissionResult<string[]> | undefined }) {
  const { numbers, languages, attempt, slug, canEditIvr, current } = useLoaderData<typeof loader>();
  const { t } = useTranslation("voice");
  const busy = useNavigation().state !== "idle";
  const [form, fields] = useForm({
    id: "sim-call",
    lastResult,
    defaultValue: { numberId: numbers[0]?.id ?? "", language: current?.language ?? languages[0], from: "" },
  });
  if (numbers.length === 0) {
    return (
      <div className="alert alert--warning" role="status" data-testid="sim-no-numbers">
        <p>{t("simulator.noNumbers")}</p>
        {canEditIvr ? <Link to={`/t/${slug}/ivr`}>{t("simulator.noNumbersLink")}</Link> : null}
      </div>
    );
  }
  const { key: _n, ...numberProps } = getSelectProps(fields.numberId);
  const { key: _l, ...languageProps } = getSelectProps(fields.language);
  const { key: _f, ...fromProps } = getInputProps(fields.from, { type: "tel" });
  return (
    <section className="card">
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="call" />
        <input type="hidden" name="attempt" value={attempt} />
        <FormErrors errors={form.errors} />
        <div className="form-row sim-start">
          <Field label={t("simulator.number")} htmlFor={fields.numberId.id} errors={fields.numberId.errors} errorId={fields.numberId.errorId}>
            <select {...numberProps} dir="auto">
              {numbers.map((n) => (
                <option key={n.id} value={n.id}>
                  {t("simulator.numberOption", { number: `\u2066${n.e164}\u2069`, flow: n.label ? `${n.flow} (${n.label})` : n.flow })}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("simulator.language")} htmlFor={fields.language.id} errors={fields.language.errors} errorId={fields.language.errorId}>
            <select {...languageProps}>
              {languages.map((l) => (
                <option key={l} value={l}>
                  {t(`common:language.${l}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("simulator.from")} hint={t("simulator.fromHint")} htmlFor={fields.from.id} errors={fields.from.errors} errorId={fields.from.errorId}>
            <input {...fromProps} dir="ltr" placeholder="+989121234567" autoComplete="off" />
          </Field>
          <div className="sim-start__submit">
            <button type="submit" className="button" disabled={busy}>
              {t("simulator.call")}
            </button>
          </div>
        </div>
      </Form>
    </section>
  );
}

type Line = { seq: number; kind: string; text: string; language: Language };

function Transcript({ lines }: { lines: Line[] }) {
  const { t } = useTranslation("voice");
  const list = useRef<HTMLOListElement>(null);
  // The newest line is what the caller needs: keep it in view as the call goes on.
  useEffect(() => {
    if (list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [lines.length]);
  return (
    <section className="sim-transcript" aria-labelledby="sim-transcript-title">
      <h4 id="sim-transcript-title">{t("current.transcript")}</h4>
      {lines.length === 0 ? <p className="muted">{t("current.empty")}</p> : null}
      <ol ref={list} aria-live="polite" data-testid="sim-transcript">
        {lines.map((line, i) => (
          <li key={`${line.seq}-${i}`} className={`sim-line sim-line--${line.kind}`} lang={line.language} dir={directionOf(line.language)}>
            {line.kind === "caller" ? <span className="visually-hidden">{t("current.caller")}: </span> : null}
            {line.text}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Hidden fields every caller action carries: the call and the step counter (its idempotency key). */
function StepFields({ intent, callId, step }: { intent: string; callId: string; step: number }) {
  return (
    <>
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="callId" value={callId} />
      <input type="hidden" name="step" value={step} />
    </>
  );
}

const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"] as const;

function Keypad({ callId, step, single, busy }: { callId: string; step: number; single: boolean; busy: boolean }) {
  const { t, i18n } = useTranslation("voice");
  const [typed, setTyped] = useState("");
  const lang = i18n.language as Language;
  const keyLabel = (k: string) => (k === "*" ? t("keypad.star") : k === "#" ? t("keypad.hash") : t("keypad.key", { key: localizeDigits(k, lang) }));
  return (
    <Form method="post" className="sim-keypad-form" aria-label={t("keypad.label")}>
      <StepFields intent="digits" callId={callId} step={step} />
      {!single ? (
        <div className="field">
          <label htmlFor="sim-digits">{t("keypad.digits")}</label>
          <input
            id="sim-digits"
            name="digits"
            dir="ltr"
            inputMode="numeric"
            autoComplete="off"
            maxLength={64}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            className="sim-digits"
          />
        </div>
      ) : null}
      <div className="sim-keypad" role="group" aria-label={t("keypad.label")} dir="ltr">
        {KEYS.map((k) =>
          single ? (
            <button key={k} type="submit" name="digits" value={k} className="sim-key" aria-label={keyLabel(k)} disabled={busy}>
              {k}
            </button>
          ) : (
            <button key={k} type="button" className="sim-key" aria-label={keyLabel(k)} disabled={busy} onClick={() => setTyped((v) => (v + k).slice(0, 64))}>
              {k}
            </button>
          ),
        )}
      </div>
      {!single ? (
        <div className="sim-actions">
          <button type="submit" className="button" disabled={busy}>
            {t("keypad.send")}
          </button>
          <button type="button" className="button button--ghost" onClick={() => setTyped("")}>
            {t("keypad.clear")}
          </button>
        </div>
      ) : null}
    </Form>
  );
}

function ExpectingText({ expecting }: { expecting: Expecting }) {
  const { t, i18n } = useTranslation("voice");
  const lang = i18n.language as Language;
  const n = (v: number) => localizeDigits(String(v), lang);
  let text: string;
  switch (expecting.kind) {
    case "digits":
      text =
        expecting.maxDigits === 1 && expecting.finishOnKey === ""
          ? t("expecting.key")
          : expecting.finishOnKey === ""
            ? t("expecting.digits", { min: n(expecting.minDigits), max: n(expecting.maxDigits) })
            : t("expecting.digitsFinish", { min: n(expecting.minDigits), max: n(expecting.maxDigits), key: expecting.finishOnKey });
      break;
    case "queue":
      text = t("expecting.queue");
      break;
    case "recording":
      text = t("expecting.recording", { seconds: n(expecting.maxSeconds) });
      break;
    default:
      text = t("expecting.none");
  }
  return (
    <p className="sim-expecting" role="status" data-testid="sim-expecting">
      {text}
    </p>
  );
}

function Controls({ callId, step, expecting }: { callId: string; step: number; expecting: Expecting }) {
  const { t, i18n } = useTranslation("voice");
  const busy = useNavigation().state !== "idle";
  const lang = i18n.language as Language;
  const single = expecting.kind !== "digits" || (expecting.maxDigits === 1 && expecting.finishOnKey === "");
  return (
    <div className="stack">
      <ExpectingText expecting={expecting} />
      {expecting.kind === "queue" ? (
        <section className="sim-queue" aria-labelledby="sim-queue-title">
          <h4 id="sim-queue-title">{t("queue.title")}</h4>
          <p className="muted">{t("queue.waitedSoFar", { seconds: localizeDigits(String(expecting.waitedSeconds), lang) })}</p>
          <Form method="post" className="form">
            <StepFields intent="tick" callId={callId} step={step} />
            <div className="form-row">
              <div className="field">
                <label htmlFor="sim-waited">{t("queue.waited")}</label>
                <input id="sim-waited" name="waited" type="number" min={0} max={86400} dir="ltr" defaultValue={expecting.waitedSeconds + 60} required />
              </div>
              <div className="field">
                <label htmlFor="sim-estimated">{t("queue.estimated")}</label>
                <input id="sim-estimated" name="estimated" type="number" min={0} max={600} dir="ltr" defaultValue={5} />
              </div>
              <div className="field">
                <label htmlFor="sim-position">{t("queue.position")}</label>
                <input id="sim-position" name="position" type="number" min={1} max={10000} dir="ltr" defaultValue={3} />
              </div>
            </div>
            <div>
              <button type="submit" className="button button--ghost" disabled={busy}>
                {t("queue.advance")}
              </button>
            </div>
          </Form>
          {expecting.callbackDigit !== null ? (
            <Form method="post" className="inline-form">
              <StepFields intent="digits" callId={callId} step={step} />
              <input type="hidden" name="digits" value={expecting.callbackDigit} />
              <button type="submit" className="button" disabled={busy}>
                {t("queue.acceptCallback", { digit: localizeDigits(expecting.callbackDigit, lang) })}
              </button>
            </Form>
          ) : null}
        </section>
      ) : null}
      {expecting.kind === "digits" || expecting.kind === "queue" ? <Keypad callId={callId} step={step} single={single} busy={busy} /> : null}
      <div className="sim-actions">
        {expecting.kind === "digits" ? (
          <Form method="post" className="inline-form">
            <StepFields intent="timeout" callId={callId} step={step} />
            <button type="submit" className="button button--ghost" disabled={busy}>
              {t("controls.timeout")}
            </button>
          </Form>
        ) : null}
        {expecting.kind === "recording" ? (
          <Form method="post" className="inline-form">
            <StepFields intent="record" callId={callId} step={step} />
            <button type="submit" className="button" disabled={busy}>
              {t("controls.finishRecording")}
            </button>
          </Form>
        ) : null}
        <Form method="post" className="inline-form">
          <StepFields intent="hangup" callId={callId} step={step} />
          <button type="submit" className="button button--danger" disabled={busy}>
            {t("controls.hangUp")}
          </button>
        </Form>
      </div>
    </div>
  );
}

function RecentCalls() {
  const { recent, slug } = useLoaderData<typeof loader>();
  const { t } = useTranslation("voice");
  return (
    <section aria-labelledby="sim-recent-title">
      <h3 id="sim-recent-title">{t("recent.title")}</h3>
      <div className="table-wrap">
        <table data-testid="sim-recent">
          <thead>
            <tr>
              <th scope="col">{t("recent.time")}</th>
              <th scope="col">{t("recent.number")}</th>
              <th scope="col">{t("recent.language")}</th>
              <th scope="col">{t("recent.state")}</th>
              <th scope="col">{t("recent.path")}</th>
              <th scope="col">
                <span className="visually-hidden">{t("recent.open")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {recent.length === 0 ? (
              <tr>
                <td colSpan={6} className="muted">
                  {t("recent.empty")}
                </td>
              </tr>
            ) : null}
            {recent.map((c) => (
              <tr key={c.id}>
                <td>
                  <time dateTime={c.timeIso}>{c.time}</time>
                </td>
                <td>{c.number ? <Ltr>{c.number}</Ltr> : t("recent.noPath")}</td>
                <td>{t(`common:language.${c.language}`)}</td>
                <td>
                  <span className="badge">{t(`states.${c.state}`)}</span>
                </td>
                <td>{c.path.length ? <Ltr>{c.path.join(" → ")}</Ltr> : t("recent.noPath")}</td>
                <td>
                  {c.simulated ? (
                    <Link to={`/t/${slug}/simulator?call=${c.id}`} aria-label={t("recent.openCall", { time: c.time })}>
                      {t("recent.open")}
                    </Link>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
