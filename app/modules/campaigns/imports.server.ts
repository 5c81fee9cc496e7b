import { sql } from "kysely";
import { recordAudit } from "../auth/audit.server";
import { logger } from "../platform/logger.server";
import { enqueue } from "../platform/queues.server";
import type { Executor, Trx } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import { CampaignError, type CampaignActor, type CampaignField } from "./campaigns.server";
import { checkDnc } from "./dnc";
import { dncIndexFor } from "./dnc.server";
import {
  resolveMapping,
  reviewImport,
  suggestMapping,
  type ColumnMapping,
  type ContactDraft,
  type DuplicateRow,
  type ImportSummary,
  type MappingError,
  type ResolvedMapping,
  type RowIssue,
  type SheetItem,
} from "./import";
import { detectFormat, parseCsv, parseXlsx } from "./import-files.server";
import type { ImportJob } from "./jobs";
import { calleeZoneOf } from "./zones";

/**
 * Contact-list imports (issue 7): upload -> column mapping -> review in a worker -> commit in a
 * worker. The file is kept in the import row (bytea) until the list is committed or the import is
 * cancelled; the review and the commit read it again from there, so a worker restarted in the middle
 * just runs the phase again.
 *
 * - A bad row never stops the good ones (import.ts sorts every row into one bucket), and the review
 *   keeps the counts exact and the first rows of each bucket with their row numbers and reasons.
 * - Do-not-call is checked at import (the review shows the blocked rows) and again at dial time.
 * - The commit writes every contact in one transaction, so a list is either in the campaign whole or
 *   not at all; its progress is written beside it on another connection, for the progress bar.
 *   Numbers already in the campaign (another list, a re-run) are left as they are.
 */

/** The largest file accepted (the upload route refuses more before reading it). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Rows of each bucket the review keeps for the page (the counts stay exact). */
export const REVIEW_LIST_LIMIT = 500;
const PREVIEW_ROWS = 5;
const BATCH = 1000;

export type ImportStatus = "uploaded" | "reviewing" | "reviewed" | "committing" | "committed" | "failed" | "cancelled";

export class ImportError extends Error {
  constructor(
    public readonly key: "notFound" | "tooLarge" | "emptyFile" | "unreadableFile" | "illegalStatus",
    message?: string,
  ) {
    super(message ?? `import: ${key}`);
  }
}

export interface ImportReviewLists {
  invalid: RowIssue[];
  duplicates: DuplicateRow[];
  doNotCall: { rowNumber: number; e164: string }[];
  truncated: boolean;
}

export interface ImportView {
  id: string;
  campaignId: string;
  status: ImportStatus;
  fileName: string;
  fileFormat: "csv" | "xlsx";
  fileSize: number;
  hasHeader: boolean;
  header: string[] | null;
  previewRows: string[][];
  suggested: ColumnMapping | null;
  mapping: ColumnMapping | null;
  rowsRead: number;
  rowsTotal: number | null;
  rowsWritten: number;
  summary: (ImportSummary & { valid: number }) | null;
  review: ImportReviewLists | null;
  committedCount: number | null;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
}

type ImportRow = {
  id: string;
  campaign_id: string;
  status: string;
  file_name: string;
  file_format: string;
  file_size: number;
  has_header: boolean;
  header: unknown;
  preview_rows: unknown;
  mapping: unknown;
  rows_read: number;
  rows_total: number | null;
  rows_written: number;
  summary: unknown;
  review: unknown;
  committed_count: number | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
};

const VIEW_COLUMNS = [
  "id",
  "campaign_id",
  "status",
  "file_name",
  "file_format",
  "file_size",
  "has_header",
  "header",
  "preview_rows",
  "mapping",
  "rows_read",
  "rows_total",
  "rows_written",
  "summary",
  "review",
  "committed_count",
  "error",
  "created_at",
  "updated_at",
] as const;

