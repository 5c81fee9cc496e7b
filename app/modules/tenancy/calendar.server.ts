import { sql } from "kysely";
import { asBureau } from "../auth/bureau.server";
import { recordAudit } from "../auth/audit.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { mapConflicts, NotFoundError } from "../bureau/errors";
import { minutesOf, toHHMM, type HoursRange } from "./business-hours";
import { lockTenant } from "./manage.server";
import type { HolidayInput } from "./schemas";
import { withTenant } from "./scope.server";
import { DEFAULT_TIME_ZONE } from "../i18n/format";
import type { BusinessCalendar } from "../ivr/calendar";

/** A tenant's business hours and holidays (the IVR's open/closed decision reads them). */
export async function getBusinessHours(ctx: BureauCtx, tenantId: string): Promise<HoursRange[]> {
  return asBureau(ctx, "tenants.list", async (trx) => {
    const rows = await trx
      .selectFrom("tenant_business_hours")
      .select(["weekday", "opens_at", "closes_at"])
      .where("tenant_id", "=", tenantId)
      .orderBy("weekday")
      .orderBy("opens_at")
      .execute();
    return rows.map((r) => ({ weekday: r.weekday, opens: toHHMM(r.opens_at), closes: toHHMM(r.closes_at) }));
  });
}

/** Replaces the whole week at once; ranges were validated by businessHoursSchema (closes > opens, no overlap). */
export async function setBusinessHours(ctx: BureauCtx, tenantId: string, ranges: readonly HoursRange[]): Promise<void> {
  const sorted = [...ranges].sort((a, b) => a.weekday - b.weekday || minutesOf(a.opens) - minutesOf(b.opens));
  await asBureau(ctx, "tenants.manage", async (trx) => {
    await lockTenant(trx, tenantId);
    await trx.deleteFrom("tenant_business_hours").where("tenant_id", "=", tenantId).execute();
    if (sorted.length) {
      await trx
        .insertInto("tenant_business_hours")
        .values(sorted.map((r) => ({ tenant_id: tenantId, weekday: r.weekday, opens_at: r.opens, closes_at: r.closes })))
        .execute();
    }
    await recordAudit(trx, {
      tenantId,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "tenant.hours.updated",
      target: { type: "tenant", id: tenantId },
      data: { ranges: sorted.map((r) => ({ weekday: r.weekday, opens: r.opens, closes: r.closes })) },
    });
  });
}

export interface Holiday {
  id: string;
  day: string; // ISO calendar day
  name: string;
}

export async function listHolidays(ctx: BureauCtx, tenantId: string): Promise<Holiday[]> {
  return asBureau(ctx, "tenants.list", (trx) =>
    trx
      .selectFrom("tenant_holidays")
      .select(["id", "name", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
      .where("tenant_id", "=", tenantId)
      .orderBy("tenant_holidays.day")
      .execute(),
  );
}

export async function addHoliday(ctx: BureauCtx, tenantId: string, input: HolidayInput): Promise<Holiday> {
  return mapConflicts(
    () =>
      asBureau(ctx, "tenants.manage", async (trx) => {
        await lockTenant(trx, tenantId);
        const row = await trx
          .insertInto("tenant_holidays")
          .values({ tenant_id: tenantId, day: input.day, name: input.name })
          .returning(["id", "name", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          tenantId,
          actor: auditActor(ctx),
          ip: ctx.ip,
          action: "tenant.holiday.added",
          target: { type: "holiday", id: row.id },
          data: { day: row.day, name: row.name },
        });
        return row;
      }),
    { tenant_holidays_tenant_id_day_key: { field: "day", messageKey: "validation:holidayTaken" } },
  );
}

export async function removeHoliday(ctx: BureauCtx, tenantId: string, holidayId: string): Promise<void> {
  await asBureau(ctx, "tenants.manage", async (trx) => {
    await lockTenant(trx, tenantId);
    const row = await trx
      .deleteFrom("tenant_holidays")
      .where("tenant_id", "=", tenantId)
      .where("id", "=", holidayId)
      .returning(["id", "name", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
      .executeTakeFirst();
    if (!row) throw new NotFoundError("holiday");
    await recordAudit(trx, {
      tenantId,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "tenant.holiday.removed",
      target: { type: "holiday", id: row.id },
      data: { day: row.day, name: row.name },
    });
  });
}

/**
 * The tenant's calendar as the IVR interpreter takes it (zone, weekly hours, holidays), read in the
 * tenant's own context: a system read for a call already resolved to this tenant, no user involved.
 */
export function tenantBusinessCalendar(tenantId: string): Promise<BusinessCalendar> {
  return withTenant(tenantId, async (trx) => {
    const tenant = await trx.selectFrom("tenants").select("time_zone").where("id", "=", tenantId).executeTakeFirst();
    const hours = await trx
      .selectFrom("tenant_business_hours")
      .select(["weekday", "opens_at", "closes_at"])
      .where("tenant_id", "=", tenantId)
      .orderBy("weekday")
      .orderBy("opens_at")
      .execute();
    const holidays = await trx
      .selectFrom("tenant_holidays")
      .select(["name", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
      .where("tenant_id", "=", tenantId)
      .orderBy("tenant_holidays.day")
      .execute();
    return {
      timeZone: tenant?.time_zone ?? DEFAULT_TIME_ZONE,
      hours: hours.map((r) => ({ weekday: r.weekday, opens: toHHMM(r.opens_at), closes: toHHMM(r.closes_at) })),
      holidays,
    };
  });
}
