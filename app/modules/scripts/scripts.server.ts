import { sql } from "kysely";
import type { AuditActor } from "../auth/api-keys.server";
import { recordAudit } from "../auth/audit.server";
import { isUniqueViolation } from "../bureau/errors";
import type { Language } from "../i18n/config";
import type { Executor, Trx } from "../platform/db.server";
import { queueOptions, type QueueOption } from "../queues/directory.server";
import { withTenant } from "../tenancy/scope.server";
import { canonical, diffScripts, type ScriptDiff } from "./diff";
import { scriptDefinitionSchema, type ScriptDefinition } from "./model";
import { hasErrors, validateScript, type ScriptIssue } from "./validator";
import { scriptPlaceholders } from "../campaigns/campaigns.server";

/**
 * Agent scripts and their versions (issue 4), versioned like the IVR flows: at most one draft (being
 * edited) and one published (what agents see); earlier published versions are archived, never
 * deleted, so any of them can be rolled back to.
 *
 * Every change and its tenant audit entry commit in one transaction; concurrent changes to one script
 * are serialized by locking the script row. Tenant work runs in withTenant with explicit tenant
 * filters (ADR 0001); another tenant's script is simply not found (null / ScriptError "notFound").
 *
 * The validator's report is not stored: it is computed when read, against the languages the caller
 * passes (the tenant's, see model.ts scriptLanguages), so a report always follows today's rules.
 */

export type ScriptVersionStatus = "draft" | "published" | "archived";
export type ScriptVersionRef = number | "draft" | "published";

export interface ScriptSummary {
  id: string;
  name: string;
  queue: QueueOption | null;
  createdAt: Date;
  /** The latest of creation, a version saved and a version published. */
  updatedAt: Date;
  draftVersion: number | null;
  publishedVersion: number | null;
}

export interface ScriptVersion {
  scriptId: string;
  version: number;
  status: ScriptVersionStatus;
  definition: ScriptDefinition;
  createdBy: string | null;
  createdAt: Date;
  publishedAt: Date | null;
}

export interface ScriptHistoryEntry {
  version: number;
  status: ScriptVersionStatus;
  createdBy: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  errorCount: number;
  warningCount: number;
  /** Against the next lower version number; null for the first version. */
  diff: ScriptDiff | null;
  /** The latest earlier version with the same definition (a rollback names its source this way). */
  sameAs: number | null;
}

/** What the agent desktop shows for a contact of a queue. */
export interface PublishedScript {
  scriptId: string;
  name: string;
  version: number;
  publishedAt: Date;
  definition: ScriptDefinition;
}

export interface ScriptInput {
  name: string;
  /** null: a script for no queue (yet). */
  queueId: string | null;
}

export type ScriptErrorKey =
  | "notFound"
  | "versionNotFound"
  | "queueNotFound"
  | "queueTaken"
  | "invalidName"
  | "invalidDefinition"
  | "noDraft"
  | "hasErrors"
  | "alreadyPublished";

/**
 * A refusal the page answers with: "notFound" -> 404, "versionNotFound" -> 404 on the history row,
 * "queueNotFound"/"queueTaken"/"invalidName" -> a field error, "invalidDefinition"/"hasErrors" -> the
 * issues (localized with scripts:issue.<code>), "noDraft"/"alreadyPublished" -> 409. Nothing was written.
 */
export class ScriptError extends Error {
  constructor(
    public readonly key: ScriptErrorKey,
    public readonly issues: ScriptIssue[] = [],
  ) {
    super(`script: ${key}`);
  }
}

const NAME_MAX = 120;

function cleanInput(input: ScriptInput): ScriptInput {
  const name = input.name.trim();
  if (name.length < 1 || name.length > NAME_MAX) throw new ScriptError("invalidName");
  return { name, queueId: input.queueId || null };
}

/** The queue must be one of this tenant's (RLS hides the others' anyway; the filter says so). */
async function checkQueue(trx: Trx, tenantId: string, queueId: string | null): Promise<QueueOption | null> {
  if (queueId === null) return null;
  const queue = (await queueOptions(trx, tenantId)).find((q) => q.id === queueId);
  if (!queue) throw new ScriptError("queueNotFound");
  return queue;
}

