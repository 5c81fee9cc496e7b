import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";

/**
 * Keys and decisions of the sign-in rate limits (pure; the counters live in Redis, see
 * rate-limit.server.ts). Identifiers are hashed so Redis never holds e-mail addresses or IPs in clear.
 */
export type LimitScope = "login:account" | "login:ip" | "2fa:user" | "reset:account" | "reset:ip";

export function limitKey(scope: LimitScope, identifier: string): string {
  const normalized = identifier.trim().toLowerCase();
  const digest = encodeHexLowerCase(sha256(new TextEncoder().encode(normalized))).slice(0, 32);
  return `rl:${scope}:${digest}`;
}

export interface LimitRule {
  max: number;
  windowSeconds: number;
}

/** A counter already at its maximum blocks further attempts until the window ends. */
export function isLimited(count: number, rule: LimitRule): boolean {
  return count >= rule.max;
}

/** Seconds until a blocked caller may try again, rounded up to whole minutes for people to read. */
export function retryAfterMinutes(ttlSeconds: number): number {
  return Math.max(1, Math.ceil(ttlSeconds / 60));
}
