import type { ReactNode } from "react";
import { directionOf } from "../../i18n/config";
import type { InvoiceView, PartyDetails } from "../invoice-view";
import {
  amountUnitLabel,
  dateText,
  documentKindLabel,
  ltrIsolate,
  lineQuantityText,
  lineText,
  lineUnitPriceText,
  money,
  periodRange,
  periodTitle,
  slaRows,
  totalsRows,
  usageRows,
  formatQuantityNumber,
  type BillingT,
  type DocContext,
} from "./format";
import { DOCUMENT_CSS } from "./styles";

/**
 * The invoice (or credit note) as a complete A4 HTML document, in the invoice's language: Persian
 * right-to-left with Jalali dates and Persian digits, English and Dutch left-to-right. The same markup
 * is the HTML view and, printed by Chromium, the PDF. Server-only in practice (it takes a `t` and the
 * embedded font), but pure: no data loading, no hooks.
 *
 * Codes (invoice number, tax id, e-mail, queue keys) are isolated left-to-right so a Latin code never
 * reorders the Persian around it; amounts are left to the bidi algorithm, which already reads
 * "۱۲۳٬۰۰۰ تومان" right in an RTL line.
 */
export interface InvoiceDocumentProps {
  view: InvoiceView;
  t: BillingT;
  /** @font-face rules (the embedded Vazirmatn), so the printer needs no network. */
  fontCss: string;
}

/** Nothing may be fetched or run: the document is data only (the printer is offline too). */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:";

function Ltr({ children }: { children: ReactNode }) {
  return (
    <bdi dir="ltr" className="ltr">
      {children}
    </bdi>
  );
}

/**
 * An amount isolated in the document's direction, not dir=auto: a negative amount starts with the
 * LRM Intl puts before its minus sign, which would make "auto" lay "−۱۰۰ تومان" out left-to-right and
 * put the unit before the number for a Persian reader.
 */
function Amount({ ctx, value }: { ctx: DocContext; value: bigint }) {
  return (
    <bdi dir={directionOf(ctx.lang)} className={value < 0n ? "neg" : undefined}>
      {money(ctx, value)}
    </bdi>
  );
}

