import { describe, expect, it } from "vitest";
import { can, canSeeTenant, homePath, type Actor } from "~/modules/auth/permissions";

const base: Actor = { userId: "u", staffRoles: [], memberships: {}, agentTenants: [] };

describe("permissions", () => {
  it("gives bureau admins the bureau console and every tenant", () => {
    const admin = { ...base, staffRoles: ["bureau_admin"] as const };
    expect(can(admin, "bureau.console")).toBe(true);
    expect(can(admin, "tenant.apikeys.manage", "any-tenant")).toBe(true);
    expect(canSeeTenant(admin, "any-tenant")).toBe(true);
  });

  it("keeps agents out of the bureau console", () => {
    const agent = { ...base, staffRoles: ["agent"] as const, agentTenants: ["t1"] };
    expect(can(agent, "bureau.console")).toBe(false);
    expect(can(agent, "agent.desktop")).toBe(true);
    expect(canSeeTenant(agent, "t1")).toBe(true);
    expect(canSeeTenant(agent, "t2")).toBe(false);
    expect(homePath(agent, {})).toBe("/agent");
  });

  it("limits client users to their own tenant and role", () => {
    const viewer: Actor = { ...base, memberships: { t1: "client_viewer" } };
    const admin: Actor = { ...base, memberships: { t1: "client_admin" } };
    expect(can(viewer, "tenant.view", "t1")).toBe(true);
    expect(can(viewer, "tenant.apikeys.manage", "t1")).toBe(false);
    expect(can(admin, "tenant.apikeys.manage", "t1")).toBe(true);
    expect(can(admin, "tenant.view", "t2")).toBe(false);
    expect(canSeeTenant(admin, "t2")).toBe(false);
    expect(can(admin, "bureau.console")).toBe(false);
    expect(homePath(admin, { t1: "acme" })).toBe("/t/acme");
  });

  it("refuses a tenant permission without a tenant", () => {
    const admin: Actor = { ...base, memberships: { t1: "client_admin" } };
    // @ts-expect-error the overload requires a tenant id
    expect(can(admin, "tenant.view")).toBe(false);
  });
});
