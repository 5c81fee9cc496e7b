import { LANGUAGES, type Language } from "../i18n/config";
import { normalizeDigits } from "../i18n/format";
import {
  CLOSING,
  fallThrough,
  isPlaceholder,
  PLACEHOLDER_RE,
  textIn,
  type LocalizedText,
  type PlaceholderValues,
  type ScriptDefinition,
  type ScriptLine,
  type ScriptStep,
  type Target,
} from "./model";

/**
 * Runs a script the way the agent desktop (and the editor's preview) shows it: given the definition
 * and the answers so far, which steps were taken and which step waits for the agent now. Pure and
 * replayable: the desktop keeps only the answers, and any earlier state is the same call with fewer
 * of them ("back" drops the last answer).
 *
 * It never throws on a draft: a branch to an unknown step ends the body as the closing would (the
 * validator reports it), and an answer that does not fit its step stops the replay there.
 */

/** One answer as the agent gave it: the step it answers and the raw value. */
export interface Answer {
  stepId: string;
  /** "yes"/"no", a choice option's value, free text, a number (Persian digits accepted); "" for a step without question. */
  value: string;
}

export type AnswerError = "required" | "notAnAnswer" | "notANumber" | "tooSmall" | "tooLarge" | "tooLong";

export const TEXT_ANSWER_MAX = 500;
/** Replays stop here: a client could otherwise send an endless list through a loop of steps. */
export const MAX_ANSWERS = 500;

export interface PathEntry {
  step: ScriptStep;
  /** The normalized answer; null for a step without question. */
  answer: string | null;
  /** Where the answer led: a step id or "closing". */
  next: Target;
}

export interface ScriptRun {
  /** The steps answered so far, in order (a step may repeat when a branch loops back). */
  path: PathEntry[];
  /** The step waiting for the agent; null once the body is done (or when it has no steps). */
  current: ScriptStep | null;
  /** "closing" once the body is done: the desktop then shows the closing lines. */
  phase: "body" | "closing";
  /** The first answer not taken; the answers after it were not looked at. */
  rejected: { index: number; stepId: string; error: AnswerError | "wrongStep" | "finished" } | null;
}

export type AnswerCheck = { ok: true; value: string } | { ok: false; error: AnswerError; params?: Record<string, number> };

/** Whether an answer fits its step, and its normalized form (numbers as plain ASCII decimals). */
export function checkAnswer(step: ScriptStep, raw: string): AnswerCheck {
  const q = step.question;
  const value = raw.trim();
  if (!q) return { ok: true, value: "" };
  if (value === "") return { ok: false, error: "required" };
  switch (q.kind) {
    case "yesNo":
      return value === "yes" || value === "no" ? { ok: true, value } : { ok: false, error: "notAnAnswer" };
    case "choice":
      return q.options.some((o) => o.value === value) ? { ok: true, value } : { ok: false, error: "notAnAnswer" };
    case "text":
      return value.length > TEXT_ANSWER_MAX ? { ok: false, error: "tooLong", params: { max: TEXT_ANSWER_MAX } } : { ok: true, value };
    case "number": {
      const n = parseNumber(value);
      if (n === null) return { ok: false, error: "notANumber" };
      if (q.min !== undefined && n < q.min) return { ok: false, error: "tooSmall", params: { min: q.min } };
      if (q.max !== undefined && n > q.max) return { ok: false, error: "tooLarge", params: { max: q.max } };
      return { ok: true, value: String(n) };
    }
  }
}

/** A number typed on a Persian or an English keyboard ("۱۲٫۵", "12.5", "-3"); null when it is none. */
export function parseNumber(raw: string): number | null {
  const ascii = normalizeDigits(raw.trim()).replace(/[٫,]/g, ".").replace(/^[−‐-]/, "-");
  if (!/^-?\d+(\.\d+)?$/.test(ascii)) return null;
  const n = Number(ascii);
  return Number.isFinite(n) ? n : null;
}

/** Where a checked answer leads from the step at `index`: the first matching branch, else the fall-through. */
export function nextTarget(def: Pick<ScriptDefinition, "body">, index: number, answer: string | null): Target {
  const step = def.body[index];
  if (!step) return CLOSING;
  if (answer !== null && step.question) {
    for (const b of step.branches) {
      if (step.question.kind === "number") {
        const n = Number(answer);
        if ((b.min !== undefined || b.max !== undefined) && (b.min === undefined || n >= b.min) && (b.max === undefined || n <= b.max)) return b.next;
      } else if (step.question.kind !== "text" && b.answer === answer) {
        return b.next;
      }
    }
  }
  return fallThrough(def, index);
}

