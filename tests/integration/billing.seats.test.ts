import { afterAll, describe, expect, it } from "vitest";
import { createAgent, getAgent, updateAgent } from "~/modules/agents/agents.server";
import { FieldConflict } from "~/modules/bureau/errors";
import { closeTenantPeriod } from "~/modules/billing/close.server";
import { dayStart } from "~/modules/billing/days";
import { loadInvoiceView } from "~/modules/billing/invoices.server";
import { meterPending } from "~/modules/billing/metering.server";
import { billingPeriod } from "~/modules/billing/periods";
import { addPlanVersion } from "~/modules/billing/plans.server";
import { meterRecordings } from "~/modules/billing/recordings.server";
import { meterSeats } from "~/modules/billing/seats.server";
import { instantOfLocal } from "~/modules/ivr/calendar";
import { withBureauScope, withTenant } from "~/modules/tenancy/scope.server";
import { closeFactories, uniq } from "../setup/factories";
import { closeOwner, staffCtx, tenantAudit } from "./bureau.helpers";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

afterAll(async () => {
  await owner.destroy();
  await closeOwner();
  await closeFactories();
});

const TZ = "Asia/Tehran";
const OCTOBER = billingPeriod("gregorian", "2026-10", TZ);
/** A Tehran wall-clock instant in October 2026: (5, "08:00"). */
const oct = (day: number, hhmm: string) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return instantOfLocal(`2026-10-${String(day).padStart(2, "0")}`, h * 60 + m, TZ);
};

const PLAN = {
  currency: "IRR",
  baseFee: "0",
  // Per hour of seat (3,600 metered seconds) and per GB-day of recordings (1,000 metered MB-days).
  pricing: { seat_hours: { unitPrice: "1000000" }, recording_gb_days: { unitPrice: "1000000" } },
  vatRateBp: 1000,
  minuteRounding: { mode: "per_started_minute" },
  effectiveFrom: OCTOBER.start.toISOString(),
};

async function tenantWithPlan() {
  const t = await makeTenant();
  await withTenant(t.id, (trx) => addPlanVersion(trx, t.id, PLAN));
  return t;
}

/** A shift's state changes, as the ACD records them (agent_state_events). */
async function states(agentId: string, changes: [Date, string][]) {
  let previous = "offline";
  for (const [at, state] of changes) {
    await owner.insertInto("agent_state_events").values({ agent_id: agentId, state, previous, at }).execute();
    previous = state;
  }
}

/** Four days of one agent: the shifts every test agent works here. */
const WEEK: [Date, string][] = [
  [oct(5, "08:00"), "available"],
  [oct(5, "17:00"), "offline"],
  // Across midnight: 2 h on the 6th, 2 h on the 7th.
  [oct(6, "22:00"), "available"],
  [oct(7, "02:00"), "offline"],
  // 3 h 15 min logged in, a break and a contact included.
  [oct(8, "09:00"), "available"],
  [oct(8, "09:30"), "busy"],
  [oct(8, "09:40"), "wrap_up"],
  [oct(8, "09:41"), "available"],
  [oct(8, "10:00"), "break"],
  [oct(8, "10:30"), "available"],
  [oct(8, "12:15"), "offline"],
];

const seatRows = (tenantId: string) =>
  owner
    .selectFrom("usage_events")
    .select(["kind", "quantity", "raw_quantity", "idempotency_key", "occurred_at", "interaction_id", "plan_version"])
    .where("tenant_id", "=", tenantId)
    .where("kind", "=", "seat_hours")
    .orderBy("occurred_at")
    .execute();

