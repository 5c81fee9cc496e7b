import { afterAll, describe, expect, it } from "vitest";
import { PermissionDenied } from "../../app/modules/auth/bureau.server";
import { FieldConflict } from "../../app/modules/bureau/errors";
import { addHoliday, getBusinessHours, listHolidays, setBusinessHours } from "../../app/modules/tenancy/calendar.server";
import { createTenant, getTenant, listTenants, setTenantStatus, updateTenantSettings } from "../../app/modules/tenancy/manage.server";
import { addNumber, listNumbers, removeNumber } from "../../app/modules/tenancy/numbers.server";
import * as holidaysRoute from "../../app/routes/bureau.tenants.$tenantId.holidays";
import * as hoursRoute from "../../app/routes/bureau.tenants.$tenantId.hours";
import * as numbersRoute from "../../app/routes/bureau.tenants.$tenantId.numbers";
import * as settingsRoute from "../../app/routes/bureau.tenants.$tenantId._index";
import * as frameRoute from "../../app/routes/bureau.tenants.$tenantId";
import * as newRoute from "../../app/routes/bureau.tenants.new";
import { closeFactories, makeTenant, makeUser, uniq } from "../setup/factories";
import { args, closeOwner, fieldErrors, get, ownerConn, post, run, signIn, staffCtx, tenantAudit } from "./bureau.helpers";

afterAll(async () => {
  await closeFactories();
  await closeOwner();
});

const input = (slug: string) => ({
  slug,
  name: `Client ${slug}`,
  defaultLocale: "fa" as const,
  timeZone: "Asia/Tehran",
  currency: "IRR" as const,
  brandColor: "#123abc",
  logo: undefined,
});