function Party({ ctx, title, party }: { ctx: DocContext; title: string; party: PartyDetails }) {
  const { t } = ctx;
  const name = party.name || party.legalName;
  return (
    <div className="party">
      <h2>{title}</h2>
      <p className="name">{name}</p>
      <dl>
        {party.legalName && party.legalName !== name ? (
          <>
            <dt>{t("invoice.legalName")}</dt>
            <dd>{party.legalName}</dd>
          </>
        ) : null}
        {party.address ? (
          <>
            <dt>{t("invoice.address")}</dt>
            <dd dir="auto">{party.address}</dd>
          </>
        ) : null}
        {party.taxId ? (
          <>
            <dt>{t("invoice.taxId")}</dt>
            <dd>
              <Ltr>{party.taxId}</Ltr>
            </dd>
          </>
        ) : null}
        {party.email ? (
          <>
            <dt>{t("invoice.email")}</dt>
            <dd>
              <Ltr>{party.email}</Ltr>
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

export function InvoiceDocument({ view, t, fontCss }: InvoiceDocumentProps) {
  const lang = view.locale;
  const ctx: DocContext = { view, lang, t };
  const kindLabel = documentKindLabel(ctx);
  const numberText = view.number ?? t("invoice.draftNumber");
  const issued = dateText(view.issuedAt, lang, view.timeZone);
  const due = dateText(view.dueAt, lang, view.timeZone);
  const sla = slaRows(ctx);
  const usage = usageRows(ctx);
  const watermark = view.status === "draft" || view.status === "void" ? t(`invoice.watermark.${view.status}`) : null;
  const isCredit = view.kind === "credit_note";
  const rows = tableLines(view);

  return (
    <html lang={lang} dir={directionOf(lang)}>
      <head>
        <meta charSet="utf-8" />
        <meta httpEquiv="Content-Security-Policy" content={CSP} />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{t("invoice.documentTitle", { kind: kindLabel, number: ltrIsolate(numberText), buyer: view.buyer.name })}</title>
        <style dangerouslySetInnerHTML={{ __html: fontCss + DOCUMENT_CSS }} />
      </head>
      <body>
        {watermark ? (
          <div className="watermark" aria-hidden="true">
            <span>{watermark}</span>
          </div>
        ) : null}
        <main className="sheet" data-invoice-status={view.status} data-invoice-kind={view.kind}>
          <header className="head">
            <div>
              <p className="brand">{view.seller.name || view.seller.legalName}</p>
              <h1 className="doc-title">{kindLabel}</h1>
              {isCredit ? <p className="doc-sub">{t("invoice.creditNoteFor", { number: ltrIsolate(view.creditForNumber ?? "–") })}</p> : null}
            </div>
            <table className="meta">
              <tbody>
                <tr>
                  <th scope="row">{t("invoice.number")}</th>
                  <td>{view.number ? <Ltr>{view.number}</Ltr> : numberText}</td>
                </tr>
                <tr>
                  <th scope="row">{t("invoice.issued")}</th>
                  <td>{issued ?? t("invoice.notIssued")}</td>
                </tr>
                {due && !isCredit ? (
                  <tr>
                    <th scope="row">{t("invoice.due")}</th>
                    <td>{due}</td>
                  </tr>
                ) : null}
                <tr>
                  <th scope="row">{t("invoice.status")}</th>
                  <td>
                    <span className={`status status-${view.status}`}>{t(`invoice.statuses.${view.status}`)}</span>
                  </td>
                </tr>
              </tbody>
            </table>
          </header>

          <div className="parties">
            <Party ctx={ctx} title={t("invoice.seller")} party={view.seller} />
            <Party ctx={ctx} title={t("invoice.buyer")} party={view.buyer} />
          </div>

          <div className="period">
            <span className="label">{t("invoice.period")}</span>
            <span className="month">{periodTitle(view, lang)}</span>
            <span className="range">{periodRange(ctx)}</span>
          </div>

          {isCredit && view.reason ? (
            <p className="reason">
              <strong>{t("invoice.reason")}: </strong>
              <span dir="auto">{view.reason}</span>
            </p>
          ) : null}

          <table className="lines">
            <thead>
              <tr>
                <th className="no">{t("invoice.columns.lineNo")}</th>
                <th>{t("invoice.columns.description")}</th>
                <th className="num">{t("invoice.columns.quantity")}</th>
                <th className="num">{t("invoice.columns.unitPrice")}</th>
                <th className="num">{t("invoice.columns.amount")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 ? (
                <tr>
                  <td colSpan={5} className="empty">
                    {t("invoice.noLines")}
                  </td>
                </tr>
              ) : (
                rows.map((line, i) => {
                  const text = lineText(ctx, line);
                  return (
                    <tr key={line.lineNo} data-line-type={line.type}>
                      <td className="no">{formatQuantityNumber(i + 1, lang, 0)}</td>
                      <td>
                        {text.description}
                        {text.detail ? <span className="detail">{text.detail}</span> : null}
                      </td>
                      <td className="num">{lineQuantityText(ctx, line)}</td>
                      <td className="num">{lineUnitPriceText(ctx, line)}</td>
                      <td className="num">
                        <Amount ctx={ctx} value={line.amount} />
                      </td>
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>

          <div className="totals-wrap">
            <div>
              <table className="totals">
                <tbody>
                  {totalsRows(ctx).map((row) => (
                    <tr key={row.key} className={row.key} data-total={row.key}>
                      <th scope="row">{row.label}</th>
                      <td>
                        <Amount ctx={ctx} value={row.amount} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="amounts-in">{t("invoice.amountsIn", { unit: amountUnitLabel(ctx) })}</p>
            </div>
          </div>

          {sla.length > 0 ? (
            <section className="block sla">
              <h3>{t("invoice.sla.title")}</h3>
              <p className="intro">{t("invoice.sla.intro")}</p>
              <table className="grid">
                <thead>
                  <tr>
                    <th>{t("invoice.sla.queue")}</th>
                    <th className="num">{t("invoice.sla.serviceLevel")}</th>
                    <th className="num">{t("invoice.sla.answeredWithin")}</th>
                    <th>{t("invoice.sla.outcome")}</th>
                  </tr>
                </thead>
                <tbody>
                  {sla.map((row, i) => (
                    <tr key={row.queue ?? `all-${i}`}>
                      <td>{row.queue ? <Ltr>{row.queue}</Ltr> : t("invoice.sla.allQueues")}</td>
                      <td className="num">{row.serviceLevel}</td>
                      <td className="num">{row.answeredWithin}</td>
                      <td className={row.breached ? "breached" : undefined}>{row.outcome}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}

          {usage.length > 0 ? (
            <section className="block usage">
              <h3>{t("invoice.usageSummary.title")}</h3>
              <table className="grid">
                <thead>
                  <tr>
                    <th>{t("invoice.usageSummary.kind")}</th>
                    <th className="num">{t("invoice.usageSummary.quantity")}</th>
                  </tr>
                </thead>
                <tbody>
                  {usage.map((row) => (
                    <tr key={row.kind}>
                      <td>{row.name}</td>
                      <td className="num">{row.quantity}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {view.usageEventsCount > 0 ? (
                <p className="note">{t("invoice.usageSummary.events", { count: view.usageEventsCount, n: formatQuantityNumber(view.usageEventsCount, lang, 0) })}</p>
              ) : null}
            </section>
          ) : null}

          {view.payments.length > 0 ? (
            <section className="block payments">
              <h3>{t("invoice.payments.title")}</h3>
              <table className="grid">
                <thead>
                  <tr>
                    <th>{t("invoice.payments.date")}</th>
                    <th>{t("invoice.payments.method")}</th>
                    <th>{t("invoice.payments.reference")}</th>
                    <th className="num">{t("invoice.payments.amount")}</th>
                  </tr>
                </thead>
                <tbody>
                  {view.payments.map((p) => (
                    <tr key={p.id}>
                      <td>{dateText(p.receivedAt, lang, view.timeZone)}</td>
                      <td>{t(`invoice.paymentMethods.${p.method}`)}</td>
                      <td>{p.reference ? <Ltr>{p.reference}</Ltr> : "–"}</td>
                      <td className="num">
                        <Amount ctx={ctx} value={p.amount} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}

          <footer className="foot">
            <p>{t(isCredit ? "invoice.footerCreditNote" : "invoice.footer")}</p>
          </footer>
        </main>
      </body>
    </html>
  );
}

/**
 * The lines the table lists: VAT is shown once, in the totals with its rate, not again as a row;
 * every other line (credits included) is a row.
 */
export function tableLines(view: InvoiceView) {
  return view.lines.filter((l) => l.type !== "vat");
}