async function withQueueCheck<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    // Another script took the queue between our read and our write: the unique index decides.
    if (isUniqueViolation(error, "scripts_queue_key")) throw new ScriptError("queueTaken");
    throw error;
  }
}

async function lockScript(trx: Trx, tenantId: string, scriptId: string) {
  const row = await trx
    .selectFrom("scripts")
    .select(["id", "name", "queue_id"])
    .where("tenant_id", "=", tenantId)
    .where("id", "=", scriptId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new ScriptError("notFound");
  return row;
}

async function nextVersion(trx: Trx, tenantId: string, scriptId: string): Promise<number> {
  const row = await trx
    .selectFrom("script_versions")
    .select(sql<number>`coalesce(max(version), 0)::int`.as("max"))
    .where("tenant_id", "=", tenantId)
    .where("script_id", "=", scriptId)
    .executeTakeFirstOrThrow();
  return row.max + 1;
}

const VERSION_COLUMNS = ["script_id", "version", "status", "definition", "created_by", "created_at", "published_at"] as const;

type VersionRow = {
  script_id: string;
  version: number;
  status: string;
  definition: unknown;
  created_by: string | null;
  created_at: Date;
  published_at: Date | null;
};

function toVersion(r: VersionRow): ScriptVersion {
  return {
    scriptId: r.script_id,
    version: r.version,
    status: r.status as ScriptVersionStatus,
    // Stored definitions were parsed on save; parsing again fills defaults added by later schema changes.
    definition: scriptDefinitionSchema.parse(r.definition),
    createdBy: r.created_by,
    createdAt: r.created_at,
    publishedAt: r.published_at,
  };
}

async function readVersion(trx: Executor, tenantId: string, scriptId: string, ref: ScriptVersionRef): Promise<ScriptVersion | null> {
  let q = trx.selectFrom("script_versions").select(VERSION_COLUMNS).where("tenant_id", "=", tenantId).where("script_id", "=", scriptId);
  q = typeof ref === "number" ? q.where("version", "=", ref) : q.where("status", "=", ref);
  const row = await q.executeTakeFirst();
  return row ? toVersion(row) : null;
}

function summaries(trx: Trx, tenantId: string) {
  return trx
    .selectFrom("scripts as s")
    .select((eb) => {
      const versions = () => eb.selectFrom("script_versions as v").whereRef("v.tenant_id", "=", "s.tenant_id").whereRef("v.script_id", "=", "s.id");
      return [
        "s.id",
        "s.name",
        "s.queue_id",
        "s.created_at",
        versions().select("v.version").where("v.status", "=", "draft").as("draft_version"),
        versions().select("v.version").where("v.status", "=", "published").as("published_version"),
        versions()
          .select(sql<Date>`max(greatest(v.created_at, v.published_at))`.as("at"))
          .as("version_at"),
      ];
    })
    .where("s.tenant_id", "=", tenantId);
}

type SummaryRow = {
  id: string;
  name: string;
  queue_id: string | null;
  created_at: Date;
  draft_version: number | null;
  published_version: number | null;
  version_at: Date | null;
};

function toSummary(r: SummaryRow, queues: ReadonlyMap<string, QueueOption>): ScriptSummary {
  return {
    id: r.id,
    name: r.name,
    queue: r.queue_id ? (queues.get(r.queue_id) ?? null) : null,
    createdAt: r.created_at,
    updatedAt: r.version_at && r.version_at > r.created_at ? r.version_at : r.created_at,
    draftVersion: r.draft_version,
    publishedVersion: r.published_version,
  };
}

async function queueMap(trx: Trx, tenantId: string) {
  return new Map((await queueOptions(trx, tenantId)).map((q) => [q.id, q] as const));
}

/** The tenant's scripts by name, with their queue and current draft and published version numbers. */
export function listScripts(tenantId: string): Promise<ScriptSummary[]> {
  return withTenant(tenantId, async (trx) => {
    const queues = await queueMap(trx, tenantId);
    const rows = await summaries(trx, tenantId).orderBy("s.name").orderBy("s.created_at").execute();
    return rows.map((r) => toSummary(r, queues));
  });
}

export function getScript(tenantId: string, scriptId: string): Promise<ScriptSummary | null> {
  return withTenant(tenantId, async (trx) => {
    const row = await summaries(trx, tenantId).where("s.id", "=", scriptId).executeTakeFirst();
    return row ? toSummary(row, await queueMap(trx, tenantId)) : null;
  });
}

/** The tenant's queues, for the queue pickers (with the script each one has, if any). */
export function scriptQueueChoices(tenantId: string): Promise<(QueueOption & { scriptId: string | null })[]> {
  return withTenant(tenantId, async (trx) => {
    const taken = await trx.selectFrom("scripts").select(["id", "queue_id"]).where("tenant_id", "=", tenantId).where("queue_id", "is not", null).execute();
    const byQueue = new Map(taken.map((r) => [r.queue_id!, r.id] as const));
    return (await queueOptions(trx, tenantId)).map((q) => ({ ...q, scriptId: byQueue.get(q.id) ?? null }));
  });
}

/** One version by number, or the current draft / published one; null when there is none (or it is another tenant's). */
export function getScriptVersion(tenantId: string, scriptId: string, ref: ScriptVersionRef): Promise<ScriptVersion | null> {
  return withTenant(tenantId, (trx) => readVersion(trx, tenantId, scriptId, ref));
}

/** A new script without versions (the editor opens it with the starter definition). */
export function createScript(tenantId: string, input: ScriptInput, actor: AuditActor): Promise<ScriptSummary> {
  const clean = cleanInput(input);
  return withQueueCheck(() =>
    withTenant(tenantId, async (trx) => {
      const queue = await checkQueue(trx, tenantId, clean.queueId);
      const row = await trx
        .insertInto("scripts")
        .values({ tenant_id: tenantId, name: clean.name, queue_id: clean.queueId })
        .returning(["id", "name", "created_at"])
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        tenantId,
        actor,
        ip: actor.ip,
        action: "script.created",
        target: { type: "script", id: row.id },
        data: { name: row.name, queueId: clean.queueId },
      });
      return { id: row.id, name: row.name, queue, createdAt: row.created_at, updatedAt: row.created_at, draftVersion: null, publishedVersion: null };
    }),
  );
}

