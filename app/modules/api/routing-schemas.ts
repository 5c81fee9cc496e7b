import { z } from "zod";
import { INTERACTION_STATES } from "../interactions/states";
import { msg, optionalText, requiredText } from "../platform/validation";

/**
 * Inputs of the REST API's queue, agent and interaction endpoints (issue 4). Pure, so the OpenAPI
 * document and the unit tests read the same limits the handlers enforce. Body messages are i18n keys
 * (rendered in English in API errors); query-parameter messages are English already, as for ?limit on
 * the calls list, because they describe the parameter's syntax rather than a form field.
 */

/** The ACD parks an interaction in "callback" when it leaves the queue for a callback task. */
export const API_INTERACTION_STATES = [...INTERACTION_STATES, "callback"] as const;
export type ApiInteractionState = (typeof API_INTERACTION_STATES)[number];

/** Disposition corrections apply only once the agent has stopped talking. */
export const DISPOSABLE_STATES = ["wrap_up", "completed"] as const;

export const NOTE_MAX = 4000;
export const INTERACTIONS_PAGE_MAX = 200;
export const INTERACTIONS_PAGE_DEFAULT = 50;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

export const isUuid = (value: string) => UUID_RE.test(value);

/**
 * A bound of the started-at range: a calendar day (counted in the tenant's time zone, since a Tehran
 * tenant's "1 Farvardin" does not start at UTC midnight) or an instant with an explicit offset (so no
 * reader has to guess the zone).
 */
export type TimeBound = { kind: "date"; value: string } | { kind: "instant"; value: string };

function realDate(value: string): boolean {
  const m = DATE_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function parseTimeBound(value: string): TimeBound | null {
  if (realDate(value)) return { kind: "date", value };
  if (INSTANT_RE.test(value) && realDate(value.slice(0, 10)) && !Number.isNaN(Date.parse(value))) return { kind: "instant", value };
  return null;
}

/**
 * The list's position: the last row's started-at (to the microsecond, as Postgres stores it; a
 * millisecond JavaScript date would skip or repeat rows that share a millisecond) and its id.
 */
export interface InteractionCursor {
  startedAt: string;
  id: string;
}

const CURSOR_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function encodeCursor(cursor: InteractionCursor): string {
  return Buffer.from(`${cursor.startedAt}|${cursor.id}`, "utf8").toString("base64url");
}

export function decodeCursor(raw: string): InteractionCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) return null;
  const m = CURSOR_RE.exec(Buffer.from(raw, "base64url").toString("utf8"));
  return m ? { startedAt: m[1]!, id: m[2]! } : null;
}

const bound = (name: "from" | "to") =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const parsed = parseTimeBound(v.trim());
      if (!parsed) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `Give '${name}' as a date (2026-03-21) or a date-time with its offset (2026-03-21T08:30:00+03:30).` });
        return z.NEVER;
      }
      return parsed;
    });

/** GET /interactions query: every parameter optional; an unusable one is a 422 naming it. */
export const interactionListQuerySchema = z.object({
  state: z.enum(API_INTERACTION_STATES, { errorMap: () => ({ message: `Use one of: ${API_INTERACTION_STATES.join(", ")}.` }) }).optional(),
  queueId: z
    .string()
    .refine(isUuid, "Give the queue's id (a UUID).")
    .transform((v) => v.toLowerCase())
    .optional(),
  from: bound("from"),
  to: bound("to"),
  cursor: z
    .string()
    .transform((v, ctx) => {
      const c = decodeCursor(v);
      if (!c) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "Pass back the nextCursor of a previous page unchanged." });
        return z.NEVER;
      }
      return c;
    })
    .optional(),
  limit: z
    .string()
    .regex(/^\d+$/, `Give a whole number from 1 to ${INTERACTIONS_PAGE_MAX}.`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= INTERACTIONS_PAGE_MAX, `Give a whole number from 1 to ${INTERACTIONS_PAGE_MAX}.`)
    .optional()
    .transform((n) => n ?? INTERACTIONS_PAGE_DEFAULT),
});
export type InteractionListQuery = z.infer<typeof interactionListQuerySchema>;

/** The query string as an object; a repeated parameter keeps its first value, as URLSearchParams.get does. */
export function queryObject(url: URL, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = url.searchParams.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

export const noteCreateSchema = z.object(
  { body: requiredText(NOTE_MAX) },
  { invalid_type_error: msg.invalid, required_error: msg.required },
);
export type NoteCreate = z.infer<typeof noteCreateSchema>;

export const dispositionSetSchema = z.object(
  {
    dispositionId: z
      .string({ required_error: msg.required, invalid_type_error: msg.invalid })
      .trim()
      .min(1, msg.required)
      .refine(isUuid, msg.invalid)
      .transform((v) => v.toLowerCase()),
    notes: optionalText(NOTE_MAX),
  },
  { invalid_type_error: msg.invalid, required_error: msg.required },
);
export type DispositionSet = z.infer<typeof dispositionSetSchema>;
