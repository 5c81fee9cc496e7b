import { z } from "zod";
import { parseSkills } from "../agents/schemas";
import { LANGUAGES } from "../i18n/config";
import { normalizeDigits } from "../i18n/format";
import { phoneE164 } from "../platform/validation";

/**
 * Form schemas of the portal's queue and disposition editors. Pure (no server imports): conform runs
 * them in the browser and the actions run them again. Every message is a key in the routing namespace
 * whose text names the field, so an error read out of context (a screen reader, a summary) still says
 * which field is wrong. Numbers are typed as text: Persian and Arabic-Indic digits are accepted.
 */

export const QUEUE_CHANNELS = ["voice", "chat", "email", "sms"] as const;
export const OVERFLOW_ACTIONS = ["none", "queue", "callback", "voicemail", "external"] as const;
export const AFTER_HOURS_ACTIONS = ["callback", "voicemail", "message", "queue"] as const;
export const QUEUE_LANGUAGES = LANGUAGES;
export type QueueChannel = (typeof QUEUE_CHANNELS)[number];
export type OverflowAction = (typeof OVERFLOW_ACTIONS)[number];
export type AfterHoursAction = (typeof AFTER_HOURS_ACTIONS)[number];

/** The same rule as the database's check on queues.key and dispositions.code. */
export const CODE_RE = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const MAX_QUEUE_SKILLS = 20;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const q = (key: string) => `routing:queues.errors.${key}`;
const d = (key: string) => `routing:dispositions.errors.${key}`;

/** The limits of each numeric queue setting (the database checks the same ranges). */
export const QUEUE_LIMITS = {
  minProficiency: [1, 5],
  priority: [1, 9],
  slTargetPct: [1, 100],
  slThresholdSeconds: [1, 3600],
  shortAbandonSeconds: [0, 120],
  maxWaitSeconds: [10, 86400],
  offerTimeoutSeconds: [5, 120],
  wrapupSeconds: [0, 1800],
} as const satisfies Record<string, readonly [number, number]>;

/** What a new queue starts with: the database's defaults. */
export const QUEUE_DEFAULTS = {
  channels: ["voice"] as QueueChannel[],
  minProficiency: 1,
  priority: 5,
  slTargetPct: 80,
  slThresholdSeconds: 20,
  shortAbandonSeconds: 5,
  maxWaitSeconds: 600,
  overflowAction: "callback" as OverflowAction,
  offerTimeoutSeconds: 15,
  wrapupSeconds: 60,
  afterHours: "callback" as AfterHoursAction,
};

/** A whole number typed as text ("۲۰" or "20"); one message for missing, malformed and out of range. */
export function wholeNumber(min: number, max: number, message: string) {
  return z
    .union([z.string(), z.number()], { errorMap: () => ({ message }) })
    .transform((v) => normalizeDigits(String(v)).trim())
    .pipe(
      z
        .string()
        .regex(/^\d{1,6}$/, message)
        .transform(Number)
        .pipe(z.number().int(message).min(min, message).max(max, message)),
    );
}

/** Conform drops empty fields; a plain object (a test, an API) may still carry "": treat both alike. */
const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** One of a fixed list, with the field's own message for anything else (missing included). */
function oneOf<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.enum(values as unknown as [T[number], ...T[number][]], { errorMap: () => ({ message }) });
}

function codeField(message: string) {
  return z
    .string({ required_error: message, invalid_type_error: message })
    .transform((v) => v.trim().toLowerCase())
    .pipe(z.string().regex(CODE_RE, message));
}

function nameField(message: string) {
  return z.string({ required_error: message, invalid_type_error: message }).trim().min(1, message).max(120, message);
}

