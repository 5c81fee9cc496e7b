import { asBureau } from "../auth/bureau.server";
import { recordAudit } from "../auth/audit.server";
import type { Language } from "../i18n/config";
import { DEFAULT_TIME_ZONE, type CurrencyDisplay } from "../i18n/format";
import { db } from "../platform/db.server";
import { auditActor, type BureauCtx } from "./context.server";
import type { BureauSettingsInput } from "./schemas";

/** The bureau's own settings: one row (id = true), created on first save. */
export interface BureauSettings {
  name: string;
  defaultLocale: Language;
  timeZone: string;
  currencyDisplay: CurrencyDisplay;
  updatedAt: Date | null;
}

export const BUREAU_DEFAULTS: BureauSettings = {
  name: "",
  defaultLocale: "fa",
  timeZone: DEFAULT_TIME_ZONE,
  currencyDisplay: "toman",
  updatedAt: null,
};

/** Readable by any signed-in code path (time zone, currency display); not secret. */
export async function getBureauSettings(): Promise<BureauSettings> {
  const row = await db().selectFrom("bureau_settings").selectAll().executeTakeFirst();
  if (!row) return BUREAU_DEFAULTS;
  return {
    name: row.name,
    defaultLocale: row.default_locale as Language,
    timeZone: row.time_zone,
    currencyDisplay: row.currency_display as CurrencyDisplay,
    updatedAt: row.updated_at,
  };
}

export async function saveBureauSettings(ctx: BureauCtx, input: BureauSettingsInput): Promise<void> {
  await asBureau(ctx, "settings.manage", async (trx) => {
    const before = await trx.selectFrom("bureau_settings").selectAll().forUpdate().executeTakeFirst();
    const values = {
      name: input.name,
      default_locale: input.defaultLocale,
      time_zone: input.timeZone,
      currency_display: input.currencyDisplay,
      updated_at: new Date(),
    };
    await trx
      .insertInto("bureau_settings")
      .values({ id: true, ...values })
      .onConflict((oc) => oc.column("id").doUpdateSet(values))
      .execute();
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const pairs = [
      ["name", before?.name ?? null, input.name],
      ["defaultLocale", before?.default_locale ?? null, input.defaultLocale],
      ["timeZone", before?.time_zone ?? null, input.timeZone],
      ["currencyDisplay", before?.currency_display ?? null, input.currencyDisplay],
    ] as const;
    for (const [key, from, to] of pairs) if (from !== to) changes[key] = { from, to };
    await recordAudit(trx, {
      tenantId: null,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "bureau.settings.updated",
      target: { type: "bureau_settings", id: "bureau" },
      data: { changes },
    });
  });
}
