import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantApiKey } from "~/modules/auth/api-keys.server";
import { closeQueues } from "~/modules/platform/queues.server";
import { addForecastAdjustment, forecastSeries, handleForecastRun, removeForecastAdjustment, startForecastRun } from "~/modules/wfm/forecast.server";
import { staffingWeek } from "~/modules/wfm/staffing.server";
import { addDays, localToUtc } from "~/modules/wfm/time";
import { loader as forecastApi } from "~/routes/api.v1.wfm.forecast";
import { loader as requirementsApi } from "~/routes/api.v1.wfm.requirements";
import { closeFactories } from "../setup/factories";
import { staffCtx } from "./bureau.helpers";
import { args } from "./portal.helpers";
import { makeQueue, makeTenant, owner } from "./routing.helpers";
import { TZ, waitForRun } from "./wfm.helpers";

/**
 * The forecast job on a queue's own history: three weeks of calls (a weekday shape, quiet Fridays,
 * some abandons) → two weeks forecast per 30-minute interval, stored with the held-out-week backtest;
 * the planner's adjustment on top; requirements from it (Erlang A, the queue has an abandon profile);
 * the API with tenant keys.
 */
const HORIZON = "2031-03-08";
let tenant: { id: string; slug: string };
let other: { id: string; slug: string };
let q: { id: string; key: string };
let planner: Awaited<ReturnType<typeof staffCtx>>;

afterAll(async () => {
  await closeQueues();
  await owner.destroy();
  await closeFactories();
});

/** Contacts per 30-minute slot of a local day: 4 in the morning, 6 in the afternoon, 1 an hour on Friday. */
function perSlot(weekday: number, minute: number): number {
  if (minute < 8 * 60 || minute >= 20 * 60) return 0;
  if (weekday === 6) return minute % 60 === 0 ? 1 : 0;
  return minute < 14 * 60 ? 4 : 6;
}

beforeAll(async () => {
  tenant = await makeTenant();
  other = await makeTenant();
  q = await makeQueue(tenant.id, { key: "sales" });
  await makeQueue(other.id, { key: "sales" });
  planner = await staffCtx(["wfm_planner"]);
  const contacts: { interaction: Record<string, unknown>; contact: Record<string, unknown> }[] = [];
  let n = 0;
  for (let d = -21; d < 0; d++) {
    const date = addDays(HORIZON, d);
    const weekday = (d + 21) % 7;
    for (let m = 0; m < 1440; m += 30) {
      for (let k = 0; k < perSlot(weekday, m); k++) {
        const enqueued = new Date(localToUtc(date, m, TZ).getTime() + (k * 4 + 1) * 60_000);
        const abandoned = n++ % 7 === 0;
        const wait = abandoned ? 40 : 10;
        const answeredAt = new Date(enqueued.getTime() + wait * 1000);
        const endedAt = new Date(answeredAt.getTime() + 180_000);
        contacts.push({
          interaction: { tenant_id: tenant.id, direction: "inbound", provider: "simulator", state: abandoned ? "abandoned" : "completed", queue_id: q.id, started_at: enqueued, queued_at: enqueued, ...(abandoned ? { ended_at: answeredAt } : { answered_at: answeredAt, wrapup_at: endedAt, ended_at: endedAt }) },
          contact: { tenant_id: tenant.id, queue_id: q.id, priority: 5, sl_threshold_seconds: 20, enqueued_at: enqueued, ...(abandoned ? { status: "abandoned", ended_at: answeredAt } : { status: "completed", connected_at: answeredAt, ended_at: endedAt }) },
        });
      }
    }
  }
  for (let i = 0; i < contacts.length; i += 500) {
    const batch = contacts.slice(i, i + 500);
    const ids = await owner.insertInto("interactions").values(batch.map((c) => c.interaction as never)).returning("id").execute();
    await owner
      .insertInto("routing_contacts")
      .values(batch.map((c, j) => ({ ...(c.contact as object), interaction_id: ids[j]!.id }) as never))
      .execute();
  }
});

