import type { Executor } from "../platform/db.server";
import type { CampaignField } from "./campaigns.server";
import type { CampaignType } from "./model";
import type { DialingMode } from "./pacing";

/**
 * What the agent desktop shows of a campaign call: the campaign (name, type, mode), the contact from
 * its list (name, number, custom fields with their labels) and the campaign's own published script,
 * which the desktop plays instead of the queue's with the contact's fields as placeholders. Read in
 * the desktop's transaction (bureau scope, restricted to the contact the agent holds).
 */
export interface DesktopCampaign {
  id: string;
  name: string;
  type: CampaignType;
  mode: DialingMode;
  attemptNo: number;
  /** The attempt has not been dialed yet: a preview the agent reads before pressing Dial. */
  preview: boolean;
  contact: { name: string | null; e164: string; fields: { key: string; label: string; value: string }[] };
  /** Published definition of the campaign's script, or null (the queue's script then plays). */
  script: unknown | null;
}

export async function campaignForInteraction(trx: Executor, tenantId: string, interactionId: string): Promise<DesktopCampaign | null> {
  const row = await trx
    .selectFrom("campaign_attempts as a")
    .innerJoin("campaigns as c", (j) => j.onRef("c.tenant_id", "=", "a.tenant_id").onRef("c.id", "=", "a.campaign_id"))
    .innerJoin("campaign_contacts as cc", (j) => j.onRef("cc.tenant_id", "=", "a.tenant_id").onRef("cc.id", "=", "a.contact_id"))
    .leftJoin("script_versions as v", (j) => j.onRef("v.tenant_id", "=", "c.tenant_id").onRef("v.script_id", "=", "c.script_id").on("v.status", "=", "published"))
    .select(["c.id", "c.name", "c.type", "a.mode", "a.attempt_no", "a.state", "c.fields as declared", "cc.name as contact_name", "cc.e164", "cc.fields", "v.definition"])
    .where("a.tenant_id", "=", tenantId)
    .where("a.interaction_id", "=", interactionId)
    .executeTakeFirst();
  if (!row) return null;
  const declared = Array.isArray(row.declared) ? (row.declared as unknown as CampaignField[]) : [];
  const values = (row.fields ?? {}) as Record<string, string>;
  const labels = new Map(declared.map((f) => [f.key, f.label]));
  const keys = [...declared.map((f) => f.key), ...Object.keys(values).filter((k) => !labels.has(k))];
  return {
    id: row.id,
    name: row.name,
    type: row.type as CampaignType,
    mode: row.mode as DialingMode,
    attemptNo: row.attempt_no,
    preview: row.mode === "preview" && row.state === "queued",
    contact: { name: row.contact_name, e164: row.e164, fields: keys.filter((k) => k in values).map((k) => ({ key: k, label: labels.get(k) ?? k, value: String(values[k] ?? "") })) },
    script: row.definition ?? null,
  };
}
