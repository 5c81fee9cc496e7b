import { dialsToPlace, estimateAnswerRate, type DialingMode } from "~/modules/campaigns/pacing";

/** mulberry32 */
export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SimOptions {
  seed: number;
  mode: DialingMode;
  ratio: number;
  agents: number;
  hours: number;
  /** The true probability a person answers, fixed or by the hour of the run. */
  answerRate: number | ((hour: number) => number);
  /** What the dialer is told; null: it estimates from the dials resolved in the last hour. */
  answerRateEstimate: number | null;
  meanHandleSeconds: number;
  cap: number;
  tickSeconds?: number;
}

export interface SimResult {
  attempts: number;
  answered: number;
  abandoned: number;
  connected: number;
  /** The highest 24 h-window rate seen at any tick with at least `minAnswered` answered in the window. */
  max24h: number;
  /** When the highest 24 h rate was seen, and the window's counts then. */
  max24hAt: { hour: number; answered: number; abandoned: number };
  samples24h: number;
  /** Rate over the whole run (the 30-day window when hours <= 720). */
  overall: number;
  maxRatio: number;
  /** Ticks at which the dialer put more calls in flight than the ratio allows. */
  overRatio: number;
}

/**
 * A discrete-time dialer: every tick the controller decides, calls ring 6-24 s and are answered with
 * the true probability, an answered call takes a free agent or is abandoned, handling lasts an
 * exponential time. The 24 h window slides over the answer events.
 */
export function simulate(o: SimOptions, minAnswered = 100): SimResult {
  const rnd = prng(o.seed);
  const tick = o.tickSeconds ?? 2;
  const end = o.hours * 3600;
  const busyUntil: number[] = Array.from({ length: o.agents }, () => 0);
  let ringing: { resolvesAt: number }[] = [];
  const answers: { t: number; abandoned: boolean }[] = [];
  const resolved: { t: number; answered: boolean }[] = [];
  let dialCount = 0;
  let head = 0; // first answer inside the 24 h window
  let resolvedHead = 0;
  const recent = { attempts: 0, answered: 0 };
  const win = { answered: 0, abandoned: 0 };
  const all = { answered: 0, abandoned: 0 };
  let connected = 0;
  let max24h = 0;
  let samples = 0;
  let maxRatio = 0;
  let overRatio = 0;
  let max24hAt = { hour: 0, answered: 0, abandoned: 0 };
  for (let t = 0; t < end; t += tick) {
    // Calls that resolve now.
    const still: typeof ringing = [];
    for (const c of ringing) {
      if (c.resolvesAt > t) {
        still.push(c);
        continue;
      }
      const pTrue = typeof o.answerRate === "number" ? o.answerRate : o.answerRate(t / 3600);
      const answered = rnd() < pTrue;
      resolved.push({ t, answered });
      recent.attempts++;
      if (answered) recent.answered++;
      if (!answered) continue; // busy, no answer, voicemail
      const agent = busyUntil.findIndex((b) => b <= t);
      const abandoned = agent < 0;
      if (!abandoned) {
        busyUntil[agent] = t + -Math.log(1 - rnd()) * o.meanHandleSeconds;
        connected++;
      }
      answers.push({ t, abandoned });
      win.answered++;
      all.answered++;
      if (abandoned) {
        win.abandoned++;
        all.abandoned++;
      }
    }
    ringing = still;
    while (head < answers.length && answers[head]!.t <= t - 86_400) {
      win.answered--;
      if (answers[head]!.abandoned) win.abandoned--;
      head++;
    }
    while (resolvedHead < resolved.length && resolved[resolvedHead]!.t <= t - 3600) {
      recent.attempts--;
      if (resolved[resolvedHead]!.answered) recent.answered--;
      resolvedHead++;
    }
    if (win.answered >= minAnswered) {
      samples++;
      if (win.abandoned / win.answered > max24h) {
        max24h = win.abandoned / win.answered;
        max24hAt = { hour: t / 3600, answered: win.answered, abandoned: win.abandoned };
      }
    }
    const free = busyUntil.filter((b) => b <= t).length;
    const estimate = o.answerRateEstimate ?? estimateAnswerRate({ attempts: recent.attempts, humanAnswered: recent.answered });
    const d = dialsToPlace({
      mode: o.mode,
      ratio: o.ratio,
      freeAgents: free,
      dialingNow: ringing.length,
      answerRate: estimate,
      abandonStats24h: { humanAnswered: win.answered, abandoned: win.abandoned },
      abandonStats30d: { humanAnswered: all.answered, abandoned: all.abandoned },
      cap: o.cap,
    });
    // The ratio bounds the lines: never more in flight than ratio x free agents (or one per free agent).
    if (d.dials > 0 && ringing.length + d.dials > Math.max(free, Math.floor(free * Math.max(1, o.ratio) + 1e-9))) overRatio++;
    maxRatio = Math.max(maxRatio, d.effectiveRatio);
    for (let i = 0; i < d.dials; i++) ringing.push({ resolvesAt: t + 6 + rnd() * 18 });
    dialCount += d.dials;
  }
  return {
    overRatio,
    attempts: dialCount,
    answered: all.answered,
    abandoned: all.abandoned,
    connected,
    max24h,
    max24hAt,
    samples24h: samples,
    overall: all.answered ? all.abandoned / all.answered : 0,
    maxRatio,
  };
}
