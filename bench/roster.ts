import { combineCurves, poolsFromEligibility, type QueueCurve } from "../app/modules/wfm/combine";
import { forecast, type HistoryPoint } from "../app/modules/wfm/forecast";
import { loadHighs } from "../app/modules/wfm/highs";
import { solveRoster, solveRosterGreedy, type Contract, type RosterAgent, type RosterInput, type ShiftTemplate } from "../app/modules/wfm/roster";
import { addDays, iranWeekday, localParts, localToUtc } from "../app/modules/wfm/time";
import { mulberry32 as rng } from "../app/modules/platform/random";

/**
 * Weekly roster for a bureau: 300 agents, 20 queues of 8 tenants, 24/7, 30-minute intervals.
 *
 * The instance is built the way production will build it: 8 weeks of synthetic history per queue →
 * forecast → Erlang requirement per interval → pooled across the queues that share agents
 * (combine.ts) → roster. Ten 24/7 queues, ten on business hours (Sat-Wed 08-20, Thu 08-14, Fri
 * closed); 12 teams (one per tenant serving all its queues, four blended across 2-3 tenants), 80% full time 44 h with up
 * to 3 night shifts, 20% part time 24 h on short day shifts; some leave, availability, carry-in from
 * last week's Friday night, preferences.
 *
 * Targets from the issue: under 60 s, within 3% of the LP lower bound. Baseline, in the same run:
 * a greedy day-by-day heuristic (roster-greedy.ts) scored by the same report; printed as the ratio of
 * its objective (and under-coverage) to the optimiser's.
 *
 *   npm run bench -- roster [seconds]     (time budget, default 55)
 */

const TZ = "Asia/Tehran";
const WEEK = "2026-01-03"; // a Saturday
const QUEUES = 20;
const TENANTS = 8;
const AGENTS = 300;


interface QueueSpec {
  id: string;
  tenant: number;
  allDay: boolean;
  dailyContacts: number;
  aht: number;
  target: number;
  threshold: number;
  weight: number;
}

const WEEKDAY = [1.15, 1.1, 1.05, 1.0, 0.95, 0.75, 0.55];

function intraday(minute: number, allDay: boolean): number {
  const h = minute / 60;
  const day = Math.exp(-((h - 11) ** 2) / 7) + 0.8 * Math.exp(-((h - 17.5) ** 2) / 6);
  return allDay ? 0.12 + day : day;
}

function open(spec: QueueSpec, date: string, minute: number): boolean {
  if (spec.allDay) return true;
  const wd = iranWeekday(date);
  if (wd === 6) return false;
  return minute >= 480 && minute < (wd === 5 ? 840 : 1200);
}

function buildQueues(scale: number): QueueSpec[] {
  const r = rng(11);
  return Array.from({ length: QUEUES }, (_, i) => ({
    id: `q${String(i + 1).padStart(2, "0")}`,
    tenant: i % TENANTS,
    allDay: i % 2 === 0,
    dailyContacts: Math.round(scale * (250 + 900 * r())),
    aht: Math.round(150 + 210 * r()),
    target: [0.8, 0.9, 0.7][i % 3]!,
    threshold: [20, 15, 30][i % 3]!,
    weight: i % 5 === 0 ? 2 : 1,
  }));
}

function history(spec: QueueSpec): HistoryPoint[] {
  const r = rng(100 + Number(spec.id.slice(1)));
  const points: HistoryPoint[] = [];
  const from = localToUtc(addDays(WEEK, -56), 0, TZ).getTime();
  const to = localToUtc(WEEK, 0, TZ).getTime();
  let norm = 0;
  for (let m = 0; m < 1440; m += 30) norm += intraday(m, spec.allDay) * (spec.allDay || (m >= 480 && m < 1200) ? 1 : 0);
  for (let ms = from; ms < to; ms += 30 * 60_000) {
    const start = new Date(ms);
    const l = localParts(start, TZ);
    if (!open(spec, l.date, l.minuteOfDay)) continue;
    const mean = (spec.dailyContacts * WEEKDAY[iranWeekday(l.date)]! * intraday(l.minuteOfDay, spec.allDay)) / norm;
    const contacts = Math.max(0, mean * (1 + 0.15 * (2 * r() - 1)));
    points.push({ start, contacts, handleSeconds: contacts * spec.aht * (1 + 0.1 * (2 * r() - 1)) });
  }
  return points;
}

