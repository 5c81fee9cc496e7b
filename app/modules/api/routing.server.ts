import type { z } from "zod";
import type { ApiPrincipal } from "../auth/api-keys.server";
import type { ApiScope } from "../auth/api-key-token";
import { getQueue, listQueues, type Queue } from "../queues/queues.server";
import { AGENT_STATES, type AgentState } from "../routing/agent-state";
import { serviceLevelFromCounts, type SlResult } from "../routing/sla";
import type { Tenant } from "../tenancy/tenants.server";
import { floorSnapshot, tenantLiveSnapshot, tenantQueueFigures, type AgentLive, type QueueLive } from "../wallboard/wallboard.server";
import { authenticateApiRequest, requireScope } from "./auth.server";
import { ApiError } from "./errors";
import { fieldErrors, json, readJson, targetTenant } from "./handlers.server";
import {
  addInteractionNote,
  getInteractionRecord,
  listInteractionRecords,
  setInteractionDisposition,
  type ApiAuthor,
  type InteractionDetailRecord,
  type InteractionNoteRecord,
  type InteractionRecord,
} from "./interaction-records.server";
import { dispositionSetSchema, encodeCursor, interactionListQuerySchema, isUuid, noteCreateSchema, queryObject } from "./routing-schemas";

/**
 * The REST API's contact-centre floor (issue 4): queues with their settings and live figures, agents'
 * live states, and interactions with their events, notes and dispositions, plus the two back-office
 * writes (add a note, set or correct a disposition). A tenant key sees its own tenant only; a bureau
 * key names the tenant, except for the floor-wide agent list. Another tenant's queue or interaction,
 * like a malformed id, answers 404.
 */

export interface ApiQueueLive {
  waiting: number;
  longestWaitSeconds: number;
  agents: Record<AgentState, number>;
  today: SlResult;
}

export interface ApiQueue {
  id: string;
  key: string;
  name: string;
  channels: Queue["channels"];
  requiredSkills: string[];
  minProficiency: number;
  language: Queue["language"];
  priority: number;
  slTargetPct: number;
  slThresholdSeconds: number;
  shortAbandonSeconds: number;
  maxWaitSeconds: number;
  overflowAction: Queue["overflowAction"];
  overflowQueueId: string | null;
  overflowNumber: string | null;
  offerTimeoutSeconds: number;
  wrapupSeconds: number;
  afterHours: Queue["afterHours"];
  createdAt: string;
  updatedAt: string;
  live: ApiQueueLive;
}

export interface ApiAgentQueue {
  tenantId: string;
  tenantName: string;
  queueId: string;
  queueName: string;
}

export interface ApiAgentState {
  agentId: string;
  name: string;
  state: AgentState;
  sinceSeconds: number;
  queues: ApiAgentQueue[];
  /** Bureau keys only: the break reason, and the company whose contact the agent is on. */
  reason?: string | null;
  contactTenant?: string | null;
}

export interface ApiInteraction {
  id: string;
  channel: string;
  direction: string;
  state: string;
  provider: string;
  from: string | null;
  to: string | null;
  language: string;
  customerId: string | null;
  queue: { id: string; key: string; name: string } | null;
  agent: { id: string; name: string } | null;
  disposition: { id: string; code: string; name: string; resolved: boolean } | null;
  wrapupNotes: string;
  startedAt: string;
  queuedAt: string | null;
  answeredAt: string | null;
  wrapupAt: string | null;
  endedAt: string | null;
}

export interface ApiInteractionNote {
  id: string;
  body: string;
  author: string;
  createdAt: string;
}

export interface ApiInteractionDetail extends ApiInteraction {
  events: { seq: number; type: string; at: string; data: Record<string, unknown> }[];
  notes: ApiInteractionNote[];
}

type What = "queue" | "interaction";

const notFound = (what: What) => new ApiError(404, "not_found", `No such ${what} for this tenant.`);

/** Ids in the path are UUIDs; anything else cannot name an object, so it is simply not found. */
function pathId(raw: string | undefined, what: What): string {
  if (!raw || !isUuid(raw)) throw notFound(what);
  return raw.toLowerCase();
}

async function tenantFor(request: Request, scope: ApiScope): Promise<{ principal: ApiPrincipal; tenant: Tenant }> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, scope);
  return { principal, tenant: await targetTenant(principal, new URL(request.url)) };
}

/** The same label the key's other writes put in the audit log, so a note and its audit entry agree. */
const authorOf = (principal: ApiPrincipal): ApiAuthor => ({ label: `api-key ${principal.prefix}` });

async function parseBody<S extends z.ZodTypeAny>(request: Request, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse(await readJson(request));
  if (!parsed.success) {
    const details = await fieldErrors(parsed.error);
    throw new ApiError(422, "validation_failed", `Invalid field(s): ${[...new Set(details.map((d) => d.field))].join(", ")}.`, details);
  }
  return parsed.data;
}

function emptyLive(): ApiQueueLive {
  return {
    waiting: 0,
    longestWaitSeconds: 0,
    agents: Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>,
    today: serviceLevelFromCounts({ answered: 0, answeredWithin: 0, abandoned: 0, shortAbandoned: 0 }),
  };
}

function apiQueue(q: Queue, live: QueueLive | undefined): ApiQueue {
  return {
    id: q.id,
    key: q.key,
    name: q.name,
    channels: q.channels,
    requiredSkills: q.requiredSkills,
    minProficiency: q.minProficiency,
    language: q.language,
    priority: q.priority,
    slTargetPct: q.slTargetPct,
    slThresholdSeconds: q.slThresholdSeconds,
    shortAbandonSeconds: q.shortAbandonSeconds,
    maxWaitSeconds: q.maxWaitSeconds,
    overflowAction: q.overflowAction,
    overflowQueueId: q.overflowQueueId,
    overflowNumber: q.overflowNumber,
    offerTimeoutSeconds: q.offerTimeoutSeconds,
    wrapupSeconds: q.wrapupSeconds,
    afterHours: q.afterHours,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
    // A queue created between the two reads (or a suspended tenant, which the wallboard skips) has no
    // figures yet: nothing waits in it.
    live: live ? { waiting: live.waiting, longestWaitSeconds: live.longestWaitSeconds, agents: live.agents, today: live.today } : emptyLive(),
  };
}

