import { API_SCOPES, type ApiKeyKind, type ApiScope } from "../auth/api-key-token";

/**
 * Which scopes a key of each kind may carry, and the one check every endpoint makes. Pure: used by
 * the key forms (checkbox lists), the key module (validation) and the REST API.
 */
export const TENANT_KEY_SCOPES = [
  "tenant:read",
  "numbers:read",
  "numbers:write",
  "flows:read",
  "flows:write",
  "calls:read",
  "queues:read",
  "agents:read",
  "interactions:read",
  "interactions:write",
  "billing:read",
  "wfm:read",
] as const satisfies readonly ApiScope[];
export const BUREAU_KEY_SCOPES = API_SCOPES;

export function scopesFor(kind: ApiKeyKind): readonly ApiScope[] {
  return kind === "tenant" ? TENANT_KEY_SCOPES : BUREAU_KEY_SCOPES;
}

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && (API_SCOPES as readonly string[]).includes(value);
}

/** Scopes stored on a key row, narrowed to the ones this code knows (an unknown one grants nothing). */
export function parseScopes(raw: readonly string[]): ApiScope[] {
  return raw.filter(isApiScope);
}

export function hasScope(granted: readonly string[], required: ApiScope): boolean {
  return granted.includes(required);
}
