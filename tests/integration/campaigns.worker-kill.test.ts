import { spawn, type ChildProcess } from "node:child_process";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { FINAL_CONTACT_STATUSES } from "~/modules/campaigns/model";
import { closeQueues } from "~/modules/platform/queues.server";
import { acceptOffer, RoutingError } from "~/modules/routing/acd.server";
import { endContact, finishWrapUp } from "~/modules/routing/contact.server";
import { connectAccepted } from "~/modules/telephony/call-control.server";
import { closeFactories } from "../setup/factories";
import { agentStateOf, attemptsOf, contactsOf, makeCampaignFixture, mobiles, owner, simulate, waitFor, type CampaignFixture } from "./campaigns.helpers";

/**
 * Workers are idempotent: a campaign worker killed with SIGKILL in the middle of a campaign and
 * started again never dials a contact twice for one attempt and loses none. The worker is a separate
 * process running the real BullMQ worker and the dialer's tick; the agents are played here.
 */

const children: ChildProcess[] = [];
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await closeQueues();
  await closeFactories();
});

function startWorker(tenantId: string): Promise<ChildProcess> {
  const child = spawn("npx", ["tsx", "tests/integration/fixtures/campaign-worker.ts", tenantId], { env: process.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("worker did not start")), 60_000);
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("ready")) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.on("exit", (code) => reject(new Error(`worker exited ${code}`)));
  });
}

/** SIGKILL to the whole process group (npx, tsx and node): nothing gets to clean up. */
function killHard(child: ChildProcess) {
  process.kill(-child.pid!, "SIGKILL");
}

/** The agents: take what rings, talk a moment, end and wrap up. */
function playAgents(f: CampaignFixture) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const a of f.agents) {
        try {
          const st = await agentStateOf(a.id);
          if (st.state === "offered" && st.contact_id) {
            const accepted = await acceptOffer(a.id, st.contact_id);
            await connectAccepted(accepted, a.id);
          } else if (st.state === "busy") {
            await endContact(a.id);
          } else if (st.state === "wrap_up") {
            await finishWrapUp(a.id, { userId: a.id, label: "agent" }, { dispositionId: f.dispositions.sold!, notes: "" });
          }
        } catch (err) {
          if (!(err instanceof RoutingError)) throw err;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

describe("a campaign worker killed mid-campaign", () => {
  it("dials each attempt once and brings every contact to a final state after a restart", async () => {
    const numbers = mobiles(60, 777);
    const f = await makeCampaignFixture({
      agents: 6,
      numbers,
      input: { dialingMode: "power", powerRatio: 2, abandonAfterSeconds: 3, simulation: simulate({ human: 0.5, noAnswer: 0.3, busy: 0.2, ringSecondsMin: 0.2, ringSecondsMax: 1.2 }) },
      retryRules: {
        maxAttempts: 3,
        abandonCooldownHours: 0,
        outcomes: {
          busy: { delaysMinutes: [0], maxAttempts: 2 },
          noAnswer: { delaysMinutes: [0], maxAttempts: 2 },
          voicemail: { delaysMinutes: [0], maxAttempts: 1 },
          failed: { delaysMinutes: [0], maxAttempts: 1 },
          abandoned: { delaysMinutes: [0], maxAttempts: 1 },
        },
      },
    });
    const stopAgents = playAgents(f);
    try {
      const first = await startWorker(f.tenant.id);
      // Mid-campaign: some attempts made, most contacts still to go.
      await waitFor(async () => (await attemptsOf(f.campaign.id)).length >= 15, 60_000);
      killHard(first);
      const atKill = await attemptsOf(f.campaign.id);
      expect(atKill.length).toBeLessThan(60 * 3);
      // Killed with calls under way (queued, dialing, ringing or waiting for an agent).
      expect(atKill.some((a) => ["queued", "dialing", "ringing", "answered"].includes(a.state))).toBe(true);
      await new Promise((r) => setTimeout(r, 500));
      const second = await startWorker(f.tenant.id);
      await waitFor(
        async () => {
          const contacts = await contactsOf(f.campaign.id);
          return contacts.every((c) => (FINAL_CONTACT_STATUSES as readonly string[]).includes(c.status));
        },
        120_000,
        250,
      );
      killHard(second);
    } finally {
      await stopAgents();
    }

    const contacts = await contactsOf(f.campaign.id);
    expect(contacts).toHaveLength(60);
    // None lost: every contact finished, no attempt left under way.
    expect(contacts.filter((c) => !(FINAL_CONTACT_STATUSES as readonly string[]).includes(c.status))).toEqual([]);
    const attempts = await attemptsOf(f.campaign.id);
    expect(attempts.filter((a) => ["queued", "dialing", "ringing", "answered"].includes(a.state))).toEqual([]);
    // Never twice: one interaction per attempt, one placed call per interaction, no call outside an attempt.
    const placed = await sql<{ interaction_id: string; n: number }>`
      select e.interaction_id, count(*)::int as n from interaction_events e
      where e.tenant_id = ${f.tenant.id} and e.type = 'call.placed' group by 1`.execute(owner);
    expect(placed.rows.filter((r) => r.n !== 1)).toEqual([]);
    const dialed = attempts.filter((a) => a.provider_call_id !== null);
    expect(new Set(dialed.map((a) => a.interaction_id)).size).toBe(dialed.length);
    expect(placed.rows.length).toBe(dialed.length);
    const interactions = await owner.selectFrom("interactions").select(["id", "to_number"]).where("tenant_id", "=", f.tenant.id).where("direction", "=", "outbound").execute();
    expect(interactions.length).toBe(attempts.filter((a) => a.interaction_id !== null).length);
    // Attempts per contact numbered 1, 2, … without gaps or repeats, within the limit.
    const byContact = new Map<string, number[]>();
    for (const a of attempts) byContact.set(a.contact_id, [...(byContact.get(a.contact_id) ?? []), a.attempt_no]);
    for (const nos of byContact.values()) {
      expect(nos.sort((x, y) => x - y)).toEqual(nos.map((_, i) => i + 1));
      expect(nos.length).toBeLessThanOrEqual(3);
    }
    // Every contact was dialed at least once (DNC none here), and the calls reached an agent or a result.
    expect(byContact.size).toBe(60);
  }, 240_000);
});