export async function listQueuesApi(request: Request): Promise<Response> {
  const { tenant } = await tenantFor(request, "queues:read");
  const [queues, figures] = await Promise.all([listQueues(tenant.id), tenantQueueFigures(tenant.id)]);
  const byId = new Map(figures.map((f) => [f.queueId, f]));
  return json({ data: queues.map((q) => apiQueue(q, byId.get(q.id))) });
}

export async function getQueueApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { tenant } = await tenantFor(request, "queues:read");
  const id = pathId(rawId, "queue");
  const [queue, figures] = await Promise.all([getQueue(tenant.id, id), tenantQueueFigures(tenant.id)]);
  if (!queue) throw notFound("queue");
  return json({ data: apiQueue(queue, figures.find((f) => f.queueId === id)) });
}

const agentQueues = (a: AgentLive): ApiAgentQueue[] =>
  a.queues.map((q) => ({ tenantId: q.tenantId, tenantName: q.tenantName, queueId: q.queueId, queueName: q.queueName }));

/** What a client may know of a bureau agent: name, state and its own queues; no reason, no other company. */
const tenantAgent = (a: AgentLive): ApiAgentState => ({ agentId: a.agentId, name: a.name, state: a.state, sinceSeconds: a.sinceSeconds, queues: agentQueues(a) });

const bureauAgent = (a: AgentLive): ApiAgentState => ({ ...tenantAgent(a), reason: a.reason, contactTenant: a.contactTenant });

/**
 * GET /agent-states: a tenant key (or a bureau key naming a tenant) gets the agents serving that
 * tenant's queues, as the client's live view shows them; a bureau key without a tenant gets the floor.
 */
export async function listAgentStatesApi(request: Request): Promise<Response> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, "agents:read");
  const url = new URL(request.url);
  if (principal.kind === "bureau" && url.searchParams.get("tenant") === null) {
    // A bureau key holding agents:read is this bureau-wide read's permission, as wallboard.view is the console's.
    const floor = await floorSnapshot();
    return json({ data: floor.agents.map(bureauAgent) });
  }
  const tenant = await targetTenant(principal, url);
  const snapshot = await tenantLiveSnapshot(tenant.id);
  return json({ data: snapshot.agents.map(tenantAgent) });
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

function apiInteraction(r: InteractionRecord): ApiInteraction {
  return {
    id: r.id,
    channel: r.channel,
    direction: r.direction,
    state: r.state,
    provider: r.provider,
    from: r.from,
    to: r.to,
    language: r.language,
    customerId: r.customerId,
    queue: r.queue,
    agent: r.agent,
    disposition: r.disposition,
    wrapupNotes: r.wrapupNotes,
    startedAt: r.startedAt.toISOString(),
    queuedAt: iso(r.queuedAt),
    answeredAt: iso(r.answeredAt),
    wrapupAt: iso(r.wrapupAt),
    endedAt: iso(r.endedAt),
  };
}

const apiNote = (n: InteractionNoteRecord): ApiInteractionNote => ({ id: n.id, body: n.body, author: n.author, createdAt: n.createdAt.toISOString() });

const apiDetail = (r: InteractionDetailRecord): ApiInteractionDetail => ({
  ...apiInteraction(r),
  events: r.events.map((e) => ({ seq: e.seq, type: e.type, at: e.at.toISOString(), data: e.data })),
  notes: r.notes.map(apiNote),
});

const LIST_PARAMS = ["state", "queueId", "from", "to", "cursor", "limit"] as const;

export async function listInteractionsApi(request: Request): Promise<Response> {
  const { tenant } = await tenantFor(request, "interactions:read");
  const parsed = interactionListQuerySchema.safeParse(queryObject(new URL(request.url), LIST_PARAMS));
  if (!parsed.success) {
    const details = await fieldErrors(parsed.error);
    throw new ApiError(422, "validation_failed", `Invalid field(s): ${[...new Set(details.map((d) => d.field))].join(", ")}.`, details);
  }
  const { rows, next } = await listInteractionRecords(tenant.id, tenant.timeZone, parsed.data);
  return json({ data: rows.map(apiInteraction), nextCursor: next ? encodeCursor(next) : null });
}

export async function getInteractionApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { tenant } = await tenantFor(request, "interactions:read");
  const id = pathId(rawId, "interaction");
  const record = await getInteractionRecord(tenant.id, id);
  if (!record) throw notFound("interaction");
  return json({ data: apiDetail(record) });
}

export async function addInteractionNoteApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { principal, tenant } = await tenantFor(request, "interactions:write");
  const id = pathId(rawId, "interaction");
  const input = await parseBody(request, noteCreateSchema);
  const note = await addInteractionNote(tenant.id, id, authorOf(principal), input.body);
  if (!note) throw notFound("interaction");
  return json({ data: apiNote(note) }, 201);
}

export async function setInteractionDispositionApi(request: Request, rawId: string | undefined): Promise<Response> {
  const { principal, tenant } = await tenantFor(request, "interactions:write");
  const id = pathId(rawId, "interaction");
  const input = await parseBody(request, dispositionSetSchema);
  const { interaction } = await setInteractionDisposition(tenant.id, id, authorOf(principal), input);
  return json({ data: apiDetail(interaction) });
}
