import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedHistory } from "../../db/demo-history";
import {
  aggregateContacts,
  emptyAgentTotals,
  kpisFromRecords,
  computeKpis,
  mergeTotals,
  rollupContacts,
  slCountsOfTotals,
  inPeriod,
  type AggregationSpec,
  type ContactRecord,
  type ContactTotals,
} from "~/modules/reports/kpi";
import { agentTime, attemptAt, attemptRecord, localDayOf, visitRecords } from "~/modules/reports/records";
import { ensureThresholds, rebuildRollups, rollupAgentTime, runRollup, thresholdSet } from "~/modules/reports/rollup.server";
import { slCountsByQueue } from "~/modules/routing/sla.server";
import { withBureauScope } from "~/modules/tenancy/scope.server";
import { loadAgentEvents, loadAttempts, loadRaw, totalsOfRow } from "./reports.helpers";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

/**
 * The rollups against the record (issue 7: "rollups equal raw aggregates"): a tenant with 20 days of
 * seeded calls plus hand-made transfers, holds, escalations, callbacks, campaign attempts and agent
 * states, rolled up by the worker's SQL, compared with the pure reference (records.ts ->
 * kpi-totals.ts) interval by interval, agent by agent, day by day and for the month, and with the
 * wallboard's service-level SQL; then changed, rolled incrementally, and compared again.
 */

afterAll(() => owner.destroy());

const NOW = new Date("2026-11-22T09:00:00Z");
const MIN = 60_000;
const TZ = "Asia/Tehran";

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let tenant: Tenant;
let q1: { id: string; tenant_id: string };
let q2: { id: string; tenant_id: string };
let agents: string[];
let customers: string[];
let dispositions: Record<string, string>;
let spec: AggregationSpec;

async function interaction(over: Record<string, unknown> & { started_at: Date }) {
  return owner
    .insertInto("interactions")
    .values({ tenant_id: tenant.id, direction: "inbound", state: "completed", provider: "simulator", ...over } as never)
    .returning("id")
    .executeTakeFirstOrThrow();
}

async function events(interactionId: string, list: { type: string; at: Date; data?: Record<string, unknown> }[]) {
  const { rows } = await sql<{ n: number }>`select coalesce(max(seq), 0)::int as n from interaction_events where tenant_id = ${tenant.id} and interaction_id = ${interactionId}`.execute(owner);
  let seq = rows[0]!.n;
  for (const e of list) {
    seq++;
    await owner.insertInto("interaction_events").values({ tenant_id: tenant.id, interaction_id: interactionId, seq, type: e.type, at: e.at, data: JSON.stringify(e.data ?? {}) }).execute();
  }
  await owner.updateTable("interactions").set({ event_seq: seq }).where("tenant_id", "=", tenant.id).where("id", "=", interactionId).execute();
}

async function visit(interactionId: string, queueId: string, over: Record<string, unknown>) {
  return owner
    .insertInto("routing_contacts")
    .values({ tenant_id: tenant.id, interaction_id: interactionId, queue_id: queueId, priority: 5, sl_threshold_seconds: 20, ...over } as never)
    .returning("id")
    .executeTakeFirstOrThrow();
}

const at = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);

