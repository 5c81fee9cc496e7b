import { sql } from "kysely";
import type { AuditActor } from "../auth/api-keys.server";
import { asBureau } from "../auth/bureau.server";
import { recordAudit } from "../auth/audit.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { isUniqueViolation } from "../bureau/errors";
import type { Trx } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import { flowValidationContext } from "./context.server";
import { diffFlows, type FlowDiff } from "./diff";
import { flowSchema, type Flow } from "./model";
import { hasErrors, validateFlow, type Issue, type ValidationContext } from "./validator";

/**
 * IVR flows and their versions (issue 3). A flow has numbered versions: at most one draft (being
 * edited) and one published (answering calls); earlier published versions are archived, never deleted,
 * so any of them can be rolled back to and a running call can keep the version it started on.
 *
 * Every change and its tenant audit entry commit in one transaction; concurrent changes to one flow
 * are serialized by locking the flow row. Tenant work runs in withTenant with explicit tenant filters
 * (ADR 0001); a flow of another tenant is simply not found (null / FlowError "notFound" -> 404).
 *
 * Queues: callers pass the tenant's queue keys in `ValidationContext.queueIds` (flowValidationContext
 * in ./context.server.ts reads them); the validator reports a queue node naming any other key as an error.
 */

export type VersionStatus = "draft" | "published" | "archived";
export type VersionRef = number | "draft" | "published";

export interface FlowSummary {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
  draftVersion: number | null;
  publishedVersion: number | null;
}

export interface FlowVersion {
  flowId: string;
  version: number;
  status: VersionStatus;
  definition: Flow;
  /** The validator's report when the version was saved (or re-validated at publish). */
  issues: Issue[];
  note: string;
  createdBy: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  publishedBy: string | null;
}

export interface HistoryEntry {
  version: number;
  status: VersionStatus;
  note: string;
  createdBy: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  publishedBy: string | null;
  errorCount: number;
  warningCount: number;
  /** Against the next lower version number; null for the first version. */
  diff: FlowDiff | null;
}

export type FlowErrorKey = "notFound" | "numberNotFound" | "versionNotFound" | "nameTaken" | "invalidDefinition" | "noDraft" | "hasErrors" | "alreadyPublished";

/**
 * A refusal the page or API answers with: "notFound"/"numberNotFound"/"versionNotFound" -> 404,
 * "nameTaken" -> field error on name, "invalidDefinition"/"hasErrors" -> the issues (localized with
 * ivr:issue.<code>), "noDraft"/"alreadyPublished" -> 409. Nothing was written.
 */
export class FlowError extends Error {
  constructor(
    public readonly key: FlowErrorKey,
    public readonly issues: Issue[] = [],
  ) {
    super(`ivr flow: ${key}`);
  }
}

const NAME_MAX = 120;

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > NAME_MAX) throw new FlowError("invalidDefinition", [{ nodeId: null, code: "schema", severity: "error", params: { field: "name", reason: "validation:required" } }]);
  return trimmed;
}

async function withNameCheck<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUniqueViolation(error, "ivr_flows_tenant_id_name_key")) throw new FlowError("nameTaken");
    throw error;
  }
}

