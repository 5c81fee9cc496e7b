import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyStep, CallError, endCall, findCallByProviderId, findCallOwner, getCall, listCalls, resolveNumber, startCall } from "~/modules/interactions/calls.server";
import type { BusinessCalendar } from "~/modules/ivr/calendar";
import { operatorFlow, OPERATOR_QUEUE_IDS } from "~/modules/ivr/examples";
import { assignFlowToNumber, createFlow, publish, saveDraft } from "~/modules/ivr/flows.server";
import type { Flow } from "~/modules/ivr/model";
import { withTenant } from "~/modules/tenancy/scope.server";
import { tenantBusinessCalendar } from "~/modules/tenancy/calendar.server";
import { closeFactories, makeTenant, makeUser, uniq } from "../setup/factories";
import { closeOwner, ownerConn } from "./bureau.helpers";

afterAll(async () => {
  await closeFactories();
  await closeOwner();
});

const ctx = { tenantLanguages: ["fa" as const, "en" as const], queueIds: [...OPERATOR_QUEUE_IDS] };
// Open around the clock, so the operator flow takes its daytime branch whenever the test runs.
const alwaysOpen: BusinessCalendar = {
  timeZone: "Asia/Tehran",
  hours: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: "00:00", closes: "24:00" })),
  specialHours: [],
  holidays: [],
};
const env = { calendar: alwaysOpen };
const small: Flow = {
  start: "hi",
  nodes: [
    { id: "hi", type: "play", prompt: { text: { fa: "سلام", en: "Hello" } }, next: "bye" },
    { id: "bye", type: "hangup" },
  ],
};

let tenant: { id: string };
let actor: { userId: string; label: string };
let flowId: string;
let numberId: string;
let e164: string;

