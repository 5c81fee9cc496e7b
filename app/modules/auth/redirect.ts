/**
 * Where to go after sign-in: only a path on this site. Rejects absolute URLs, protocol-relative
 * ("//evil.example"), backslash tricks ("/\\evil.example") and control characters.
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/"): string {
  if (typeof to !== "string" || !to) return fallback;
  const target = to.trim();
  if (!target.startsWith("/") || target.startsWith("//") || target.startsWith("/\\")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(target)) return fallback;
  try {
    const url = new URL(target, "http://same.invalid");
    if (url.origin !== "http://same.invalid") return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

/** Appends ?redirectTo= only when there is somewhere worth returning to. */
export function withRedirectTo(path: string, redirectTo: string | null | undefined): string {
  const safe = safeRedirect(redirectTo, "");
  if (!safe || safe === "/") return path;
  return `${path}${path.includes("?") ? "&" : "?"}redirectTo=${encodeURIComponent(safe)}`;
}
