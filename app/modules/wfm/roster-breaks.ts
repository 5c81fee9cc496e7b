import { presenceFromPlan, type PlacedShift, type WeekPlan } from "./roster-evaluate";
import type { Prepared } from "./roster-prepare";
import { DAYS_PER_WEEK, MINUTES_PER_DAY, type RosterBreak } from "./roster-types";

/**
 * Breaks after the shifts are fixed (the optimiser staffed heads at work, break shrinkage included;
 * each queue's in-seat need, when given, says how many must stay on the phones). Each
 * break, meals first, goes where its skill group has the most agents to spare over its share of
 * the queues' requirement, then that spare is reduced — so breaks stagger instead of emptying the
 * floor at 12:00. Deterministic: ties go to the earliest start.
 */

/** Breaks start on this grid (minutes), or on the interval grid when finer. */
const BREAK_STEP = 15;

export function placeBreaks(p: Prepared, plan: WeekPlan): PlacedShift[] {
  const presence = presenceFromPlan(p, plan);
  // The group's share of each queue's on-the-phone need, in proportion to its presence on the queue.
  const supplyOnQueue = p.queues.map(() => new Float64Array(p.slots));
  p.groups.forEach((g, gi) => {
    for (const q of g.queues) for (let t = 0; t < p.slots; t++) supplyOnQueue[q]![t]! += presence[gi]![t]!;
  });
  const spare = p.groups.map((g, gi) => {
    const row = Float64Array.from(presence[gi]!);
    for (let t = 0; t < p.slots; t++) {
      const w = presence[gi]![t]!;
      if (w <= 0) continue;
      for (const q of g.queues) {
        const supply = supplyOnQueue[q]![t]!;
        if (supply > 0) row[t]! -= (p.queues[q]!.inSeat[t]! * w) / supply;
      }
    }
    return row;
  });

  const step = Math.min(BREAK_STEP, p.interval);
  const shifts: { shift: PlacedShift; breaks: RosterBreak[]; start: number }[] = [];
  for (const a of p.agents) {
    for (let d = 0; d < DAYS_PER_WEEK; d++) {
      const s = plan[a.index]![d]!;
      if (s < 0) continue;
      const breaks: RosterBreak[] = [];
      const shift: PlacedShift = { agent: a.index, day: d, template: s, breaks };
      shifts.push({ shift, breaks, start: d * MINUTES_PER_DAY + p.templates[s]!.start });
    }
  }
  shifts.sort((x, y) => x.start - y.start || x.shift.agent - y.shift.agent);
  const intervalOf = (j: number) => (j < p.slots ? j : p.wrap ? j % p.slots : -1);

  for (const kind of ["meal", "short"] as const) {
    for (const { shift, breaks, start } of shifts) {
      const t = p.templates[shift.template]!;
      const a = p.agents[shift.agent]!;
      const base = shift.day * MINUTES_PER_DAY;
      const row = a.group >= 0 ? spare[a.group]! : null;
      for (const rule of t.breaks) {
        if (rule.kind !== kind) continue;
        let best: { begin: number; worst: number; sum: number } | null = null;
        const first = Math.ceil((start + rule.earliestStartOffset) / step) * step;
        for (let begin = first; begin + rule.durationMinutes <= start + rule.latestEndOffset; begin += step) {
          const end = begin + rule.durationMinutes;
          if (!t.segments.some((seg) => base + seg.start <= begin && end <= base + seg.end)) continue;
          if (breaks.some((b) => b.start < end && begin < b.end)) continue;
          let worst = Number.POSITIVE_INFINITY;
          let sum = 0;
          if (row) {
            for (let j = Math.floor(begin / p.interval); j * p.interval < end; j++) {
              const ti = intervalOf(j);
              if (ti < 0) continue;
              const share = (Math.min(end, (j + 1) * p.interval) - Math.max(begin, j * p.interval)) / p.interval;
              const after = row[ti]! - share;
              worst = Math.min(worst, after);
              sum += after;
            }
          }
          if (!best || worst > best.worst + 1e-9 || (Math.abs(worst - best.worst) <= 1e-9 && sum > best.sum + 1e-9)) best = { begin, worst, sum };
        }
        if (!best) continue; // the schema guarantees a window; a split shift may still lack one
        const end = best.begin + rule.durationMinutes;
        breaks.push({ kind: rule.kind, start: best.begin, end });
        if (row) {
          for (let j = Math.floor(best.begin / p.interval); j * p.interval < end; j++) {
            const ti = intervalOf(j);
            if (ti >= 0) row[ti]! -= (Math.min(end, (j + 1) * p.interval) - Math.max(best.begin, j * p.interval)) / p.interval;
          }
        }
      }
    }
  }
  for (const { breaks } of shifts) breaks.sort((x, y) => x.start - y.start);
  return shifts.map((s) => s.shift);
}
