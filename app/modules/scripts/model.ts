import { z } from "zod";
import { LANGUAGES, type Language } from "../i18n/config";

/**
 * The agent script model (issue 4): what an agent follows on a call of one queue, stored as JSON on a
 * script version and shared by the portal editor, the validator (./validator.ts), the runner
 * (./runner.ts) and the agent desktop. Pure, no I/O.
 *
 * A call has three parts: the opening (answer, greet, introduce) and the closing (thank, close, add
 * notes) are lists of lines; the body is a list of steps, each with a prompt, optionally a question,
 * and branches from answers to the next step or to the closing. A step without `next` goes on to the
 * step after it in the list (the last one to the closing), so a plain checklist needs no wiring.
 *
 * The schema only checks shapes: references, reachability, answers that fit their question and texts
 * per tenant language are the validator's job, so a half-written draft still parses and every problem
 * can be pointed at once.
 */

/** The body's exit: a branch or `next` naming it ends the body and shows the closing lines. */
export const CLOSING = "closing" as const;

/** Short slugs, so ids stay readable in the editor, in the agent's path and in reports. */
export const STEP_ID_RE = /^[a-z0-9](?:[a-z0-9_-]{0,38}[a-z0-9])?$/;
export const stepIdSchema = z
  .string()
  .regex(STEP_ID_RE, "validation:slug")
  .refine((id) => id !== CLOSING, "scripts:errors.reservedId");
/** Where a step leads: another step or the closing. */
export const targetSchema = z.string().regex(STEP_ID_RE, "validation:slug");

/** Values the agent desktop fills in at run time; `{{name}}` in any text. */
export const PLACEHOLDERS = ["customerName", "customerPhone", "agentName", "tenantName", "queueName"] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];
/** The desktop's own values, plus any custom fields (a campaign contact's) by their keys. */
export type PlaceholderValues = Partial<Record<PlaceholderName, string>> & Partial<Record<string, string>>;
export const PLACEHOLDER_RE = /{{\s*([A-Za-z][A-Za-z0-9_]*)\s*}}/g;

export function isPlaceholder(name: string): name is PlaceholderName {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

export const TEXT_MAX = 2000;
export const localizedTextSchema = z.record(z.enum(LANGUAGES), z.string().trim().max(TEXT_MAX, `validation:tooLong|max=${TEXT_MAX}`)).default({});

/** "say": read to the customer; "do": an instruction to the agent (check the account, add notes). */
export const LINE_KINDS = ["say", "do"] as const;
export const lineSchema = z.object({
  kind: z.enum(LINE_KINDS).default("say"),
  text: localizedTextSchema,
});

export const optionSchema = z.object({
  /** What a branch names and what the agent desktop records as the answer. */
  value: z.string().regex(STEP_ID_RE, "validation:slug"),
  label: localizedTextSchema,
});

const finite = z.number({ invalid_type_error: "validation:invalid" }).finite("validation:invalid");

export const QUESTION_KINDS = ["yesNo", "choice", "text", "number"] as const;
export const questionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("yesNo") }),
  // Fewer than two options is the validator's to report, so a choice can be built one option at a time.
  z.object({ kind: z.literal("choice"), options: z.array(optionSchema).max(20, "validation:tooLong|max=20").default([]) }),
  z.object({ kind: z.literal("text") }),
  z.object({ kind: z.literal("number"), min: finite.optional(), max: finite.optional() }),
]);

/**
 * An answer that leads somewhere: `answer` is "yes"/"no" for a yes/no question or an option's value
 * for a choice; a number question matches its answer against `min`..`max` (both inclusive, either
 * open). The first matching branch wins; no match takes the step's `next`.
 */
export const branchSchema = z.object({
  answer: z.string().trim().max(40).optional(),
  min: finite.optional(),
  max: finite.optional(),
  next: targetSchema,
});

export const stepSchema = z.object({
  id: stepIdSchema,
  /** What the agent says (or does) at this step. */
  prompt: localizedTextSchema,
  /** A note for the agent only, never read out (where to look, what to check). */
  hint: localizedTextSchema.optional(),
  question: questionSchema.optional(),
  branches: z.array(branchSchema).max(20, "validation:tooLong|max=20").default([]),
  next: targetSchema.optional(),
});

export const scriptDefinitionSchema = z.object({
  opening: z.array(lineSchema).max(30, "validation:tooLong|max=30").default([]),
  body: z.array(stepSchema).max(100, "validation:tooLong|max=100").default([]),
  closing: z.array(lineSchema).max(30, "validation:tooLong|max=30").default([]),
});

