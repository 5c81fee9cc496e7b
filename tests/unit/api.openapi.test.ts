import { describe, expect, it } from "vitest";
import { buildOpenApiDocument, OPERATIONS, SCHEMAS } from "~/modules/api/openapi";
import { API_SCOPES } from "~/modules/auth/api-key-token";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

describe("buildOpenApiDocument", () => {
  const doc = buildOpenApiDocument({ serverUrl: "https://api.example" });

  it("is an OpenAPI 3.1 document with a bearer scheme and the error schema", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: "https://api.example" }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.schemas.Error).toBe(SCHEMAS.Error);
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it("describes every registered operation under its path and method", () => {
    for (const op of OPERATIONS) {
      const entry = doc.paths[op.path]?.[op.method] as Record<string, unknown> | undefined;
      expect(entry, `${op.method} ${op.path}`).toBeDefined();
      expect(entry!.operationId).toBe(op.operationId);
    }
    const ids = OPERATIONS.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("adds 401/403 with the error schema to secured operations, and only known scopes", () => {
    const list = doc.paths["/api/v1/phone-numbers"]!.get as { security: unknown; responses: Record<string, Json> };
    expect(list.security).toEqual([{ bearerAuth: ["numbers:read"] }]);
    expect(list.responses["401"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
    expect(list.responses["403"]).toBeDefined();
    const spec = doc.paths["/api/v1/openapi.json"]!.get as { security: unknown; responses: Record<string, unknown> };
    expect(spec.security).toEqual([]);
    expect(spec.responses["401"]).toBeUndefined();
    for (const op of OPERATIONS) for (const s of op.scopes) expect(API_SCOPES).toContain(s);
  });

  it("points every $ref at a defined schema", () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const name of refs) expect(SCHEMAS[name], name).toBeDefined();
  });

  it("documents the request body of POST /phone-numbers", () => {
    const post = doc.paths["/api/v1/phone-numbers"]!.post as { requestBody: Json; responses: Record<string, unknown> };
    expect(post.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/PhoneNumberCreate" });
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["201", "401", "403", "409", "422"]));
  });

  it("describes the IVR flow and call operations with their scopes, ids and errors", () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    expect(paths["/api/v1/flows"]!.get.security).toEqual([{ bearerAuth: ["flows:read"] }]);
    expect(paths["/api/v1/flows/{flowId}"]!.get.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "flowId", in: "path", required: true })]));
    const validate = paths["/api/v1/flows/{flowId}/validate"]!.post;
    expect(validate.requestBody).toMatchObject({ required: false, content: { "application/json": { schema: { $ref: "#/components/schemas/FlowDefinition" } } } });
    expect(Object.keys(validate.responses)).toEqual(expect.arrayContaining(["200", "404", "409", "422"]));
    const publish = paths["/api/v1/flows/{flowId}/publish"]!.post;
    expect(publish.security).toEqual([{ bearerAuth: ["flows:write"] }]);
    expect(Object.keys(publish.responses)).toEqual(expect.arrayContaining(["200", "404", "409"]));
    expect(paths["/api/v1/calls"]!.get.security).toEqual([{ bearerAuth: ["calls:read"] }]);
    expect(paths["/api/v1/calls/{callId}"]!.get.responses["200"].content["application/json"].schema.properties.data).toEqual({ $ref: "#/components/schemas/CallDetail" });
    expect((SCHEMAS.Error as Json).properties.error.properties.issues).toBeDefined();
    for (const name of ["FlowSummary", "Flow", "FlowVersion", "FlowDefinition", "ValidationIssue", "ValidationReport", "Call", "CallEvent", "CallDetail"]) {
      expect(SCHEMAS[name], name).toBeDefined();
    }
  });

  it("describes the queue, agent-state and interaction operations with their scopes, bodies and errors", () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    expect(paths["/api/v1/queues"]!.get.security).toEqual([{ bearerAuth: ["queues:read"] }]);
    expect(paths["/api/v1/queues/{queueId}"]!.get.responses["200"].content["application/json"].schema.properties.data).toEqual({ $ref: "#/components/schemas/Queue" });
    expect(Object.keys(paths["/api/v1/queues/{queueId}"]!.get.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "404"]));
    expect(paths["/api/v1/agent-states"]!.get.security).toEqual([{ bearerAuth: ["agents:read"] }]);
    const list = paths["/api/v1/interactions"]!.get;
    expect(list.security).toEqual([{ bearerAuth: ["interactions:read"] }]);
    expect((list.parameters as Json[]).map((p) => p.name)).toEqual(expect.arrayContaining(["tenant", "state", "queueId", "from", "to", "cursor", "limit"]));
    expect(list.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/InteractionPage" });
    expect(Object.keys(list.responses)).toContain("422");
    expect(paths["/api/v1/interactions/{interactionId}"]!.get.responses["200"].content["application/json"].schema.properties.data).toEqual({
      $ref: "#/components/schemas/InteractionDetail",
    });
    const note = paths["/api/v1/interactions/{interactionId}/notes"]!.post;
    expect(note.security).toEqual([{ bearerAuth: ["interactions:write"] }]);
    expect(note.requestBody).toMatchObject({ required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/NoteCreate" } } } });
    expect(Object.keys(note.responses)).toEqual(expect.arrayContaining(["201", "404", "422"]));
    const disposition = paths["/api/v1/interactions/{interactionId}/disposition"]!.put;
    expect(disposition.security).toEqual([{ bearerAuth: ["interactions:write"] }]);
    expect(disposition.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/DispositionSet" });
    expect(Object.keys(disposition.responses)).toEqual(expect.arrayContaining(["200", "404", "409", "422"]));
    expect((SCHEMAS.NoteCreate as Json).properties.body).toMatchObject({ minLength: 1, maxLength: 4000 });
    expect((SCHEMAS.Interaction as Json).properties.state.enum).toEqual(expect.arrayContaining(["wrap_up", "completed", "callback"]));
    expect((SCHEMAS.AgentState as Json).required).not.toContain("reason");
    for (const name of ["Queue", "QueueLiveFigures", "ServiceLevel", "AgentState", "Interaction", "InteractionEvent", "InteractionNote", "InteractionDetail", "InteractionPage", "DispositionSet"]) {
      expect(SCHEMAS[name], name).toBeDefined();
    }
  });
});