describe("seat-hours of dedicated agents", () => {
  it("meters a dedicated agent's logged-in time per ended day, bills the others nothing, adds nothing on a re-run, and rates it on the invoice", async () => {
    const t = await tenantWithPlan();
    const q = await makeQueue(t.id);
    const dedicated = await makeAgent([q], { state: "offline" });
    const shared = await makeAgent([q], { state: "offline" });
    // Bought from noon on the 5th: the morning of that day is not the tenant's seat.
    await owner.updateTable("agent_assignments").set({ dedicated: true, dedicated_since: oct(5, "12:00") }).where("tenant_id", "=", t.id).where("agent_id", "=", dedicated.id).execute();
    await owner.insertInto("agent_dedications").values({ tenant_id: t.id, agent_id: dedicated.id, dedicated_from: oct(5, "12:00") }).execute();
    await states(dedicated.id, WEEK);
    await states(shared.id, WEEK);

    // The evening of the 8th: the 5th to the 7th have ended, the 8th has not.
    expect(await meterSeats({ tenantIds: [t.id], now: oct(8, "20:00") })).toEqual({ seats: 1, inserted: 3 });
    const key = (day: string) => `${t.id}:seat:${dedicated.id}:${day}`;
    expect(await seatRows(t.id)).toEqual([
      { kind: "seat_hours", quantity: "18000", raw_quantity: "18000", idempotency_key: key("2026-10-05"), occurred_at: dayStart("2026-10-05", TZ), interaction_id: null, plan_version: 1 },
      { kind: "seat_hours", quantity: "7200", raw_quantity: "7200", idempotency_key: key("2026-10-06"), occurred_at: dayStart("2026-10-06", TZ), interaction_id: null, plan_version: 1 },
      { kind: "seat_hours", quantity: "7200", raw_quantity: "7200", idempotency_key: key("2026-10-07"), occurred_at: dayStart("2026-10-07", TZ), interaction_id: null, plan_version: 1 },
    ]);
    // The same evening again: nothing is due.
    expect(await meterSeats({ tenantIds: [t.id], now: oct(8, "21:00") })).toEqual({ seats: 0, inserted: 0 });
    // After midnight the 8th is metered, once.
    expect(await meterSeats({ tenantIds: [t.id], now: oct(9, "00:10") })).toEqual({ seats: 1, inserted: 1 });
    // A crash between the insert and the watermark: the days are metered again and the keys keep one each.
    await owner.updateTable("agent_dedications").set({ metered_until: null }).where("tenant_id", "=", t.id).execute();
    expect(await meterSeats({ tenantIds: [t.id], now: oct(9, "00:20") })).toEqual({ seats: 1, inserted: 0 });
    const rows = await seatRows(t.id);
    expect(rows.map((r) => Number(r.quantity))).toEqual([18_000, 7_200, 7_200, 11_700]);
    // The agent who is not dedicated bills nobody anything.
    expect(rows.filter((r) => r.idempotency_key.includes(shared.id))).toEqual([]);

    // 44,100 s = 12.25 h x 1,000,000 rial = 12,250,000; VAT 10%.
    const draft = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: false, now: OCTOBER.end });
    const view = (await withBureauScope((trx) => loadInvoiceView(trx, t.id, draft.invoiceId!)))!;
    const line = view.lines.find((l) => l.kind === "seat_hours")!;
    expect(line).toMatchObject({ quantity: 44_100, unitPrice: 1_000_000n, unitQuantity: 3600, amount: 12_250_000n });
    expect(view.usageAmount).toBe(12_250_000n);
    expect(view.total).toBe(13_475_000n);
  });

  it("ends the span when the dedication ends: that day bills up to the end and no day after it", async () => {
    const t = await tenantWithPlan();
    const q = await makeQueue(t.id);
    const agent = await makeAgent([q], { state: "offline" });
    await owner.insertInto("agent_dedications").values({ tenant_id: t.id, agent_id: agent.id, dedicated_from: oct(1, "00:00"), dedicated_until: oct(5, "15:00") }).execute();
    await states(agent.id, WEEK);
    expect(await meterSeats({ tenantIds: [t.id], now: oct(20, "09:00") })).toEqual({ seats: 1, inserted: 1 });
    expect((await seatRows(t.id)).map((r) => [r.idempotency_key.slice(-10), r.quantity])).toEqual([["2026-10-05", "25200"]]);
    // Fully metered: it is no longer looked at.
    expect(await meterSeats({ tenantIds: [t.id], now: oct(25, "09:00") })).toEqual({ seats: 0, inserted: 0 });
    const spans = await owner.selectFrom("agent_dedications").select(["dedicated_until", "metered_until"]).where("tenant_id", "=", t.id).execute();
    expect(spans).toEqual([{ dedicated_until: oct(5, "15:00"), metered_until: dayStart("2026-10-06", TZ) }]);

    // A span that lasted no time bills nothing and is done at once.
    const other = await makeAgent([q], { state: "offline" });
    await owner.insertInto("agent_dedications").values({ tenant_id: t.id, agent_id: other.id, dedicated_from: oct(12, "10:00"), dedicated_until: oct(12, "10:00") }).execute();
    await states(other.id, WEEK);
    expect(await meterSeats({ tenantIds: [t.id], now: oct(25, "09:00") })).toEqual({ seats: 0, inserted: 0 });
    const empty = await owner.selectFrom("agent_dedications").select("metered_until").where("agent_id", "=", other.id).executeTakeFirstOrThrow();
    expect(empty.metered_until).toEqual(oct(12, "10:00"));
  });
});