function toView(r: ImportRow): ImportView {
  const header = Array.isArray(r.header) ? (r.header as string[]) : null;
  return {
    id: r.id,
    campaignId: r.campaign_id,
    status: r.status as ImportStatus,
    fileName: r.file_name,
    fileFormat: r.file_format as "csv" | "xlsx",
    fileSize: r.file_size,
    hasHeader: r.has_header,
    header,
    previewRows: Array.isArray(r.preview_rows) ? (r.preview_rows as string[][]) : [],
    suggested: header ? suggestMapping(header) : null,
    mapping: (r.mapping ?? null) as ColumnMapping | null,
    rowsRead: r.rows_read,
    rowsTotal: r.rows_total,
    rowsWritten: r.rows_written,
    summary: (r.summary ?? null) as ImportView["summary"],
    review: (r.review ?? null) as ImportReviewLists | null,
    committedCount: r.committed_count,
    error: r.error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function rowsOf(format: "csv" | "xlsx", bytes: Uint8Array): AsyncGenerator<SheetItem> {
  return format === "xlsx" ? parseXlsx(bytes) : parseCsv(bytes);
}

/** Lines in a CSV, a cheap estimate of its rows for the progress bar (a quoted cell over two lines counts twice). */
function estimateCsvRows(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) n++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a ? n + 1 : n;
}

/** The first rows of a file (the mapping form shows them), or why it cannot be read. */
async function peek(format: "csv" | "xlsx", bytes: Uint8Array): Promise<string[][]> {
  const rows: string[][] = [];
  try {
    for await (const item of rowsOf(format, bytes)) {
      if ("error" in item) continue;
      if (rows.length === 0 && item.cells.every((c) => c.trim() === "")) continue;
      rows.push(item.cells.map((c) => String(c).slice(0, 200)));
      if (rows.length > PREVIEW_ROWS) break;
    }
  } catch (err) {
    logger.info({ err }, "campaign import: unreadable file");
    throw new ImportError("unreadableFile");
  }
  return rows;
}

/** Stores an uploaded list for a campaign and reads its first rows; returns the import. */
export async function createImport(tenantId: string, campaignId: string, file: { name: string; bytes: Uint8Array }, actor: CampaignActor): Promise<ImportView> {
  if (file.bytes.length > MAX_IMPORT_BYTES) throw new ImportError("tooLarge");
  if (file.bytes.length === 0) throw new ImportError("emptyFile");
  const format = detectFormat(file.bytes.subarray(0, 4));
  const rows = await peek(format, file.bytes);
  if (rows.length === 0) throw new ImportError("emptyFile");
  return withTenant(tenantId, async (trx) => {
    const campaign = await trx.selectFrom("campaigns").select("status").where("tenant_id", "=", tenantId).where("id", "=", campaignId).executeTakeFirst();
    if (!campaign) throw new CampaignError("notFound");
    if (campaign.status === "completed") throw new CampaignError("completed");
    const row = await trx
      .insertInto("campaign_imports")
      .values({
        tenant_id: tenantId,
        campaign_id: campaignId,
        file_name: file.name.slice(0, 255) || "list",
        file_format: format,
        file_size: file.bytes.length,
        file_bytes: Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
        header: JSON.stringify(rows[0]!.map((c) => c.trim())),
        preview_rows: JSON.stringify(rows.slice(1)),
        rows_total: format === "csv" ? Math.max(0, estimateCsvRows(file.bytes) - 1) : null,
        created_by: actor.userId,
      })
      .returning(VIEW_COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, { tenantId, actor, action: "campaign.import.uploaded", target: { type: "campaign_import", id: row.id }, data: { campaignId, fileName: file.name, bytes: file.bytes.length }, ip: actor.ip ?? null });
    return toView(row as ImportRow);
  });
}

export function getImport(tenantId: string, importId: string): Promise<ImportView | null> {
  return withTenant(tenantId, async (trx) => {
    const row = await trx.selectFrom("campaign_imports").select(VIEW_COLUMNS).where("tenant_id", "=", tenantId).where("id", "=", importId).executeTakeFirst();
    return row ? toView(row as ImportRow) : null;
  });
}

export function listImports(tenantId: string, campaignId: string, limit = 10): Promise<ImportView[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = await trx
      .selectFrom("campaign_imports")
      .select(VIEW_COLUMNS)
      .where("tenant_id", "=", tenantId)
      .where("campaign_id", "=", campaignId)
      .orderBy("created_at", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => toView(r as ImportRow));
  });
}

