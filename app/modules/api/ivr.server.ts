import type { ApiPrincipal } from "../auth/api-keys.server";
import { i18nServer } from "../i18n/i18n.server";
import { isLanguage, type Language } from "../i18n/config";
import { getCall, listCalls, type Call, type CallEvent } from "../interactions/calls.server";
import { flowEditingContext, tenantQueueKeys } from "../ivr/context.server";
import { FlowError, getFlow, getFlowVersion, listFlows, publish, type FlowSummary, type FlowVersion } from "../ivr/flows.server";
import { flowSchema } from "../ivr/model";
import { hasErrors, issueMessageKey, validateFlow, type Issue, type ValidationContext } from "../ivr/validator";
import type { Tenant } from "../tenancy/tenants.server";
import { authenticateApiRequest, requireScope } from "./auth.server";
import { ApiError } from "./errors";
import { fieldErrors, json, readJson, targetTenant } from "./handlers.server";

/**
 * The REST API's IVR flows and voice calls (issue 3): list and read flows with their draft and
 * published versions, validate a definition, publish the draft; list and read calls with their events.
 * Reads and writes go through the ivr and interactions modules, in the target tenant's RLS context;
 * another tenant's flow or call, like a malformed id, answers 404.
 */

export interface ApiIssue {
  nodeId: string | null;
  code: Issue["code"];
  severity: Issue["severity"];
  params: Record<string, string | number>;
  /** The issue in English (the portal shows it in the user's language). */
  message: string;
}

export interface ApiValidation {
  valid: boolean;
  errorCount: number;
  warningCount: number;
  issues: ApiIssue[];
}

export interface ApiFlowVersion {
  version: number;
  status: FlowVersion["status"];
  note: string;
  createdAt: string;
  publishedAt: string | null;
  definition: FlowVersion["definition"];
  validation: ApiValidation;
}

export interface ApiFlowSummary {
  id: string;
  name: string;
  draftVersion: number | null;
  publishedVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface ApiFlow extends ApiFlowSummary {
  draft: ApiFlowVersion | null;
  published: ApiFlowVersion | null;
}

export interface ApiCall {
  id: string;
  state: Call["state"];
  direction: Call["direction"];
  provider: Call["provider"];
  from: string | null;
  to: string | null;
  phoneNumberId: string | null;
  flowId: string | null;
  flowVersion: number | null;
  language: Language;
  ivrPath: string[];
  variables: Record<string, string>;
  startedAt: string;
  endedAt: string | null;
}

export interface ApiCallEvent {
  seq: number;
  type: string;
  at: string;
  data: Record<string, unknown>;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in the path are UUIDs; anything else cannot name an object, so it is simply not found. */
function pathId(raw: string | undefined, what: "flow" | "call"): string {
  if (!raw || !UUID_RE.test(raw)) throw notFound(what);
  return raw.toLowerCase();
}

const notFound = (what: "flow" | "call") => new ApiError(404, "not_found", `No such ${what} for this tenant.`);

async function apiIssues(issues: readonly Issue[]): Promise<ApiIssue[]> {
  const t = await i18nServer.getFixedT("en", "ivr");
  return issues.map((i) => ({
    nodeId: i.nodeId,
    code: i.code,
    severity: i.severity,
    params: i.params ?? {},
    message: t(issueMessageKey(i.code).slice("ivr:".length), i.params ?? {}),
  }));
}

async function apiValidation(issues: readonly Issue[]): Promise<ApiValidation> {
  return {
    valid: !hasErrors(issues),
    errorCount: issues.filter((i) => i.severity === "error").length,
    warningCount: issues.filter((i) => i.severity === "warning").length,
    issues: await apiIssues(issues),
  };
}

async function apiVersion(v: FlowVersion): Promise<ApiFlowVersion> {
  return {
    version: v.version,
    status: v.status,
    note: v.note,
    createdAt: v.createdAt.toISOString(),
    publishedAt: v.publishedAt?.toISOString() ?? null,
    definition: v.definition,
    validation: await apiValidation(v.issues),
  };
}

const apiSummary = (f: FlowSummary): ApiFlowSummary => ({
  id: f.id,
  name: f.name,
  draftVersion: f.draftVersion,
  publishedVersion: f.publishedVersion,
  createdAt: f.createdAt.toISOString(),
  updatedAt: f.updatedAt.toISOString(),
});

function apiCall(c: Call): ApiCall {
  return {
    id: c.id,
    state: c.state,
    direction: c.direction,
    provider: c.provider,
    from: c.from,
    to: c.to,
    phoneNumberId: c.numberId,
    flowId: c.flowId,
    flowVersion: c.flowVersion,
    language: c.language,
    ivrPath: c.ivrPath,
    variables: c.variables,
    startedAt: c.startedAt.toISOString(),
    endedAt: c.endedAt?.toISOString() ?? null,
  };
}

const apiEvent = (e: CallEvent): ApiCallEvent => ({ seq: e.seq, type: e.type, at: e.at.toISOString(), data: e.data });

async function tenantFor(request: Request, scope: "flows:read" | "flows:write" | "calls:read"): Promise<{ principal: ApiPrincipal; tenant: Tenant }> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, scope);
  return { principal, tenant: await targetTenant(principal, new URL(request.url)) };
}

export async function listFlowsApi(request: Request): Promise<Response> {
  const { tenant } = await tenantFor(request, "flows:read");
  const flows = await listFlows(tenant.id);
  return json({ data: flows.map(apiSummary) });
}

