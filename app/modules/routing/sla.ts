/**
 * Service level as the wallboard states it:
 *
 *   SL = contacts answered within the threshold / (contacts answered + contacts abandoned after the
 *        short-abandon threshold)
 *
 * Short abandons (the caller hung up within a few seconds: a misdial, a change of mind) count
 * neither way, which is the common definition in contact centres and the one clients sign SLAs on.
 * Contacts still waiting are left out until they are answered or abandoned. Pure.
 */
export interface SlSample {
  outcome: "answered" | "abandoned";
  /** Seconds from entering the queue to answer or abandon. */
  waitSeconds: number;
}

export interface SlResult {
  answered: number;
  answeredWithin: number;
  abandoned: number;
  shortAbandoned: number;
  /** Percentage 0-100 rounded to one decimal, or null when no contact counts yet. */
  serviceLevel: number | null;
  /** Abandoned (after the short threshold) / (answered + abandoned), percentage, or null. */
  abandonRate: number | null;
}

export function serviceLevel(samples: readonly SlSample[], thresholdSeconds: number, shortAbandonSeconds: number): SlResult {
  let answered = 0;
  let answeredWithin = 0;
  let abandoned = 0;
  let shortAbandoned = 0;
  for (const s of samples) {
    if (s.outcome === "answered") {
      answered++;
      if (s.waitSeconds <= thresholdSeconds) answeredWithin++;
    } else if (s.waitSeconds <= shortAbandonSeconds) {
      shortAbandoned++;
    } else {
      abandoned++;
    }
  }
  return serviceLevelFromCounts({ answered, answeredWithin, abandoned, shortAbandoned });
}

export interface SlCounts {
  answered: number;
  answeredWithin: number;
  abandoned: number;
  shortAbandoned: number;
}

/** The same figures from counts already split by threshold (what the wallboard's SQL returns). */
export function serviceLevelFromCounts(c: SlCounts): SlResult {
  const counted = c.answered + c.abandoned;
  const pct = (n: number) => (counted === 0 ? null : Math.round((n / counted) * 1000) / 10);
  return { ...c, serviceLevel: pct(c.answeredWithin), abandonRate: pct(c.abandoned) };
}
