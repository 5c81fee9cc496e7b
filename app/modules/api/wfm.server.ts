import { z } from "zod";
import type { ApiPrincipal } from "../auth/api-keys.server";
import { diskT } from "../i18n/disk-t.server";
import { withBureauScope, withTenant } from "../tenancy/scope.server";
import { forecastPoints, queueRefs, type QueueRow } from "../wfm/data.server";
import { agentIcal } from "../wfm/schedule.server";
import { readShifts, rosterOfWeek, shiftView } from "../wfm/roster-store.server";
import { wfmSettings } from "../wfm/settings.server";
import { templateViews } from "../wfm/setup.server";
import { calculateStaffing, weekRequirements } from "../wfm/staffing.server";
import { addDays, DATE_RE, localToUtc, weekStartDate } from "../wfm/time";
import { weekStartOf } from "../wfm/week";
import { authenticateApiRequest, requireScope } from "./auth.server";
import { ApiError } from "./errors";
import { json, readJson } from "./handlers.server";
import { isUuid } from "./routing-schemas";

/**
 * The REST API's workforce management (issue 6): the staffing calculator, a queue's forecast, the
 * week's requirements, and (bureau keys) the published roster per agent with its iCal feed. Tenant
 * keys see their own queues only, as numbers: no agent appears in anything a tenant key can read.
 */

async function wfmPrincipal(request: Request): Promise<ApiPrincipal> {
  const principal = await authenticateApiRequest(request);
  requireScope(principal, "wfm:read");
  return principal;
}

/** POST /api/v1/wfm/staffing: one interval's staffing (Erlang C, or A with patience). */
export async function postStaffingApi(request: Request): Promise<Response> {
  await wfmPrincipal(request);
  const body = await readJson(request);
  const result = calculateStaffing(body);
  if (!result.ok) {
    const t = await diskT("en", "wfm");
    const message = t(result.messageKey.replace(/^wfm:/, ""));
    throw new ApiError(400, "validation_failed", `Invalid field: ${result.field}. ${message}`, [{ field: result.field, message }], { messageKey: result.messageKey });
  }
  const r = result.result;
  return json({
    data: {
      model: r.model,
      erlangs: r.erlangs,
      agentsRequired: r.agents,
      scheduledHeads: r.scheduledHeads,
      serviceLevel: r.serviceLevel,
      asaSeconds: r.asaSeconds,
      occupancy: r.occupancy,
      probabilityWaiting: r.probabilityWaiting,
      ...(r.abandonRate !== undefined ? { abandonRate: r.abandonRate } : {}),
      limitedBy: r.limitedBy,
    },
  });
}

