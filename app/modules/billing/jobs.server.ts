import { logger } from "../platform/logger.server";
import { meterPending } from "./metering.server";

/** The metering job: works through pending interactions in batches until none is left (or 20 batches). */
export async function meterAll(): Promise<{ interactions: number; inserted: number }> {
  let interactions = 0;
  let inserted = 0;
  for (let i = 0; i < 20; i++) {
    const r = await meterPending({ limit: 500 });
    interactions += r.interactions;
    inserted += r.inserted;
    if (r.interactions < 500) break;
  }
  if (interactions) logger.debug({ interactions, inserted }, "usage metered");
  return { interactions, inserted };
}