/** Locks the flow row (serializes version changes); FlowError "notFound" when the tenant has no such flow. */
async function lockFlow(trx: Trx, tenantId: string, flowId: string) {
  const row = await trx
    .selectFrom("ivr_flows")
    .select(["id", "name"])
    .where("tenant_id", "=", tenantId)
    .where("id", "=", flowId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new FlowError("notFound");
  return row;
}

async function touchFlow(trx: Trx, tenantId: string, flowId: string) {
  await trx.updateTable("ivr_flows").set({ updated_at: sql`now()` }).where("tenant_id", "=", tenantId).where("id", "=", flowId).execute();
}

async function nextVersion(trx: Trx, tenantId: string, flowId: string): Promise<number> {
  const row = await trx
    .selectFrom("ivr_flow_versions")
    .select(sql<number>`coalesce(max(version), 0)::int`.as("max"))
    .where("tenant_id", "=", tenantId)
    .where("flow_id", "=", flowId)
    .executeTakeFirstOrThrow();
  return row.max + 1;
}

const VERSION_COLUMNS = ["flow_id", "version", "status", "definition", "validation", "note", "created_by", "created_at", "published_at", "published_by"] as const;

type VersionRow = {
  flow_id: string;
  version: number;
  status: string;
  definition: unknown;
  validation: unknown;
  note: string;
  created_by: string | null;
  created_at: Date;
  published_at: Date | null;
  published_by: string | null;
};

function toVersion(r: VersionRow): FlowVersion {
  return {
    flowId: r.flow_id,
    version: r.version,
    status: r.status as VersionStatus,
    // Stored definitions were parsed on save; parsing again fills defaults added by later schema changes.
    definition: flowSchema.parse(r.definition),
    issues: (r.validation ?? []) as Issue[],
    note: r.note,
    createdBy: r.created_by,
    createdAt: r.created_at,
    publishedAt: r.published_at,
    publishedBy: r.published_by,
  };
}

async function readVersion(trx: Trx, tenantId: string, flowId: string, ref: VersionRef): Promise<FlowVersion | null> {
  let q = trx.selectFrom("ivr_flow_versions").select(VERSION_COLUMNS).where("tenant_id", "=", tenantId).where("flow_id", "=", flowId);
  q = typeof ref === "number" ? q.where("version", "=", ref) : q.where("status", "=", ref);
  const row = await q.executeTakeFirst();
  return row ? toVersion(row) : null;
}

/** Parses a definition from the builder or API; a shape error refuses the save with the schema issues. */
function parseDefinition(definition: unknown, ctx: ValidationContext): { flow: Flow; issues: Issue[] } {
  const parsed = flowSchema.safeParse(definition);
  if (!parsed.success) throw new FlowError("invalidDefinition", validateFlow(definition, ctx));
  return { flow: parsed.data, issues: validateFlow(parsed.data, ctx) };
}

export async function createFlow(tenantId: string, name: string, actor: AuditActor): Promise<FlowSummary> {
  const clean = cleanName(name);
  return withNameCheck(() =>
    withTenant(tenantId, async (trx) => {
      const row = await trx.insertInto("ivr_flows").values({ tenant_id: tenantId, name: clean }).returning(["id", "name", "created_at", "updated_at"]).executeTakeFirstOrThrow();
      await recordAudit(trx, { tenantId, actor, ip: actor.ip, action: "ivr.flow.created", target: { type: "ivr_flow", id: row.id }, data: { name: row.name } });
      return { id: row.id, name: row.name, createdAt: row.created_at, updatedAt: row.updated_at, draftVersion: null, publishedVersion: null };
    }),
  );
}

function summaries(trx: Trx, tenantId: string) {
  return trx
    .selectFrom("ivr_flows as f")
    .select((eb) => [
      "f.id",
      "f.name",
      "f.created_at",
      "f.updated_at",
      eb
        .selectFrom("ivr_flow_versions as v")
        .select("v.version")
        .whereRef("v.tenant_id", "=", "f.tenant_id")
        .whereRef("v.flow_id", "=", "f.id")
        .where("v.status", "=", "draft")
        .as("draft_version"),
      eb
        .selectFrom("ivr_flow_versions as v")
        .select("v.version")
        .whereRef("v.tenant_id", "=", "f.tenant_id")
        .whereRef("v.flow_id", "=", "f.id")
        .where("v.status", "=", "published")
        .as("published_version"),
    ])
    .where("f.tenant_id", "=", tenantId);
}

type SummaryRow = { id: string; name: string; created_at: Date; updated_at: Date; draft_version: number | null; published_version: number | null };
const toSummary = (r: SummaryRow): FlowSummary => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  draftVersion: r.draft_version,
  publishedVersion: r.published_version,
});

/** The tenant's flows by name, with their current draft and published version numbers. */
export function listFlows(tenantId: string): Promise<FlowSummary[]> {
  return withTenant(tenantId, async (trx) => (await summaries(trx, tenantId).orderBy("f.name").execute()).map(toSummary));
}

export function getFlow(tenantId: string, flowId: string): Promise<FlowSummary | null> {
  return withTenant(tenantId, async (trx) => {
    const row = await summaries(trx, tenantId).where("f.id", "=", flowId).executeTakeFirst();
    return row ? toSummary(row) : null;
  });
}

/** One version by number, or the current draft / published one; null when there is none (or it is another tenant's). */
export function getFlowVersion(tenantId: string, flowId: string, ref: VersionRef): Promise<FlowVersion | null> {
  return withTenant(tenantId, (trx) => readVersion(trx, tenantId, flowId, ref));
}

/**
 * Stores the editor's definition as the flow's draft, with the validator's report. Without a draft a
 * new one is numbered after the latest version (so it follows the published one); with one, it is
 * replaced in place. A definition that does not even parse is refused (FlowError "invalidDefinition").
 */
