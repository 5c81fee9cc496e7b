import { PermissionDenied } from "../auth/bureau.server";
import { FieldConflict, NotFoundError } from "./errors";

type Reply = { fieldErrors?: Record<string, string[]>; formErrors?: string[] };

/**
 * The common ending of a bureau form action: a field conflict becomes a field error on the
 * submission, a permission refusal a 403; anything else propagates (500).
 */
export async function runBureauWrite<R>(
  submission: { reply: (options?: Reply) => R } | null,
  fn: () => Promise<unknown>,
): Promise<R | null> {
  try {
    await fn();
    return null;
  } catch (error) {
    if (error instanceof FieldConflict && submission) return submission.reply({ fieldErrors: { [error.field]: [error.messageKey] } });
    if (error instanceof NotFoundError) throw new Response(null, { status: 404, statusText: "Not Found" });
    if (error instanceof PermissionDenied) throw new Response(null, { status: 403, statusText: "Forbidden" });
    throw error;
  }
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === "string" && UUID_RE.test(v);
}