const weekQuery = z
  .string()
  .regex(DATE_RE, "week must be YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "week must be a date")
  .transform((d) => weekStartDate(d));

function queryParam<T>(url: URL, name: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ApiError(400, "bad_request", `Invalid query parameter: ${name}. ${parsed.error.issues[0]?.message ?? ""}`.trim(), [{ field: name, message: parsed.error.issues[0]?.message ?? "invalid" }]);
  return parsed.data;
}

/** The queue a request names: by id, or by key within the tenant key's tenant (or ?tenant= for a bureau key). */
async function namedQueue(principal: ApiPrincipal, url: URL): Promise<QueueRow> {
  const name = url.searchParams.get("queue");
  if (!name) throw new ApiError(400, "bad_request", "Name the queue: '?queue=<id or key>'.", [{ field: "queue", message: "required" }]);
  if (principal.kind === "tenant") {
    const queues = await withTenant(principal.tenantId, (trx) => queueRefs(trx, { tenantId: principal.tenantId }));
    const q = queues.find((x) => x.queueId === name || x.queueKey === name);
    if (!q) throw new ApiError(404, "not_found", "No such queue.");
    return q;
  }
  const slug = url.searchParams.get("tenant");
  const queues = await withBureauScope((trx) => queueRefs(trx, isUuid(name) ? { queueIds: [name] } : {}));
  const q = queues.find((x) => (isUuid(name) ? x.queueId === name : x.queueKey === name && x.tenantSlug === slug));
  if (!q) throw new ApiError(404, "not_found", isUuid(name) ? "No such queue." : "No such queue: a bureau key names a queue by id, or by key with '?tenant=<slug>'.");
  return q;
}

const queueJson = (q: QueueRow) => ({
  id: q.queueId,
  key: q.queueKey,
  name: q.queueName,
  tenant: q.tenantSlug,
  serviceLevelTarget: q.slTarget,
  serviceLevelThresholdSeconds: q.slThresholdSeconds,
  timeZone: q.timeZone,
  patienceSeconds: q.patienceSeconds,
});

/** GET /api/v1/wfm/forecast?queue=…&week=…&weeks=…: the stored forecast per interval. */
export async function getForecastApi(request: Request): Promise<Response> {
  const principal = await wfmPrincipal(request);
  const url = new URL(request.url);
  const settings = await wfmSettings();
  const week = queryParam(url, "week", weekQuery) ?? weekStartOf(new Date(), settings.timeZone);
  const weeks = queryParam(url, "weeks", z.coerce.number().int().min(1).max(6)) ?? 1;
  const queue = await namedQueue(principal, url);
  const from = localToUtc(week, 0, settings.timeZone);
  const to = localToUtc(addDays(week, 7 * weeks), 0, settings.timeZone);
  // The tenant's own scope: its forecast rows are tenant data.
  const { points, model } = await withTenant(queue.tenantId, async (trx) => ({
    points: await forecastPoints(trx, [queue.queueId], from, to),
    model: await trx.selectFrom("wfm_forecast_models").select(["backtest", "model", "generated_at"]).where("queue_id", "=", queue.queueId).executeTakeFirst(),
  }));
  return json({
    data: {
      queue: queueJson(queue),
      weekStart: week,
      weeks,
      intervalMinutes: points[0]?.intervalMinutes ?? settings.intervalMinutes,
      generatedAt: model?.generated_at.toISOString() ?? null,
      backtest: model?.backtest ?? null,
      model: model?.model ?? null,
      intervals: points.map((p) => ({
        start: p.start.toISOString(),
        localDate: p.localDate,
        minuteOfDay: p.minuteOfDay,
        dayType: p.dayType,
        contacts: p.adjustedContacts,
        ahtSeconds: p.adjustedAhtSeconds,
        statisticalContacts: p.contacts,
        statisticalAhtSeconds: p.ahtSeconds,
        adjustments: p.adjustments,
      })),
    },
  });
}

/**
 * GET /api/v1/wfm/requirements?week=…: agents per queue and interval. Pools span tenants, so the
 * numbers are computed bureau-wide and a tenant key gets its own queues' rows only.
 */
export async function getRequirementsApi(request: Request): Promise<Response> {
  const principal = await wfmPrincipal(request);
  const url = new URL(request.url);
  const settings = await wfmSettings();
  const week = queryParam(url, "week", weekQuery) ?? weekStartOf(new Date(), settings.timeZone);
  const own = principal.kind === "tenant" ? new Set((await withTenant(principal.tenantId, (trx) => queueRefs(trx, { tenantId: principal.tenantId }))).map((q) => q.queueId)) : null;
  const w = await withBureauScope((trx) => weekRequirements(trx, week, { settings }));
  const rows = w.requirements.queues
    .map((r, i) => ({ r, q: w.queues[i]!, contacts: w.contacts[i]!, aht: w.ahtSeconds[i]! }))
    .filter(({ q }) => own === null || own.has(q.queueId));
  const round = (a: readonly number[]) => a.map((v) => Math.round(v * 1000) / 1000);
  return json({
    data: {
      weekStart: week,
      timeZone: settings.timeZone,
      intervalMinutes: settings.intervalMinutes,
      shrinkage: settings.shrinkage,
      maxOccupancy: settings.maxOccupancy,
      intervals: w.grid.intervals.map((d) => d.toISOString()),
      queues: rows.map(({ r, q, contacts, aht }) => ({
        queue: queueJson(q),
        model: r.model,
        contacts: round(contacts),
        ahtSeconds: round(aht),
        standaloneAgents: r.standalone,
        agents: round(r.agents),
        heads: r.heads,
        serviceLevel: round(r.serviceLevel),
      })),
      ...(own === null ? { pools: w.requirements.pools } : {}),
      missingForecast: w.missingForecast.filter((id) => own === null || own.has(id)),
    },
  });
}

function requireBureauKey(principal: ApiPrincipal) {
  if (principal.kind !== "bureau") throw new ApiError(403, "forbidden", "Rosters name agents: this endpoint needs a bureau API key (hkb_…).");
}

/** GET /api/v1/wfm/roster?week=…&agent=…: the week's published roster (bureau keys). */
export async function getRosterApi(request: Request): Promise<Response> {
  const principal = await wfmPrincipal(request);
  requireBureauKey(principal);
  const url = new URL(request.url);
  const settings = await wfmSettings();
  const week = queryParam(url, "week", weekQuery) ?? weekStartOf(new Date(), settings.timeZone);
  const agentFilter = url.searchParams.get("agent");
  const body = await withBureauScope(async (trx) => {
    const roster = await rosterOfWeek(trx, week, "published");
    if (!roster) return null;
    const shifts = await readShifts(trx, roster.id);
    const templates = new Map((await templateViews(trx)).map((t) => [t.id, t]));
    const people = await trx
      .selectFrom("agents as a")
      .innerJoin("users as u", "u.id", "a.user_id")
      .select(["a.user_id", "a.employee_code", "u.name"])
      .where("a.user_id", "in", roster.input.agents.length ? roster.input.agents.map((a) => a.id) : ["00000000-0000-0000-0000-000000000000"])
      .execute();
    const agents = people
      .filter((p) => !agentFilter || p.user_id === agentFilter || p.employee_code === agentFilter)
      .sort((a, b) => a.employee_code.localeCompare(b.employee_code))
      .map((p) => ({
        id: p.user_id,
        employeeCode: p.employee_code,
        name: p.name,
        shifts: shifts
          .filter((s) => s.agentId === p.user_id)
          .map((s) => {
            const v = shiftView(s, roster, templates);
            return { id: v.id, day: v.day, date: v.date, template: v.templateName, startsAt: v.startsAt, endsAt: v.endsAt, paidMinutes: v.paidMinutes, night: v.night, breaks: v.breaks.map((b) => ({ kind: b.kind, startsAt: b.startsAt, endsAt: b.endsAt })) };
          }),
      }));
    if (agentFilter && agents.length === 0) throw new ApiError(404, "not_found", "No such agent in this week's roster.");
    return { rosterId: roster.id, weekStart: roster.weekStart, timeZone: roster.timeZone, version: roster.version, publishedAt: roster.publishedAt?.toISOString() ?? null, agents };
  });
  if (!body) throw new ApiError(404, "not_found", `No published roster for the week of ${week}.`);
  return json({ data: body });
}

export function icalResponse(text: string, filename = "schedule.ics"): Response {
  return new Response(text, { status: 200, headers: { "Content-Type": "text/calendar; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"`, "Cache-Control": "no-store" } });
}

/** GET /api/v1/wfm/agents/{agentId}/schedule.ics (bureau keys). */
export async function getAgentIcalApi(request: Request, agentId: string | undefined): Promise<Response> {
  const principal = await wfmPrincipal(request);
  requireBureauKey(principal);
  if (!agentId || !isUuid(agentId)) throw new ApiError(404, "not_found", "No such agent.");
  const exists = await withBureauScope((trx) => trx.selectFrom("agents").select("user_id").where("user_id", "=", agentId).executeTakeFirst());
  if (!exists) throw new ApiError(404, "not_found", "No such agent.");
  return icalResponse(await agentIcal(agentId));
}

