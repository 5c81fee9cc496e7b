import type { RosterViolationView } from "./views";

/**
 * A WFM request refused for what it asks (a bad week, a decided request, a missing roster): routes
 * answer 400/409 with `wfm:errors.<code>` next to `field` when there is one. Nothing was written.
 */
export class WfmError extends Error {
  constructor(
    public readonly code: string,
    public readonly field?: string,
    public readonly params: Record<string, string | number> = {},
  ) {
    super(`wfm: ${code}${field ? ` (${field})` : ""}`);
  }

  get messageKey() {
    return `wfm:errors.${this.code}`;
  }
}

/** A roster change that would break a hard rule: the validator's violations, localized keys included. */
export class RosterRuleError extends Error {
  constructor(public readonly violations: RosterViolationView[]) {
    super(`wfm: roster rules broken (${violations.map((v) => v.code).join(", ")})`);
  }
}