/** Replays `answers` from the first step; see ScriptRun. */
export function runScript(def: ScriptDefinition, answers: readonly Answer[]): ScriptRun {
  const indexById = new Map<string, number>();
  def.body.forEach((s, i) => {
    if (!indexById.has(s.id)) indexById.set(s.id, i);
  });
  const path: PathEntry[] = [];
  let index: number | null = def.body.length ? 0 : null;
  let rejected: ScriptRun["rejected"] = null;

  for (const [i, given] of answers.slice(0, MAX_ANSWERS).entries()) {
    if (index === null) {
      rejected = { index: i, stepId: given.stepId, error: "finished" };
      break;
    }
    const step = def.body[index]!;
    if (given.stepId !== step.id) {
      rejected = { index: i, stepId: given.stepId, error: "wrongStep" };
      break;
    }
    const checked = checkAnswer(step, given.value);
    if (!checked.ok) {
      rejected = { index: i, stepId: given.stepId, error: checked.error };
      break;
    }
    const answer = step.question ? checked.value : null;
    const next = nextTarget(def, index, answer);
    path.push({ step, answer, next });
    index = next === CLOSING ? null : (indexById.get(next) ?? null);
  }
  const current = index === null ? null : def.body[index]!;
  return { path, current, phase: current ? "body" : "closing", rejected };
}

// ---------------------------------------------------------------------------------------------
// Texts: the language to read in, and the placeholders filled.

export interface PickedText {
  text: string;
  language: Language;
  /** True when the wanted language had no text and another one was taken. */
  fallback: boolean;
}

/**
 * The text in `language`, else in the first of `fallbacks` that has one (the tenant's default
 * language first, typically), else in any language; null when the text is empty.
 */
export function pickText(text: LocalizedText | undefined, language: Language, fallbacks: readonly Language[] = []): PickedText | null {
  for (const l of [language, ...fallbacks, ...LANGUAGES]) {
    const value = textIn(text, l);
    if (value !== null) return { text: value, language: l, fallback: l !== language };
  }
  return null;
}

export type Segment = { kind: "text"; text: string } | { kind: "value"; name: string; value: string | null };

/**
 * A text split into literal parts and placeholders, so the desktop can show filled values apart from
 * the script's words and a missing value as a blank to ask for. Values are plain text: whoever
 * renders them escapes them as any other text.
 */
export function placeholderSegments(text: string, values: PlaceholderValues): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    if (m.index > last) out.push({ kind: "text", text: text.slice(last, m.index) });
    const name = m[1]!;
    // The desktop's own values, and any other the caller gives (a campaign contact's custom fields).
    const value = isPlaceholder(name) || Object.prototype.hasOwnProperty.call(values, name) ? values[name]?.trim() : undefined;
    out.push({ kind: "value", name, value: value ? value : null });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ kind: "text", text: text.slice(last) });
  return out;
}

/** The text with its placeholders filled; one without a value stays as written ("{{customerName}}"). */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return placeholderSegments(text, values)
    .map((s) => (s.kind === "text" ? s.text : (s.value ?? `{{${s.name}}}`)))
    .join("");
}

export interface RenderOptions {
  language: Language;
  fallbacks?: readonly Language[];
  values: PlaceholderValues;
}

export interface RenderedText extends PickedText {
  segments: Segment[];
}

/** A localized text picked in the agent's language and split into segments; null when it is empty. */
export function renderText(text: LocalizedText | undefined, opts: RenderOptions): RenderedText | null {
  const picked = pickText(text, opts.language, opts.fallbacks);
  return picked ? { ...picked, segments: placeholderSegments(picked.text, opts.values) } : null;
}

/** The lines of the opening or closing, rendered; empty lines are left out. */
export function renderLines(lines: readonly ScriptLine[], opts: RenderOptions): { kind: ScriptLine["kind"]; text: RenderedText }[] {
  return lines.flatMap((l) => {
    const text = renderText(l.text, opts);
    return text ? [{ kind: l.kind, text }] : [];
  });
}