export async function saveDraft(tenantId: string, flowId: string, definition: unknown, ctx: ValidationContext, actor: AuditActor, note = ""): Promise<FlowVersion> {
  const { flow, issues } = parseDefinition(definition, ctx);
  const cleanNote = note.trim().slice(0, 500);
  return withTenant(tenantId, async (trx) => {
    await lockFlow(trx, tenantId, flowId);
    const draft = await readVersion(trx, tenantId, flowId, "draft");
    let row: VersionRow;
    if (draft) {
      row = await trx
        .updateTable("ivr_flow_versions")
        .set({ definition: JSON.stringify(flow), validation: JSON.stringify(issues), note: cleanNote, created_by: actor.userId, created_at: sql`now()` })
        .where("tenant_id", "=", tenantId)
        .where("flow_id", "=", flowId)
        .where("version", "=", draft.version)
        .returning(VERSION_COLUMNS)
        .executeTakeFirstOrThrow();
    } else {
      row = await trx
        .insertInto("ivr_flow_versions")
        .values({
          tenant_id: tenantId,
          flow_id: flowId,
          version: await nextVersion(trx, tenantId, flowId),
          status: "draft",
          definition: JSON.stringify(flow),
          validation: JSON.stringify(issues),
          note: cleanNote,
          created_by: actor.userId,
        })
        .returning(VERSION_COLUMNS)
        .executeTakeFirstOrThrow();
    }
    await touchFlow(trx, tenantId, flowId);
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: "ivr.flow.draft_saved",
      target: { type: "ivr_flow", id: flowId },
      data: { version: row.version, errors: issues.filter((i) => i.severity === "error").length, warnings: issues.filter((i) => i.severity === "warning").length },
    });
    return toVersion(row);
  });
}

async function archivePublished(trx: Trx, tenantId: string, flowId: string): Promise<number | null> {
  const row = await trx
    .updateTable("ivr_flow_versions")
    .set({ status: "archived" })
    .where("tenant_id", "=", tenantId)
    .where("flow_id", "=", flowId)
    .where("status", "=", "published")
    .returning("version")
    .executeTakeFirst();
  return row?.version ?? null;
}

/**
 * Publishes the draft atomically: refused (FlowError "hasErrors", with the issues) while the draft has
 * error-severity issues; otherwise the published version is archived and the draft becomes published,
 * in one transaction. Pass `ctx` to re-validate against the tenant's current languages and queues
 * (a queue removed since the draft was saved then blocks publishing); the fresh report is stored.
 */
export function publish(tenantId: string, flowId: string, actor: AuditActor, ctx?: ValidationContext): Promise<FlowVersion> {
  return withTenant(tenantId, async (trx) => {
    await lockFlow(trx, tenantId, flowId);
    const draft = await readVersion(trx, tenantId, flowId, "draft");
    if (!draft) throw new FlowError("noDraft");
    const issues = ctx ? validateFlow(draft.definition, ctx) : draft.issues;
    if (hasErrors(issues)) throw new FlowError("hasErrors", issues);
    const previous = await archivePublished(trx, tenantId, flowId);
    const row = await trx
      .updateTable("ivr_flow_versions")
      .set({ status: "published", published_at: sql`now()`, published_by: actor.userId, validation: JSON.stringify(issues) })
      .where("tenant_id", "=", tenantId)
      .where("flow_id", "=", flowId)
      .where("version", "=", draft.version)
      .returning(VERSION_COLUMNS)
      .executeTakeFirstOrThrow();
    await touchFlow(trx, tenantId, flowId);
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: "ivr.flow.published",
      target: { type: "ivr_flow", id: flowId },
      data: { version: row.version, previous },
    });
    return toVersion(row);
  });
}

/**
 * Rolls back to an earlier version: its definition is copied into a new version (numbered after the
 * latest) that becomes the published one, and the current published version is archived, atomically.
 * A pending draft is left as it is. Refused for a draft ("versionNotFound") and for the version that
 * is already published ("alreadyPublished").
 */
export function rollback(tenantId: string, flowId: string, version: number, actor: AuditActor): Promise<FlowVersion> {
  return withTenant(tenantId, async (trx) => {
    await lockFlow(trx, tenantId, flowId);
    const source = await readVersion(trx, tenantId, flowId, version);
    if (!source || source.status === "draft") throw new FlowError("versionNotFound");
    if (source.status === "published") throw new FlowError("alreadyPublished");
    const previous = await archivePublished(trx, tenantId, flowId);
    const row = await trx
      .insertInto("ivr_flow_versions")
      .values({
        tenant_id: tenantId,
        flow_id: flowId,
        version: await nextVersion(trx, tenantId, flowId),
        status: "published",
        definition: JSON.stringify(source.definition),
        validation: JSON.stringify(source.issues),
        note: `rollback:${source.version}`,
        created_by: actor.userId,
        published_at: sql`now()`,
        published_by: actor.userId,
      })
      .returning(VERSION_COLUMNS)
      .executeTakeFirstOrThrow();
    await touchFlow(trx, tenantId, flowId);
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: "ivr.flow.rolled_back",
      target: { type: "ivr_flow", id: flowId },
      data: { version: row.version, from: source.version, previous },
    });
    return toVersion(row);
  });
}

