import { z } from "zod";
import { recordAudit } from "../auth/audit.server";
import { asBureau } from "../auth/bureau.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { db, type Executor } from "../platform/db.server";
import { WfmError } from "./errors";
import { DEFAULT_TIME_ZONE } from "./time";
import type { IntervalMinutes, WfmSettingsView } from "./views";
import { weekStartOf } from "./week";

/**
 * Bureau-wide WFM settings (columns of bureau_settings): shrinkage and the occupancy cap that turn
 * Erlang numbers into heads, the interval, the roster's solve budget, and the bureau's zone (the
 * roster week is Saturday 00:00 there).
 */
export const WFM_DEFAULTS: WfmSettingsView = { shrinkage: 0.3, maxOccupancy: 0.85, intervalMinutes: 30, timeZone: DEFAULT_TIME_ZONE, rosterTimeLimitSeconds: 30 };

export async function wfmSettings(trx: Executor = db()): Promise<WfmSettingsView> {
  const row = await trx
    .selectFrom("bureau_settings")
    .select(["time_zone", "wfm_shrinkage_bp", "wfm_max_occupancy_bp", "wfm_interval_minutes", "wfm_roster_time_limit_seconds"])
    .executeTakeFirst();
  if (!row) return WFM_DEFAULTS;
  return {
    shrinkage: row.wfm_shrinkage_bp / 10_000,
    maxOccupancy: row.wfm_max_occupancy_bp / 10_000,
    intervalMinutes: row.wfm_interval_minutes as IntervalMinutes,
    timeZone: row.time_zone || DEFAULT_TIME_ZONE,
    rosterTimeLimitSeconds: row.wfm_roster_time_limit_seconds,
  };
}

export const wfmSettingsSchema = z.object({
  shrinkage: z.number().min(0).max(0.9),
  maxOccupancy: z.number().min(0.1).max(1),
  intervalMinutes: z.union([z.literal(15), z.literal(30)]).optional(),
  rosterTimeLimitSeconds: z.number().int().min(2).max(600).optional(),
});

export async function updateWfmSettings(ctx: BureauCtx, raw: unknown): Promise<WfmSettingsView> {
  const parsed = wfmSettingsSchema.safeParse(raw);
  if (!parsed.success) throw new WfmError("invalid", String(parsed.error.issues[0]?.path[0] ?? ""));
  const input = parsed.data;
  return asBureau(ctx, "wfm.manage", async (trx) => {
    const values = {
      wfm_shrinkage_bp: Math.round(input.shrinkage * 10_000),
      wfm_max_occupancy_bp: Math.round(input.maxOccupancy * 10_000),
      ...(input.intervalMinutes ? { wfm_interval_minutes: input.intervalMinutes } : {}),
      ...(input.rosterTimeLimitSeconds ? { wfm_roster_time_limit_seconds: input.rosterTimeLimitSeconds } : {}),
    };
    // The settings row is created on first save (bureau/settings.server.ts does the same).
    await trx
      .insertInto("bureau_settings")
      .values({ id: true, name: "", ...values })
      .onConflict((oc) => oc.column("id").doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
    await recordAudit(trx, { tenantId: null, actor: auditActor(ctx), ip: ctx.ip, action: "wfm.settings.updated", data: { ...input } });
    return wfmSettings(trx);
  });
}

/** The Saturday of the roster week containing `now` in the bureau's zone. */
export function currentWeekStart(now = new Date(), timeZone = DEFAULT_TIME_ZONE): string {
  return weekStartOf(now, timeZone);
}
