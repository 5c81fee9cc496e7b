import { sql, type SelectQueryBuilder } from "kysely";
import type { DB } from "../../../db/types";
import { z } from "zod";
import { recordAudit } from "../auth/audit.server";
import type { Executor, Trx } from "../platform/db.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { buildDncIndex, checkDnc, normalizeDncPrefix, type DncCheck, type DncEntryInput, type DncIndex } from "./dnc";
import { normalizePhone } from "./phone";

/**
 * Do-not-call lists in the database: the bureau's (bureau_dnc_entries, every tenant) and each
 * tenant's own (dnc_entries, RLS). Entries are stored normalized (E.164, "+98912" prefixes) so the
 * dial-time check can look single numbers up by index; prefixes and ranges, few by nature, are read
 * whole and matched by the pure engine (dnc.ts). Numbers enter by hand, by a list upload, by the API
 * and from a disposition ("do not call me again").
 */

export type DncScope = { kind: "tenant"; tenantId: string } | { kind: "bureau" };
export type DncSource = "manual" | "import" | "disposition" | "api";

export interface DncEntry {
  id: string;
  kind: "number" | "prefix" | "range";
  value: string;
  valueTo: string | null;
  source: DncSource;
  note: string;
  expiresAt: Date | null;
  createdAt: Date;
}

const e = (key: string) => `campaigns:dnc.errors.${key}`;

/** One entry as typed: a number, a prefix or a range; normalized, or an error naming the field. */
export const dncEntryFormSchema = z
  .object({
    kind: z.enum(["number", "prefix", "range"], { errorMap: () => ({ message: e("kind") }) }),
    value: z.string({ required_error: e("value") }).trim().min(1, e("value")).max(40, e("value")),
    valueTo: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().max(40).optional()),
    note: z.preprocess((v) => (typeof v === "string" ? v : ""), z.string().trim().max(500, e("note"))),
    expiresAt: z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().optional()),
  })
  .transform((v, ctx) => {
    const fail = (path: string, key: string) => {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: e(key) });
      return z.NEVER;
    };
    let expiresAt: Date | null = null;
    if (v.expiresAt) {
      const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v.expiresAt) ? `${v.expiresAt}T00:00:00Z` : v.expiresAt);
      if (Number.isNaN(d.getTime())) return fail("expiresAt", "expiresAt");
      expiresAt = d;
    }
    if (v.kind === "prefix") {
      const p = normalizeDncPrefix(v.value);
      return p.ok ? { kind: v.kind, value: p.prefix, valueTo: null, note: v.note, expiresAt } : fail("value", p.error);
    }
    const from = normalizePhone(v.value);
    if (!from.ok) return fail("value", "invalidNumber");
    if (v.kind === "number") return { kind: v.kind, value: from.e164, valueTo: null, note: v.note, expiresAt };
    if (!v.valueTo) return fail("valueTo", "rangeMissingEnd");
    const to = normalizePhone(v.valueTo);
    if (!to.ok) return fail("valueTo", "invalidNumber");
    if (to.e164.length !== from.e164.length) return fail("valueTo", "rangeLengthMismatch");
    if (to.e164 < from.e164) return fail("valueTo", "rangeReversed");
    return { kind: v.kind, value: from.e164, valueTo: to.e164, note: v.note, expiresAt };
  });
export type DncEntryForm = z.output<typeof dncEntryFormSchema>;

function toEntry(r: { id: string; kind: string; value: string; value_to: string | null; source: string; note: string; expires_at: Date | null; created_at: Date }): DncEntry {
  return { id: r.id, kind: r.kind as DncEntry["kind"], value: r.value, valueTo: r.value_to, source: r.source as DncSource, note: r.note, expiresAt: r.expires_at, createdAt: r.created_at };
}

function run<T>(scope: DncScope, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return scope.kind === "tenant" ? withTenant(scope.tenantId, fn) : withBureauScope(fn);
}

type BureauList = SelectQueryBuilder<DB, "bureau_dnc_entries", object>;

export interface DncListPage {
  entries: DncEntry[];
  total: number;
}

/** The list, newest first, optionally filtered by a number or prefix typed in any form. */
export function listDnc(scope: DncScope, opts: { search?: string; limit?: number; offset?: number } = {}): Promise<DncListPage> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  const search = opts.search ? (normalizePhone(opts.search).ok ? (normalizePhone(opts.search) as { e164: string }).e164 : opts.search.replace(/[^0-9+]/g, "")) : "";
  return run(scope, async (trx) => {
    // The two tables have the same columns; read as one shape (the bureau list has no tenant).
    const base = (scope.kind === "tenant" ? trx.selectFrom("dnc_entries").where("tenant_id", "=", scope.tenantId) : trx.selectFrom("bureau_dnc_entries")) as unknown as BureauList;
    const filtered = search ? base.where("value", "like", `${search.replace(/[%_]/g, "")}%`) : base;
    const [rows, count] = await Promise.all([
      filtered
        .select(["id", "kind", "value", "value_to", "source", "note", "expires_at", "created_at"])
        .orderBy("created_at", "desc")
        .orderBy("id")
        .limit(limit)
        .offset(opts.offset ?? 0)
        .execute(),
      filtered.select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow(),
    ]);
    return { entries: rows.map(toEntry), total: count.n };
  });
}

