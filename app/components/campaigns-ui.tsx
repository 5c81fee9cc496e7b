import type { LinksFunction } from "@remix-run/node";
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { billingLinks } from "~/components/billing-ui";
import { useLang } from "~/components/bureau-ui";
import { CsrfInput, Field, Ltr } from "~/components/forms";
import type { CampaignStatus, ProgressCounts } from "~/modules/campaigns/model";
import { formatDateTime, formatNumber } from "~/modules/i18n/format";
import campaignsCss from "~/styles/campaigns.css?url";

/** Pieces shared by the portal's and the console's campaign pages. */
export const campaignLinks: LinksFunction = () => [...billingLinks(), { rel: "stylesheet", href: campaignsCss }];

export function CampaignStatusBadge({ status }: { status: CampaignStatus | string }) {
  const { t } = useTranslation("campaigns");
  const tone = status === "running" ? " badge--ok" : status === "paused" ? " badge--draft" : status === "completed" ? " badge--off" : "";
  return (
    <span className={`badge${tone}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

/** A percentage 0-100 (one decimal) in the reader's digits, or a dash without data. */
export function Pct({ value }: { value: number | null }) {
  const lang = useLang();
  if (value === null) return <span>—</span>;
  return <bdi>{new Intl.NumberFormat(lang === "fa" ? "fa-IR" : lang === "nl" ? "nl-NL" : "en-US", { style: "percent", maximumFractionDigits: 1 }).format(value / 100)}</bdi>;
}

/** Done (completed and DNC), failed and still to go, as a bar and as numbers (the bar is decoration). */
export function ProgressBar({ progress }: { progress: ProgressCounts }) {
  const { t } = useTranslation("campaigns");
  const lang = useLang();
  const total = Math.max(1, progress.total);
  const done = progress.completed + progress.dnc;
  const failed = progress.failed + progress.cancelled;
  const active = progress.inProgress;
  const w = (n: number) => `${(n / total) * 100}%`;
  return (
    <div className="campaign-progress" data-testid="campaign-progress">
      <div className="campaign-progress__bar" aria-hidden="true">
        <span data-part="done" style={{ inlineSize: w(done) }} />
        <span data-part="failed" style={{ inlineSize: w(failed) }} />
        <span data-part="active" style={{ inlineSize: w(active) }} />
      </div>
      <ul className="campaign-progress__legend">
        <li data-part="done">{t("progress.done", { n: formatNumber(done, lang) })}</li>
        <li data-part="failed">{t("progress.failed", { n: formatNumber(failed, lang) })}</li>
        <li data-part="pending">{t("progress.pending", { n: formatNumber(progress.pending + active, lang) })}</li>
        <li>{t("progress.total", { n: formatNumber(progress.total, lang) })}</li>
      </ul>
    </div>
  );
}

export interface DncEntryView {
  id: string;
  kind: string;
  value: string;
  valueTo: string | null;
  source: string;
  note: string;
  expiresAt: string | null;
  createdAt: string;
}

export interface DncFormResult {
  intent: string;
  fieldErrors?: Record<string, string[]>;
  notice?: string;
  rowErrors?: { rowNumber: number; code: string }[];
  added?: number;
}

/** The do-not-call list and its forms: one entry by hand, a file of numbers, removal; shared by the portal and the console. */
export function DncManager({
  entries,
  total,
  search,
  canManage,
  timeZone,
  result,
}: {
  entries: DncEntryView[];
  total: number;
  search: string;
  canManage: boolean;
  timeZone: string;
  result: DncFormResult | null;
}) {
  const { t } = useTranslation("campaigns");
  const lang = useLang();
  const busy = useNavigation().state !== "idle";
  const err = (field: string) => (result?.intent === "add" ? (result.fieldErrors?.[field] ?? null) : null);
  return (
    <div className="stack">
      {canManage ? (
        <div className="dnc-forms">
          <Form method="post" className="card form" aria-labelledby="dnc-add-title">
            <h3 id="dnc-add-title">{t("dnc.add.title")}</h3>
            <CsrfInput />
            <input type="hidden" name="intent" value="add" />
            <Field label={t("dnc.add.kind")} htmlFor="dnc-kind" errors={err("kind")}>
              <select id="dnc-kind" name="kind" defaultValue="number">
                {(["number", "prefix", "range"] as const).map((k) => (
                  <option key={k} value={k}>
                    {t(`dnc.kinds.${k}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t("dnc.add.value")} htmlFor="dnc-value" hint={t("dnc.add.valueHint")} errors={err("value")}>
              <input id="dnc-value" name="value" dir="ltr" inputMode="tel" required aria-invalid={err("value") ? true : undefined} />
            </Field>
            <Field label={t("dnc.add.valueTo")} htmlFor="dnc-value-to" hint={t("dnc.add.valueToHint")} errors={err("valueTo")}>
              <input id="dnc-value-to" name="valueTo" dir="ltr" inputMode="tel" aria-invalid={err("valueTo") ? true : undefined} />
            </Field>
            <Field label={t("dnc.add.note")} htmlFor="dnc-note" errors={err("note")}>
              <input id="dnc-note" name="note" maxLength={500} />
            </Field>
            <Field label={t("dnc.add.expiresAt")} htmlFor="dnc-expires" hint={t("dnc.add.expiresHint")} errors={err("expiresAt")}>
              <input id="dnc-expires" name="expiresAt" type="date" dir="ltr" />
            </Field>
            <div>
              <button type="submit" className="button" disabled={busy}>
                {t("dnc.add.submit")}
              </button>
            </div>
          </Form>
          <Form method="post" encType="multipart/form-data" className="card form" aria-labelledby="dnc-file-title">
            <h3 id="dnc-file-title">{t("dnc.file.title")}</h3>
            <p className="field-hint">{t("dnc.file.hint")}</p>
            <CsrfInput />
            <input type="hidden" name="intent" value="file" />
            <Field label={t("dnc.file.label")} htmlFor="dnc-file" errors={result?.intent === "file" ? (result.fieldErrors?.file ?? null) : null}>
              <input id="dnc-file" name="file" type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required />
            </Field>
            <div>
              <button type="submit" className="button button--ghost" disabled={busy}>
                {t("dnc.file.submit")}
              </button>
            </div>
            {result?.intent === "file" && result.rowErrors?.length ? (
              <div className="alert alert--warning" role="status">
                <p>{t("dnc.file.rowErrors", { n: formatNumber(result.rowErrors.length, lang) })}</p>
                <ul>
                  {result.rowErrors.slice(0, 20).map((r) => (
                    <li key={r.rowNumber}>{t("dnc.file.rowError", { row: formatNumber(r.rowNumber, lang), reason: t(`import.errors.${r.code}`, { defaultValue: r.code }) })}</li>
                  ))}
                </ul>
              </div>
            ) : null}
          </Form>
        </div>
      ) : null}

      <section className="card stack" aria-labelledby="dnc-list-title">
        <h3 id="dnc-list-title">{t("dnc.list.title", { n: formatNumber(total, lang) })}</h3>
        <Form method="get" className="inline-form" role="search">
          <label htmlFor="dnc-search">{t("dnc.list.search")}</label>
          <input id="dnc-search" name="q" defaultValue={search} dir="ltr" inputMode="tel" />
          <button type="submit" className="button button--ghost button--small">
            {t("dnc.list.searchSubmit")}
          </button>
        </Form>
        {entries.length === 0 ? (
          <p className="muted">{t("dnc.list.empty")}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="dnc-entries">
              <thead>
                <tr>
                  <th scope="col">{t("dnc.list.value")}</th>
                  <th scope="col">{t("dnc.list.kind")}</th>
                  <th scope="col">{t("dnc.list.source")}</th>
                  <th scope="col">{t("dnc.list.note")}</th>
                  <th scope="col">{t("dnc.list.expires")}</th>
                  <th scope="col">{t("dnc.list.added")}</th>
                  {canManage ? <th scope="col">{t("dnc.list.actions")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id}>
                    <td>
                      <Ltr>{e.valueTo ? `${e.value} – ${e.valueTo}` : e.kind === "prefix" ? `${e.value}…` : e.value}</Ltr>
                    </td>
                    <td>{t(`dnc.kinds.${e.kind}`)}</td>
                    <td>{t(`dnc.sources.${e.source}`)}</td>
                    <td>{e.note}</td>
                    <td>{e.expiresAt ? formatDateTime(e.expiresAt, lang, timeZone) : t("dnc.list.never")}</td>
                    <td>{formatDateTime(e.createdAt, lang, timeZone)}</td>
                    {canManage ? (
                      <td>
                        <Form method="post" className="inline-form">
                          <CsrfInput />
                          <input type="hidden" name="intent" value="remove" />
                          <input type="hidden" name="id" value={e.id} />
                          <button type="submit" className="button button--ghost button--small" aria-label={t("dnc.list.removeLabel", { value: e.value })}>
                            {t("dnc.list.remove")}
                          </button>
                        </Form>
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
