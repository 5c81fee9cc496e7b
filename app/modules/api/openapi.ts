import type { ApiScope } from "../auth/api-key-token";
import { PHONE_CHANNELS } from "./schemas";

/**
 * The one description of the REST API (OpenAPI 3.1). Pure: later endpoints add their schemas to
 * SCHEMAS and their operations to OPERATIONS; GET /api/v1/openapi.json serves buildOpenApiDocument().
 */
type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const SCHEMAS: Record<string, JsonSchema> = {
  Error: {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: {
          code: {
            type: "string",
            examples: ["unauthorized", "insufficient_scope", "not_found", "validation_failed", "conflict"],
          },
          message: { type: "string" },
          details: {
            type: "array",
            description: "Per-field problems (validation_failed, conflict).",
            items: { type: "object", required: ["field", "message"], properties: { field: { type: "string" }, message: { type: "string" } } },
          },
        },
      },
    },
  },
  Tenant: {
    type: "object",
    required: ["id", "slug", "name", "status", "defaultLanguage", "timeZone", "currency", "createdAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      slug: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{0,38}[a-z0-9]$" },
      name: { type: "string" },
      status: { type: "string", enum: ["active", "suspended"] },
      defaultLanguage: { type: "string", enum: ["fa", "en", "nl"] },
      timeZone: { type: "string", examples: ["Asia/Tehran"] },
      currency: { type: "string", pattern: "^[A-Z]{3}$" },
      createdAt: { type: "string", format: "date-time" },
    },
  },
  PhoneNumber: {
    type: "object",
    required: ["id", "e164", "label", "channels", "createdAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      e164: { type: "string", pattern: "^\\+[1-9][0-9]{6,14}$", examples: ["+982112345678"] },
      label: { type: "string" },
      channels: { type: "array", items: { type: "string", enum: [...PHONE_CHANNELS] } },
      createdAt: { type: "string", format: "date-time" },
    },
  },
  PhoneNumberCreate: {
    type: "object",
    required: ["e164"],
    additionalProperties: false,
    properties: {
      e164: {
        type: "string",
        description: "International form; spaces, dashes, Persian digits and a leading 0 (Iran) or 00 are normalised.",
        examples: ["+98 21 1234 5678"],
      },
      label: { type: "string", maxLength: 80, default: "" },
      channels: { type: "array", minItems: 1, items: { type: "string", enum: [...PHONE_CHANNELS] }, default: ["voice"] },
    },
  },
};

const dataOf = (schema: JsonSchema) => ({ type: "object", required: ["data"], properties: { data: schema } });

export interface ApiOperation {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Scopes the key must hold; an empty list is a public operation (no security). */
  scopes: ApiScope[];
  parameters?: JsonSchema[];
  requestSchema?: string;
  /** status -> [description, schema of the body or null] */
  responses: Record<string, [string, JsonSchema | null]>;
  /** Error statuses this operation may answer besides 401/403 (implied by security). */
  errors?: number[];
}

const tenantParam = {
  name: "tenant",
  in: "query",
  required: false,
  description: "Bureau keys: the tenant's slug (required). Tenant keys: omit it, or give the key's own tenant.",
  schema: { type: "string" },
};

export const OPERATIONS: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/tenants/me",
    operationId: "getCurrentTenant",
    summary: "The tenant of the calling tenant key",
    tag: "Tenants",
    scopes: ["tenant:read"],
    responses: { "200": ["The tenant", dataOf(ref("Tenant"))] },
    errors: [400],
  },
  {
    method: "get",
    path: "/api/v1/tenants",
    operationId: "listTenants",
    summary: "All tenants (bureau keys only)",
    tag: "Tenants",
    scopes: ["tenants:read"],
    responses: { "200": ["The tenants, by name", dataOf({ type: "array", items: ref("Tenant") })] },
  },
  {
    method: "get",
    path: "/api/v1/phone-numbers",
    operationId: "listPhoneNumbers",
    summary: "The tenant's phone numbers",
    tag: "Phone numbers",
    scopes: ["numbers:read"],
    parameters: [tenantParam],
    responses: { "200": ["The numbers", dataOf({ type: "array", items: ref("PhoneNumber") })] },
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/phone-numbers",
    operationId: "createPhoneNumber",
    summary: "Add a phone number to the tenant",
    description: "A number belongs to one tenant bureau-wide; adding one that exists answers 409.",
    tag: "Phone numbers",
    scopes: ["numbers:write"],
    parameters: [tenantParam],
    requestSchema: "PhoneNumberCreate",
    responses: { "201": ["The new number", dataOf(ref("PhoneNumber"))] },
    errors: [400, 404, 409, 422],
  },
  {
    method: "get",
    path: "/api/v1/openapi.json",
    operationId: "getOpenApiDocument",
    summary: "This document",
    tag: "Meta",
    scopes: [],
    responses: { "200": ["OpenAPI 3.1 document", { type: "object" }] },
  },
];

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Bad request (e.g. the wrong kind of key, a missing tenant parameter, malformed JSON)",
  401: "Missing, unknown or revoked API key",
  403: "The key lacks the scope, or may not reach this tenant",
  404: "No such tenant or object",
  409: "Conflicts with an existing object",
  422: "The body failed validation; details name each field",
};

export function buildOpenApiDocument(opts: { serverUrl?: string; version?: string } = {}) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const responses: Record<string, unknown> = {};
    for (const [status, [description, schema]] of Object.entries(op.responses)) {
      responses[status] = schema ? { description, content: { "application/json": { schema } } } : { description };
    }
    const errorStatuses = [...(op.scopes.length ? [401, 403] : []), ...(op.errors ?? [])].sort((a, b) => a - b);
    for (const status of errorStatuses) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: ref("Error") } },
      };
    }
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      security: op.scopes.length ? [{ bearerAuth: op.scopes }] : [],
      ...(op.scopes.length ? { "x-required-scopes": op.scopes } : {}),
      ...(op.parameters?.length ? { parameters: op.parameters } : {}),
      ...(op.requestSchema
        ? { requestBody: { required: true, content: { "application/json": { schema: ref(op.requestSchema) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hamkal API",
      version: opts.version ?? "1.0.0",
      description:
        "REST API of the Hamkal contact-center platform. Authenticate with an API key: tenant keys (hkt_…) reach their own tenant, bureau keys (hkb_…) the whole bureau.",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    tags: [...new Set(OPERATIONS.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "API key (hkt_… or hkb_…)" },
      },
      schemas: SCHEMAS,
    },
  };
}
