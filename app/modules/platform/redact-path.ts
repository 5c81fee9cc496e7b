/**
 * Paths that carry a secret in the URL itself (a password-reset link's token, an agent's calendar
 * feed token under /wfm/ical/). Request logs and
 * metric labels use the redacted form, so the token never reaches log storage or /metrics. Pure.
 */
const SECRET_SEGMENT_AFTER = ["reset-password", "ical"] as const;

export function redactPath(path: string): string {
  const parts = path.split("/");
  for (let i = 0; i < parts.length - 1; i++) {
    if ((SECRET_SEGMENT_AFTER as readonly string[]).includes(parts[i]!) && parts[i + 1]) parts[i + 1] = ":token";
  }
  return parts.join("/");
}