function teams(): string[][] {
  const byTenant = Array.from({ length: TENANTS }, (_, t) => Array.from({ length: QUEUES }, (_, i) => i).filter((i) => i % TENANTS === t));
  const name = (i: number) => `q${String(i + 1).padStart(2, "0")}`;
  const out: string[][] = [];
  for (const qs of byTenant) out.push(qs.map(name)); // the tenant's own team: all its queues
  // Blended teams across two or three tenants (the first queue of each), for the long tail.
  out.push([0, 1].map((t) => name(byTenant[t]![0]!)));
  out.push([2, 3, 4].map((t) => name(byTenant[t]![0]!)));
  out.push([5, 6, 7].map((t) => name(byTenant[t]![0]!)));
  out.push([1, 3].map((t) => name(byTenant[t]![byTenant[t]!.length - 1]!)));
  return out;
}

const CONTRACTS: Contract[] = [
  { id: "full", maxWeeklyMinutes: 44 * 60, minShiftMinutes: 360, maxShiftMinutes: 480, maxNightShifts: 3, minRestMinutes: 720, minDaysOff: 1 },
  { id: "part", maxWeeklyMinutes: 24 * 60, minShiftMinutes: 240, maxShiftMinutes: 360, maxNightShifts: 0, minRestMinutes: 720, minDaysOff: 2 },
];

function templates(): ShiftTemplate[] {
  const eight = (h: number, id = `d${h}`): ShiftTemplate => ({
    id,
    segments: [{ startMinute: h * 60, durationMinutes: 480 }],
    breaks: [
      { kind: "short", durationMinutes: 15, earliestStartOffset: 90, latestEndOffset: 180 },
      { kind: "meal", durationMinutes: 30, earliestStartOffset: 180, latestEndOffset: 330 },
      { kind: "short", durationMinutes: 15, earliestStartOffset: 330, latestEndOffset: 450 },
    ],
  });
  const six = (h: number): ShiftTemplate => ({
    id: `s${h}`,
    segments: [{ startMinute: h * 60, durationMinutes: 360 }],
    breaks: [
      { kind: "short", durationMinutes: 15, earliestStartOffset: 60, latestEndOffset: 150 },
      { kind: "meal", durationMinutes: 30, earliestStartOffset: 150, latestEndOffset: 300 },
    ],
  });
  const four = (h: number): ShiftTemplate => ({ id: `p${h}`, segments: [{ startMinute: h * 60, durationMinutes: 240 }], breaks: [{ kind: "short", durationMinutes: 15, earliestStartOffset: 60, latestEndOffset: 180 }] });
  return [
    ...[7, 8, 9, 10, 12, 14, 15, 16].map((h) => eight(h)),
    eight(19, "e19"),
    eight(23, "n23"),
    ...[8, 12, 14, 17].map(six),
    ...[8, 12, 16, 18].map(four),
    {
      id: "split",
      segments: [
        { startMinute: 480, durationMinutes: 240 },
        { startMinute: 960, durationMinutes: 240 },
      ],
      breaks: [
        { kind: "short", durationMinutes: 15, earliestStartOffset: 60, latestEndOffset: 180 },
        { kind: "short", durationMinutes: 15, earliestStartOffset: 540, latestEndOffset: 660 },
      ],
    },
  ];
}