async function lockImport(trx: Trx, tenantId: string, importId: string) {
  const row = await trx
    .selectFrom("campaign_imports")
    .select(["id", "status", "campaign_id", "header", "has_header"])
    .where("tenant_id", "=", tenantId)
    .where("id", "=", importId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new ImportError("notFound");
  return row;
}

/**
 * The user's column mapping: checked against the file's header (errors name the mapping's field),
 * then the review runs in the worker. Allowed again after a review, to map differently.
 */
export async function submitMapping(
  tenantId: string,
  importId: string,
  mapping: ColumnMapping,
  hasHeader: boolean,
  actor: CampaignActor,
): Promise<{ ok: true } | { ok: false; errors: MappingError[] }> {
  const result = await withTenant(tenantId, async (trx) => {
    const row = await lockImport(trx, tenantId, importId);
    if (!["uploaded", "reviewed", "failed"].includes(row.status)) throw new ImportError("illegalStatus");
    const header = Array.isArray(row.header) ? (row.header as string[]) : [];
    const resolved = resolveMapping(mapping, hasHeader ? header : null);
    if (!resolved.ok) return resolved;
    await trx
      .updateTable("campaign_imports")
      .set({ mapping: JSON.stringify(mapping), has_header: hasHeader, status: "reviewing", rows_read: 0, summary: null, review: null, error: null, updated_at: sql`now()` })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", importId)
      .execute();
    await recordAudit(trx, { tenantId, actor, action: "campaign.import.mapped", target: { type: "campaign_import", id: importId }, data: { mapping }, ip: actor.ip ?? null });
    return { ok: true as const };
  });
  if (result.ok) await enqueue("campaigns.import", { tenantId, importId, phase: "review" });
  return result;
}

/** Commits a reviewed list (in the worker). */
export async function commitImport(tenantId: string, importId: string, actor: CampaignActor): Promise<void> {
  await withTenant(tenantId, async (trx) => {
    const row = await lockImport(trx, tenantId, importId);
    if (row.status !== "reviewed") throw new ImportError("illegalStatus");
    await trx.updateTable("campaign_imports").set({ status: "committing", rows_read: 0, rows_written: 0, updated_at: sql`now()` }).where("tenant_id", "=", tenantId).where("id", "=", importId).execute();
    await recordAudit(trx, { tenantId, actor, action: "campaign.import.committing", target: { type: "campaign_import", id: importId }, ip: actor.ip ?? null });
  });
  await enqueue("campaigns.import", { tenantId, importId, phase: "commit" });
}

/** Drops an import that was not committed, file included. */
export async function cancelImport(tenantId: string, importId: string, actor: CampaignActor): Promise<void> {
  await withTenant(tenantId, async (trx) => {
    const row = await lockImport(trx, tenantId, importId);
    if (row.status === "committed" || row.status === "committing") throw new ImportError("illegalStatus");
    await trx.updateTable("campaign_imports").set({ status: "cancelled", file_bytes: null, updated_at: sql`now()` }).where("tenant_id", "=", tenantId).where("id", "=", importId).execute();
    await recordAudit(trx, { tenantId, actor, action: "campaign.import.cancelled", target: { type: "campaign_import", id: importId }, ip: actor.ip ?? null });
  });
}

// ---------------------------------------------------------------------------------------------
// The worker

async function setProgress(tenantId: string, importId: string, patch: { rows_read?: number; rows_written?: number; rows_total?: number }) {
  // Outside the phase's own transaction, on purpose: the page sees the progress as it happens.
  await withTenant(tenantId, (trx) =>
    trx
      .updateTable("campaign_imports")
      .set({ ...patch, updated_at: sql`now()` })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", importId)
      .execute(),
  );
}

/** A progress writer that writes at most every `ms` (the last call always lands via flush). */
function throttled(write: (n: number) => Promise<void>, ms = 400) {
  let last = 0;
  let pending: Promise<void> = Promise.resolve();
  let latest = 0;
  return {
    tick(n: number) {
      latest = n;
      const now = Date.now();
      if (now - last < ms) return;
      last = now;
      pending = pending.then(() => write(latest)).catch(() => undefined);
    },
    async flush() {
      await pending;
      await write(latest).catch(() => undefined);
    },
  };
}

interface ReviewOutcome {
  summary: ImportSummary & { valid: number };
  lists: ImportReviewLists;
  contacts: ContactDraft[];
  mapping: ResolvedMapping;
}

/**
 * The full review of the stored file: every row into one bucket, numbers already in the campaign as
 * duplicates, and do-not-call numbers (the bureau's and the tenant's lists, as they are now) set aside.
 */
async function runReview(trx: Executor, tenantId: string, campaignId: string, file: { format: "csv" | "xlsx"; bytes: Uint8Array }, mapping: ColumnMapping, hasHeader: boolean, onRows: (n: number) => void): Promise<ReviewOutcome | { errors: MappingError[] }> {
  const result = await reviewImport(rowsOf(file.format, file.bytes), mapping, {
    hasHeader,
    listLimit: REVIEW_LIST_LIMIT,
    batchSize: BATCH,
    progressEvery: 500,
    onProgress: onRows,
    existingNumbers: async (e164s) => {
      const rows = await trx
        .selectFrom("campaign_contacts")
        .select("e164")
        .where("tenant_id", "=", tenantId)
        .where("campaign_id", "=", campaignId)
        .where("e164", "=", sql<string>`any(${[...e164s]}::text[])`)
        .execute();
      return new Set(rows.map((r) => r.e164));
    },
  });
  if (!result.ok) return { errors: result.errors };
  // Do-not-call, per batch of valid rows against the lists as they stand.
  const now = new Date();
  const kept: ContactDraft[] = [];
  const doNotCall = [...result.doNotCall];
  let blocked = 0;
  for (let i = 0; i < result.contacts.length; i += BATCH) {
    const batch = result.contacts.slice(i, i + BATCH);
    const index = await dncIndexFor(trx, tenantId, batch.map((c) => c.e164), now);
    for (const c of batch) {
      if (index.size > 0 && checkDnc(index, c.e164, tenantId, now).status === "blocked") {
        blocked++;
        if (doNotCall.length < REVIEW_LIST_LIMIT) doNotCall.push({ rowNumber: c.rowNumber, e164: c.e164 });
        else result.truncated = true;
      } else kept.push(c);
    }
  }
  doNotCall.sort((a, b) => a.rowNumber - b.rowNumber);
  const summary = { ...result.summary, valid: kept.length, doNotCall: result.summary.doNotCall + blocked };
  return {
    summary,
    lists: { invalid: result.invalid, duplicates: result.duplicates, doNotCall, truncated: result.truncated },
    contacts: kept,
    mapping: result.mapping,
  };
}

async function loadForJob(tenantId: string, importId: string) {
  return withTenant(tenantId, (trx) =>
    trx
      .selectFrom("campaign_imports")
      .select(["status", "campaign_id", "file_format", "file_bytes", "mapping", "has_header", "rows_total"])
      .where("tenant_id", "=", tenantId)
      .where("id", "=", importId)
      .executeTakeFirst(),
  );
}

async function fail(tenantId: string, importId: string, error: string) {
  await withTenant(tenantId, (trx) =>
    trx.updateTable("campaign_imports").set({ status: "failed", error: error.slice(0, 500), updated_at: sql`now()` }).where("tenant_id", "=", tenantId).where("id", "=", importId).execute(),
  );
}

/** One import phase, as the worker runs it; a repeat of a phase already done does nothing. */
export async function handleImportJob(job: ImportJob, ctx: { attempt: number; maxAttempts: number } = { attempt: 1, maxAttempts: 1 }): Promise<void> {
  const { tenantId, importId } = job;
  const row = await loadForJob(tenantId, importId);
  if (!row) return;
  const wanted = job.phase === "review" ? "reviewing" : "committing";
  if (row.status !== wanted || !row.file_bytes || !row.mapping) return;
  const file = { format: row.file_format as "csv" | "xlsx", bytes: new Uint8Array(row.file_bytes) };
  const mapping = row.mapping as unknown as ColumnMapping;
  const read = throttled((n) => setProgress(tenantId, importId, { rows_read: n }));
  try {
    if (job.phase === "review") {
      const outcome = await withTenant(tenantId, (trx) => runReview(trx, tenantId, row.campaign_id, file, mapping, row.has_header, (n) => read.tick(n)));
      await read.flush();
      if ("errors" in outcome) return fail(tenantId, importId, `mapping: ${outcome.errors.map((e) => `${e.path}:${e.code}`).join(", ")}`);
      await withTenant(tenantId, (trx) =>
        trx
          .updateTable("campaign_imports")
          .set({
            status: "reviewed",
            summary: JSON.stringify(outcome.summary),
            review: JSON.stringify(outcome.lists),
            rows_total: outcome.summary.rows,
            rows_read: outcome.summary.rows,
            reviewed_at: sql`now()`,
            updated_at: sql`now()`,
          })
          .where("tenant_id", "=", tenantId)
          .where("id", "=", importId)
          .where("status", "=", "reviewing")
          .execute(),
      );
      return;
    }
    const written = throttled((n) => setProgress(tenantId, importId, { rows_written: n }));
    // One transaction: the list is in the campaign whole, or (crash, error) not at all and the job runs again.
    await withTenant(tenantId, async (trx) => {
      const locked = await trx.selectFrom("campaign_imports").select("status").where("tenant_id", "=", tenantId).where("id", "=", importId).forUpdate().executeTakeFirstOrThrow();
      if (locked.status !== "committing") return;
      const outcome = await runReview(trx, tenantId, row.campaign_id, file, mapping, row.has_header, (n) => read.tick(n));
      if ("errors" in outcome) throw new Error(`mapping: ${outcome.errors.map((e) => `${e.path}:${e.code}`).join(", ")}`);
      let inserted = 0;
      for (let i = 0; i < outcome.contacts.length; i += BATCH) {
        const batch = outcome.contacts.slice(i, i + BATCH);
        const res = await trx
          .insertInto("campaign_contacts")
          .values(
            batch.map((c) => ({
              tenant_id: tenantId,
              campaign_id: row.campaign_id,
              e164: c.e164,
              phone_kind: c.phoneKind,
              name: c.name,
              fields: JSON.stringify(c.fields),
              callee_zone: calleeZoneOf(c.e164),
              import_id: importId,
              row_number: c.rowNumber,
            })),
          )
          .onConflict((oc) => oc.constraint("campaign_contacts_number_key").doNothing())
          .returning("id")
          .execute();
        inserted += res.length;
        written.tick(i + batch.length);
      }
      await mergeFields(trx, tenantId, row.campaign_id, outcome.mapping.fields.map((f) => ({ key: f.key, label: f.label })));
      await trx
        .updateTable("campaign_imports")
        .set({
          status: "committed",
          committed_count: inserted,
          summary: JSON.stringify(outcome.summary),
          review: JSON.stringify(outcome.lists),
          rows_written: outcome.contacts.length,
          file_bytes: null,
          committed_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where("tenant_id", "=", tenantId)
        .where("id", "=", importId)
        .execute();
      await recordAudit(trx, {
        tenantId,
        actor: { userId: null, label: "system (campaign import)" },
        action: "campaign.import.committed",
        target: { type: "campaign_import", id: importId },
        data: { campaignId: row.campaign_id, contacts: inserted },
      });
    });
    await read.flush();
    await written.flush();
  } catch (err) {
    logger.warn({ err, importId, phase: job.phase }, "campaign import failed");
    // A committing import that failed stays "committing" for the job's retry (nothing of it was written);
    // a review failure, or a commit's last attempt, is shown on the page.
    if (job.phase === "review" || ctx.attempt >= ctx.maxAttempts) await fail(tenantId, importId, err instanceof Error ? err.message : "error");
    throw err;
  }
}

/** The campaign's custom fields: those it had, then any new keys of this list, labels as first given. */
async function mergeFields(trx: Trx, tenantId: string, campaignId: string, fields: CampaignField[]) {
  const row = await trx.selectFrom("campaigns").select("fields").where("tenant_id", "=", tenantId).where("id", "=", campaignId).forUpdate().executeTakeFirstOrThrow();
  const current = Array.isArray(row.fields) ? (row.fields as unknown as CampaignField[]) : [];
  const keys = new Set(current.map((f) => f.key));
  const merged = [...current, ...fields.filter((f) => !keys.has(f.key))];
  if (merged.length === current.length) return;
  await trx.updateTable("campaigns").set({ fields: JSON.stringify(merged), updated_at: sql`now()` }).where("tenant_id", "=", tenantId).where("id", "=", campaignId).execute();
}
