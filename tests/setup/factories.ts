import { randomBytes } from "node:crypto";
import { hashPassword } from "../../app/modules/auth/password.server";
import type { ClientRole, StaffRole } from "../../app/modules/auth/permissions";
import { ownerDb } from "./test-db";

/** Fixtures written through the owner connection, the way the seed does. Unique per call. */
const owner = () => (cached ??= ownerDb());
let cached: ReturnType<typeof ownerDb> | undefined;

export const uniq = () => randomBytes(4).toString("hex");

export async function makeTenant(overrides: Partial<{ slug: string; name: string; default_locale: string }> = {}) {
  const slug = overrides.slug ?? `t-${uniq()}`;
  return owner()
    .insertInto("tenants")
    .values({ slug, name: overrides.name ?? `Tenant ${slug}`, default_locale: overrides.default_locale ?? "fa" })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function makeUser(
  opts: { staffRoles?: StaffRole[]; memberOf?: { tenantId: string; role: ClientRole }[]; password?: string; email?: string; locale?: string } = {},
) {
  const email = opts.email ?? `u-${uniq()}@test.local`;
  const password = opts.password ?? "correct horse battery";
  const user = await owner()
    .insertInto("users")
    .values({ email, name: `User ${email}`, password_hash: await hashPassword(password), locale: opts.locale ?? null })
    .returningAll()
    .executeTakeFirstOrThrow();
  for (const role of opts.staffRoles ?? []) {
    await owner().insertInto("user_staff_roles").values({ user_id: user.id, role }).execute();
  }
  for (const m of opts.memberOf ?? []) {
    await owner().insertInto("tenant_members").values({ tenant_id: m.tenantId, user_id: user.id, role: m.role }).execute();
  }
  return { ...user, password };
}

export async function closeFactories() {
  await cached?.destroy();
  cached = undefined;
}
