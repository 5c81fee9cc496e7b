import { serviceLevelFromCounts, type SlCounts, type SlResult } from "../routing/sla";
import type { SlaCommitment } from "./plan";
import type { QueueSlCounts, SlaOutcome } from "./rating";

/**
 * SLA attainment against the contract, for the pages: the same comparison the close makes
 * (rating.ts), so what the client reads as "below commitment" is what the invoice credits. Pure.
 */

/** The service level the contract promises: the mildest threshold (below it the first credit starts). */
export function committedBp(commitment: SlaCommitment): number | null {
  return commitment.thresholds.length ? Math.max(...commitment.thresholds.map((t) => t.belowBp)) : null;
}

/** One commitment's outcome for a period's counts (null queueKey: all queues together). */
export function commitmentOutcome(commitment: SlaCommitment, queues: readonly QueueSlCounts[]): SlaOutcome {
  const counts: SlCounts = { answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0 };
  for (const q of queues) {
    if (commitment.queueKey !== null && q.queueKey !== commitment.queueKey) continue;
    counts.answered += q.counts.answered;
    counts.answeredWithin += q.counts.answeredWithin;
    counts.abandoned += q.counts.abandoned;
    counts.shortAbandoned += q.counts.shortAbandoned;
  }
  const result: SlResult = serviceLevelFromCounts(counts);
  // Compared at the precision shown (0.1%), as the close does: 80.0% is not below 80%.
  const serviceLevelBp = result.serviceLevel === null ? null : Math.round(result.serviceLevel * 100);
  let breached: { belowBp: number; creditBp: number } | null = null;
  if (serviceLevelBp !== null) for (const t of commitment.thresholds) if (serviceLevelBp < t.belowBp) breached = t;
  return { queueKey: commitment.queueKey, result, serviceLevelBp, breachedBelowBp: breached?.belowBp ?? null, creditBp: breached?.creditBp ?? 0 };
}
