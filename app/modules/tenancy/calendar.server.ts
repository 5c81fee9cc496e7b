import { sql } from "kysely";
import { asBureau } from "../auth/bureau.server";
import { recordAudit } from "../auth/audit.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { FieldConflict, mapConflicts, NotFoundError } from "../bureau/errors";
import { minutesOf, toHHMM, type HoursRange } from "./business-hours";
import { lockTenant } from "./manage.server";
import type { HolidayInput, SpecialHoursInput } from "./schemas";
import type { Trx } from "../platform/db.server";
import { withTenant } from "./scope.server";
import { DEFAULT_TIME_ZONE } from "../i18n/format";
import type { BusinessCalendar } from "../ivr/calendar";

/**
 * A tenant's business calendar: weekly hours, special hours for a date, holidays (the IVR's
 * open/closed decision reads them). Each write and its audit record commit in one transaction.
 *
 * The functions on a transaction are shared by the bureau console (asBureau: permission-checked,
 * bureau scope) and the client portal (withTenant after requireTenantPermission), so both editors
 * write the same rows the same way.
 */
export interface CalendarActor {
  userId: string;
  label: string;
  ip: string | null;
}

export interface Holiday {
  id: string;
  day: string; // ISO calendar day
  name: string;
}

export interface SpecialDay {
  day: string; // ISO calendar day
  note: string;
  ranges: { opens: string; closes: string }[];
}

export async function readHours(trx: Trx, tenantId: string): Promise<HoursRange[]> {
  const rows = await trx
    .selectFrom("tenant_business_hours")
    .select(["weekday", "opens_at", "closes_at"])
    .where("tenant_id", "=", tenantId)
    .orderBy("weekday")
    .orderBy("opens_at")
    .execute();
  return rows.map((r) => ({ weekday: r.weekday, opens: toHHMM(r.opens_at), closes: toHHMM(r.closes_at) }));
}

/** Replaces the whole week at once; ranges were validated by businessHoursSchema (closes > opens, no overlap). */
export async function writeHours(trx: Trx, tenantId: string, ranges: readonly HoursRange[], actor: CalendarActor): Promise<void> {
  const sorted = [...ranges].sort((a, b) => a.weekday - b.weekday || minutesOf(a.opens) - minutesOf(b.opens));
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
    actor,
    ip: actor.ip,
    action: "tenant.hours.updated",
    target: { type: "tenant", id: tenantId },
    data: { ranges: sorted.map((r) => ({ weekday: r.weekday, opens: r.opens, closes: r.closes })) },
  });
}

export function readHolidays(trx: Trx, tenantId: string): Promise<Holiday[]> {
  return trx
    .selectFrom("tenant_holidays")
    .select(["id", "name", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
    .where("tenant_id", "=", tenantId)
    .orderBy("tenant_holidays.day")
    .execute();
}

export async function insertHoliday(trx: Trx, tenantId: string, input: HolidayInput, actor: CalendarActor): Promise<Holiday> {
  await lockTenant(trx, tenantId);
  const row = await trx
    .insertInto("tenant_holidays")
    .values({ tenant_id: tenantId, day: input.day, name: input.name })
    .returning(["id", "name", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    tenantId,
    actor,
    ip: actor.ip,
    action: "tenant.holiday.added",
    target: { type: "holiday", id: row.id },
    data: { day: row.day, name: row.name },
  });
  return row;
}

export async function deleteHoliday(trx: Trx, tenantId: string, holidayId: string, actor: CalendarActor): Promise<void> {
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
    actor,
    ip: actor.ip,
    action: "tenant.holiday.removed",
    target: { type: "holiday", id: row.id },
    data: { day: row.day, name: row.name },
  });
}

