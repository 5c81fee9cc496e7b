import { csvText } from "../billing/exports.server";
import { diskT } from "../i18n/disk-t.server";
import type { Language } from "../i18n/config";
import type { Executor } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import { getCampaignIn, type Campaign } from "./campaigns.server";

/**
 * A campaign's results for spreadsheets: one row per contact (number, name, the list's custom
 * fields, status, attempts, last outcome and disposition, conversion, why it is done, last and next
 * attempt), and in XLSX a second sheet with every attempt. Headers in the reader's language; times in
 * the tenant's zone, written as sortable "YYYY-MM-DD HH:MM" (the header names the zone); text a
 * spreadsheet would run as a formula is neutralized (csvText).
 */

export interface ResultRow {
  rowNumber: number | null;
  e164: string;
  name: string | null;
  fields: Record<string, string>;
  status: string;
  attempts: number;
  lastOutcome: string | null;
  lastDisposition: string | null;
  converted: boolean;
  doneReason: string | null;
  lastAttemptAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface AttemptExportRow {
  e164: string;
  attemptNo: number;
  mode: string;
  state: string;
  outcome: string | null;
  dispositionCode: string | null;
  dialedAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
}

export interface CampaignResults {
  campaign: Campaign;
  contacts: ResultRow[];
  attempts: AttemptExportRow[];
}

/** The limit of one export (a larger list is exported through the API, page by page). */
export const EXPORT_MAX_ROWS = 200_000;

export async function campaignResultsIn(trx: Executor, tenantId: string, campaignId: string, opts: { withAttempts?: boolean } = {}): Promise<CampaignResults | null> {
  const campaign = await getCampaignIn(trx, tenantId, campaignId);
  if (!campaign) return null;
  const contacts = await trx
    .selectFrom("campaign_contacts")
    .select(["row_number", "e164", "name", "fields", "status", "attempts", "last_outcome", "last_disposition", "converted", "done_reason", "last_attempt_at", "next_attempt_at"])
    .where("tenant_id", "=", tenantId)
    .where("campaign_id", "=", campaignId)
    .orderBy("row_number")
    .orderBy("e164")
    .limit(EXPORT_MAX_ROWS)
    .execute();
  const attempts = opts.withAttempts
    ? await trx
        .selectFrom("campaign_attempts as a")
        .innerJoin("campaign_contacts as cc", (j) => j.onRef("cc.tenant_id", "=", "a.tenant_id").onRef("cc.id", "=", "a.contact_id"))
        .select(["cc.e164", "a.attempt_no", "a.mode", "a.state", "a.outcome", "a.disposition_code", "a.dialed_at", "a.answered_at", "a.ended_at"])
        .where("a.tenant_id", "=", tenantId)
        .where("a.campaign_id", "=", campaignId)
        .orderBy("a.created_at")
        .limit(EXPORT_MAX_ROWS)
        .execute()
    : [];
  return {
    campaign,
    contacts: contacts.map((c) => ({
      rowNumber: c.row_number,
      e164: c.e164,
      name: c.name,
      fields: (c.fields ?? {}) as Record<string, string>,
      status: c.status,
      attempts: c.attempts,
      lastOutcome: c.last_outcome,
      lastDisposition: c.last_disposition,
      converted: c.converted,
      doneReason: c.done_reason,
      lastAttemptAt: c.last_attempt_at,
      nextAttemptAt: c.status === "pending" ? c.next_attempt_at : null,
    })),
    attempts: attempts.map((a) => ({
      e164: a.e164,
      attemptNo: a.attempt_no,
      mode: a.mode,
      state: a.state,
      outcome: a.outcome,
      dispositionCode: a.disposition_code,
      dialedAt: a.dialed_at,
      answeredAt: a.answered_at,
      endedAt: a.ended_at,
    })),
  };
}

export function campaignResults(tenantId: string, campaignId: string, opts: { withAttempts?: boolean } = {}): Promise<CampaignResults | null> {
  return withTenant(tenantId, (trx) => campaignResultsIn(trx, tenantId, campaignId, opts));
}

/** "2026-12-05 09:30" in the zone. */
export function localStamp(d: Date | null, zone: string): string {
  if (!d) return "";
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

async function table(results: CampaignResults, lang: Language, zone: string) {
  const t = await diskT(lang, "campaigns");
  const fields = results.campaign.fields;
  const header = [
    t("export.columns.row"),
    t("export.columns.phone"),
    t("export.columns.name"),
    ...fields.map((f) => f.label),
    t("export.columns.status"),
    t("export.columns.attempts"),
    t("export.columns.lastOutcome"),
    t("export.columns.lastDisposition"),
    t("export.columns.converted"),
    t("export.columns.doneReason"),
    t("export.columns.lastAttemptAt", { zone }),
    t("export.columns.nextAttemptAt", { zone }),
  ];
  const label = (group: string, v: string | null) => (v ? t(`${group}.${v}`, { defaultValue: v }) : "");
  const rows = results.contacts.map((c) => [
    c.rowNumber ?? "",
    c.e164,
    c.name ?? "",
    ...fields.map((f) => c.fields[f.key] ?? ""),
    label("contactStatus", c.status),
    c.attempts,
    label("outcomes", c.lastOutcome),
    c.lastDisposition ?? "",
    c.converted ? t("export.yes") : t("export.no"),
    label("doneReasons", c.doneReason),
    localStamp(c.lastAttemptAt, zone),
    localStamp(c.nextAttemptAt, zone),
  ]);
  const attemptHeader = [
    t("export.columns.phone"),
    t("export.columns.attemptNo"),
    t("export.columns.mode"),
    t("export.columns.state"),
    t("export.columns.outcome"),
    t("export.columns.disposition"),
    t("export.columns.dialedAt", { zone }),
    t("export.columns.answeredAt", { zone }),
    t("export.columns.endedAt", { zone }),
  ];
  const attemptRows = results.attempts.map((a) => [
    a.e164,
    a.attemptNo,
    t(`modes.${a.mode}`, { defaultValue: a.mode }),
    label("attemptStates", a.state),
    label("outcomes", a.outcome),
    a.dispositionCode ?? "",
    localStamp(a.dialedAt, zone),
    localStamp(a.answeredAt, zone),
    localStamp(a.endedAt, zone),
  ]);
  return { t, header, rows, attemptHeader, attemptRows };
}

export async function resultsCsv(results: CampaignResults, lang: Language, zone: string): Promise<string> {
  const { header, rows } = await table(results, lang, zone);
  const line = (cells: (string | number)[]) => cells.map((c) => (typeof c === "number" ? String(c) : csvText(c))).join(",");
  // The BOM is what makes Excel open the file as UTF-8 instead of the system code page.
  return `\uFEFF${[line(header), ...rows.map(line)].join("\r\n")}\r\n`;
}

export async function resultsXlsx(results: CampaignResults, lang: Language, zone: string): Promise<Buffer> {
  const { default: ExcelJS } = await import("exceljs");
  const { t, header, rows, attemptHeader, attemptRows } = await table(results, lang, zone);
  const rtl = lang === "fa";
  const wb = new ExcelJS.Workbook();
  wb.creator = "Hamkal";
  wb.title = results.campaign.name;
  const sheet = wb.addWorksheet(t("export.sheetContacts").slice(0, 31), { views: [{ rightToLeft: rtl, state: "frozen", ySplit: 1 }] });
  sheet.addRow(header).font = { bold: true };
  for (const r of rows) sheet.addRow(r);
  const attempts = wb.addWorksheet(t("export.sheetAttempts").slice(0, 31), { views: [{ rightToLeft: rtl, state: "frozen", ySplit: 1 }] });
  attempts.addRow(attemptHeader).font = { bold: true };
  for (const r of attemptRows) attempts.addRow(r);
  for (const ws of [sheet, attempts]) ws.columns.forEach((c) => (c.width = 18));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** A file name a browser can save: the campaign's name reduced to safe characters, and today's date. */
export function exportFileName(campaign: Campaign, ext: "csv" | "xlsx", now = new Date()): string {
  const base = campaign.name.normalize("NFKD").replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "campaign";
  return `${base.slice(0, 60)}-${now.toISOString().slice(0, 10)}.${ext}`;
}
