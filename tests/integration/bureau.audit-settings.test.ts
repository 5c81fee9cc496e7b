import { afterAll, describe, expect, it } from "vitest";
import { auditActions, queryAuditLog } from "../../app/modules/auth/audit-log.server";
import { PermissionDenied } from "../../app/modules/auth/bureau.server";
import { getBureauSettings, saveBureauSettings } from "../../app/modules/bureau/settings.server";
import { createTenant, setTenantStatus } from "../../app/modules/tenancy/manage.server";
import * as auditRoute from "../../app/routes/bureau.audit";
import * as consoleRoute from "../../app/routes/bureau._index";
import * as settingsRoute from "../../app/routes/bureau.settings";
import { closeFactories, makeUser, uniq } from "../setup/factories";
import { args, closeOwner, fieldErrors, get, post, run, signIn, staffCtx } from "./bureau.helpers";

afterAll(async () => {
  await closeFactories();
  await closeOwner();
});

describe("bureau settings", () => {
  it("upserts the single settings row, audited", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    await saveBureauSettings(admin, { name: "Hamkal", defaultLocale: "fa", timeZone: "Asia/Tehran", currencyDisplay: "rial" });
    await saveBureauSettings(admin, { name: "Hamkal BPO", defaultLocale: "en", timeZone: "Asia/Tehran", currencyDisplay: "toman" });
    expect(await getBureauSettings()).toMatchObject({ name: "Hamkal BPO", defaultLocale: "en", currencyDisplay: "toman" });
    const log = await queryAuditLog(admin, { action: "bureau.settings.updated", tenant: "bureau" });
    expect(log.rows[0]!.data).toMatchObject({ changes: { name: { from: "Hamkal", to: "Hamkal BPO" } } });
    const manager = await staffCtx(["manager"]);
    await expect(saveBureauSettings(manager, { name: "x", defaultLocale: "fa", timeZone: "UTC", currencyDisplay: "rial" })).rejects.toBeInstanceOf(PermissionDenied);
  });

  it("validates through the route", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const cookie = await signIn(admin.id);
    const bad = await run(settingsRoute.action(args(post("/bureau/settings", cookie, { name: "", defaultLocale: "fa", timeZone: "Nowhere/City", currencyDisplay: "toman" }))));
    expect(fieldErrors(bad.data)).toEqual({ name: ["validation:required"], timeZone: ["validation:timeZone"] });
    const ok = await run(settingsRoute.action(args(post("/bureau/settings", cookie, { name: "Hamkal", defaultLocale: "fa", timeZone: "Asia/Tehran", currencyDisplay: "toman" }))));
    expect(ok).toMatchObject({ status: 302, location: "/bureau/settings?notice=saved" });
  });
});

describe("audit log", () => {
  it("merges bureau and tenant entries newest first, filters by tenant and action, paginates", async () => {
    const admin = await staffCtx(["bureau_admin"]);
    const slug = `audit-${uniq()}`;
    const tenant = await createTenant(admin, {
      slug,
      name: "Audit Co",
      defaultLocale: "fa",
      timeZone: "Asia/Tehran",
      currency: "IRR",
      brandColor: "#000000",
      logo: undefined,
    });
    await setTenantStatus(admin, tenant.id, "suspended");
    await saveBureauSettings(admin, { name: `Hamkal ${slug}`, defaultLocale: "fa", timeZone: "Asia/Tehran", currencyDisplay: "toman" });

    // Other test files write audit rows in parallel: look at this actor's entries within the merged, newest-first page.
    const all = await queryAuditLog(admin, { pageSize: 100 });
    const mine = all.rows.filter((r) => r.actorLabel === admin.label);
    expect(mine.slice(0, 3).map((r) => r.action)).toEqual(["bureau.settings.updated", "tenant.suspended", "tenant.created"]);
    expect(mine[1]).toMatchObject({ tenantId: tenant.id, tenantName: "Audit Co", actorLabel: admin.label });
    expect(mine[0]).toMatchObject({ tenantId: null, tenantName: null });
    expect(all.total).toBeGreaterThanOrEqual(3);

    const byTenant = await queryAuditLog(admin, { tenant: tenant.id });
    expect(byTenant.rows.map((r) => r.action)).toEqual(["tenant.suspended", "tenant.created"]);
    const byAction = await queryAuditLog(admin, { tenant: tenant.id, action: "tenant.created" });
    expect(byAction.total).toBe(1);
    const page2 = await queryAuditLog(admin, { tenant: tenant.id, pageSize: 1, page: 2 });
    expect(page2.rows.map((r) => r.action)).toEqual(["tenant.created"]);
    expect(await auditActions(admin)).toEqual(expect.arrayContaining(["tenant.created", "tenant.suspended", "bureau.settings.updated"]));

    const manager = await staffCtx(["manager"]);
    await expect(queryAuditLog(manager)).rejects.toBeInstanceOf(PermissionDenied);
  });

  it("serves the audit page to bureau admins only, and the console to staff", async () => {
    const admin = await makeUser({ staffRoles: ["bureau_admin"] });
    const lead = await makeUser({ staffRoles: ["team_leader"] });
    const adminCookie = await signIn(admin.id);
    const leadCookie = await signIn(lead.id);
    const page = await run(auditRoute.loader(args(get("/bureau/audit?page=1", adminCookie))));
    expect(page.status).toBe(200);
    expect((page.data as { rows: unknown[] }).rows.length).toBeGreaterThan(0);
    expect((await run(auditRoute.loader(args(get("/bureau/audit", leadCookie))))).status).toBe(403);

    const home = await run(consoleRoute.loader(args(get("/bureau", leadCookie))));
    expect(home.data).toMatchObject({ canAudit: false, audit: [] });
    expect((home.data as { tenants: { active: number } }).tenants.active).toBeGreaterThanOrEqual(0);
    const adminHome = await run(consoleRoute.loader(args(get("/bureau", adminCookie))));
    expect((adminHome.data as { audit: unknown[] }).audit.length).toBeGreaterThan(0);
    const agent = await makeUser({ staffRoles: ["agent"] });
    expect((await run(consoleRoute.loader(args(get("/bureau", await signIn(agent.id)))))).status).toBe(403);
  });
});
