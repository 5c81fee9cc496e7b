import { sql } from "kysely";
import { withTenant } from "../tenancy/scope.server";

/**
 * What the client portal's overview shows. Read-only and inside the tenant's RLS context, so a
 * missed filter can still only return this tenant's rows.
 */
export interface TenantOverview {
  numbers: { id: string; e164: string; label: string; channels: string[] }[];
  hours: { weekday: number; opensAt: string; closesAt: string }[];
  holidays: { day: string; name: string }[];
  memberCount: number;
}

/** Today's date ("2026-03-21") in a time zone. */
export function todayIn(timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export function getTenantOverview(tenant: { id: string; timeZone: string }, limitHolidays = 10): Promise<TenantOverview> {
  return withTenant(tenant.id, async (trx) => {
    const numbers = await trx
      .selectFrom("tenant_phone_numbers")
      .select(["id", "e164", "label", "channels"])
      .where("tenant_id", "=", tenant.id)
      .orderBy("created_at")
      .execute();
    const hours = await trx
      .selectFrom("tenant_business_hours")
      .select(["weekday", sql<string>`to_char(opens_at, 'HH24:MI')`.as("opensAt"), sql<string>`to_char(closes_at, 'HH24:MI')`.as("closesAt")])
      .where("tenant_id", "=", tenant.id)
      .orderBy("weekday")
      .orderBy("opens_at")
      .execute();
    const holidays = await trx
      .selectFrom("tenant_holidays")
      .select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day"), "name"])
      .where("tenant_id", "=", tenant.id)
      .where("day", ">=", sql<Date>`${todayIn(tenant.timeZone)}::date`)
      .orderBy("day")
      .limit(limitHolidays)
      .execute();
    const members = await trx
      .selectFrom("tenant_members")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("tenant_id", "=", tenant.id)
      .executeTakeFirstOrThrow();
    return { numbers, hours, holidays, memberCount: Number(members.n) };
  });
}
