import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";

/**
 * API key tokens: "hkt_" (tenant) or "hkb_" (bureau) + 32 base32 characters (160 random bits).
 * Only the SHA-256 is stored; the first 12 characters are kept to tell keys apart in lists.
 */
export type ApiKeyKind = "tenant" | "bureau";

export const API_SCOPES = ["tenant:read", "numbers:read", "numbers:write", "flows:read", "flows:write", "calls:read", "queues:read", "agents:read", "interactions:read", "interactions:write", "billing:read", "wfm:read", "tenants:read"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export function generateApiKey(kind: ApiKeyKind): { token: string; prefix: string; hash: string } {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  const token = `${kind === "tenant" ? "hkt" : "hkb"}_${encodeBase32LowerCaseNoPadding(bytes)}`;
  return { token, prefix: token.slice(0, 12), hash: hashApiKey(token) };
}

export function hashApiKey(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export function apiKeyKind(token: string): ApiKeyKind | null {
  if (/^hkt_[a-z2-7]{32}$/.test(token)) return "tenant";
  if (/^hkb_[a-z2-7]{32}$/.test(token)) return "bureau";
  return null;
}
