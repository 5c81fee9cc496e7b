import { z } from "zod";
import { LANGUAGES, type Language } from "../i18n/config";
import { OPERATOR_QUEUE_IDS } from "../ivr/examples";
import type { FlowInput } from "../ivr/model";
import type { ValidationContext } from "../ivr/validator";
import { msg, requiredText } from "../platform/validation";

/**
 * What the portal's IVR pages need besides the flows module: the form schemas (shared by conform in
 * the browser and the actions) and the languages and queues a flow is edited and validated against.
 * Pure.
 */

export const UUID_RE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string({ required_error: msg.required }).uuid(msg.invalid);

export const flowCreateSchema = z.object({
  intent: z.literal("create"),
  name: requiredText(120),
});
export const flowAssignSchema = z.object({
  intent: z.literal("assign"),
  numberId: uuid,
  // An empty choice unassigns the number (it answers the "not in service" message).
  flowId: z.union([z.literal(""), uuid]).default(""),
});
export const flowCloneSchema = z.object({
  intent: z.literal("clone"),
  sourceTenantId: uuid,
  sourceFlowId: uuid,
  name: requiredText(120),
});
export const flowsActionSchema = z.discriminatedUnion("intent", [
  flowCreateSchema,
  flowAssignSchema,
  flowCloneSchema,
]);

const note = z.string().trim().max(500, msg.tooLong(500)).optional();
export const flowSaveSchema = z.object({
  intent: z.literal("save"),
  definition: z
    .string({ required_error: msg.required })
    .max(1_000_000, msg.invalid),
  note,
});
/** Publishing may carry the editor's definition: it is saved as the draft first when it changed. */
export const flowPublishSchema = z.object({
  intent: z.literal("publish"),
  definition: z.string().max(1_000_000, msg.invalid).optional(),
  note,
});
export const flowRollbackSchema = z.object({
  intent: z.literal("rollback"),
  version: z.coerce.number({ invalid_type_error: msg.invalid }).int().min(1),
});
export const flowEditActionSchema = z.discriminatedUnion("intent", [
  flowSaveSchema,
  flowPublishSchema,
  flowRollbackSchema,
]);

function walk(value: unknown, visit: (obj: Record<string, unknown>) => void) {
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (typeof value === "object" && value !== null) {
    visit(value as Record<string, unknown>);
    for (const v of Object.values(value)) walk(v, visit);
  }
}

/** The languages a flow has prompts in or offers in a language choice. */
export function languagesUsed(flow: unknown): Language[] {
  const used = new Set<string>();
  walk(flow, (obj) => {
    if (
      typeof obj.text === "object" &&
      obj.text !== null &&
      !Array.isArray(obj.text)
    )
      for (const k of Object.keys(obj.text)) used.add(k);
    if (typeof obj.language === "string" && typeof obj.digit === "string")
      used.add(obj.language);
  });
  return LANGUAGES.filter((l) => used.has(l));
}

/** The queue ids the flow's queue steps name. */
export function queuesUsed(flow: unknown): string[] {
  const used = new Set<string>();
  const nodes =
    typeof flow === "object" && flow !== null
      ? (flow as { nodes?: unknown }).nodes
      : undefined;
  if (Array.isArray(nodes)) {
    for (const n of nodes as { type?: unknown; queueId?: unknown }[])
      if (n?.type === "queue" && typeof n.queueId === "string" && n.queueId)
        used.add(n.queueId);
  }
  return [...used];
}

/**
 * The languages a flow is edited in: the tenant's default language first, then Persian and English
 * (every line of the bureau has both), then any other language a stored version already uses.
 */
export function editingLanguages(
  defaultLanguage: Language,
  stored: unknown[]
): Language[] {
  const wanted = new Set<Language>([
    defaultLanguage,
    "fa",
    "en",
    ...stored.flatMap(languagesUsed),
  ]);
  return [
    defaultLanguage,
    ...LANGUAGES.filter((l) => l !== defaultLanguage && wanted.has(l)),
  ];
}

/**
 * The queues a flow may name. There is no queues table until issue 4 (routing) adds one, so the known
 * queues are the operator example's queues (OPERATOR_QUEUE_IDS) plus those the flow's stored versions
 * already name. The builder's picker and the server-side validation use the same list, so what the
 * editor shows as valid is accepted on save; replace this with the tenant's queues once they exist.
 */
export function knownQueueIds(stored: unknown[]): string[] {
  return [
    ...new Set<string>([...OPERATOR_QUEUE_IDS, ...stored.flatMap(queuesUsed)]),
  ];
}

export function editingContext(
  defaultLanguage: Language,
  stored: unknown[]
): ValidationContext {
  return {
    tenantLanguages: editingLanguages(defaultLanguage, stored),
    queueIds: knownQueueIds(stored),
  };
}

/** What a flow without any version opens with in the builder: a greeting that hangs up. */
export const STARTER_FLOW: FlowInput = {
  start: "welcome",
  nodes: [
    {
      id: "welcome",
      type: "play",
      prompt: { text: {} },
      next: "goodbye",
      position: { x: 0, y: 0 },
    },
    { id: "goodbye", type: "hangup", position: { x: 0, y: 140 } },
  ],
};