/** Hand-made contacts covering what the seeded history does not: transfers, holds, escalations, callbacks, campaigns. */
async function specialContacts(day: Date) {
  const [a1, a2] = agents as [string, string];
  // A transfer: answered by a1 in q1 after 12 s, held 40 s, transferred to q2 (the wait kept), answered by a2, disposed.
  const t0 = at(day, 0);
  const tr = await interaction({ started_at: t0, customer_id: customers[0], disposition_id: dispositions["r1-solved"], queue_id: q2.id, agent_id: a2 });
  const enq = at(t0, 20);
  await visit(tr.id, q1.id, { status: "completed", enqueued_at: enq, offered_agent_id: a1, connected_at: at(enq, 12), ended_at: at(enq, 200) });
  await visit(tr.id, q2.id, { status: "completed", enqueued_at: enq, offered_agent_id: a2, connected_at: at(enq, 230), ended_at: at(enq, 400) });
  await events(tr.id, [
    { type: "call.started", at: t0 },
    { type: "routing.queued", at: enq },
    { type: "routing.connected", at: at(enq, 12), data: { agentId: a1 } },
    { type: "contact.held", at: at(enq, 50), data: { agentId: a1 } },
    { type: "contact.resumed", at: at(enq, 90), data: { agentId: a1 } },
    { type: "contact.transferred", at: at(enq, 200), data: { fromAgentId: a1, toQueue: "q2" } },
    { type: "routing.connected", at: at(enq, 230), data: { agentId: a2 } },
    { type: "contact.escalated", at: at(enq, 300), data: { agentId: a2 } },
    { type: "contact.escalationReturned", at: at(enq, 330), data: {} },
    { type: "contact.ended", at: at(enq, 400), data: { agentId: a2 } },
    { type: "contact.disposed", at: at(enq, 445), data: { agentId: a2 } },
  ]);
  // The same customer and reason two days later: the first is a repeat's predecessor (FCR fails).
  const t1 = at(day, 2 * 86_400);
  const again = await interaction({ started_at: t1, customer_id: customers[0], disposition_id: dispositions["r1-ticket"], queue_id: q1.id, agent_id: a1 });
  await visit(again.id, q1.id, { status: "completed", enqueued_at: at(t1, 10), offered_agent_id: a1, connected_at: at(t1, 40), ended_at: at(t1, 100) });
  await events(again.id, [
    { type: "routing.connected", at: at(t1, 40), data: { agentId: a1 } },
    { type: "contact.held", at: at(t1, 60), data: { agentId: a1 } },
    // A hold still open when the call ends runs to the end.
    { type: "contact.ended", at: at(t1, 100), data: { agentId: a1 } },
    { type: "contact.disposed", at: at(t1, 130), data: { agentId: a1 } },
  ]);
  // Overflowed into a callback promise; a short abandon; a long abandon; an IVR callback offer (left the queue).
  const ov = await interaction({ started_at: at(day, 3600), customer_id: customers[1], state: "callback" });
  await visit(ov.id, q1.id, { status: "overflowed", enqueued_at: at(day, 3610), ended_at: at(day, 4210) });
  await owner.insertInto("callback_tasks").values({ tenant_id: tenant.id, interaction_id: ov.id, number: "+989120000001", reason: "overflow", queue_id: q1.id }).execute();
  const short = await interaction({ started_at: at(day, 3700), state: "abandoned" });
  await visit(short.id, q2.id, { status: "abandoned", enqueued_at: at(day, 3710), ended_at: at(day, 3718) });
  const long = await interaction({ started_at: at(day, 3800), state: "abandoned" });
  await visit(long.id, q2.id, { status: "abandoned", enqueued_at: at(day, 3810), ended_at: at(day, 3810 + 95) });
  const left = await interaction({ started_at: at(day, 3900), customer_id: customers[2] });
  await visit(left.id, q1.id, { status: "cancelled", enqueued_at: at(day, 3905), ended_at: at(day, 3950) });
  await owner.insertInto("callback_tasks").values({ tenant_id: tenant.id, interaction_id: left.id, number: "+989120000002", reason: "ivr_offer", queue_id: q1.id }).execute();
  // A callback (outbound, kind callback) and a campaign call (outbound, kind campaign) waiting in q1: queue visits too.
  const cb = await interaction({ started_at: at(day, 5000), direction: "outbound", customer_id: customers[1], disposition_id: dispositions["r2-solved"] });
  await visit(cb.id, q1.id, { kind: "callback", status: "completed", enqueued_at: at(day, 5000), offered_agent_id: a2, connected_at: at(day, 5003), ended_at: at(day, 5100) });
  await events(cb.id, [{ type: "contact.ended", at: at(day, 5100), data: { agentId: a2 } }, { type: "contact.disposed", at: at(day, 5120), data: { agentId: a2 } }]);
  const camp = await interaction({ started_at: at(day, 6000), direction: "outbound", channel: "voice" });
  await visit(camp.id, q1.id, { kind: "campaign", status: "abandoned", enqueued_at: at(day, 6005), ended_at: at(day, 6007) });
  // A chat still connected (no end yet): answered, its durations counted once it ends.
  const chat = await interaction({ started_at: at(day, 7000), channel: "chat", state: "connected" });
  await visit(chat.id, q2.id, { status: "connected", enqueued_at: at(day, 7001), offered_agent_id: a1, connected_at: at(day, 7031) });
  return { tr, again, camp };
}

