import { clientIp, type Auth } from "../auth/guards.server";
import type { Actor } from "../auth/permissions";

/** Who is acting in a bureau function: the permission subject plus what the audit log records. */
export interface BureauCtx {
  actor: Actor;
  label: string;
  ip: string | null;
}

export function bureauCtx(auth: Auth, request?: Request): BureauCtx {
  return { actor: auth.actor, label: auth.user.name, ip: request ? clientIp(request) : null };
}

export function auditActor(ctx: BureauCtx) {
  return { userId: ctx.actor.userId, label: ctx.label };
}
