import { REPEAT_WINDOW_DAYS } from "../customers/repeat";

/**
 * Repeat contacts and first-contact resolution (FCR), by the boundary customers/repeat.ts uses:
 * contact B repeats contact A when both are the same customer's (and, by default, the same reason's)
 * and A started before B by at most N days (0 < B - A <= N days). Pure.
 *
 * A contact's FCR depends on what happens after it, so FCR for a day is final only N days later: the
 * rollup worker recomputes the intervals of the last N days (their flags change, their other
 * measures do not). Its history must hold the contacts N days either side of the ones counted.
 */
export type RepeatMatch = "customerAndReason" | "customer";

export interface RepeatOptions {
  /** N: a later contact within this many days is a repeat (7, as the customer view). */
  windowDays?: number;
  /**
   * customerAndReason (default, the definition): a repeat is the same customer about the
   * same reason; contacts without a reason (most unanswered calls) take no part.
   * customer: any contact of the same customer, as the customer 360 view flags it.
   */
  match?: RepeatMatch;
}

export interface RepeatSubject {
  id: string;
  direction: "inbound" | "outbound";
  startedAt: Date;
  customerId: string | null;
  reasonCode: string | null;
}

export interface RepeatFlags {
  /** The contact takes part at all (known customer; known reason when matching by reason). */
  eligible: boolean;
  /** An earlier eligible contact of the same key started at most N days before it. */
  isRepeat: boolean;
  /** A later eligible contact of the same key started at most N days after it (FCR fails). */
  repeatedLater: boolean;
}

const DAY_MS = 86_400_000;

export function repeatKey(c: RepeatSubject, match: RepeatMatch): string | null {
  // Outbound attempts are the bureau calling, not the customer coming back: never repeats.
  if (c.direction !== "inbound" || c.customerId === null) return null;
  if (match === "customer") return c.customerId;
  return c.reasonCode === null ? null : `${c.customerId}\u0000${c.reasonCode}`;
}

/**
 * The repeat flags of every contact in `contacts` (keyed by id); a contact appearing twice (once
 * counted, once as history) is taken once. O(n log n): one sort per customer key.
 */
export function repeatFlags(contacts: Iterable<RepeatSubject>, options: RepeatOptions = {}): Map<string, RepeatFlags> {
  const windowMs = (options.windowDays ?? REPEAT_WINDOW_DAYS) * DAY_MS;
  const match = options.match ?? "customerAndReason";
  const groups = new Map<string, { id: string; t: number }[]>();
  const flags = new Map<string, RepeatFlags>();
  for (const c of contacts) {
    if (flags.has(c.id)) continue;
    const key = repeatKey(c, match);
    flags.set(c.id, { eligible: key !== null, isRepeat: false, repeatedLater: false });
    if (key === null) continue;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push({ id: c.id, t: c.startedAt.getTime() });
  }
  for (const g of groups.values()) {
    g.sort((a, b) => a.t - b.t);
    // For each contact the nearest strictly earlier one decides isRepeat, the nearest strictly later
    // one repeatedLater: contacts at the same instant are not repeats of each other (as in repeat.ts).
    let prevDistinct = -1; // index of the last element with t < current t
    for (let i = 0; i < g.length; i++) {
      const cur = g[i]!;
      if (i > 0 && g[i - 1]!.t < cur.t) prevDistinct = i - 1;
      if (prevDistinct >= 0 && cur.t - g[prevDistinct]!.t <= windowMs) flags.get(cur.id)!.isRepeat = true;
    }
    let nextDistinct = -1;
    for (let i = g.length - 1; i >= 0; i--) {
      const cur = g[i]!;
      if (i < g.length - 1 && g[i + 1]!.t > cur.t) nextDistinct = i + 1;
      if (nextDistinct >= 0 && g[nextDistinct]!.t - cur.t <= windowMs) flags.get(cur.id)!.repeatedLater = true;
    }
  }
  return flags;
}
