import { z } from "zod";
import { LANGUAGES, type Language } from "../i18n/config";
import { normalizeDigits } from "../i18n/format";
import { phoneE164 } from "../platform/validation";

/**
 * The IVR flow model: a graph of typed nodes, stored as JSON on a flow version and shared by the
 * builder (browser), the validator, the interpreter and every telephony adapter. Pure, no I/O.
 *
 * The schema only checks the shape of each node; graph properties (references, reachability, dead
 * ends, loops, prompts per tenant language, queues) are the validator's job, so a half-built draft
 * still parses and the editor can point at every problem at once.
 */

/** Short slugs, so ids stay readable in the editor, in call paths and in reports. */
export const NODE_ID_RE = /^[a-z0-9](?:[a-z0-9_-]{0,38}[a-z0-9])?$/;
export const nodeIdSchema = z.string().regex(NODE_ID_RE, "validation:slug");

/** One keypad key; Persian/Arabic-Indic digits from a Persian keyboard in the builder are accepted. */
export const digitSchema = z
  .string()
  .transform((v) => normalizeDigits(v.trim()))
  .pipe(z.string().regex(/^[0-9*#]$/, "validation:invalid"));

const httpUrl = z
  .string()
  .trim()
  .max(2000, "validation:tooLong|max=2000")
  .url("validation:invalid")
  // Adapters hand these URLs to the provider and the browser; other schemes have no business there.
  .refine((v) => /^https?:\/\//i.test(v), "validation:invalid");

export const promptSchema = z.object({
  text: z.record(z.enum(LANGUAGES), z.string().trim().max(2000, "validation:tooLong|max=2000")).default({}),
  audioUrl: httpUrl.optional(),
});

const position = z.object({ x: z.number().finite(), y: z.number().finite() });
const base = { id: nodeIdSchema, position: position.optional() };
const timeoutSeconds = z.number().int().min(1).max(60).default(5);
const maxRetries = z.number().int().min(0).max(5).default(2);

export const playNodeSchema = z.object({
  ...base,
  type: z.literal("play"),
  prompt: promptSchema,
  next: nodeIdSchema.optional(),
});

export const menuNodeSchema = z.object({
  ...base,
  type: z.literal("menu"),
  prompt: promptSchema,
  options: z.array(z.object({ digit: digitSchema, next: nodeIdSchema })).min(1).max(12),
  timeoutSeconds,
  maxRetries,
  invalidPrompt: promptSchema.optional(),
  timeoutPrompt: promptSchema.optional(),
  fallback: nodeIdSchema.optional(),
});

export const collectNodeSchema = z.object({
  ...base,
  type: z.literal("collect"),
  prompt: promptSchema,
  variable: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "validation:invalid"),
  minDigits: z.number().int().min(1).max(32).default(1),
  maxDigits: z.number().int().min(1).max(32).default(16),
  finishOnKey: z.enum(["#", "*", ""]).default("#"),
  /** Matched against the whole normalized input, e.g. "09\\d{9}" for an Iranian mobile number. */
  pattern: z
    .string()
    .max(200)
    .refine((p) => compilePattern(p) !== null, "validation:invalid")
    .optional(),
  timeoutSeconds,
  maxRetries,
  invalidPrompt: promptSchema.optional(),
  timeoutPrompt: promptSchema.optional(),
  next: nodeIdSchema.optional(),
  fallback: nodeIdSchema.optional(),
});

export const hoursNodeSchema = z.object({
  ...base,
  type: z.literal("hours"),
  open: nodeIdSchema,
  closed: nodeIdSchema,
  /** Without it a holiday takes the closed branch. */
  holiday: nodeIdSchema.optional(),
});

export const languageNodeSchema = z.object({
  ...base,
  type: z.literal("language"),
  prompt: promptSchema,
  options: z.array(z.object({ digit: digitSchema, language: z.enum(LANGUAGES) })).min(1).max(12),
  timeoutSeconds,
  maxRetries,
  invalidPrompt: promptSchema.optional(),
  timeoutPrompt: promptSchema.optional(),
  next: nodeIdSchema.optional(),
});

export const queueNodeSchema = z.object({
  ...base,
  type: z.literal("queue"),
  queueId: z.string().trim().min(1, "validation:required").max(64),
  holdPrompt: promptSchema.optional(),
  musicUrl: httpUrl.optional(),
  announcePosition: z.boolean().default(false),
  announceWait: z.boolean().default(false),
  announceEverySeconds: z.number().int().min(15).max(900).optional(),
  callback: z
    .object({
      afterSeconds: z.number().int().min(0).max(3600).optional(),
      whenWaitExceedsSeconds: z.number().int().min(0).max(7200).optional(),
      digit: digitSchema,
      prompt: promptSchema.optional(),
      acceptedPrompt: promptSchema.optional(),
    })
    .optional(),
  overflow: z.object({ afterSeconds: z.number().int().min(1).max(7200), next: nodeIdSchema }).optional(),
});

export const voicemailNodeSchema = z.object({
  ...base,
  type: z.literal("voicemail"),
  prompt: promptSchema,
  maxSeconds: z.number().int().min(5).max(600).default(120),
  next: nodeIdSchema.optional(),
});

export const transferNodeSchema = z.object({
  ...base,
  type: z.literal("transfer"),
  number: phoneE164,
});

export const hangupNodeSchema = z.object({
  ...base,
  type: z.literal("hangup"),
  message: promptSchema.optional(),
});

export const nodeSchema = z
  .discriminatedUnion("type", [
    playNodeSchema,
    menuNodeSchema,
    collectNodeSchema,
    hoursNodeSchema,
    languageNodeSchema,
    queueNodeSchema,
    voicemailNodeSchema,
    transferNodeSchema,
    hangupNodeSchema,
  ])
  // Cross-field rules live here because zod's discriminated union only takes plain objects.
  .superRefine((node, ctx) => {
    if (node.type === "collect" && node.minDigits > node.maxDigits) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["maxDigits"], message: "validation:invalid" });
    }
    if (node.type === "queue" && node.callback && node.callback.afterSeconds === undefined && node.callback.whenWaitExceedsSeconds === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["callback", "afterSeconds"], message: "validation:required" });
    }
  });

