import { loadActor } from "~/modules/auth/actor.server";
import type { BureauCtx } from "~/modules/bureau/context.server";
import { readRun } from "~/modules/wfm/runs.server";
import { addDays, localToUtc } from "~/modules/wfm/time";
import type { WfmRunView } from "~/modules/wfm/views";
import { db } from "~/modules/platform/db.server";
import { uniq } from "../setup/factories";
import { makeAgent, makeQueue, makeTenant, owner } from "./routing.helpers";

/**
 * A small WFM world for integration tests: tenants, queues, agents serving them with a contract of
 * their own, shift templates only that contract may work (other files' templates and contracts in
 * the shared database never reach these agents), and a forecast written straight into the table.
 * Each test file uses its own week, so rosters of different files never meet.
 */
export const TZ = "Asia/Tehran";

export async function ctxOf(userId: string): Promise<BureauCtx> {
  const { actor } = await loadActor(userId);
  return { actor, label: `user ${userId.slice(0, 8)}`, ip: "127.0.0.1" };
}

const h = (hours: number) => hours * 60;
const meal = { kind: "meal", durationMinutes: 30, earliestStartOffset: h(3), latestEndOffset: h(5.5) };
const short = { kind: "short", durationMinutes: 15, earliestStartOffset: h(1), latestEndOffset: h(3) };

export async function makeTemplatesAndContract(opts: { maxNightShifts?: number } = {}) {
  const tag = uniq();
  const rows = await owner
    .insertInto("wfm_shift_templates")
    .values([
      { key: `m-${tag}`, name: "Morning 07-15", segments: JSON.stringify([{ startMinute: h(7), durationMinutes: h(8) }]), breaks: JSON.stringify([short, meal]) },
      { key: `d-${tag}`, name: "Day 09-17", segments: JSON.stringify([{ startMinute: h(9), durationMinutes: h(8) }]), breaks: JSON.stringify([short, meal]) },
      { key: `e-${tag}`, name: "Evening 12-20", segments: JSON.stringify([{ startMinute: h(12), durationMinutes: h(8) }]), breaks: JSON.stringify([short, meal]) },
    ])
    .returning(["id", "key"])
    .execute();
  const contract = await owner
    .insertInto("wfm_contracts")
    .values({ key: `ft-${tag}`, name: "Full time", max_weekly_minutes: 2640, min_shift_minutes: 480, max_shift_minutes: 480, max_night_shifts: opts.maxNightShifts ?? 2, template_ids: rows.map((r) => r.id) })
    .returning("id")
    .executeTakeFirstOrThrow();
  const byKey = (p: string) => rows.find((r) => r.key.startsWith(`${p}-`))!.id;
  return { contractId: contract.id, morning: byKey("m"), day: byKey("d"), evening: byKey("e"), templateIds: rows.map((r) => r.id) };
}

/** Contacts per 30-minute interval `perInterval` from 08:00 to 20:00, Saturday to Thursday. */
export async function writeForecast(tenantId: string, queueId: string, weekStart: string, perInterval: number, ahtSeconds = 180) {
  const rows = [];
  for (let d = 0; d < 7; d++) {
    const date = addDays(weekStart, d);
    for (let m = 0; m < 1440; m += 30) {
      const contacts = d < 6 && m >= h(8) && m < h(20) ? perInterval : 0;
      rows.push({ tenant_id: tenantId, queue_id: queueId, interval_start: localToUtc(date, m, TZ), interval_minutes: 30, local_date: date, minute_of_day: m, day_type: "normal", basis: "sameWeekday", contacts, aht_seconds: ahtSeconds, adjusted_contacts: contacts, adjusted_aht_seconds: ahtSeconds });
    }
  }
  await owner.insertInto("wfm_forecasts").values(rows).execute();
}

export async function wfmWorld(opts: { weekStart: string; agents?: number; perInterval?: number }) {
  const tenant = await makeTenant();
  const q1 = await makeQueue(tenant.id, { key: `a${uniq()}` });
  const q2 = await makeQueue(tenant.id, { key: `b${uniq()}` });
  const rules = await makeTemplatesAndContract();
  const agents = [];
  for (let i = 0; i < (opts.agents ?? 4); i++) {
    const a = await makeAgent([q1, q2], { state: "offline" });
    await owner.insertInto("wfm_agent_profiles").values({ agent_id: a.id, contract_id: rules.contractId }).execute();
    agents.push(a);
  }
  for (const q of [q1, q2]) await writeForecast(tenant.id, q.id, opts.weekStart, opts.perInterval ?? 2);
  return { tenant, queues: [q1, q2], agents, rules };
}

/** Polls the run until it finishes, recording every (status, phase, progress) seen on the way. */
export async function waitForRun(runId: string, timeoutMs = 40_000): Promise<{ run: WfmRunView; seen: { status: string; phase: string | null; progress: number }[] }> {
  const seen: { status: string; phase: string | null; progress: number }[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await readRun(db(), runId);
    if (!run) throw new Error(`run ${runId} vanished`);
    const last = seen[seen.length - 1];
    if (!last || last.status !== run.status || last.phase !== run.phase || last.progress !== run.progress) seen.push({ status: run.status, phase: run.phase, progress: run.progress });
    if (run.status === "done" || run.status === "failed") return { run, seen };
    if (Date.now() > until) throw new Error(`run ${runId} did not finish: ${JSON.stringify(seen.slice(-3))}`);
    await new Promise((r) => setTimeout(r, 60));
  }
}
