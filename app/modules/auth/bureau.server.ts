import type { Trx } from "../platform/db.server";
import { withBureauScope } from "../tenancy/scope.server";
import type { Auth } from "./guards.server";
import { can, type BureauPermission } from "./permissions";

export class PermissionDenied extends Error {
  constructor(public readonly permission: string) {
    super(`permission denied: ${permission}`);
  }
}

/**
 * Bureau-wide work (all tenants' rows) for a user who holds a bureau permission. The permission is
 * checked here, not by the caller, so no path reaches bureau scope without one.
 */
export async function asBureau<T>(auth: Pick<Auth, "actor">, permission: BureauPermission, fn: (trx: Trx) => Promise<T>): Promise<T> {
  if (!can(auth.actor, permission)) throw new PermissionDenied(permission);
  return withBureauScope(fn);
}
