import { sql } from "kysely";
import { createCampaign, setCampaignStatus, type Campaign } from "~/modules/campaigns/campaigns.server";
import type { CampaignInput } from "~/modules/campaigns/forms";
import { DEFAULT_SIMULATION, type SimulationProfile } from "~/modules/campaigns/model";
import { callingWindowSchema, retryRulesSchema, type CallingWindow, type RetryRules } from "~/modules/campaigns/window";
import { makeTenant, uniq } from "../setup/factories";
import { makeAgent, makeQueue, owner } from "./routing.helpers";

/** Campaign fixtures: a tenant with a queue, dispositions, agents and a campaign, written as the app would. */

export const ALWAYS_OPEN: CallingWindow = callingWindowSchema.parse({ ranges: [{ from: "00:00", to: "24:00" }], allowFridays: true, allowHolidays: true });

export const actor = { userId: null, label: "test" };

export function campaignInput(queueId: string, over: Partial<CampaignInput> = {}): CampaignInput {
  return {
    name: `Campaign ${uniq()}`,
    type: "survey",
    queueId,
    scriptId: null,
    dialingMode: "progressive",
    powerRatio: 1.5,
    priority: 5,
    startsAt: null,
    endsAt: null,
    abandonCapBp: 300,
    abandonAfterSeconds: 2,
    callbackDelayMinutes: 60,
    callingWindow: ALWAYS_OPEN,
    retryRules: retryRulesSchema.parse({}),
    dispositionRules: { sold: { action: "complete", conversion: true }, later: { action: "retry", conversion: false }, stop: { action: "dnc", conversion: false } },
    callerId: null,
    simulation: DEFAULT_SIMULATION,
    ...over,
  };
}

export const simulate = (over: Partial<SimulationProfile>): SimulationProfile => ({
  human: 0,
  noAnswer: 0,
  busy: 0,
  voicemail: 0,
  failed: 0,
  ringSecondsMin: 0,
  ringSecondsMax: 0,
  ...over,
});

export interface CampaignFixture {
  tenant: { id: string; slug: string };
  queue: { id: string; key: string };
  agents: { id: string }[];
  dispositions: Record<string, string>;
  campaign: Campaign;
  contacts: { id: string; e164: string }[];
}

/** Distinct valid Iranian mobile numbers. */
export function mobiles(n: number, seed = Math.floor(Math.random() * 1_000_000)): string[] {
  return Array.from({ length: n }, (_, i) => `+98912${String((seed * 7919 + i * 104_729) % 10_000_000).padStart(7, "0")}`);
}

export async function makeCampaignFixture(
  opts: {
    agents?: number;
    autoAnswer?: boolean;
    numbers?: string[];
    input?: Partial<CampaignInput>;
    start?: boolean;
    retryRules?: Partial<RetryRules>;
  } = {},
): Promise<CampaignFixture> {
  const tenant = await makeTenant();
  await owner.insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164: `+98218${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}` }).execute();
  const queue = await makeQueue(tenant.id, { offer_timeout_seconds: 15 });
  const dispositions: Record<string, string> = {};
  for (const code of ["sold", "later", "stop", "noanswer"]) {
    const d = await owner.insertInto("dispositions").values({ tenant_id: tenant.id, code, name: code }).returning("id").executeTakeFirstOrThrow();
    dispositions[code] = d.id;
  }
  const agents: { id: string }[] = [];
  for (let i = 0; i < (opts.agents ?? 1); i++) {
    const a = await makeAgent([queue]);
    if (opts.autoAnswer) await owner.updateTable("agents").set({ auto_answer: true }).where("user_id", "=", a.id).execute();
    agents.push({ id: a.id });
  }
  const retryRules = opts.retryRules ? retryRulesSchema.parse({ ...opts.retryRules }) : undefined;
  let campaign = await createCampaign(tenant.id, campaignInput(queue.id, { ...(retryRules ? { retryRules } : {}), ...opts.input }), actor);
  const numbers = opts.numbers ?? [];
  const contacts = numbers.length
    ? await owner
        .insertInto("campaign_contacts")
        .values(numbers.map((e164, i) => ({ tenant_id: tenant.id, campaign_id: campaign.id, e164, name: `Contact ${i + 1}`, fields: JSON.stringify({ amount: String(1000 * (i + 1)) }), callee_zone: "Asia/Tehran" })))
        .returning(["id", "e164"])
        .execute()
    : [];
  if (opts.start !== false) campaign = await setCampaignStatus(tenant.id, campaign.id, "start", actor);
  return { tenant: { id: tenant.id, slug: tenant.slug }, queue: { id: queue.id, key: queue.key }, agents, dispositions, campaign, contacts };
}

export async function attemptsOf(campaignId: string) {
  return owner.selectFrom("campaign_attempts").selectAll().where("campaign_id", "=", campaignId).orderBy("created_at").execute();
}

export async function contactsOf(campaignId: string) {
  return owner.selectFrom("campaign_contacts").selectAll().where("campaign_id", "=", campaignId).orderBy("e164").execute();
}

export async function eventsOf(tenantId: string, interactionId: string) {
  return owner.selectFrom("interaction_events").select(["seq", "type", "data", "at"]).where("tenant_id", "=", tenantId).where("interaction_id", "=", interactionId).orderBy("seq").execute();
}

export const later = (seconds: number, from = new Date()) => new Date(from.getTime() + seconds * 1000);

export async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, stepMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error("waitFor timed out");
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export async function agentStateOf(agentId: string) {
  return owner.selectFrom("agent_states").select(["state", "contact_id", "contact_tenant_id"]).where("agent_id", "=", agentId).executeTakeFirstOrThrow();
}

export async function dncCount(tenantId: string) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from dnc_entries where tenant_id = ${tenantId}`.execute(owner);
  return rows[0]!.n;
}

export { owner };