describe("the forecast job", () => {
  it("stores two weeks of intervals with the backtest of the held-out last week", async () => {
    const { runId } = await startForecastRun(planner, { horizonStart: HORIZON, weeks: 2, queueIds: [q.id] });
    const running = handleForecastRun(runId);
    const { run } = await waitForRun(runId);
    await running;
    expect(run.status).toBe("done");
    const result = run.result as { kind: string; queues: { queueId: string; intervals: number; backtest: { wape: number; mape: number; heldOutWeekStart: string } | null }[] };
    expect(result.kind).toBe("forecast");
    expect(result.queues).toHaveLength(1);
    expect(result.queues[0]!.intervals).toBe(2 * 336);
    // The shape repeats exactly, so the model (which ignores the held-out week) nails it.
    expect(result.queues[0]!.backtest!.wape).toBeLessThan(0.05);
    expect(result.queues[0]!.backtest!.heldOutWeekStart).toBe(localToUtc(addDays(HORIZON, -7), 0, TZ).toISOString());
    const stored = await owner.selectFrom("wfm_forecasts").select((eb) => eb.fn.countAll<string>().as("n")).where("queue_id", "=", q.id).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(672);
    const series = await forecastSeries(planner, q.id, { weekStart: HORIZON, weeks: 1, historyWeeks: 2 });
    expect(series.forecast).toHaveLength(336);
    expect(series.backtest?.wape).toBeLessThan(0.05);
    const sat3pm = series.forecast.find((p) => p.localDate === HORIZON && p.minuteOfDay === 15 * 60)!;
    expect(sat3pm.statistical.contacts).toBeCloseTo(6, 0);
    expect(sat3pm.statistical.ahtSeconds).toBeGreaterThan(150);
    expect(series.forecast.find((p) => p.localDate === HORIZON && p.minuteOfDay === 3 * 60)!.statistical.contacts).toBe(0);
    expect(series.history.length).toBeGreaterThan(0);
    expect(series.days.find((d) => d.date === addDays(HORIZON, -1))!.history).toBe(12); // a Friday
  });

  it("keeps the planner's adjustment apart from the statistical figures, and can take it back", async () => {
    const date = addDays(HORIZON, 1);
    const adj = await addForecastAdjustment(planner, { queueId: q.id, date, fromMinute: 600, toMinute: 720, contactsPercent: 50, code: "campaign", note: "launch" });
    expect(adj).toMatchObject({ code: "campaign", contactsPercent: 50, fromMinute: 600 });
    const series = await forecastSeries(planner, q.id, { weekStart: HORIZON, weeks: 1 });
    const at = (m: number) => series.forecast.find((p) => p.localDate === date && p.minuteOfDay === m)!;
    expect(at(630).adjusted.contacts).toBeCloseTo(at(630).statistical.contacts * 1.5, 6);
    expect(at(630).adjustments).toEqual(["campaign"]);
    expect(at(720).adjusted.contacts).toBeCloseTo(at(720).statistical.contacts, 9);
    expect(series.adjustments.map((a) => a.id)).toContain(adj.id);
    await expect(addForecastAdjustment(planner, { queueId: q.id, date, contactsPercent: -150 })).rejects.toMatchObject({ code: "adjustmentRange", field: "contactsPercent" });
    await removeForecastAdjustment(planner, adj.id);
    const back = await forecastSeries(planner, q.id, { weekStart: HORIZON, weeks: 1 });
    const p = back.forecast.find((x) => x.localDate === date && x.minuteOfDay === 630)!;
    expect(p.adjusted.contacts).toBeCloseTo(p.statistical.contacts, 9);
    expect(p.adjustments).toEqual([]);
  });

  it("turns the forecast into requirements: Erlang A from the abandon profile, heads after shrinkage", async () => {
    const week = await staffingWeek(planner, HORIZON);
    const row = week.queues.find((r) => r.queue.queueId === q.id)!;
    expect(row.queue.patienceSeconds).not.toBeNull();
    expect(row.model).toBe("erlangA");
    const peak = 15 * 2; // 15:00 on Saturday
    expect(row.contacts[peak]).toBeCloseTo(6, 0);
    expect(row.standalone[peak]).toBeGreaterThanOrEqual(1);
    expect(row.heads[peak]).toBeGreaterThanOrEqual(Math.ceil(row.agents[peak]! / (1 - week.settings.shrinkage) - 1e-9));
    expect(row.heads[3 * 2]).toBe(0);
    expect(week.missingForecast).not.toContain(q.id);
  });

  it("serves the forecast and the requirements to the tenant's own API key only", async () => {
    const actor = { userId: planner.userId, label: "t" };
    const key = (await createTenantApiKey(tenant.id, { name: "wfm", scopes: ["wfm:read"] }, actor)).token;
    const otherKey = (await createTenantApiKey(other.id, { name: "wfm", scopes: ["wfm:read"] }, actor)).token;
    const noScope = (await createTenantApiKey(tenant.id, { name: "x", scopes: ["queues:read"] }, actor)).token;
    const req = (path: string, token: string) => new Request(`http://localhost${path}`, { headers: { authorization: `Bearer ${token}` } });
    const res = await forecastApi(args(req(`/api/v1/wfm/forecast?queue=sales&week=${addDays(HORIZON, 2)}`, key)));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: { queue: { id: string }; weekStart: string; intervals: unknown[]; backtest: { wape: number } } };
    expect(body.data.queue.id).toBe(q.id);
    expect(body.data.weekStart).toBe(HORIZON);
    expect(body.data.intervals).toHaveLength(336);
    expect(body.data.backtest.wape).toBeLessThan(0.05);
    // The other tenant's key asks for "sales": its own queue, which has no forecast; by id, ours is not found.
    const theirs = (await (await forecastApi(args(req(`/api/v1/wfm/forecast?queue=sales&week=${HORIZON}`, otherKey)))).json()) as { data: { queue: { id: string }; intervals: unknown[] } };
    expect(theirs.data.queue.id).not.toBe(q.id);
    expect(theirs.data.intervals).toHaveLength(0);
    expect((await forecastApi(args(req(`/api/v1/wfm/forecast?queue=${q.id}`, otherKey)))).status).toBe(404);
    expect((await forecastApi(args(req(`/api/v1/wfm/forecast?queue=sales`, noScope)))).status).toBe(403);
    const bad = await forecastApi(args(req(`/api/v1/wfm/forecast?queue=sales&week=nope`, key)));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { field: string }[] } }).error.details[0]!.field).toBe("week");
    const reqs = (await (await requirementsApi(args(req(`/api/v1/wfm/requirements?week=${HORIZON}`, key)))).json()) as { data: { queues: { queue: { id: string; tenant: string }; heads: number[] }[]; pools?: unknown } };
    expect(reqs.data.queues.map((r) => r.queue.id)).toEqual([q.id]);
    expect(reqs.data.queues[0]!.heads).toHaveLength(336);
    expect(reqs.data.pools).toBeUndefined();
  });
});