/** Renames a script or moves it to another queue (or to none); the versions are untouched. */
export function updateScript(tenantId: string, scriptId: string, input: ScriptInput, actor: AuditActor): Promise<void> {
  const clean = cleanInput(input);
  return withQueueCheck(() =>
    withTenant(tenantId, async (trx) => {
      const before = await lockScript(trx, tenantId, scriptId);
      await checkQueue(trx, tenantId, clean.queueId);
      await trx.updateTable("scripts").set({ name: clean.name, queue_id: clean.queueId }).where("tenant_id", "=", tenantId).where("id", "=", scriptId).execute();
      await recordAudit(trx, {
        tenantId,
        actor,
        ip: actor.ip,
        action: "script.updated",
        target: { type: "script", id: scriptId },
        data: { name: clean.name, queueId: clean.queueId, previous: { name: before.name, queueId: before.queue_id } },
      });
    }),
  );
}

/** Parses a definition from the editor; a shape error refuses the save with the schema issues. */
function parseDefinition(definition: unknown, languages: readonly Language[]): { definition: ScriptDefinition; issues: ScriptIssue[] } {
  const parsed = scriptDefinitionSchema.safeParse(definition);
  if (!parsed.success) throw new ScriptError("invalidDefinition", validateScript(definition, languages));
  return { definition: parsed.data, issues: validateScript(parsed.data, languages) };
}

const counts = (issues: readonly ScriptIssue[]) => ({
  errors: issues.filter((i) => i.severity === "error").length,
  warnings: issues.filter((i) => i.severity === "warning").length,
});

