import { sql } from "kysely";
import type { Executor, Trx } from "../platform/db.server";
import { BillingError } from "./errors";
import { parseRatePlanVersion, type PlanIssue, type RatePlanVersion } from "./plan";

/**
 * A tenant's rate plan versions in rate_plan_versions.definition: the plan schema's input as JSON,
 * money as digit strings (JSON has no bigint) and the effective instant as ISO text. Read back through
 * the same schema, so a stored version is exactly as valid as an edited one.
 */
export interface StoredPlanVersion {
  version: number;
  effectiveFrom: Date;
  plan: RatePlanVersion;
  note: string;
  createdAt: Date;
  createdBy: string | null;
}

/** The JSON a version is stored as (and the API and the editor exchange). */
export function planToJson(plan: RatePlanVersion): Record<string, unknown> {
  return JSON.parse(JSON.stringify(plan, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;
}

function fromRow(row: { version: number; effective_from: Date; definition: unknown; note: string; created_at: Date; created_by: string | null }): StoredPlanVersion {
  const parsed = parseRatePlanVersion({ ...(row.definition as Record<string, unknown>), version: row.version, effectiveFrom: row.effective_from });
  if (!parsed.success) throw new BillingError("invalidStoredPlan", { version: row.version });
  return { version: row.version, effectiveFrom: row.effective_from, plan: parsed.data, note: row.note, createdAt: row.created_at, createdBy: row.created_by };
}

export async function listPlanVersions(trx: Executor, tenantId: string): Promise<StoredPlanVersion[]> {
  const rows = await trx
    .selectFrom("rate_plan_versions")
    .select(["version", "effective_from", "definition", "note", "created_at", "created_by"])
    .where("tenant_id", "=", tenantId)
    .orderBy("effective_from")
    .execute();
  return rows.map(fromRow);
}

/** The version in force at an instant, or null before the first. */
export function versionAt(versions: readonly StoredPlanVersion[], at: Date): StoredPlanVersion | null {
  let found: StoredPlanVersion | null = null;
  for (const v of versions) if (v.effectiveFrom.getTime() <= at.getTime()) found = v;
  return found;
}

export class PlanInvalid extends Error {
  constructor(public readonly issues: PlanIssue[]) {
    super("invalid rate plan");
  }
}

/**
 * Adds a version (the next number) effective from its instant. A version whose instant falls in a
 * period already finalized would change a closed invoice's basis: refused (billing:errors.periodClosed).
 */
export async function addPlanVersion(trx: Trx, tenantId: string, input: unknown, opts: { note?: string; actorUserId?: string | null } = {}): Promise<StoredPlanVersion> {
  const parsed = parseRatePlanVersion(input);
  if (!parsed.success) throw new PlanInvalid(parsed.issues);
  const plan = parsed.data;
  // Versions of one tenant are numbered in turn: the tenant row is the lock.
  await trx.selectFrom("tenants").select("id").where("id", "=", tenantId).forUpdate().executeTakeFirstOrThrow();
  const closed = await trx
    .selectFrom("invoices")
    .select("id")
    .where("tenant_id", "=", tenantId)
    .where("kind", "=", "invoice")
    .where("status", "<>", "draft")
    .where("status", "<>", "void")
    .where("period_end", ">", plan.effectiveFrom)
    .executeTakeFirst();
  if (closed) throw new BillingError("periodClosed", { effectiveFrom: plan.effectiveFrom.toISOString() });
  const taken = await trx
    .selectFrom("rate_plan_versions")
    .select("version")
    .where("tenant_id", "=", tenantId)
    .where("effective_from", "=", plan.effectiveFrom)
    .executeTakeFirst();
  if (taken) throw new BillingError("duplicateEffectiveFrom", { effectiveFrom: plan.effectiveFrom.toISOString() });
  const next = await trx
    .selectFrom("rate_plan_versions")
    .select(sql<number>`coalesce(max(version), 0) + 1`.as("n"))
    .where("tenant_id", "=", tenantId)
    .executeTakeFirstOrThrow();
  const { version: _v, effectiveFrom: _e, ...definition } = planToJson({ ...plan, version: next.n });
  const row = await trx
    .insertInto("rate_plan_versions")
    .values({
      tenant_id: tenantId,
      version: next.n,
      effective_from: plan.effectiveFrom,
      definition: JSON.stringify(definition),
      note: opts.note ?? "",
      created_by: opts.actorUserId ?? null,
    })
    .returning(["version", "effective_from", "definition", "note", "created_at", "created_by"])
    .executeTakeFirstOrThrow();
  return fromRow(row);
}
