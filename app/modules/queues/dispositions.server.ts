import { sql } from "kysely";
import type { AuditActor } from "../auth/api-keys.server";
import { recordAudit } from "../auth/audit.server";
import { FieldConflict, isUniqueViolation, NotFoundError } from "../bureau/errors";
import type { Trx } from "../platform/db.server";
import { withTenant } from "../tenancy/scope.server";
import type { DispositionInput } from "./schemas";

/**
 * A tenant's dispositions: what an agent records when a contact ends, as a two-level tree of reasons
 * (no parent) and outcomes (under a reason). "Resolved" outcomes count towards first-contact
 * resolution. Dispositions are never deleted: past interactions keep pointing at them, so a retired
 * one is deactivated (agents no longer see it) and stays readable in reports.
 */

export interface Disposition {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  resolved: boolean;
  active: boolean;
  sort: number;
}

export interface DispositionReason extends Disposition {
  outcomes: Disposition[];
}

const f = (key: string) => `routing:dispositions.errors.${key}`;

const COLUMNS = ["id", "parent_id", "code", "name", "resolved", "active", "sort"] as const;
type Row = { id: string; parent_id: string | null; code: string; name: string; resolved: boolean; active: boolean; sort: number };

const toDisposition = (r: Row): Disposition => ({
  id: r.id,
  parentId: r.parent_id,
  code: r.code,
  name: r.name,
  resolved: r.resolved,
  active: r.active,
  sort: r.sort,
});

// Serializes tree changes of one tenant: a reason gaining a parent while it gains an outcome elsewhere
// would otherwise make a third level.
async function lockTree(trx: Trx, tenantId: string) {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`dispositions:${tenantId}`}, 0))`.execute(trx);
}

function readOne(trx: Trx, tenantId: string, id: string) {
  return trx.selectFrom("dispositions").select(COLUMNS).where("tenant_id", "=", tenantId).where("id", "=", id).executeTakeFirst();
}

async function checkParent(trx: Trx, tenantId: string, selfId: string | null, parentId: string | null) {
  if (parentId === null) return;
  if (parentId === selfId) throw new FieldConflict("parentId", f("parentSelf"));
  const parent = await readOne(trx, tenantId, parentId);
  if (!parent) throw new FieldConflict("parentId", f("parentUnknown"));
  if (parent.parent_id !== null) throw new FieldConflict("parentId", f("parentNotReason"));
  if (selfId !== null) {
    const child = await trx.selectFrom("dispositions").select("id").where("tenant_id", "=", tenantId).where("parent_id", "=", selfId).executeTakeFirst();
    if (child) throw new FieldConflict("parentId", f("hasOutcomes"));
  }
}

async function withCodeCheck<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUniqueViolation(error, "dispositions_tenant_id_code_key")) throw new FieldConflict("code", f("codeTaken"));
    throw error;
  }
}

/** The tree: reasons by sort order then name, each with its outcomes in the same order. */
export function listDispositions(tenantId: string): Promise<DispositionReason[]> {
  return withTenant(tenantId, async (trx) => {
    const rows = (await trx.selectFrom("dispositions").select(COLUMNS).where("tenant_id", "=", tenantId).orderBy("sort").orderBy("name").execute()).map(toDisposition);
    return rows.filter((r) => r.parentId === null).map((reason) => ({ ...reason, outcomes: rows.filter((r) => r.parentId === reason.id) }));
  });
}

export function createDisposition(tenantId: string, input: DispositionInput, actor: AuditActor): Promise<Disposition> {
  return withCodeCheck(() =>
    withTenant(tenantId, async (trx) => {
      await lockTree(trx, tenantId);
      await checkParent(trx, tenantId, null, input.parentId);
      const row = await trx
        .insertInto("dispositions")
        .values({ tenant_id: tenantId, parent_id: input.parentId, code: input.code, name: input.name, resolved: input.resolved, active: input.active, sort: input.sort })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      await recordAudit(trx, {
        tenantId,
        actor,
        ip: actor.ip,
        action: "disposition.created",
        target: { type: "disposition", id: row.id },
        data: { code: row.code, name: row.name, parentId: row.parent_id, resolved: row.resolved },
      });
      return toDisposition(row);
    }),
  );
}

/** Saves a disposition; the audit entry records each changed field as [before, after]. */
export function updateDisposition(tenantId: string, id: string, input: DispositionInput, actor: AuditActor): Promise<Disposition> {
  return withCodeCheck(() =>
    withTenant(tenantId, async (trx) => {
      await lockTree(trx, tenantId);
      const current = await readOne(trx, tenantId, id);
      if (!current) throw new NotFoundError("disposition");
      await checkParent(trx, tenantId, id, input.parentId);
      const values = { parent_id: input.parentId, code: input.code, name: input.name, resolved: input.resolved, active: input.active, sort: input.sort };
      const changes: Record<string, [unknown, unknown]> = {};
      for (const [column, value] of Object.entries(values)) {
        const before = current[column as keyof Row];
        if (before !== value) changes[column] = [before, value];
      }
      const row = await trx.updateTable("dispositions").set(values).where("tenant_id", "=", tenantId).where("id", "=", id).returning(COLUMNS).executeTakeFirstOrThrow();
      if (Object.keys(changes).length) {
        await recordAudit(trx, { tenantId, actor, ip: actor.ip, action: "disposition.updated", target: { type: "disposition", id }, data: { code: row.code, changes } });
      }
      return toDisposition(row);
    }),
  );
}

/** Retires (or brings back) a disposition without touching anything else about it. */
export function setDispositionActive(tenantId: string, id: string, active: boolean, actor: AuditActor): Promise<Disposition> {
  return withTenant(tenantId, async (trx) => {
    const row = await trx
      .updateTable("dispositions")
      .set({ active })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("disposition");
    await recordAudit(trx, {
      tenantId,
      actor,
      ip: actor.ip,
      action: active ? "disposition.activated" : "disposition.deactivated",
      target: { type: "disposition", id },
      data: { code: row.code },
    });
    return toDisposition(row);
  });
}
