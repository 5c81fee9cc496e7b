import { sql } from "kysely";
import { recordAudit } from "../auth/audit.server";
import { appendEvents } from "../interactions/events.server";
import type { Trx } from "../platform/db.server";
import { addNote } from "../routing/contact.server";
import { withTenant } from "../tenancy/scope.server";
import { ApiError } from "./errors";
import { DISPOSABLE_STATES, type InteractionCursor, type InteractionListQuery, type TimeBound } from "./routing-schemas";

/**
 * The interactions as the REST API reads and corrects them: one tenant's rows under its RLS, with the
 * queue, agent display name and disposition joined in. Writes lock the interaction row first, because
 * appending its events requires that nothing else numbers them meanwhile (interactions/events.server.ts).
 */

export interface InteractionRecord {
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
  startedAt: Date;
  queuedAt: Date | null;
  answeredAt: Date | null;
  wrapupAt: Date | null;
  endedAt: Date | null;
  /** The row's position for the next page's cursor. */
  cursor: InteractionCursor;
}

export interface InteractionEventRecord {
  seq: number;
  type: string;
  at: Date;
  data: Record<string, unknown>;
}

export interface InteractionNoteRecord {
  id: string;
  body: string;
  author: string;
  createdAt: Date;
}

export interface InteractionDetailRecord extends InteractionRecord {
  events: InteractionEventRecord[];
  notes: InteractionNoteRecord[];
}

/** Who writes through the API: a key acts for no user, so notes and audit entries carry its label. */
export interface ApiAuthor {
  label: string;
}