export async function getFlowApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { tenant } = await tenantFor(request, "flows:read");
  const id = pathId(rawId, "flow");
  const flow = await getFlow(tenant.id, id);
  if (!flow) throw notFound("flow");
  const [draft, published] = await Promise.all([getFlowVersion(tenant.id, id, "draft"), getFlowVersion(tenant.id, id, "published")]);
  const data: ApiFlow = {
    ...apiSummary(flow),
    draft: draft ? await apiVersion(draft) : null,
    published: published ? await apiVersion(published) : null,
  };
  return json({ data });
}

/**
 * What a definition sent to the API is validated against: the tenant's queue keys, and as languages
 * the tenant's default language and those its saved versions offer in a language choice (without a
 * "languageNotEnabled" report).
 */
function contextFromVersions(tenant: Tenant, versions: FlowVersion[], queueIds: string[]): ValidationContext {
  const languages = new Set<Language>(isLanguage(tenant.defaultLocale) ? [tenant.defaultLocale] : []);
  for (const v of versions) {
    const notEnabled = new Set(v.issues.filter((i) => i.code === "languageNotEnabled").map((i) => String(i.params?.language)));
    for (const node of v.definition.nodes) {
      if (node.type === "language") for (const o of node.options) if (!notEnabled.has(o.language)) languages.add(o.language);
    }
  }
  return { queueIds, tenantLanguages: [...languages] };
}

/**
 * POST /flows/{id}/validate: with a body, that definition is checked (a body that is not a flow's
 * shape is 422, naming each field, with the same problems as issues); without one, the draft's report.
 */
export async function validateFlowApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { tenant } = await tenantFor(request, "flows:read");
  const id = pathId(rawId, "flow");
  const body = await readJson(request);
  const empty = typeof body === "object" && body !== null && !Array.isArray(body) && Object.keys(body).length === 0;
  const [flow, draft, published] = await Promise.all([
    getFlow(tenant.id, id),
    getFlowVersion(tenant.id, id, "draft"),
    getFlowVersion(tenant.id, id, "published"),
  ]);
  if (!flow) throw notFound("flow");
  if (empty) {
    if (!draft) throw new ApiError(409, "conflict", "The flow has no draft to validate; send a definition in the body.");
    return json({ data: { version: draft.version, ...(await apiValidation(draft.issues)) } });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ApiError(422, "validation_failed", "The body must be a flow definition (an object with start and nodes).", [
      { field: "body", message: "Send a flow definition object, or no body to validate the draft." },
    ]);
  }
  const parsed = flowSchema.safeParse(body);
  if (!parsed.success) {
    const details = await fieldErrors(parsed.error);
    throw new ApiError(422, "validation_failed", `Invalid field(s): ${[...new Set(details.map((d) => d.field))].join(", ")}.`, details, {
      issues: await apiIssues(validateFlow(body, { queueIds: [], tenantLanguages: [] })),
    });
  }
  const ctx = contextFromVersions(tenant, [draft, published].filter((v): v is FlowVersion => v !== null), await tenantQueueKeys(tenant.id));
  return json({ data: { version: null, ...(await apiValidation(validateFlow(parsed.data, ctx))) } });
}

/**
 * POST /flows/{id}/publish: the draft becomes the published version, atomically; 409 with the issues
 * while it has errors. The draft is re-validated as the portal does when publishing, so a queue deleted
 * since the draft was saved blocks it here too.
 */
export async function publishFlowApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { principal, tenant } = await tenantFor(request, "flows:write");
  const id = pathId(rawId, "flow");
  try {
    // An API key acts for no user: published_by stays null and the audit entry names the key.
    // (AuditActor types userId as string; publish and recordAudit both store it as a nullable column.)
    const actor = { userId: null as unknown as string, label: `api-key ${principal.prefix}` };
    const stored = await Promise.all([getFlowVersion(tenant.id, id, "draft"), getFlowVersion(tenant.id, id, "published")]);
    const { ctx } = await flowEditingContext(tenant.id, stored.flatMap((v) => (v ? [v.definition] : [])));
    const version = await publish(tenant.id, id, actor, ctx);
    return json({ data: await apiVersion(version) });
  } catch (err) {
    if (!(err instanceof FlowError)) throw err;
    if (err.key === "notFound") throw notFound("flow");
    if (err.key === "noDraft") throw new ApiError(409, "conflict", "The flow has no draft to publish.");
    if (err.key === "hasErrors") {
      const validation = await apiValidation(err.issues);
      throw new ApiError(409, "conflict", `The draft has ${validation.errorCount} error(s); fix them before publishing.`, undefined, {
        issues: validation.issues,
      });
    }
    throw err;
  }
}

export async function listCallsApi(request: Request): Promise<Response> {
  const { tenant } = await tenantFor(request, "calls:read");
  const raw = new URL(request.url).searchParams.get("limit");
  let limit = 50;
  if (raw !== null) {
    limit = Number(raw);
    if (!/^\d+$/.test(raw) || limit < 1 || limit > 200) {
      throw new ApiError(422, "validation_failed", "Invalid field(s): limit.", [{ field: "limit", message: "Give a whole number from 1 to 200." }]);
    }
  }
  const calls = await listCalls(tenant.id, { limit });
  return json({ data: calls.map(apiCall) });
}

export async function getCallApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { tenant } = await tenantFor(request, "calls:read");
  const id = pathId(rawId, "call");
  const call = await getCall(tenant.id, id);
  if (!call) throw notFound("call");
  return json({ data: { ...apiCall(call), events: call.events.map(apiEvent) } });
}