async function campaignFixture(day: Date, interactionId: string) {
  const campaign = await owner
    .insertInto("campaigns")
    .values({ tenant_id: tenant.id, name: "Survey", type: "survey", status: "running", queue_id: q1.id, calling_window: JSON.stringify({}), retry_rules: JSON.stringify({}) })
    .returning("id")
    .executeTakeFirstOrThrow();
  const outcomes = ["connected", "connected", "busy", "noAnswer", "voicemail", "failed", "abandoned", null] as const;
  for (const [i, outcome] of outcomes.entries()) {
    const contact = await owner
      .insertInto("campaign_contacts")
      .values({ tenant_id: tenant.id, campaign_id: campaign.id, e164: `+98912555${String(1000 + i)}` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const dialed = at(day, 8000 + i * 60);
    await owner
      .insertInto("campaign_attempts")
      .values({
        tenant_id: tenant.id,
        campaign_id: campaign.id,
        contact_id: contact.id,
        attempt_no: 1,
        mode: "progressive",
        state: outcome === null ? "ringing" : "completed",
        outcome,
        interaction_id: i === 6 ? interactionId : null,
        dialed_at: dialed,
        answered_at: outcome === "connected" || outcome === "abandoned" ? at(dialed, 10) : null,
        connected_at: outcome === "connected" ? at(dialed, 11) : null,
        disposition_code: outcome === "connected" ? (i === 0 ? "sold" : "later") : null,
      })
      .execute();
  }
  return campaign.id;
}

async function agentStates(day: Date) {
  const [a1, a2] = agents as [string, string];
  const s = (agent: string, state: string, seconds: number, data: Record<string, unknown> = {}) => ({ agent_id: agent, state, at: at(day, seconds), data: JSON.stringify(data) });
  await owner
    .insertInto("agent_state_events")
    .values([
      s(a1, "available", 0),
      s(a1, "offered", 900, { tenantId: tenant.id, contactId: "x" }),
      s(a1, "busy", 905),
      s(a1, "on_hold", 1500),
      s(a1, "busy", 1600),
      s(a1, "wrap_up", 2400),
      s(a1, "available", 2460),
      s(a1, "break", 3000, {}),
      s(a1, "available", 3900),
      s(a1, "offered", 4000, { tenantId: "00000000-0000-0000-0000-0000000000aa" }),
      s(a1, "busy", 4003),
      s(a1, "wrap_up", 5000),
      s(a1, "offline", 5100),
      s(a2, "available", 100),
      s(a2, "offered", 200, { tenantId: tenant.id }),
      s(a2, "missed", 215),
      s(a2, "available", 400),
      s(a2, "offline", 7000),
    ])
    .execute();
}

function sortKeys<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) as T;
}
const norm = (t: ContactTotals) => ({ ...t, byReason: sortKeys(t.byReason), byDisposition: sortKeys(t.byDisposition), outboundByDisposition: sortKeys(t.outboundByDisposition) });

async function reference() {
  const raw = await loadRaw(tenant.id);
  const records = visitRecords(raw.visits, raw.interactions);
  return { records };
}

type Row = Parameters<typeof totalsOfRow>[0] & { queue_id?: string; agent_id?: string; interval_start?: Date; day?: string };

async function queueIntervalRows(): Promise<Row[]> {
  const { rows } = await sql<Row>`select * from report_queue_intervals where tenant_id = ${tenant.id} order by queue_id, interval_start, channel, direction`.execute(owner);
  return rows;
}

/** The rollup rows merged per key (channel and direction split the rows; the reference does not). */
function mergedBy(rows: Row[], key: (r: Row) => string): Map<string, ContactTotals> {
  const groups = new Map<string, ContactTotals[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), totalsOfRow(r, spec)]);
  return new Map([...groups].map(([k, list]) => [k, mergeTotals(list, spec)]));
}