function selectInteractions(trx: Trx, tenantId: string) {
  return trx
    .selectFrom("interactions as i")
    .leftJoin("queues as q", (j) => j.onRef("q.tenant_id", "=", "i.tenant_id").onRef("q.id", "=", "i.queue_id"))
    .leftJoin("dispositions as d", (j) => j.onRef("d.tenant_id", "=", "i.tenant_id").onRef("d.id", "=", "i.disposition_id"))
    .leftJoin("users as u", "u.id", "i.agent_id")
    .select([
      "i.id",
      "i.channel",
      "i.direction",
      "i.state",
      "i.provider",
      "i.from_number",
      "i.to_number",
      "i.language",
      "i.customer_id",
      "i.wrapup_notes",
      "i.started_at",
      "i.queued_at",
      "i.answered_at",
      "i.wrapup_at",
      "i.ended_at",
      "i.agent_id",
      "q.id as queue_id",
      "q.key as queue_key",
      "q.name as queue_name",
      "u.name as agent_name",
      "d.id as disposition_id",
      "d.code as disposition_code",
      "d.name as disposition_name",
      "d.resolved as disposition_resolved",
      sql<string>`to_char(i.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as("started_key"),
    ])
    .where("i.tenant_id", "=", tenantId);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectInteractions>["executeTakeFirstOrThrow"]>>;

function toRecord(r: Row): InteractionRecord {
  return {
    id: r.id,
    channel: r.channel,
    direction: r.direction,
    state: r.state,
    provider: r.provider,
    from: r.from_number,
    to: r.to_number,
    language: r.language,
    customerId: r.customer_id,
    queue: r.queue_id ? { id: r.queue_id, key: r.queue_key!, name: r.queue_name! } : null,
    agent: r.agent_id ? { id: r.agent_id, name: r.agent_name ?? "" } : null,
    disposition: r.disposition_id
      ? { id: r.disposition_id, code: r.disposition_code!, name: r.disposition_name!, resolved: !!r.disposition_resolved }
      : null,
    wrapupNotes: r.wrapup_notes,
    startedAt: r.started_at,
    queuedAt: r.queued_at,
    answeredAt: r.answered_at,
    wrapupAt: r.wrapup_at,
    endedAt: r.ended_at,
    cursor: { startedAt: r.started_key, id: r.id },
  };
}

/** A day bound starts at that day's midnight in the tenant's zone; an upper day bound includes the day. */
function boundSql(bound: TimeBound, timeZone: string, edge: "from" | "to") {
  if (bound.kind === "instant") return sql<Date>`${bound.value}::timestamptz`;
  const day = edge === "from" ? sql`${bound.value}::date` : sql`(${bound.value}::date + 1)`;
  return sql<Date>`(${day}::timestamp at time zone ${timeZone})`;
}

/**
 * One page of the tenant's interactions, newest first. Rows are ordered by (started_at, id), both
 * descending, so the cursor (the last row's pair) continues exactly where the page ended even when
 * interactions share a start time or arrive between two requests.
 */
export function listInteractionRecords(
  tenantId: string,
  timeZone: string,
  query: InteractionListQuery,
): Promise<{ rows: InteractionRecord[]; next: InteractionCursor | null }> {
  return withTenant(tenantId, async (trx) => {
    const rows = await selectInteractions(trx, tenantId)
      .$if(query.state !== undefined, (qb) => qb.where("i.state", "=", query.state!))
      .$if(query.queueId !== undefined, (qb) => qb.where("i.queue_id", "=", query.queueId!))
      .$if(query.from !== undefined, (qb) => qb.where("i.started_at", ">=", boundSql(query.from!, timeZone, "from")))
      .$if(query.to !== undefined, (qb) => qb.where("i.started_at", "<", boundSql(query.to!, timeZone, "to")))
      .$if(query.cursor !== undefined, (qb) =>
        qb.where(sql<boolean>`(i.started_at, i.id) < (${query.cursor!.startedAt}::timestamptz, ${query.cursor!.id}::uuid)`),
      )
      .orderBy("i.started_at", "desc")
      .orderBy("i.id", "desc")
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit).map(toRecord);
    return { rows: page, next: rows.length > query.limit ? page[page.length - 1]!.cursor : null };
  });
}

async function readDetail(trx: Trx, tenantId: string, interactionId: string): Promise<InteractionDetailRecord | null> {
  const row = await selectInteractions(trx, tenantId).where("i.id", "=", interactionId).executeTakeFirst();
  if (!row) return null;
  const events = await trx
    .selectFrom("interaction_events")
    .select(["seq", "type", "at", "data"])
    .where("tenant_id", "=", tenantId)
    .where("interaction_id", "=", interactionId)
    .orderBy("seq")
    .execute();
  const notes = await trx
    .selectFrom("interaction_notes")
    .select(["id", "body", "author_label", "created_at"])
    .where("tenant_id", "=", tenantId)
    .where("interaction_id", "=", interactionId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return {
    ...toRecord(row),
    events: events.map((e) => ({ seq: e.seq, type: e.type, at: e.at, data: (e.data ?? {}) as Record<string, unknown> })),
    notes: notes.map((n) => ({ id: n.id, body: n.body, author: n.author_label, createdAt: n.created_at })),
  };
}

/** One interaction with its events, notes and disposition; null for an unknown id or another tenant's. */
export function getInteractionRecord(tenantId: string, interactionId: string): Promise<InteractionDetailRecord | null> {
  return withTenant(tenantId, (trx) => readDetail(trx, tenantId, interactionId));
}

function lockInteraction(trx: Trx, tenantId: string, interactionId: string) {
  return trx
    .selectFrom("interactions")
    .select(["id", "state", "disposition_id"])
    .where("tenant_id", "=", tenantId)
    .where("id", "=", interactionId)
    .forUpdate()
    .executeTakeFirst();
}

const notFound = () => new ApiError(404, "not_found", "No such interaction for this tenant.");

// The notes column references users; an API key is no user, so the author is its label alone.
// (addNote types the id as a string; the column is nullable.)
const keyAuthor = (author: ApiAuthor) => ({ userId: null as unknown as string, label: author.label });

/** Adds a note and its "note.added" event in one transaction; null when the tenant has no such interaction. */
export function addInteractionNote(tenantId: string, interactionId: string, author: ApiAuthor, body: string): Promise<InteractionNoteRecord | null> {
  return withTenant(tenantId, async (trx) => {
    if (!(await lockInteraction(trx, tenantId, interactionId))) return null;
    await addNote(trx, tenantId, interactionId, keyAuthor(author), body);
    // addNote returns nothing: find the row by what only this transaction wrote (now() is the
    // transaction's start, and the interaction lock keeps other API writers of this interaction out).
    const note = await trx
      .selectFrom("interaction_notes")
      .select(["id", "body", "author_label", "created_at"])
      .where("tenant_id", "=", tenantId)
      .where("interaction_id", "=", interactionId)
      .where("author_id", "is", null)
      .where("author_label", "=", author.label)
      .where("body", "=", body)
      .where("created_at", "=", sql<Date>`now()`)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await appendEvents(trx, tenantId, interactionId, [{ type: "note.added", data: { noteId: note.id, author: author.label, via: "api" } }]);
    return { id: note.id, body: note.body, author: note.author_label, createdAt: note.created_at };
  });
}

export interface DispositionResult {
  interaction: InteractionDetailRecord;
  /** False when the interaction already carried this disposition (and these notes): nothing was written. */
  changed: boolean;
}

/**
 * Sets an outcome of the tenant's disposition tree on an interaction in wrap-up or completed (a
 * back-office correction). The interaction's other fields, its agent's wrap-up notes included, are
 * left as they are; notes sent along become an interaction note. A repeat of the same request finds
 * the disposition (and its notes on the last "disposition.set" event) already there and writes nothing.
 *
 * While the interaction is still in wrap-up its agent owns the state: the disposition the agent picks
 * when closing the wrap-up is recorded after this one.
 */
export function setInteractionDisposition(
  tenantId: string,
  interactionId: string,
  author: ApiAuthor,
  input: { dispositionId: string; notes: string },
): Promise<DispositionResult> {
  return withTenant(tenantId, async (trx) => {
    const current = await lockInteraction(trx, tenantId, interactionId);
    if (!current) throw notFound();
    const disposition = await trx
      .selectFrom("dispositions as d")
      .select(["d.id", "d.code", "d.resolved"])
      .where("d.tenant_id", "=", tenantId)
      .where("d.id", "=", input.dispositionId)
      .where("d.active", "=", true)
      // A reason with outcomes under it groups them; agents cannot pick it, so neither can the API.
      .where((eb) => eb.not(eb.exists(eb.selectFrom("dispositions as c").select("c.id").whereRef("c.tenant_id", "=", "d.tenant_id").whereRef("c.parent_id", "=", "d.id"))))
      .executeTakeFirst();
    if (!disposition) {
      throw new ApiError(422, "validation_failed", "Invalid field(s): dispositionId.", [
        { field: "dispositionId", message: "No active disposition outcome of this tenant has this id." },
      ]);
    }
    if (!(DISPOSABLE_STATES as readonly string[]).includes(current.state)) {
      throw new ApiError(409, "conflict", `The interaction is '${current.state}'; a disposition can be set once it is in wrap-up or completed.`);
    }
    if (current.disposition_id === disposition.id) {
      const last = await trx
        .selectFrom("interaction_events")
        .select("data")
        .where("tenant_id", "=", tenantId)
        .where("interaction_id", "=", interactionId)
        .where("type", "=", "disposition.set")
        .orderBy("seq", "desc")
        .executeTakeFirst();
      const lastData = (last?.data ?? {}) as { dispositionId?: string; notes?: string };
      if (input.notes === "" || (lastData.dispositionId === disposition.id && lastData.notes === input.notes)) {
        return { interaction: (await readDetail(trx, tenantId, interactionId))!, changed: false };
      }
    }
    await trx
      .updateTable("interactions")
      .set({ disposition_id: disposition.id })
      .where("tenant_id", "=", tenantId)
      .where("id", "=", interactionId)
      .execute();
    if (input.notes) await addNote(trx, tenantId, interactionId, keyAuthor(author), input.notes);
    const data = {
      dispositionId: disposition.id,
      code: disposition.code,
      resolved: disposition.resolved,
      previousDispositionId: current.disposition_id,
      notes: input.notes,
      by: author.label,
      via: "api",
    };
    await appendEvents(trx, tenantId, interactionId, [{ type: "disposition.set", data }]);
    await recordAudit(trx, {
      tenantId,
      actor: { userId: null, label: author.label },
      action: "interaction.disposition.set",
      target: { type: "interaction", id: interactionId },
      data: { dispositionId: disposition.id, code: disposition.code, previousDispositionId: current.disposition_id, state: current.state, via: "api" },
    });
    return { interaction: (await readDetail(trx, tenantId, interactionId))!, changed: true };
  });
}