/** Replaces the draft's definition, or starts a draft numbered after the latest version. */
async function writeDraft(trx: Trx, tenantId: string, scriptId: string, definition: ScriptDefinition, actor: AuditActor, issues: readonly ScriptIssue[]) {
  const draft = await readVersion(trx, tenantId, scriptId, "draft");
  const json = JSON.stringify(definition);
  const row = draft
    ? await trx
        .updateTable("script_versions")
        .set({ definition: json, created_by: actor.userId, created_at: sql`now()` })
        .where("tenant_id", "=", tenantId)
        .where("script_id", "=", scriptId)
        .where("version", "=", draft.version)
        .returning(VERSION_COLUMNS)
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto("script_versions")
        .values({
          tenant_id: tenantId,
          script_id: scriptId,
          version: await nextVersion(trx, tenantId, scriptId),
          status: "draft",
          definition: json,
          created_by: actor.userId,
        })
        .returning(VERSION_COLUMNS)
        .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId,
    actor,
    ip: actor.ip,
    action: "script.draft_saved",
    target: { type: "script", id: scriptId },
    data: { version: row.version, ...counts(issues) },
  });
  return toVersion(row);
}

/**
 * Stores the editor's definition as the script's draft and returns it with the validator's report
 * (errors do not stop a draft; they stop publishing). Without a draft a new one is numbered after
 * the latest version; with one, it is replaced in place. A definition that does not even parse is
 * refused (ScriptError "invalidDefinition").
 */
export async function saveDraft(
  tenantId: string,
  scriptId: string,
  definition: unknown,
  languages: readonly Language[],
  actor: AuditActor,
): Promise<ScriptVersion & { issues: ScriptIssue[] }> {
  const parsed = parseDefinition(definition, languages);
  return withTenant(tenantId, async (trx) => {
    await lockScript(trx, tenantId, scriptId);
    // The custom fields of the campaigns playing this script are placeholders the desktop fills too.
    const issues = validateScript(parsed.definition, languages, { placeholders: await scriptPlaceholders(trx, tenantId, scriptId) });
    const saved = await writeDraft(trx, tenantId, scriptId, parsed.definition, actor, issues);
    return { ...saved, issues };
  });
}

async function archivePublished(trx: Trx, tenantId: string, scriptId: string): Promise<number | null> {
  const row = await trx
    .updateTable("script_versions")
    .set({ status: "archived" })
    .where("tenant_id", "=", tenantId)
    .where("script_id", "=", scriptId)
    .where("status", "=", "published")
    .returning("version")
    .executeTakeFirst();
  return row?.version ?? null;
}

/**
 * Publishes the draft atomically: refused (ScriptError "hasErrors", with the issues) while the draft
 * has error-severity issues against `languages`; otherwise the published version is archived and the
 * draft becomes published, in one transaction. With `definition` (what the editor shows), that is
 * saved as the draft first when it differs, in the same transaction: a refused publish saves nothing.
 */
export async function publish(
  tenantId: string,
  scriptId: string,
  languages: readonly Language[],
  actor: AuditActor,
  definition?: unknown,
): Promise<ScriptVersion & { issues: ScriptIssue[] }> {
  const edited = definition === undefined ? null : parseDefinition(definition, languages);
  return withTenant(tenantId, async (trx) => {
    await lockScript(trx, tenantId, scriptId);
    let draft = await readVersion(trx, tenantId, scriptId, "draft");
    if (edited) {
      const base = draft ?? (await readVersion(trx, tenantId, scriptId, "published"));
      if (!base || canonical(base.definition) !== canonical(edited.definition)) {
        draft = await writeDraft(trx, tenantId, scriptId, edited.definition, actor, edited.issues);
      }
    }
    if (!draft) throw new ScriptError("noDraft");
    const issues = validateScript(draft.definition, languages, { placeholders: await scriptPlaceholders(trx, tenantId, scriptId) });
    if (hasErrors(issues)) throw new ScriptError("hasErrors", issues);
    const previous = await archivePublished(trx, tenantId, scriptId);
    const row = await trx
      .updateTable("script_versions")
      .set({ status: "published", published_at: sql`now()` })
      .where("tenant_id", "=", tenantId)
      .where("script_id", "=", scriptId)
      .where("version", "=", draft.version)
      .returning(VERSION_COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: "script.published",
      target: { type: "script", id: scriptId },
      data: { version: row.version, previous, warnings: issues.length },
    });
    return { ...toVersion(row), issues };
  });
}