async function expectRollupsMatch() {
  const { records } = await reference();
  // Per queue and interval.
  const expected = rollupContacts(records, spec, 15);
  const got = mergedBy(await queueIntervalRows(), (r) => `${r.queue_id}|${r.interval_start!.toISOString()}`);
  expect(expected.length).toBeGreaterThan(100);
  expect(got.size).toBe(expected.length);
  for (const e of expected) {
    const g = got.get(`${e.queueId}|${e.intervalStart.toISOString()}`);
    expect(g && norm(g), `${e.queueId} ${e.intervalStart.toISOString()}`).toEqual(norm(e.totals));
  }
  // Per agent and interval (the contacts the agent handled), with their repeat history.
  const agentSpec = { ...spec, waitThresholdsSeconds: [] };
  const byAgent = new Map<string, ContactRecord[]>();
  for (const r of records) {
    if (!r.agentId) continue;
    const k = `${r.agentId}|${new Date(Math.floor(r.enqueuedAt!.getTime() / 900_000) * 900_000).toISOString()}`;
    byAgent.set(k, [...(byAgent.get(k) ?? []), r]);
  }
  const { rows: agentRows } = await sql<Row>`select * from report_agent_intervals where tenant_id = ${tenant.id}`.execute(owner);
  const gotAgents = new Map<string, ContactTotals[]>();
  for (const r of agentRows) {
    const k = `${r.agent_id}|${r.interval_start!.toISOString()}`;
    gotAgents.set(k, [...(gotAgents.get(k) ?? []), totalsOfRow(r, agentSpec)]);
  }
  expect(gotAgents.size).toBe(byAgent.size);
  for (const [k, list] of byAgent) {
    const want = aggregateContacts(list, agentSpec, { history: records });
    expect(norm(mergeTotals(gotAgents.get(k) ?? [], agentSpec)), k).toEqual(norm(want));
  }
  // Per local day, and a month of days against every KPI straight from the records.
  const { rows: dayRows } = await sql<Row>`select *, day::text as day from report_queue_days where tenant_id = ${tenant.id}`.execute(owner);
  const days = mergedBy(dayRows, (r) => r.day!);
  const recordsByDay = new Map<string, ContactRecord[]>();
  for (const r of records) {
    const d = localDayOf(r.enqueuedAt!, TZ);
    recordsByDay.set(d, [...(recordsByDay.get(d) ?? []), r]);
  }
  expect([...days.keys()].sort()).toEqual([...recordsByDay.keys()].sort());
  for (const [d, list] of recordsByDay) expect(norm(days.get(d)!), d).toEqual(norm(aggregateContacts(list, spec, { history: records })));
  const from = new Date("2026-10-31T20:30:00Z");
  const to = new Date("2026-11-30T20:30:00Z");
  const monthDays = dayRows.filter((r) => r.day! >= "2026-11-01" && r.day! < "2026-12-01").map((r) => totalsOfRow(r, spec));
  const params = { slThresholdSeconds: 20, shortAbandonSeconds: 5 };
  const fromRollups = computeKpis(mergeTotals(monthDays, spec), emptyAgentTotals(), params);
  const fromRecords = kpisFromRecords(
    records.filter((r) => inPeriod(r, from, to)),
    [],
    params,
    { history: records, repeatWindowDays: spec.repeatWindowDays, repeatMatch: spec.repeatMatch },
  );
  expect(fromRollups.values).toEqual(fromRecords.values);
  expect(fromRollups.values.offered.value).toBeGreaterThan(300);
  // The wallboard's and billing's service-level SQL over the same month, queue by queue.
  const sqlCounts = await withBureauScope((trx) => slCountsByQueue(trx, tenant.id, from, to));
  expect(sqlCounts.map((q) => q.counts.answered > 0 && q.counts.abandoned > 0)).toEqual([true, true]);
  for (const q of sqlCounts) {
    const queueRows = (await queueIntervalRows()).filter((r) => r.queue_id === q.queueId && r.interval_start! >= from && r.interval_start! < to);
    const queue = await owner.selectFrom("queues").select(["sl_threshold_seconds", "short_abandon_seconds"]).where("id", "=", q.queueId).executeTakeFirstOrThrow();
    const merged = mergeTotals(queueRows.map((r) => totalsOfRow(r, spec)), spec);
    expect(slCountsOfTotals(merged, { slThresholdSeconds: queue.sl_threshold_seconds, shortAbandonSeconds: queue.short_abandon_seconds }), q.queueKey).toEqual(q.counts);
  }
}

