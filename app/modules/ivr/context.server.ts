import { sql } from "kysely";
import { isLanguage, LANGUAGES, type Language } from "../i18n/config";
import type { Executor } from "../platform/db.server";
import { queueOptions, type QueueOption } from "../queues/directory.server";
import { withTenant } from "../tenancy/scope.server";
import type { ValidationContext } from "./validator";

/**
 * What a tenant's flows are validated against: the languages it is edited in and the keys of the
 * tenant's queues (issue 4). The builder's picker, saving, publishing, cloning and the REST API all
 * take their queues from here, so what the editor shows as valid is what the server accepts.
 */

function walk(value: unknown, visit: (obj: Record<string, unknown>) => void) {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (typeof value === "object" && value !== null) {
    visit(value as Record<string, unknown>);
    for (const v of Object.values(value)) walk(v, visit);
  }
}

/** The languages a flow has prompts in or offers in a language choice. */
export function languagesUsed(flow: unknown): Language[] {
  const used = new Set<string>();
  walk(flow, (obj) => {
    if (typeof obj.text === "object" && obj.text !== null && !Array.isArray(obj.text)) for (const k of Object.keys(obj.text)) used.add(k);
    if (typeof obj.language === "string" && typeof obj.digit === "string") used.add(obj.language);
  });
  return LANGUAGES.filter((l) => used.has(l));
}

/**
 * The languages a flow is edited in: the tenant's default language first, then Persian and English
 * (every line of the bureau has both), then any other language a stored version already uses.
 */
export function editingLanguages(defaultLanguage: Language, stored: unknown[]): Language[] {
  const wanted = new Set<Language>([defaultLanguage, "fa", "en", ...stored.flatMap(languagesUsed)]);
  return [defaultLanguage, ...LANGUAGES.filter((l) => l !== defaultLanguage && wanted.has(l))];
}

async function defaultLanguageOf(trx: Executor, tenantId: string): Promise<Language> {
  const row = await trx.selectFrom("tenants").select("default_locale").where("id", "=", tenantId).executeTakeFirst();
  return row && isLanguage(row.default_locale) ? row.default_locale : "fa";
}

/**
 * The validation context of one tenant, in the caller's transaction: `stored` are the definitions the
 * flow already has (its draft, its published version, a clone's source), whose languages stay editable.
 */
export async function flowValidationContext(trx: Executor, tenantId: string, stored: unknown[] = []): Promise<ValidationContext> {
  return contextOf(await defaultLanguageOf(trx, tenantId), await queueOptions(trx, tenantId), stored);
}

function contextOf(language: Language, queues: QueueOption[], stored: unknown[]): ValidationContext {
  return { tenantLanguages: editingLanguages(language, stored), queueIds: queues.map((q) => q.key) };
}

export interface FlowEditingContext {
  ctx: ValidationContext;
  /** The queue picker's choices: key and name. */
  queues: { key: string; name: string }[];
}

/** The builder page's context and queue picker, read in one tenant transaction. */
export function flowEditingContext(tenantId: string, stored: unknown[] = []): Promise<FlowEditingContext> {
  return withTenant(tenantId, async (trx) => {
    const queues = await queueOptions(trx, tenantId);
    const ctx = contextOf(await defaultLanguageOf(trx, tenantId), queues, stored);
    return { ctx, queues: queues.map((q) => ({ key: q.key, name: q.name })) };
  });
}

/** The tenant's queue keys (the REST API derives its languages differently and needs only these). */
export function tenantQueueKeys(tenantId: string): Promise<string[]> {
  return withTenant(tenantId, async (trx) => (await queueOptions(trx, tenantId)).map((q) => q.key));
}

/**
 * The names of the tenant's flows whose published version has a queue step naming `queueKey`: calls
 * are being sent there now, so the queue may not be deleted or re-keyed until the flow changes.
 */
export async function publishedFlowsNamingQueue(trx: Executor, tenantId: string, queueKey: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("ivr_flow_versions as v")
    .innerJoin("ivr_flows as f", (j) => j.onRef("f.tenant_id", "=", "v.tenant_id").onRef("f.id", "=", "v.flow_id"))
    .select("f.name")
    .where("v.tenant_id", "=", tenantId)
    .where("v.status", "=", "published")
    .where(sql<boolean>`v.definition -> 'nodes' @> ${JSON.stringify([{ type: "queue", queueId: queueKey }])}::jsonb`)
    .orderBy("f.name")
    .execute();
  return rows.map((r) => r.name);
}