/**
 * Rolls back to an earlier version: its definition is copied into a new version (numbered after the
 * latest) that becomes the published one, and the current published version is archived, atomically.
 * A pending draft is left as it is. Refused for a draft or an unknown version ("versionNotFound") and
 * for the version that is already published ("alreadyPublished").
 */
export function rollback(tenantId: string, scriptId: string, version: number, actor: AuditActor): Promise<ScriptVersion> {
  return withTenant(tenantId, async (trx) => {
    await lockScript(trx, tenantId, scriptId);
    const source = await readVersion(trx, tenantId, scriptId, version);
    if (!source || source.status === "draft") throw new ScriptError("versionNotFound");
    if (source.status === "published") throw new ScriptError("alreadyPublished");
    const previous = await archivePublished(trx, tenantId, scriptId);
    const row = await trx
      .insertInto("script_versions")
      .values({
        tenant_id: tenantId,
        script_id: scriptId,
        version: await nextVersion(trx, tenantId, scriptId),
        status: "published",
        definition: JSON.stringify(source.definition),
        created_by: actor.userId,
        published_at: sql`now()`,
      })
      .returning(VERSION_COLUMNS)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: "script.rolled_back",
      target: { type: "script", id: scriptId },
      data: { version: row.version, from: source.version, previous },
    });
    return toVersion(row);
  });
}

/** Every version, newest first, with its report against `languages` and its diff. Null for an unknown script. */
export function history(tenantId: string, scriptId: string, languages: readonly Language[]): Promise<ScriptHistoryEntry[] | null> {
  return withTenant(tenantId, async (trx) => {
    const script = await trx.selectFrom("scripts").select("id").where("tenant_id", "=", tenantId).where("id", "=", scriptId).executeTakeFirst();
    if (!script) return null;
    const rows = await trx
      .selectFrom("script_versions")
      .select(VERSION_COLUMNS)
      .where("tenant_id", "=", tenantId)
      .where("script_id", "=", scriptId)
      .orderBy("version", "asc")
      .execute();
    const versions = rows.map(toVersion);
    const keys = versions.map((v) => canonical(v.definition));
    const placeholders = await scriptPlaceholders(trx, tenantId, scriptId);
    return versions
      .map((v, i) => {
        const { errors, warnings } = counts(validateScript(v.definition, languages, { placeholders }));
        const same = keys.lastIndexOf(keys[i]!, i - 1);
        return {
          version: v.version,
          status: v.status,
          createdBy: v.createdBy,
          createdAt: v.createdAt,
          publishedAt: v.publishedAt,
          errorCount: errors,
          warningCount: warnings,
          diff: i === 0 ? null : diffScripts(versions[i - 1]!.definition, v.definition),
          sameAs: i > 0 && same >= 0 ? versions[same]!.version : null,
        };
      })
      .reverse();
  });
}

/**
 * The published script of a queue, for the agent desktop; null when the queue has no script or its
 * script is not published yet. Runs in the caller's transaction (tenant or bureau scope: the desktop
 * serves several tenants), always filtered by `tenantId`.
 */
export async function publishedScriptForQueue(trx: Executor, tenantId: string, queueId: string): Promise<PublishedScript | null> {
  const row = await trx
    .selectFrom("scripts as s")
    .innerJoin("script_versions as v", (j) => j.onRef("v.tenant_id", "=", "s.tenant_id").onRef("v.script_id", "=", "s.id"))
    .select(["s.id", "s.name", "v.version", "v.definition", "v.published_at"])
    .where("s.tenant_id", "=", tenantId)
    .where("s.queue_id", "=", queueId)
    .where("v.status", "=", "published")
    .executeTakeFirst();
  if (!row) return null;
  return {
    scriptId: row.id,
    name: row.name,
    version: row.version,
    publishedAt: row.published_at ?? new Date(0),
    definition: scriptDefinitionSchema.parse(row.definition),
  };
}