beforeAll(async () => {
  tenant = await makeTenant({ name: "Rollup Co" });
  q1 = await makeQueue(tenant.id, { key: "support", sl_threshold_seconds: 20 });
  q2 = await makeQueue(tenant.id, { key: "sales", sl_threshold_seconds: 30 });
  await owner.updateTable("queues").set({ short_abandon_seconds: 10 }).where("id", "=", q2.id).execute();
  agents = [(await makeAgent([q1, q2])).id, (await makeAgent([q1, q2])).id, (await makeAgent([q1])).id];
  const parent = async (code: string) => (await owner.insertInto("dispositions").values({ tenant_id: tenant.id, code, name: code }).returning("id").executeTakeFirstOrThrow()).id;
  const r1 = await parent("r1");
  const r2 = await parent("r2");
  dispositions = {};
  for (const [code, p, resolved] of [
    ["r1-solved", r1, true],
    ["r1-ticket", r1, false],
    ["r2-solved", r2, true],
  ] as const) {
    dispositions[code] = (await owner.insertInto("dispositions").values({ tenant_id: tenant.id, code, name: code, parent_id: p, resolved }).returning("id").executeTakeFirstOrThrow()).id;
  }
  // A root disposition without children is its own reason.
  dispositions.misc = (await owner.insertInto("dispositions").values({ tenant_id: tenant.id, code: "misc", name: "misc", resolved: true }).returning("id").executeTakeFirstOrThrow()).id;
  await seedHistory(owner, new Map([["rollup", tenant.id]]), { now: NOW, days: 20, callsPerDay: 30 });
  customers = (await owner.selectFrom("customers").select("id").where("tenant_id", "=", tenant.id).orderBy("phone").limit(3).execute()).map((c) => c.id);
  spec = { waitThresholdsSeconds: thresholdSet([20, 5, 30, 10]), repeatWindowDays: 7, repeatMatch: "customerAndReason" };
}, 120_000);

