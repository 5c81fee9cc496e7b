import { PermissionDenied } from "../auth/bureau.server";
import { NotFoundError } from "../bureau/errors";
import { RosterRuleError, WfmError } from "./errors";
import type { RosterViolationView } from "./views";

type Reply<R> = { reply: (options?: { fieldErrors?: Record<string, string[]>; formErrors?: string[] }) => R };

export type WfmCallResult<T, R> =
  | { ok: true; value: T }
  /** `reply`: the submission's reply with the error on its field (or the form); `message`: the key alone. */
  | { ok: false; reply: R | undefined; message: string; violations: RosterViolationView[] };

/**
 * The common ending of a WFM page action: the backend's refusal (WfmError, with the field it names,
 * or a broken rule) becomes a localized error on the form; a missing object a 404 and a missing
 * permission a 403, so a page never tells what it may not show; anything else propagates (500).
 * `fields` renames the backend's field names to the form's.
 */
export async function wfmCall<T, R>(submission: Reply<R> | null, fn: () => Promise<T>, fields: Record<string, string> = {}): Promise<WfmCallResult<T, R>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response(null, { status: 404, statusText: "Not Found" });
    if (error instanceof PermissionDenied) throw new Response(null, { status: 403, statusText: "Forbidden" });
    if (error instanceof WfmError) {
      const message = errorKey(error);
      // The backend names its own input's field; the form's may be called differently (toMinute -> to).
      const field = error.field ? (fields[error.field] ?? error.field) : null;
      const reply = submission?.reply(field ? { fieldErrors: { [field]: [message] } } : { formErrors: [message] });
      return { ok: false, reply, message, violations: [] };
    }
    if (error instanceof RosterRuleError) {
      const message = "wfm:console.errors.rulesBroken";
      return { ok: false, reply: submission?.reply({ formErrors: [message] }), message, violations: error.violations };
    }
    throw error;
  }
}

// Refusals about what a run needs are worded under runs.errors (the run page shows them too).
const RUN_CODES = new Set(["noAgents", "noQueues", "noContracts", "noTemplates", "noHistory", "invalidInput"]);

/** "wfm:errors.<code>" with its params riding after "|" (forms.tsx translateError reads them). */
function errorKey(error: WfmError): string {
  const params = Object.entries(error.params ?? {}).map(([k, v]) => `|${k}=${String(v)}`);
  return `${RUN_CODES.has(error.code) ? "wfm:runs.errors" : "wfm:errors"}.${error.code}${params.join("")}`;
}

/**
 * A loader's read: an object that is not there (a roster id from an old link) answers 404 and a
 * missing permission 403, as for any page; a refused parameter (WfmError) is a bad request.
 */
export async function wfmLoad<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof NotFoundError) throw new Response(null, { status: 404, statusText: "Not Found" });
    if (error instanceof PermissionDenied) throw new Response(null, { status: 403, statusText: "Forbidden" });
    if (error instanceof WfmError) throw new Response(null, { status: 400, statusText: "Bad Request" });
    throw error;
  }
}
