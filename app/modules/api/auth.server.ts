import { lookupApiKey, type ApiPrincipal } from "../auth/api-keys.server";
import type { ApiScope } from "../auth/api-key-token";
import { annotateContext } from "../platform/context.server";
import { ApiError } from "./errors";
import { hasScope } from "./scopes";

/** "Authorization: Bearer hkt_…|hkb_…" -> the key's principal, or a 401. */
export async function authenticateApiRequest(request: Request): Promise<ApiPrincipal> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(401, "unauthorized", "Send an API key as 'Authorization: Bearer <key>'.");
  const principal = await lookupApiKey(match[1]!);
  if (!principal) throw new ApiError(401, "unauthorized", "The API key is unknown or has been revoked.");
  annotateContext(principal.kind === "tenant" ? { tenantId: principal.tenantId } : {});
  return principal;
}

export function requireScope(principal: ApiPrincipal, scope: ApiScope) {
  if (!hasScope(principal.scopes, scope)) {
    throw new ApiError(403, "insufficient_scope", `This API key lacks the scope '${scope}'.`);
  }
}