export async function readSpecialDays(trx: Trx, tenantId: string): Promise<SpecialDay[]> {
  const rows = await trx
    .selectFrom("tenant_special_hours")
    .select(["opens_at", "closes_at", "note", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
    .where("tenant_id", "=", tenantId)
    .orderBy("tenant_special_hours.day")
    .orderBy("opens_at")
    .execute();
  const days = new Map<string, SpecialDay>();
  for (const r of rows) {
    const day = days.get(r.day) ?? { day: r.day, note: r.note, ranges: [] };
    day.ranges.push({ opens: toHHMM(r.opens_at), closes: toHHMM(r.closes_at) });
    days.set(r.day, day);
  }
  return [...days.values()];
}

/**
 * Sets (or replaces) the hours of one date. A date that is a holiday is refused: the holiday would
 * silently win, and the person editing should decide which of the two they mean.
 */
export async function writeSpecialDay(trx: Trx, tenantId: string, input: SpecialHoursInput, actor: CalendarActor): Promise<void> {
  await lockTenant(trx, tenantId);
  const holiday = await trx
    .selectFrom("tenant_holidays")
    .select("name")
    .where("tenant_id", "=", tenantId)
    .where("day", "=", isoDay(input.day))
    .executeTakeFirst();
  if (holiday) throw new FieldConflict("day", "validation:specialOnHoliday");
  await trx.deleteFrom("tenant_special_hours").where("tenant_id", "=", tenantId).where("day", "=", isoDay(input.day)).execute();
  const sorted = [...input.ranges].sort((a, b) => minutesOf(a.opens) - minutesOf(b.opens));
  await trx
    .insertInto("tenant_special_hours")
    .values(sorted.map((r) => ({ tenant_id: tenantId, day: input.day, opens_at: r.opens, closes_at: r.closes, note: input.note })))
    .execute();
  await recordAudit(trx, {
    tenantId,
    actor,
    ip: actor.ip,
    action: "tenant.specialHours.set",
    target: { type: "tenant", id: tenantId },
    data: { day: input.day, note: input.note, ranges: sorted },
  });
}

export async function deleteSpecialDay(trx: Trx, tenantId: string, day: string, actor: CalendarActor): Promise<void> {
  await lockTenant(trx, tenantId);
  const rows = await trx
    .deleteFrom("tenant_special_hours")
    .where("tenant_id", "=", tenantId)
    .where("day", "=", isoDay(day))
    .returning("id")
    .execute();
  if (rows.length === 0) throw new NotFoundError("special hours");
  await recordAudit(trx, {
    tenantId,
    actor,
    ip: actor.ip,
    action: "tenant.specialHours.removed",
    target: { type: "tenant", id: tenantId },
    data: { day },
  });
}

/** A "YYYY-MM-DD" day compared as a Postgres date (the column reads back as a Date). */
const isoDay = (day: string) => sql<Date>`${day}::date`;

const HOLIDAY_CONFLICTS = { tenant_holidays_tenant_id_day_key: { field: "day", messageKey: "validation:holidayTaken" } };

const bureauActor = (ctx: BureauCtx): CalendarActor => ({ ...auditActor(ctx), ip: ctx.ip });

// Bureau console: the same writes under asBureau (permission-checked, bureau scope).
export const getBusinessHours = (ctx: BureauCtx, tenantId: string) => asBureau(ctx, "tenants.list", (trx) => readHours(trx, tenantId));
export const setBusinessHours = (ctx: BureauCtx, tenantId: string, ranges: readonly HoursRange[]) =>
  asBureau(ctx, "tenants.manage", (trx) => writeHours(trx, tenantId, ranges, bureauActor(ctx)));
export const listHolidays = (ctx: BureauCtx, tenantId: string) => asBureau(ctx, "tenants.list", (trx) => readHolidays(trx, tenantId));
export const addHoliday = (ctx: BureauCtx, tenantId: string, input: HolidayInput) =>
  mapConflicts(() => asBureau(ctx, "tenants.manage", (trx) => insertHoliday(trx, tenantId, input, bureauActor(ctx))), HOLIDAY_CONFLICTS);
export const removeHoliday = (ctx: BureauCtx, tenantId: string, holidayId: string) =>
  asBureau(ctx, "tenants.manage", (trx) => deleteHoliday(trx, tenantId, holidayId, bureauActor(ctx)));

/** Everything the portal's calendar page shows, in one tenant transaction. */
export function tenantCalendarPage(tenantId: string) {
  return withTenant(tenantId, async (trx) => ({
    hours: await readHours(trx, tenantId),
    holidays: await readHolidays(trx, tenantId),
    specialDays: await readSpecialDays(trx, tenantId),
  }));
}

// Client portal: the caller has checked "tenant.hours.manage" on this tenant.
export const tenantCalendar = {
  setHours: (tenantId: string, ranges: readonly HoursRange[], actor: CalendarActor) =>
    withTenant(tenantId, (trx) => writeHours(trx, tenantId, ranges, actor)),
  addHoliday: (tenantId: string, input: HolidayInput, actor: CalendarActor) =>
    mapConflicts(() => withTenant(tenantId, (trx) => insertHoliday(trx, tenantId, input, actor)), HOLIDAY_CONFLICTS),
  removeHoliday: (tenantId: string, holidayId: string, actor: CalendarActor) =>
    withTenant(tenantId, (trx) => deleteHoliday(trx, tenantId, holidayId, actor)),
  setSpecialDay: (tenantId: string, input: SpecialHoursInput, actor: CalendarActor) =>
    withTenant(tenantId, (trx) => writeSpecialDay(trx, tenantId, input, actor)),
  removeSpecialDay: (tenantId: string, day: string, actor: CalendarActor) =>
    withTenant(tenantId, (trx) => deleteSpecialDay(trx, tenantId, day, actor)),
};

/**
 * The tenant's calendar as the IVR interpreter takes it (zone, weekly hours, special hours, holidays),
 * read inside a transaction already scoped to the tenant, so a webhook step can read it in the same
 * transaction as the call it moves.
 */
export async function readBusinessCalendar(trx: Trx, tenantId: string): Promise<BusinessCalendar> {
  const [tenant, hours, holidays, special] = await Promise.all([
    trx.selectFrom("tenants").select("time_zone").where("id", "=", tenantId).executeTakeFirst(),
    trx
      .selectFrom("tenant_business_hours")
      .select(["weekday", "opens_at", "closes_at"])
      .where("tenant_id", "=", tenantId)
      .orderBy("weekday")
      .orderBy("opens_at")
      .execute(),
    trx
      .selectFrom("tenant_holidays")
      .select(["name", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
      .where("tenant_id", "=", tenantId)
      .orderBy("tenant_holidays.day")
      .execute(),
    trx
      .selectFrom("tenant_special_hours")
      .select(["opens_at", "closes_at", sql<string>`to_char(day, 'YYYY-MM-DD')`.as("day")])
      .where("tenant_id", "=", tenantId)
      .orderBy("tenant_special_hours.day")
      .orderBy("opens_at")
      .execute(),
  ]);
  return {
    timeZone: tenant?.time_zone ?? DEFAULT_TIME_ZONE,
    hours: hours.map((r) => ({ weekday: r.weekday, opens: toHHMM(r.opens_at), closes: toHHMM(r.closes_at) })),
    specialHours: special.map((r) => ({ day: r.day, opens: toHHMM(r.opens_at), closes: toHHMM(r.closes_at) })),
    holidays,
  };
}

/** The same, in its own tenant transaction: a system read for a call already resolved to this tenant. */
export function tenantBusinessCalendar(tenantId: string): Promise<BusinessCalendar> {
  return withTenant(tenantId, (trx) => readBusinessCalendar(trx, tenantId));
}
