import { asBureau } from "../auth/bureau.server";
import { recordAudit } from "../auth/audit.server";
import { auditActor, type BureauCtx } from "../bureau/context.server";
import { mapConflicts, NotFoundError } from "../bureau/errors";
import { lockTenant } from "./manage.server";
import type { PhoneNumberInput } from "./schemas";

/** A tenant's phone numbers: inbound calls are routed by the dialled number, so a number is unique bureau-wide. */
export interface PhoneNumber {
  id: string;
  e164: string;
  label: string;
  channels: string[];
  createdAt: Date;
}

export async function listNumbers(ctx: BureauCtx, tenantId: string): Promise<PhoneNumber[]> {
  return asBureau(ctx, "tenants.list", async (trx) => {
    const rows = await trx
      .selectFrom("tenant_phone_numbers")
      .select(["id", "e164", "label", "channels", "created_at"])
      .where("tenant_id", "=", tenantId)
      .orderBy("created_at")
      .execute();
    return rows.map((r) => ({ id: r.id, e164: r.e164, label: r.label, channels: r.channels, createdAt: r.created_at }));
  });
}

export async function addNumber(ctx: BureauCtx, tenantId: string, input: PhoneNumberInput): Promise<PhoneNumber> {
  return mapConflicts(
    () =>
      asBureau(ctx, "tenants.manage", async (trx) => {
        await lockTenant(trx, tenantId);
        const row = await trx
          .insertInto("tenant_phone_numbers")
          .values({ tenant_id: tenantId, e164: input.e164, label: input.label, channels: [...new Set(input.channels)] })
          .returning(["id", "e164", "label", "channels", "created_at"])
          .executeTakeFirstOrThrow();
        await recordAudit(trx, {
          tenantId,
          actor: auditActor(ctx),
          ip: ctx.ip,
          action: "tenant.number.added",
          target: { type: "phone_number", id: row.id },
          data: { e164: row.e164, label: row.label, channels: row.channels },
        });
        return { id: row.id, e164: row.e164, label: row.label, channels: row.channels, createdAt: row.created_at };
      }),
    { tenant_phone_numbers_e164_key: { field: "e164", messageKey: "validation:numberTaken" } },
  );
}

export async function removeNumber(ctx: BureauCtx, tenantId: string, numberId: string): Promise<void> {
  await asBureau(ctx, "tenants.manage", async (trx) => {
    await lockTenant(trx, tenantId);
    const row = await trx
      .deleteFrom("tenant_phone_numbers")
      .where("tenant_id", "=", tenantId)
      .where("id", "=", numberId)
      .returning(["id", "e164"])
      .executeTakeFirst();
    if (!row) throw new NotFoundError("phone number");
    await recordAudit(trx, {
      tenantId,
      actor: auditActor(ctx),
      ip: ctx.ip,
      action: "tenant.number.removed",
      target: { type: "phone_number", id: row.id },
      data: { e164: row.e164 },
    });
  });
}
