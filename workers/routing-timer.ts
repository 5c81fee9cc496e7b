import { logger } from "../app/modules/platform/logger.server";
import { sweep } from "../app/modules/routing/sweep.server";

/**
 * The routing timer: one sweep a second (offer expiry, overflow at max wait, due callbacks, matches a
 * lock made a trigger skip). A sweep never overlaps the previous one in this process; several worker
 * processes may sweep at once, the SKIP LOCKED claims keep them apart.
 */
export function startRoutingTimer(intervalMs = 1000) {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    running = sweep()
      .then((r) => {
        if (r.expired || r.overflowed || r.callbacksQueued || r.matched) logger.debug({ sweep: r }, "routing sweep");
      })
      .catch((err: unknown) => logger.error({ err }, "routing sweep failed"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
