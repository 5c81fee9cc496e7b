import type { WeekPlan } from "./roster-evaluate";
import { restConflict, type Prepared, type PreparedAgent } from "./roster-prepare";
import { DAYS_PER_WEEK } from "./roster-types";

/**
 * One agent's week: the exact dynamic programme that prices patterns in column generation and
 * re-plans a week in the local search, and the single-shift legality check. Every individual rule
 * holds by construction: one shift a day, rest after the previous shift (also across a free day),
 * days off, the weekly cap, the night limit (leave, availability, carry-in from last week and the
 * contract's templates are in the agent's allowed options).
 */

/** Can agent `a` also work option (d, s) next to the shifts it already has? Every hard rule. */
export function canTake(p: Prepared, plan: WeekPlan, a: PreparedAgent, d: number, s: number): boolean {
  const S = p.templates.length;
  if (!a.allowed[d * S + s] || plan[a.index]![d]! >= 0) return false;
  const week = plan[a.index]!;
  const t = p.templates[s]!;
  let days = 1;
  let minutes = t.paidMinutes;
  let nights = t.night ? 1 : 0;
  for (let e = 0; e < DAYS_PER_WEEK; e++) {
    const u = week[e]!;
    if (u < 0) continue;
    const other = p.templates[u]!;
    days++;
    minutes += other.paidMinutes;
    if (other.night) nights++;
    if (e < d && restConflict(other, e, t, d, a.contract.minRest)) return false;
    if (e > d && restConflict(t, d, other, e, a.contract.minRest)) return false;
  }
  return days <= a.maxWorkDays && minutes <= a.maxMinutes && nights <= a.maxNights;
}

/** Greatest common divisor of the templates' paid minutes: the DP's unit of minutes. */
export function minuteUnit(p: Prepared): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return p.templates.reduce((g, t) => gcd(g, t.paidMinutes), 0) || p.interval;
}

/**
 * The week (template per day, −1 off) maximising Σ value(day, template) + final(paid minutes) for one
 * agent under all its individual rules, and that maximum. State per day: the last worked shift if it
 * was yesterday or the day before (rest can reach across one free day), days worked, paid minutes
 * (in `unit`s), night shifts. `final` prices the week's totals (hours below target, night shifts
 * beyond the first); default 0.
 */
export function bestWeek(p: Prepared, a: PreparedAgent, value: (d: number, s: number) => number, unit: number, final?: (minutes: number, nights: number) => number): { week: number[]; value: number } {
  const S = p.templates.length;
  const L = 1 + 2 * S; // last: 0 none/long ago; 1+s yesterday; 1+S+s two days ago
  const D = a.maxWorkDays + 1;
  const M = Math.floor(a.maxMinutes / unit) + 1;
  const N = a.maxNights + 1;
  const size = L * D * M * N;
  const key = (l: number, dd: number, m: number, n: number) => ((l * D + dd) * M + m) * N + n;
  const rest = a.contract.minRest;
  const layers: Float64Array[] = [];
  const from: Int32Array[] = [];
  let cur = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
  cur[key(0, 0, 0, 0)] = 0;
  const conflictWith = (l: number, d: number, s: number): boolean => {
    if (l === 0) return false;
    const prev = (l - 1) % S;
    const gap = l <= S ? 1 : 2;
    return restConflict(p.templates[prev]!, d - gap, p.templates[s]!, d, rest);
  };
  for (let d = 0; d < DAYS_PER_WEEK; d++) {
    const next = new Float64Array(size).fill(Number.NEGATIVE_INFINITY);
    const back = new Int32Array(size).fill(-1);
    const options: { s: number; v: number; m: number; night: number }[] = [];
    for (let s = 0; s < S; s++) {
      if (!a.allowed[d * S + s]) continue;
      const v = value(d, s);
      if (v === Number.NEGATIVE_INFINITY) continue;
      options.push({ s, v, m: p.templates[s]!.paidMinutes / unit, night: p.templates[s]!.night ? 1 : 0 });
    }
    for (let l = 0; l < L; l++) {
      // Off today: yesterday's shift becomes "two days ago", older ones stop mattering.
      const lOff = l === 0 ? 0 : l <= S ? l + S : 0;
      for (let dd = 0; dd < D; dd++) {
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            const k = key(l, dd, m, n);
            const v = cur[k]!;
            if (v === Number.NEGATIVE_INFINITY) continue;
            const kOff = key(lOff, dd, m, n);
            if (v > next[kOff]!) {
              next[kOff] = v;
              back[kOff] = k * (S + 1) + S; // S = off
            }
            if (dd + 1 >= D) continue;
            for (const o of options) {
              if (m + o.m >= M || n + o.night >= N || conflictWith(l, d, o.s)) continue;
              const k2 = key(1 + o.s, dd + 1, m + o.m, n + o.night);
              const v2 = v + o.v;
              if (v2 > next[k2]!) {
                next[k2] = v2;
                back[k2] = k * (S + 1) + o.s;
              }
            }
          }
        }
      }
    }
    layers.push(next);
    from.push(back);
    cur = next;
  }
  let best = 0;
  let bestValue = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < size; k++) {
    if (cur[k] === Number.NEGATIVE_INFINITY) continue;
    const m = Math.floor(k / N) % M;
    const v = cur[k]! + (final ? final(m * unit, k % N) : 0);
    if (v > bestValue) {
      bestValue = v;
      best = k;
    }
  }
  const week = new Array<number>(DAYS_PER_WEEK).fill(-1);
  for (let d = DAYS_PER_WEEK - 1, k = best; d >= 0; d--) {
    const b = from[d]![k]!;
    const s = b % (S + 1);
    week[d] = s === S ? -1 : s;
    k = Math.floor(b / (S + 1));
  }
  return { week, value: bestValue };
}
