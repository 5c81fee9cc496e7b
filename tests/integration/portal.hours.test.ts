import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantBusinessCalendar } from "~/modules/tenancy/calendar.server";
import { calendarStatus } from "~/modules/ivr/calendar";
import { action, loader } from "~/routes/t.$slug.hours";
import { makeTenant, makeUser } from "../setup/factories";
import { ownerDb } from "../setup/test-db";
import { args, get, post, signIn, thrownStatus } from "./portal.helpers";

const owner = ownerDb();
afterAll(() => owner.destroy());

type Tenant = Awaited<ReturnType<typeof makeTenant>>;
let a: Tenant;
let b: Tenant;
let adminEn: string;
let adminFa: string;
let viewer: string;
let staffManager: string;
let staffQa: string;

const path = () => `/t/${a.slug}/hours`;
type ActionData = {
  intent: string;
  result?: { error?: Record<string, string[] | null> | null; status?: string } | null;
  notice: { key: string; day?: string } | null;
};
const act = (cookie: string, fields: Record<string, string | string[]>, tenant = a) =>
  action(args(post(`/t/${tenant.slug}/hours`, cookie, fields), { slug: tenant.slug })) as Promise<ActionData>;
const load = (cookie: string, tenant = a) => loader(args(get(`/t/${tenant.slug}/hours`, cookie), { slug: tenant.slug }));

beforeAll(async () => {
  a = await makeTenant({ name: "Alpha Insurance" });
  b = await makeTenant({ name: "Beta Bank" });
  const admin = await makeUser({ memberOf: [{ tenantId: a.id, role: "client_admin" }] });
  adminEn = await signIn(admin.id);
  adminFa = adminEn.replace("hk_lang=en", "hk_lang=fa");
  viewer = await signIn((await makeUser({ memberOf: [{ tenantId: a.id, role: "client_viewer" }] })).id);
  staffManager = await signIn((await makeUser({ staffRoles: ["manager"] })).id);
  staffQa = await signIn((await makeUser({ staffRoles: ["qa_analyst"] })).id);
});