export type DncNewEntry = Omit<DncEntryForm, "note"> & { note?: string };

export interface DncActor {
  userId: string | null;
  label: string;
  ip?: string | null;
}

/** Adds entries (a duplicate of a stored one is left as it is); returns how many were new. */
export async function addDncEntriesIn(
  trx: Executor,
  scope: DncScope,
  entries: readonly DncNewEntry[],
  source: DncSource,
  actor: DncActor,
  opts: { campaignId?: string | null; audit?: boolean } = {},
): Promise<number> {
  let added = 0;
  const list = [...entries];
  for (let i = 0; i < list.length; i += 1000) {
    const part = list.slice(i, i + 1000).map((x) => ({
      kind: x.kind,
      value: x.value,
      value_to: x.valueTo,
      note: x.note ?? "",
      expires_at: x.expiresAt,
      source,
      created_by: actor.userId,
    }));
    const result =
      scope.kind === "tenant"
        ? await trx
            .insertInto("dnc_entries")
            .values(part.map((p) => ({ ...p, tenant_id: scope.tenantId, campaign_id: opts.campaignId ?? null })))
            .onConflict((oc) => oc.constraint("dnc_entries_value_key").doNothing())
            .returning("id")
            .execute()
        : await trx.insertInto("bureau_dnc_entries").values(part).onConflict((oc) => oc.constraint("bureau_dnc_entries_value_key").doNothing()).returning("id").execute();
    added += result.length;
  }
  if (opts.audit !== false && added > 0) {
    await recordAudit(trx, {
      tenantId: scope.kind === "tenant" ? scope.tenantId : null,
      actor: { userId: actor.userId, label: actor.label },
      action: "dnc.added",
      data: { count: added, source, ...(list.length === 1 ? { value: list[0]!.value } : {}) },
      ip: actor.ip ?? null,
    });
  }
  return added;
}

export function addDncEntries(scope: DncScope, entries: readonly DncNewEntry[], source: DncSource, actor: DncActor): Promise<number> {
  return run(scope, (trx) => addDncEntriesIn(trx, scope, entries, source, actor));
}

export async function removeDncEntry(scope: DncScope, id: string, actor: DncActor): Promise<boolean> {
  return run(scope, async (trx) => {
    const row =
      scope.kind === "tenant"
        ? await trx.deleteFrom("dnc_entries").where("tenant_id", "=", scope.tenantId).where("id", "=", id).returning(["kind", "value"]).executeTakeFirst()
        : await trx.deleteFrom("bureau_dnc_entries").where("id", "=", id).returning(["kind", "value"]).executeTakeFirst();
    if (!row) return false;
    await recordAudit(trx, {
      tenantId: scope.kind === "tenant" ? scope.tenantId : null,
      actor: { userId: actor.userId, label: actor.label },
      action: "dnc.removed",
      target: { type: "dnc_entry", id },
      data: { kind: row.kind, value: row.value },
      ip: actor.ip ?? null,
    });
    return true;
  });
}

/**
 * The DNC index that decides for these numbers: the live number entries matching any of them (by
 * index) and every live prefix and range entry, of the bureau list and of the tenant's. Built per
 * batch the dialer or an import checks, so a number added a second ago already blocks.
 */
export async function dncIndexFor(trx: Executor, tenantId: string, e164s: readonly string[], at: Date = new Date()): Promise<DncIndex> {
  const numbers = [...new Set(e164s)];
  const live = sql<boolean>`(expires_at is null or expires_at > ${at})`;
  const [tenantRows, bureauRows] = await Promise.all([
    trx
      .selectFrom("dnc_entries")
      .select(["id", "kind", "value", "value_to", "expires_at"])
      .where("tenant_id", "=", tenantId)
      .where(live)
      .where((eb) => eb.or([eb("kind", "<>", "number"), ...(numbers.length ? [eb("value", "=", eb.fn.any(sql<string[]>`${numbers}::text[]`))] : [])]))
      .execute(),
    trx
      .selectFrom("bureau_dnc_entries")
      .select(["id", "kind", "value", "value_to", "expires_at"])
      .where(live)
      .where((eb) => eb.or([eb("kind", "<>", "number"), ...(numbers.length ? [eb("value", "=", eb.fn.any(sql<string[]>`${numbers}::text[]`))] : [])]))
      .execute(),
  ]);
  const entries: DncEntryInput[] = [
    ...tenantRows.map((r) => ({ id: r.id, tenantId, kind: r.kind as DncEntryInput["kind"], value: r.value, to: r.value_to, expiresAt: r.expires_at })),
    ...bureauRows.map((r) => ({ id: r.id, tenantId: null, kind: r.kind as DncEntryInput["kind"], value: r.value, to: r.value_to, expiresAt: r.expires_at })),
  ];
  return buildDncIndex(entries).index;
}

/** Whether one number may be called now for the tenant (the preview card, the API). */
export function checkNumber(tenantId: string, e164: string, at: Date = new Date()): Promise<DncCheck> {
  return withTenant(tenantId, async (trx) => checkDnc(await dncIndexFor(trx, tenantId, [e164], at), e164, tenantId, at));
}