describe("dedicating an agent on the agent page", () => {
  const base = { languages: ["fa" as const], skills: [], endpoint: null, autoAnswer: false, proficiency: {} };

  it("sets dedicated per assignment, audited, one tenant at a time, and keeps every span", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const t1 = await makeTenant();
    const t2 = await makeTenant();
    const code = `S${uniq().toUpperCase()}`;
    const agent = await createAgent(admin, { name: "Seat", email: `seat-${uniq()}@hamkal.test`, password: "seat-password-1", locale: "fa", employeeCode: code, languages: ["fa"], skills: [] });
    await updateAgent(admin, agent.id, {
      ...base,
      assignments: [
        { tenantId: t1.id, assigned: true, priority: 1, skills: [], dedicated: true },
        { tenantId: t2.id, assigned: true, priority: 1, skills: [] },
      ],
    });
    let loaded = (await getAgent(admin, agent.id))!;
    const a1 = loaded.assignments.find((a) => a.tenantId === t1.id)!;
    expect(a1.dedicated).toBe(true);
    expect(a1.dedicatedSince).toBeInstanceOf(Date);
    expect(loaded.assignments.find((a) => a.tenantId === t2.id)).toMatchObject({ dedicated: false, dedicatedSince: null });
    expect((await tenantAudit(t1.id)).map((a) => [a.action, (a.data as { dedicated?: unknown }).dedicated])).toEqual([["agent.assigned", true]]);

    // Two tenants at once: refused with the field named, nothing written.
    const both = updateAgent(admin, agent.id, {
      ...base,
      assignments: [
        { tenantId: t1.id, assigned: true, priority: 1, skills: [], dedicated: true },
        { tenantId: t2.id, assigned: true, priority: 1, skills: [], dedicated: true },
      ],
    });
    await expect(both).rejects.toEqual(new FieldConflict("assignments[1].dedicated", "validation:dedicatedOnce"));

    // Moved to the other tenant in one save: one span ends where the next begins.
    await updateAgent(admin, agent.id, {
      ...base,
      assignments: [
        { tenantId: t1.id, assigned: true, priority: 1, skills: [], dedicated: false },
        { tenantId: t2.id, assigned: true, priority: 1, skills: [], dedicated: true },
      ],
    });
    loaded = (await getAgent(admin, agent.id))!;
    expect(loaded.assignments.map((a) => [a.tenantId === t1.id ? "t1" : "t2", a.dedicated]).sort()).toEqual([
      ["t1", false],
      ["t2", true],
    ]);
    const spans = await owner.selectFrom("agent_dedications").selectAll().where("agent_id", "=", agent.id).orderBy("dedicated_from").execute();
    expect(spans.map((s) => [s.tenant_id === t1.id ? "t1" : "t2", s.dedicated_until === null])).toEqual([
      ["t1", false],
      ["t2", true],
    ]);
    expect(spans[0]!.dedicated_until).toEqual(spans[1]!.dedicated_from);
    expect(spans[1]!.created_by).toBe(admin.userId);
    expect((await tenantAudit(t2.id)).map((a) => [a.action, (a.data as { dedicated?: unknown }).dedicated])).toEqual([
      ["agent.assigned", undefined],
      ["agent.assignment.updated", { from: false, to: true }],
    ]);

    // Unassigned while dedicated: the span is closed, the record kept.
    await updateAgent(admin, agent.id, { ...base, assignments: [{ tenantId: t1.id, assigned: true, priority: 1, skills: [] }] });
    const open = await owner.selectFrom("agent_dedications").select("tenant_id").where("agent_id", "=", agent.id).where("dedicated_until", "is", null).execute();
    expect(open).toEqual([]);
    expect(await owner.selectFrom("agent_dedications").select("tenant_id").where("agent_id", "=", agent.id).execute()).toHaveLength(2);
    // The database holds to it too: a second dedicated assignment of the same agent is refused.
    await owner.updateTable("agent_assignments").set({ dedicated: true, dedicated_since: new Date() }).where("agent_id", "=", agent.id).where("tenant_id", "=", t1.id).execute();
    await owner.insertInto("agent_assignments").values({ tenant_id: t2.id, agent_id: agent.id }).execute();
    await expect(
      owner.updateTable("agent_assignments").set({ dedicated: true, dedicated_since: new Date() }).where("agent_id", "=", agent.id).where("tenant_id", "=", t2.id).execute(),
    ).rejects.toThrow(/agent_assignments_dedicated_key/);
  });
});

