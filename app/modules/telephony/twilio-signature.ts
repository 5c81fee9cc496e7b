import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + name1value1 + name2value2 ...)), parameters
 * sorted by name. Framework-free so the webhook routes, the fake provider in the tests and any other
 * TwiML-speaking provider share one implementation.
 */

export type SignatureParams = Record<string, string | string[]>;

export const TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature";

function signedPayload(url: string, params: SignatureParams): string {
  let data = url;
  // Code-unit order, not localeCompare: the provider sorts bytes, and a locale-aware sort would put
  // "Caller" before "CallSid".
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (Array.isArray(value)) {
      // Repeated form fields: the provider's own SDKs sign each distinct value once, in sorted order.
      for (const v of [...new Set(value)].sort()) data += name + v;
    } else if (value !== undefined) {
      data += name + value;
    }
  }
  return data;
}

export function computeTwilioSignature(authToken: string, url: string, params: SignatureParams): string {
  return createHmac("sha1", authToken).update(signedPayload(url, params), "utf8").digest("base64");
}

/**
 * The provider may have signed the URL with or without an explicit default port (":443" is kept or
 * dropped depending on how the number's webhook was configured), so both spellings are accepted, as
 * the provider's SDKs do.
 */
function urlVariants(url: string): string[] {
  const m = /^(https?):\/\/([^/?#]*?)(?::(\d+))?([/?#].*)?$/s.exec(url);
  if (!m) return [url];
  const [, scheme, host, port, rest = ""] = m;
  const defaultPort = scheme === "https" ? "443" : "80";
  if (port !== undefined && port !== defaultPort) return [url];
  return [...new Set([url, `${scheme}://${host}${rest}`, `${scheme}://${host}:${defaultPort}${rest}`])];
}

function safeEqualBase64(expected: string, given: string): boolean {
  const a = Buffer.from(expected, "utf8");
  const b = Buffer.from(given, "utf8");
  // A SHA-1 signature's length is public knowledge, so leaking a length mismatch costs nothing.
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * True only when the header matches. A missing or empty header, or an empty auth token, is false:
 * the webhooks answer 403 and change nothing.
 */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: SignatureParams,
  signatureHeader: string | null | undefined,
): boolean {
  if (!authToken || !signatureHeader) return false;
  const given = signatureHeader.trim();
  let ok = false;
  // Every variant is checked (no early exit) so the time taken does not depend on which one matched.
  for (const candidate of urlVariants(url)) {
    if (safeEqualBase64(computeTwilioSignature(authToken, candidate, params), given)) ok = true;
  }
  return ok;
}

/**
 * The URL the provider called, as it saw it. Behind a TLS-terminating proxy the request reaching us
 * says http://127.0.0.1:3000/..., but the provider signed https://public.example/..., so the origin
 * (and any path prefix the proxy strips) comes from configuration and only path + query from the
 * request.
 */
export function publicRequestUrl(publicBaseUrl: string, request: { url: string }): string {
  const incoming = new URL(request.url, "http://placeholder.invalid");
  const base = publicBaseUrl.replace(/\/+$/, "");
  return `${base}${incoming.pathname}${incoming.search}`;
}

/**
 * Form fields as signature parameters, keeping repeated names as arrays. File parts never occur in
 * the provider's webhooks and the handlers read only text fields, so they are left out.
 */
export function signatureParamsFromForm(form: URLSearchParams | FormData): SignatureParams {
  const params: SignatureParams = {};
  for (const [name, value] of form.entries()) {
    if (typeof value !== "string") continue;
    const existing = params[name];
    if (existing === undefined) params[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else params[name] = [existing, value];
  }
  return params;
}