const skillsField = z
  .string()
  .optional()
  .transform((v) => parseSkills(v))
  .superRefine((skills, ctx) => {
    if (skills.length > MAX_QUEUE_SKILLS) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${q("requiredSkillsTooMany")}|max=${MAX_QUEUE_SKILLS}` });
    if (skills.some((s) => s.length > 40)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: q("requiredSkills") });
  });

export interface QueueFormOptions {
  /** The queue being edited (it may not overflow into itself); absent when creating. */
  queueId?: string | null;
  /** The tenant's queue ids, when known (the browser knows them from the picker). */
  tenantQueueIds?: readonly string[];
}

/**
 * The overflow target must fit the action: "queue" needs another queue of the same tenant, "external"
 * an E.164 number. Checked on the raw form, so these errors show together with every other field's
 * (a refinement after the object would wait until all other fields are valid).
 */
function checkOverflow(raw: unknown, opts: QueueFormOptions, ctx: z.RefinementCtx) {
  if (typeof raw !== "object" || raw === null) return;
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const input = raw as Record<string, unknown>;
  const at = (field: string, message: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [field], message });
  const action = text(input.overflowAction);
  if (action === "queue") {
    const target = text(input.overflowQueueId).toLowerCase();
    if (!target) at("overflowQueueId", q("overflowQueueRequired"));
    else if (!UUID_RE.test(target)) at("overflowQueueId", q("overflowQueueUnknown"));
    else if (opts.queueId && target === opts.queueId.toLowerCase()) at("overflowQueueId", q("overflowQueueSelf"));
    else if (opts.tenantQueueIds && !opts.tenantQueueIds.some((id) => id.toLowerCase() === target)) at("overflowQueueId", q("overflowQueueUnknown"));
  }
  if (action === "external") {
    const number = text(input.overflowNumber);
    if (!number) at("overflowNumber", q("overflowNumberRequired"));
    else if (!phoneE164.safeParse(number).success) at("overflowNumber", q("overflowNumber"));
  }
}

/** The queue form's fields, each checked on its own. */
const queueFields = z.object({
  key: codeField(q("key")),
  name: nameField(q("name")),
  channels: z
    .array(oneOf(QUEUE_CHANNELS, q("channels")), { required_error: q("channels"), invalid_type_error: q("channels") })
    .min(1, q("channels"))
    .transform((v) => [...new Set(v)]),
  requiredSkills: skillsField,
  minProficiency: wholeNumber(...QUEUE_LIMITS.minProficiency, q("minProficiency")),
  // Empty means the queue serves callers in any language.
  language: z.preprocess(blank, oneOf(QUEUE_LANGUAGES, q("language")).optional()).transform((v) => v ?? null),
  priority: wholeNumber(...QUEUE_LIMITS.priority, q("priority")),
  slTargetPct: wholeNumber(...QUEUE_LIMITS.slTargetPct, q("slTargetPct")),
  slThresholdSeconds: wholeNumber(...QUEUE_LIMITS.slThresholdSeconds, q("slThresholdSeconds")),
  shortAbandonSeconds: wholeNumber(...QUEUE_LIMITS.shortAbandonSeconds, q("shortAbandonSeconds")),
  maxWaitSeconds: wholeNumber(...QUEUE_LIMITS.maxWaitSeconds, q("maxWaitSeconds")),
  overflowAction: oneOf(OVERFLOW_ACTIONS, q("overflowAction")),
  overflowQueueId: z.preprocess(blank, z.string().trim().optional()),
  overflowNumber: z.preprocess(blank, z.string().trim().optional()),
  offerTimeoutSeconds: wholeNumber(...QUEUE_LIMITS.offerTimeoutSeconds, q("offerTimeoutSeconds")),
  wrapupSeconds: wholeNumber(...QUEUE_LIMITS.wrapupSeconds, q("wrapupSeconds")),
  afterHours: oneOf(AFTER_HOURS_ACTIONS, q("afterHours")),
});
/** What the queue form holds before parsing (conform types its fields from it). */
export type QueueFormValues = z.input<typeof queueFields>;

/**
 * A queue's settings. Actions other than "queue" and "external" clear both overflow targets (a stale
 * hidden value is dropped, not an error). The server re-checks the target inside its transaction.
 */
export function queueFormSchema(opts: QueueFormOptions = {}) {
  return z
    .preprocess((raw, ctx) => {
      checkOverflow(raw, opts, ctx);
      return raw;
    }, queueFields)
    .transform(({ overflowQueueId, overflowNumber, ...rest }) => ({
      ...rest,
      overflowQueueId: rest.overflowAction === "queue" && overflowQueueId ? overflowQueueId.toLowerCase() : null,
      // Checked above; a failed check never reaches this transform.
      overflowNumber: rest.overflowAction === "external" && overflowNumber ? phoneE164.parse(overflowNumber) : null,
    }));
}
export type QueueInput = z.output<ReturnType<typeof queueFormSchema>>;

export const queueAgentsSchema = z.object({
  agentIds: z
    .array(z.string().regex(UUID_RE, q("agents")), { invalid_type_error: q("agents") })
    .default([])
    .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
});

/**
 * A disposition: a reason (no parent) or an outcome under a reason. Two levels only; the server
 * checks that the parent is one of the tenant's reasons and that a reason with outcomes keeps no parent.
 */
export const dispositionSchema = z.object({
  code: codeField(d("code")),
  name: nameField(d("name")),
  parentId: z
    .preprocess(blank, z.string().trim().optional())
    .refine((v) => !v || UUID_RE.test(v), d("parentUnknown"))
    .transform((v) => (v ? v.toLowerCase() : null)),
  resolved: z.boolean().optional().default(false),
  active: z.boolean().optional().default(false),
  sort: z.preprocess(blank, wholeNumber(0, 9999, d("sort")).optional()).transform((v) => v ?? 0),
});
export type DispositionInput = z.output<typeof dispositionSchema>;
