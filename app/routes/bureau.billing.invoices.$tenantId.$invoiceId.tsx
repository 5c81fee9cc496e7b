import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatPercent, formatPercentBp, formatUsage, InvoiceStatusBadge, LinesTable, Money, periodTitle } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { CalendarPicker, calendarPickerLinks } from "~/components/calendar-picker";
import { CsrfInput, Field, FormErrors, Ltr, Notice } from "~/components/forms";
import { PermissionDenied } from "~/modules/auth/bureau.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { forbidden, notFound, requireBureauPermission } from "~/modules/auth/guards.server";
import { consoleInvoice, finalizeInvoice, issueCreditNote, recordPayment, voidInvoice } from "~/modules/billing/console.server";
import { creditNoteSchema, finalizeSchema, PAYMENT_METHODS, paymentSchema, voidSchema } from "~/modules/billing/console-forms";
import { BillingError } from "~/modules/billing/errors";
import { effectiveDayOf, moneyUnitFor, type MoneyUnit } from "~/modules/billing/plan-form";
import { billingSettings } from "~/modules/billing/settings.server";
import { toWire } from "~/modules/billing/wire";
import { bureauCtx } from "~/modules/bureau/context.server";
import { NotFoundError } from "~/modules/bureau/errors";
import { isUuid } from "~/modules/bureau/http.server";
import type { Language } from "~/modules/i18n/config";
import { dayInput, parseDayInput } from "~/modules/i18n/calendar-month";
import { formatDate, formatNumber } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";

export const links: LinksFunction = () => [...calendarPickerLinks()];

/**
 * One invoice or credit note of one tenant, with what may still happen to it: finalize a draft, void
 * it, credit part of it, record a payment. Another tenant's id in the URL answers 404.
 */

