/**
 * A write refused because it collides with stored data (a number, e-mail, code or day already taken).
 * Routes turn it into a field error on the form; nothing was written (the transaction rolled back).
 */
export class FieldConflict extends Error {
  constructor(
    public readonly field: string,
    public readonly messageKey: string,
  ) {
    super(`conflict on ${field}: ${messageKey}`);
  }
}

/** A Postgres unique violation, optionally on one named constraint or index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { code?: string; constraint?: string };
  return e.code === "23505" && (constraint === undefined || e.constraint === constraint);
}

/** Runs a write and maps unique violations on the given constraints to field conflicts. */
export async function mapConflicts<T>(fn: () => Promise<T>, map: Record<string, { field: string; messageKey: string }>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    for (const [constraint, target] of Object.entries(map)) {
      if (isUniqueViolation(error, constraint)) throw new FieldConflict(target.field, target.messageKey);
    }
    throw error;
  }
}

/** The object named does not exist (or is not visible); routes answer 404. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`not found: ${what}`);
  }
}