/** Every version, newest first, each with its diff against the version numbered before it. Null for an unknown flow. */
export function history(tenantId: string, flowId: string): Promise<HistoryEntry[] | null> {
  return withTenant(tenantId, async (trx) => {
    const flow = await trx.selectFrom("ivr_flows").select("id").where("tenant_id", "=", tenantId).where("id", "=", flowId).executeTakeFirst();
    if (!flow) return null;
    const rows = await trx
      .selectFrom("ivr_flow_versions")
      .select(VERSION_COLUMNS)
      .where("tenant_id", "=", tenantId)
      .where("flow_id", "=", flowId)
      .orderBy("version", "asc")
      .execute();
    const versions = rows.map(toVersion);
    return versions
      .map((v, i) => ({
        version: v.version,
        status: v.status,
        note: v.note,
        createdBy: v.createdBy,
        createdAt: v.createdAt,
        publishedAt: v.publishedAt,
        publishedBy: v.publishedBy,
        errorCount: v.issues.filter((x) => x.severity === "error").length,
        warningCount: v.issues.filter((x) => x.severity === "warning").length,
        diff: i === 0 ? null : diffFlows(versions[i - 1]!.definition, v.definition),
      }))
      .reverse();
  });
}

/**
 * Bureau staff (permission "tenants.manage") copy a flow from one tenant to another: the source's
 * published version (else its draft) becomes version 1, a draft, of a new flow in the target tenant,
 * for the client to review and publish. It is validated against `targetCtx`, or else against the
 * target tenant's own languages and queues (flowValidationContext), so a queue step naming a queue the
 * target does not have is reported there. Audited in the target tenant. The new flow's id is the
 * result's `flowId`.
 */
export async function cloneFlow(
  ctx: BureauCtx,
  fromTenantId: string,
  flowId: string,
  toTenantId: string,
  name: string,
  targetCtx?: ValidationContext,
): Promise<FlowVersion> {
  const clean = cleanName(name);
  return withNameCheck(() =>
    asBureau(ctx, "tenants.manage", async (trx) => {
      const source = (await readVersion(trx, fromTenantId, flowId, "published")) ?? (await readVersion(trx, fromTenantId, flowId, "draft"));
      if (!source) throw new FlowError("notFound");
      const target = await trx.selectFrom("tenants").select("id").where("id", "=", toTenantId).executeTakeFirst();
      if (!target) throw new FlowError("notFound");
      const vctx = targetCtx ?? (await flowValidationContext(trx, toTenantId, [source.definition]));
      const issues = validateFlow(source.definition, vctx);
      const flow = await trx.insertInto("ivr_flows").values({ tenant_id: toTenantId, name: clean }).returning("id").executeTakeFirstOrThrow();
      const row = await trx
        .insertInto("ivr_flow_versions")
        .values({
          tenant_id: toTenantId,
          flow_id: flow.id,
          version: 1,
          status: "draft",
          definition: JSON.stringify(source.definition),
          validation: JSON.stringify(issues),
          note: "clone",
          created_by: ctx.actor.userId,
        })
        .returning(VERSION_COLUMNS)
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        tenantId: toTenantId,
        actor: auditActor(ctx),
        ip: ctx.ip,
        action: "ivr.flow.cloned",
        target: { type: "ivr_flow", id: flow.id },
        data: { name: clean, fromTenantId, fromFlowId: flowId, fromVersion: source.version },
      });
      return toVersion(row);
    }),
  );
}

/** Which flow answers a tenant number (null: none, the number answers the "not in service" message). */
export function assignFlowToNumber(tenantId: string, numberId: string, flowId: string | null, actor: AuditActor): Promise<void> {
  return withTenant(tenantId, async (trx) => {
    if (flowId !== null) await lockFlow(trx, tenantId, flowId);
    const row = await trx
      .updateTable("tenant_phone_numbers")
      .set({ ivr_flow_id: flowId })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", numberId)
      .returning(["id", "e164"])
      .executeTakeFirst();
    if (!row) throw new FlowError("numberNotFound");
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: "ivr.flow.number_assigned",
      target: { type: "phone_number", id: row.id },
      data: { e164: row.e164, flowId },
    });
  });
}