export const flowSchema = z.object({
  start: nodeIdSchema,
  nodes: z.array(nodeSchema).min(1).max(300),
  /** Said before the IVR itself ends a call for lack of valid input (a menu without fallback). */
  goodbye: promptSchema.optional(),
});

export type Prompt = z.infer<typeof promptSchema>;
export type IvrNode = z.infer<typeof nodeSchema>;
export type PlayNode = z.infer<typeof playNodeSchema>;
export type MenuNode = z.infer<typeof menuNodeSchema>;
export type CollectNode = z.infer<typeof collectNodeSchema>;
export type HoursNode = z.infer<typeof hoursNodeSchema>;
export type LanguageNode = z.infer<typeof languageNodeSchema>;
export type QueueNode = z.infer<typeof queueNodeSchema>;
export type VoicemailNode = z.infer<typeof voicemailNodeSchema>;
export type TransferNode = z.infer<typeof transferNodeSchema>;
export type HangupNode = z.infer<typeof hangupNodeSchema>;
export type NodeType = IvrNode["type"];
export type Flow = z.infer<typeof flowSchema>;
/** What the builder may send (defaults not yet applied, Persian digits allowed). */
export type FlowInput = z.input<typeof flowSchema>;

export const NODE_TYPES = ["play", "menu", "collect", "hours", "language", "queue", "voicemail", "transfer", "hangup"] as const satisfies readonly NodeType[];

/** Nodes that wait for the caller (or the queue), so a cycle through one is not a busy loop. */
export const INPUT_NODE_TYPES: readonly NodeType[] = ["menu", "collect", "language", "queue"];

/** Every outgoing edge of a node, with the field that holds it (for the editor and the validator). */
export function nodeTargets(node: IvrNode): { field: string; target: string }[] {
  const out: { field: string; target: string }[] = [];
  const add = (field: string, target: string | undefined) => {
    if (target !== undefined) out.push({ field, target });
  };
  switch (node.type) {
    case "play":
    case "language":
    case "voicemail":
      add("next", node.next);
      break;
    case "collect":
      add("next", node.next);
      add("fallback", node.fallback);
      break;
    case "menu":
      node.options.forEach((o, i) => add(`options.${i}.next`, o.next));
      add("fallback", node.fallback);
      break;
    case "hours":
      add("open", node.open);
      add("closed", node.closed);
      add("holiday", node.holiday);
      break;
    case "queue":
      add("overflow.next", node.overflow?.next);
      break;
    case "transfer":
    case "hangup":
      break;
  }
  return out;
}

/** A node where the IVR's part of the call may legitimately end. */
export function isTerminal(node: IvrNode): boolean {
  return node.type === "hangup" || node.type === "transfer" || node.type === "queue" || (node.type === "voicemail" && node.next === undefined);
}

/** The text of a prompt in one language, or null when it has none (blank counts as none). */
export function promptText(prompt: Prompt | undefined, lang: Language): string | null {
  const text = prompt?.text[lang]?.trim();
  return text ? text : null;
}

/** A prompt that has neither text in any language nor audio says nothing. */
export function isEmptyPrompt(prompt: Prompt | undefined): boolean {
  return !prompt || (!prompt.audioUrl && LANGUAGES.every((l) => promptText(prompt, l) === null));
}

/** The tenant's pattern anchored to the whole input; null when it does not compile. */
export function compilePattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`, "u");
  } catch {
    return null;
  }
}