export function buildInstance(scale = 1.2): RosterInput {
  const specs = buildQueues(scale);
  const horizonStart = localToUtc(WEEK, 0, TZ);
  const curves: QueueCurve[] = specs.map((spec) => {
    const f = forecast({ history: history(spec), horizonStart, weeks: 1, timeZone: TZ });
    return { queueId: spec.id, targetServiceLevel: spec.target, thresholdSeconds: spec.threshold, maxOccupancy: 0.9, intervals: f.intervals.map((iv) => ({ contacts: iv.adjusted.contacts, ahtSeconds: iv.adjusted.ahtSeconds || spec.aht })) };
  });
  const teamQueues = teams();
  // Breaks take ~10% of a shift: heads = ceil(pooled agents / 0.9), apportioned per queue.
  const combined = combineCurves(1800, curves, poolsFromEligibility(specs.map((s) => s.id), teamQueues), 0.1);
  // Staff each team in proportion to the requirement of the queues it serves.
  const demand = new Map(combined.queues.map((q) => [q.queueId, q.heads.reduce((s, v) => s + v, 0)]));
  const servedBy = new Map<string, number>();
  for (const t of teamQueues) for (const q of t) servedBy.set(q, (servedBy.get(q) ?? 0) + 1);
  const teamDemand = teamQueues.map((t) => t.reduce((s, q) => s + demand.get(q)! / servedBy.get(q)!, 0));
  const totalDemand = teamDemand.reduce((s, v) => s + v, 0);
  const sizes = teamDemand.map((d) => Math.max(2, Math.round((d / totalDemand) * AGENTS)));
  while (sizes.reduce((s, v) => s + v, 0) > AGENTS) sizes[sizes.indexOf(Math.max(...sizes))]!--;
  while (sizes.reduce((s, v) => s + v, 0) < AGENTS) sizes[sizes.indexOf(Math.max(...sizes))]!++;
  const r = rng(5);
  const tpl = templates();
  const agents: RosterAgent[] = [];
  sizes.forEach((size, ti) => {
    for (let i = 0; i < size; i++) {
      const n = agents.length;
      const part = r() < 0.2;
      const agent: RosterAgent = { id: `agent${String(n + 1).padStart(3, "0")}`, queues: teamQueues[ti]!, contractId: part ? "part" : "full" };
      if (r() < 0.06) agent.leaveDays = r() < 0.5 ? [Math.floor(r() * 7)] : [1, 2];
      if (part && r() < 0.5) agent.unavailable = [0, 1, 2, 3, 4].map((day) => ({ day, fromMinute: 0, toMinute: 720 })); // studies in the morning
      if (!part && r() < 0.08) agent.previousShiftEnd = 420; // worked last Friday's night shift
      if (r() < 0.3) agent.preferences = { templates: { [tpl[Math.floor(r() * tpl.length)]!.id]: 2 }, daysOff: [Math.floor(r() * 7)] };
      agents.push(agent);
    }
  });
  return {
    intervalMinutes: 30,
    requirements: combined.queues.map((q, i) => ({ queueId: q.queueId, required: q.heads, inSeat: q.agents.map((v) => Math.round(v * 100) / 100), weight: specs[i]!.weight })),
    agents,
    contracts: CONTRACTS,
    templates: tpl,
  };
}

const fmt = (v: number, d = 1) => v.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });

export default async function rosterBench(args: string[]) {
  const seconds = Number(args[0] ?? 55);
  const t0 = performance.now();
  const input = buildInstance(Number(process.env.ROSTER_BENCH_SCALE ?? 1.2));
  const required = input.requirements.reduce((s, q) => s + q.required.reduce((a, b) => a + b, 0), 0);
  const inSeat = input.requirements.reduce((s, q) => s + (q.inSeat ?? []).reduce((a, b) => a + b, 0), 0);
  const paid = input.agents.reduce((s, a) => s + input.contracts.find((c) => c.id === a.contractId)!.maxWeeklyMinutes / 60, 0);
  console.log(`instance: ${input.agents.length} agents (${fmt(paid, 0)} contract hours), ${input.requirements.length} queues, ${input.templates.length} templates; ${fmt(required / 2, 0)} head-hours at work required, ${fmt(inSeat / 2, 0)} on the phones (built in ${fmt((performance.now() - t0) / 1000)} s)`);
  const tLoad = performance.now();
  const highs = await loadHighs();
  console.log(`HiGHS ${highs.version.string} loaded in ${fmt(performance.now() - tLoad, 0)} ms`);

  let last = -1;
  const res = await solveRoster(input, {
    highs,
    timeLimitSeconds: seconds,
    onProgress: (p) => {
      const step = Math.floor(p.fraction * 10);
      if (step > last) {
        last = step;
        console.log(`  progress ${fmt(p.fraction * 100, 0)}% ${p.phase}${p.objective !== undefined ? ` objective ${fmt(p.objective)}` : ""}`);
      }
    },
  });
  const rep = res.report;
  const tg = performance.now();
  const greedy = solveRosterGreedy(input, highs, rep.lpBound);
  const greedyMs = performance.now() - tg;
  const g = greedy.report;

  console.log("");
  console.log(`optimiser (HiGHS; compact model ${rep.model.columns} columns x ${rep.model.rows} rows for the bound; ${rep.model.patterns} weekly patterns for ${rep.model.subclasses} subclasses in ${rep.model.generationRounds} pricing rounds; ${rep.model.classes} classes, ${rep.model.groups} skill groups)`);
  console.log(`  time               ${fmt(rep.timingsMs.total / 1000, 2)} s  (prepare ${fmt(rep.timingsMs.prepare, 0)} ms, LP bound ${fmt(rep.timingsMs.lowerBound, 0)} ms, patterns + dive + MIP ${fmt(rep.timingsMs.optimise, 0)} ms, polish ${fmt(rep.timingsMs.assign, 0)} ms, breaks ${fmt(rep.timingsMs.breaks, 0)} ms, report ${fmt(rep.timingsMs.report, 0)} ms)   target < 60 s`);
  console.log(`  status             ${rep.status}`);
  console.log(`  objective          ${fmt(rep.objective)}   LP lower bound ${fmt(rep.lpBound)}   gap ${fmt(rep.gapToLpBound * 100, 2)}%   target ≤ 3%`);
  console.log(`  hard violations    ${rep.hardViolations.length}`);
  console.log(`  shifts             ${rep.shifts} for ${rep.agentsScheduled} agents, unassigned ${rep.unassignedShifts}, ${rep.agentsBelowTarget} agents below target (${fmt(rep.hoursBelowTarget, 0)} h)`);
  console.log(`  under/over-staffed ${fmt(rep.modelUnderAgentIntervals)} / ${fmt(rep.modelOverAgentIntervals)} agent-intervals against heads at work; after breaks, on the phones: ${fmt(rep.underStaffedAgentIntervals)} / ${fmt(rep.overStaffedAgentIntervals)} (${rep.underStaffedQueueIntervals} queue-intervals short)`);
  console.log(`baseline: greedy day-by-day heuristic`);
  console.log(`  time               ${fmt(greedyMs / 1000, 2)} s`);
  console.log(`  objective          ${fmt(g.objective)}   gap to the same LP bound ${fmt(g.gapToLpBound * 100, 1)}%   hard violations ${g.hardViolations.length}`);
  console.log(`  under/over-staffed ${fmt(g.modelUnderAgentIntervals)} / ${fmt(g.modelOverAgentIntervals)} agent-intervals against heads at work; after breaks, on the phones: ${fmt(g.underStaffedAgentIntervals)} / ${fmt(g.overStaffedAgentIntervals)} (${g.underStaffedQueueIntervals} queue-intervals short)`);
  console.log(`ratio greedy / optimiser: objective ${fmt(g.objective / rep.objective, 2)}x, under-staffing ${fmt(g.modelUnderAgentIntervals / Math.max(1e-9, rep.modelUnderAgentIntervals), 2)}x, time ${fmt(rep.timingsMs.total / greedyMs, 1)}x slower`);
  const ok = rep.timingsMs.total < 60_000 && rep.gapToLpBound <= 0.03 && rep.hardViolations.length === 0;
  console.log(ok ? "targets met" : "TARGETS NOT MET");
}
