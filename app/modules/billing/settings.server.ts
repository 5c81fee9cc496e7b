import type { CurrencyDisplay } from "../i18n/format";
import { DEFAULT_TIME_ZONE } from "../i18n/format";
import { db } from "../platform/db.server";
import type { BillingCalendar } from "./periods";

/**
 * The bureau's billing choices the pages need: whose months invoices cover (Gregorian or Jalali), how
 * IRR amounts are read (rial or toman) and the bureau's zone (where a bureau-wide month is cut).
 * Not secret, not tenant-owned: any signed-in page may read them.
 */
export interface BillingSettings {
  calendar: BillingCalendar;
  currencyDisplay: CurrencyDisplay;
  timeZone: string;
}

export async function billingSettings(): Promise<BillingSettings> {
  const row = await db().selectFrom("bureau_settings").select(["billing_calendar", "currency_display", "time_zone"]).executeTakeFirst();
  return {
    calendar: row?.billing_calendar === "jalali" ? "jalali" : "gregorian",
    currencyDisplay: row?.currency_display === "rial" ? "rial" : "toman",
    timeZone: row?.time_zone ?? DEFAULT_TIME_ZONE,
  };
}