const randomNumber = () => `+98217${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

beforeAll(async () => {
  tenant = await makeTenant();
  // The operator flow's queues, so its calls really wait in the ACD.
  await ownerConn()
    .insertInto("queues")
    .values(OPERATOR_QUEUE_IDS.map((key) => ({ tenant_id: tenant.id, key, name: key })))
    .execute();
  const user = await makeUser({ memberOf: [{ tenantId: tenant.id, role: "client_admin" }] });
  actor = { userId: user.id, label: user.name };
  flowId = (await createFlow(tenant.id, "Operator", actor)).id;
  await saveDraft(tenant.id, flowId, operatorFlow, ctx, actor);
  await publish(tenant.id, flowId, actor);
  e164 = randomNumber();
  numberId = (await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164 }).returning("id").executeTakeFirstOrThrow()).id;
  await assignFlowToNumber(tenant.id, numberId, flowId, actor);
});

async function newCall(opts: { providerCallId?: string } = {}) {
  const { call } = await startCall({ tenantId: tenant.id, provider: "simulator", providerCallId: opts.providerCallId ?? null, from: "+989121234567", to: e164, numberId });
  return call;
}

const eventCount = async (id: string) => (await getCall(tenant.id, id))!.events.length;

describe("calls", () => {
  it("resolves a dialled number to its tenant and flow, and nothing else", async () => {
    expect(await resolveNumber(e164)).toEqual({ tenantId: tenant.id, numberId, flowId });
    expect(await resolveNumber(` ${e164} `)).toEqual({ tenantId: tenant.id, numberId, flowId });
    expect(await resolveNumber("+982100000001")).toBeNull();
    expect(await resolveNumber("not a number")).toBeNull();
    const suspended = await makeTenant();
    const n = randomNumber();
    await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: suspended.id, e164: n }).execute();
    expect(await resolveNumber(n)).toMatchObject({ tenantId: suspended.id, flowId: null });
    await ownerConn().updateTable("tenants").set({ status: "suspended" }).where("id", "=", suspended.id).execute();
    expect(await resolveNumber(n)).toBeNull();
  });

  it("refuses to start a call without a published flow", async () => {
    const other = await makeTenant();
    await expect(startCall({ tenantId: other.id, provider: "simulator" })).rejects.toMatchObject({ key: "noFlow" });
    const draftOnly = await createFlow(tenant.id, `Draft ${uniq()}`, actor);
    await saveDraft(tenant.id, draftOnly.id, small, ctx, actor);
    const err = await startCall({ tenantId: tenant.id, provider: "simulator", flowId: draftOnly.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect((err as CallError).key).toBe("notPublished");
  });

  it("runs the operator flow: start, language, menu digit 2 into the support queue, with idempotent steps", async () => {
    const call = await newCall();
    expect(call).toMatchObject({ state: "ivr", flowId, flowVersion: 1, language: "fa", provider: "simulator" });

    const started = await applyStep(tenant.id, call.id, { type: "start", caller: "+989121234567", language: "fa" }, env, "s1");
    expect(started.duplicate).toBe(false);
    expect(started.actions.map((a) => a.type)).toEqual(["say", "say", "gather"]);
    expect(started.state.nodeId).toBe("lang");

    const fa = await applyStep(tenant.id, call.id, { type: "digits", digits: "1" }, env, "s2");
    expect(fa.state.nodeId).toBe("main");
    expect(fa.actions[0]).toEqual({ type: "setLanguage", language: "fa" });
    expect(fa.actions).toContainEqual(expect.objectContaining({ type: "say", text: expect.stringContaining("پشتیبانی فنی") }));
    expect(fa.actions.at(-1)).toMatchObject({ type: "gather", maxDigits: 1 });

    const queued = await applyStep(tenant.id, call.id, { type: "digits", digits: "2" }, env, "s3");
    expect(queued.actions).toEqual([expect.objectContaining({ type: "enqueue", queueId: "support" })]);
    expect(queued.interactionState).toBe("queued");

    // The same webhook again: the same answer, nothing appended, nothing changed.
    const before = await eventCount(call.id);
    const again = await applyStep(tenant.id, call.id, { type: "digits", digits: "2" }, env, "s3");
    expect(again).toMatchObject({ duplicate: true, interactionState: "queued" });
    expect(again.actions).toEqual(queued.actions);
    expect(await eventCount(call.id)).toBe(before);
    const replayStart = await applyStep(tenant.id, call.id, { type: "digits", digits: "9" }, env, "s1");
    expect(replayStart.actions).toEqual(started.actions);
    // Answered as it was then (a running menu), not as the call stands now (queued).
    expect(replayStart).toMatchObject({ duplicate: true, status: "running", language: "fa", interactionState: "queued" });

    const stored = (await getCall(tenant.id, call.id))!;
    expect(stored.state).toBe("queued");
    expect(stored.ivrPath).toEqual(["hours", "welcome", "lang", "main", "support-q"]);
    expect(stored.events.map((e) => e.type)).toEqual(["call.started", "ivr.step", "ivr.step", "ivr.step", "state.changed", "routing.queued"]);
    expect(stored.events[1]!.data).toMatchObject({ path: ["hours", "welcome", "lang"], input: { type: "start" } });
    expect(stored.events[4]!.data).toEqual({ from: "ivr", to: "queued", cause: "ivr" });
    expect(stored.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);

    // The caller hangs up while waiting: abandoned, ended; the provider's status callback then changes nothing.
    const hung = await applyStep(tenant.id, call.id, { type: "callerHangup" }, env, "s4");
    expect(hung.interactionState).toBe("abandoned");
    const ended = (await getCall(tenant.id, call.id))!;
    expect(ended.endedAt).toBeInstanceOf(Date);
    // The provider's report of the end still counts once: its duration is what billing reads.
    expect(await endCall(tenant.id, call.id, "completed", { durationSeconds: 31 })).toEqual({ state: "abandoned", duplicate: false });
    expect(await endCall(tenant.id, call.id, "completed", { durationSeconds: 31 })).toEqual({ state: "abandoned", duplicate: true });
    const reported = (await getCall(tenant.id, call.id))!;
    expect(reported.events.slice(ended.events.length)).toEqual([
      expect.objectContaining({ type: "call.ended", data: { providerStatus: "completed", durationSeconds: 31, state: "abandoned" } }),
    ]);
    expect(reported.endedAt).toEqual(ended.endedAt);
  });

  it("keeps the version a call started on after a new publish", async () => {
    const running = await newCall();
    await saveDraft(tenant.id, flowId, small, ctx, actor);
    await publish(tenant.id, flowId, actor);
    try {
      const old = await applyStep(tenant.id, running.id, { type: "start" }, env, null);
      expect(old.state.nodeId).toBe("lang");
      expect(old.state.flowVersionId).toBe(`${flowId}@1`);
      const fresh = await newCall();
      expect(fresh.flowVersion).toBe(2);
      const next = await applyStep(tenant.id, fresh.id, { type: "start" }, env, null);
      expect(next.actions.map((a) => a.type)).toEqual(["say", "hangup"]);
      expect(next.interactionState).toBe("completed");
      expect((await getCall(tenant.id, fresh.id))!.endedAt).toBeInstanceOf(Date);
    } finally {
      await saveDraft(tenant.id, flowId, operatorFlow, ctx, actor);
      await publish(tenant.id, flowId, actor);
    }
  });

  it("ends a call on the provider's status idempotently, and finds it by the provider's call id", async () => {
    const sid = `CA${uniq()}${uniq()}`;
    const call = await newCall({ providerCallId: sid });
    const repeat = await startCall({ tenantId: tenant.id, provider: "simulator", providerCallId: sid, numberId });
    expect(repeat).toMatchObject({ duplicate: true, call: { id: call.id } });
    expect((await findCallByProviderId(tenant.id, "simulator", sid))?.id).toBe(call.id);
    await applyStep(tenant.id, call.id, { type: "start" }, env, `${sid}:0`);
    expect(await endCall(tenant.id, call.id, "completed")).toEqual({ state: "completed", duplicate: false });
    expect(await endCall(tenant.id, call.id, "completed")).toEqual({ state: "completed", duplicate: true });
    const stored = (await getCall(tenant.id, call.id))!;
    expect(stored.ivr).toMatchObject({ status: "ended", callerHungUp: true });
    expect(stored.events.map((e) => e.type).slice(-2)).toEqual(["call.ended", "state.changed"]);
    // Later input on an ended call changes nothing but is recorded.
    const late = await applyStep(tenant.id, call.id, { type: "digits", digits: "1" }, env, null);
    expect(late).toMatchObject({ actions: [], interactionState: "completed" });

    const busy = await newCall();
    expect(await endCall(tenant.id, busy.id, "busy")).toEqual({ state: "failed", duplicate: false });
  });

  it("finds the owner of a provider call id across tenants, ids only, also once the tenant is suspended", async () => {
    const other = await makeTenant();
    const otherFlow = (await createFlow(other.id, "Small", actor)).id;
    await saveDraft(other.id, otherFlow, small, ctx, actor);
    await publish(other.id, otherFlow, actor);
    const sid = `CA${uniq()}${uniq()}`;
    const { call } = await startCall({ tenantId: other.id, provider: "twilio", providerCallId: sid, flowId: otherFlow });
    await ownerConn().updateTable("tenants").set({ status: "suspended" }).where("id", "=", other.id).execute();
    expect(await findCallOwner("twilio", sid)).toEqual({ tenantId: other.id, interactionId: call.id });
    expect(await findCallOwner("simulator", sid)).toBeNull();
    expect(await findCallOwner("twilio", `CA${uniq()}`)).toBeNull();
  });

  it("lists recent calls with their IVR path and hides them from other tenants", async () => {
    const call = await newCall();
    await applyStep(tenant.id, call.id, { type: "start" }, env, null);
    const list = await listCalls(tenant.id, { limit: 3 });
    expect(list).toHaveLength(3);
    expect(list.find((c) => c.id === call.id)?.ivrPath).toEqual(["hours", "welcome", "lang"]);
    const other = await makeTenant();
    expect(await getCall(other.id, call.id)).toBeNull();
    expect(await listCalls(other.id)).toEqual([]);
    await expect(applyStep(other.id, call.id, { type: "digits", digits: "1" }, env, null)).rejects.toMatchObject({ key: "notFound" });
    await expect(endCall(other.id, call.id, "completed")).rejects.toMatchObject({ key: "notFound" });
  });

  it("keeps interaction events append-only for the application role", async () => {
    const call = await newCall();
    await expect(
      withTenant(tenant.id, (trx) => trx.updateTable("interaction_events").set({ type: "x" }).where("tenant_id", "=", tenant.id).where("interaction_id", "=", call.id).execute()),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withTenant(tenant.id, (trx) => trx.deleteFrom("interaction_events").where("tenant_id", "=", tenant.id).where("interaction_id", "=", call.id).execute()),
    ).rejects.toThrow(/permission denied/);
    expect(await eventCount(call.id)).toBe(1);
  });

  it("reads the tenant's business calendar for the interpreter", async () => {
    await ownerConn().insertInto("tenant_business_hours").values({ tenant_id: tenant.id, weekday: 6, opens_at: "08:00", closes_at: "20:00" }).execute();
    await ownerConn().insertInto("tenant_holidays").values({ tenant_id: tenant.id, day: "2027-03-21", name: "Nowruz" }).execute();
    expect(await tenantBusinessCalendar(tenant.id)).toEqual({
      timeZone: "Asia/Tehran",
      hours: [{ weekday: 6, opens: "08:00", closes: "20:00" }],
      specialHours: [],
      holidays: [{ day: "2027-03-21", name: "Nowruz" }],
    });
  });
});