export type LocalizedText = z.infer<typeof localizedTextSchema>;
export type LineKind = (typeof LINE_KINDS)[number];
export type ScriptLine = z.infer<typeof lineSchema>;
export type ChoiceOption = z.infer<typeof optionSchema>;
export type Question = z.infer<typeof questionSchema>;
export type QuestionKind = Question["kind"];
export type Branch = z.infer<typeof branchSchema>;
export type ScriptStep = z.infer<typeof stepSchema>;
export type ScriptDefinition = z.infer<typeof scriptDefinitionSchema>;
/** What the editor may send (defaults not yet applied). */
export type ScriptDefinitionInput = z.input<typeof scriptDefinitionSchema>;
export type Target = string;
export type ScriptSection = "opening" | "body" | "closing";

/** What a new script opens with in the editor: one line per part, to be written. */
export const STARTER_SCRIPT: ScriptDefinition = {
  opening: [{ kind: "say", text: {} }],
  body: [{ id: "reason", prompt: {}, branches: [] }],
  closing: [{ kind: "say", text: {} }],
};

/** The text in one language, or null when it has none (blank counts as none). */
export function textIn(text: LocalizedText | undefined, lang: Language): string | null {
  const value = text?.[lang]?.trim();
  return value ? value : null;
}

export function isEmptyText(text: LocalizedText | undefined): boolean {
  return LANGUAGES.every((l) => textIn(text, l) === null);
}

/** The answers a yes/no or choice question accepts; null for free answers (text, number). */
export function answerValues(question: Question | undefined): string[] | null {
  if (!question) return null;
  if (question.kind === "yesNo") return ["yes", "no"];
  if (question.kind === "choice") return question.options.map((o) => o.value);
  return null;
}

/** Where a step goes when no branch matches: its `next`, else the step after it, else the closing. */
export function fallThrough(def: Pick<ScriptDefinition, "body">, index: number): Target {
  const step = def.body[index];
  if (step?.next !== undefined) return step.next;
  return def.body[index + 1]?.id ?? CLOSING;
}

/** Every outgoing edge of a step, with the field that holds it (for the editor and the validator). */
export function stepTargets(def: Pick<ScriptDefinition, "body">, index: number): { field: string; target: Target }[] {
  const step = def.body[index];
  if (!step) return [];
  const out = step.branches.map((b, i) => ({ field: `branches.${i}.next`, target: b.next }));
  if (!coversEveryAnswer(step)) out.push({ field: "next", target: fallThrough(def, index) });
  return out;
}

/** A yes/no or choice step with a branch for every answer never falls through to `next`. */
export function coversEveryAnswer(step: ScriptStep): boolean {
  const values = answerValues(step.question);
  if (!values || values.length === 0) return false;
  const answered = new Set(step.branches.map((b) => b.answer));
  return values.every((v) => answered.has(v));
}

/** Every text of a definition with where it sits, for the validator and for language detection. */
export function textsOf(def: ScriptDefinition): { section: ScriptSection; line: number | null; stepId: string | null; field: string; text: LocalizedText; required: boolean }[] {
  const out: ReturnType<typeof textsOf> = [];
  const lines = (section: "opening" | "closing") =>
    def[section].forEach((l, i) => out.push({ section, line: i, stepId: null, field: "text", text: l.text, required: true }));
  lines("opening");
  for (const step of def.body) {
    out.push({ section: "body", line: null, stepId: step.id, field: "prompt", text: step.prompt, required: true });
    if (step.hint && !isEmptyText(step.hint)) out.push({ section: "body", line: null, stepId: step.id, field: "hint", text: step.hint, required: false });
    if (step.question?.kind === "choice") {
      step.question.options.forEach((o, i) =>
        out.push({ section: "body", line: null, stepId: step.id, field: `question.options.${i}.label`, text: o.label, required: true }),
      );
    }
  }
  lines("closing");
  return out;
}

/** The languages a stored definition has any text in. */
export function languagesUsed(definition: unknown): Language[] {
  const parsed = scriptDefinitionSchema.safeParse(definition);
  if (!parsed.success) return [];
  const used = new Set<Language>();
  for (const { text } of textsOf(parsed.data)) for (const l of LANGUAGES) if (textIn(text, l) !== null) used.add(l);
  return LANGUAGES.filter((l) => used.has(l));
}

/**
 * The languages a script is written in: the tenant's default first, then Persian and English (every
 * line of the bureau has both, as for the IVR), then any other language a stored version already uses.
 */
export function scriptLanguages(defaultLanguage: Language, stored: readonly unknown[] = []): Language[] {
  const wanted = new Set<Language>([defaultLanguage, "fa", "en", ...stored.flatMap(languagesUsed)]);
  return [defaultLanguage, ...LANGUAGES.filter((l) => l !== defaultLanguage && wanted.has(l))];
}
