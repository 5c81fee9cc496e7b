import type { ApiScope } from "../auth/api-key-token";
import { LANGUAGES } from "../i18n/config";
import { INTERACTION_STATES } from "../interactions/states";
import { NODE_TYPES } from "../ivr/model";
import { ISSUE_CODES } from "../ivr/validator";
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
          issues: {
            type: "array",
            description: "The IVR validator's issues (publishing refused with 409, or a definition that does not parse with 422).",
            items: { $ref: "#/components/schemas/ValidationIssue" },
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
  FlowSummary: {
    type: "object",
    required: ["id", "name", "draftVersion", "publishedVersion", "createdAt", "updatedAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      name: { type: "string" },
      draftVersion: { type: ["integer", "null"], description: "The version being edited, if any." },
      publishedVersion: { type: ["integer", "null"], description: "The version answering calls, if any." },
      createdAt: { type: "string", format: "date-time" },
      updatedAt: { type: "string", format: "date-time" },
    },
  },
  Flow: {
    allOf: [
      ref("FlowSummary"),
      {
        type: "object",
        required: ["draft", "published"],
        properties: {
          draft: { oneOf: [ref("FlowVersion"), { type: "null" }] },
          published: { oneOf: [ref("FlowVersion"), { type: "null" }] },
        },
      },
    ],
  },
  FlowVersion: {
    type: "object",
    required: ["version", "status", "note", "createdAt", "publishedAt", "definition", "validation"],
    properties: {
      version: { type: "integer", minimum: 1 },
      status: { type: "string", enum: ["draft", "published", "archived"] },
      note: { type: "string" },
      createdAt: { type: "string", format: "date-time" },
      publishedAt: { type: ["string", "null"], format: "date-time" },
      definition: ref("FlowDefinition"),
      validation: ref("ValidationReport"),
    },
  },
  FlowDefinition: {
    type: "object",
    description:
      "An IVR flow: a graph of typed nodes. Each node has an id (a short slug) and a type; its other fields depend on the type (prompts per language, menu options digit -> next node, queue id, ...). The validator checks the graph.",
    required: ["start", "nodes"],
    properties: {
      start: { type: "string", description: "Id of the first node." },
      nodes: {
        type: "array",
        minItems: 1,
        maxItems: 300,
        items: {
          type: "object",
          required: ["id", "type"],
          properties: {
            id: { type: "string", pattern: "^[a-z0-9](?:[a-z0-9_-]{0,38}[a-z0-9])?$" },
            type: { type: "string", enum: [...NODE_TYPES] },
          },
          additionalProperties: true,
        },
      },
      goodbye: ref("Prompt"),
    },
  },
  Prompt: {
    type: "object",
    properties: {
      text: { type: "object", description: "Text to speech per language.", propertyNames: { enum: [...LANGUAGES] }, additionalProperties: { type: "string", maxLength: 2000 } },
      audioUrl: { type: "string", format: "uri" },
    },
  },
  ValidationIssue: {
    type: "object",
    required: ["nodeId", "code", "severity", "params", "message"],
    properties: {
      nodeId: { type: ["string", "null"], description: "The node the issue points at; null for the flow as a whole." },
      code: { type: "string", enum: [...ISSUE_CODES] },
      severity: { type: "string", enum: ["error", "warning"], description: "Errors block publishing; warnings do not." },
      params: { type: "object", additionalProperties: { type: ["string", "number"] } },
      message: { type: "string", description: "The issue in English." },
    },
  },
  ValidationReport: {
    type: "object",
    required: ["valid", "errorCount", "warningCount", "issues"],
    properties: {
      valid: { type: "boolean", description: "No error-severity issues: the flow can be published." },
      errorCount: { type: "integer", minimum: 0 },
      warningCount: { type: "integer", minimum: 0 },
      issues: { type: "array", items: ref("ValidationIssue") },
    },
  },
  ValidationResult: {
    allOf: [
      ref("ValidationReport"),
      {
        type: "object",
        required: ["version"],
        properties: { version: { type: ["integer", "null"], description: "The draft's version when the draft was validated; null for a definition sent in the body." } },
      },
    ],
  },
  Call: {
    type: "object",
    required: ["id", "state", "direction", "provider", "from", "to", "phoneNumberId", "flowId", "flowVersion", "language", "ivrPath", "variables", "startedAt", "endedAt"],
    properties: {
      id: { type: "string", format: "uuid" },
      state: { type: "string", enum: [...INTERACTION_STATES] },
      direction: { type: "string", enum: ["inbound", "outbound"] },
      provider: { type: "string", enum: ["simulator", "twilio"] },
      from: { type: ["string", "null"], description: "The caller's number." },
      to: { type: ["string", "null"], description: "The tenant number dialled." },
      phoneNumberId: { type: ["string", "null"], format: "uuid" },
      flowId: { type: ["string", "null"], format: "uuid" },
      flowVersion: { type: ["integer", "null"], description: "The flow version the call runs on (pinned when it started)." },
      language: { type: "string", enum: [...LANGUAGES] },
      ivrPath: { type: "array", items: { type: "string" }, description: "Ids of the IVR nodes the caller went through, in order." },
      variables: { type: "object", additionalProperties: { type: "string" }, description: "Digits collected by the IVR." },
      startedAt: { type: "string", format: "date-time" },
      endedAt: { type: ["string", "null"], format: "date-time" },
    },
  },
  CallEvent: {
    type: "object",
    required: ["seq", "type", "at", "data"],
    properties: {
      seq: { type: "integer", minimum: 1 },
      type: { type: "string", examples: ["call.started", "ivr.step", "state.changed", "call.ended"] },
      at: { type: "string", format: "date-time" },
      data: { type: "object" },
    },
  },
  CallDetail: {
    allOf: [ref("Call"), { type: "object", required: ["events"], properties: { events: { type: "array", items: ref("CallEvent") } } }],
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
  /** The request body may be left out (e.g. validate the stored draft). */
  requestOptional?: boolean;
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

const flowIdParam = { name: "flowId", in: "path", required: true, schema: { type: "string", format: "uuid" } };

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
    path: "/api/v1/flows",
    operationId: "listFlows",
    summary: "The tenant's IVR flows",
    description: "By name, each with its current draft and published version numbers.",
    tag: "IVR flows",
    scopes: ["flows:read"],
    parameters: [tenantParam],
    responses: { "200": ["The flows", dataOf({ type: "array", items: ref("FlowSummary") })] },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/api/v1/flows/{flowId}",
    operationId: "getFlow",
    summary: "One IVR flow with its draft and published definitions",
    description: "Each version carries the validator's report from when it was saved or published.",
    tag: "IVR flows",
    scopes: ["flows:read"],
    parameters: [flowIdParam, tenantParam],
    responses: { "200": ["The flow", dataOf(ref("Flow"))] },
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/api/v1/flows/{flowId}/validate",
    operationId: "validateFlow",
    summary: "Validate a flow definition, or the flow's draft",
    description:
      "With a flow definition as the body, checks it (nothing is stored) against the queues and languages the flow's saved versions use; without a body (or with {}), answers the draft's report (409 when there is no draft). A body that is not a flow's shape answers 422 naming each field, with the same problems as issues.",
    tag: "IVR flows",
    scopes: ["flows:read"],
    parameters: [flowIdParam, tenantParam],
    requestSchema: "FlowDefinition",
    requestOptional: true,
    responses: { "200": ["The validator's report; valid is false while there are errors", dataOf(ref("ValidationResult"))] },
    errors: [400, 404, 409, 422],
  },
  {
    method: "post",
    path: "/api/v1/flows/{flowId}/publish",
    operationId: "publishFlow",
    summary: "Publish the flow's draft",
    description:
      "Atomically: the draft becomes the published version and the previous one is archived; calls already running keep their version. Refused with 409 while the draft has errors (the error lists them as issues) or when there is no draft.",
    tag: "IVR flows",
    scopes: ["flows:write"],
    parameters: [flowIdParam, tenantParam],
    responses: { "200": ["The newly published version", dataOf(ref("FlowVersion"))] },
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/calls",
    operationId: "listCalls",
    summary: "The tenant's recent calls",
    description: "Newest first, with state, numbers, language and the IVR path taken.",
    tag: "Calls",
    scopes: ["calls:read"],
    parameters: [
      tenantParam,
      { name: "limit", in: "query", required: false, description: "How many calls (1-200).", schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
    ],
    responses: { "200": ["The calls", dataOf({ type: "array", items: ref("Call") })] },
    errors: [400, 404, 422],
  },
  {
    method: "get",
    path: "/api/v1/calls/{callId}",
    operationId: "getCall",
    summary: "One call with its events",
    description: "The events are the call's append-only record, in order.",
    tag: "Calls",
    scopes: ["calls:read"],
    parameters: [{ name: "callId", in: "path", required: true, schema: { type: "string", format: "uuid" } }, tenantParam],
    responses: { "200": ["The call", dataOf(ref("CallDetail"))] },
    errors: [400, 404],
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
  409: "Conflicts with an existing object or with the object's state",
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
        ? { requestBody: { required: !op.requestOptional, content: { "application/json": { schema: ref(op.requestSchema) } } } }
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
