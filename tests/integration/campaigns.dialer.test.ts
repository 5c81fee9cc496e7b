import { afterAll, describe, expect, it } from "vitest";
import { getCampaign } from "~/modules/campaigns/campaigns.server";
import { dialerTick } from "~/modules/campaigns/dialer.server";
import { addDncEntries } from "~/modules/campaigns/dnc.server";
import { meterInteraction } from "~/modules/billing/metering";
import { acceptOffer, changeAgentState } from "~/modules/routing/acd.server";
import { endContact, finishWrapUp } from "~/modules/routing/contact.server";
import { connectAccepted } from "~/modules/telephony/call-control.server";
import { closeFactories } from "../setup/factories";
import { agentStateOf, attemptsOf, contactsOf, dncCount, eventsOf, later, makeCampaignFixture, mobiles, owner, simulate, type CampaignFixture } from "./campaigns.helpers";

afterAll(async () => {
  await closeFactories();
});

const tick = (f: CampaignFixture, now = new Date()) => dialerTick({ now, tenantIds: [f.tenant.id], inline: true, provider: "simulator" });

/** What an agent on the desktop does: take the offer, talk, end, and wrap up with `code`. */
async function agentServes(f: CampaignFixture, agentId: string, code: string, talkMs = 0) {
  const st = await agentStateOf(agentId);
  if (st.state === "offered" && st.contact_id) {
    const accepted = await acceptOffer(agentId, st.contact_id);
    await connectAccepted(accepted, agentId);
  }
  if (talkMs) await new Promise((r) => setTimeout(r, talkMs));
  await endContact(agentId);
  await finishWrapUp(agentId, { userId: agentId, label: "agent" }, { dispositionId: f.dispositions[code]!, notes: "" });
}