describe("tenant management (module)", () => {
  it("creates, edits, suspends and reactivates a tenant, each with a tenant audit entry", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const slug = `acme-${uniq()}`;
    const tenant = await createTenant(admin, input(slug));
    expect(tenant).toMatchObject({ slug, status: "active", timeZone: "Asia/Tehran", currency: "IRR", brandColor: "#123abc" });

    await updateTenantSettings(admin, tenant.id, { ...input(slug), name: "Acme Renamed", defaultLocale: "en", timeZone: "Europe/Amsterdam" });
    expect(await getTenant(admin, tenant.id)).toMatchObject({ name: "Acme Renamed", defaultLocale: "en", timeZone: "Europe/Amsterdam" });

    const suspended = await setTenantStatus(admin, tenant.id, "suspended", "unpaid");
    expect(suspended.status).toBe("suspended");
    expect(suspended.suspendedAt).toBeInstanceOf(Date);
    const active = await setTenantStatus(admin, tenant.id, "active");
    expect(active).toMatchObject({ status: "active", suspendedAt: null });

    const audit = await tenantAudit(tenant.id);
    expect(audit.map((a) => a.action)).toEqual(["tenant.created", "tenant.updated", "tenant.suspended", "tenant.reactivated"]);
    expect(audit[0]).toMatchObject({ actor_user_id: admin.userId, target_type: "tenant", target_id: tenant.id });
    expect(audit[1]!.data).toMatchObject({ changes: { name: { from: `Client ${slug}`, to: "Acme Renamed" } } });
    expect(audit[2]!.data).toEqual({ reason: "unpaid" });

    const listed = await listTenants(admin, { q: slug });
    expect(listed).toEqual([expect.objectContaining({ id: tenant.id, numbersCount: 0 })]);
  });

  it("refuses a taken slug as a field conflict and writes nothing", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const existing = await makeTenant();
    await expect(createTenant(admin, input(existing.slug))).rejects.toEqual(new FieldConflict("slug", "validation:slugTaken"));
    // Counted by this fresh actor: other test files write audit rows in parallel.
    const written = await ownerConn()
      .selectFrom("tenant_audit_log")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("actor_user_id", "=", admin.userId)
      .executeTakeFirstOrThrow();
    expect(written.n).toBe("0");
  });

  it("throws PermissionDenied for actors without the bureau permission, and changes nothing", async () => {
    const qa = await staffCtx(["qa_analyst"]);
    const manager = await staffCtx(["manager"]);
    const agent = await staffCtx(["agent"]);
    const tenant = await makeTenant();
    const slug = `nope-${uniq()}`;
    await expect(createTenant(qa, input(slug))).rejects.toBeInstanceOf(PermissionDenied);
    await expect(setTenantStatus(manager, tenant.id, "suspended")).rejects.toBeInstanceOf(PermissionDenied);
    await expect(addNumber(qa, tenant.id, { e164: "+982100000001", label: "", channels: ["voice"] })).rejects.toBeInstanceOf(PermissionDenied);
    await expect(listTenants(agent)).rejects.toBeInstanceOf(PermissionDenied);
    expect(await ownerConn().selectFrom("tenants").select("id").where("slug", "=", slug).executeTakeFirst()).toBeUndefined();
    expect((await ownerConn().selectFrom("tenants").select("status").where("id", "=", tenant.id).executeTakeFirstOrThrow()).status).toBe("active");
  });

  it("adds and removes phone numbers; a number taken by any tenant is a field conflict", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const a = await makeTenant();
    const b = await makeTenant();
    const e164 = `+98912${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
    const n = await addNumber(admin, a.id, { e164, label: "Main line", channels: ["voice", "sms"] });
    await expect(addNumber(admin, b.id, { e164, label: "", channels: ["voice"] })).rejects.toEqual(new FieldConflict("e164", "validation:numberTaken"));
    expect(await listNumbers(admin, b.id)).toEqual([]);
    expect((await tenantAudit(b.id)).length).toBe(0);
    await removeNumber(admin, a.id, n.id);
    expect(await listNumbers(admin, a.id)).toEqual([]);
    expect((await tenantAudit(a.id)).map((x) => x.action)).toEqual(["tenant.number.added", "tenant.number.removed"]);
  });

  it("replaces business hours and stores holidays by calendar day", async () => {
    const admin = await staffCtx(["manager"]);
    const tenant = await makeTenant();
    await setBusinessHours(admin, tenant.id, [
      { weekday: 6, opens: "08:00", closes: "12:00" },
      { weekday: 6, opens: "13:00", closes: "17:00" },
      { weekday: 0, opens: "08:00", closes: "16:00" },
    ]);
    await setBusinessHours(admin, tenant.id, [
      { weekday: 6, opens: "09:00", closes: "12:00" },
      { weekday: 6, opens: "13:00", closes: "17:00" },
    ]);
    expect(await getBusinessHours(admin, tenant.id)).toEqual([
      { weekday: 6, opens: "09:00", closes: "12:00" },
      { weekday: 6, opens: "13:00", closes: "17:00" },
    ]);
    await addHoliday(admin, tenant.id, { day: "2026-03-21", name: "Nowruz" });
    await expect(addHoliday(admin, tenant.id, { day: "2026-03-21", name: "Again" })).rejects.toEqual(new FieldConflict("day", "validation:holidayTaken"));
    expect(await listHolidays(admin, tenant.id)).toEqual([expect.objectContaining({ day: "2026-03-21", name: "Nowruz" })]);
    expect((await tenantAudit(tenant.id)).map((x) => x.action)).toEqual(["tenant.hours.updated", "tenant.hours.updated", "tenant.holiday.added"]);
  });
});

describe("tenant routes", () => {
  it("creates a tenant with a logo through the form, and refuses a large or non-image logo", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const cookie = await signIn(admin.id);
    const slug = `logo-${uniq()}`;
    const fields = { name: "Logo Co", slug, defaultLocale: "nl", timeZone: "Asia/Tehran", currency: "IRR", brandColor: "#0f766e" };
    const big = new File([new Uint8Array(250 * 1024)], "big.png", { type: "image/png" });
    const tooBig = await run(newRoute.action(args(post("/bureau/tenants/new", cookie, { ...fields, logo: big }, { multipart: true }))));
    expect(fieldErrors(tooBig.data)).toEqual({ logo: ["validation:logoSize|max=200"] });
    const pdf = new File([new Uint8Array(100)], "x.pdf", { type: "application/pdf" });
    const wrongType = await run(newRoute.action(args(post("/bureau/tenants/new", cookie, { ...fields, logo: pdf }, { multipart: true }))));
    expect(fieldErrors(wrongType.data)).toEqual({ logo: ["validation:logoType"] });
    const badTz = await run(newRoute.action(args(post("/bureau/tenants/new", cookie, { ...fields, timeZone: "Asia/Nowhere" }, { multipart: true }))));
    expect(fieldErrors(badTz.data)).toEqual({ timeZone: ["validation:timeZone"] });

    const png = new File([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], "logo.png", { type: "image/png" });
    const ok = await run(newRoute.action(args(post("/bureau/tenants/new", cookie, { ...fields, logo: png }, { multipart: true }))));
    expect(ok.status).toBe(302);
    const row = await ownerConn().selectFrom("tenants").selectAll().where("slug", "=", slug).executeTakeFirstOrThrow();
    expect(ok.location).toBe(`/bureau/tenants/${row.id}?notice=created`);
    expect(row.logo_data_url).toBe("data:image/png;base64,iVBORwECAw==");
    expect(row.default_locale).toBe("nl");

    const dup = await run(newRoute.action(args(post("/bureau/tenants/new", cookie, fields, { multipart: true }))));
    expect(fieldErrors(dup.data)).toEqual({ slug: ["validation:slugTaken"] });
  });

  it("answers 404 for an unknown tenant, 403 without permission, 403 without CSRF", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const agent = await makeUser({ staffRoles: ["agent"] });
    const viewer = await makeUser({ staffRoles: ["qa_analyst"] });
    const tenant = await makeTenant();
    const adminCookie = await signIn(admin.id);
    const missing = "00000000-0000-4000-8000-000000000000";
    expect((await run(frameRoute.loader(args(get(`/bureau/tenants/${missing}`, adminCookie), { tenantId: missing })))).status).toBe(404);
    expect((await run(frameRoute.loader(args(get(`/bureau/tenants/not-a-uuid`, adminCookie), { tenantId: "not-a-uuid" })))).status).toBe(404);
    const agentCookie = await signIn(agent.id);
    expect((await run(frameRoute.loader(args(get(`/bureau/tenants/${tenant.id}`, agentCookie), { tenantId: tenant.id })))).status).toBe(403);
    // qa_analyst may look but not change
    const viewerCookie = await signIn(viewer.id);
    expect((await run(numbersRoute.loader(args(get(`/bureau/tenants/${tenant.id}/numbers`, viewerCookie), { tenantId: tenant.id })))).data).toMatchObject({
      canManage: false,
    });
    const forbidden = await run(
      numbersRoute.action(args(post(`/bureau/tenants/${tenant.id}/numbers`, viewerCookie, { e164: "+982188888888", channels: "voice" }), { tenantId: tenant.id })),
    );
    expect(forbidden.status).toBe(403);
    const noCsrf = await run(
      numbersRoute.action(args(post(`/bureau/tenants/${tenant.id}/numbers`, adminCookie, { e164: "+982188888888", channels: "voice" }, { csrf: null }), { tenantId: tenant.id })),
    );
    expect(noCsrf.status).toBe(403);
    const unknownTenant = await run(
      numbersRoute.action(args(post(`/bureau/tenants/${missing}/numbers`, adminCookie, { e164: "+982188888887", channels: "voice" }), { tenantId: missing })),
    );
    expect(unknownTenant.status).toBe(404);
  });

  it("adds a number through the form and answers a duplicate with a field error", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const cookie = await signIn(admin.id);
    const a = await makeTenant();
    const b = await makeTenant();
    const local = `021${Math.floor(10_000_000 + Math.random() * 89_999_999)}`;
    const added = await run(numbersRoute.action(args(post(`/bureau/tenants/${a.id}/numbers`, cookie, { e164: local, label: "Sales", channels: ["voice", "sms"] }), { tenantId: a.id })));
    expect(added).toMatchObject({ status: 302, location: `/bureau/tenants/${a.id}/numbers?notice=added` });
    const stored = await ownerConn().selectFrom("tenant_phone_numbers").selectAll().where("tenant_id", "=", a.id).executeTakeFirstOrThrow();
    expect(stored.e164).toBe(`+98${local.slice(1)}`);
    expect(stored.channels).toEqual(["voice", "sms"]);
    const dup = await run(numbersRoute.action(args(post(`/bureau/tenants/${b.id}/numbers`, cookie, { e164: `+98${local.slice(1)}`, channels: "voice" }), { tenantId: b.id })));
    expect(dup.status).toBe(200);
    expect(fieldErrors(dup.data)).toEqual({ e164: ["validation:numberTaken"] });
    const bad = await run(numbersRoute.action(args(post(`/bureau/tenants/${b.id}/numbers`, cookie, { e164: "12ab" }), { tenantId: b.id })));
    expect(fieldErrors(bad.data)).toEqual({ e164: ["validation:phone"], channels: ["validation:chooseOne"] });
    const removed = await run(numbersRoute.action(args(post(`/bureau/tenants/${a.id}/numbers`, cookie, { intent: "remove", id: stored.id }), { tenantId: a.id })));
    expect(removed.status).toBe(302);
    // Another tenant's number cannot be removed through this tenant's page.
    const other = await ownerConn().insertInto("tenant_phone_numbers").values({ tenant_id: b.id, e164: "+31201234567" }).returning("id").executeTakeFirstOrThrow();
    const cross = await run(numbersRoute.action(args(post(`/bureau/tenants/${a.id}/numbers`, cookie, { intent: "remove", id: other.id }), { tenantId: a.id })));
    expect(cross.status).toBe(404);
    await ownerConn().deleteFrom("tenant_phone_numbers").where("id", "=", other.id).execute();
  });

  it("validates business hours in the form: closes after opens, several ranges a day, closed days", async () => {
    const admin = await makeUser({ staffRoles: ["manager"] });
    const cookie = await signIn(admin.id);
    const tenant = await makeTenant();
    const bad = await run(
      hoursRoute.action(
        args(
          post(`/bureau/tenants/${tenant.id}/hours`, cookie, {
            "ranges[0].weekday": "6",
            "ranges[0].opens": "17:00",
            "ranges[0].closes": "09:00",
          }),
          { tenantId: tenant.id },
        ),
      ),
    );
    expect(fieldErrors(bad.data)).toEqual({ "ranges[0].closes": ["validation:closesAfterOpens"] });
    expect(await ownerConn().selectFrom("tenant_business_hours").selectAll().where("tenant_id", "=", tenant.id).execute()).toEqual([]);

    const ok = await run(
      hoursRoute.action(
        args(
          post(`/bureau/tenants/${tenant.id}/hours`, cookie, {
            "ranges[0].weekday": "6",
            "ranges[0].opens": "08:00",
            "ranges[0].closes": "12:00",
            "ranges[1].weekday": "6",
            "ranges[1].opens": "13:00",
            "ranges[1].closes": "17:00",
            "ranges[2].weekday": "3",
            "ranges[2].opens": "08:00",
            "ranges[2].closes": "13:00",
          }),
          { tenantId: tenant.id },
        ),
      ),
    );
    expect(ok.status).toBe(302);
    const rows = await ownerConn().selectFrom("tenant_business_hours").select(["weekday", "opens_at", "closes_at"]).where("tenant_id", "=", tenant.id).orderBy("weekday").orderBy("opens_at").execute();
    expect(rows).toEqual([
      { weekday: 3, opens_at: "08:00:00", closes_at: "13:00:00" },
      { weekday: 6, opens_at: "08:00:00", closes_at: "12:00:00" },
      { weekday: 6, opens_at: "13:00:00", closes_at: "17:00:00" },
    ]);
    // Saving with no ranges closes every day.
    await run(hoursRoute.action(args(post(`/bureau/tenants/${tenant.id}/hours`, cookie, {}), { tenantId: tenant.id })));
    expect(await ownerConn().selectFrom("tenant_business_hours").selectAll().where("tenant_id", "=", tenant.id).execute()).toEqual([]);
  });

  it("takes holiday dates in Jalali (Persian digits too) in Persian and ISO in English; a duplicate day is a field error", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const tenant = await makeTenant();
    const fa = await signIn(admin.id, "fa");
    const en = await signIn(admin.id, "en");
    const path = `/bureau/tenants/${tenant.id}/holidays`;
    const added = await run(holidaysRoute.action(args(post(path, fa, { day: "۱۴۰۵/۰۱/۰۱", name: "نوروز" }), { tenantId: tenant.id })));
    expect(added.status).toBe(302);
    const ascii = await run(holidaysRoute.action(args(post(path, fa, { day: "1405/01/12", name: "روز جمهوری اسلامی" }), { tenantId: tenant.id })));
    expect(ascii.status).toBe(302);
    const isoInFa = await run(holidaysRoute.action(args(post(path, fa, { day: "2026-03-22", name: "x" }), { tenantId: tenant.id })));
    expect(fieldErrors(isoInFa.data)).toEqual({ day: ["validation:jalaliDate"] });
    const dupInEn = await run(holidaysRoute.action(args(post(path, en, { day: "2026-03-21", name: "Nowruz" }), { tenantId: tenant.id })));
    expect(fieldErrors(dupInEn.data)).toEqual({ day: ["validation:holidayTaken"] });
    const enOk = await run(holidaysRoute.action(args(post(path, en, { day: "2026-12-25", name: "Christmas" }), { tenantId: tenant.id })));
    expect(enOk.status).toBe(302);
    const loaded = await run(holidaysRoute.loader(args(get(path, en), { tenantId: tenant.id })));
    expect((loaded.data as { holidays: { day: string; name: string }[] }).holidays.map((h) => [h.day, h.name])).toEqual([
      ["2026-03-21", "نوروز"],
      ["2026-04-01", "روز جمهوری اسلامی"],
      ["2026-12-25", "Christmas"],
    ]);
  });

  it("suspends only with confirmation, as bureau admin", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const manager = await makeUser({ staffRoles: ["manager"] });
    const tenant = await makeTenant();
    const cookie = await signIn(admin.id);
    const path = `/bureau/tenants/${tenant.id}`;
    const unconfirmed = await run(settingsRoute.action(args(post(path, cookie, { intent: "suspend" }), { tenantId: tenant.id })));
    expect(fieldErrors(unconfirmed.data)).toEqual({ confirm: ["validation:confirm"] });
    const managerCookie = await signIn(manager.id);
    expect((await run(settingsRoute.action(args(post(path, managerCookie, { intent: "suspend", confirm: "on" }), { tenantId: tenant.id })))).status).toBe(403);
    const done = await run(settingsRoute.action(args(post(path, cookie, { intent: "suspend", confirm: "on", reason: "contract ended" }), { tenantId: tenant.id })));
    expect(done).toMatchObject({ status: 302, location: `${path}?notice=suspended` });
    expect((await ownerConn().selectFrom("tenants").select("status").where("id", "=", tenant.id).executeTakeFirstOrThrow()).status).toBe("suspended");
    expect((await tenantAudit(tenant.id)).map((a) => a.action)).toEqual(["tenant.suspended"]);
    const settings = await run(
      settingsRoute.action(
        args(post(path, managerCookie, { intent: "settings", name: "New name", defaultLocale: "en", timeZone: "UTC", currency: "EUR", brandColor: "#abcdef" }, { multipart: true }), {
          tenantId: tenant.id,
        }),
      ),
    );
    expect(settings.status).toBe(302);
    expect(await ownerConn().selectFrom("tenants").select(["name", "currency", "brand_color"]).where("id", "=", tenant.id).executeTakeFirstOrThrow()).toEqual({
      name: "New name",
      currency: "EUR",
      brand_color: "#abcdef",
    });
  });
});