describe("the portal's business calendar page", () => {
  it("saves the weekly grid, and the IVR's calendar reads it", async () => {
    const saved = await act(adminEn, {
      intent: "hours",
      "ranges[0].weekday": "6",
      "ranges[0].opens": "08:00",
      "ranges[0].closes": "17:00",
      "ranges[1].weekday": "3",
      "ranges[1].opens": "۰۸:۰۰",
      "ranges[1].closes": "24:00",
    });
    expect(saved.notice).toEqual({ key: "hours.saved" });
    const data = await load(adminEn);
    expect(data.hours).toEqual([
      { weekday: 3, opens: "08:00", closes: "24:00" },
      { weekday: 6, opens: "08:00", closes: "17:00" },
    ]);
    expect(data.canManage).toBe(true);
    const calendar = await tenantBusinessCalendar(a.id);
    expect(calendar.hours).toHaveLength(2);
  });

  it("refuses overlapping ranges with an error on the row, leaving the stored week untouched", async () => {
    const refused = await act(adminEn, {
      intent: "hours",
      "ranges[0].weekday": "1",
      "ranges[0].opens": "08:00",
      "ranges[0].closes": "12:00",
      "ranges[1].weekday": "1",
      "ranges[1].opens": "11:00",
      "ranges[1].closes": "13:00",
    });
    expect(refused.result?.error).toMatchObject({ "ranges[1].opens": ["validation:hoursOverlap"] });
    expect((await load(adminEn)).hours).toHaveLength(2);
  });

  it("adds holidays by Jalali date in Persian and ISO in English; a duplicate day is a field error", async () => {
    expect((await act(adminFa, { intent: "addHoliday", day: "۱۴۰۵/۰۱/۰۱", name: "نوروز" })).notice).toEqual({ key: "holidays.added" });
    const isoInFa = await act(adminFa, { intent: "addHoliday", day: "2026-03-22", name: "x" });
    expect(isoInFa.result?.error).toEqual({ day: ["validation:jalaliDate"] });
    const dup = await act(adminEn, { intent: "addHoliday", day: "2026-03-21", name: "Nowruz" });
    expect(dup.result?.error).toEqual({ day: ["validation:holidayTaken"] });
    const data = await load(adminEn);
    expect(data.holidays.map((h) => [h.day, h.name])).toEqual([["2026-03-21", "نوروز"]]);
  });

  it("sets special hours for a date, replaces them on a second save, and the IVR follows them", async () => {
    // 1405/12/28 = 2027-03-19, a Friday (closed in the weekly grid).
    const first = await act(adminFa, {
      intent: "setSpecial",
      day: "۱۴۰۵/۱۲/۲۸",
      note: "پیش از نوروز",
      "ranges[0].opens": "09:00",
      "ranges[0].closes": "12:00",
    });
    expect(first.notice?.key).toBe("special.saved");
    const second = await act(adminEn, {
      intent: "setSpecial",
      day: "2027-03-19",
      note: "Pre-Nowruz",
      "ranges[0].opens": "14:00",
      "ranges[0].closes": "16:00",
      "ranges[1].opens": "09:00",
      "ranges[1].closes": "13:00",
    });
    expect(second.notice?.key).toBe("special.saved");
    const data = await load(adminEn);
    expect(data.specialDays).toEqual([
      {
        day: "2027-03-19",
        note: "Pre-Nowruz",
        ranges: [
          { opens: "09:00", closes: "13:00" },
          { opens: "14:00", closes: "16:00" },
        ],
      },
    ]);
    const calendar = await tenantBusinessCalendar(a.id);
    expect(calendarStatus(calendar, new Date("2027-03-19T06:30:00Z"))).toBe("open"); // 10:00 Tehran
    expect(calendarStatus(calendar, new Date("2027-03-19T09:45:00Z"))).toBe("closed"); // 13:15, the gap
    expect(calendarStatus(calendar, new Date("2027-03-26T06:30:00Z"))).toBe("closed"); // the next Friday
  });

  it("refuses special hours without a range, with overlapping ranges, or on a holiday", async () => {
    const none = await act(adminEn, { intent: "setSpecial", day: "2027-03-16" });
    expect(none.result?.error).toMatchObject({ ranges: ["validation:specialNeedsRange"] });
    const overlap = await act(adminEn, {
      intent: "setSpecial",
      day: "2027-03-16",
      "ranges[0].opens": "08:00",
      "ranges[0].closes": "12:00",
      "ranges[1].opens": "10:00",
      "ranges[1].closes": "11:00",
    });
    expect(overlap.result?.error).toMatchObject({ "ranges[1].opens": ["validation:hoursOverlap"] });
    const onHoliday = await act(adminEn, { intent: "setSpecial", day: "2026-03-21", "ranges[0].opens": "08:00", "ranges[0].closes": "12:00" });
    expect(onHoliday.result?.error).toEqual({ day: ["validation:specialOnHoliday"] });
    expect((await load(adminEn)).specialDays.map((d) => d.day)).toEqual(["2027-03-19"]);
  });

  it("removes special hours and holidays, and records every change in the tenant audit log", async () => {
    expect((await act(adminEn, { intent: "removeSpecial", id: "2027-03-19" })).notice).toEqual({ key: "special.removed" });
    expect(await thrownStatus(act(adminEn, { intent: "removeSpecial", id: "2027-03-19" }))).toBe(404);
    const holiday = (await load(adminEn)).holidays[0]!;
    expect((await act(adminEn, { intent: "removeHoliday", id: holiday.id })).notice).toEqual({ key: "holidays.removed" });
    const data = await load(adminEn);
    expect(data.specialDays).toEqual([]);
    expect(data.holidays).toEqual([]);
    const actions = await owner
      .selectFrom("tenant_audit_log")
      .select("action")
      .where("tenant_id", "=", a.id)
      .orderBy("created_at")
      .execute();
    expect(actions.map((r) => r.action)).toEqual([
      "tenant.hours.updated",
      "tenant.holiday.added",
      "tenant.specialHours.set",
      "tenant.specialHours.set",
      "tenant.specialHours.removed",
      "tenant.holiday.removed",
    ]);
  });

  it("lets a viewer read but not write, and bureau managers write while QA only reads", async () => {
    const seen = await load(viewer);
    expect(seen.canManage).toBe(false);
    expect(await thrownStatus(act(viewer, { intent: "addHoliday", day: "2026-12-25", name: "x" }))).toBe(403);
    expect((await load(staffQa)).canManage).toBe(false);
    expect(await thrownStatus(act(staffQa, { intent: "addHoliday", day: "2026-12-25", name: "x" }))).toBe(403);
    expect((await act(staffManager, { intent: "addHoliday", day: "2026-12-25", name: "Christmas" })).notice).toEqual({ key: "holidays.added" });
  });

  it("answers 404 for another tenant's calendar, its rows, and a missing CSRF token is refused", async () => {
    expect(await thrownStatus(load(adminEn, b))).toBe(404);
    expect(await thrownStatus(act(adminEn, { intent: "addHoliday", day: "2026-12-26", name: "x" }, b))).toBe(404);
    await owner.insertInto("tenant_holidays").values({ tenant_id: b.id, day: "2027-01-01", name: "B's" }).execute();
    const bHoliday = await owner.selectFrom("tenant_holidays").select("id").where("tenant_id", "=", b.id).executeTakeFirstOrThrow();
    // Tenant A's page cannot remove B's row by id: it is not visible in A's transaction.
    expect(await thrownStatus(act(adminEn, { intent: "removeHoliday", id: bHoliday.id }))).toBe(404);
    expect(await owner.selectFrom("tenant_holidays").select("id").where("id", "=", bHoliday.id).executeTakeFirst()).toBeDefined();
    const noCsrf = action(args(post(path(), adminEn, { intent: "addHoliday", day: "2026-12-27", name: "x" }, { csrf: null }), { slug: a.slug }));
    expect(await thrownStatus(noCsrf)).toBe(403);
  });
});
