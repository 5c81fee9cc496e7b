import type { Selectable } from "kysely";
import type { Tenants } from "../../../db/types";
import { withBureauScope } from "./scope.server";

export type Tenant = {
  id: string;
  slug: string;
  name: string;
  status: "active" | "suspended";
  defaultLocale: "fa" | "en" | "nl";
  timeZone: string;
  currency: string;
  brandColor: string;
  logoDataUrl: string | null;
  suspendedAt: Date | null;
  createdAt: Date;
};

export function toTenant(row: Selectable<Tenants>): Tenant {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status as Tenant["status"],
    defaultLocale: row.default_locale as Tenant["defaultLocale"],
    timeZone: row.time_zone,
    currency: row.currency,
    brandColor: row.brand_color,
    logoDataUrl: row.logo_data_url,
    suspendedAt: row.suspended_at,
    createdAt: row.created_at,
  };
}

/**
 * Resolves the tenant named in a URL. A system lookup (bureau scope): the caller decides with the
 * permission module whether the user may see it, and answers 404 otherwise.
 */
export async function findTenantBySlug(slug: string): Promise<Tenant | null> {
  if (!/^[a-z0-9-]{1,40}$/.test(slug)) return null;
  const row = await withBureauScope((trx) => trx.selectFrom("tenants").selectAll().where("slug", "=", slug).executeTakeFirst());
  return row ? toTenant(row) : null;
}
