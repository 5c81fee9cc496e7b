/**
 * The REST API's error shape: { error: { code, message, details? } } with a matching status.
 * Handlers throw ApiError; the route wrapper turns it into the response.
 */
export type ApiErrorCode =
  | "bad_request"
  | "invalid_json"
  | "unauthorized"
  | "forbidden"
  | "insufficient_scope"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "validation_failed"
  | "tenant_suspended"
  | "internal_error";

export interface FieldError {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: ApiErrorCode,
    message: string,
    public readonly details?: FieldError[],
    /** Extra members of the error object, e.g. the validator's `issues` when publishing is refused. */
    public readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function errorBody(code: ApiErrorCode, message: string, details?: FieldError[], extra?: Record<string, unknown>) {
  return { error: { code, message, ...(details?.length ? { details } : {}), ...extra } };
}

export function apiErrorResponse(err: ApiError): Response {
  const headers: Record<string, string> = { "Cache-Control": "no-store" };
  if (err.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="hamkal-api"';
  if (err.status === 403 && err.code === "insufficient_scope") headers["WWW-Authenticate"] = 'Bearer realm="hamkal-api", error="insufficient_scope"';
  return Response.json(errorBody(err.code, err.message, err.details, err.extra), { status: err.status, headers });
}