async function load(request: Request, params: { tenantId?: string; invoiceId?: string }, permission: "billing.read" | "billing.manage") {
  const auth = await requireBureauPermission(request, permission);
  if (!isUuid(params.tenantId) || !isUuid(params.invoiceId)) notFound();
  const ctx = bureauCtx(auth, request);
  try {
    return { ctx, detail: await consoleInvoice(ctx, params.tenantId, params.invoiceId) };
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { detail } = await load(request, params, "billing.read");
  const inv = detail.invoice;
  return {
    invoice: toWire(inv),
    creditNotes: toWire(detail.creditNotes),
    canManage: detail.canManage,
    unit: moneyUnitFor(inv.currency, inv.currencyDisplay),
    today: effectiveDayOf(new Date(), inv.timeZone),
  };
}

type Intent = "finalize" | "void" | "credit" | "payment";
type ActionData = { intent: Intent; result: SubmissionResult<string[]> };

const UNITS: readonly MoneyUnit[] = ["rial", "toman", "major"];

export async function action({ request, params }: ActionFunctionArgs) {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { ctx, detail } = await load(request, params, "billing.manage");
  const inv = detail.invoice;
  const lang = (await i18nServer.getLocale(request)) as Language;
  // The unit the form stated (rial or toman): amounts are read in it, whatever the setting is now.
  const posted = String(formData.get("moneyUnit") ?? "");
  const unit = UNITS.includes(posted as MoneyUnit) ? (posted as MoneyUnit) : moneyUnitFor(inv.currency, (await billingSettings()).currencyDisplay);
  const intent = String(formData.get("intent") ?? "") as Intent;
  const base = `/bureau/billing/invoices/${inv.tenantId}/${inv.id}`;
  const refused = (submission: { reply: (o?: { formErrors?: string[]; fieldErrors?: Record<string, string[]> }) => SubmissionResult<string[]> }, error: unknown, field?: string): ActionData => {
    if (error instanceof NotFoundError) notFound();
    if (error instanceof PermissionDenied) forbidden();
    if (error instanceof BillingError) {
      const key = `billing:errors.${error.code}`;
      return { intent, result: field && (error.code === "overpayment" || error.code === "creditTooLarge") ? submission.reply({ fieldErrors: { [field]: [key] } }) : submission.reply({ formErrors: [key] }) };
    }
    throw error;
  };

  if (intent === "finalize") {
    const submission = parseWithZod(formData, { schema: finalizeSchema });
    try {
      await finalizeInvoice(ctx, inv.tenantId, inv.id);
    } catch (error) {
      return refused(submission, error);
    }
    return redirect(`${base}?notice=finalized`);
  }
  if (intent === "void") {
    const submission = parseWithZod(formData, { schema: voidSchema });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    try {
      const { deleted } = await voidInvoice(ctx, inv.tenantId, inv.id, submission.value.reason);
      if (deleted) return redirect(`/bureau/billing/invoices?tenant=${inv.tenantId}&notice=draftDeleted`);
    } catch (error) {
      return refused(submission, error);
    }
    return redirect(`${base}?notice=voided`);
  }
  if (intent === "credit") {
    const submission = parseWithZod(formData, { schema: creditNoteSchema({ currency: inv.currency, unit }) });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    try {
      const note = await issueCreditNote(ctx, inv.tenantId, inv.id, submission.value);
      return redirect(`/bureau/billing/invoices/${inv.tenantId}/${note.creditNoteId}?notice=creditIssued`);
    } catch (error) {
      return refused(submission, error, "netAmount");
    }
  }
  if (intent === "payment") {
    const submission = parseWithZod(formData, { schema: paymentSchema({ currency: inv.currency, unit, lang, timeZone: inv.timeZone }) });
    if (submission.status !== "success") return { intent, result: submission.reply() } satisfies ActionData;
    try {
      await recordPayment(ctx, inv.tenantId, inv.id, submission.value);
    } catch (error) {
      return refused(submission, error, "amount");
    }
    return redirect(`${base}?notice=paymentRecorded`);
  }
  throw new Response(null, { status: 400, statusText: "Bad Request" });
}

const NOTICES = ["finalized", "voided", "creditIssued", "paymentRecorded"];

export default function InvoicePage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as ActionData | undefined;
  const [search] = useSearchParams();
  const { t } = useTranslation("billing");
  const lang = useLang();
  const inv = data.invoice;
  const display = inv.currencyDisplay;
  const zone = inv.timeZone;
  const notice = search.get("notice");
  const docBase = `/t/${inv.tenantSlug}/invoices/${inv.id}`;
  const isInvoice = inv.kind === "invoice";
  const balance = BigInt(inv.balance);
  const resultFor = (intent: Intent) => (actionData?.intent === intent ? actionData.result : undefined);
  const lastDay = new Date(new Date(inv.periodEnd).getTime() - 1);
  return (
    <div className="stack">
      <div className="page-header">
        <div>
          <p className="muted" style={{ margin: 0 }}>
            <Link to={`/bureau/billing/invoices?tenant=${inv.tenantId}`}>{t("console.invoices.back")}</Link>
          </p>
          <h2>
            {isInvoice ? t("invoice.title") : t("invoice.creditNote")} {inv.number ? <Ltr>{inv.number}</Ltr> : t("invoice.draftNumber")}
          </h2>
          <p className="muted">
            {inv.buyer.name} · {periodTitle(inv.periodLabel, inv.calendar, lang)}
          </p>
        </div>
        <InvoiceStatusBadge status={inv.status} />
      </div>
      {notice && NOTICES.includes(notice) ? <Notice>{t(`console.invoice.notice.${notice}`)}</Notice> : null}
      {inv.creditForInvoiceId ? (
        <p>
          <Link to={`/bureau/billing/invoices/${inv.tenantId}/${inv.creditForInvoiceId}`}>{t("invoice.creditNoteFor", { number: inv.creditForNumber ?? "" })}</Link>
        </p>
      ) : null}
      {inv.reason ? (
        <p>
          {t("invoice.reason")}: {inv.reason}
        </p>
      ) : null}

      <section className="card" aria-labelledby="invoice-docs">
        <h3 id="invoice-docs">{t("console.invoice.documents")}</h3>
        <ul className="billing-links">
          <li>
            <a href={`${docBase}/document`}>{t("console.invoice.doc.html")}</a>
          </li>
          <li>
            <a href={`${docBase}.pdf`}>{t("console.invoice.doc.pdf")}</a>
          </li>
          <li>
            <a href={`${docBase}.xlsx`}>{t("console.invoice.doc.xlsx")}</a>
          </li>
          <li>
            <a href={`${docBase}.csv`}>{t("console.invoice.doc.csv")}</a>
          </li>
        </ul>
      </section>

      <dl className="billing-stat-list card">
        <div>
          <dt>{t("invoice.period")}</dt>
          <dd>{t("invoice.periodRange", { from: formatDate(inv.periodStart, lang, zone), to: formatDate(lastDay, lang, zone) })}</dd>
        </div>
        <div>
          <dt>{t("invoice.issued")}</dt>
          <dd>{inv.issuedAt ? formatDate(inv.issuedAt, lang, zone) : t("invoice.notIssued")}</dd>
        </div>
        {inv.dueAt ? (
          <div>
            <dt>{t("invoice.due")}</dt>
            <dd>{formatDate(inv.dueAt, lang, zone)}</dd>
          </div>
        ) : null}
        {isInvoice ? (
          <>
            <div>
              <dt>{t("invoice.amountPaid")}</dt>
              <dd>
                <Money value={inv.amountPaid} currency={inv.currency} display={display} />
              </dd>
            </div>
            <div>
              <dt>{t("invoice.balance")}</dt>
              <dd data-testid="invoice-balance">
                <Money value={inv.balance} currency={inv.currency} display={display} />
              </dd>
            </div>
          </>
        ) : null}
      </dl>

      <LinesTable
        caption={t("invoice.charges")}
        lines={inv.lines}
        currency={inv.currency}
        display={display}
        totals={[
          { label: t("invoice.subtotal"), amount: inv.subtotal },
          { label: t("invoice.vat", { rate: formatPercentBp(inv.vatRateBp, lang) }), amount: inv.vatAmount },
          { label: isInvoice ? t("invoice.total") : t("invoice.totalCredited"), amount: inv.total, strong: true },
        ]}
      />

      {inv.sla.length ? (
        <section className="card" aria-labelledby="invoice-sla">
          <h3 id="invoice-sla">{t("invoice.sla.title")}</h3>
          <p className="field-hint">{t("invoice.sla.intro")}</p>
          <div className="table-wrap">
            <table className="billing-sla">
              <thead>
                <tr>
                  <th scope="col">{t("invoice.sla.queue")}</th>
                  <th scope="col">{t("invoice.sla.serviceLevel")}</th>
                  <th scope="col">{t("invoice.sla.answeredWithin")}</th>
                  <th scope="col">{t("invoice.sla.outcome")}</th>
                </tr>
              </thead>
              <tbody>
                {inv.sla.map((o) => (
                  <tr key={o.queueKey ?? "*"}>
                    <th scope="row">{o.queueKey === null ? t("invoice.sla.allQueues") : <Ltr>{o.queueKey}</Ltr>}</th>
                    <td>{o.result.serviceLevel === null ? t("invoice.sla.noContacts") : formatPercent(o.result.serviceLevel, lang)}</td>
                    <td>{t("invoice.sla.countedValue", { within: formatNumber(o.result.answeredWithin, lang), counted: formatNumber(o.result.answered + o.result.abandoned, lang) })}</td>
                    <td data-breached={o.creditBp > 0 ? "true" : undefined} data-met={o.creditBp === 0 && o.serviceLevelBp !== null ? "true" : undefined}>
                      {o.serviceLevelBp === null
                        ? "–"
                        : o.creditBp > 0
                          ? t("invoice.sla.breached", { threshold: formatPercentBp(o.breachedBelowBp ?? 0, lang), credit: formatPercentBp(o.creditBp, lang) })
                          : t("invoice.sla.met")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {Object.keys(inv.usage).length ? (
        <section className="card" aria-labelledby="invoice-usage">
          <h3 id="invoice-usage">{t("invoice.usageSummary.title")}</h3>
          <ul className="billing-stat-list">
            {Object.entries(inv.usage).map(([kind, q]) => (
              <li key={kind}>
                <span>{t(`kinds.${kind}`)}</span>
                <span>{formatUsage(t, kind, Number(q), lang)}</span>
              </li>
            ))}
          </ul>
          <p className="field-hint">{t("invoice.usageSummary.events", { count: inv.usageEventsCount, n: formatNumber(inv.usageEventsCount, lang) })}</p>
        </section>
      ) : null}

      {isInvoice ? (
        <section className="card" aria-labelledby="invoice-payments">
          <h3 id="invoice-payments">{t("invoice.payments.title")}</h3>
          {inv.payments.length === 0 ? (
            <p className="muted">{t("console.invoice.noPayments")}</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="payments">
                <thead>
                  <tr>
                    <th scope="col">{t("invoice.payments.date")}</th>
                    <th scope="col">{t("invoice.payments.method")}</th>
                    <th scope="col">{t("invoice.payments.reference")}</th>
                    <th scope="col" className="num">
                      {t("invoice.payments.amount")}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {inv.payments.map((p) => (
                    <tr key={p.id}>
                      <td>{formatDate(p.receivedAt, lang, zone)}</td>
                      <td>{t(`invoice.paymentMethods.${p.method}`)}</td>
                      <td>{p.reference ? <Ltr>{p.reference}</Ltr> : "–"}</td>
                      <td className="num">
                        <Money value={p.amount} currency={inv.currency} display={display} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}

      {data.creditNotes.length ? (
        <section className="card" aria-labelledby="invoice-credits">
          <h3 id="invoice-credits">{t("console.invoice.creditNotes")}</h3>
          <ul className="billing-stat-list">
            {data.creditNotes.map((c) => (
              <li key={c.id}>
                <Link to={`/bureau/billing/invoices/${inv.tenantId}/${c.id}`}>{c.number ? <Ltr>{c.number}</Ltr> : t("invoice.draftNumber")}</Link>
                <span>{c.reason}</span>
                <InvoiceStatusBadge status={c.status} />
                <Money value={c.total} currency={inv.currency} display={display} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {data.canManage ? (
        <div className="billing-actions">
          {inv.status === "draft" ? <FinalizeForm result={resultFor("finalize")} /> : null}
          {isInvoice && (inv.status === "finalized" || inv.status === "sent") && balance > 0n ? <PaymentForm result={resultFor("payment")} /> : null}
          {isInvoice && inv.status !== "draft" && inv.status !== "void" ? <CreditForm result={resultFor("credit")} /> : null}
          {inv.status !== "void" && inv.status !== "paid" && BigInt(inv.amountPaid) === 0n ? <VoidForm result={resultFor("void")} /> : null}
        </div>
      ) : null}
    </div>
  );
}

function useUnitLabel() {
  const { invoice, unit } = useLoaderData<typeof loader>();
  const { t } = useTranslation("billing");
  return { unit, label: invoice.currency === "IRR" ? t(`invoice.currencyUnits.${unit === "toman" ? "toman" : "rial"}`) : invoice.currency };
}

function FinalizeForm({ result }: { result: SubmissionResult<string[]> | undefined }) {
  const { t } = useTranslation("billing");
  const navigation = useNavigation();
  return (
    <section className="card" aria-labelledby="finalize-title">
      <h3 id="finalize-title">{t("console.invoice.finalize.title")}</h3>
      <p className="field-hint">{t("console.invoice.finalize.hint")}</p>
      <FormErrors errors={result?.error?.[""] ?? null} />
      <Form method="post">
        <CsrfInput />
        <input type="hidden" name="intent" value="finalize" />
        <button type="submit" className="button" disabled={navigation.state !== "idle"}>
          {t("console.invoice.finalize.submit")}
        </button>
      </Form>
    </section>
  );
}

function VoidForm({ result }: { result: SubmissionResult<string[]> | undefined }) {
  const { t } = useTranslation("billing");
  const { invoice } = useLoaderData<typeof loader>();
  const [form, fields] = useForm({ id: "void-invoice", lastResult: result, shouldValidate: "onBlur", onValidate: ({ formData }) => parseWithZod(formData, { schema: voidSchema }) });
  return (
    <section className="card bureau-danger" aria-labelledby="void-title">
      <h3 id="void-title">{t("console.invoice.void.title")}</h3>
      <p className="field-hint">{invoice.status === "draft" ? t("console.invoice.void.hintDraft") : t("console.invoice.void.hint")}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="void" />
        <FormErrors errors={form.errors} />
        <Field label={t("console.invoice.field.reason")} htmlFor={fields.reason.id} errors={fields.reason.errors} errorId={fields.reason.errorId}>
          <textarea {...getInputProps(fields.reason, { type: "text" })} rows={2} />
        </Field>
        <div>
          <button type="submit" className="button button--danger">
            {invoice.status === "draft" ? t("console.invoice.void.submitDraft") : t("console.invoice.void.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function CreditForm({ result }: { result: SubmissionResult<string[]> | undefined }) {
  const { t } = useTranslation("billing");
  const { invoice } = useLoaderData<typeof loader>();
  const { unit, label } = useUnitLabel();
  const lang = useLang();
  const schema = creditNoteSchema({ currency: invoice.currency, unit });
  const [form, fields] = useForm({ id: "credit-note", lastResult: result, shouldValidate: "onBlur", onValidate: ({ formData }) => parseWithZod(formData, { schema }) });
  return (
    <section className="card" aria-labelledby="credit-title">
      <h3 id="credit-title">{t("console.invoice.credit.title")}</h3>
      <p className="field-hint">{t("console.invoice.credit.hint", { rate: formatPercentBp(invoice.vatRateBp, lang) })}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="credit" />
        <input type="hidden" name="moneyUnit" value={unit} />
        <FormErrors errors={form.errors} />
        <Field label={t("console.plan.inUnit", { label: t("console.invoice.field.netAmount"), unit: label })} htmlFor={fields.netAmount.id} errors={fields.netAmount.errors} errorId={fields.netAmount.errorId}>
          <input {...getInputProps(fields.netAmount, { type: "text" })} inputMode="decimal" dir="ltr" autoComplete="off" />
        </Field>
        <Field label={t("console.invoice.field.reason")} htmlFor={fields.reason.id} errors={fields.reason.errors} errorId={fields.reason.errorId}>
          <textarea {...getInputProps(fields.reason, { type: "text" })} rows={2} />
        </Field>
        <div>
          <button type="submit" className="button">
            {t("console.invoice.credit.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}

function PaymentForm({ result }: { result: SubmissionResult<string[]> | undefined }) {
  const { t } = useTranslation("billing");
  const { invoice, today } = useLoaderData<typeof loader>();
  const { unit, label } = useUnitLabel();
  const lang = useLang();
  const schema = paymentSchema({ currency: invoice.currency, unit, lang, timeZone: invoice.timeZone });
  const [form, fields] = useForm({
    id: `payment-${lang}`,
    lastResult: result,
    defaultValue: { method: "bank_transfer", receivedAt: dayInput(today, lang) },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const { key: _k, ...methodProps } = getSelectProps(fields.method);
  const received = typeof fields.receivedAt.initialValue === "string" ? parseDayInput(fields.receivedAt.initialValue, lang) : null;
  return (
    <section className="card" aria-labelledby="payment-title">
      <h3 id="payment-title">{t("console.invoice.payment.title")}</h3>
      <p className="field-hint">{t("console.invoice.payment.hint")}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="payment" />
        <input type="hidden" name="moneyUnit" value={unit} />
        <FormErrors errors={form.errors} />
        <Field label={t("console.plan.inUnit", { label: t("console.invoice.field.amount"), unit: label })} htmlFor={fields.amount.id} errors={fields.amount.errors} errorId={fields.amount.errorId}>
          <input {...getInputProps(fields.amount, { type: "text" })} inputMode="decimal" dir="ltr" autoComplete="off" />
        </Field>
        <Field label={t("invoice.payments.method")} htmlFor={fields.method.id} errors={fields.method.errors} errorId={fields.method.errorId}>
          <select {...methodProps}>
            {PAYMENT_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`invoice.paymentMethods.${m}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("console.invoice.field.reference")} hint={t("console.invoice.hint.reference")} htmlFor={fields.reference.id} errors={fields.reference.errors} errorId={fields.reference.errorId}>
          <input {...getInputProps(fields.reference, { type: "text" })} dir="ltr" autoComplete="off" />
        </Field>
        <Field label={t("console.invoice.field.receivedAt")} htmlFor={fields.receivedAt.id} errors={fields.receivedAt.errors} errorId={fields.receivedAt.errorId}>
          <CalendarPicker
            lang={lang}
            name={fields.receivedAt.name}
            id={fields.receivedAt.id}
            value={received}
            invalid={!!fields.receivedAt.errors}
            describedBy={fields.receivedAt.errors ? fields.receivedAt.errorId : undefined}
            timeZone={invoice.timeZone}
            today={today}
          />
        </Field>
        <Field label={t("console.invoice.field.note")} htmlFor={fields.note.id} errors={fields.note.errors} errorId={fields.note.errorId}>
          <input {...getInputProps(fields.note, { type: "text" })} />
        </Field>
        <div>
          <button type="submit" className="button">
            {t("console.invoice.payment.submit")}
          </button>
        </div>
      </Form>
    </section>
  );
}
