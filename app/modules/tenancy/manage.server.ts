import { sql } from "kysely";
import { asBureau } from "../auth/bureau.server";
import { recordAudit } from "../auth/audit.server";
import type { BureauPermission } from "../auth/permissions";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { mapConflicts, NotFoundError } from "../bureau/errors";
import type { Trx } from "../platform/db.server";
import type { TenantCreateInput, TenantSettingsInput } from "./schemas";
import { toTenant, type Tenant } from "./tenants.server";

/**
 * The bureau's management of client companies. Every function checks its bureau permission through
 * asBureau and writes the change and its audit entry in one transaction.
 */
export interface TenantListItem {
  id: string;
  slug: string;
  name: string;
  status: Tenant["status"];
  numbersCount: number;
  createdAt: Date;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listTenants(ctx: BureauCtx, filter: { q?: string } = {}): Promise<TenantListItem[]> {
  return asBureau(ctx, "tenants.list", async (trx) => {
    let query = trx
      .selectFrom("tenants")
      .select((eb) => [
        "tenants.id",
        "tenants.slug",
        "tenants.name",
        "tenants.status",
        "tenants.created_at",
        eb
          .selectFrom("tenant_phone_numbers")
          .select(eb.fn.countAll<string>().as("n"))
          .whereRef("tenant_phone_numbers.tenant_id", "=", "tenants.id")
          .as("numbers_count"),
      ])
      .orderBy("tenants.name");
    const q = filter.q?.trim();
    if (q) {
      const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb("tenants.name", "ilike", like), eb("tenants.slug", "ilike", like)]));
    }
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      status: r.status as Tenant["status"],
      numbersCount: Number(r.numbers_count ?? 0),
      createdAt: r.created_at,
    }));
  });
}

/** Tenants for pickers (audit filter, agent assignments). */
export async function tenantOptions(ctx: BureauCtx, permission: BureauPermission): Promise<{ id: string; name: string; slug: string; status: string }[]> {
  return asBureau(ctx, permission, (trx) => trx.selectFrom("tenants").select(["id", "name", "slug", "status"]).orderBy("name").execute());
}

export async function getTenant(ctx: BureauCtx, tenantId: string): Promise<Tenant | null> {
  if (!UUID_RE.test(tenantId)) return null;
  return asBureau(ctx, "tenants.list", async (trx) => {
    const row = await trx.selectFrom("tenants").selectAll().where("id", "=", tenantId).executeTakeFirst();
    return row ? toTenant(row) : null;
  });
}

export async function tenantStatusCounts(ctx: BureauCtx): Promise<{ active: number; suspended: number }> {
  return asBureau(ctx, "bureau.console", async (trx) => {
    const rows = await trx.selectFrom("tenants").select(["status", (eb) => eb.fn.countAll<string>().as("n")]).groupBy("status").execute();
    const get = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { active: get("active"), suspended: get("suspended") };
  });
}

export async function fileToDataUrl(file: File): Promise<string> {
  const bytes = Buffer.from(await file.arrayBuffer());
  return `data:${file.type};base64,${bytes.toString("base64")}`;
}

/** Locks and returns the tenant row inside a write, or fails with not-found. */
export async function lockTenant(trx: Trx, tenantId: string) {
  if (!UUID_RE.test(tenantId)) throw new NotFoundError("tenant");
  const row = await trx.selectFrom("tenants").selectAll().where("id", "=", tenantId).forUpdate().executeTakeFirst();
  if (!row) throw new NotFoundError("tenant");
  return row;
}

export async function createTenant(ctx: BureauCtx, input: TenantCreateInput): Promise<Tenant> {
  const logo = input.logo ? await fileToDataUrl(input.logo) : null;
  return mapConflicts(
    () =>
      asBureau(ctx, "tenants.create", async (trx) => {
        const row = await trx
          .insertInto("tenants")
          .values({
            slug: input.slug,
            name: input.name,
            default_locale: input.defaultLocale,
            time_zone: input.timeZone,
            currency: input.currency,
            brand_color: input.brandColor,
            logo_data_url: logo,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          tenantId: row.id,
          actor: auditActor(ctx),
          ip: ctx.ip,
          action: "tenant.created",
          target: { type: "tenant", id: row.id },
          data: {
            slug: row.slug,
            name: row.name,
            defaultLocale: row.default_locale,
            timeZone: row.time_zone,
            currency: row.currency,
            brandColor: row.brand_color,
            logo: logo !== null,
          },
        });
        return toTenant(row);
      }),
    { tenants_slug_key: { field: "slug", messageKey: "validation:slugTaken" } },
  );
}

export async function updateTenantSettings(ctx: BureauCtx, tenantId: string, input: TenantSettingsInput): Promise<Tenant> {
  const logo = input.logo ? await fileToDataUrl(input.logo) : undefined;
  return asBureau(ctx, "tenants.manage", async (trx) => {
    const before = await lockTenant(trx, tenantId);
    const logoDataUrl = logo !== undefined ? logo : input.removeLogo ? null : before.logo_data_url;
    const after = await trx
      .updateTable("tenants")
      .set({
        name: input.name,
        default_locale: input.defaultLocale,
        time_zone: input.timeZone,
        currency: input.currency,
        brand_color: input.brandColor,
        logo_data_url: logoDataUrl,
        updated_at: new Date(),
      })
      .where("id", "=", tenantId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const compare = [
      ["name", before.name, after.name],
      ["defaultLocale", before.default_locale, after.default_locale],
      ["timeZone", before.time_zone, after.time_zone],
      ["currency", before.currency, after.currency],
      ["brandColor", before.brand_color, after.brand_color],
    ] as const;
    for (const [key, from, to] of compare) if (from !== to) changes[key] = { from, to };
    if (before.logo_data_url !== after.logo_data_url) changes.logo = { from: before.logo_data_url !== null, to: after.logo_data_url !== null };
    await recordAudit(trx, {
      tenantId,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "tenant.updated",
      target: { type: "tenant", id: tenantId },
      data: { changes },
    });
    return toTenant(after);
  });
}

export async function setTenantStatus(ctx: BureauCtx, tenantId: string, status: "active" | "suspended", reason = ""): Promise<Tenant> {
  return asBureau(ctx, "tenants.suspend", async (trx) => {
    const before = await lockTenant(trx, tenantId);
    if (before.status === status) return toTenant(before);
    const after = await trx
      .updateTable("tenants")
      .set({ status, suspended_at: status === "suspended" ? sql<Date>`now()` : null, updated_at: new Date() })
      .where("id", "=", tenantId)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      tenantId,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: status === "suspended" ? "tenant.suspended" : "tenant.reactivated",
      target: { type: "tenant", id: tenantId },
      data: reason ? { reason } : {},
    });
    return toTenant(after);
  });
}