describe("the dialer, against the simulator", () => {
  it("dials a progressive campaign, routes the answered call to the agent with the campaign, and completes on the disposition", async () => {
    const f = await makeCampaignFixture({ agents: 1, numbers: mobiles(1), input: { simulation: simulate({ human: 1 }) } });
    const first = await tick(f);
    expect(first.dialed).toBe(1);
    const [attempt] = await attemptsOf(f.campaign.id);
    expect(attempt).toMatchObject({ state: "ringing", attempt_no: 1, provider: "simulator", mode: "progressive" });
    // Ring time 0: the next tick plays the answer, the call joins the queue and is offered to the free agent.
    const second = await tick(f);
    expect(second.answered).toBe(1);
    const offered = await agentStateOf(f.agents[0]!.id);
    expect(offered.state).toBe("offered");
    const rc = await owner.selectFrom("routing_contacts").select(["kind", "status"]).where("id", "=", offered.contact_id!).executeTakeFirstOrThrow();
    expect(rc).toEqual({ kind: "campaign", status: "offered" });
    // Nothing more is dialed while the only agent has the call.
    expect((await tick(f)).dialed).toBe(0);
    await agentServes(f, f.agents[0]!.id, "sold", 1100);
    const done = await tick(f);
    expect(done.finalized).toBe(1);
    const [after] = await attemptsOf(f.campaign.id);
    expect(after).toMatchObject({ state: "completed", outcome: "connected", disposition_code: "sold" });
    expect(after!.ended_at).not.toBeNull();
    const [contact] = await contactsOf(f.campaign.id);
    expect(contact).toMatchObject({ status: "completed", attempts: 1, last_outcome: "connected", last_disposition: "sold", converted: true, done_reason: "completed" });

    // Every attempt is an interaction with its outcome; outbound minutes meter from its events.
    const events = await eventsOf(f.tenant.id, after!.interaction_id!);
    const types = events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["campaign.dialing", "call.placed", "campaign.answered", "routing.queued", "routing.connected", "contact.ended", "contact.disposed", "call.ended"]));
    expect(types.filter((t) => t === "call.placed")).toHaveLength(1);
    expect(types).not.toContain("call.started");
    const interaction = await owner.selectFrom("interactions").select(["direction", "state", "channel"]).where("id", "=", after!.interaction_id!).executeTakeFirstOrThrow();
    expect(interaction).toEqual({ direction: "outbound", state: "completed", channel: "voice" });
    const usage = meterInteraction(
      { tenantId: f.tenant.id, interactionId: after!.interaction_id!, channel: "voice", direction: "outbound", events: events.map((e) => ({ ...e, data: e.data as Record<string, unknown> })) },
      { minuteRounding: { mode: "per_second" }, wrapUp: { mode: "none" } },
    );
    expect(usage.map((u) => u.kind)).toEqual(["outbound_minutes"]);
  });

  it("retries by outcome: busy after its delay, then gives up at the outcome's limit", async () => {
    const f = await makeCampaignFixture({
      agents: 1,
      numbers: mobiles(1),
      input: { simulation: simulate({ busy: 1 }) },
      retryRules: { maxAttempts: 5, outcomes: { busy: { delaysMinutes: [10, 30], maxAttempts: 2 } } as never },
    });
    const t0 = new Date();
    await tick(f, t0);
    await tick(f, later(1, t0));
    let [contact] = await contactsOf(f.campaign.id);
    expect(contact).toMatchObject({ status: "pending", attempts: 1, last_outcome: "busy" });
    expect(contact!.next_attempt_at.getTime()).toBeGreaterThanOrEqual(t0.getTime() + 10 * 60_000);
    // Not due yet: nothing is dialed a minute later.
    expect((await tick(f, later(60, t0))).dialed).toBe(0);
    // Due after ten minutes: the second attempt, busy again, is the outcome's last.
    const t1 = later(11 * 60, t0);
    expect((await tick(f, t1)).dialed).toBe(1);
    await tick(f, later(1, t1));
    [contact] = await contactsOf(f.campaign.id);
    expect(contact).toMatchObject({ status: "failed", attempts: 2, done_reason: "outcomeLimit" });
    const attempts = await attemptsOf(f.campaign.id);
    expect(attempts.map((a) => [a.attempt_no, a.state, a.outcome])).toEqual([
      [1, "busy", "busy"],
      [2, "busy", "busy"],
    ]);
    const interactions = await owner.selectFrom("interactions").select(["state"]).where("id", "in", attempts.map((a) => a.interaction_id!)).execute();
    expect(interactions.map((i) => i.state)).toEqual(["failed", "failed"]);
  });

  it("retries a no-answer and a voicemail with their own delays", async () => {
    const f = await makeCampaignFixture({ agents: 1, numbers: mobiles(1), input: { simulation: simulate({ noAnswer: 1 }) } });
    const t0 = new Date();
    await tick(f, t0);
    await tick(f, later(1, t0));
    const [contact] = await contactsOf(f.campaign.id);
    expect(contact).toMatchObject({ status: "pending", last_outcome: "noAnswer" });
    // The default no-answer rule waits an hour.
    expect(Math.round((contact!.next_attempt_at.getTime() - later(1, t0).getTime()) / 60_000)).toBe(60);
  });

  it("checks DNC at dial time: a number added after the import is not dialed", async () => {
    const numbers = mobiles(3);
    const f = await makeCampaignFixture({ agents: 3, numbers, input: { simulation: simulate({ noAnswer: 1 }) } });
    await addDncEntries({ kind: "tenant", tenantId: f.tenant.id }, [{ kind: "number", value: numbers[1]!, valueTo: null, note: "asked", expiresAt: null }], "manual", { userId: null, label: "test" });
    // The bureau-wide list applies too.
    await owner.insertInto("bureau_dnc_entries").values({ kind: "number", value: numbers[2]!, source: "manual" }).onConflict((oc) => oc.doNothing()).execute();
    const r = await tick(f);
    expect(r.dialed).toBe(1);
    expect(r.blockedDnc).toBe(2);
    const contacts = await contactsOf(f.campaign.id);
    const byNumber = Object.fromEntries(contacts.map((c) => [c.e164, c.status]));
    expect(byNumber[numbers[0]!]).toBe("in_progress");
    expect(byNumber[numbers[1]!]).toBe("dnc");
    expect(byNumber[numbers[2]!]).toBe("dnc");
    const attempts = await attemptsOf(f.campaign.id);
    expect(attempts.map((a) => a.contact_id)).toEqual([contacts.find((c) => c.e164 === numbers[0])!.id]);
    await owner.deleteFrom("bureau_dnc_entries").where("value", "=", numbers[2]!).execute();
  });

  it("counts an answered call with no agent free as abandoned, plays the message and holds the contact for 72 h", async () => {
    const f = await makeCampaignFixture({ agents: 1, numbers: mobiles(1), input: { simulation: simulate({ human: 1, ringSecondsMin: 1, ringSecondsMax: 1 }) } });
    const t0 = new Date();
    expect((await tick(f, t0)).dialed).toBe(1);
    // The agent leaves while the phone rings.
    await changeAgentState(f.agents[0]!.id, { type: "goBreak", reason: "rest" }, null);
    expect((await tick(f, later(1.2, t0))).answered).toBe(1);
    expect((await tick(f, later(1.5, t0))).abandoned).toBe(0);
    const t = later(4, new Date());
    expect((await tick(f, t)).abandoned).toBe(1);
    const [attempt] = await attemptsOf(f.campaign.id);
    expect(attempt).toMatchObject({ state: "abandoned", outcome: "abandoned" });
    const events = await eventsOf(f.tenant.id, attempt!.interaction_id!);
    const abandoned = events.find((e) => e.type === "campaign.abandoned");
    expect((abandoned?.data as { message: string }).message).toContain(f.tenant.slug);
    expect(events.map((e) => e.type)).toContain("call.ended");
    const rc = await owner.selectFrom("routing_contacts").select("status").where("interaction_id", "=", attempt!.interaction_id!).executeTakeFirstOrThrow();
    expect(rc.status).toBe("abandoned");
    const [contact] = await contactsOf(f.campaign.id);
    expect(contact!.status).toBe("pending");
    expect(contact!.next_attempt_at.getTime()).toBeGreaterThanOrEqual(t.getTime() + 72 * 3_600_000 - 1000);
    // The pacing sees it: an abandon among one answered call is over the cap, so power mode falls back to progressive.
    const camp = await getCampaign(f.tenant.id, f.campaign.id);
    expect(camp?.status).toBe("running");
  });

  it("adds the number to the tenant's DNC list on a disposition marked so, and retries one marked retry", async () => {
    const numbers = mobiles(2);
    const f = await makeCampaignFixture({ agents: 1, numbers, input: { simulation: simulate({ human: 1 }) } });
    const before = await dncCount(f.tenant.id);
    for (const code of ["stop", "later"]) {
      await tick(f);
      await tick(f);
      await agentServes(f, f.agents[0]!.id, code);
      await tick(f);
    }
    const contacts = await contactsOf(f.campaign.id);
    const stopped = contacts.find((c) => c.last_disposition === "stop")!;
    const retried = contacts.find((c) => c.last_disposition === "later")!;
    expect(stopped).toMatchObject({ status: "dnc", done_reason: "dnc" });
    expect(retried.status).toBe("pending");
    expect(Math.round((retried.next_attempt_at.getTime() - Date.now()) / 60_000)).toBeGreaterThanOrEqual(59);
    expect(await dncCount(f.tenant.id)).toBe(before + 1);
    const entry = await owner.selectFrom("dnc_entries").select(["value", "source", "campaign_id"]).where("tenant_id", "=", f.tenant.id).executeTakeFirstOrThrow();
    expect(entry).toEqual({ value: stopped.e164, source: "disposition", campaign_id: f.campaign.id });
  });

  it("waits for the callee's calling window and leaves paused campaigns alone", async () => {
    const f = await makeCampaignFixture({ agents: 1, numbers: mobiles(1), input: { simulation: simulate({ noAnswer: 1 }) } });
    // 03:00 in Tehran is outside the default 09:00-21:00 window.
    await owner
      .updateTable("campaigns")
      .set({ calling_window: JSON.stringify({ timeZone: "Asia/Tehran", ranges: [{ from: "09:00", to: "21:00" }], allowFridays: true, allowHolidays: true, weekdays: {}, dates: {} }) })
      .where("id", "=", f.campaign.id)
      .execute();
    const night = new Date("2030-01-07T23:30:00Z"); // 03:00 Tehran, a Tuesday
    await owner.updateTable("campaign_contacts").set({ next_attempt_at: new Date("2030-01-07T00:00:00Z") }).where("campaign_id", "=", f.campaign.id).execute();
    const r = await tick(f, night);
    expect(r.dialed).toBe(0);
    expect(r.outsideWindow).toBe(1);
    const [contact] = await contactsOf(f.campaign.id);
    expect(contact!.next_attempt_at.toISOString()).toBe("2030-01-08T05:30:00.000Z"); // 09:00 Tehran
    await owner.updateTable("campaigns").set({ status: "paused" }).where("id", "=", f.campaign.id).execute();
    expect((await tick(f, new Date("2030-01-08T06:00:00Z"))).dialed).toBe(0);
  });

  it("places preview calls only when the agent dials", async () => {
    const f = await makeCampaignFixture({ agents: 1, numbers: mobiles(1), input: { dialingMode: "preview", simulation: simulate({ human: 1 }) } });
    expect((await tick(f)).dialed).toBe(1);
    const [reserved] = await attemptsOf(f.campaign.id);
    expect(reserved).toMatchObject({ state: "queued", mode: "preview" });
    expect(reserved!.interaction_id).not.toBeNull();
    const st = await agentStateOf(f.agents[0]!.id);
    expect(st.state).toBe("offered");
    // Nothing rings before the agent presses Dial.
    expect((await eventsOf(f.tenant.id, reserved!.interaction_id!)).map((e) => e.type)).not.toContain("call.placed");
    const accepted = await acceptOffer(f.agents[0]!.id, st.contact_id!);
    await connectAccepted(accepted, f.agents[0]!.id);
    const r = await tick(f);
    expect(r.previewsDialed).toBe(1);
    await tick(f);
    const [answered] = await attemptsOf(f.campaign.id);
    expect(answered).toMatchObject({ state: "answered", mode: "preview" });
    await endContact(f.agents[0]!.id);
    await finishWrapUp(f.agents[0]!.id, { userId: f.agents[0]!.id, label: "agent" }, { dispositionId: f.dispositions.sold!, notes: "" });
    await tick(f);
    const [contact] = await contactsOf(f.campaign.id);
    expect(contact).toMatchObject({ status: "completed", converted: true });
  });
});

describe("tenant isolation", () => {
  it("does not show or dial another tenant's campaign", async () => {
    const a = await makeCampaignFixture({ agents: 1, numbers: mobiles(1), input: { simulation: simulate({ noAnswer: 1 }) } });
    const b = await makeCampaignFixture({ agents: 1, numbers: mobiles(1), input: { simulation: simulate({ noAnswer: 1 }) } });
    expect(await getCampaign(a.tenant.id, b.campaign.id)).toBeNull();
    await dialerTick({ tenantIds: [a.tenant.id], inline: true, provider: "simulator" });
    expect(await attemptsOf(b.campaign.id)).toHaveLength(0);
    expect(await attemptsOf(a.campaign.id)).toHaveLength(1);
  });
});