describe("recording storage", () => {
  /** A voice call that took a voicemail: the ivr.step calls.server.ts appends for the recording. */
  async function voicemailCall(tenantId: string, recordedAt: Date, url: string, seconds: number) {
    const s = (sec: number) => new Date(recordedAt.getTime() + sec * 1000);
    const events = [
      { type: "call.started", at: s(-seconds - 20), data: { provider: "twilio" } },
      { type: "ivr.step", at: recordedAt, data: { input: { type: "recordingFinished", url, seconds }, ivrStatus: "ended", actions: [] } },
      { type: "call.ended", at: s(2), data: { providerStatus: "completed", durationSeconds: seconds + 22 } },
    ];
    const row = await owner
      .insertInto("interactions")
      .values({ tenant_id: tenantId, direction: "inbound", state: "completed", provider: "twilio", started_at: s(-seconds - 20), ended_at: s(2), event_seq: events.length })
      .returning("id")
      .executeTakeFirstOrThrow();
    await owner
      .insertInto("interaction_events")
      .values(events.map((e, i) => ({ tenant_id: tenantId, interaction_id: row.id, seq: i + 1, type: e.type, at: e.at, data: JSON.stringify(e.data) })))
      .execute();
    return row.id;
  }

  it("meters each recording per ended day within the tenant's retention, extends it day by day, and stops after it", async () => {
    const t = await tenantWithPlan();
    await owner.updateTable("tenants").set({ recording_retention_days: 3 }).where("id", "=", t.id).execute();
    // 90 s of 8 kHz 16-bit mono: 1,440,044 bytes -> 2 MB-days a day.
    const call = await voicemailCall(t.id, oct(10, "23:00"), "https://api.twilio.example/Recordings/RE1", 90);
    // The simulator's voicemail: no file, no storage.
    const silent = await voicemailCall(t.id, oct(10, "23:00"), "", 0);
    await meterPending({ tenantIds: [t.id] });
    const marks = await owner.selectFrom("interactions").select(["id", "recording_due_at"]).where("tenant_id", "=", t.id).execute();
    expect(marks.find((m) => m.id === call)!.recording_due_at).toEqual(oct(10, "23:00"));
    expect(marks.find((m) => m.id === silent)!.recording_due_at).toBeNull();

    const rows = () =>
      owner
        .selectFrom("usage_events")
        .select(["idempotency_key", "quantity", "raw_quantity", "occurred_at", "interaction_id", "source_seq"])
        .where("tenant_id", "=", t.id)
        .where("kind", "=", "recording_gb_days")
        .orderBy("occurred_at")
        .execute();
    // The day it was recorded has not ended yet.
    expect(await meterRecordings({ tenantIds: [t.id], now: oct(10, "23:30") })).toEqual({ interactions: 1, inserted: 0 });
    expect(await meterRecordings({ tenantIds: [t.id], now: oct(11, "10:00") })).toEqual({ interactions: 1, inserted: 1 });
    expect(await rows()).toEqual([
      { idempotency_key: `${t.id}:${call}:rec:2:2026-10-10`, quantity: "2", raw_quantity: "1440044", occurred_at: dayStart("2026-10-10", TZ), interaction_id: call, source_seq: 2 },
    ]);
    // Not due again until the 11th has ended.
    expect(await meterRecordings({ tenantIds: [t.id], now: oct(11, "23:59") })).toEqual({ interactions: 0, inserted: 0 });
    expect(await meterRecordings({ tenantIds: [t.id], now: oct(12, "00:05") })).toEqual({ interactions: 1, inserted: 1 });
    // A late run covers every day it missed, up to the retention's last day (the 12th), and finishes.
    expect(await meterRecordings({ tenantIds: [t.id], now: oct(20, "09:00") })).toEqual({ interactions: 1, inserted: 1 });
    expect(await meterRecordings({ tenantIds: [t.id], now: oct(30, "09:00") })).toEqual({ interactions: 0, inserted: 0 });
    expect((await rows()).map((r) => r.idempotency_key.slice(-10))).toEqual(["2026-10-10", "2026-10-11", "2026-10-12"]);
    expect((await rows()).every((r) => r.idempotency_key.length <= 100)).toBe(true);

    // New events on the interaction (a replayed status callback): metered again from the start, nothing twice.
    await owner.insertInto("interaction_events").values({ tenant_id: t.id, interaction_id: call, seq: 4, type: "call.ended", at: oct(10, "23:01"), data: JSON.stringify({ providerStatus: "completed" }) }).execute();
    await owner.updateTable("interactions").set({ event_seq: 4 }).where("id", "=", call).execute();
    await meterPending({ tenantIds: [t.id] });
    expect(await meterRecordings({ tenantIds: [t.id], now: oct(30, "09:00") })).toEqual({ interactions: 1, inserted: 0 });
    expect(await rows()).toHaveLength(3);

    // 6 MB-days at 1,000,000 rial a GB-day = 6,000 rial.
    const draft = await closeTenantPeriod(t.id, "gregorian", "2026-10", { finalize: false, now: OCTOBER.end });
    const view = (await withBureauScope((trx) => loadInvoiceView(trx, t.id, draft.invoiceId!)))!;
    expect(view.lines.find((l) => l.kind === "recording_gb_days")).toMatchObject({ quantity: 6, unitQuantity: 1000, amount: 6_000n });
  });
});