describe("report rollups", () => {
  it("equal the record, interval by interval, agent by agent, day by day and for the month, and the wallboard's SL SQL", async () => {
    const day = new Date("2026-11-10T06:00:00Z");
    const special = await specialContacts(day);
    await campaignFixture(day, special.camp.id);
    await agentStates(day);
    await withBureauScope((trx) => ensureThresholds(trx));
    await rebuildRollups({ tenantIds: [tenant.id], now: NOW });
    await expectRollupsMatch();
    // Every interaction is seen after a whole-tenant rebuild.
    const pending = await sql<{ n: number }>`select count(*)::int as n from interactions where tenant_id = ${tenant.id} and event_seq > reported_seq`.execute(owner);
    expect(pending.rows[0]!.n).toBe(0);
    // The special cases landed as designed: a transfer answered twice with its hold, a repeat that failed FCR.
    const trVisits = await owner.selectFrom("routing_contacts").select("id").where("interaction_id", "=", special.tr.id).execute();
    expect(trVisits).toHaveLength(2);
    const { records } = await reference();
    const mine = records.filter((r) => trVisits.some((v) => v.id === r.id));
    const first = mine.find((r) => r.transferred)!;
    expect(first).toMatchObject({ transferred: true, holdSeconds: 40, talkSeconds: 148, wrapSeconds: 0, customerId: null });
    const second = mine.find((r) => !r.transferred)!;
    expect(second).toMatchObject({ transferred: false, escalated: true, holdSeconds: 30, talkSeconds: 140, wrapSeconds: 45, customerId: customers[0], reasonCode: "r1" });
  });

  it("keep agent time by 30-minute interval with the handling attributed to the contact's tenant", async () => {
    const day = new Date("2026-11-10T06:00:00Z");
    const from = new Date(day.getTime() - 30 * MIN);
    const to = new Date(day.getTime() + 3 * 3600_000);
    await withBureauScope((trx) => rollupAgentTime(trx, from, to, TZ));
    const expected = agentTime(await loadAgentEvents(agents), from, to);
    const rows = await owner
      .selectFrom("report_agent_time")
      .selectAll()
      .where("agent_id", "in", agents)
      .where("interval_start", ">=", from)
      .where("interval_start", "<", to)
      .orderBy("interval_start")
      .orderBy("agent_id")
      .execute();
    expect(
      rows.map((r) => ({
        agentId: r.agent_id,
        intervalStart: r.interval_start,
        loggedInMs: Number(r.logged_in_ms),
        availableMs: Number(r.available_ms),
        handlingMs: Number(r.handling_ms),
        notReadyMs: Number(r.not_ready_ms),
        handlingByTenant: r.handling_by_tenant,
      })),
    ).toEqual(expected);
    const a1 = expected.filter((r) => r.agentId === agents[0]);
    const handled = a1.reduce((s, r) => s + (r.handlingByTenant[tenant.id] ?? 0), 0);
    // busy 905-1500, hold 1500-1600, busy 1600-2400, wrap 2400-2460 on this tenant's contact.
    expect(handled).toBe((2460 - 905) * 1000);
    expect(a1.reduce((s, r) => s + r.notReadyMs, 0)).toBe(900 * 1000);
  });

  it("count campaign attempts per campaign and day as the pure definition does", async () => {
    const attempts = await loadAttempts(tenant.id);
    const { rows } = await sql<{ campaign_id: string; day: string; attempts: number; human_answered: number; connected: number; abandoned: number; busy: number; no_answer: number; voicemail: number; failed: number; by_disposition: Record<string, number> }>`
      select *, day::text as day from report_campaign_days where tenant_id = ${tenant.id}`.execute(owner);
    expect(rows).toHaveLength(1);
    const want = aggregateContacts(attempts.map(attemptRecord), { waitThresholdsSeconds: [], repeatWindowDays: 7, repeatMatch: "customerAndReason" });
    expect(rows[0]).toMatchObject({
      day: localDayOf(attemptAt(attempts[0]!), TZ),
      attempts: want.outboundAttempts,
      human_answered: want.outboundHumanAnswered,
      connected: want.outboundConnected,
      abandoned: want.outboundAbandoned,
      busy: want.outboundBusy,
      no_answer: want.outboundNoAnswer,
      voicemail: want.outboundVoicemail,
      failed: want.outboundFailed,
      by_disposition: want.outboundByDisposition,
    });
    expect(want).toMatchObject({ outboundAttempts: 8, outboundHumanAnswered: 3, outboundConnected: 2, outboundFailed: 2 });
  });

  it("follow changes incrementally: new contacts, new events, and the FCR of earlier contacts they decide", async () => {
    // Make sure nothing of this tenant is pending, then change the record as the platform would.
    const { records: before } = await reference();
    const resolvedEarlier = before.find((r) => r.customerId && r.reasonCode && r.resolved === true && r.answeredAt && r.enqueuedAt! > new Date("2026-11-15T00:00:00Z"));
    expect(resolvedEarlier).toBeDefined();
    const earlier = (await owner.selectFrom("routing_contacts").select("interaction_id").where("id", "=", resolvedEarlier!.id).executeTakeFirstOrThrow()).interaction_id;
    const base = new Date(resolvedEarlier!.startedAt.getTime() + 3 * 86_400_000);
    const disp = await owner.selectFrom("interactions").select("disposition_id").where("id", "=", earlier).executeTakeFirstOrThrow();
    // The same customer with the same reason three days later: the earlier contact is no longer resolved at first contact.
    const later = await interaction({ started_at: base, customer_id: resolvedEarlier!.customerId, disposition_id: disp.disposition_id, queue_id: q1.id, agent_id: agents[2] });
    await visit(later.id, q1.id, { status: "completed", enqueued_at: at(base, 15), offered_agent_id: agents[2], connected_at: at(base, 19), ended_at: at(base, 300) });
    await events(later.id, [
      { type: "routing.connected", at: at(base, 19), data: { agentId: agents[2] } },
      { type: "contact.ended", at: at(base, 300), data: { agentId: agents[2] } },
      { type: "contact.disposed", at: at(base, 310), data: { agentId: agents[2] } },
    ]);
    // A hold added to an existing call (its event bumps its seq).
    const existing = before.find((r) => r.answeredAt && r.endedAt && !r.transferred && r.holdSeconds === 0)!;
    const ex = (await owner.selectFrom("routing_contacts").select(["interaction_id", "connected_at"]).where("id", "=", existing.id).executeTakeFirstOrThrow());
    await events(ex.interaction_id, [
      { type: "contact.held", at: at(ex.connected_at!, 5), data: {} },
      { type: "contact.resumed", at: at(ex.connected_at!, 25), data: {} },
    ]);
    let runs = 0;
    for (;;) {
      const r = await runRollup({ now: NOW, settle: false, batch: 2000 });
      runs++;
      if (r.locked && r.interactions < 2000) break;
      expect(runs).toBeLessThan(20);
    }
    await expectRollupsMatch();
    const { records } = await reference();
    expect(records.find((r) => r.id === existing.id)!.holdSeconds).toBe(20);
    const flipped = aggregateContacts(
      records.filter((r) => r.id === resolvedEarlier!.id),
      spec,
      { history: records },
    );
    expect(flipped.fcrEligible).toBe(1);
    expect(flipped.fcrResolved).toBe(0);
    // Running again finds nothing of this tenant to do and changes nothing.
    const snapshot = await queueIntervalRows();
    await runRollup({ now: NOW, settle: false });
    expect((await queueIntervalRows()).map(({ rolled_at: _r, ...rest }: Row & { rolled_at?: unknown }) => rest)).toEqual(
      snapshot.map(({ rolled_at: _r, ...rest }: Row & { rolled_at?: unknown }) => rest),
    );
  });
});
