import { logger } from "../platform/logger.server";
import { meterPending } from "./metering.server";
import { meterRecordings } from "./recordings.server";
import { meterSeats } from "./seats.server";

export interface MeterAllResult {
  interactions: number;
  inserted: number;
  /** Dedicated seats with days metered, and their records. */
  seats: { seats: number; inserted: number };
  /** Interactions whose recordings' storage days were metered, and their records. */
  recordings: { interactions: number; inserted: number };
}

/**
 * The metering job: works through pending interactions in batches until none is left (or 20
 * batches), then the daily kinds: seat-hours of dedicated agents and recording storage. Those have
 * work only once a local day has ended, so on most runs they read a few index rows and stop. The
 * interactions go first: a recording found there is due for storage in the same run.
 */
export async function meterAll(now?: Date): Promise<MeterAllResult> {
  let interactions = 0;
  let inserted = 0;
  for (let i = 0; i < 20; i++) {
    const r = await meterPending({ limit: 500 });
    interactions += r.interactions;
    inserted += r.inserted;
    if (r.interactions < 500) break;
  }
  const seats = await meterSeats({ now });
  const recordings = { interactions: 0, inserted: 0 };
  for (let i = 0; i < 20; i++) {
    const r = await meterRecordings({ now, limit: 500 });
    recordings.interactions += r.interactions;
    recordings.inserted += r.inserted;
    if (r.interactions < 500) break;
  }
  if (interactions || seats.inserted || recordings.inserted) logger.debug({ interactions, inserted, seats, recordings }, "usage metered");
  return { interactions, inserted, seats, recordings };
}
